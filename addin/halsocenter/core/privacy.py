"""The personal-data guard: Swedish personnummer, samordningsnummer, phone numbers and e-mail
addresses in free text and in numbers.

The workbook is meant to hold pseudonymous data only (Löpnummer, Deltagar-ID), yet comment cells
invite "ring 070-…" or a pasted personnummer, written in whatever way the keyboard, a copied web
page or a stubborn person produces. Text is therefore normalised before it is searched
(``normalise``): Unicode NFKC (full-width and other compatibility digits), every dash and minus
sign to ``-``, every kind of space and line break to a space, invisible characters (soft hyphen,
zero-width space, combining marks) removed. An identity number is then a run of 10 or 12 digits
split only where a person would split it (``YYMMDD-NNNN``, ``YYYY-MM-DD NNNN``, ``85.01.01 - 1234``,
``8 5 0 1 0 1 1 2 3 4``…) whose date part is a real date (day + 60 for a samordningsnummer) and
whose check digit is right, so dates, phone numbers, löpnummer and amounts rarely trip it. A
number cell is checked as Excel stores it: 10 or 12 digits, a 2000s birth that lost its leading
zero(s), or ``850101,1234`` typed with a decimal comma (``number_identifier``).

Masks never repeat the whole identifier (year and month at most), because findings travel
further than the workbook (the Kontroll sheet, the CLI, the region's export).

Entry points: ``identity_hits(value)`` / ``contains_identity_number(value)`` for any one cell value
(text or number), ``scan_values`` / ``scan_texts`` for many (distinct values, one joined
prefilter pass), ``find_identifiers`` for every kind in a text, ``mask_text`` /
``mask_identity`` / ``mask_value`` / ``mask_finding`` for anything shown to a person.
"""

from __future__ import annotations

import bisect
import math
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from halsocenter.core.messages import where_of
from halsocenter.core.parse import ParseError, parse_date
from halsocenter.errors import Refused

if TYPE_CHECKING:
    from halsocenter.core.model import Finding

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


def _valid_day(year: int, month: int, day: int, today: date) -> bool:
    """A real date that is not in the future: nobody is born after today."""
    try:
        return date(year, month, day) <= today
    except ValueError:
        return False


_clock = time.time
"""Where "now" comes from (a test moves it to another day)."""
_day = (date.min, 0.0, 0.0)
"""Today, and the clock times when it starts and ends."""


def _today() -> date:
    """Today's date, not the date at import: Excel keeps the add-in's Python running for days.
    One clock read per call; the date is looked up again only when the clock has left the day,
    and then the memoised masks (made with the old date) are forgotten."""
    global _day
    now = _clock()
    today, start, end = _day
    if start <= now < end:
        return today
    today = date.fromtimestamp(now)
    midnight = datetime.combine(today, datetime.min.time())
    _day = (today, midnight.timestamp(), (midnight + timedelta(days=1)).timestamp())
    _mask_text.cache_clear()
    _mask_identity.cache_clear()
    return today


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
    today = _today()
    return kind if any(_valid_day(y, month, day, today) for y in years) else None


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


# --------------------------------------------------------------------------- normalising

_MINUS_SIGNS = frozenset("\u2212\u2796\u02d7\u207b\u208b\ufe63\uff0d")
"""Minus signs outside Unicode's dash category (Pd); Pd itself covers U+2010–U+2015, U+FE58…"""
_DOTS = frozenset(".\u00b7\u2024\u2027\u2219\u22c5\u30fb\uff0e\uff65")
_PLUSES = frozenset("+\u207a\u208a\ufb29\ufe62\uff0b\u2795")
_INVISIBLE = frozenset(("Cf", "Mn", "Me"))
"""Soft hyphen, zero-width and bidi marks, combining marks: removed before searching."""


