"""Parsers for what coaches type into cells: dates, counts, numbers and list values.

Each parser returns the typed value or raises ``ParseError`` with a Swedish reason; ``None`` means
an empty cell. They never guess between two readings: ``3/4/2024`` is day/month as in Sweden.
They run once per cell of every table, so the common cases take a fast path and text parsing is
memoised (the same date or list value is typed thousands of times in a year).
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

EXCEL_EPOCH = date(1899, 12, 30)
MIN_SERIAL, MAX_SERIAL = 1, 2958465  # 1900-01-01 .. 9999-12-31

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
"""Full Swedish weekday names; a date may be written ``tisdag 5 mars 2024``."""

_WEEKDAY_PREFIX = re.compile(
    r"^(?:(?:" + "|".join(WEEKDAYS) + r"|mån|tis|ons|tors|tor|fre|lör|sön)\.?,?\s+)?(?:den\s+)?"
)


class ParseError(ValueError):
    """A cell value that cannot be read as the column's type; ``str()`` is a Swedish reason."""


class _NotADate(ParseError):
    """Text of no date shape at all; ``parse_date`` words the reason with the original text."""


def is_blank(value) -> bool:
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not value or value.isspace()
    if kind is float:
        return value != value
    if kind in (int, bool, datetime, date):
        return False
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return _pandas_missing(value)


def _pandas_missing(value) -> bool:
    """pandas' NaT / NA, without importing pandas for callers that never meet it (the region's
    export-file reading starts faster without it)."""
    if not type(value).__module__.startswith("pandas"):
        return False
    import pandas as pd

    return value is pd.NaT or value is pd.NA


def _make_date(y: int, m: int, d: int, two_digit_year: bool = False) -> date:
    if two_digit_year:
        y += 2000
    try:
        return date(y, m, d)
    except ValueError as exc:
        raise ParseError(f"{y:04d}-{m:02d}-{d:02d} är inget giltigt datum") from exc


def serial_to_date(serial: float) -> date:
    """Excel's 1900 date system (serials below 61 account for the phantom 1900-02-29)."""
    if not MIN_SERIAL <= serial <= MAX_SERIAL:
        raise ParseError(f"talet {serial:g} kan inte vara ett datum")
    whole = int(serial)
    if whole < 61:
        whole += 1
    return EXCEL_EPOCH + timedelta(days=whole)


def date_to_serial(day: date) -> int:
    """The Excel serial of a date (inverse of ``serial_to_date`` for whole days)."""
    serial = (day - EXCEL_EPOCH).days
    return serial - 1 if serial < 61 else serial


_TIME = r"(?:[ t]+(?:kl\.?\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(r"^(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})" + _TIME + "$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_COMPACT_SHORT = re.compile(r"^(\d{2})(\d{2})(\d{2})$")
_SHORT_ISO = re.compile(r"^(\d{2})-(\d{2})-(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})\s*([-./])\s*(\d{1,2})(?:\s*\2\s*|\s+)(\d{4}|\d{2})" + _TIME + "$")
_WORDS = re.compile(r"^(\d{1,2})(?::?e|:a)?\s*\.?\s*([a-zåäö]+)\.?,?\s+(\d{4})" + _TIME + "$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:[.,]\d+)?$")


@lru_cache(maxsize=8192)
def _parse_text(text: str) -> date:
    if m := _ISO.match(text):
        return _make_date(int(m[1]), int(m[3]), int(m[4]))
    if m := _COMPACT.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT_SHORT.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), two_digit_year=True)
    if m := _SHORT_ISO.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), two_digit_year=True)
    if m := _DMY.match(text):
        return _make_date(int(m[4]), int(m[3]), int(m[1]), two_digit_year=len(m[4]) == 2)
    if m := _WORDS.match(text):
        month = MONTHS.get(m[2])
        if month is None:
            raise ParseError(f"okänt månadsnamn ”{m[2]}”")
        return _make_date(int(m[3]), month, int(m[1]))
    if _SERIAL_TEXT.match(text):
        return serial_to_date(float(text.replace(",", ".")))
    raise _NotADate(text)


