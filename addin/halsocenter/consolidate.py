"""The county workbook: every municipality's file in one folder -> one overview for the region.

Inputs are export files (read with python-calamine: a few small sheets, no typing) or full coach
workbooks (read, validated and computed with the same core as the ribbon). Decisions:

- Kind: a file with sheets Info and Rapportdata and no sheet Remisser is an export file; anything
  else is read as a coach workbook, whose reader gives the Swedish reason when it is neither.
- Two files for the same kommun and year: the newest by the time the document itself records
  (Info ``Skapad`` for an export, ``docProps`` modified for a workbook), because a file's mtime
  changes when it is mailed, downloaded or copied; file mtime, then name, break ties.
- County totals (Kommun = ``Länet``) cover the 13 municipalities of the county only; files from
  elsewhere are consolidated and listed as "Utanför länet" but kept out of the totals. Counts
  and hours are summed per Nyckel+Dimension; the shares of sufficiently active are recomputed
  weighted by ``matta_start_och_uppfoljning``; the median waiting time and the year-on-year
  change keys cannot be recomputed from the parts and are left out (see sheet Trender for the
  county by year). Unique participants are summed, so a person active in two municipalities
  counts twice. When a part is masked, the county value is the sum of the unmasked parts and
  Maskerad says ``Delvis``.
- Several years in one folder: everything is keyed by kommun + year; Översikt shows the latest.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from . import __version__
from . import contract as C
from .errors import WorkbookError
from .export import (
    DATA_SHEET,
    EXPORT_COLUMNS,
    HISTORY_SHEET,
    INFO_CREATED,
    INFO_ERRORS,
    INFO_KOMMUN,
    INFO_PROGRAM,
    INFO_SHEET,
    INFO_TEMPLATE,
    INFO_WARNINGS,
    INFO_YEAR,
    MASK_COLUMN,
    MASKED,
    PLAN_SHEET,
    ExportRow,
    add_table,
    bold_row,
    data_row,
    data_sheet,
    personal_data_errors,
    plan_rows,
    print_setup,
    save_with_rows,
    set_widths,
)
from .gc_pause import collector_paused
from .inputs import Package, open_package
from .model import severity_counts
from .outliers import Outlier, far_from_peers, jumps
from .outliers import label as figure_label
from .parse import norm_header
from .sheet_scan import BoundedBook
from .summary import PlanRow

COUNTY = "Länet"
KIND_EXPORT = "exportfil"
KIND_WORKBOOK = "arbetsbok"
PARTLY_MASKED = "Delvis"
OUTSIDE = "Utanför länet"

SHEET_REPORTING = "Inrapportering"
SHEET_OVERVIEW = "Översikt"
SHEET_TRENDS = "Trender"
SHEET_PLANS = "Planer"
SHEET_OUTLIERS = "Avvikelser"

REPORTING_COLUMNS = ("År", "Kommun", "Inrapporterad", "Fil", "Filtyp", "Mallversion",
                     "Programversion", "Fel", "Varningar", "Skapad", "Anmärkning")  # fmt: skip
PLAN_COLUMNS = (C.PLAN.column("fokusomrade").header, "Kommun", "År",
                *(C.PLAN.column(k).header for k in ("aktivitet", "status", "uppfoljning",
                                                    "framtidsplan")))  # fmt: skip
OUTLIER_COLUMNS = ("Kommun", "År", "Typ", "Nyckel", "Värde", "Jämförelse", "Förklaring")

OVERVIEW_KEYS = ("remisser", "remisser_far", "forsta_samtal", "vantetid_median_dagar", "uteblev",
                 "vantar_vid_arsskifte", "uppfoljningar", "andel_tillrackligt_aktiva_start",
                 "andel_tillrackligt_aktiva_uppfoljning", "slussade", "tillfallen",
                 "deltagartillfallen", "deltagartimmar", "styrgruppsmoten", "plan_aktiviteter")  # fmt: skip
SHARE_WEIGHTS = {
    "andel_tillrackligt_aktiva_start": "matta_start_och_uppfoljning",
    "andel_tillrackligt_aktiva_uppfoljning": "matta_start_och_uppfoljning",
}
SUMMED_UNITS = ("antal", "timmar")
NUMBER_FORMATS = {"antal": "0", "andel": "0%", "dagar": "0.0", "timmar": "0"}


class FileProblem(Exception):
    """A file in the folder that cannot be used; ``message`` is the Swedish reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Report:
    """One municipality-year as read from one file."""

    kommun: str
    year: int
    kind: str
    path: Path
    rows: list[ExportRow]
    plan: tuple[PlanRow, ...] = ()
    history: dict[int, dict[str, float]] = field(default_factory=dict)
    template_version: Any = None
    program_version: Any = None
    created: datetime | None = None
    errors: int = 0
    warnings: int = 0
    note: str = ""
    _totals: dict[str, float | None] | None = field(default=None, init=False, repr=False,
                                                    compare=False)  # fmt: skip

    @property
    def in_county(self) -> bool:
        return self.kommun in C.KOMMUNER

    def totals(self) -> dict[str, float | None]:
        """Figures without a dimension, by key (built once: the county sums ask often)."""
        if self._totals is None:
            self._totals = {r.key: r.value for r in self.rows if not r.dimension}
        return self._totals

    def sort_time(self) -> tuple:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            mtime = 0.0
        created = self.created.timestamp() if self.created else mtime
        return created, mtime, self.path.name


