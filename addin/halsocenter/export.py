"""The file a hub sends to the region: ``Halsocenter_<Kommun>_<År>.xlsx``.

Aggregates only: the Rapportdata figures, the plan, earlier years' totals, versions and the open
findings without their cell values. Nothing row-level (no Löpnummer, no Kommentar) ever leaves
the workbook, and the export is refused while a personnummer or samordningsnummer is in it.

Masking (``mask_below=n``, ``mask_rows``): in the breakdowns by Kön, Åldersgrupp and Fokus
(levnadsvana) every value 1..n-1 is written as an empty Värde with ``Maskerad = Ja`` — never as
0 — and enough other cells of the same breakdown are masked with it that none of them can be
recomputed from the total and the cells still shown (complementary suppression). Fokus is masked
too because a hub's lifestyle focus (tobacco, alcohol, sleep, stress) is health information that
a small count could tie to a person.
"""

from __future__ import annotations

import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from . import __version__
from . import contract as C
from .atomic import atomic_write
from .layout import Layout
from .messages import where_of
from .model import Finding, WorkbookData, severity_counts
from .privacy import PERSONAL_ID
from .summary import FigureRow, PlanRow, Summary

EXPORT_FORMAT = 1
"""Layout version of the export file itself, written on sheet Info."""

EXPORT_KIND = "Hälsocenter exportfil"
MASK_COLUMN = "Maskerad"
MASKED = "Ja"
EXPORT_COLUMNS = (*C.RAPPORTDATA_COLUMNS, MASK_COLUMN)
"""Rapportdata columns of the export and of the county workbook: the coach workbook's columns
plus Maskerad."""

DATA_SHEET = C.DATA_SHEET
PLAN_SHEET = C.PLAN.sheet
INFO_SHEET = "Info"
HISTORY_SHEET = "Historik"
CHECK_SHEET = C.CHECK_SHEET
HISTORY_COLUMNS = ("År", "Nyckel", "Värde")
PLAN_TABLE = "tblExportPlan"
HISTORY_TABLE = "tblHistorik"
CHECK_COLUMNS = tuple(c for c in C.KONTROLL_COLUMNS if c != "Värde")

MASKED_DIMENSIONS = (
    C.REMISSER.column("kon").header,
    C.REMISSER.column("aldersgrupp").header,
    C.REMISSER.column("fokus").header,
)

# Info sheet labels (column A); the values are in column B.
INFO_KIND = "Filtyp"
INFO_FORMAT = "Exportformat"
INFO_KOMMUN = "Kommun"
INFO_YEAR = "År"
INFO_TEMPLATE = "Mallversion"
INFO_PROGRAM = "Programversion"
INFO_CREATED = "Skapad"
INFO_SOURCE = "Källfil"
INFO_MASK = "Maskerade under"
INFO_ERRORS = "Fel"
INFO_WARNINGS = "Varningar"
INFO_INFOS = "Information"



class ExportRefused(Exception):
    """The export would carry personal data; ``message`` is Swedish, ``findings`` name the
    cells. Nothing is written."""

    user_facing = True

    def __init__(self, message: str, findings: Sequence[Finding] = ()):
        super().__init__(message)
        self.message = message
        self.findings = list(findings)


class ExportRow(NamedTuple):
    """One Rapportdata row as written: ``value`` is None when masked or not computable. A
    tuple, not a dataclass: a county workbook builds tens of thousands of them."""

    key: str
    dimension: str
    value: float | None
    masked: bool = False


# --------------------------------------------------------------------------- pure parts


