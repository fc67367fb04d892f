"""Worksheet cells written as XML text: the one ``<c>`` writer.

openpyxl's writer costs a Python call or more per cell; a county workbook has tens of thousands
of Rapportdata rows and the export file thousands, so their rows are written here as text and
put into the sheet openpyxl saved (``xlbook.save_with_rows``). Strings are inline strings, as
openpyxl's write-only mode writes them; characters XML cannot hold are left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from halsocenter.core.a1 import column_letter
from halsocenter.xlsx.xltext import xml_safe


def escape(text: str) -> str:
    """Text for XML content or a double-quoted attribute (xml.sax.saxutils would pull in
    urllib and http at start-up)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))  # fmt: skip


def typed_cell(ref: str, kind: str, text: str, style: str = "") -> str:
    """One ``<c>`` element of type ``kind`` (``n``, ``b``, ``s``, ``str``, ``e`` or
    ``inlineStr``) holding ``text`` as the file holds it; ``style`` is its ``s`` attribute
    (' s="N"') or empty."""
    if kind == "inlineStr":
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    return f'<c r="{ref}"{style} t="{escape(kind)}"><v>{escape(text)}</v></c>'


def cell_xml(ref: str, value: Any, style: str = "") -> str:
    """One ``<c>`` element for a plain Python value (text, number, truth value); an empty
    string for nothing to write (None, "", NaN, infinity)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return typed_cell(ref, "b", str(int(value)), style)
    if isinstance(value, (int, float)):
        if value != value or value in (math.inf, -math.inf):
            return ""
        return typed_cell(ref, "n", repr(value), style)
    return typed_cell(ref, "inlineStr", xml_safe(str(value)), style)


def rows_xml(rows: Iterable[Sequence], first_row: int,
             styles: Sequence[Sequence[int] | None] | None = None) -> str:  # fmt: skip
    """``<row>`` elements for plain values, as openpyxl's write-only mode writes them (inline
    strings). Strings repeat a lot (Kommun, Nyckel, Dimension), so each is escaped once.
    ``styles`` (optional, one tuple per row, rows of one look sharing it) gives each cell's
    style index in the workbook's ``cellXfs`` (0 or a missing entry: the default style)."""
    letters = [column_letter(i) for i in range(1, 65)]
    tails: dict[str, str] = {}
    plain = [""] * 64
    attrs: dict[Any, list[str]] = {}  # a row's style tuple -> ' s="N"' per column
    parts = []
    for n, values in enumerate(rows):
        r = first_row + n
        row_styles = styles[n] if styles is not None else None
        s_attr = plain
        if row_styles:
            s_attr = attrs.get(row_styles)
            if s_attr is None:
                s_attr = attrs[row_styles] = [f' s="{x}"' if x else "" for x in row_styles]
                s_attr += [""] * (64 - len(s_attr))
        cells = []
        for i, v in enumerate(values):
            t = type(v)
            if t is str:
                if not v:
                    continue
                tail = tails.get(v)
                if tail is None:
                    tail = tails[v] = cell_xml("", v)[len('<c r=""'):]
                cells.append(f'<c r="{letters[i]}{r}"{s_attr[i]}{tail}')
            elif t is int or (t is float and v == v and v not in (math.inf, -math.inf)):
                cells.append(f'<c r="{letters[i]}{r}"{s_attr[i]} t="n"><v>{v!r}</v></c>')
            elif v is not None:
                cells.append(cell_xml(f"{letters[i]}{r}", v, s_attr[i]))
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(parts)
