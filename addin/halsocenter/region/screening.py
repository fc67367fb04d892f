"""What a municipality sends is screened before the county counts it.

The region's folder may hold anything: an export file edited by hand, a copy made to look newer,
a workbook with a personnummer typed into an activity name. Nothing read here is trusted; every
value that could reach the county workbook passes these rules, and what breaks one is left out
(never guessed or repaired) and reported as a ``Problem`` naming the sheet, row and column.

- **Identity numbers.** Every text and number that could be copied (Kommun, Nyckel, Dimension,
  Värde, plan texts, Historik, versions) and every other cell, sheet name and document property
  of an export file is read by the privacy guard (``identity``). A flagged Rapportdata row or
  Historik row is left out; a flagged plan text leaves that cell empty; a flagged Kommun makes the
  file unusable. Messages show only the masked form (year and month at most).
- **Kommun**: one of the region's municipalities (the built-in Jönköpings län's 13 unless the
  run gives a region), else the file is not used -- ``Länet`` itself, an identity number, or any
  other name, which the county cannot check and so never shows.
- **År**: a whole number from ``YEAR_MIN`` to next year; any other makes the file unusable.
- **Skapad** more than ``FUTURE_SLACK`` ahead of now is not believed: the file competes for the
  newest-file rule as if it had no creation time.
- **Rapportdata rows**: Nyckel must be a contract key; Dimension empty or ``Name=value`` with a
  name the contract gives that key; Värde empty (not computable), masked, or a finite number
  within ``LIMITS`` for the key's unit (counts whole). A (Nyckel, Dimension) pair that occurs more
  than once is left out entirely: which copy is right cannot be told, and summing both would
  count it twice.
- **Limits per unit**: antal 0–1 000 000 whole; timmar 0–10 000 000; andel 0–1; dagar 0–730.
  A year-on-year change of a figure may be negative, within the same bound either way; a change
  as a share of last year within ±``CHANGE_SHARE_LIMIT``.
- **Status**: Slutlig or Preliminär on sheet Info; a file is preliminary when it says so or
  when it counts errors left (``Fel``), whichever is worse.

The county workbook carries only what the contract allows (``contract.COUNTY_FIELDS``), so no
message here quotes what it read: a bad key, text or name is described, never repeated (numbers
are shown, an identity number only masked), and sheets and columns are named by the export's
own names (``OTHER_SHEET`` for any other sheet, the column letter for any other column). A file
is named by its number in the folder, never by its name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from openpyxl.utils import get_column_letter

from halsocenter.core import contract as C
from halsocenter.core.outbound import COLUMN_NAMES, TEMPLATE_SHEETS
from halsocenter.core.parse import norm_header
from halsocenter.core.privacy import Hit, identity_hits, mask_identity, may_be_identity_number
from halsocenter.core.region_config import DEFAULT, Region
from halsocenter.core.summary import PlanRow
from halsocenter.errors import UserError, WorkbookError
from halsocenter.region.export_format import ExportRow

COUNTY = C.COUNTY_ROW
YEAR_MIN = 2000
FUTURE_SLACK = timedelta(days=1)
"""Clocks and time zones differ between municipalities; a day ahead is not yet the future."""
MAX_VERSION = 40
VERSION = re.compile(r"\d{1,4}(\.\d{1,4}){0,3}([.+-]?[A-Za-z0-9]{1,12}){0,3}")
"""A program version as Info may give it (0.1.0, 1.2.3rc1, 2.0.0+local): any other text is
not a version and is not carried."""

LIMITS: dict[str, tuple[float, float]] = {
    "antal": (0, 1_000_000),
    "timmar": (0, 10_000_000),
    "andel": (0, 1),
    "dagar": (0, 730),
}
"""Plausible range per unit. A hub of the county sees a few hundred people a year and its
largest count (participant sessions) is in the thousands; a median wait of two years is not a
waiting time but a typing error."""
CHANGE_SHARE_LIMIT = 1_000_000
WHOLE_UNITS = ("antal",)

# Problem kinds, as the region reads them in the Typ column of Avvikelser.
KIND_IDENTITY = "Personnummer i filen"
KIND_DUPLICATE = "Dubblett"
KIND_UNKNOWN_KEY = "Okänd nyckel"
KIND_UNKNOWN_DIMENSION = "Okänd indelning"
KIND_NOT_NUMBER = "Inte ett tal"
KIND_OUT_OF_RANGE = "Orimligt värde"
KIND_BAD_YEAR = "Orimligt år"
KIND_FUTURE = "Skapad i framtiden"
KIND_BAD_INFO = "Felaktig uppgift"

FILE_REASONS = {
    "corrupt": "Filen är skadad och kan inte läsas.",
    "not_workbook": "Filen är ingen Excel-arbetsbok (.xlsx).",
    "not_file": "Filen kan inte öppnas.",
    "not_found": "Filen kan inte öppnas.",
    "too_big": "Filen är större än programmets gränser för en fil som läses.",
    "password": "Filen är lösenordsskyddad.",
    "not_template": "Filen följer inte Hälsocenter-mallen och är ingen exportfil.",
    "newer_template": "Arbetsboken är gjord med en nyare mall än programmet kan läsa; "
                      "uppdatera programmet.",
    "old_template": "Arbetsboken är gjord med en gammal mall som inte kan läsas.",
    "missing_sheet": "En flik med en av mallens tabeller saknas i arbetsboken.",
    "missing_column": "En kolumn saknas i en av arbetsbokens tabeller.",
}
"""Why a file could not be read, as the county workbook says it: the reader's own message
names the file, its sheets and parts, which the county workbook never repeats (the command
line shows it)."""


@dataclass(frozen=True)
class Problem:
    """One thing in a file the county did not take: what, where, and the Swedish message."""

    kind: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    key: str | None = None
    value: float | None = None
    """The offending number when it is safe to show (never an identity number)."""
    limit: float | None = None
    masked: str | None = None
    """An identity number's masked form (year and month at most)."""

    @property
    def where(self) -> str:
        return where(self.sheet, self.row, self.column)