@dataclass
class Unread:
    path: Path
    reason: str


@dataclass
class ConsolidationResult:
    out: Path
    reports: list[Report]
    replaced: list[tuple[Report, Report]]  # (older file left out, file kept)
    unreadable: list[Unread]
    outliers: list[Outlier]
    history: dict[str, dict[int, dict[str, float]]] = field(default_factory=dict)
    """Totals per kommun and year, from every kept file's Tidigare år and own year."""
    reported: dict[str, set[int]] = field(default_factory=dict)
    """The years each kommun sent a file for."""
    seconds: float = 0.0

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.reports})

    @property
    def latest_year(self) -> int | None:
        return max(self.years) if self.reports else None

    def missing(self, year: int) -> list[str]:
        have = {r.kommun for r in self.reports if r.year == year}
        return [k for k in C.KOMMUNER if k not in have]

    def as_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.out),
            "years": self.years,
            "reported": [{"kommun": r.kommun, "year": r.year, "file": r.path.name,
                          "kind": r.kind, "in_county": r.in_county, "errors": r.errors,
                          "warnings": r.warnings} for r in self.reports],
            "missing": {str(y): self.missing(y) for y in self.years},
            "unreadable": [{"file": u.path.name, "reason": u.reason} for u in self.unreadable],
            "duplicates": [{"kommun": keep.kommun, "year": keep.year, "kept": keep.path.name,
                            "left_out": old.path.name} for old, keep in self.replaced],
            "outliers": len(self.outliers),
            "seconds": round(self.seconds, 3),
        }  # fmt: skip

    def describe(self) -> str:
        year = self.latest_year
        if year is None:
            parts = ["Inga filer kunde sammanställas."]
        else:
            county = [r for r in self.reports if r.year == year and r.in_county]
            parts = [f"{len(county)} av {len(C.KOMMUNER)} kommuner har rapporterat för {year}."]
            missing = self.missing(year)
            if missing:
                parts.append(f"Saknas: {', '.join(missing)}.")
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} fil(er) kunde inte läsas.")
        if self.replaced:
            parts.append(f"{len(self.replaced)} dubblett(er): den nyaste filen används.")
        if self.outliers:
            parts.append(f"{len(self.outliers)} avvikelse(r) att titta på.")
        return " ".join(parts) + f" Se fliken {SHEET_REPORTING}."


# --------------------------------------------------------------------------- reading