def export_filename(kommun: str, year: int) -> str:
    """``Halsocenter_<Kommun>_<År>.xlsx``; characters a file system rejects become ``_``."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", str(kommun).strip()) or "okand"
    return f"Halsocenter_{safe}_{year}.xlsx"


def personal_data_errors(findings: Iterable[Finding]) -> list[Finding]:
    """Errors that mean an identity number (personnummer, samordningsnummer) is in the
    workbook."""
    return [f for f in findings if f.severity == "error" and f.code == PERSONAL_ID]


MAX_PLACES_SHOWN = 5


def identity_refusal(stopped: str, findings: Sequence[Finding]) -> str:
    """The Swedish refusal of a file that would leave the hub: how many identity numbers, and
    where the first ones are (place and masked value, never the number itself)."""
    def shown(value) -> str:
        text = str(value) if value is not None else ""
        return text if len(text) <= 40 else text[:39] + "…"

    places = [f"{where_of(f.message)} (”{shown(f.value)}”)" if f.value is not None
              else where_of(f.message) for f in findings[:MAX_PLACES_SHOWN]]  # fmt: skip
    more = (f" och {len(findings) - MAX_PLACES_SHOWN} till"
            if len(findings) > MAX_PLACES_SHOWN else "")  # fmt: skip
    count = f"{len(findings)} ställe" if len(findings) == 1 else f"{len(findings)} ställen"
    return (f"{stopped}: arbetsboken innehåller personnummer eller samordningsnummer på {count}: "
            f"{'; '.join(places)}{more}. Ta bort dem (alla står på fliken {CHECK_SHEET}) och "
            "försök igen.")


class PersonalDataRefused(ExportRefused):
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


def suppress(values: Sequence[float | None], mask_below: int) -> set[int]:
    """Which cells of one breakdown to mask: primary and complementary suppression.

    The breakdown's total is taken as known — even when it is not printed beside it, every
    unmasked breakdown of the same figure (Typ, Månad…) adds up to it. The guarantee, for a
    reader who knows the total, every cell shown (zeros included) and which cells are masked:

    * no masked cell has only one possible value (masked cells are whole numbers ≥ 0 that add
      up to the total minus the cells shown) — this holds whenever two or more cells are
      masked, so a single masked cell is never left alone;
    * when every masked cell is a small one (1..n-1, as the reader can read from
      "Maskerade under n"), the small cells still leave each masked cell two possible values:
      two 1s out of a remainder of 2, or all n-1, would not (unless the whole breakdown is
      masked already and nothing more can be).

    Rule: mask every value ``0 < v < mask_below``; while the guarantee fails, also mask the
    smallest non-zero value still shown, or, when none is left, every zero still shown
    (masking one chosen zero would tell which masked cell holds the count). A breakdown of a
    single category is the total itself and cannot be protected by its own cells. A value of
    None (not computable) counts as neither shown nor masked."""
    known = [i for i, v in enumerate(values) if v is not None]
    small = {i for i in known if 0 < values[i] < mask_below}
    masked = set(small)

    def determined() -> bool:
        if len(masked) == 1:
            return True
        if masked <= small:  # each in 1..n-1: pinned when all are 1 or all are n-1
            rest = sum(values[i] for i in masked)
            return rest in (len(masked), len(masked) * (mask_below - 1))
        return False

    while masked and determined():
        shown = [i for i in known if i not in masked]
        if not shown:
            break
        nonzero = [i for i in shown if values[i]]
        if nonzero:
            masked.add(min(nonzero, key=lambda i: (values[i], i)))
        else:
            masked.update(shown)
    return masked


def mask_rows(figures: Iterable[FigureRow], mask_below: int | None) -> list[ExportRow]:
    """Rows with small demographic counts masked (``suppress`` per breakdown): empty Värde and
    ``Maskerad = Ja``, never 0."""
    rows = [ExportRow(f.key, f.dimension, f.value) for f in figures]
    if not mask_below or mask_below <= 1:
        return rows
    groups: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        name, sep, _ = row.dimension.partition("=")
        if sep and name in MASKED_DIMENSIONS:
            groups.setdefault((row.key, name), []).append(i)
    masked: set[int] = set()
    for members in groups.values():
        chosen = suppress([rows[i].value for i in members], mask_below)
        masked.update(members[j] for j in chosen)
    return [ExportRow(r.key, r.dimension, None, True) if i in masked else r
            for i, r in enumerate(rows)]  # fmt: skip


def redact(finding: Finding) -> str:
    """The finding's message without the typed value, which could be personal data."""
    message = finding.message or ""
    value = finding.value
    if isinstance(value, str) and len(value.strip()) >= 3 and value.strip() in message:
        message = message.replace(value.strip(), "…")
    return message


# --------------------------------------------------------------------------- writing


