"""The personal-data guard: Swedish personnummer, samordningsnummer, phone numbers and e-mail
addresses in free text.

The workbook is meant to hold pseudonymous data only (Löpnummer, Deltagar-ID), yet comment cells
invite "ring 070-…" or a pasted personnummer. A personnummer is only reported when its date part
is a real date and its check digit is right, so ordinary numbers rarely trip it; masks never
repeat the whole identifier, because findings travel further than the workbook (the Kontroll
sheet, the CLI, the region's export).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .parse import ParseError, parse_date

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
TELEFON = "telefon"
EPOST = "epost"

KIND_LABELS = {
    PERSONNUMMER: "ett personnummer",
    SAMORDNINGSNUMMER: "ett samordningsnummer",
    TELEFON: "ett telefonnummer",
    EPOST: "en e-postadress",
}
IDENTITY_KINDS = (PERSONNUMMER, SAMORDNINGSNUMMER)
PERSONAL_ID = "personal_id"
"""The validator's finding code for an identity number in a cell; an export refuses on it."""
CONTACT_KINDS = (TELEFON, EPOST)


@dataclass(frozen=True)
class Hit:
    """One identifier found in a text: its kind, its span and a masked form safe to show."""

    kind: str
    start: int
    end: int
    masked: str


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check over a digit string, the check of a personnummer's last digit when
    given its 10-digit form YYMMDDNNNC."""
    if not digits or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _valid_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def classify_number(date_part: str, serial: str, separator: str = "") -> str | None:
    """``personnummer``/``samordningsnummer`` when the date part (YYMMDD or YYYYMMDD) is a real
    date (day + 60 for samordningsnummer) and the Luhn digit of YYMMDD+serial is right."""
    if len(date_part) not in (6, 8) or len(serial) != 4:
        return None
    if not luhn_ok(date_part[-6:] + serial):
        return None
    month, day = int(date_part[-4:-2]), int(date_part[-2:])
    kind = PERSONNUMMER
    if day > 60:
        kind, day = SAMORDNINGSNUMMER, day - 60
    if len(date_part) == 8:
        century = int(date_part[:2])
        if century not in (18, 19, 20):
            return None
        years = (int(date_part[:4]),)
    else:
        yy = int(date_part[:2])
        years = (1800 + yy, 1900 + yy) if separator == "+" else (1900 + yy, 2000 + yy)
    return kind if any(_valid_day(y, month, day) for y in years) else None


def _mask_pnr(date_part: str) -> str:
    # Year and month at most: enough to tell two numbers in one cell apart, not a birth date.
    return f"{date_part[:-2]}**-****"


def _mask_digits(text: str, keep: int = 3) -> str:
    out, seen = [], 0
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep else "*")
        else:
            out.append(ch)
    return "".join(out)


def _mask_email(text: str) -> str:
    local, _, domain = text.partition("@")
    return f"{local[:1]}***@{domain}"


_PNR = re.compile(r"(?<![\d])(\d{8}|\d{6})([-+–]|\s)?(\d{4})(?![\d])")
_PHONE = re.compile(
    r"(?<![\w+/–-])"
    r"(?:(?:\+|00)\s?46\s?(?:\(0\)\s?)?[-\s]?(?=[1-9])|\((?=0[1-9])|(?=0[1-9]))"
    r"\d{1,4}\)?(?:[ \u00a0/–-]?\d{1,4}){1,6}(?![\d])"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?![\w-])")
_QUICK = re.compile(r"@|\d{6}|(?<![\w+/–-])(?:(?:\+|00)\s?46|\(?0[1-9])")
"""Cheap prefilter: where an e-mail, an identity number or a phone number could start."""
_TRIM = re.compile(r"[\s/–-]+\d+\)?$")


def _phone_digits(text: str) -> str | None:
    """The national form (0 + 7–9 digits) of a matched phone number, or None."""
    digits = re.sub(r"\D", "", text)
    stripped = text.lstrip("(")
    if stripped.startswith("+") or stripped.startswith("00"):
        digits = digits[4:] if stripped.startswith("00") else digits[2:]
        if not digits.startswith("0"):
            digits = "0" + digits
    if not 8 <= len(digits) <= 10 or not digits.startswith("0"):
        return None
    return digits


def _looks_like_date(text: str) -> bool:
    if not re.search(r"[/.–-]", text):
        return False
    try:
        return parse_date(text) is not None
    except ParseError:
        return False


def _phones(text: str) -> Iterable[Hit]:
    pos = 0
    while m := _PHONE.search(text, pos):
        found = m.group(0)
        limit = 13 if found.startswith(("+", "00")) else 10
        while sum(ch.isdigit() for ch in found) > limit:
            trimmed = _TRIM.sub("", found)
            if trimmed == found:
                break
            found = trimmed
        found = found.rstrip(" -–/")
        end = m.start() + len(found)
        balanced = found.count("(") == found.count(")")
        if balanced and _phone_digits(found) is not None and not _looks_like_date(found):
            yield Hit(TELEFON, m.start(), end, _mask_digits(found))
            pos = end
        else:
            pos = m.end()


def find_identifiers(text: str) -> list[Hit]:
    """Every personnummer, samordningsnummer, phone number and e-mail address in ``text``,
    in order, without overlaps (an identity number wins over a phone reading of the same digits)."""
    if not text or not _QUICK.search(text):
        return []
    hits: list[Hit] = []
    for m in _PNR.finditer(text):
        kind = classify_number(m[1], m[3], m[2] or "")
        if kind:
            hits.append(Hit(kind, m.start(), m.end(), _mask_pnr(m[1])))
    if "@" in text:
        for m in _EMAIL.finditer(text):
            hits.append(Hit(EPOST, m.start(), m.end(), _mask_email(m.group(0))))
    hits.extend(_phones(text))
    kept: list[Hit] = []
    for hit in hits:  # already in priority order: identity numbers, e-mail, phone
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


@lru_cache(maxsize=65536)
def mask_text(text: str) -> str:
    """``text`` with every identifier replaced by its masked form (memoised: findings quote the
    same dates and names over and over)."""
    hits = find_identifiers(text)
    if not hits:
        return text
    out, pos = [], 0
    for hit in hits:
        out.append(text[pos:hit.start])
        out.append(hit.masked)
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)


def number_identifier(value) -> Hit | None:
    """A personnummer typed as a plain number (Excel stores 8501011234 as a number, not text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value == int(value)):
        return None
    digits = str(int(value))
    if len(digits) not in (10, 12):
        return None
    kind = classify_number(digits[:-4], digits[-4:])
    return Hit(kind, 0, len(digits), _mask_pnr(digits[:-4])) if kind else None


def scan_texts(values: Iterable[str]) -> dict[str, list[Hit]]:
    """Hits per distinct text that has any. Built for a million cells: distinct values only, and
    one prefilter pass over them joined, so most cells cost no Python call at all."""
    unique = list(dict.fromkeys(values))
    if not unique:
        return {}
    joined = "\x00".join(unique)
    starts, pos = [], 0
    for value in unique:
        starts.append(pos)
        pos += len(value) + 1
    candidates = {bisect.bisect_right(starts, m.start()) - 1 for m in _QUICK.finditer(joined)}
    out = {}
    for i in sorted(candidates):
        hits = find_identifiers(unique[i])
        if hits:
            out[unique[i]] = hits
    return out