def _num(value) -> float | int | None:
    if type(value) is float:  # the common case from calamine
        if value != value or value in (math.inf, -math.inf):
            return None
        return int(value) if value.is_integer() else value
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        v = float(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None
    return _num(v)


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def _canonical_kommun(name) -> str | None:
    text = _text(name)
    if text is None:
        return None
    return C.kommun_named(text) or " ".join(text.split())


def _parse_time(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def is_export(sheet_names: Iterable[str]) -> bool:
    names = {norm_header(s) for s in sheet_names}
    return (norm_header(INFO_SHEET) in names and norm_header(DATA_SHEET) in names
            and norm_header(C.REMISSER.sheet) not in names)  # fmt: skip


def _sheet(book: BoundedBook, name: str) -> list[list] | None:
    for sheet in book.sheet_names:
        if norm_header(sheet) == norm_header(name):
            return book.get_sheet_by_name(sheet).to_python()
    return None


def _columns(header: list, wanted: Iterable[str]) -> dict[str, int]:
    index = {norm_header(h): i for i, h in enumerate(header)}
    return {w: index[norm_header(w)] for w in wanted if norm_header(w) in index}


def read_export(path: Path, book: BoundedBook) -> Report:
    """A Report from an export file (raises FileProblem with the Swedish reason)."""
    info = {norm_header(r[0]): r[1] if len(r) > 1 else None for r in _sheet(book, INFO_SHEET) or []
            if r and r[0] != ""}  # fmt: skip
    kommun = _canonical_kommun(info.get(norm_header(INFO_KOMMUN)))
    year = _num(info.get(norm_header(INFO_YEAR)))
    if not kommun or not isinstance(year, int):
        raise FileProblem(f"{path.name}: exportfilen saknar kommun eller år på fliken "
                          f"{INFO_SHEET}.")  # fmt: skip
    data = _sheet(book, DATA_SHEET) or []
    if not data:
        raise FileProblem(f"{path.name}: fliken {DATA_SHEET} är tom.")
    cols = _columns(data[0], EXPORT_COLUMNS)
    needed = C.RAPPORTDATA_COLUMNS[2:]  # Nyckel, Dimension, Värde
    if any(n not in cols for n in needed):
        missing = ", ".join(n for n in needed if n not in cols)
        raise FileProblem(f"{path.name}: fliken {DATA_SHEET} saknar kolumnen {missing}.")
    k, d, v = cols["Nyckel"], cols["Dimension"], cols["Värde"]
    m = cols.get(MASK_COLUMN)
    width = len(data[0])
    masked_word = norm_header(MASKED)
    rows = []
    for r in data[1:]:  # calamine gives a rectangular grid: every row as wide as the header
        if len(r) < width:
            r = [*r, *([""] * (width - len(r)))]
        key = r[k]
        if not isinstance(key, str) or not key:
            key = _text(key)
            if not key:
                continue
        dim = r[d] if isinstance(r[d], str) else _text(r[d]) or ""
        flag = r[m] if m is not None else ""
        masked = bool(flag) and norm_header(flag) == masked_word
        rows.append(ExportRow(key.strip(), dim.strip(), None if masked else _num(r[v]), masked))
    plan_data = _sheet(book, PLAN_SHEET) or []
    plan: tuple[PlanRow, ...] = ()
    if plan_data:
        pc_ = _columns(plan_data[0], C.PLAN.headers)
        order = [pc_.get(h) for h in C.PLAN.headers]
        plan = plan_rows([[r[i] if i is not None and i < len(r) else None for i in order]
                          for r in plan_data[1:]])  # fmt: skip
    history: dict[int, dict[str, float]] = {}
    for r in (_sheet(book, HISTORY_SHEET) or [])[1:]:
        y, key, value = (_num(r[0]), _text(r[1]), _num(r[2])) if len(r) >= 3 else (None,) * 3
        if isinstance(y, int) and key and value is not None:
            history.setdefault(y, {})[key] = value
    return Report(
        kommun=kommun, year=year, kind=KIND_EXPORT, path=path, rows=rows, plan=plan,
        history=history, template_version=_num(info.get(norm_header(INFO_TEMPLATE))),
        program_version=_text(info.get(norm_header(INFO_PROGRAM))),
        created=_parse_time(info.get(norm_header(INFO_CREATED))),
        errors=_num(info.get(norm_header(INFO_ERRORS))) or 0,
        warnings=_num(info.get(norm_header(INFO_WARNINGS))) or 0,
    )  # fmt: skip


def _doc_modified(package) -> datetime | None:
    try:
        xml = package.xml("docProps/core.xml")
    except (KeyError, WorkbookError):
        return None
    node = xml.find("{http://purl.org/dc/terms/}modified")
    return _parse_time(node.text) if node is not None else None


def read_coach_workbook(path: Path, package: Package | None = None) -> Report:
    """A Report computed from a full coach workbook with the ribbon's own core (``package``:
    the file already opened and verified, so it is not read twice)."""
    from .read import read_workbook
    from .stats import compute
    from .validate import validate

    try:
        package = package or open_package(path)[0]
        wb = read_workbook(path, package)
    except WorkbookError as exc:
        raise FileProblem(exc.message) from exc
    findings = validate(wb)  # includes the reading problems
    summary = compute(wb)
    kommun = _canonical_kommun(summary.kommun)
    if not kommun or summary.year is None:
        raise FileProblem(f"{path.name}: kommun eller verksamhetsår saknas på fliken "
                          f"{C.START_SHEET}.")  # fmt: skip
    plan, note = summary.plan, ""
    counts = severity_counts(findings)
    if personal_data_errors(findings):
        plan, note = (), ("Planen togs inte med: arbetsboken innehåller personnummer eller "
                          "samordningsnummer.")  # fmt: skip
    return Report(
        kommun=kommun, year=summary.year, kind=KIND_WORKBOOK, path=path,
        rows=[ExportRow(f.key, f.dimension, f.value) for f in summary.figures], plan=plan,
        history={y: dict(v) for y, v in summary.history}, template_version=wb.version,
        program_version=__version__, created=_doc_modified(package),
        errors=counts["error"], warnings=counts["warning"], note=note,
    )  # fmt: skip


def read_report(path: Path) -> Report:
    """Read one file of the folder, whatever kind it is; raises FileProblem. Every file goes
    through the same guard as a coach's workbook (``read.open_package``: regular file, size,
    zip and XML checks; ``sheet_scan.BoundedBook``: sheets within the memory limits)."""
    path = Path(path)
    try:
        package, layout = open_package(path)
    except WorkbookError as exc:
        raise FileProblem(exc.message) from None
    if is_export(layout.sheet_order):
        try:
            return read_export(path, BoundedBook(package, layout.sheet_parts))
        except FileProblem:
            raise
        except WorkbookError as exc:
            raise FileProblem(exc.message) from None
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the county
            raise FileProblem(f"{path.name}: exportfilen kan inte läsas "
                              f"({type(exc).__name__}).") from exc  # fmt: skip
    try:
        return read_coach_workbook(path, package)
    except FileProblem:
        raise
    except Exception as exc:  # noqa: BLE001
        raise FileProblem(f"{path.name}: arbetsboken kan inte läsas ({type(exc).__name__}: "
                          f"{exc}).") from exc  # fmt: skip


def list_inputs(source: Iterable[Path] | Path, exclude: Path | None = None) -> list[Path]:
    """The .xlsx files to read: a folder's (not hidden, no Excel lock files) or the given."""
    if isinstance(source, (str, os.PathLike)):
        folder = Path(source)
        paths = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xlsx"
                 and not p.name.startswith((".", "~$"))]  # fmt: skip
    else:
        paths = [Path(p) for p in source]
    if exclude is not None:
        ex = Path(exclude).resolve()
        paths = [p for p in paths if p.resolve() != ex]
    return sorted(paths, key=lambda p: p.name.casefold())


ProgressFn = Callable[[int, int, str], None]


@contextmanager
def _progress(progress: bool | ProgressFn | None, total: int) -> Iterator[Callable[[str], None]]:
    """``advance(name)`` per file: a rich bar when ``progress`` is True, a callback when it is
    callable (done, total, name), nothing otherwise."""
    if progress is True:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        bar = Progress(TextColumn("Läser filer"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.description}"), console=Console(stderr=True),
                       transient=True)  # fmt: skip
        with bar:
            task = bar.add_task("", total=total)
            yield lambda name: bar.update(task, advance=1, description=name)
        return
    done = 0

    def advance(name: str) -> None:
        nonlocal done
        done += 1
        if callable(progress):
            progress(done, total, name)

    yield advance


READ_THREADS = 2


def _read_one(path: Path) -> Report | Unread:
    try:
        return read_report(path)
    except FileProblem as exc:
        return Unread(path, exc.message)


def read_all(paths: list[Path], progress=None) -> tuple[list[Report], list[Unread]]:
    """Read every file; two threads, because python-calamine parses sheets without holding the
    interpreter lock, so one file's parsing overlaps the other's Python work."""
    reports, unreadable = [], []
    with _progress(progress, len(paths)) as advance, ThreadPoolExecutor(READ_THREADS) as pool:
        for path, result in zip(paths, pool.map(_read_one, paths), strict=True):
            (unreadable if isinstance(result, Unread) else reports).append(result)
            advance(path.name)
    return reports, unreadable


def keep_newest(reports: list[Report]) -> tuple[list[Report], list[tuple[Report, Report]]]:
    """One report per kommun + year: the newest; the others as (left out, kept)."""
    groups: dict[tuple[str, int], list[Report]] = {}
    for r in reports:
        groups.setdefault((r.kommun, r.year), []).append(r)
    kept, replaced = [], []
    for group in groups.values():
        group.sort(key=Report.sort_time)
        newest = group[-1]
        kept.append(newest)
        for old in group[:-1]:
            replaced.append((old, newest))
    order = {k: i for i, k in enumerate(C.KOMMUNER)}
    kept.sort(key=lambda r: (-r.year, order.get(r.kommun, len(order)), r.kommun.casefold()))
    return kept, replaced


# --------------------------------------------------------------------------- county figures


def _unit(key: str) -> str | None:
    figure = C.FIGURE_BY_KEY.get(key)
    return figure.unit if figure else None


def county_rows(reports: list[Report]) -> list[ExportRow]:
    """Länet's Rapportdata rows for one year's reports (see the module docstring)."""
    parts = [r for r in reports if r.in_county]
    sums: dict[tuple[str, str], float] = {}
    has_value: set[tuple[str, str]] = set()
    masked: set[tuple[str, str]] = set()
    order: dict[tuple[str, str], None] = {}
    for report in parts:
        for row in report.rows:
            k = (row.key, row.dimension)
            if row.key.startswith(C.CHANGE_PREFIX) or _unit(row.key) not in SUMMED_UNITS:
                if row.key in SHARE_WEIGHTS and not row.dimension:
                    order.setdefault(k)
                continue
            order.setdefault(k)
            if row.masked:
                masked.add(k)
            elif row.value is not None:
                sums[k] = sums.get(k, 0) + row.value
                has_value.add(k)
    out = []
    for k in order:
        key, dim = k
        if key in SHARE_WEIGHTS:
            num = den = 0.0
            for report in parts:
                totals = report.totals()
                share, weight = totals.get(key), totals.get(SHARE_WEIGHTS[key])
                if share is not None and weight:
                    num += share * weight
                    den += weight
            out.append(ExportRow(key, dim, num / den if den else None))
            continue
        value = sums.get(k) if k in has_value else None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        out.append(ExportRow(key, dim, value, k in masked))
    return out


def merged_history(reports: list[Report]) -> dict[str, dict[int, dict[str, float]]]:
    """kommun -> year -> totals. Tidigare år of later files win over earlier files; a year's
    own file wins over any Tidigare år."""
    out: dict[str, dict[int, dict[str, float]]] = {}
    for r in sorted(reports, key=lambda r: r.year):
        years = out.setdefault(r.kommun, {})
        for y, values in r.history.items():
            years.setdefault(y, {}).update(values)
    for r in reports:
        own = {k: v for k, v in r.totals().items()
               if v is not None and not k.startswith(C.CHANGE_PREFIX)}  # fmt: skip
        out[r.kommun].setdefault(r.year, {}).update(own)
    return out


def trend_keys(history: dict[str, dict[int, dict[str, float]]],
               reported: dict[str, set[int]]) -> list[str]:  # fmt: skip
    """Keys with values in an earlier year than reported (the Tidigare år columns)."""
    keys = set(C.HISTORY_KEYS)
    for kommun, years in history.items():
        for y, values in years.items():
            if y not in reported.get(kommun, ()):
                keys.update(values)
    rank = {f.key: i for i, f in enumerate(C.FIGURES)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))


