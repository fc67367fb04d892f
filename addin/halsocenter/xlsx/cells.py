"""Text stays text: the one rule for every value the program puts in a cell.

A string that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is what a
spreadsheet takes for a formula — openpyxl turns any string starting with ``=`` into one, and
Excel reads all of them as a formula when the text is typed, pasted or re-entered (F2, Enter).
That is how a DDE payload such as ``=cmd|' /C calc'!A0`` typed in a plan or comment would come
alive in the export file, next year's workbook or the county workbook. Every writer therefore
routes the values it writes through this module:

* Files (openpyxl, normal and write-only sheets): such text is stored as a string cell with
  Excel's quote prefix (``quotePrefix``, what Excel itself stores when a person types a leading
  apostrophe). The value is unchanged, shows as typed and stays text when the cell is edited.
  Characters an XML file cannot hold (control characters) are left out, as openpyxl would
  otherwise refuse the whole file.
* Live Excel (xlwings: desktop COM and Office.js): the value is sent with a leading
  apostrophe, which Excel takes as "text follows" and does not keep as part of the value.
  Text that Excel would turn into a number, date or truth value (``0012``, ``1/2``, ``SANT``)
  gets the same prefix, so the live sheet shows exactly what the file writer writes.

Formulas the program itself writes (the Kontroll sheet's links) are written as formulas on
purpose, with any text inside them quoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

from halsocenter.xlsx.xltext import xml_safe

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read text as a formula."""


_LIVE_RISKY = re.compile(r"^[=+\-@'(\d.,$€%\t\r]|^(true|false|sant|falskt)$", re.IGNORECASE)


def formula_like(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet would take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _clean(value: Any) -> Any:
    return xml_safe(value) if isinstance(value, str) else value


def as_text(cell: Cell, value: Any) -> Cell:
    """Give an openpyxl cell ``value``; formula-like text is kept as text (string type and
    quote prefix). Returns the cell, so styles can be set on the result."""
    value = _clean(value)
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put(ws, row: int, column: int, value: Any) -> Cell:
    """Write ``value`` to a cell of a normal worksheet; formula-like text stays text."""
    return as_text(ws.cell(row=row, column=column), value)


def cell(ws, value: Any) -> Any:
    """A value for ``ws.append``: formula-like text (and a cell already holding such text)
    becomes a cell that keeps it as text; anything else is returned as it is."""
    if type(value) is str:
        value = _clean(value)
        return as_text(WriteOnlyCell(ws), value) if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, Cell) and formula_like(value.value):
        return as_text(value, value.value)
    return value


def row(ws, values: Iterable[Any]) -> list[Any]:
    """A whole row for ``ws.append`` (write-only or normal sheet) with text kept as text."""
    return [cell(ws, v) for v in values]


def guard(ws):
    """Make every later ``ws.append(...)`` and ``ws.cell(row, column, value)`` on this sheet
    keep text as text, for writers that build a sheet in many places. Returns ``ws``."""
    append = ws.append
    ws.append = lambda values: append(row(ws, values))
    if not getattr(ws.parent, "write_only", False):
        make = ws.cell

        def cell_(row: int, column: int, value: Any = None):
            target = make(row=row, column=column)
            return target if value is None else as_text(target, value)

        ws.cell = cell_
    return ws


# --------------------------------------------------------------------------- live Excel


def live(value: Any) -> Any:
    """A value for xlwings' ``range.value``: text Excel would reinterpret (formula, number,
    date, truth value) gets the text prefix ``'``, which Excel does not keep in the value."""
    if isinstance(value, str) and value and _LIVE_RISKY.match(value):
        return "'" + value
    return value


def live_rows(rows: Sequence[Sequence[Any]], width: int | None = None) -> list[list[Any]]:
    """A rectangular block for one ``range.value = ...`` call, every value through ``live``."""
    width = width or max((len(r) for r in rows), default=1)
    return [[live(v) for v in r] + [None] * (width - len(r)) for r in rows]
