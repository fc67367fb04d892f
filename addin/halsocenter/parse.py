"""Parsers for what coaches type into cells: dates, counts, numbers and list values.

Each parser returns the typed value or raises ``ParseError`` with a Swedish reason; ``None`` means
an empty cell. They never guess between two readings: ``3/4/2024`` is day/month as in Sweden.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta

EXCEL_EPOCH = date(1899, 12, 30)
MIN_SERIAL, MAX_SERIAL = 1, 2958465  # 1900-01-01 .. 9999-12-31

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip


class ParseError(ValueError):
    """A cell value that cannot be read as the column's type; ``str()`` is a Swedish reason."""


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:
        import pandas as pd

        return value is pd.NaT or value is pd.NA
    except ImportError:  # pragma: no cover
        return False


def _make_date(y: int, m: int, d: int) -> date:
    if y < 100:
        y += 2000
    try:
        return date(y, m, d)
    except ValueError as exc:
        raise ParseError(f"{y:04d}-{m:02d}-{d:02d} är inget giltigt datum") from exc


def serial_to_date(serial: float) -> date:
    """Excel's 1900 date system (serials above 60 skip the phantom 1900-02-29)."""
    if not MIN_SERIAL <= serial <= MAX_SERIAL:
        raise ParseError(f"talet {serial:g} kan inte vara ett datum")
    whole = int(serial)
    if whole < 61:
        whole += 1
    return EXCEL_EPOCH + timedelta(days=whole)


_ISO = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})\s*[-./]\s*(\d{1,2})(?:\s*[-./ ]\s*|\s+)(\d{2}|\d{4})$")
_SHORT_ISO = re.compile(r"^(\d{2})-(\d{2})-(\d{2})$")
_WORDS = re.compile(r"^(\d{1,2})\s*\.?\s*([a-zåäö]+)\.?\s+(\d{4})$")


def parse_date(value) -> date | None:
    """A date from a real date, an Excel serial or Swedish text (2024-03-05, 20240305,
    5/3/2024, 5.3.2024, 5/3 2024, 24-03-05, 5 mars 2024)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ParseError("ett sanningsvärde är inget datum")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ParseError("värdet är inget datum")
        return serial_to_date(value)
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if m := _ISO.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _SHORT_ISO.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(text):
        return _make_date(int(m[3]), int(m[2]), int(m[1]))
    if m := _WORDS.match(text):
        month = MONTHS.get(m[2])
        if month is None:
            raise ParseError(f"okänt månadsnamn ”{m[2]}”")
        return _make_date(int(m[3]), month, int(m[1]))
    if re.fullmatch(r"\d+([.,]\d+)?", text):
        return serial_to_date(float(text.replace(",", ".")))
    raise ParseError(f"”{value}” är inget datum; skriv t.ex. 2024-03-05")


def parse_number(value) -> float | None:
    """A number, accepting Swedish decimal comma and spaces as thousands separator."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ParseError("ett sanningsvärde är inget tal")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ParseError("värdet är inget tal")
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("\u2212", "-")
    text = re.sub(r"(?<=\d)[ \u202f](?=\d{3}\b)", "", text).replace(",", ".")
    try:
        number = float(text)
    except ValueError as exc:
        raise ParseError(f"”{value}” är inget tal") from exc
    if not math.isfinite(number):
        raise ParseError(f"”{value}” är inget tal")
    return number


def parse_int(value) -> int | None:
    """A whole number; 3.0 is fine, 2.5 is not."""
    number = parse_number(value)
    if number is None:
        return None
    if number != int(number):
        raise ParseError(f"{number:g} är inget heltal")
    return int(number)


def normalize_text(value) -> str:
    """Fold case, spacing and dash variants so typed list values match their canonical form."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"\s+", " ", text)
    text = text.replace("-", "–").replace("—", "–").replace(">=", "≥")
    text = re.sub(r"\s*–\s*", "–", text)
    return text.casefold()


def canonical_list_value(value, allowed) -> str | None:
    """The allowed list value that ``value`` matches ignoring case, spaces and dash style, or the
    trimmed text itself when it matches none (the validator reports it)."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value == int(value):
        value = int(value)
    key = normalize_text(value)
    for candidate in allowed:
        if normalize_text(candidate) == key:
            return candidate
    return re.sub(r"\s+", " ", str(value)).strip()


def clean_text(value) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value == int(value):
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()