def where(sheet: str | None, row: int | None = None, column: str | None = None) -> str:
    """"Rapportdata, rad 12, kolumn Värde" (the parts that are known). The sheet and column
    are the export's or the template's own names (``sheet_label``), never the file's."""
    parts = (sheet, f"rad {row}" if row else None, f"kolumn {column}" if column else None)
    return mask_identities(", ".join(p for p in parts if p))


KNOWN_SHEETS = {norm_header(n): n for n in (*C.EXPORT_SHEETS, *TEMPLATE_SHEETS)}
KNOWN_COLUMNS = frozenset((*(f.field for f in C.EXPORT_FIELDS), *C.PLAN.headers,
                           *COLUMN_NAMES))  # fmt: skip


def sheet_label(name: str | None) -> str | None:
    """A sheet of a file as the county may name it: the export's (or template's) own name of
    that sheet, ``OTHER_SHEET`` for any other."""
    if name is None:
        return None
    return KNOWN_SHEETS.get(norm_header(name), C.OTHER_SHEET)


def reason_of(exc: WorkbookError) -> str:
    """Why a file could not be read, in the county's words (``FILE_REASONS``)."""
    return FILE_REASONS.get(exc.kind, "Filen kan inte läsas.")


class FileRefused(UserError):
    """The file cannot be used at all; ``message`` is the Swedish reason (no identity number)."""


# --------------------------------------------------------------------------- the privacy guard


def identity(value: Any) -> Hit | None:
    """The first personnummer or samordningsnummer in ``value`` (text or number), else None.

    The one place the region asks the privacy guard (``privacy.identity_hits``, the same guard
    the coach's check runs); texts repeat across a county's files (keys, dimensions), so each
    is judged once, and a number that cannot be one in any stored form costs no call."""
    t = type(value)
    if t is str:
        return _text_identity(value)
    if not may_be_identity_number(value):
        return None
    hits = identity_hits(value)
    return hits[0] if hits else None


