"""Excel column letters and numbers (A = 1, XFD = 16,384).

The reading and checking path needs only these two conversions, and importing them from
openpyxl loads all of openpyxl (about 0.15 s, a twentieth of a big workbook's whole check);
commands that write workbooks import openpyxl anyway. Tested against openpyxl's functions."""

from __future__ import annotations

from functools import lru_cache

MAX_COLUMN = 16_384
_A = ord("A")


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