@lru_cache(maxsize=4096)
def _norm_char(ch: str) -> str:
    """One character as the identity search sees it: NFKC, then a digit as ASCII, any dash,
    minus or underscore as ``-``, any space or line break as `` ``, any dot as ``.``, any plus
    as ``+``, an invisible character as nothing."""
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if c.isdecimal():
            out.append(str(unicodedata.decimal(c)))
        elif c.isspace():
            out.append(" ")
        elif c in _MINUS_SIGNS or unicodedata.category(c) in ("Pd", "Pc"):
            out.append("-")  # Pc: the underscore a table or defined name must use instead
        elif c in _DOTS:
            out.append(".")
        elif c in _PLUSES:
            out.append("+")
        elif unicodedata.category(c) not in _INVISIBLE:
            out.append(c)
    return "".join(out)


_ASCII = {i: _norm_char(chr(i)) for i in range(128)}
_ASCII_TABLE = str.maketrans({chr(i): v for i, v in _ASCII.items() if v != chr(i)})


def _normalised(text: str) -> tuple[str, list[int] | None]:
    """``text`` normalised for the identity search, and for each of its characters the index of
    the character of ``text`` it came from (None: the same index, as for ASCII text)."""
    if text.isascii():
        return text.translate(_ASCII_TABLE), None
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        rep = _ASCII[ord(ch)] if ch < "\x80" else _norm_char(ch)
        if rep:
            out.append(rep)
            origin.extend([i] * len(rep))
    return "".join(out), origin


def normalise(text: str) -> str:
    """``text`` as the identity search reads it (NFKC, dashes, spaces, dots and pluses unified,
    invisible characters removed)."""
    return _normalised(text)[0]


# --------------------------------------------------------------------------- identity numbers

_CHAIN = re.compile(r"[0-9]+(?:[ .+\-]{1,8}[0-9]+)*")
"""Digit groups joined by short runs of separators (in normalised text): up to eight, so a
blank line or a spaced-out dash between date and number still joins them."""
_GROUP = re.compile(r"[0-9]+")
_DATE_CUTS = {6: frozenset({2, 4}), 8: frozenset({4, 6})}
"""Where a person splits the date part: YY MM DD, YYYY MM DD (any subset of those places)."""
_MARKS = frozenset("-+.")
"""Separators that show where a number is split: only between date and serial, or at
YY|MM|DD; spaced-out digits are split by spaces alone."""


def _written_like_a_number(cuts: Iterable[int], length: int) -> bool:
    """Whether digit groups split at ``cuts`` (offsets into the 10/12 digits) are how an identity
    number is written: the date part whole, split at YY|MM|DD, or spaced out digit by digit;
    the last four digits whole or spaced out."""
    date_len = length - 4
    date_cuts = frozenset(c for c in cuts if c < date_len)
    serial_cuts = frozenset(c for c in cuts if c > date_len)
    date_ok = date_cuts <= _DATE_CUTS[date_len] or date_cuts == frozenset(range(1, date_len))
    return date_ok and serial_cuts in (frozenset(), frozenset(range(date_len + 1, length)))


def _split_date(seps: dict[int, str], date_len: int) -> bool:
    """True when the date part is written split at YY|MM|DD (not whole, not spaced out)."""
    cuts = [c for c in seps if c < date_len]
    return bool(cuts) and len(cuts) < date_len - 1


def _continues_as_date(chain: str, groups: list[re.Match], last: int) -> bool:
    """True when the four digits after a split date run on as the start of a date or a
    löpnummer: ``2024-03-05 - 2024-04-05``, ``2024-03-05 - 2024-017`` are no numbers."""
    if last + 1 >= len(groups):
        return False
    between = chain[groups[last].end():groups[last + 1].start()]
    return ("-" in between or "." in between) and len(groups[last + 1][0]) <= 5


