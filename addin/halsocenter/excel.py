"""Live Excel via xlwings: the entry points behind the ribbon buttons.

The buttons run the same core as the command line (``pipeline.analyse``: validate + stats) on
the workbook that is open in Excel; this module only moves data in and out:

* Reading: each sheet the reader needs is fetched with ONE bulk read (A1 to the last used cell)
  and handed to the file reader's own parser (``read.parse_workbook``) as if it were the calamine grid of
  a saved file, so headers, migrations, typing, lists and the privacy scan's text cells come out
  exactly as ``halsocenter check`` would give them. Round trips grow with the number of sheets and
  tables, never with the number of rows.
* Writing: only the generated sheets (``C.GENERATED_SHEETS``) are touched. Each is deleted and
  recreated, then filled block by block with one ``range.value = rows`` per block (content from
  ``sheets.py``, so the live sheet shows what the file writer writes) and a fixed number of
  formatting calls per block. Nothing a person typed is ever written.
* Problems reach the coach as a Swedish message box, never as a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import traceback
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any

import xlwings as xw
from openpyxl.utils import get_column_letter, range_boundaries

from . import cells, errors, read
from . import contract as C
from . import sheets as S
from .model import Finding, WorkbookData, severity_counts
from .pipeline import Analysis, analyse, refuse_unreadable
from .read import norm_header

TITLE = "Hälsocenter"
LOG_NAME = "halsocenter_fel.txt"
_GENERATED = {norm_header(s) for s in C.GENERATED_SHEETS}

# --------------------------------------------------------------------------- reading


class _LiveSheet:
    """One worksheet's values in the shape python-calamine gives the file reader: rows from A1,
    ``""`` for an empty cell, dates without a time as ``date``; Excel error values are taken out
    and kept in ``errors`` (calamine reads them as empty, the package layout lists them)."""

    def __init__(self, sheet):
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (max(last.row, 1), max(last.column, 1))).options(
            ndim=2, empty="", err_to_str=True).value  # fmt: skip
        self.errors: list[tuple[int, int, str]] = []
        for r, row in enumerate(values, start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    row[c - 1] = ""
                elif isinstance(v, str) and v in read.EXCEL_ERRORS:
                    self.errors.append((r, c, v))
                    row[c - 1] = ""
                elif isinstance(v, datetime) and v.time() == time(0):
                    row[c - 1] = v.date()  # calamine gives a date cell as a date
        self.rows = values

    def to_python(self, skip_empty_area: bool = False) -> list[list]:
        return self.rows


class _LiveBook:
    """An open xlwings book presented as the file reader's two sources: the package layout
    (sheet order, tables, defined names) and the cell grid (``get_sheet_by_name``). Each sheet's
    values are read once, on first use."""

    def __init__(self, book: xw.Book):
        self.book = book
        self.sheet_order = [s.name for s in book.sheets]
        self.sheet_parts: dict[str, str] = {}  # worksheets only, as in the file's package
        self.tables: dict[str, tuple[str, str]] = {}
        self.totals_rows: dict[str, int] = {}  # tables showing a totals row, as in the file
        for sheet in book.sheets:
            try:
                tables = [] if norm_header(sheet.name) in _GENERATED else [
                    (t.name, t.range.address, bool(t.show_totals)) for t in sheet.tables]  # fmt: skip
            except Exception:  # a chart sheet has no cells and no tables
                continue
            self.sheet_parts[sheet.name] = sheet.name
            for name, address, totals in tables:
                self.tables[name.casefold()] = (sheet.name, address)
                if totals:
                    self.totals_rows[name.casefold()] = 1
        wanted = {nc.name.casefold() for nc in C.NAMED_CELLS}
        self.defined_names: dict[str, str] = {}
        for name in book.names:
            label = name.name
            if "!" not in label and label.casefold() in wanted:  # book scope only, as on file
                self.defined_names[label.casefold()] = name.refers_to
        self._sheets: dict[str, _LiveSheet] = {}

    def get_sheet_by_name(self, name: str) -> _LiveSheet:
        if name not in self._sheets:
            self._sheets[name] = _LiveSheet(self.book.sheets[name])
        return self._sheets[name]

    def error_cells(self, sheet: str) -> list[tuple[int, int, str]]:
        return self.get_sheet_by_name(sheet).errors


def book_path(book: xw.Book) -> Path:
    """The workbook's file path as Excel reports it (just the name when it was never saved)."""
    return Path(book.fullname)


