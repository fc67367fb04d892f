"""The house look shared by every workbook the program writes (template, summary, Kontroll,
export, county workbook): the named font, the palette, number formats, borders and fills, the
charts' text and the print setup. One place, so every output looks alike.

openpyxl's ``Font()`` leaves the face unnamed; LibreOffice then prints such a cell in a serif
fallback next to Calibri. ``Font`` here always names it, and ``page_setup`` gives a sheet the
A4, fit-to-width printout with header and page numbers that the summary sheet has.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from openpyxl.chart.marker import Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.fill import ColorChoice, PatternFillProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.styles import Font as _Font
from openpyxl.styles import PatternFill, Side

from halsocenter.core import contract as C
from halsocenter.core import palette as P
from halsocenter.xlsx.textfit import FONT_SIZE

FONT_NAME = "Calibri"

# --------------------------------------------------------------------------- palette
# The colours are ``core.palette``'s (the one palette of every output, held to WCAG 2.1 AA);
# the names below are the roles the workbooks give them.

COLOR_DARK = P.DARK
COLOR_HEADER_TEXT = P.WHITE
COLOR_MUTED = P.MUTED
COLOR_GROUP = P.GROUP_FILL
COLOR_TOTAL_LINE = P.AXIS
COLOR_ERROR = P.ERROR_FILL
COLOR_ERROR_TEXT = P.ERROR_TEXT
"""Dark red text, on white or on ``COLOR_ERROR``: the preliminary mark, a missing report."""
COLOR_WARNING = P.WARNING_FILL
CHART_COLORS = P.SERIES
STATUS_COLORS = dict(zip(C.LIST_BY_KEY["status"].values, P.STATUS_FILLS, strict=True))
COLOR_LINK = P.LINK
COLOR_CHART_TEXT = P.CHART_TEXT
COLOR_RULE = P.RULE
COLOR_GRID = P.GRID

# --------------------------------------------------------------------------- number formats

FMT_INT = "#,##0"  # thousands separator follows the reader's locale: "1 234" in Swedish Excel
FMT_DEC = "0.0"
FMT_PCT = "0 %"
FMT_YEAR = "0"
FMT_CHANGE_INT = "+#,##0;-#,##0;0"
FMT_CHANGE_DEC = "+0.0;-0.0;0"
FMT_CHANGE_PCT = "+0 %;-0 %;0 %"
CHANGE_FORMATS = {FMT_INT: FMT_CHANGE_INT, FMT_DEC: FMT_CHANGE_DEC, FMT_PCT: FMT_CHANGE_PCT}
FMT_DATETIME = "yyyy-mm-dd hh:mm"

UNIT_FORMATS = {"antal": FMT_INT, "andel": FMT_PCT, "dagar": FMT_DEC, "timmar": FMT_INT}


# --------------------------------------------------------------------------- fonts, lines, fills


def Font(**kw) -> _Font:  # noqa: N802 - stands in for openpyxl's Font
    """A font that always names its face (without one LibreOffice falls back to a serif) and
    its size (11 pt unless given)."""
    kw.setdefault("size", FONT_SIZE)
    return _Font(name=FONT_NAME, **kw)


def page_setup(ws, *, header_left: str, header_right: str, landscape: bool = True,
               title_rows: str | None = None, pages_tall: int = 0,
               fit_width: bool = True) -> None:  # fmt: skip
    """A4, one page wide (as many pages down as it takes, or ``pages_tall``), the sheet name and
    "Sida X av Y" in the footer. ``header_*`` are plain text; ``title_rows`` ("1:1") repeat on
    every page. ``fit_width=False`` prints at full size over as many pages across as it takes
    (a sheet far wider than a page)."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = fit_width
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = pages_tall
    else:
        ws.page_setup.scale = 100
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE_IN
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_END_IN
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    for hf in (ws.oddHeader, ws.oddFooter):
        for part in (hf.left, hf.center, hf.right):
            part.size = 8
            part.color = COLOR_MUTED
    ws.oddHeader.left.text = header_left.replace("&", "&&")
    ws.oddHeader.right.text = header_right.replace("&", "&&")
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Sida &P av &N"
    if title_rows:
        ws.print_title_rows = title_rows


MARGIN_SIDE_IN, MARGIN_END_IN = 0.5, 0.7
"""``page_setup``'s margins: left and right, top and bottom (inches)."""
A4_PT = (595.28, 841.89)


