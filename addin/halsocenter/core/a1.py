"""A1 references: column letters and numbers (A = 1, XFD = 16,384), cells and ranges.

The one parser of A1 references in the package. The reading and checking path needs only
these, and importing them from openpyxl loads all of openpyxl (about 0.15 s, a twentieth of a
big workbook's whole check); commands that write workbooks import openpyxl anyway. Tested
against openpyxl's functions."""

from __future__ import annotations

import re
from functools import lru_cache

MAX_COLUMN = 16_384
MAX_ROW = 1_048_576
_A = ord("A")
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_SHEET_CELL = re.compile(r"=?'?(.+?)'?!(\$?[A-Za-z]{1,3}\$?[0-9]{1,7})")


@lru_cache(maxsize=MAX_COLUMN)
def column_letter(n: int) -> str:
    """``n`` (1..16,384) as Excel writes it: 1 -> A, 27 -> AA."""
    if not 1 <= n <= MAX_COLUMN:
        raise ValueError(f"Invalid column index {n}")
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(_A + rest) + letters
    return letters


@lru_cache(maxsize=MAX_COLUMN)
def column_number(letters: str) -> int:
    """Column letters (any case) as a number: A -> 1, XFD -> 16,384; ValueError otherwise."""
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        raise ValueError(f"{letters!r} is not a valid column name")
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - _A + 1
    if n > MAX_COLUMN:
        raise ValueError(f"{letters!r} is not a valid column name")
    return n


def parse_cell(ref: str) -> tuple[int, int] | None:
    """(column, row) of a cell reference ("B3", "$B$3", "b3"); None for anything else,
    a range or a cell outside Excel's grid included."""
    m = _CELL.fullmatch(ref.strip())
    if not m:
        return None
    row = int(m[2])
    try:
        col = column_number(m[1])
    except ValueError:
        return None
    return (col, row) if 1 <= row <= MAX_ROW else None


def split_range(ref: str) -> tuple[int, int, int, int]:
    """'B3:D10' (or one cell, '$'s allowed) -> (min_col, min_row, max_col, max_row), 1-based;
    ValueError for anything else."""
    cells = [parse_cell(part) for part in ref.split(":")]
    if not 1 <= len(cells) <= 2 or None in cells:
        raise ValueError(ref)
    (c1, r1), (c2, r2) = cells[0], cells[-1]
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def parse_sheet_cell(text: str) -> tuple[str, str] | None:
    """(sheet, "B3") of a sheet-qualified reference as a defined name holds it
    (``'Start'!$B$4``, ``=Start!B4``); None for anything else."""
    m = _SHEET_CELL.fullmatch(text.strip())
    if not m or parse_cell(m[2]) is None:
        return None
    return m[1].replace("''", "'"), m[2].replace("$", "").upper()


def cell_column(ref: str | None) -> int:
    """Column number of a cell reference, 0 for anything else (cached by the letters:
    sorting tens of thousands of findings asks once each)."""
    if not ref:
        return 0
    plain = ref.replace("$", "")
    letters = plain.rstrip("0123456789")
    try:
        return column_number(letters) if letters != plain else 0
    except ValueError:
        return 0


def cell_row(ref: str | None) -> int | None:
    """Row number of a cell reference, None for anything else."""
    parsed = parse_cell(ref) if ref else None
    return parsed[1] if parsed else None