def read_book(book: xw.Book) -> WorkbookData:
    """The open workbook as ``WorkbookData``, parsed by the file reader's own code.

    Raises ``WorkbookError`` (Swedish message) when the workbook cannot be used."""
    live = _LiveBook(book)
    return read.parse_workbook(book_path(book), live, live)  # the reader's parser, fed from Excel


# --------------------------------------------------------------------------- writing helpers

cell_value = cells.live
"""A value as it should land in a cell: text stays text (``cells.live``)."""
_grid = cells.live_rows


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return xw.utils.hex_to_rgb("#" + hex_color.lstrip("#"))


def _is_remote(book: xw.Book) -> bool:
    return book.app.engine.name == "remote"


def _points(chars: float) -> float:
    """A column width in characters (Calibri 11: 7 pixels each plus padding) as points."""
    return round((chars * 7 + 5) * 0.75, 1)


def _width(book: xw.Book, chars: float) -> float:
    """Column width: characters on the desktop engines, points in Office.js (xlwings passes the
    host's own unit through)."""
    return _points(chars) if _is_remote(book) else chars


def _runs(values: Sequence[Any]) -> Iterable[tuple[int, int, Any]]:
    """(first, last, value) for each run of equal consecutive values."""
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            yield start, i - 1, values[start]
            start = i


def _fresh_sheet(book: xw.Book, name: str) -> xw.Sheet:
    """An empty generated sheet: an existing one is deleted and recreated in the same place,
    a new one goes last (as the file writer places it)."""
    existing = next((s for s in book.sheets if norm_header(s.name) == norm_header(name)), None)
    if existing is None:
        return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    position = existing.index  # 1-based
    existing.delete()
    if position == 1:
        return book.sheets.add(name, before=book.sheets[0])
    return book.sheets.add(name, after=book.sheets[position - 2])


def _header_style(rng) -> None:
    rng.font.bold = True
    rng.font.color = _rgb(S.COLOR_HEADER_TEXT)
    rng.color = _rgb(S.COLOR_DARK)


def _set_widths(book: xw.Book, sheet, widths: dict[int, float]) -> None:
    cols = sorted(widths)
    for first, last, width in _runs([widths[c] for c in cols]):
        a, b = get_column_letter(cols[first]), get_column_letter(cols[last])
        sheet.range(f"{a}:{b}").column_width = _width(book, width)


def _optional(step: Callable[[], Any]) -> bool:
    """Run a cosmetic step (charts, gridlines, frozen panes) that some Excel hosts do not
    support; the sheet's values are already written, so a refusal is skipped, not reported."""
    try:
        step()
        return True
    except Exception:  # host-specific COM / Office.js refusals
        return False


# --------------------------------------------------------------------------- generated sheets


def _write_block(sheet, b: S.Block) -> None:
    width = b.width
    rows = ([[b.title]] if b.title else []) + [list(r) for r in b.rows]
    sheet.range((b.top, b.left)).value = _grid(rows, width)
    if b.title:
        title = sheet.range((b.top, b.left))
        title.font.bold = True
        title.font.color = _rgb(S.COLOR_DARK)
    first = sheet.range((b.first_row, b.left))
    if b.kind in ("title", "heading"):
        first.font.bold = True
        first.font.size = 18 if b.kind == "title" else 16
        return
    if b.kind in ("subtitle", "text"):
        first.font.italic = True
        return
    if b.header_rows:
        _header_style(sheet.range((b.first_row, b.left),
                                  (b.first_row + b.header_rows - 1, b.left + width - 1)))  # fmt: skip
    for i in b.group_rows:
        group = sheet.range((b.first_row + i, b.left), (b.first_row + i, b.left + width - 1))
        group.font.bold = True
        group.color = _rgb(S.COLOR_GROUP)
    for i in b.total_rows:
        sheet.range((b.first_row + i, b.left), (b.first_row + i, b.left + width - 1)).font.bold = True
    data = list(range(b.header_rows, len(b.rows)))
    if b.spans or not data:
        return
    for j in range(width):  # number formats: one call per run of equal formats in a column
        formats = [S.cell_format(b, i, j) for i in data]
        for lo, hi, fmt in _runs(formats):
            if fmt:
                sheet.range((b.first_row + data[lo], b.left + j),
                            (b.first_row + data[hi], b.left + j)).number_format = fmt  # fmt: skip