# --------------------------------------------------------------------------- writing


def _chart_col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _new_sheet(book: Workbook, title: str, index: int | None = None):
    ws = book.create_sheet(title, index)
    print_setup(ws)
    return ws


def _write_reporting(book: Workbook, result: ConsolidationResult) -> None:
    ws = _new_sheet(book, SHEET_REPORTING)
    set_widths(ws, (7, 14, 15, 34, 11, 12, 14, 6, 10, 19, 70))
    ws.append(list(REPORTING_COLUMNS))
    n = 0

    def row(*values):
        nonlocal n
        ws.append(list(values))
        n += 1

    conflicts: dict[int, list[str]] = {}
    for old, keep in result.replaced:
        conflicts.setdefault(id(keep), []).append(old.path.name)
    years = result.years or [None]
    for year in sorted(years, key=lambda y: -(y or 0)):
        by_kommun = {r.kommun: r for r in result.reports if r.year == year}
        names = list(C.KOMMUNER) + sorted(k for k in by_kommun if k not in C.KOMMUNER)
        for kommun in names:
            r = by_kommun.get(kommun)
            if r is None:
                row(year, kommun, C.NEJ, None, None, None, None, None, None, None, None)
                continue
            notes = [] if r.in_county else [OUTSIDE]
            if id(r) in conflicts:
                notes.append(f"Flera filer för {kommun} {year}: den nyaste används, "
                             f"bortvald: {', '.join(conflicts[id(r)])}.")  # fmt: skip
            if r.note:
                notes.append(r.note)
            row(year, kommun, C.JA, r.path.name, r.kind, r.template_version, r.program_version,
                r.errors, r.warnings, r.created.isoformat(sep=" ") if r.created else None,
                " ".join(notes) or None)  # fmt: skip
    for old, keep in result.replaced:
        row(old.year, old.kommun, "Bortvald", old.path.name, old.kind, old.template_version,
            old.program_version, old.errors, old.warnings,
            old.created.isoformat(sep=" ") if old.created else None,
            f"Äldre än {keep.path.name}, som används i stället.")  # fmt: skip
    for u in result.unreadable:
        row(None, None, "Kunde inte läsas", u.path.name, None, None, None, None, None, None,
            u.reason)  # fmt: skip
    add_table(ws, "tblInrapportering", REPORTING_COLUMNS, n)
    ws.freeze_panes = "C2"