def page_rows_pt(widths: Iterable[float], *, landscape: bool = True, fill: float = 0.94) -> float:
    """Points of sheet rows that fit on one printed page of a sheet ``page_setup`` fits to one
    page wide, its printed columns ``widths`` wide (Excel's width units). Excel and LibreOffice
    scale such a sheet by a whole percent; a column of width w is 7 w + 5 pixels (a digit of
    Calibri 11 is 7 pixels wide, plus the cell's padding). ``fill`` keeps a margin: a program's
    page break must land before the application's own."""
    short, long = A4_PT
    page_w, page_h = (long, short) if landscape else (short, long)
    width_pt = sum((w * 7 + 5) * 0.75 for w in widths)
    scale = min(1.0, math.floor(100 * (page_w - 2 * 72 * MARGIN_SIDE_IN) / width_pt) / 100)
    return (page_h - 2 * 72 * MARGIN_END_IN) / scale * fill


THIN = Side(style="thin", color=COLOR_RULE)
TOTAL_SIDE = Side(style="thin", color=COLOR_TOTAL_LINE)
HEADER_FONT = Font(bold=True, color=COLOR_HEADER_TEXT)
HEADER_FILL = PatternFill("solid", fgColor=COLOR_DARK)
GROUP_FILL = PatternFill("solid", fgColor=COLOR_GROUP)


# --------------------------------------------------------------------------- charts' text


def chart_title(text: str) -> Title:
    """A chart title in the house look (11 pt bold, dark blue)."""
    props = CharacterProperties(sz=1100, b=True, solidFill=COLOR_DARK)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props),
                     r=[RegularTextRun(rPr=props, t=text)])  # fmt: skip
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def small_text(size: int = 800) -> RichText:
    """Axis, legend and label text of a chart (``size`` in hundredths of a point)."""
    props = CharacterProperties(sz=size, solidFill=COLOR_CHART_TEXT)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def bar_look(i: int) -> GraphicalProperties:
    """The ``i``-th bar series (0-based): the palette's colour, and from the second series on
    its pattern of white lines too, with an outline in the colour -- two series of a clustered
    chart differ in more than colour (WCAG 1.4.1)."""
    color = P.series(i)
    pattern = P.SERIES_PATTERNS[i % len(P.SERIES_PATTERNS)]
    if pattern is None:
        look = GraphicalProperties(solidFill=color)
    else:
        look = GraphicalProperties(pattFill=PatternFillProperties(
            prst=pattern, fgClr=ColorChoice(srgbClr=P.WHITE), bgClr=ColorChoice(srgbClr=color)))
    look.line = LineProperties(solidFill=color, w=6350)  # 0.5 pt: the bar's edge
    return look


LINE_WIDTH = 28575
"""2.25 pt, in EMU."""


def dress_line(series, i: int) -> None:
    """The ``i``-th line series (0-based): the palette's colour, its own dash and its own marker
    (circle, square, triangle), so lines that cross are told apart without colour; straight
    between the points (a curve would invent values)."""
    color = P.series(i)
    n = len(P.SERIES)
    series.smooth = False
    series.graphicalProperties.line.solidFill = color
    series.graphicalProperties.line.width = LINE_WIDTH
    series.graphicalProperties.line.dashStyle = P.SERIES_DASHES[i % n]
    series.marker = Marker(symbol=P.SERIES_MARKERS[i % n], size=7)
    series.marker.graphicalProperties = GraphicalProperties(solidFill=color)
    series.marker.graphicalProperties.line.solidFill = color


# --------------------------------------------------------------------------- headers


VOWELS = set("aeiouyåäöAEIOUYÅÄÖ")


def hyphenate(text: Any, capacity: int) -> Any:
    """Break a header word too long for its column at a syllable start ("Deltagar-\ntillfällen"),
    so it does not wrap in the middle of a letter group."""
    if not isinstance(text, str):
        return text
    words = []
    for word in text.split(" "):
        while len(word) > capacity:
            cuts = [p for p in range(3, min(capacity, len(word) - 2))
                    if word[p] not in VOWELS and word[p + 1] in VOWELS
                    and word[p - 1] in VOWELS | {"r", "l", "n"}]  # fmt: skip
            cut = min(cuts, key=lambda p: max(p, len(word) - p), default=None)
            if cut is None:
                break
            words.append(word[:cut] + "-\n")
            word = word[cut:]
        words.append(word)
    return " ".join(words).replace("\n ", "\n")