def _cell_xml(ref: str, value, style: str = "") -> str:
    """One ``<c>`` element; ``style`` is its ``s`` attribute (' s="N"') or empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return f'<c r="{ref}"{style} t="n"><v>{value!r}</v></c>'
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{xml_escape(text)}</t></is></c>'


def rows_xml(rows: Iterable[Sequence], first_row: int,
             styles: Sequence[Sequence[int] | None] | None = None) -> str:  # fmt: skip
    """``<row>`` elements for plain values, as openpyxl's write-only mode writes them (inline
    strings). Strings repeat a lot (Kommun, Nyckel, Dimension), so each is escaped once.
    ``styles`` (optional, one tuple per row, rows of one look sharing it) gives each cell's
    style index in the workbook's ``cellXfs`` (0 or a missing entry: the default style)."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i) for i in range(1, 65)]
    tails: dict[str, str] = {}
    plain = [""] * 64
    attrs: dict[Any, list[str]] = {}  # a row's style tuple -> ' s="N"' per column
    parts = []
    for n, values in enumerate(rows):
        r = first_row + n
        row_styles = styles[n] if styles is not None else None
        s_attr = plain
        if row_styles:
            s_attr = attrs.get(row_styles)
            if s_attr is None:
                s_attr = attrs[row_styles] = [f' s="{x}"' if x else "" for x in row_styles]
                s_attr += [""] * (64 - len(s_attr))
        cells = []
        for i, v in enumerate(values):
            t = type(v)
            if t is str:
                if not v:
                    continue
                tail = tails.get(v)
                if tail is None:
                    tail = tails[v] = _cell_xml("", v)[len('<c r=""'):]
                cells.append(f'<c r="{letters[i]}{r}"{s_attr[i]}{tail}')
            elif t is int or (t is float and v == v and v not in (math.inf, -math.inf)):
                cells.append(f'<c r="{letters[i]}{r}"{s_attr[i]} t="n"><v>{v!r}</v></c>')
            elif v is not None:
                cells.append(_cell_xml(f"{letters[i]}{r}", v, s_attr[i]))
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(parts)


def data_sheet(ws, n_rows: int) -> None:
    """The Rapportdata sheet's header and table; its ``n_rows`` rows go in at save time
    (``save_with_rows``). The export file and the county workbook share the layout."""
    set_widths(ws, (14, 8, 34, 34, 12, 11))
    ws.append(list(EXPORT_COLUMNS))
    add_table(ws, C.RAPPORTDATA_TABLE, EXPORT_COLUMNS, n_rows)


def data_row(kommun, year, row: ExportRow, masked_word: str = MASKED) -> list:
    """One Rapportdata row: Kommun, År, Nyckel, Dimension, Värde, Maskerad."""
    return [kommun, year, row.key, row.dimension or None, row.value,
            masked_word if row.masked else None]  # fmt: skip


def save_with_rows(book: Workbook, path: Path, bulk: dict[str, list[Sequence]], *,
                   styles: dict[str, Sequence[Sequence[int] | None]] | None = None) -> Path:
    """Save ``book`` atomically with the rows in ``bulk`` appended below the first row of the
    named sheets. A county workbook has tens of thousands of Rapportdata rows; writing them as
    XML text here is several times faster than openpyxl's per-cell writer. ``styles`` gives
    those rows' cell styles per sheet (see ``rows_xml``)."""
    buf = io.BytesIO()
    book.save(buf)
    styles = styles or {}

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(buf) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            parts = Layout(src).sheet_parts
            extra = {parts[name]: name for name in bulk}
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename in extra:
                    name = extra[info.filename]
                    body = rows_xml(bulk[name], 2, styles.get(name)).encode()
                    data = data.replace(b"</sheetData>", body + b"</sheetData>", 1)
                    data = _dimension(data, bulk[name])
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)

    return atomic_write(path, write)


def _dimension(sheet_xml: bytes, rows: list[Sequence]) -> bytes:
    """The sheet's ``<dimension>`` (written by openpyxl for the header alone) widened to the
    rows appended below it."""
    from openpyxl.utils import get_column_letter

    m = re.search(rb'<dimension ref="A1:([A-Z]+)(\d+)"\s*/>', sheet_xml)
    if not m or not rows:
        return sheet_xml
    width = max(len(r) for r in rows)
    last_col = max(m[1].decode(), get_column_letter(width), key=lambda c: (len(c), c))
    ref = f'<dimension ref="A1:{last_col}{1 + len(rows)}"/>'.encode()
    return sheet_xml[:m.start()] + ref + sheet_xml[m.end():]


def bold_row(ws, values: Iterable, wrap: bool = False) -> list:
    cells = []
    for v in values:
        cell = WriteOnlyCell(ws, value=v)
        cell.font = Font(bold=True)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        cells.append(cell)
    return cells


