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

from . import contract as C
from . import package_texts as PT
from . import read
from .model import COMMENT, PackageText, WorkbookData
from .read import norm_header

if TYPE_CHECKING:
    from .upgrade import Source

_GENERATED = {norm_header(s) for s in C.GENERATED_SHEETS}


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
        self.table_names: list[tuple[str, str]] = []  # (sheet, name) as typed, for the guard
        for sheet in book.sheets:
            try:
                tables = [] if norm_header(sheet.name) in _GENERATED else [
                    (t.name, t.range.address, bool(t.show_totals)) for t in sheet.tables]  # fmt: skip
            except Exception:  # a chart sheet has no cells and no tables
                continue
            self.sheet_parts[sheet.name] = sheet.name
            for name, address, totals in tables:
                self.tables[name.casefold()] = (sheet.name, address)
                self.table_names.append((sheet.name, name))
                if totals:
                    self.totals_rows[name.casefold()] = 1
        wanted = {nc.name.casefold() for nc in C.NAMED_CELLS}
        self.defined_names: dict[str, str] = {}
        self.all_names: list[tuple[str, str | None]] = []  # every name, for the guard
        for name in book.names:
            label, refers_to = name.name, name.refers_to
            self.all_names.append((label, refers_to))
            if "!" not in label and label.casefold() in wanted:  # book scope only, as on file
                self.defined_names[label.casefold()] = refers_to
        self._sheets: dict[str, _LiveSheet] = {}

    def get_sheet_by_name(self, name: str) -> _LiveSheet:
        if name not in self._sheets:
            self._sheets[name] = _LiveSheet(self.book.sheets[name])
        return self._sheets[name]

    def error_cells(self, sheet: str) -> list[tuple[int, int, str]]:
        return self.get_sheet_by_name(sheet).errors

    def package_texts(self) -> list[PackageText]:
        """What the identity guard reads outside the cells: sheet, table and defined names from
        Excel; notes and threaded comments from Excel where the engine can read their text,
        otherwise from the saved file; document properties from the saved file (xlwings has no
        way to ask Excel for them). In xlwings Lite there is no saved file to read."""
        found = PT.sheet_and_table_names(self.sheet_order, self.table_names)
        found += PT.defined_names(self.all_names)
        live = self._live_comments()
        found += live or []
        saved = book_path(self.book)
        if saved.is_absolute() and saved.is_file():
            found += PT.saved_file_parts(saved, with_comments=live is None)
        return found

    def _live_comments(self) -> list[PackageText] | None:
        """Notes and threaded comments (with replies) as Excel has them now; None where the
        engine cannot read their text (Excel on the web through the remote engine, Lite).
        Round trips grow with the number of comments, not with rows."""
        out: list[PackageText] = []
        try:
            for sheet in self.book.sheets:
                if sheet.name not in self.sheet_parts:
                    continue
                for note in sheet.notes:
                    cell = note.location.get_address(False, False)
                    out.append(PackageText(COMMENT, f"{sheet.name}, anteckning i cell {cell}",
                                           note.text, sheet.name, cell))  # fmt: skip
                for comment in sheet.comments:
                    cell = comment.location.get_address(False, False)
                    texts = [comment.text, *(r.text for r in comment.replies)]
                    out.append(PackageText(COMMENT, f"{sheet.name}, kommentar i cell {cell}",
                                           "\n".join(t or "" for t in texts), sheet.name, cell))
        except Exception:  # NotImplementedError on the remote engines, COM refusals
            return None
        return out


def book_path(book: xw.Book) -> Path:
    """The workbook's file path as Excel reports it (just the name when it was never saved)."""
    return Path(book.fullname)


def read_book(book: xw.Book) -> WorkbookData:
    """The open workbook as ``WorkbookData``, parsed by the file reader's own code.

    Raises ``WorkbookError`` (Swedish message) when the workbook cannot be used."""
    live = _LiveBook(book)
    return read.parse_workbook(book_path(book), live, live)  # the reader's parser, fed from Excel


def read_source(book: xw.Book) -> Source:
    """Everything typed in the open book, ready for a new workbook (``rollover``/``upgrade``):
    values only, from the same one bulk read per sheet as ``read_book``."""
    from .upgrade import GridCells, source_from

    live = _LiveBook(book)
    data = read.parse_workbook(book_path(book), live, live)
    cells = GridCells(list(live.sheet_parts), lambda sheet: live.get_sheet_by_name(sheet).rows)
    return source_from(cells, data)
