"""Reading the workbook that is open in Excel, for every host (desktop ribbon and xlwings Lite).

Each sheet the reader needs is fetched with ONE bulk read (A1 to the last used cell) and handed to
the file reader's own parser (``read.parse_workbook``) as if it were the calamine grid of a saved
file, so headers, migrations, typing, lists and the privacy scan's text cells come out exactly as
``halsocenter check`` would give them. Round trips grow with the number of sheets and tables,
never with the number of rows.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

import xlwings as xw

from halsocenter.core import contract as C
from halsocenter.core.a1 import column_letter, split_range
from halsocenter.core.messages import render, severity
from halsocenter.core.model import Finding, PackageText, WorkbookData
from halsocenter.core.parse import EXCEL_ERRORS, norm_header
from halsocenter.core.sheetmarks import generated_name
from halsocenter.live.comments import Comments, read_comments
from halsocenter.xlsx import package_texts as PT
from halsocenter.xlsx import read
from halsocenter.xlsx.sheet_scan import GAP_ROWS, MAX_GRID_CELLS, SIMPLE_COLS

if TYPE_CHECKING:
    from halsocenter.xlsx.upgrade import Source

_GENERATED = {norm_header(s) for s in C.GENERATED_SHEETS}

MAX_LIVE_CELLS = MAX_GRID_CELLS
"""Cells of one sheet read from Excel in one go, as the file reader lets python-calamine build:
Excel's used range also grows with formatting alone (a fill down to row 1,048,576), and asking
for billions of cells would hang Excel."""


def bounded_area(rows: int, cols: int, needed: tuple[int, int]) -> tuple[int, int]:
    """The part of a too large used range (``rows`` × ``cols``) read instead: every column the
    tables and named cells use (or the first 26), and as many rows from A1 as that width allows
    within ``MAX_LIVE_CELLS`` — never fewer than the tables take plus ``GAP_ROWS`` rows typed
    below them, the rows the file reader also counts."""
    need_rows, need_cols = needed
    cols = min(cols, max(need_cols, SIMPLE_COLS))
    rows = min(rows, max(MAX_LIVE_CELLS // cols, need_rows + GAP_ROWS))
    return rows, cols


class _LiveSheet:
    """One worksheet's values in the shape python-calamine gives the file reader: rows from A1,
    ``""`` for an empty cell, dates without a time as ``date``; Excel error values are taken out
    and kept in ``errors`` (calamine reads them as empty, the package layout lists them)."""

    def __init__(self, sheet, needed: tuple[int, int] = (0, 0)):
        last = sheet.used_range.last_cell
        rows, cols = max(last.row, 1), max(last.column, 1)
        self.unread: str | None = None
        if rows * cols > MAX_LIVE_CELLS:  # a stray far cell, or formatting down to row 1048576
            rows, cols = bounded_area(rows, cols, needed)
            self.unread = sheet.range((1, 1), (max(last.row, 1), max(last.column, 1))).get_address(
                False, False)  # fmt: skip
        values = sheet.range((1, 1), (rows, cols)).options(
            ndim=2, empty="", err_to_str=True).value  # fmt: skip
        self.read_to = (rows, cols)
        self.errors: list[tuple[int, int, str]] = []
        for r, row in enumerate(values, start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    row[c - 1] = ""
                elif isinstance(v, str) and v in EXCEL_ERRORS:
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

    sheet_errors = ()
    """Nothing to skip while reading: a sheet without cells (a chart sheet) is left out of
    ``sheet_parts`` from the start."""

    def __init__(self, book: xw.Book, comments: Comments | None = None):
        self.book = book
        self.comments = comments
        self.unchecked: tuple[str, ...] = ()
        self.sheet_order = [s.name for s in book.sheets]
        self.sheet_parts: dict[str, str] = {}  # worksheets only, as in the file's package
        self.tables: dict[str, tuple[str, str]] = {}
        self.totals_rows: dict[str, int] = {}  # tables showing a totals row, as in the file
        self.table_names: list[tuple[str, str]] = []  # (sheet, name) as typed, for the guard
        self._needed: dict[str, tuple[int, int]] = {}  # (last row, last column) tables use
        for sheet in book.sheets:
            try:
                tables = [] if norm_header(sheet.name) in _GENERATED else [
                    (t.name, t.range.address, bool(t.show_totals)) for t in sheet.tables]  # fmt: skip
            except Exception:  # a chart sheet has no cells and no tables
                continue
            self.sheet_parts[sheet.name] = sheet.name
            for name, address, totals in tables:
                _, _, c2, r2 = split_range(address)
                r, c = self._needed.get(sheet.name, (0, 0))
                self._needed[sheet.name] = (max(r, r2), max(c, c2))
                self.tables[name.casefold()] = (sheet.name, address)
                self.table_names.append((sheet.name, name))
                if totals:
                    self.totals_rows[name.casefold()] = 1
        wanted = {nc.name.casefold() for nc in (*C.NAMED_CELLS, C.REGION_CELL)}
        self.defined_names: dict[str, str] = {}
        self.all_names: list[tuple[str, str | None]] = []  # every name, for the guard
        for name in book.names:
            label, refers_to = name.name, name.refers_to
            self.all_names.append((label, refers_to))
            if "!" not in label and label.casefold() in wanted:  # book scope only, as on file
                self.defined_names[label.casefold()] = refers_to
                self._need_cell(refers_to)
        self.local_names: dict[str, dict[str, str]] = {}
        """Sheet-level defined names of the sheets named like a generated sheet, where the
        program's mark is (``sheetmarks``); a round trip per such sheet, not per name."""
        for sheet in book.sheets:
            if generated_name(sheet.name) is None:
                continue
            try:
                names = [(n.name, n.refers_to) for n in sheet.names]
            except Exception:  # a host without sheet-level names: the sheet carries no mark
                continue
            self.local_names[sheet.name] = {
                label.rpartition("!")[2].casefold(): refers_to for label, refers_to in names
                if refers_to}  # fmt: skip
        self._sheets: dict[str, _LiveSheet] = {}

    def _need_cell(self, refers_to: str | None) -> None:
        """A named cell (``=Start!$B$4``) is part of what its sheet must be read to."""
        sheet, _, ref = (refers_to or "").lstrip("=").rpartition("!")
        try:
            _, _, c, r = split_range(ref)
        except ValueError:
            return
        sheet = sheet.strip("'").replace("''", "'")
        old_r, old_c = self._needed.get(sheet, (0, 0))
        self._needed[sheet] = (max(old_r, r), max(old_c, c))

    def get_sheet_by_name(self, name: str) -> _LiveSheet:
        if name not in self._sheets:
            self._sheets[name] = _LiveSheet(self.book.sheets[name],
                                            self._needed.get(name, (0, 0)))  # fmt: skip
        return self._sheets[name]

    def unread_findings(self) -> list[Finding]:
        """One warning per sheet whose used range was too large to read whole: the coach learns
        where, and that cells out there were neither counted nor checked for identity numbers."""
        out = []
        for name, sheet in self._sheets.items():
            if sheet.unread:
                rows, cols = sheet.read_to
                read_area = f"A1:{column_letter(cols)}{rows}"
                out.append(Finding(
                    code="live_area_unread", severity=severity("live_area_unread"), sheet=name,
                    row=None, column=None, cell=None, value=None, message=render(
                        "live_area_unread", where=name, used=sheet.unread, read=read_area)))
        return out

    def error_cells(self, sheet: str) -> list[tuple[int, int, str]]:
        return self.get_sheet_by_name(sheet).errors

    def package_texts(self) -> list[PackageText]:
        """What the identity guard reads outside the cells: sheet, table and defined names from
        Excel; notes and threaded comments from Excel where the engine can read their text
        (``comments``: in xlwings Lite read before the action with Lite's own calls), otherwise
        from the saved file; document properties from the saved file (xlwings has no way to ask
        Excel for them). In xlwings Lite there is no saved file to read: what the engine could
        not give is then said on Kontroll (``unchecked_findings``)."""
        found = PT.sheet_and_table_names(self.sheet_order, self.table_names)
        found += PT.defined_names(self.all_names)
        comments = self.comments if self.comments is not None else read_comments(self.book)
        saved = book_path(self.book)
        if saved.is_absolute() and saved.is_file():
            if comments.unread:  # the saved file has them all (as last saved)
                found += PT.saved_file_parts(saved, with_comments=True)
                return found
            found += PT.saved_file_parts(saved, with_comments=False)
        else:
            self.unchecked = comments.unread
        return found + comments.texts

    def unchecked_findings(self) -> list[Finding]:
        """One warning when notes or threaded comments could not be read and there is no saved
        file to read them from: they were not checked for identity numbers."""
        if not self.unchecked:
            return []
        what = " och ".join(self.unchecked)
        return [Finding(code="live_comments_unchecked", severity=severity("live_comments_unchecked"),
                        sheet=None, row=None, column=None, cell=None, value=None,
                        message=render("live_comments_unchecked", where="Arbetsboken",
                                               what=what.capitalize()))]  # fmt: skip