@lru_cache(maxsize=65536)
def _text_identity(text: str) -> Hit | None:
    hits = identity_hits(text)
    return hits[0] if hits else None


def mask_identities(text: str) -> str:
    """``text`` with every identity number replaced by its masked form (phone numbers and
    e-mail addresses are left as typed: a hub's own phone number belongs in its plan)."""
    return mask_identity(text)


def _identity_problem(hit: Hit, sheet: str | None, row: int | None, column: str | None,
                      what: str) -> Problem:  # fmt: skip
    return Problem(KIND_IDENTITY, f"{where(sheet, row, column)}: ett personnummer eller "
                   f"samordningsnummer ({hit.masked}). {what}", sheet, row, column,
                   masked=hit.masked)  # fmt: skip


def scan_sheet(name: str, rows: Sequence[Sequence[Any]], header: bool = True) -> list[Problem]:
    """Identity numbers in every cell of a sheet; the sheet is named as ``sheet_label`` names
    it, the column by its header when that is one of the export's, else by its letter. The
    common cells (small numbers, texts already judged clean) are passed over without a call: a
    county is hundreds of thousands of cells."""
    out = []
    name = sheet_label(name)
    heads = [str(h) if h in KNOWN_COLUMNS else "" for h in rows[0]] if header and rows else []
    clean = _CLEAN_TEXTS
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            t = type(value)
            if t is str:
                if not value or value in clean:
                    continue
            elif t is bool or not may_be_identity_number(value):
                continue
            hit = identity(value)
            if hit is None:
                if t is str and len(clean) < 100_000:
                    clean.add(value)
                continue
            col = heads[c] if r > 1 and c < len(heads) and heads[c] else get_column_letter(c + 1)
            out.append(_identity_problem(hit, name, r, col,
                                         "Det kommer inte med i länets arbetsbok."))
    return out


_CLEAN_TEXTS: set[str] = set()
"""Texts the guard has read and found without an identity number (shared by the threads that
read a folder: adding to a set is atomic)."""


def scan_names(names: Iterable[str], what: str) -> list[Problem]:
    """Identity numbers in sheet names or document properties (``what`` says which)."""
    out = []
    for name in names:
        hit = identity(name) if isinstance(name, str) else None
        if hit:
            out.append(Problem(KIND_IDENTITY, f"{what}: ett personnummer eller samordningsnummer "
                               f"({hit.masked}). Det kommer inte med i länets arbetsbok.", what,
                               masked=hit.masked))  # fmt: skip
    return out


# --------------------------------------------------------------------------- values


def as_number(value: Any) -> float | int | None:
    """A finite number from a cell (numbers, or text such as "1 234,5"), else None."""
    t = type(value)
    if t is float and -9e15 < value < 9e15:  # the common case: a finite float from calamine
        return int(value) if value.is_integer() else value
    if t is int:
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float):
            if not math.isfinite(value):
                return None
            return int(value) if value.is_integer() and abs(value) < 2**53 else value
        return value
    text = str(value).strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        return as_number(float(text))
    except (ValueError, OverflowError):
        return None


def text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


@lru_cache(maxsize=1024)
def limits(key: str) -> tuple[float, float, bool]:
    """(low, high, whole) for a contract key; changes may be negative."""
    figure = C.FIGURE_BY_KEY[key]
    if key.startswith(C.CHANGE_PREFIX):
        base = key[len(C.CHANGE_PREFIX):]
        if key.endswith(C.CHANGE_SHARE_SUFFIX) and base[:-len(C.CHANGE_SHARE_SUFFIX)] in C.FIGURE_BY_KEY:
            return -CHANGE_SHARE_LIMIT, CHANGE_SHARE_LIMIT, False
        high = LIMITS[figure.unit][1]
        return -high, high, figure.unit in WHOLE_UNITS
    low, high = LIMITS[figure.unit]
    return low, high, figure.unit in WHOLE_UNITS


