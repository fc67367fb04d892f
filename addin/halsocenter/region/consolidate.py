"""The county workbook: every municipality's file in one folder -> one overview for the region.

Inputs are export files (read with python-calamine: a few small sheets, no typing) or full coach
workbooks (read, validated and computed with the same core as the ribbon). Decisions:

- Kind: a file with sheets Info and Rapportdata and no sheet Remisser is an export file; anything
  else is read as a coach workbook, whose reader gives the Swedish reason when it is neither.
- Two files for the same kommun and year: the newest by the time the document itself records
  (Info ``Skapad`` for an export, ``docProps`` modified for a workbook), because a file's mtime
  changes when it is mailed, downloaded or copied; file mtime, then name, break ties. A file
  without such a time (or with one in the future, which is not believed) loses to one with it.
- County totals (Kommun = ``Länet``) cover the region's municipalities (``--region``;
  Jönköpings län's 13 by default); a file naming any other kommun is not used (the county
  cannot check the name, so it never shows it). Counts
  and hours are summed per Nyckel+Dimension; the shares of sufficiently active are recomputed
  weighted by ``matta_start_och_uppfoljning``; the median waiting time and the year-on-year
  change keys cannot be recomputed from the parts and are left out (see sheet Trender for the
  county by year). Unique participants are summed, so a person active in two municipalities
  counts twice. When a part is masked, the county value is the sum of the unmasked parts and
  Maskerad says ``Delvis``.
- Several years in one folder: everything is keyed by kommun + year; Översikt shows the latest.
- With an archive (``--arkiv``, ``archive``), the files of earlier runs take part as if they
  were in the folder: every year the archive holds is in Rapportdata and Trender, and a new file
  for a kommun and year competes with the archived one by the same newest-file rule (a
  resubmission is made later, so it wins; the archive keeps both).
- Every file is screened first (``screening``): identity numbers, the kommun, the year, the
  creation time and every Rapportdata, Historik and plan value. What breaks a rule is left out
  and reported per file (Inrapportering) and per value (Avvikelser); a file whose kommun or year
  cannot be believed is listed as not used, and the rest of the county is built.
- A file is named by its number among the folder's files (Fil nr, in the order ``list_inputs``
  reads them), never by its name: the county workbook carries nothing read from a file name.
  The command line lists the numbers with the names for whoever runs it.
- A file is preliminary when errors were left in the workbook it was made from (Info Fel, or a
  full workbook's own check) or when Info says Preliminär (``Report.status``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from halsocenter import __version__
from halsocenter.atomic import Output
from halsocenter.core import contract as C
from halsocenter.core.model import severity_counts
from halsocenter.core.outbound import place
from halsocenter.core.outbound import sheet_names as outbound_sheet_names
from halsocenter.core.parse import norm_header
from halsocenter.core.privacy import personal_data_errors
from halsocenter.core.region_config import DEFAULT, Region
from halsocenter.core.summary import PlanRow
from halsocenter.errors import WorkbookError
from halsocenter.region import screening as S
from halsocenter.region.export_format import (
    DATA_SHEET,
    EXPORT_COLUMNS,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    INFO_CREATED,
    INFO_ERRORS,
    INFO_FORMAT,
    INFO_KOMMUN,
    INFO_PROGRAM,
    INFO_SHEET,
    INFO_STATUS,
    INFO_TEMPLATE,
    INFO_WARNINGS,
    INFO_YEAR,
    MASK_COLUMN,
    MASKED,
    PLAN_SHEET,
    READ_FORMATS,
    ExportRow,
)
from halsocenter.region.outliers import Outlier, far_from_peers, jumps, unit
from halsocenter.region.outliers import label as figure_label
from halsocenter.region.screening import Problem
from halsocenter.region.submissions import (
    KIND_EXPORT,
    KIND_WORKBOOK,
    STATUS_REFUSED,
    STATUS_SKIPPED,
    ConsolidationResult,
    FileProblem,
    Report,
    Unread,
)
from halsocenter.xlsx.inputs import Package, open_package
from halsocenter.xlsx.sheet_scan import BoundedBook

SHARE_WEIGHTS = {
    "andel_tillrackligt_aktiva_start": "matta_start_och_uppfoljning",
    "andel_tillrackligt_aktiva_uppfoljning": "matta_start_och_uppfoljning",
}
SUMMED_UNITS = ("antal", "timmar")
MAX_PROBLEMS_PER_FILE = 500
"""A file broken on every row is reported by its first problems and a count, not row by row."""


# --------------------------------------------------------------------------- reading


def _parse_time(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    text = S.text(value)
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


def _read_sheets(book: BoundedBook) -> dict[str, list[list]]:
    """Every sheet of an export file as rows of cell values (an export file is a few small
    sheets, and every cell is screened for identity numbers)."""
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _rows(sheets: dict[str, list[list]], name: str) -> list[list]:
    """The rows of the sheet called ``name`` in any case/spacing (none when there is none).
    Problems name the sheet by ``name``, the export's own, never as the file spells it."""
    for sheet, rows in sheets.items():
        if norm_header(sheet) == norm_header(name):
            return rows
    return []