def _data_rows(kept: list[Report], county: dict[int, list[ExportRow]]) -> list[list]:
    rows = [data_row(r.kommun, r.year, x) for r in kept for x in r.rows]
    for year in sorted(county, reverse=True):
        rows += [data_row(COUNTY, year, x, PARTLY_MASKED) for x in county[year]]
    return rows


def _write_data(book: Workbook, n_rows: int) -> None:
    """Header and table only; the rows go in as XML when the book is saved (save_with_rows)."""
    data_sheet(_new_sheet(book, DATA_SHEET), n_rows)


def _write_overview(book: Workbook, kept: list[Report], county: dict[int, list[ExportRow]],
                    year: int | None) -> None:  # fmt: skip
    ws = _new_sheet(book, SHEET_OVERVIEW, 0)
    labels = [figure_label(k) for k in OVERVIEW_KEYS]
    set_widths(ws, (16, 14, *(15 for _ in labels)))
    title = f"Hälsocenter i Jönköpings län {year}" if year else "Hälsocenter i Jönköpings län"
    ws.append(bold_row(ws, [title]))
    ws.append(["Nyckeltal per kommun för det senaste året. Tomt = inte inrapporterat eller "
               "inte beräkningsbart. Länet = summan av länets kommuner (andelar vägda, "
               "mediantid utelämnad)."])  # fmt: skip
    ws.append([])
    ws.row_dimensions[4].height = 66  # room for three-line labels such as "Tillräckligt aktiva …"
    ws.append(bold_row(ws, ["Kommun", "Inrapporterad", *labels], wrap=True))
    header_row = 4
    latest = {r.kommun: r for r in kept if r.year == year}
    names = list(C.KOMMUNER) + sorted(k for k in latest if k not in C.KOMMUNER)
    formats = [NUMBER_FORMATS.get(_unit(k) or "", "General") for k in OVERVIEW_KEYS]

    def figures(values: dict, bold: bool = False) -> list:
        cells = []
        for key, fmt in zip(OVERVIEW_KEYS, formats, strict=True):
            cell = WriteOnlyCell(ws, value=values.get(key))
            cell.number_format = fmt
            if bold:
                cell.font = Font(bold=True)
            cells.append(cell)
        return cells

    for kommun in names:
        r = latest.get(kommun)
        ws.append([kommun, C.JA if r else C.NEJ, *figures(r.totals() if r else {})])
    last_kommun_row = header_row + len(names)
    county_totals = {x.key: x.value for x in county.get(year, []) if not x.dimension}
    ws.append([*bold_row(ws, [COUNTY, None]), *figures(county_totals, bold=True)])
    ws.freeze_panes = "B5"

    anchor_row = last_kommun_row + 4
    charts = (("Remisser och första samtal per kommun", ("remisser", "forsta_samtal")),
              ("Deltagartillfällen per kommun", ("deltagartillfallen",)))  # fmt: skip
    cats = Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_kommun_row)
    for i, (chart_title, keys) in enumerate(charts):
        chart = BarChart()
        chart.type = "col"
        chart.title = chart_title
        chart.y_axis.title = "Antal"
        chart.height, chart.width = 8, 18
        for key in keys:
            col = 3 + OVERVIEW_KEYS.index(key)
            chart.add_data(Reference(ws, min_col=col, min_row=header_row, max_row=last_kommun_row),
                           titles_from_data=True)  # fmt: skip
        chart.set_categories(cats)
        ws.add_chart(chart, f"A{anchor_row + i * 18}")