def implausible(key: str, value: float) -> str | None:
    """Why ``value`` cannot be a real ``key`` (Swedish), or None when it can."""
    low, high, whole = limits(key)
    unit = C.FIGURE_BY_KEY[key].unit
    if value < low:
        return "är negativt" if low == 0 else f"är under {_fmt(low)}"
    if value > high:
        return ("är större än 1 (100 %) – andelar skrivs 0–1" if unit == "andel" and high == 1
                else f"är större än {_fmt(high)}")  # fmt: skip
    if whole and not float(value).is_integer():
        return "är inte ett heltal – antal är hela tal"
    return None


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:g}".replace(".", ",")


# --------------------------------------------------------------------------- file facts


def kommun(value: Any, sheet: str, region: Region = DEFAULT) -> str:
    """The canonical name of one of ``region``'s municipalities. Raises FileRefused for Länet,
    an identity number, an empty name or any other name -- which is not shown: the county
    cannot check it."""
    hit = identity(value)
    if hit:
        raise FileRefused(f"{sheet}: Kommun är ett personnummer eller samordningsnummer "
                      f"({hit.masked}); filen används inte.")  # fmt: skip
    name = text(value)
    if not name:
        raise FileRefused(f"{sheet}: Kommun saknas; filen används inte.")
    name = " ".join(name.split())
    if name.casefold() == COUNTY.casefold():
        raise FileRefused(f"{sheet}: Kommun är ”{COUNTY}”, som är länets egen rad och ingen kommun; "
                      "filen används inte.")  # fmt: skip
    known = region.named(name)
    if known is None:
        raise FileRefused(f"{sheet}: Kommun är ingen av länets {len(region.names)} kommuner; "
                          "filen används inte.")  # fmt: skip
    return known


def year(value: Any, sheet: str, now: datetime) -> int:
    """The report year, an integer from YEAR_MIN to next year; raises Refused otherwise."""
    y = as_number(value) if not isinstance(value, str) or len(value) < 20 else None
    last = now.year + 1
    if y is None or not float(y).is_integer():
        raise FileRefused(f"{sheet}: År saknas eller är inte ett årtal; filen används inte.")
    if not YEAR_MIN <= y <= last:
        raise FileRefused(f"{sheet}: År {_fmt(y) if abs(y) < 1e6 else 'är ett tal som'} ligger "
                          f"utanför {YEAR_MIN}–{last}; filen används inte.")  # fmt: skip
    return int(y)


def created(value: datetime | None, now: datetime, sheet: str) -> tuple[datetime | None,
                                                                        list[Problem]]:  # fmt: skip
    """The creation time when believable; one in the future is dropped and reported."""
    if value is None or value <= now + FUTURE_SLACK:
        return value, []
    return None, [Problem(KIND_FUTURE, f"{sheet}: Skapad {value:%Y-%m-%d %H:%M} ligger i "
                          "framtiden. Tiden används inte när den nyaste filen för kommunen och "
                          "året väljs.", sheet)]  # fmt: skip


def info_number(value: Any, label: str, high: int, sheet: str) -> tuple[int | None,
                                                                         list[Problem]]:  # fmt: skip
    """A small whole number from sheet Info (template version, error counts)."""
    if value is None or value == "":
        return None, []
    n = as_number(value)
    if n is not None and float(n).is_integer() and 0 <= n <= high and not identity(value):
        return int(n), []
    return None, [Problem(KIND_BAD_INFO, f"{sheet}, {label}: uppgiften är inte ett heltal "
                          f"mellan 0 och {_fmt(high)} och används inte.", sheet,
                          column=label)]  # fmt: skip


def info_text(value: Any, label: str, sheet: str) -> tuple[str | None, list[Problem]]:
    """A version number from sheet Info (``VERSION``); any other text is not carried."""
    t = text(value)
    if t is None:
        return None, []
    if len(t) > MAX_VERSION or not VERSION.fullmatch(t) or identity(t):
        return None, [Problem(KIND_BAD_INFO, f"{sheet}, {label}: uppgiften är inget "
                              "versionsnummer och används inte.", sheet, column=label)]  # fmt: skip
    return t, []


