"""Alternative text (title and description) on the native charts openpyxl writes.

A chart in a worksheet is a ``graphicFrame`` in the sheet's drawing part, and its alternative
text lives on that frame's ``xdr:cNvPr`` (``descr`` and ``title``, as Excel's "Alternativ text"
pane writes them). openpyxl builds the frame itself while saving (``SpreadsheetDrawing.
_chart_frame``) with only an id and a name, and gives no hook to add more.

What openpyxl does keep is the chart's anchor object: while saving it assigns the new frame to
``anchor.graphicFrame``. ``set_alt_text`` gives the chart an anchor of a subclass of the same
anchor class that fills in ``descr`` and ``title`` on that assignment. Nothing else changes: the
anchor serialises exactly as before, any code that saves the workbook (``Workbook.save``, a
writer that post-processes the bytes) writes the text, and there is no second pass over the
package. The tests read ``xdr:cNvPr/@descr`` back from the written file.

Call ``set_alt_text`` after the chart has its place (after ``ws.add_chart(chart, "B2")``, or
after setting ``chart.anchor`` to an anchor object): placing it again replaces the anchor.
"""

from __future__ import annotations

import re

from openpyxl.chart._chart import ChartBase
from openpyxl.drawing.spreadsheet_drawing import (
    AbsoluteAnchor,
    OneCellAnchor,
    TwoCellAnchor,
    _AnchorBase,
    _check_anchor,
)

MAX_LENGTH = 2000
"""Excel's Alternativ text pane takes long descriptions; keep them sane all the same."""


def _get_frame(self):
    return self.__dict__.get("_alt_frame")


def _set_frame(self, frame) -> None:
    if frame is not None:
        props = frame.nvGraphicFramePr.cNvPr
        props.title = self.alt_title or None
        props.descr = self.alt_description or None
    self.__dict__["_alt_frame"] = frame


def _alt_class(base: type[_AnchorBase]) -> type[_AnchorBase]:
    # The serialisation lists are copied, not recomputed: openpyxl's metaclass would otherwise
    # derive them from this class body, which has no descriptors of its own.
    namespace = {name: getattr(base, name) for name in ("__attrs__", "__nested__",
                                                        "__elements__")}  # fmt: skip
    namespace["graphicFrame"] = property(_get_frame, _set_frame)
    namespace["__doc__"] = f"{base.__name__} that writes alternative text on its chart frame."
    return type(f"AltText{base.__name__}", (base,), namespace)


_ALT_CLASSES = {base: _alt_class(base) for base in (TwoCellAnchor, OneCellAnchor, AbsoluteAnchor)}


def _clean(text: str | None) -> str:
    """One line; no-break spaces inside numbers ("1 116") are kept."""
    return re.sub(r"[ \t\r\n]+", " ", str(text or "")).strip()[:MAX_LENGTH]


def set_alt_text(chart: ChartBase, title: str, description: str) -> ChartBase:
    """Give ``chart`` an alternative text: a short ``title`` and a ``description`` that says
    what the chart shows (its message and key numbers). Returns the chart."""
    anchor = _check_anchor(chart)  # a cell reference ("B2") becomes openpyxl's own anchor
    base = next(b for b in type(anchor).__mro__ if b in _ALT_CLASSES)
    alt = _ALT_CLASSES[base].__new__(_ALT_CLASSES[base])
    alt.__dict__.update({k: v for k, v in anchor.__dict__.items() if k != "graphicFrame"})
    alt.alt_title = _clean(title)
    alt.alt_description = _clean(description)
    alt.graphicFrame = None
    chart.anchor = alt
    return chart


def alt_text(chart: ChartBase) -> tuple[str, str] | None:
    """(title, description) given to ``chart`` by ``set_alt_text``, or None."""
    anchor = getattr(chart, "anchor", None)
    if type(anchor) not in _ALT_CLASSES.values():
        return None
    return anchor.alt_title, anchor.alt_description