def parse_date(value) -> date | None:
    """A date from a real date, an Excel serial or Swedish text: 2024-03-05, 2024/03/05,
    20240305, 240305, 24-03-05, 5/3/2024, 5.3.2024, 5-3-2024, 5/3 2024, 5/3/24, 5 mars 2024,
    5:e mars 2024, tisdag 5 mars 2024 (a time of day after the date is ignored)."""
    kind = type(value)
    if kind is datetime:
        return value.date()
    if kind is date:
        return value
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise ParseError("ett sanningsvärde är inget datum")
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]").item()
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise ParseError("värdet är inget datum")
        return serial_to_date(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    text = _WEEKDAY_PREFIX.sub("", text, count=1)
    try:
        return _parse_text(text)
    except _NotADate:
        raise ParseError(f"”{str(value).strip()}” är inget datum; skriv t.ex. 2024-03-05") from None


_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)")
MAX_MAGNITUDE = 1e15
"""Larger numbers are refused: Excel keeps 15 significant digits, and no count, hour or year in
a workbook comes near (a 64-bit integer column would overflow at 9.2e18)."""


def _in_range(number: float) -> float:
    if abs(number) >= MAX_MAGNITUDE:
        raise ParseError(f"talet {number:g} är för stort")
    return number


def parse_number(value) -> float | None:
    """A number, accepting Swedish decimal comma and spaces as thousands separator."""
    kind = type(value)
    if kind is int:
        return _in_range(float(value))
    if kind is float:
        if value != value:
            return None
        if not math.isfinite(value):
            raise ParseError("värdet är inget tal")
        return value if -MAX_MAGNITUDE < value < MAX_MAGNITUDE else _in_range(value)
    if is_blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ParseError("ett sanningsvärde är inget tal")
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise ParseError("värdet är inget tal")
        return _in_range(number)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("\u2212", "-")
    text = _THOUSANDS.sub("", text).replace(",", ".")
    try:
        number = float(text)
    except ValueError as exc:
        raise ParseError(f"”{value}” är inget tal") from exc
    if not math.isfinite(number):
        raise ParseError(f"”{value}” är inget tal")
    return _in_range(number)


def parse_int(value) -> int | None:
    """A whole number; 3.0 is fine, 2.5 is not."""
    if type(value) is int and -MAX_MAGNITUDE < value < MAX_MAGNITUDE:
        return value
    number = parse_number(value)
    if number is None:
        return None
    if number != int(number):
        raise ParseError(f"{number:g} är inget heltal")
    return int(number)


def norm_header(text) -> str:
    """Headers and sheet names compared ignoring case and runs of spaces.

    ``str.split()`` splits at exactly the characters regex ``\\s`` matches (both ask
    ``str.isspace``), without a regex: ``norm_names`` folds every distinct Löpnummer with it."""
    return " ".join(str(text or "").split()).casefold()


def norm_names(series: pd.Series) -> pd.Series:
    """Names typed by hand (Aktivitet, Löpnummer, Deltagar-ID) as keys that ignore case and
    spacing; None for a blank. Each distinct name is folded once."""
    import pandas as pd  # not at import: the region's export-file path never needs pandas

    codes, uniques = pd.factorize(series.astype("object"), use_na_sentinel=True)
    keys = [norm_header(u) or None for u in uniques] + [None]  # code -1 (blank) -> None
    return pd.Series(pd.Index(keys, dtype="object")[codes].to_numpy(), index=series.index,
                     dtype="object")  # fmt: skip


EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                "#GETTING_DATA", "#SPILL!", "#CALC!")  # fmt: skip
"""Excel's error values, as a cell holding one reads back."""


_AROUND_DASH = re.compile(r"\s*–\s*")


def normalize_text(value) -> str:
    """Fold case, spacing and dash variants so typed list values match their canonical form."""
    text = " ".join(unicodedata.normalize("NFKC", str(value)).split())  # = \s+ -> " ", trimmed
    text = text.replace("-", "–").replace("—", "–").replace(">=", "≥")
    if "–" in text:
        text = _AROUND_DASH.sub("–", text)
    return text.casefold()


@lru_cache(maxsize=512)
def _list_lookup(allowed: tuple) -> dict[str, str]:
    """Exact and folded spellings of each allowed value -> the value (first one wins)."""
    lookup: dict[str, str] = {}
    for candidate in allowed:
        lookup.setdefault(normalize_text(candidate), candidate)
    for candidate in allowed:
        lookup.setdefault(candidate, candidate)
    return lookup


def canonical_list_value(value, allowed) -> str | None:
    """The allowed list value that ``value`` matches ignoring case, spaces and dash style, or the
    trimmed text itself when it matches none (the validator reports it)."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value == int(value):
        value = int(value)
    lookup = _list_lookup(tuple(allowed))
    if type(value) is str and (hit := lookup.get(value)) is not None:
        return hit
    hit = lookup.get(normalize_text(value))
    if hit is not None:
        return hit
    return " ".join(str(value).split())


def clean_text(value) -> str | None:
    if type(value) is str:
        text = value.strip()
        return text or None
    if is_blank(value):
        return None
    if isinstance(value, float) and value == int(value):
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()