def info_status(value: Any, sheet: str) -> tuple[bool, list[Problem]]:
    """Whether sheet Info says Preliminär (``Slutlig`` or nothing: not by itself)."""
    t = text(value)
    if t is None:
        return False, []
    folded = norm_header(t)
    if folded == norm_header(C.STATUS_PRELIMINARY):
        return True, []
    if folded == norm_header(C.STATUS_FINAL):
        return False, []
    return False, [Problem(KIND_BAD_INFO, f"{sheet}, {C.INFO_STATUS}: uppgiften är varken "
                           f"{C.STATUS_FINAL} eller {C.STATUS_PRELIMINARY} och används inte.",
                           sheet, column=C.INFO_STATUS)]  # fmt: skip


# --------------------------------------------------------------------------- rows


class RawRow(NamedTuple):
    """A Rapportdata row as found: the sheet row (None when computed) and the raw cells (a
    tuple: a county has tens of thousands of them)."""

    row: int | None
    key: Any
    dimension: Any
    value: Any
    masked: bool = False


def screen_rows(raw: Iterable[RawRow | tuple], sheet: str,
                ) -> tuple[list[ExportRow], list[Problem]]:  # fmt: skip
    """The rows the county may use, and a Problem for each row left out (see the module).
    ``raw``: RawRow or plain tuples in its order (sheet row, key, dimension, value, masked)."""
    candidates: list[tuple[RawRow, str, str]] = []
    problems: list[Problem] = []
    cols = dict(zip(("key", "dimension", "value"), C.RAPPORTDATA_COLUMNS[2:], strict=True))

    def drop(kind, r: RawRow, column: str, message: str, key=None, value=None, limit=None):
        problems.append(Problem(kind, f"{where(sheet, r[0], column)}: {message} Raden är inte "
                                "med i länets siffror.", sheet, r[0], column, key, value,
                                limit))  # fmt: skip

    figures = C.FIGURE_BY_KEY
    for r in raw:
        k, d, v = r[1], r[2], r[3]
        key = k if k in figures else text(k)  # a contract key holds no number
        if key is None:
            continue
        hit = None if key is k and k in figures else identity(k)
        if hit:
            problems.append(_identity_problem(hit, sheet, r[0], cols["key"],
                                              "Raden är inte med i länets arbetsbok."))
            continue
        if key not in figures:
            drop(KIND_UNKNOWN_KEY, r, cols["key"], "nyckeln finns inte i mallens Rapportdata.")
            continue
        dim = (d.strip() if type(d) is str else text(d)) or ""
        hit = identity(d) if dim else None
        if hit:
            problems.append(_identity_problem(hit, sheet, r[0], cols["dimension"],
                                              "Raden är inte med i länets arbetsbok."))
            continue
        hit = identity(v) if v is not None and v != "" else None
        if hit:
            problems.append(_identity_problem(hit, sheet, r[0], cols["value"],
                                              "Raden är inte med i länets arbetsbok."))
            continue
        name, sep, _ = dim.partition("=")
        if dim and (not sep or name not in figures[key].dimensions):
            drop(KIND_UNKNOWN_DIMENSION, r, cols["dimension"], f"indelningen finns inte för "
                 f"{key}.", key)  # fmt: skip
            continue
        candidates.append((r, key, dim))

    seen: dict[tuple[str, str], list[RawRow]] = {}
    for r, key, dim in candidates:
        seen.setdefault((key, dim), []).append(r)
    out = []
    for r, key, dim in candidates:
        copies = seen[(key, dim)]
        if len(copies) > 1:
            rows = ", ".join(str(c[0]) for c in copies if c[0])
            drop(KIND_DUPLICATE, r, cols["key"], f"{key}{' ' + dim if dim else ''} finns "
                 f"{len(copies)} gånger{' (rad ' + rows + ')' if rows else ''}; ingen av "
                 "dem används.", key)  # fmt: skip
            continue
        if r[4]:  # masked
            out.append(ExportRow(key, dim, None, True))
            continue
        raw_value = r[3]
        if raw_value is None or raw_value == "":
            out.append(ExportRow(key, dim, None))
            continue
        if type(raw_value) is float and -9e15 < raw_value < 9e15:
            value = int(raw_value) if raw_value.is_integer() else raw_value
        else:
            value = as_number(raw_value)
        if value is None:
            drop(KIND_NOT_NUMBER, r, cols["value"], "värdet är inte ett tal.", key)
            continue
        low, high, whole = limits(key)
        if not low <= value <= high or (whole and value != int(value)):
            drop(KIND_OUT_OF_RANGE, r, cols["value"], f"{_fmt(value)} för {key} "
                 f"{implausible(key, value)}.", key, value,
                 high if value > high else low)  # fmt: skip
            continue
        out.append(ExportRow(key, dim, value))
    return out, problems