def _add_chart(sheet, book: xw.Book, spec: S.ChartSpec) -> None:
    """A native bar chart where the file writer puts it: categories from ``spec.categories``,
    the series from the header row down (adjacent series columns are taken as one block)."""
    c1, r1, c2, r2 = range_boundaries(spec.cells)
    cat_col, cat_first, _, cat_last = range_boundaries(spec.categories)
    cols = [range_boundaries(values)[0] for _, values in spec.series]
    header_row = range_boundaries(spec.series[0][0])[1]
    source = sheet.range((header_row, min(cols)), (cat_last, max(cols)))
    width = sum(_points(S.COLUMN_WIDTHS.get(c, 9.0)) for c in range(c1, c2 + 1))
    height = (r2 - r1 + 1) * S.ROW_HEIGHT_PT
    chart = sheet.charts.add(chart_type="column_clustered" if spec.kind == "col" else
                             "bar_clustered", anchor=sheet.range((r1, c1)), width=width,
                             height=height)  # fmt: skip
    chart.set_source_data(source, plot_by="columns")
    chart.set_x_axis_values(sheet.range((cat_first, cat_col), (cat_last, cat_col)))
    chart.title = spec.title


def write_summary_sheet(book: xw.Book, summary, created: datetime | None = None) -> xw.Sheet:
    layout = S.summary_blocks(summary, created)
    sheet = _fresh_sheet(book, C.SUMMARY_SHEET)
    for b in layout.blocks:
        _write_block(sheet, b)
    _set_widths(book, sheet, S.COLUMN_WIDTHS)
    for spec in layout.charts:
        _optional(functools.partial(_add_chart, sheet, book, spec))
    _optional(lambda: setattr(sheet.page_setup, "print_area", layout.print_area))
    _optional(lambda: setattr(sheet, "show_gridlines", False))
    return sheet


def hyperlink_formula(location: str | None, text: Any) -> Any:
    """An internal link as a formula (English function name, comma separator, as xlwings
    writes formulas); the plain text where there is nothing to link to."""
    if not location:
        return cell_value(text)
    quoted = location.replace('"', '""')
    shown = str(text if text is not None else location).replace('"', '""')
    return f'=HYPERLINK("#{quoted}","{shown}")'


def write_kontroll_sheet(book: xw.Book, findings: list[Finding], summary,
                         sheet_names: Sequence[str] = ()) -> xw.Sheet:  # fmt: skip
    sheet = _fresh_sheet(book, C.CHECK_SHEET)
    sheet.range("A1").value = cell_value(S.kontroll_title(summary))
    title = sheet.range("A1")
    title.font.bold = True
    title.font.size = 16
    head = S.kontroll_head(findings)
    sheet.range((S.KONTROLL_HEAD_ROW, 1)).value = _grid(head, 2)
    sheet.range((S.KONTROLL_HEAD_ROW, 1), (S.KONTROLL_HEAD_ROW + len(head) - 2, 1)).font.bold = True

    rows = S.kontroll_rows(findings)
    ncols = len(C.KONTROLL_COLUMNS)
    top = S.KONTROLL_HEADER_ROW
    sheet.range((top, 1)).value = _grid(rows, ncols)
    _header_style(sheet.range((top, 1), (top, ncols)))
    ordered = S.sorted_findings(findings)
    if ordered:
        cell_col = S.KONTROLL_CELL_COL
        links = S.kontroll_links(findings, sheet_names)
        if any(links):
            sheet.range((top + 1, cell_col)).formula = [
                [hyperlink_formula(link, row[cell_col - 1])] for link, row in
                zip(links, rows[1:], strict=True)]  # fmt: skip
            sheet.range((top + 1, cell_col), (top + len(ordered), cell_col)).font.color = \
                _rgb(S.COLOR_LINK)  # fmt: skip
        for lo, hi, severity in _runs([f.severity for f in ordered]):  # sorted: few runs
            if severity in S.KONTROLL_FILLS:
                sheet.range((top + 1 + lo, 1), (top + 1 + hi, ncols)).color = _rgb(
                    S.KONTROLL_FILLS[severity])
    _set_widths(book, sheet, dict(enumerate(S.KONTROLL_WIDTHS, start=1)))
    _optional(lambda: sheet.freeze_panes.freeze_at(f"A{top + 1}"))
    return sheet