def _write_trends(book: Workbook, history: dict[str, dict[int, dict[str, float]]],
                  keys: list[str]) -> None:  # fmt: skip
    ws = _new_sheet(book, SHEET_TRENDS)
    years = sorted({y for h in history.values() for y in h})
    set_widths(ws, (16, 30, *(9 for _ in years)))
    ws.append(bold_row(ws, ["Kommun", "Nyckeltal", *years]))
    county_names = [k for k in C.KOMMUNER if k in history]
    county = {k: [sum(history[m][y][k] for m in county_names if k in history[m].get(y, {}))
                  if any(k in history[m].get(y, {}) for m in county_names) else None
                  for y in years] for k in keys}  # fmt: skip
    for k in keys:
        ws.append([COUNTY, figure_label(k), *county[k]])
    others = county_names + sorted(k for k in history if k not in C.KOMMUNER)
    for k in keys:
        for m in others:
            values = [history[m].get(y, {}).get(k) for y in years]
            if any(v is not None for v in values):
                ws.append([m, figure_label(k), *values])
    ws.append([])
    ws.append(["Länet = summan av länets kommuner som har ett värde för året. Värden från "
               "fliken Tidigare år i kommunernas arbetsböcker och från årets filer."])  # fmt: skip
    if years and keys:
        chart = LineChart()
        chart.title = "Länet över tid"
        chart.height, chart.width = 8, 18
        for i in range(len(keys)):
            chart.add_data(Reference(ws, min_col=2, max_col=2 + len(years), min_row=2 + i),
                           from_rows=True, titles_from_data=True)  # fmt: skip
        chart.set_categories(Reference(ws, min_col=3, max_col=2 + len(years), min_row=1))
        ws.add_chart(chart, f"{_chart_col(len(years) + 4)}2")


