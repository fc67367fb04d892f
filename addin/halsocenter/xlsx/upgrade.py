"""Move a workbook's data into a fresh workbook built from the current template.

``upgrade`` brings a workbook made with an older template version (read through its
``contract.Migration``) into the current layout; ``rollover`` uses the same machinery to start
next year's workbook. What a person typed is copied as it is stored in the file — the value and
its number format — never retyped through the parsers, so a date, a count or a comment comes out
identical. Columns the current template added stay empty; columns a coach added to a table
(unknown headers) follow along to the right of the table; the workbook's own lists, including
values the hub added, are kept; sheets the coach added are copied (values and number formats).
Generated sheets are not copied: they are rebuilt from the data.

A formula in a data cell is copied as the value Excel last calculated for it, because the row
moves and a relative reference would point somewhere else; a formula with no calculated value
(the file was never opened in Excel) is copied as its text, so the coach sees what was there and
nothing is executed. Text that only looks like a formula (``=cmd|' /C calc'!A0`` typed as text)
stays text (``cells``). The output never replaces an existing file or the input.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.table import TableColumn

from halsocenter.atomic import Output
from halsocenter.core import contract as C
from halsocenter.core.model import WorkbookData
from halsocenter.core.parse import norm_header
from halsocenter.errors import WorkbookError
from halsocenter.xlsx import cells, template
from halsocenter.xlsx.inputs import Package, open_package
from halsocenter.xlsx.read import read_workbook

GENERAL = "General"


@dataclass(frozen=True)
class Cell:
    """A stored cell: its value and number format."""

    value: Any
    number_format: str = GENERAL


@dataclass
class SourceTable:
    """The rows of one table as stored, keyed by contract column key, in sheet order."""

    spec: C.Table
    rows: list[dict[str, Cell]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    extra_headers: tuple[str, ...] = ()
    extra_rows: list[tuple[Cell, ...]] = field(default_factory=list)
    extra_columns: tuple[int, ...] = ()
    """Where the extra columns stood in the source sheet."""


@dataclass
class Source:
    """Everything typed in a workbook, ready to be written into a new one."""

    data: WorkbookData
    tables: dict[str, SourceTable]
    settings: dict[str, Cell]
    other_sheets: dict[str, list[tuple[int, int, Cell]]]
    loose: dict[str, list[tuple[int, int, Cell]]] = field(default_factory=dict)
    """Cells typed on a table's sheet outside the table (a note beside it, a sum below it):
    sheet -> (row, column, cell). ``upgrade`` carries them over."""


# --------------------------------------------------------------------------- paths


def new_workbook_output(command: str, src: Path, dst: Path | Output) -> Output:
    """Where ``rollover``/``upgrade`` write: never over the input, never over an existing file
    (checked now, and again atomically when the file is moved into place)."""
    out = Output.command(command, dst).reading(src)
    out.check()
    return out


# --------------------------------------------------------------------------- reading


class _Cells:
    """Stored cells of a workbook, read once with openpyxl (read-only, so memory stays flat)
    from the bytes ``inputs.Package`` verified; cached values of formulas on demand."""

    def __init__(self, package: Package):
        self.raw = package.raw
        self.book = openpyxl.load_workbook(io.BytesIO(self.raw), read_only=True, data_only=False)
        self._cached = None
        self._values: dict[str, dict[tuple[int, int], Any]] = {}

    def rows(self, sheet: str, first: int, last: int,
             max_col: int | None = None) -> dict[int, list[Cell]]:  # fmt: skip
        """Rows ``first``..``last``; all columns up to the last stored cell when ``max_col`` is
        None (the sheet's stored dimension is not trusted)."""
        ws = self.book[sheet]
        if max_col is None:
            ws.reset_dimensions()
        out: dict[int, list[Cell]] = {}
        for r, row in enumerate(ws.iter_rows(min_row=first, max_row=last, max_col=max_col),
                                start=first):  # fmt: skip
            out[r] = [self._cell(sheet, r, c, cell) for c, cell in enumerate(row, start=1)]
        return out

    def cell(self, sheet: str, ref: str) -> Cell:
        ws = self.book[sheet]
        c = ws[ref]
        return self._cell(sheet, c.row, c.column, c)

    def _cell(self, sheet, row, col, cell) -> Cell:
        value = getattr(cell, "value", None)
        fmt = getattr(cell, "number_format", None) or GENERAL
        if getattr(cell, "data_type", None) == "f" and isinstance(value, str):
            value = self._cached_value(sheet, row, col, value)
        elif value is not None and not isinstance(value, (str, int, float, bool)) \
                and hasattr(value, "text"):  # fmt: skip
            value = self._cached_value(sheet, row, col, value)  # array/data-table formula
        return Cell(value, fmt)

    def _cached_value(self, sheet, row, col, formula):
        if self._cached is None:
            self._cached = openpyxl.load_workbook(io.BytesIO(self.raw), read_only=True,
                                                  data_only=True)  # fmt: skip
        if sheet not in self._values:  # one pass over the sheet, kept for its other formulas
            ws = self._cached[sheet]
            ws.reset_dimensions()
            self._values[sheet] = {(r, c): v for r, values in enumerate(
                ws.iter_rows(values_only=True), start=1) for c, v in enumerate(values, start=1)
                if v is not None}  # fmt: skip
        cached = self._values[sheet].get((row, col))
        return formula if cached is None and isinstance(formula, str) else cached

    @property
    def sheetnames(self) -> list[str]:
        """Worksheets only (a chart sheet holds no cells)."""
        return [name for name in self.book.sheetnames if hasattr(self.book[name], "iter_rows")]

    def used_cells(self, sheet: str) -> list[tuple[int, int, Cell]]:
        """(row, column, cell) of every non-empty cell of ``sheet``."""
        ws = self.book[sheet]
        ws.reset_dimensions()
        found = []
        for r, row in enumerate(ws.iter_rows(), start=1):
            for c, cell in enumerate(row, start=1):
                if getattr(cell, "value", None) is not None:
                    found.append((r, c, self._cell(sheet, r, c, cell)))
        return found

    def close(self) -> None:
        self.book.close()
        if self._cached is not None:
            self._cached.close()


class GridCells:
    """Cells of a workbook that has no file (the book open in xlwings Lite): each sheet's values
    as rows from A1, ``""`` or None for an empty cell. Values only: every cell's number format
    is General, so the new workbook shows the template's column formats. A formula arrives as
    the value Excel calculated, as from a file."""

    def __init__(self, sheetnames: list[str], grid: Callable[[str], list[list[Any]]]):
        self.sheetnames = list(sheetnames)
        self._grid = grid

    @staticmethod
    def _cell(value: Any) -> Cell:
        return Cell(None if value == "" else value)

    def rows(self, sheet: str, first: int, last: int,
             max_col: int | None = None) -> dict[int, list[Cell]]:  # fmt: skip
        grid = self._grid(sheet)
        return {r: [self._cell(v) for v in grid[r - 1][:max_col]]
                for r in range(first, min(last, len(grid)) + 1)}  # fmt: skip

    def cell(self, sheet: str, ref: str) -> Cell:
        col, row = coordinate_from_string(ref.replace("$", ""))
        grid = self._grid(sheet)
        c = column_index_from_string(col)
        return self._cell(grid[row - 1][c - 1] if row <= len(grid) and c <= len(grid[row - 1])
                          else None)  # fmt: skip

    def used_cells(self, sheet: str) -> list[tuple[int, int, Cell]]:
        return [(r, c, self._cell(v)) for r, row in enumerate(self._grid(sheet), start=1)
                for c, v in enumerate(row, start=1) if v is not None and v != ""]  # fmt: skip

    def close(self) -> None:
        pass


def read_source(path: Path, data: WorkbookData | None = None,
                package: Package | None = None) -> Source:  # fmt: skip
    """Every typed cell of ``path``: tables, Start cells and the coach's own sheets.
    ``package``: the file already opened and verified (``inputs.open_package``)."""
    path = Path(path)
    package = package or open_package(path)[0]
    data = data if data is not None else read_workbook(path, package)
    try:
        return source_from(_Cells(package), data)
    except (ValueError, KeyError) as exc:  # openpyxl meets a value Excel never writes
        raise WorkbookError(f"{path.name} är skadad och kan inte flyttas till en ny arbetsbok: "
                            f"ett cellvärde går inte att läsa ({exc}).", kind="corrupt",
                            path=path) from None  # fmt: skip


def source_from(cells: _Cells | GridCells, data: WorkbookData) -> Source:
    """Every typed cell in ``cells`` (a file's or a live book's), located through ``data``."""
    try:
        tables = {spec.key: _source_table(cells, data, spec) for spec in C.TABLES}
        settings = {}
        for nc in C.NAMED_CELLS:
            where = data.settings_cells.get(nc.name)
            if where and where[0] in cells.sheetnames:
                settings[nc.name] = cells.cell(*where)
        known = {norm_header(s) for s in (C.START_SHEET, C.LISTS_SHEET, *C.GENERATED_SHEETS)}
        known |= {norm_header(td.sheet) for td in data.tables.values()}
        known |= {norm_header(spec.sheet) for spec in C.TABLES}
        other = {name: cells.used_cells(name) for name in cells.sheetnames
                 if norm_header(name) not in known}  # fmt: skip
        loose = _loose_cells(cells, data, tables)
    finally:
        cells.close()
    return Source(data, tables, settings, other, loose)


def _loose_cells(cells: _Cells | GridCells, data: WorkbookData,
                 tables: dict[str, SourceTable]) -> dict[str, list[tuple[int, int, Cell]]]:  # fmt: skip
    """Cells on each table sheet outside every table's columns and rows (header to last row),
    outside the named cells too."""
    areas: dict[str, list[tuple[int, int, set[int]]]] = {}
    for spec in C.TABLES:
        td, st = data.tables.get(spec.key), tables.get(spec.key)
        if td is None or td.sheet not in cells.sheetnames:
            continue
        cols = {column_index_from_string(letter) for letter in td.letters.values()}
        if st is not None:
            cols |= set(st.extra_columns)
        last = max([td.header_row, *(int(r) for r in td.df.index)])
        areas.setdefault(td.sheet, []).append((td.header_row, last, cols))
    named = {(sheet, cell.replace("$", "")) for sheet, cell in data.settings_cells.values()}
    out = {}
    for sheet, spans in areas.items():
        found = [(r, c, cell) for r, c, cell in cells.used_cells(sheet)
                 if not any(top <= r <= bottom and c in cols for top, bottom, cols in spans)
                 and (sheet, f"{get_column_letter(c)}{r}") not in named]  # fmt: skip
        if found:
            out[sheet] = found
    return out


def _source_table(cells: _Cells | GridCells, data: WorkbookData, spec: C.Table) -> SourceTable:
    td = data.tables.get(spec.key)
    out = SourceTable(spec)
    if td is None or len(td.df) == 0 and not td.extra:
        return out
    if td.sheet not in cells.sheetnames:
        return out
    columns = {key: column_index_from_string(letter) for key, letter in td.letters.items()}
    rows = [int(r) for r in td.df.index]
    first = td.header_row
    last = max(rows) if rows else first
    extra_cols: list[tuple[str, int]] = []
    header_row = cells.rows(td.sheet, first, first)
    wanted = {norm_header(h): h for h in td.extra}
    for c, cell in enumerate(header_row.get(first, []), start=1):
        h = norm_header(cell.value)
        if h in wanted and c not in columns.values():
            extra_cols.append((str(cell.value), c))
            del wanted[h]
    max_col = max([*columns.values(), *(c for _, c in extra_cols), 1])
    grid = cells.rows(td.sheet, first, last, max_col)
    empty = Cell(None)
    for r in rows:
        row = grid.get(r, [])

        def at(c: int, row=row) -> Cell:
            return row[c - 1] if c - 1 < len(row) else empty

        out.rows.append({key: at(c) for key, c in columns.items()})
        out.row_numbers.append(r)
        out.extra_rows.append(tuple(at(c) for _, c in extra_cols))
    out.extra_headers = tuple(h for h, _ in extra_cols)
    out.extra_columns = tuple(c for _, c in extra_cols)
    return out


# --------------------------------------------------------------------------- writing


def new_workbook(source: Source, year, lite_address: str | None = None) -> openpyxl.Workbook:
    """A current-template workbook with the source's Start values and ``year``; its Start sheet
    gives xlwings Lite's lines for the region's ``lite_address`` when there is one."""
    s = source.settings

    def value(name):
        cell = s.get(name)
        return cell.value if cell else source.data.settings.get(name)

    return template.build_workbook(kommun=value("hc_kommun"), year=year,
                                   startdatum=value("hc_startdatum"),
                                   kontakt=value("hc_kontakt"),
                                   lite_address=lite_address)  # fmt: skip


def put_rows(wb: openpyxl.Workbook, spec: C.Table, rows: list[dict[str, Cell]],
             extra_headers: tuple[str, ...] = (),
             extra_rows: list[tuple[Cell, ...]] | None = None) -> None:  # fmt: skip
    """Append stored rows to ``spec``'s table with values and number formats; extra columns
    are added to the right of the table under their own headers."""
    ws = wb[spec.sheet]
    table = ws.tables[spec.name]
    if extra_headers:
        add_columns(ws, spec, extra_headers)
    if not rows:
        return
    last = template.fill_table(wb, spec, [{k: c.value for k, c in row.items()} for row in rows])
    first = last - len(rows) + 1
    min_col = range_boundaries(table.ref)[0]
    col_of = {key: min_col + i for i, key in enumerate(spec.keys)}
    for r, row in enumerate(rows, start=first):
        for key, cell in row.items():
            if cell.value is not None and cell.number_format not in (GENERAL, None):
                ws.cell(row=r, column=col_of[key]).number_format = cell.number_format
    if extra_headers and extra_rows:
        start = min_col + len(spec.keys)
        for r, extras in enumerate(extra_rows, start=first):
            for i, cell in enumerate(extras):
                _write(ws, r, start + i, cell)


def add_columns(ws, spec: C.Table, headers: tuple[str, ...]) -> None:
    """Grow ``spec``'s Excel table by columns with these headers (once each)."""
    table = ws.tables[spec.name]
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    present = {norm_header(ws.cell(row=min_row, column=c).value)
               for c in range(min_col, max_col + 1)}  # fmt: skip
    if not table.tableColumns:
        table._initialise_columns()
    for header in headers:
        if norm_header(header) in present:
            continue
        max_col += 1
        cell = cells.put(ws, min_row, max_col, header)
        cell.alignment = copy.copy(ws.cell(row=min_row, column=min_col).alignment)
        ws.column_dimensions[get_column_letter(max_col)].width = max(12, len(header) + 2)
        table.tableColumns.append(TableColumn(id=len(table.tableColumns) + 1, name=header))
        present.add(norm_header(header))
    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
    table.ref = ref
    if table.autoFilter is not None:
        table.autoFilter.ref = ref
    # Excel repairs a table whose column names differ from its header cells
    for col, column in zip(range(min_col, max_col + 1), table.tableColumns, strict=True):
        column.name = str(ws.cell(row=min_row, column=col).value)


def _write(ws, row: int, col: int, cell: Cell) -> None:
    if cell.value is None:
        return
    target = cells.put(ws, row, col, cell.value)
    if cell.number_format not in (GENERAL, None):
        target.number_format = cell.number_format


def merged_list(source_values: tuple[str, ...] | None, lst: C.ListDef) -> tuple[str, ...]:
    """The workbook's list as typed, then any value the current contract has that it lacks."""
    values = list(source_values or ())
    have = {v.casefold() for v in values}
    values += [v for v in lst.values if v.casefold() not in have]
    return tuple(values)


def put_lists(wb: openpyxl.Workbook, lists: dict[str, tuple[str, ...]]) -> None:
    """Write the workbook's own lists (with the hub's added values) onto sheet Listor."""
    ws = wb[C.LISTS_SHEET]
    for lst in C.LISTS:
        if lst.key not in lists:
            continue
        values = merged_list(lists[lst.key], lst)
        if values == lst.values:
            continue
        table = ws.tables[lst.table]
        col, header, _, last = range_boundaries(table.ref)
        for r in range(header + 1, last + 1):
            ws.cell(row=r, column=col).value = None
        for i, value in enumerate(values, start=1):
            cells.put(ws, header + i, col, value)
        letter = get_column_letter(col)
        table.ref = f"{letter}{header}:{letter}{header + max(len(values), 1)}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref


def put_loose_cells(wb: openpyxl.Workbook, loose: dict[str, list[tuple[int, int, Cell]]]) -> int:
    """Each loose cell at its old place when that is outside the new tables and empty, else
    a row (sheet, cell, value) on ``C.MOVED_CELLS_SHEET`` -- below the rows already there when
    an earlier upgrade made that sheet. Returns how many cells were carried over."""
    taken: dict[str, list[tuple[int, int, int, int]]] = {}
    for ws in wb.worksheets:
        taken[ws.title] = [range_boundaries(t.ref) for t in ws.tables.values()]
    moved: list[tuple[str, str, Cell]] = []
    n = 0
    for sheet, found in loose.items():
        ws = wb[sheet] if sheet in wb.sheetnames else None
        for r, c, cell in found:
            if cell.value is None:
                continue
            n += 1
            free = ws is not None and ws.cell(row=r, column=c).value is None and not any(
                c1 <= c <= c2 and r1 <= r <= r2 for c1, r1, c2, r2 in taken[sheet])
            if free:
                _write(ws, r, c, cell)
            else:
                moved.append((sheet, f"{get_column_letter(c)}{r}", cell))
    if moved:
        if C.MOVED_CELLS_SHEET in wb.sheetnames:  # copied along as one of the coach's sheets
            ws = wb[C.MOVED_CELLS_SHEET]
        else:
            ws = wb.create_sheet(C.MOVED_CELLS_SHEET)
            for col, header in enumerate(C.MOVED_CELLS_COLUMNS, start=1):
                cells.put(ws, 1, col, header)
        for r, (sheet, ref, cell) in enumerate(moved, start=ws.max_row + 1):
            cells.put(ws, r, 1, sheet)
            cells.put(ws, r, 2, ref)
            _write(ws, r, 3, cell)
    return n


def put_other_sheets(wb: openpyxl.Workbook, sheets: dict[str, list[tuple[int, int, Cell]]]) -> None:
    """The coach's own sheets, values and number formats, after the template's sheets."""
    for name, found in sheets.items():
        if name in wb.sheetnames:
            continue
        ws = wb.create_sheet(name)
        for r, c, cell in found:
            _write(ws, r, c, cell)


# --------------------------------------------------------------------------- upgrade


def upgrade(src: Path, dst: Path | Output, data: WorkbookData | None = None) -> Path:
    """Write ``dst``: the data of ``src`` (any readable template version) in the current
    template. Refuses to overwrite ``src`` or an existing ``dst``."""
    src = Path(src)
    out = new_workbook_output("upgrade", src, dst)
    package, _ = open_package(src)
    data = data if data is not None else read_workbook(src, package)
    source = read_source(src, data, package)
    year_cell = source.settings.get("hc_ar")
    wb = new_workbook(source, year_cell.value if year_cell else data.year)
    for spec in C.TABLES:
        t = source.tables[spec.key]
        put_rows(wb, spec, t.rows, t.extra_headers, t.extra_rows)
    put_lists(wb, data.lists)
    put_other_sheets(wb, source.other_sheets)
    put_loose_cells(wb, source.loose)
    return template.write_workbook(wb, out)