def write_rapportdata_sheet(book: xw.Book, summary, created: datetime | None = None) -> xw.Sheet:
    sheet = _fresh_sheet(book, C.DATA_SHEET)
    rows = S.rapportdata_rows(summary)
    ncols = len(C.RAPPORTDATA_COLUMNS)
    sheet.range("A1").value = _grid(rows, ncols)
    last = max(len(rows), 2)  # an Excel table needs a data row, even an empty one
    table_range = sheet.range((1, 1), (last, ncols))
    if not _optional(lambda: sheet.tables.add(source=table_range, name=C.RAPPORTDATA_TABLE,
                                              table_style_name="TableStyleLight9")):  # fmt: skip
        _header_style(sheet.range((1, 1), (1, ncols)))
    info = S.rapportdata_info(summary, created)
    sheet.range(S.RAPPORTDATA_INFO_CELL).value = _grid(info, 2)
    sheet.range((S.RAPPORTDATA_INFO_ROW, S.RAPPORTDATA_INFO_COL),
                (S.RAPPORTDATA_INFO_ROW + len(info) - 1, S.RAPPORTDATA_INFO_COL)).font.bold = True
    widths = dict(enumerate(S.RAPPORTDATA_WIDTHS, start=1))
    widths.update(enumerate(S.RAPPORTDATA_INFO_WIDTHS, start=S.RAPPORTDATA_INFO_COL))
    _set_widths(book, sheet, widths)
    _optional(lambda: sheet.freeze_panes.freeze_at("A2"))
    return sheet


def write_generated(book: xw.Book, analysis: Analysis, which: Sequence[str] = C.GENERATED_SHEETS,
                    created: datetime | None = None) -> dict[str, xw.Sheet]:  # fmt: skip
    """(Re)write the generated sheets named in ``which``; returns them by name."""
    out = {}
    summary = analysis.summary
    if C.SUMMARY_SHEET in which:
        out[C.SUMMARY_SHEET] = write_summary_sheet(book, summary, created)
    if C.CHECK_SHEET in which:
        out[C.CHECK_SHEET] = write_kontroll_sheet(book, analysis.findings, summary,
                                                  analysis.wb.sheet_names)  # fmt: skip
    if C.DATA_SHEET in which:
        out[C.DATA_SHEET] = write_rapportdata_sheet(book, summary, created)
    return out


# --------------------------------------------------------------------------- talking to the coach


def alert(book: xw.Book, message: str, *, problem: bool = False) -> None:
    book.app.alert(message, title=TITLE, buttons="ok", mode="critical" if problem else "info")


def progress(book: xw.Book, text: str | None) -> None:
    """Status bar text while a button works.

    Excel on the web has no status bar (xlwings raises NotImplementedError there) and desktop
    Excel refuses while a cell is being edited; neither is worth interrupting the coach for, so
    progress is then simply not shown."""
    with contextlib.suppress(Exception):
        book.app.status_bar = f"{TITLE}: {text}" if text else False


def _counts_text(findings: Sequence[Finding]) -> str:
    n = severity_counts(findings)
    fel = f"{n['error']} fel"
    varningar = f"{n['warning']} {'varning' if n['warning'] == 1 else 'varningar'}"
    return f"{fel} och {varningar}"


def user_message(exc: BaseException) -> str | None:
    """The Swedish message of an expected failure, or None for a real bug."""
    if message := errors.user_message(exc):
        return message
    if isinstance(exc, PermissionError):
        return (f"Filen {exc.filename} är låst eller skrivskyddad. Stäng den (till exempel i Word "
                "eller Excel) och klicka på knappen igen.")  # fmt: skip
    return None


def _log(exc: BaseException) -> Path | None:
    path = Path(tempfile.gettempdir()) / LOG_NAME
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now():%Y-%m-%d %H:%M:%S}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