def _plan_rows(kept: list[Report]) -> list[list]:
    focus_order = {f: i for i, f in enumerate(C.LIST_BY_KEY["fokusomrade"].values)}
    kommun_order = {k: i for i, k in enumerate(C.KOMMUNER)}
    rows = [(p.fokusomrade, r.kommun, r.year, p) for r in kept for p in r.plan]
    rows.sort(key=lambda t: (focus_order.get(t[0], len(focus_order)), t[0].casefold(), -t[2],
                             kommun_order.get(t[1], len(kommun_order)), t[1]))  # fmt: skip
    return [[focus, kommun, year, p.aktivitet, p.status, p.uppfoljning, p.framtidsplan]
            for focus, kommun, year, p in rows]  # fmt: skip


def _write_plans(book: Workbook, n_rows: int) -> None:
    """Header and table; the rows go in when the book is saved."""
    ws = _new_sheet(book, SHEET_PLANS)
    set_widths(ws, (28, 14, 7, 34, 13, 44, 44))
    ws.append(list(PLAN_COLUMNS))
    add_table(ws, "tblPlaner", PLAN_COLUMNS, n_rows)
    ws.freeze_panes = "B2"


def _write_outliers(book: Workbook, outliers: list[Outlier]) -> None:
    ws = _new_sheet(book, SHEET_OUTLIERS)
    set_widths(ws, (14, 7, 26, 30, 11, 11, 90))
    ws.append(list(OUTLIER_COLUMNS))
    for o in outliers:
        ws.append([o.kommun, o.year, o.kind, o.key, o.value, o.comparison, o.explanation])
    if not outliers:
        ws.append([None, None, None, None, None, None, "Inga avvikelser hittades."])
    add_table(ws, "tblAvvikelser", OUTLIER_COLUMNS, max(len(outliers), 1))