def print_setup(ws, landscape: bool = True) -> None:
    """Print on A4, as wide as the page, repeating nothing: the region prints the overview."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def add_table(ws, name: str, headers: Sequence[str], n_rows: int, first_row: int = 1,
              style: str = "TableStyleMedium2", stripes: bool = True) -> None:  # fmt: skip
    """An Excel table over headers + ``n_rows`` (at least one body row, as Excel requires)."""
    from openpyxl.utils import get_column_letter

    last = first_row + max(n_rows, 1)
    ref = f"A{first_row}:{get_column_letter(len(headers))}{last}"
    table = Table(displayName=name, ref=ref)
    table.tableColumns = [TableColumn(id=i, name=str(h)) for i, h in enumerate(headers, start=1)]
    table.autoFilter = AutoFilter(ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=stripes)
    with warnings.catch_warnings():  # openpyxl warns in write-only mode even with columns set
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)


def set_widths(ws, widths: Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def write_export(summary: Summary, findings: Sequence[Finding], out_dir: Path, *,
                 mask_below: int | None = None, source_name: str | None = None,
                 created: datetime | None = None) -> Path:  # fmt: skip
    """Write the export file for an already computed year. Refuses on personal-data errors."""
    refuse_identity_numbers(findings)
    if not summary.kommun or summary.year is None:
        raise ExportRefused("Exporten stoppades: kommun och verksamhetsår måste vara ifyllda på "
                            "fliken Start.")  # fmt: skip
    out_dir = Path(out_dir)
    created = (created or datetime.now()).replace(microsecond=0)
    rows = mask_rows(summary.figures, mask_below)
    open_findings = list(findings)
    counts = severity_counts(open_findings)

    book = Workbook(write_only=True)
    book.properties.creator = f"halsocenter {__version__}"
    book.properties.created = created
    book.properties.modified = created

    data_sheet(book.create_sheet(DATA_SHEET), len(rows))
    data_rows = [data_row(summary.kommun, summary.year, r) for r in rows]

    ws = book.create_sheet(PLAN_SHEET)
    set_widths(ws, [c.width for c in C.PLAN.columns])
    ws.append(list(C.PLAN.headers))
    for p in summary.plan:
        ws.append([p.fokusomrade, p.aktivitet, p.status, p.uppfoljning, p.framtidsplan])
    add_table(ws, PLAN_TABLE, C.PLAN.headers, len(summary.plan))

    ws = book.create_sheet(HISTORY_SHEET)
    set_widths(ws, (8, 34, 12))
    ws.append(list(HISTORY_COLUMNS))
    n_history = 0
    for year, values in summary.history:
        for key, value in values.items():
            ws.append([year, key, value])
            n_history += 1
    add_table(ws, HISTORY_TABLE, HISTORY_COLUMNS, n_history)

    ws = book.create_sheet(INFO_SHEET)
    set_widths(ws, (20, 40))
    for label, value in (
        (INFO_KIND, EXPORT_KIND), (INFO_FORMAT, EXPORT_FORMAT), (INFO_KOMMUN, summary.kommun),
        (INFO_YEAR, summary.year), (INFO_TEMPLATE, summary.template_version),
        (INFO_PROGRAM, summary.program_version), (INFO_CREATED, created.isoformat(sep=" ")),
        (INFO_SOURCE, source_name), (INFO_MASK, mask_below if mask_below and mask_below > 1
                                     else None),
        (INFO_ERRORS, counts["error"]), (INFO_WARNINGS, counts["warning"]),
        (INFO_INFOS, counts["info"]),
    ):  # fmt: skip
        ws.append([*bold_row(ws, [label]), value])

    ws = book.create_sheet(CHECK_SHEET)
    set_widths(ws, (12, 16, 7, 20, 8, 80, 28))
    ws.append(bold_row(ws, CHECK_COLUMNS))
    for f in open_findings:
        ws.append([C.SEVERITY_LABELS.get(f.severity, f.severity), f.sheet, f.row, f.column,
                   f.cell, redact(f), f.code])  # fmt: skip

    return save_with_rows(book, out_dir / export_filename(summary.kommun, summary.year),
                          {DATA_SHEET: data_rows})


def export(wb: WorkbookData, out_dir: Path, *, summary: Summary | None = None,
           findings: Sequence[Finding] | None = None, mask_below: int | None = None) -> Path:
    """Write ``Halsocenter_<Kommun>_<År>.xlsx`` for one coach workbook into ``out_dir``.

    ``summary`` and ``findings`` are computed when not given (the ribbon passes what it has).
    Raises ``ExportRefused`` while personal-data errors exist.
    """
    from .pipeline import refuse_unreadable

    refuse_unreadable(wb)
    if findings is None:
        from .validate import validate

        findings = validate(wb)
    refuse_identity_numbers(findings)  # before computing anything
    if summary is None:
        from .stats import compute

        summary = compute(wb)
    source = wb.path.name if wb.path else None
    return write_export(summary, findings, out_dir, mask_below=mask_below, source_name=source)


def plan_rows(values: Iterable[Sequence]) -> tuple[PlanRow, ...]:
    """PlanRows from sheet rows in contract column order (used when reading an export)."""
    out = []
    for v in values:
        v = list(v) + [None] * (5 - len(v))
        text = [None if x in (None, "") else str(x) for x in v[:5]]
        if any(text):
            out.append(PlanRow(text[0] or "", text[1] or "", text[2], text[3], text[4]))
    return tuple(out)