def _button(what: str):
    """Wrap a button: find the calling book, show progress, and turn every failure into a
    Swedish message box (set HALSOCENTER_DEBUG=1 to get the traceback instead)."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(book: xw.Book | None = None):
            book = book if book is not None else xw.Book.caller()
            progress(book, what)
            try:
                return fn(book)
            except Exception as exc:  # the coach must never see a traceback
                if os.environ.get("HALSOCENTER_DEBUG"):
                    raise
                message = user_message(exc)
                if message is None:
                    log = _log(exc)
                    where = f" Detaljer finns i filen {log}." if log else ""
                    message = (f"Något gick fel ({type(exc).__name__}: {exc}). Inga uppgifter "
                               f"som du skrivit har ändrats.{where} Kontakta supporten och "
                               "bifoga filen.")  # fmt: skip
                alert(book, message, problem=True)
                return None
            finally:
                progress(book, None)

        return run

    return decorate


def _analysis(book: xw.Book, *, strict: bool) -> Analysis:
    """Read and run the core. ``strict`` refuses a workbook with unreadable values (text in a
    date column...) as the CLI's summary/report/export do; the check lists them instead."""
    wb = read_book(book)
    if strict:
        refuse_unreadable(wb)
    return analyse(wb)


def _folder(book: xw.Book, action: str) -> Path | None:
    """The saved workbook's folder, or None (after telling the coach) when there is none."""
    path = book_path(book)
    if path.is_absolute() and path.parent.is_dir():
        return path.parent
    alert(book, f"Spara arbetsboken i en mapp på datorn först (Arkiv > Spara som) och klicka "
                f"sedan på {action} igen. Filen skapas i samma mapp som arbetsboken.",
          problem=True)  # fmt: skip
    return None


def _unsaved(book: xw.Book) -> bool:
    """True when Excel says the workbook has unsaved changes (desktop Excel only)."""
    try:
        return getattr(book.api, "Saved", True) is False
    except Exception:  # hosts without the property
        return False


# --------------------------------------------------------------------------- the buttons


@_button("kontrollerar arbetsboken …")
def kontrollera(book: xw.Book | None = None) -> None:
    """Kontrollera: every finding on the Kontroll sheet, each with a link to its cell."""
    analysis = _analysis(book, strict=False)
    sheet = write_generated(book, analysis, (C.CHECK_SHEET,))[C.CHECK_SHEET]
    sheet.activate()
    findings = analysis.findings
    if not findings:
        alert(book, "Kontrollen är klar: inga fel eller varningar hittades.")
        return
    alert(book, f"Kontrollen är klar: {_counts_text(findings)}. De står på fliken "
                f"{C.CHECK_SHEET}; klicka på cellen i kolumnen Cell för att komma till raden "
                "och rätta den.", problem=bool(analysis.errors))  # fmt: skip


@_button("bygger årssammanställningen …")
def arssammanstallning(book: xw.Book | None = None) -> None:
    """Årssammanställning: the three generated sheets, as the CLI's summary writes them."""
    analysis = _analysis(book, strict=True)
    created = datetime.now().replace(microsecond=0)
    written = write_generated(book, analysis, C.GENERATED_SHEETS, created)
    written[C.SUMMARY_SHEET].activate()
    text = (f"Årssammanställningen är klar: flikarna {', '.join(C.GENERATED_SHEETS[:-1])} och "
            f"{C.GENERATED_SHEETS[-1]} är uppdaterade.")  # fmt: skip
    if analysis.errors:
        text += (f" Kontrollen hittade {_counts_text(analysis.findings)} – rätta felen på fliken "
                 f"{C.CHECK_SHEET} så blir siffrorna rätt.")  # fmt: skip
    alert(book, text, problem=bool(analysis.errors))


@_button("skapar Word-rapporten …")
def rapport(book: xw.Book | None = None) -> Path | None:
    """Word-rapport: <arbetsbok>_verksamhetsberattelse.docx next to the workbook."""
    from .report import write_report

    folder = _folder(book, "Word-rapport")
    if folder is None:
        return None
    analysis = _analysis(book, strict=True)
    out = folder / f"{book_path(book).stem}_verksamhetsberattelse.docx"
    path = write_report(analysis.wb, out, summary=analysis.summary)
    text = f"Word-rapporten är sparad: {path}"
    if analysis.errors:
        text += (f"\n\nObs! Kontrollen hittade {_counts_text(analysis.findings)}. Klicka på "
                 "Kontrollera och rätta felen innan rapporten skickas.")  # fmt: skip
    alert(book, text)
    return path


