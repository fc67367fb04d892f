"""Build the book payload an xlwings remote client sends (``xw.Book(json=payload)``) from a real
.xlsx file, so the live-Excel layer can be run against xlwings' own remote engine in tests.

The shape follows the client's ``getBookData`` (xlwings/js/xlwings.ts): every sheet's values from
A1 to its last used cell, ``""`` for an empty cell, dates as ISO strings with a trailing ``Z``,
Excel error values as their text; tables with their range addresses; defined names with the
sheet index and address they point at; the cells that have a note (their text is not in the
payload: xlwings Lite asks Excel for it, see ``lite_client.py``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.utils import get_column_letter, range_boundaries

CLIENT = "Office.js"


def _iso(value: datetime | date | time) -> str:
    """A date cell as the client sends it: ``new Date(...).toISOString()``."""
    if isinstance(value, time):
        value = datetime.combine(date(1899, 12, 30), value)
    elif not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def cell_payload(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (datetime, date, time)):
        return _iso(value)
    return value


def _address(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    first = f"{get_column_letter(min_col)}{min_row}"
    last = f"{get_column_letter(max_col)}{max_row}"
    return first if first == last else f"{first}:{last}"


def _table(name: str, ref: str, totals: int) -> dict[str, Any]:
    c1, r1, c2, r2 = range_boundaries(ref)
    body_last = r2 - totals
    return {
        "name": name,
        "range_address": _address(c1, r1, c2, r2),
        "header_row_range_address": _address(c1, r1, c2, r1),
        "data_body_range_address": _address(c1, r1 + 1, c2, max(body_last, r1 + 1)),
        "total_row_range_address": _address(c1, r2, c2, r2) if totals else None,
        "show_headers": True,
        "show_totals": bool(totals),
        "table_style": "TableStyleMedium2",
        "show_autofilter": True,
    }


def _sheet(ws) -> dict[str, Any]:
    max_row, max_col = max(ws.max_row, 1), max(ws.max_column, 1)
    values = [[cell_payload(v) for v in row]
              for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col,
                                      values_only=True)]  # fmt: skip
    tables = [_table(t.displayName, t.ref, t.totalsRowCount or 0) for t in ws.tables.values()]
    notes = [{"address": c.coordinate} for row in ws.iter_rows() for c in row if c.comment]
    return {
        "name": ws.title, "values": values, "pictures": [], "shapes": [], "charts": [],
        "notes": notes, "tables": tables, "visibility": "Visible", "print_area": None,
        "show_gridlines": True, "pivot_tables": [],
    }  # fmt: skip


_CELL_REF = re.compile(r"^'?(.+?)'?!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def _names(wb, order: list[str]) -> list[dict[str, Any]]:
    """Book-level names, then each sheet's own names (scoped to it, as Office.js sends them)."""
    out = []
    scoped = [(name, dn, None) for name, dn in wb.defined_names.items()]
    scoped += [(name, dn, title) for title in order if hasattr(wb[title], "defined_names")
               for name, dn in wb[title].defined_names.items()]  # fmt: skip
    for name, dn, scope in scoped:
        text = dn.attr_text or ""
        m = _CELL_REF.match(text)
        sheet_index = address = None
        if m and m[1].replace("''", "'") in order:
            sheet_index = order.index(m[1].replace("''", "'"))
            address = f"{m[2]}{m[3]}" + (f":{m[4]}{m[5]}" if m[4] else "")
        out.append({"name": name, "sheet_index": sheet_index, "address": address,
                    "refers_to": "=" + text, "scope_sheet_name": scope,
                    "scope_sheet_index": order.index(scope) if scope else None,
                    "book_scope": scope is None})  # fmt: skip
    return out


def book_payload(path: str | Path, name: str | None = None) -> dict[str, Any]:
    """The payload for ``xw.Book(json=...)`` of the workbook at ``path``. ``name`` is what the
    book reports as its (full) name; a remote client sends only the file name."""
    path = Path(path)
    wb = openpyxl.load_workbook(path, data_only=True)
    order = wb.sheetnames
    return {
        "version": xw.__version__,
        "client": CLIENT,
        "book": {"name": name or path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": _names(wb, order),
        "sheets": [_sheet(wb[title]) for title in order],
    }


def sheet_values(payload: dict[str, Any], sheet: str) -> list[list[Any]]:
    for s in payload["sheets"]:
        if s["name"] == sheet:
            return s["values"]
    raise KeyError(sheet)


def note_texts(path: str | Path) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> the note's text, as Lite's client would answer ``getNoteText``."""
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.comment.text for ws in wb.worksheets
            for row in ws.iter_rows() for c in row if c.comment}  # fmt: skip