def write_county(result: ConsolidationResult, out: Path) -> Path:
    kept, history = result.reports, result.history
    county = {y: county_rows([r for r in kept if r.year == y]) for y in result.years}
    book = Workbook(write_only=True)
    book.properties.creator = f"halsocenter {__version__}"
    book.properties.title = "Hälsocenter – länets sammanställning"
    _write_overview(book, kept, county, result.latest_year)
    _write_reporting(book, result)
    data_rows = _data_rows(kept, county)
    _write_data(book, len(data_rows))
    _write_trends(book, history, trend_keys(history, result.reported))
    plan_rows_ = _plan_rows(kept)
    _write_plans(book, len(plan_rows_))
    _write_outliers(book, result.outliers)
    return save_with_rows(book, Path(out), {DATA_SHEET: data_rows, SHEET_PLANS: plan_rows_})


def consolidate(paths: Iterable[Path] | Path, out: Path, *,
                progress: bool | ProgressFn | None = None) -> ConsolidationResult:  # fmt: skip
    """Read every .xlsx of a folder (or the given files) and write the county workbook."""
    start = time.perf_counter()
    files = list_inputs(paths, exclude=out)
    with collector_paused():
        reports, unreadable = read_all(files, progress)
    kept, replaced = keep_newest(reports)
    reported: dict[str, set[int]] = {}
    for r in kept:
        reported.setdefault(r.kommun, set()).add(r.year)
    history = merged_history(kept)
    outliers = jumps(history, reported)
    outliers += far_from_peers({(r.kommun, r.year): r.totals() for r in kept})
    result = ConsolidationResult(Path(out), kept, replaced, unreadable, outliers, history,
                                 reported)  # fmt: skip
    write_county(result, out)
    result.seconds = time.perf_counter() - start
    return result