def screen_history(raw: Iterable[tuple[int | None, Any, Any, Any]], sheet: str, now: datetime,
                   ) -> tuple[dict[int, dict[str, float]], list[Problem]]:  # fmt: skip
    """Historik (År, Nyckel, Värde) rows: known keys, sane years and plausible values only."""
    out: dict[int, dict[str, float]] = {}
    problems: list[Problem] = []
    last = now.year + 1

    def drop(kind: str, row: int | None, column: str, message: str, key=None, value=None):
        problems.append(Problem(kind, f"{where(sheet, row)}: {message}; raden används inte.",
                                sheet, row, column, key, value))  # fmt: skip

    for row, y_raw, key_raw, value_raw in raw:
        if all(v is None or v == "" for v in (y_raw, key_raw, value_raw)):
            continue
        hit = identity(y_raw) or identity(key_raw) or identity(value_raw)
        if hit:
            problems.append(_identity_problem(hit, sheet, row, None,
                                              "Raden är inte med i länets arbetsbok."))
            continue
        y, key, value = as_number(y_raw), text(key_raw), as_number(value_raw)
        if y is None or y != int(y) or not YEAR_MIN <= y <= last:
            drop(KIND_BAD_YEAR, row, "År", f"året är inget årtal mellan {YEAR_MIN} och {last}")
            continue
        if key not in C.FIGURE_BY_KEY:
            drop(KIND_UNKNOWN_KEY, row, "Nyckel", "nyckeln finns inte i mallen")
            continue
        if value is None:
            if value_raw is not None and value_raw != "":
                drop(KIND_NOT_NUMBER, row, "Värde", "värdet är inte ett tal", key)
            continue
        low, high, whole = limits(key)
        if not low <= value <= high or (whole and value != int(value)):
            drop(KIND_OUT_OF_RANGE, row, "Värde", f"{_fmt(value)} för {key} "
                 f"{implausible(key, value)}", key, value)  # fmt: skip
            continue
        out.setdefault(int(y), {})[key] = value
    return out, problems


def screen_plan(raw: Iterable[tuple[int | None, Sequence[Any]]], sheet: str,
                ) -> tuple[tuple[PlanRow, ...], list[Problem]]:  # fmt: skip
    """Plan rows in contract column order; a cell holding an identity number is left empty."""
    headers = C.PLAN.headers
    out, problems = [], []
    for row, values in raw:
        cells = []
        padded = [*values[:len(headers)], *([None] * (len(headers) - len(values)))]
        for header, value in zip(headers, padded, strict=True):
            hit = identity(value) if value not in (None, "") else None
            if hit:
                problems.append(_identity_problem(hit, sheet, row, header,
                                                  "Rutan lämnas tom i länets arbetsbok."))
                value = None
            cells.append(None if value in (None, "") else str(value))
        if any(cells):
            out.append(PlanRow(cells[0] or "", cells[1] or "", cells[2], cells[3], cells[4]))
    return tuple(out), problems