def book_path(book: xw.Book) -> Path:
    """The workbook's file path as Excel reports it (just the name when it was never saved)."""
    return Path(book.fullname)


def read_book(book: xw.Book, comments: Comments | None = None) -> WorkbookData:
    """The open workbook as ``WorkbookData``, parsed by the file reader's own code.
    ``comments``: the notes and threaded comments already read (xlwings Lite reads them before
    the action, ``read_comments_async``); otherwise they are read here.

    Raises ``WorkbookError`` (Swedish message) when the workbook cannot be used."""
    live = _LiveBook(book, comments)
    data = read.parse_workbook(book_path(book), live, live)  # the reader's parser, fed from Excel
    data.problems.extend(live.unread_findings())
    data.problems.extend(live.unchecked_findings())
    return data


def read_source(book: xw.Book) -> Source:
    """Everything typed in the open book, ready for a new workbook (``rollover``/``upgrade``):
    values only, from the same one bulk read per sheet as ``read_book``."""
    from halsocenter.xlsx.upgrade import GridCells, source_from

    live = _LiveBook(book)
    data = read.parse_workbook(book_path(book), live, live)
    cells = GridCells(list(live.sheet_parts), lambda sheet: live.get_sheet_by_name(sheet).rows)
    return source_from(cells, data)