def _columns(header: list, wanted: Iterable[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        index.setdefault(norm_header(h), i)
    return {w: index[norm_header(w)] for w in wanted if norm_header(w) in index}


def _info(rows: list[list]) -> dict[str, Any]:
    """Sheet Info as label -> value. Kommun or År given twice cannot be believed."""
    info: dict[str, Any] = {}
    twice = {norm_header(INFO_KOMMUN): INFO_KOMMUN, norm_header(INFO_YEAR): INFO_YEAR}
    for r in rows:
        if not r or r[0] in (None, ""):
            continue
        label = norm_header(r[0])
        if label in info and label in twice:
            raise FileProblem(f"Fliken {INFO_SHEET} har {twice[label]} två gånger; filen används "
                              "inte.", STATUS_REFUSED)  # fmt: skip
        info.setdefault(label, r[1] if len(r) > 1 else None)
    return info


def _name(path: Path) -> str:
    """A file name as the command line shows it (an identity number in it masked); the county
    workbook never shows one."""
    return S.mask_identities(path.name)


def read_export(path: Path, book: BoundedBook, now: datetime | None = None,
                region: Region = DEFAULT) -> Report:  # fmt: skip
    """A Report from an export file, screened (raises FileProblem with the Swedish reason)."""
    now = now or datetime.now()
    sheets = _read_sheets(book)
    problems = S.scan_names(sheets, "Fliknamn")
    problems += S.scan_names(_core_properties(book.package).values(), "Dokumentegenskaper")
    scanned = [p for name, rows in sheets.items() for p in S.scan_sheet(name, rows)]
    info_name = INFO_SHEET
    info = _info(_rows(sheets, INFO_SHEET))
    kommun = _checked(S.kommun, info.get(norm_header(INFO_KOMMUN)), info_name, region)
    year = _checked(S.year, info.get(norm_header(INFO_YEAR)), info_name, now, kommun=kommun)
    _known_format(info.get(norm_header(INFO_FORMAT)), info_name, kommun)
    data_name, data = DATA_SHEET, _rows(sheets, DATA_SHEET)
    if not data:
        raise FileProblem(f"Fliken {DATA_SHEET} är tom; filen används inte.", STATUS_REFUSED,
                          kommun)  # fmt: skip
    cols = _columns(data[0], EXPORT_COLUMNS)
    _all_columns(data_name, EXPORT_COLUMNS, cols, kommun)
    k, d, v = cols["Nyckel"], cols["Dimension"], cols["Värde"]
    m = cols.get(MASK_COLUMN)
    width = len(data[0])
    masked_word = norm_header(MASKED)
    raw = []
    for i, r in enumerate(data[1:], start=2):  # calamine: every row as wide as the header
        if len(r) < width:
            r = [*r, *([""] * (width - len(r)))]
        flag = r[m] if m is not None else ""
        masked = isinstance(flag, str) and bool(flag) and norm_header(flag) == masked_word
        raw.append((i, r[k], r[d], r[v], masked))  # an S.RawRow, as a plain tuple
    rows, found = S.screen_rows(raw, data_name)
    problems += found

    plan_name, plan_data = PLAN_SHEET, _rows(sheets, PLAN_SHEET)
    plan: tuple[PlanRow, ...] = ()
    if plan_data:
        pc_ = _columns(plan_data[0], C.PLAN.headers)
        _all_columns(plan_name, C.PLAN.headers, pc_, kommun)
        order = [pc_.get(h) for h in C.PLAN.headers]
        plan, found = S.screen_plan(
            [(i, [r[j] if j is not None and j < len(r) else None for j in order])
             for i, r in enumerate(plan_data[1:], start=2)], plan_name)  # fmt: skip
        problems += found

    history_name, history_data = HISTORY_SHEET, _rows(sheets, HISTORY_SHEET)
    hc = _columns(history_data[0], HISTORY_COLUMNS) if history_data else {}
    if history_data:
        _all_columns(history_name, HISTORY_COLUMNS, hc, kommun)
    at = [hc.get(h, j) for j, h in enumerate(HISTORY_COLUMNS)]
    history, found = S.screen_history(
        [(i, *(r[j] if j < len(r) else None for j in at))
         for i, r in enumerate(history_data[1:], start=2)], history_name, now)  # fmt: skip
    problems += found

    template_version, found = S.info_number(info.get(norm_header(INFO_TEMPLATE)), INFO_TEMPLATE,
                                            1000, info_name)  # fmt: skip
    problems += found
    program_version, found = S.info_text(info.get(norm_header(INFO_PROGRAM)), INFO_PROGRAM,
                                         info_name)  # fmt: skip
    problems += found
    counts = {}
    for label in (INFO_ERRORS, INFO_WARNINGS):
        counts[label], found = S.info_number(info.get(norm_header(label)), label, 1_000_000,
                                             info_name)  # fmt: skip
        problems += found
    created, found = S.created(_parse_time(info.get(norm_header(INFO_CREATED))), now, info_name)
    problems += found
    says_preliminary, found = S.info_status(info.get(norm_header(INFO_STATUS)), info_name)
    problems += found
    return Report(
        kommun=kommun, year=year, kind=KIND_EXPORT, path=path, rows=rows, plan=plan,
        history=history, template_version=template_version, program_version=program_version,
        created=created, errors=counts[INFO_ERRORS] or 0, warnings=counts[INFO_WARNINGS] or 0,
        problems=_merged(problems, scanned), says_preliminary=says_preliminary,
        in_county=kommun in region.names,
    )  # fmt: skip


def _known_format(value, sheet: str, kommun: str | None) -> None:
    """An export file is read only in a layout this program knows (``READ_FORMATS``): a file
    from a newer program, or one whose Exportformat was changed, could mean anything."""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None and isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number in READ_FORMATS:
        return
    said = f"saknar {INFO_FORMAT}" if value in (None, "") else f"har ett okänt {INFO_FORMAT}"
    detail = "" if value in (None, "") else \
        f"{INFO_FORMAT} är ”{S.mask_identities(str(value))[:20]}”."  # fmt: skip
    known = " och ".join(str(n) for n in READ_FORMATS)
    raise FileProblem(f"Fliken {sheet} {said}; programmet läser exportformat {known}. Filen "
                      "används inte – är den gjord med en nyare version av Hälsocenter, "
                      "uppdatera programmet; annars be kommunen exportera igen.",
                      STATUS_REFUSED, kommun, detail)  # fmt: skip


def _all_columns(sheet: str, wanted, found: dict[str, int], kommun: str | None) -> None:
    """Every column of an export sheet must be there: without Maskerad a masked value would
    read as a missing one and the county total would be one municipality's value, unmarked."""
    missing = [w for w in wanted if w not in found]
    if missing:
        word = "kolumnen" if len(missing) == 1 else "kolumnerna"
        raise FileProblem(f"Fliken {sheet} saknar {word} {', '.join(missing)}. Filen används "
                          "inte; be kommunen exportera igen.", STATUS_REFUSED, kommun)  # fmt: skip


def _checked(check: Callable, *args, kommun: str | None = None):
    """``check(*args)`` (a kommun or year check of ``screening``); a refusal becomes the file's
    FileProblem, naming the kommun when it is known."""
    try:
        return check(*args)
    except S.FileRefused as exc:
        raise FileProblem(exc.message, STATUS_REFUSED, kommun) from exc


def _unreadable(exc: WorkbookError) -> FileProblem:
    """A file the reader refused: the county's reason, the reader's message for the command
    line."""
    return FileProblem(S.reason_of(exc), detail=S.mask_identities(exc.message))


def _merged(problems: list[Problem], scanned: list[Problem]) -> list[Problem]:
    """The screening's problems, then identity numbers found elsewhere in the file (a cell the
    screening already reported is not reported twice), at most MAX_PROBLEMS_PER_FILE."""
    seen = {(p.sheet, p.row) for p in problems if p.kind == S.KIND_IDENTITY}
    out = problems + [p for p in scanned if (p.sheet, p.row) not in seen]
    out.sort(key=lambda p: (p.sheet or "", p.row or 0))  # as the file reads, sheet by sheet
    if len(out) > MAX_PROBLEMS_PER_FILE:
        rest = len(out) - MAX_PROBLEMS_PER_FILE + 1
        out = out[:MAX_PROBLEMS_PER_FILE - 1] + [Problem(
            S.KIND_BAD_INFO, f"… och {rest} anmärkningar till i samma fil; rätta filen och "
            "skicka den igen.")]  # fmt: skip
    return out


def _core_properties(package: Package) -> dict[str, str]:
    """docProps/core.xml as element name -> text (empty when absent or unreadable), from the
    verified package with the hardened parser."""
    try:
        xml = package.xml("docProps/core.xml")
    except (KeyError, WorkbookError):
        return {}
    return {node.tag.rsplit("}", 1)[-1]: node.text for node in xml
            if isinstance(node.tag, str) and node.text}  # fmt: skip


def read_coach_workbook(path: Path, package: Package | None = None,
                        now: datetime | None = None, region: Region = DEFAULT) -> Report:  # fmt: skip
    """A Report computed from a full coach workbook with the ribbon's own core (``package``:
    the file already opened and verified, so it is not read twice), then screened like an
    export file: free-text dimensions (Aktivitet=…, Slussad till=…) and plan texts included."""
    from halsocenter.core.stats import compute
    from halsocenter.core.validate import validate
    from halsocenter.xlsx.read import read_workbook

    now = now or datetime.now()
    try:
        package = package or open_package(path)[0]
        wb = read_workbook(path, package)
    except WorkbookError as exc:
        raise _unreadable(exc) from exc
    findings = validate(wb)  # includes the reading problems
    summary = compute(wb)
    kommun = _checked(S.kommun, summary.kommun, C.START_SHEET, region)
    year = _checked(S.year, summary.year, C.START_SHEET, now, kommun=kommun)
    names = outbound_sheet_names(wb)
    problems = []
    for f in personal_data_errors(findings):
        at = place(f, names)  # the template's sheet and column, never the workbook's own names
        problems.append(Problem(S.KIND_IDENTITY, f"{S.where(at.sheet, f.row, at.column)}: ett "
                                "personnummer eller samordningsnummer (se fliken Kontroll i "
                                "arbetsboken). Det kommer inte med i länets arbetsbok.", at.sheet,
                                f.row, at.column))  # fmt: skip
    rows, found = S.screen_rows([S.RawRow(None, f.key, f.dimension, f.value)
                                 for f in summary.figures], "Rapportdata (beräknad)")  # fmt: skip
    problems += found
    plan, found = S.screen_plan([(None, (p.fokusomrade, p.aktivitet, p.status, p.uppfoljning,
                                         p.framtidsplan)) for p in summary.plan],
                                C.PLAN.sheet)  # fmt: skip
    problems += found
    history, found = S.screen_history([(None, y, k, v) for y, values in summary.history
                                       for k, v in values.items()], C.TIDIGARE_AR.sheet, now)
    problems += found
    created, found = S.created(_doc_modified(package), now, "Dokumentegenskaper")
    problems += found
    counts = severity_counts(findings)
    return Report(
        kommun=kommun, year=year, kind=KIND_WORKBOOK, path=path, rows=rows, plan=plan,
        history=history, template_version=wb.version, program_version=__version__,
        created=created, errors=counts["error"], warnings=counts["warning"],
        problems=_merged(problems, []), in_county=kommun in region.names,
    )  # fmt: skip


def _doc_modified(package: Package) -> datetime | None:
    return _parse_time(_core_properties(package).get("modified"))


def read_report(path: Path, now: datetime | None = None, region: Region = DEFAULT) -> Report:
    """Read one file of the folder, whatever kind it is; raises FileProblem. Every file goes
    through the same guard as a coach's workbook (``inputs.open_package``: regular file, size,
    zip and XML checks; ``sheet_scan.BoundedBook``: sheets within the memory limits)."""
    path = Path(path)
    try:
        package, layout = open_package(path)
    except WorkbookError as exc:
        raise _unreadable(exc) from None
    digest = hashlib.sha256(package.raw).hexdigest()
    if is_export(layout.sheet_order):
        try:
            report = read_export(path, BoundedBook(package, layout.sheet_parts), now, region)
        except FileProblem:
            raise
        except WorkbookError as exc:
            raise _unreadable(exc) from None
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the county
            raise FileProblem(f"Exportfilen kan inte läsas ({type(exc).__name__}).") from exc
        report.sha256 = digest
        return report
    try:
        report = read_coach_workbook(path, package, now, region)
        report.sha256 = digest
        return report
    except FileProblem:
        raise
    except Exception as exc:  # noqa: BLE001
        raise FileProblem(f"Arbetsboken kan inte läsas ({type(exc).__name__}).") from exc


SPREADSHEETS = (".xls", ".xlsm", ".xlsb", ".xltx", ".xltm", ".ods", ".csv")
"""Other spreadsheet formats: a file in one of them was most likely meant for the county, so
it is listed as not used (the region looks into it), not merely skipped."""


def list_inputs(source: Iterable[Path] | Path, exclude: Path | None = None) -> list[Path]:
    """The .xlsx files to read: every entry of a folder named ``*.xlsx`` (not hidden, no Excel
    lock file ``~$…``) whatever it is -- a genväg in a loop, a folder or a device is read and
    refused with its reason -- or the given paths."""
    if isinstance(source, (str, os.PathLike)):
        paths = [Path(e.path) for e in _entries(Path(source)) if _kind(e.name) == "xlsx"]
    else:
        paths = [Path(p) for p in source]
    if exclude is not None:
        ex = Path(exclude).resolve()
        paths = [p for p in paths if p.resolve() != ex]
    return sorted(paths, key=lambda p: p.name.casefold())


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except OSError:
        return []


def _kind(name: str) -> str:
    if name.startswith("~$"):
        return "lock"
    if name.startswith("."):
        return "hidden"
    return "xlsx" if Path(name).suffix.lower() == ".xlsx" else "other"


def passed_over(source: Iterable[Path] | Path) -> list[Unread]:
    """Every other entry of the folder, with the reason it was not read: Excel's lock files,
    hidden files, subfolders, other kinds of file. A spreadsheet in another format (.xls,
    .xlsm, .ods …) is "not used" -- it was probably meant for the county; the rest are
    "skipped" and need no attention."""
    if not isinstance(source, (str, os.PathLike)):
        return []
    out = []
    for entry in _entries(Path(source)):
        kind, path = _kind(entry.name), Path(entry.path)
        if kind == "xlsx":
            continue
        status = STATUS_SKIPPED
        if kind == "lock":
            reason = "Excels låsfil för en arbetsbok som är öppen; läses inte."
        elif kind == "hidden":
            reason = "dold fil; läses inte."
        elif _is_dir(entry):
            reason = "en mapp; undermappar läses inte."
        elif path.suffix.lower() in SPREADSHEETS:
            status = STATUS_REFUSED
            reason = (f"en {path.suffix.lower()}-fil; bara .xlsx läses. Be kommunen skicka "
                      "exportfilen (Halsocenter_<Kommun>_<År>.xlsx).")  # fmt: skip
        else:
            reason = "inte en .xlsx-fil; läses inte."
        out.append(Unread(path, reason[:1].upper() + reason[1:], status))
    return sorted(out, key=lambda u: u.path.name.casefold())


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


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


def _read_one(path: Path, number: int = 0, now: datetime | None = None,
              region: Region = DEFAULT) -> Report | Unread:  # fmt: skip
    try:
        report = read_report(path, now, region)
    except FileProblem as exc:
        return Unread(path, exc.message, exc.status, exc.kommun, number, exc.detail)
    report.number = number
    return report


def read_all(paths: list[Path], progress=None, now: datetime | None = None,
             region: Region = DEFAULT) -> tuple[list[Report], list[Unread]]:  # fmt: skip
    """Read every file; two threads, because python-calamine parses sheets without holding the
    interpreter lock, so one file's parsing overlaps the other's Python work. Each file gets
    its number (Fil nr): its place in ``paths``, from 1."""
    reports, unreadable = [], []
    read = partial(_read_one, now=now, region=region)
    numbers = range(1, len(paths) + 1)
    with _progress(progress, len(paths)) as advance, ThreadPoolExecutor(READ_THREADS) as pool:
        for path, result in zip(paths, pool.map(read, paths, numbers), strict=True):
            (unreadable if isinstance(result, Unread) else reports).append(result)
            advance(_name(path))
    return reports, unreadable


def keep_newest(reports: list[Report], now: datetime | None = None, region: Region = DEFAULT,
                ) -> tuple[list[Report], list[tuple[Report, Report]]]:  # fmt: skip
    """One report per kommun + year: the newest; the others as (left out, kept)."""
    groups: dict[tuple[str, int], list[Report]] = {}
    for r in reports:
        groups.setdefault((r.kommun, r.year), []).append(r)
    kept, replaced = [], []
    stamp = now.timestamp() if now else None
    for group in groups.values():
        group.sort(key=lambda r: r.sort_time(stamp))
        newest = group[-1]
        kept.append(newest)
        for old in group[:-1]:
            replaced.append((old, newest))
    kept.sort(key=lambda r: (-r.year, region.rank(r.kommun), r.kommun.casefold()))
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


def county_output(paths: Iterable[Path] | Path, out: Path | Output,
                  files: Iterable[Path] = ()) -> Output:  # fmt: skip
    """Where ``region`` writes: never one of the files read, never inside the folder read."""
    target = Output.command("region", out).reading(*files)
    if isinstance(paths, (str, os.PathLike)):
        target = dataclasses.replace(target, input_folders=(*target.input_folders, Path(paths)))
    return target


def file_label(number: int) -> str:
    """How the county workbook names a file: by its number in the folder, never its name."""
    return f"Fil nr {number}"


def problem_rows(reports: Iterable[Report]) -> list[Outlier]:
    """What the screening left out of each kept file, one row per problem, the file named by
    its number."""
    out = []
    for r in reports:
        name = file_label(r.number)
        for p in r.problems:
            key = figure_label(p.key) if p.key else ""
            out.append(Outlier(r.kommun, r.year, p.kind, key, p.value, p.limit,
                               f"{name}: {p.message}", unit(p.key) if p.key else "antal"))
    return out


def gather(paths: Iterable[Path] | Path, out: Path | Output, *,
           progress: bool | ProgressFn | None = None, now: datetime | None = None,
           region: Region = DEFAULT,
           earlier: Iterable[Report] = ()) -> tuple[ConsolidationResult, Output]:  # fmt: skip
    """Read every .xlsx of a folder (or the given files), screen it and put the county of
    ``region`` together with the ``earlier`` files (the archive's, ``archive.Archive``); what
    to write and where (``county_book.write_county`` writes it). ``now`` (default: the clock)
    is what "in the future" is measured against."""
    now = now or datetime.now()
    files = list_inputs(paths)
    out = county_output(paths, out, files)
    out.check()
    reports, unreadable = read_all(files, progress, now, region)
    others = passed_over(paths)
    for n, u in enumerate(others, start=len(files) + 1):  # numbered after the files read
        u.number = n
    unreadable += others
    seen = {r.sha256 for r in reports}
    reports += [r for r in earlier if r.sha256 not in seen]  # a file in the folder is read anew
    kept, replaced = keep_newest(reports, now, region)
    reported: dict[str, set[int]] = {}
    for r in kept:
        reported.setdefault(r.kommun, set()).add(r.year)
    history = merged_history(kept)
    outliers = problem_rows([*kept, *(old for old, _ in replaced)])
    outliers += jumps({k: v for k, v in history.items() if k in region.names}, reported)
    outliers += far_from_peers({(r.kommun, r.year): r.totals() for r in kept if r.in_county})
    result = ConsolidationResult(out.path, kept, replaced, unreadable, outliers, history,
                                 reported, now, region=region)  # fmt: skip
    return result, out