def _identity_in_chain(chain: str, offset: int) -> Iterable[tuple[str, int, int, str]]:
    """(kind, start, end, date digits) of each identity number in one chain of digit groups:
    the longest valid reading from each group on, never two overlapping."""
    groups = list(_GROUP.finditer(chain))
    first = 0
    found = None
    while first < len(groups):
        digits, seps = "", {}  # seps: digit offset of a cut -> the separator written there
        for last in range(first, len(groups)):
            if last > first:
                seps[len(digits)] = chain[groups[last - 1].end():groups[last].start()]
            digits += groups[last][0]
            if len(digits) > 12:
                break
            if len(digits) not in (10, 12) or not _written_like_a_number(seps.keys(), len(digits)):
                continue
            date_len = len(digits) - 4
            if any(_MARKS & set(sep) for cut, sep in seps.items()
                   if cut != date_len and cut not in _DATE_CUTS[date_len]):
                continue  # a dash between spaced-out digits: the number is cut elsewhere
            separator = seps.get(date_len, "")
            if _split_date(seps, date_len) and (
                    not ("-" in separator or "+" in separator)
                    or _continues_as_date(chain, groups, last)):
                continue  # a date and a time or a date range; 1985-01-01-1234 is a number
            kind = classify_number(digits[:date_len], digits[date_len:],
                                   "+" if "+" in separator else "")  # fmt: skip
            if kind:  # the longest reading wins: 1 9 0 9 0 1 6 6 0 0 0 1 is twelve digits
                found = (kind, offset + groups[first].start(), offset + groups[last].end(),
                         digits[:date_len], last)  # fmt: skip
        if found:
            yield found[:4]
            first = found[4]
            found = None
        first += 1


def _identity_hits_text(text: str) -> list[Hit]:
    """Identity numbers in ``text``, searched in its normalised form, spans mapped back."""
    norm, origin = _normalised(text)
    hits = []
    for chain in _CHAIN.finditer(norm):
        if chain.end() - chain.start() < 10:
            continue
        for kind, start, end, date_part in _identity_in_chain(chain[0], chain.start()):
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
            hits.append(Hit(kind, start, end, _mask_pnr(date_part)))
    return hits


_PHONE = re.compile(
    r"(?<![\w+/–-])"
    r"(?:(?:\+|00)\s?46\s?(?:\(0\)\s?)?[-\s]?(?=[1-9])|\((?=0[1-9])|(?=0[1-9]))"
    r"\d{1,4}\)?(?:[ \u00a0/–-]?\d{1,4}){1,6}(?![\d])"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?![\w-])")