@_button("skapar filen till regionen …")
def exportera(book: xw.Book | None = None) -> Path | None:
    """Exportera till regionen: Halsocenter_<Kommun>_<År>.xlsx next to the workbook."""
    from .atomic import OutputError
    from .region import ExportRefused, export

    folder = _folder(book, "Exportera till regionen")
    if folder is None:
        return None
    analysis = _analysis(book, strict=True)
    try:
        path = export(analysis.wb, folder, summary=analysis.summary, findings=analysis.findings)
    except OutputError as exc:
        if exc.reason != "input":
            raise
        alert(book, f"{exc.message}\n\nArbetsboken har samma namn som filen till regionen. Spara "
                    "arbetsboken under ett annat namn (Arkiv > Spara som), t.ex. "
                    f"{analysis.wb.kommun}_{analysis.wb.year}.xlsx, och exportera igen.",
              problem=True)  # fmt: skip
        return None
    except ExportRefused as exc:
        write_generated(book, analysis, (C.CHECK_SHEET,))[C.CHECK_SHEET].activate()
        alert(book, f"{exc.message}\n\nCellerna står på fliken {C.CHECK_SHEET}.", problem=True)
        return None
    alert(book, f"Filen till regionen är sparad: {path}\n\nDen innehåller bara sammanräknade "
                "tal, inga rader med personer. Skicka den till regionen som ni kommit överens "
                "om.")  # fmt: skip
    return path


@_button("skapar nästa års arbetsbok …")
def nytt_verksamhetsar(book: xw.Book | None = None) -> Path | None:
    """Nytt verksamhetsår: <Kommun>_<år+1>.xlsx next to the saved workbook, never overwritten."""
    from .rollover import rollover

    folder = _folder(book, "Nytt verksamhetsår")
    if folder is None:
        return None
    if _unsaved(book):
        alert(book, "Spara arbetsboken först (Ctrl+S) – nästa års arbetsbok byggs från den "
                    "sparade filen. Klicka sedan på Nytt verksamhetsår igen.", problem=True)
        return None
    wb = read_book(book)
    if not wb.kommun or not wb.year:
        alert(book, f"Fyll i kommun och verksamhetsår på fliken {C.START_SHEET} först.",
              problem=True)  # fmt: skip
        return None
    dst = folder / f"{wb.kommun}_{wb.year + 1}.xlsx"
    if dst.exists():
        alert(book, f"{dst.name} finns redan i {folder}. Öppna den, eller byt namn på den om "
                    "du vill skapa en ny.", problem=True)  # fmt: skip
        return None
    path = rollover(book_path(book), dst)
    alert(book, f"Arbetsboken för {wb.year + 1} är skapad: {path}\n\nÖppna den och fortsätt "
                "där. Öppna remisser, årets totaler och planen har följt med.")  # fmt: skip
    return path


HELP_TEXT = (
    "Hälsocenter-fliken arbetar med arbetsboken som är öppen. Inget du skrivit ändras; "
    f"flikarna {', '.join(C.GENERATED_SHEETS)} skapas om varje gång.\n\n"
    f"• Kontrollera – letar fel och varningar och listar dem på fliken {C.CHECK_SHEET}, med "
    "länk till varje cell.\n"
    f"• Årssammanställning – bygger {C.SUMMARY_SHEET} (nyckeltal, tabeller, diagram, planen) "
    f"och {C.DATA_SHEET}.\n"
    "• Word-rapport – skapar verksamhetsberättelsen som Word-fil bredvid arbetsboken.\n"
    "• Exportera till regionen – skapar filen Halsocenter_<Kommun>_<År>.xlsx med bara "
    "sammanräknade tal.\n"
    "• Nytt verksamhetsår – skapar nästa års arbetsbok; öppna remisser och planen följer med.\n\n"
    "Skriv aldrig namn, personnummer eller telefonnummer i arbetsboken.\n\n"
    "Frågor om arbetsboken och statistiken: kontaktpersonen på Folkhälsa, Region Jönköpings "
    "län. Installation och datorproblem: kommunens IT-support."
)


@_button("hjälp")
def hjalp(book: xw.Book | None = None) -> None:
    """Hjälp: what each button does and where to get support."""
    alert(book, HELP_TEXT)