_QUICK = re.compile(r"@|(?<!\d)(?>(?:\d(?:[^\w\x00]|_)*+){9})\d|(?<![\w+/–-])(?:(?:\+|00)\s?46|\(?0[1-9])")
"""Cheap prefilter over NFKC text: where an e-mail, an identity number (ten digits with anything
but letters between them, a superset of what ``_identity_hits_text`` accepts) or a phone number
could start."""
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
    in order, without overlaps (an identity number wins over a phone reading of the same digits).
    Spans index ``text`` itself, whatever the normalisation changed."""
    if not text or not _QUICK.search(_nfkc(text)):
        return []
    hits: list[Hit] = _identity_hits_text(text)
    if "@" in text:
        for m in _EMAIL.finditer(text):
            hits.append(Hit(EPOST, m.start(), m.end(), _mask_email(m.group(0))))
    hits.extend(_phones(text))
    kept: list[Hit] = []
    for hit in hits:  # already in priority order: identity numbers, e-mail, phone
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _replace_hits(text: str, hits: list[Hit]) -> str:
    out, pos = [], 0
    for hit in hits:
        out.append(text[pos:hit.start])
        out.append(hit.masked)
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)


def mask_text(text: str) -> str:
    """``text`` with every identifier replaced by its masked form (memoised: findings quote the
    same dates and names over and over; forgotten when the day changes)."""
    _today()
    return _mask_text(text)


@lru_cache(maxsize=65536)
def _mask_text(text: str) -> str:
    hits = find_identifiers(text)
    return _replace_hits(text, hits) if hits else text


def mask_identity(text: str) -> str:
    """``text`` with every personnummer and samordningsnummer masked, phone numbers and e-mail
    addresses left as they are (figure names on the generated sheets)."""
    _today()
    return _mask_identity(text)


@lru_cache(maxsize=65536)
def _mask_identity(text: str) -> str:
    hits = [h for h in find_identifiers(text) if h.kind in IDENTITY_KINDS]
    return _replace_hits(text, hits) if hits else text


# --------------------------------------------------------------------------- numbers

NUMBER_MIN, NUMBER_MAX = 1e4, 1e12
"""Numbers outside this range (by size) can be no identity number in any stored form, so a
reader can skip them without a call (counts, hours, years, dates are all below it)."""


def may_be_identity_number(value) -> bool:
    """Cheap pre-check for a number cell: only these go to ``number_identifier``."""
    kind = value.__class__
    return (kind is float or kind is int) and NUMBER_MIN <= abs(value) < NUMBER_MAX


def _number_forms(value: float | int) -> Iterable[tuple[str, str, str]]:
    """(date part, serial, separator) readings of a number as Excel stores what was typed."""
    value = abs(value)
    if value == int(value):
        digits = str(int(value))
        if len(digits) in (10, 12):
            yield digits[:-4], digits[-4:], ""
        elif 7 <= len(digits) <= 9:  # a 2000s birth: the leading zero(s) of YYMMDD are gone
            digits = digits.zfill(10)
            yield digits[:6], digits[6:], ""
        return
    text = repr(float(value))  # 850101,1234 typed with a Swedish decimal comma
    whole, dot, fraction = text.partition(".")
    if dot and "e" not in text and 1 <= len(fraction) <= 4 and len(whole) in (5, 6, 8):
        yield whole.zfill(6) if len(whole) < 8 else whole, fraction.ljust(4, "0"), "-"


def number_identifier(value) -> Hit | None:
    """A personnummer typed as a plain number: Excel stores 8501011234 and 198501011234 as
    numbers, 0501011234 as 501011234 (leading zero lost), 850101,1234 as a decimal number (not
    for a birth in 2000: 000531,1234 becomes 531.1234, a number too common to flag)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    for date_part, serial, separator in _number_forms(value):
        kind = classify_number(date_part, serial, separator)
        if kind:
            shown = f"{date_part}{serial}"
            return Hit(kind, 0, len(shown), _mask_pnr(date_part))
    return None


# --------------------------------------------------------------------------- any value


def identity_hits(value: Any) -> list[Hit]:
    """The personnummer and samordningsnummer in one cell value, whatever it is: text (any
    writing), a number (any stored form); anything else has none. The guard every reader runs."""
    if value.__class__ is str or isinstance(value, str):
        return [h for h in find_identifiers(value) if h.kind in IDENTITY_KINDS]
    hit = number_identifier(value)
    return [hit] if hit else []


def contains_identity_number(value: Any) -> bool:
    """True when ``value`` (text or number) holds a personnummer or samordningsnummer."""
    return bool(identity_hits(value))


def mask_value(value: Any) -> Any:
    """A value as it may be shown to a person: text with identifiers masked, a number that is an
    identity number as its mask; anything else unchanged."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        hit = number_identifier(value)
        if hit:
            return hit.masked
    return value


def mask_finding(finding):
    """A ``Finding`` with no identifier left in any field a person sees (message, value, sheet,
    column): readers quote cells and sheet names, and findings travel to the Kontroll sheet, the
    CLI and the export."""
    changes = {}
    for name in ("message", "sheet", "column"):
        text = getattr(finding, name)
        if isinstance(text, str) and text and (masked := mask_text(text)) != text:
            changes[name] = masked
    value = mask_value(finding.value)
    if value is not finding.value and value != finding.value:
        changes["value"] = value
    return replace(finding, **changes) if changes else finding


# --------------------------------------------------------------------------- many values


def _candidates(unique: list[str]) -> list[int]:
    """Indexes of the texts the prefilter lets through: one regex pass over all of them joined
    (NFKC applied once to the whole, so full-width and other compatibility digits count)."""
    joined = _nfkc("\x00".join(unique))
    parts = joined.split("\x00")
    if len(parts) != len(unique):  # cannot happen with NFKC; be exact rather than fast
        return list(range(len(unique)))
    starts, pos = [], 0
    for part in parts:
        starts.append(pos)
        pos += len(part) + 1
    return sorted({bisect.bisect_right(starts, m.start()) - 1 for m in _QUICK.finditer(joined)})


def scan_texts(values: Iterable[str]) -> dict[str, list[Hit]]:
    """Hits (every kind) per distinct text that has any. Built for a million cells: distinct
    values only, and one prefilter pass over them joined, so most cells cost no Python call."""
    unique = list(dict.fromkeys(values))
    if not unique:
        return {}
    out = {}
    for i in _candidates(unique):
        hits = find_identifiers(unique[i])
        if hits:
            out[unique[i]] = hits
    return out


def scan_values(values: Iterable[Any]) -> dict[Any, list[Hit]]:
    """Identity-number hits per distinct value (text or number) that has any: the bulk form of
    ``identity_hits`` for a reader that checks every cell it reads."""
    texts, out = [], {}
    for value in dict.fromkeys(v for v in values if v is not None and v.__class__ is not bool):
        if isinstance(value, str):
            texts.append(value)
        elif may_be_identity_number(value) and (hit := number_identifier(value)):
            out[value] = [hit]
    for text, hits in scan_texts(texts).items():
        identity = [h for h in hits if h.kind in IDENTITY_KINDS]
        if identity:
            out[text] = identity
    return out


# --------------------------------------------------------------------------- refusing a file


def personal_data_errors(findings: Iterable[Finding]) -> list[Finding]:
    """Errors that mean an identity number (personnummer, samordningsnummer) is in the
    workbook."""
    return [f for f in findings if f.severity == "error" and f.code == PERSONAL_ID]


MAX_PLACES_SHOWN = 5


def identity_refusal(stopped: str, findings: Sequence[Finding]) -> str:
    """The Swedish refusal of a file that would leave the hub: how many identity numbers, and
    where the first ones are (place and masked value, never the number itself). Where to see
    them all is each adapter's ending: the Kontroll sheet in Excel, ``halsocenter check`` on the
    command line."""
    def shown(value) -> str:
        text = str(value) if value is not None else ""
        return text if len(text) <= 40 else text[:39] + "…"

    places = [f"{where_of(f.message)} (”{shown(f.value)}”)" if f.value is not None
              else where_of(f.message) for f in findings[:MAX_PLACES_SHOWN]]  # fmt: skip
    more = (f" och {len(findings) - MAX_PLACES_SHOWN} till"
            if len(findings) > MAX_PLACES_SHOWN else "")  # fmt: skip
    count = f"{len(findings)} ställe" if len(findings) == 1 else f"{len(findings)} ställen"
    return (f"{stopped}: arbetsboken innehåller personnummer eller samordningsnummer på {count}: "
            f"{'; '.join(places)}{more}. Ta bort dem och försök igen.")


class PersonalDataRefused(Refused):
    """An identity number is in the workbook, so a file that leaves the hub (the export, the
    Word report) is not written. The message names each place with the number masked."""

    def __init__(self, stopped: str, findings: Sequence[Finding], title: str):
        super().__init__(identity_refusal(stopped, findings), findings)
        self.title = title


def refuse_identity_numbers(findings: Iterable[Finding], *, report: bool = False) -> None:
    """Raise ``PersonalDataRefused`` when ``findings`` hold an identity number."""
    bad = personal_data_errors(findings)
    if bad:
        if report:
            raise PersonalDataRefused("Word-rapporten skapades inte", bad,
                                      "Personuppgifter som stoppar Word-rapporten")
        raise PersonalDataRefused("Exporten stoppades", bad,
                                  "Personuppgifter som stoppar exporten")
