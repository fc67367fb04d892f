"""Move a workbook's data into a fresh workbook built from the current template.

``upgrade`` brings a workbook made with an older template version (read through its
``contract.Migration``) into the current layout; ``rollover`` uses the same machinery to start
next year's workbook. What a person typed is copied as it is stored in the file — the value and
its number format — never retyped through the parsers, so a date, a count or a comment comes out
identical. Columns the current template added stay empty; columns a coach added to a table
(unknown headers) follow along to the right of the table; the workbook's own lists, including
values the hub added, are kept; sheets the coach added are copied (values and number formats).
The program's own generated sheets are not copied: they are rebuilt from the data. A sheet that
only has such a name (a coach's own ``kontroll``, or the program's sheet typed into since) is
the coach's and is copied like any other sheet of hers (``core.sheetmarks``).

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
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import TableColumn

from halsocenter.atomic import Output
from halsocenter.core import contract as C
from halsocenter.core.model import WorkbookData
from halsocenter.core.parse import norm_header
from halsocenter.core.region_config import DEFAULT, Region
from halsocenter.core.swedish import count
from halsocenter.errors import WorkbookError
from halsocenter.xlsx import cells, template
from halsocenter.xlsx.hidden_texts import CellLink, cell_links
from halsocenter.xlsx.inputs import Package, open_package
from halsocenter.xlsx.layout import Layout
from halsocenter.xlsx.package_texts import CellNote, cell_notes
from halsocenter.xlsx.read import read_workbook
from halsocenter.xlsx.style import COLOR_LINK, HEADER_FILL, HEADER_FONT, Font, page_setup
from halsocenter.xlsx.textfit import LINE_PT, row_height

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
    notes: list[CellNote] = field(default_factory=list)
    """Notes and comment threads on cells (a saved file's; none from a live book)."""
    links: list[CellLink] = field(default_factory=list)
    """Hyperlinks on cells (a saved file's; none from a live book)."""


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
        source = source_from(_Cells(package), data)
        layout = Layout(package)
        source.notes = cell_notes(package, layout)
        source.links = cell_links(package, layout)
        return source
    except (ValueError, KeyError) as exc:  # openpyxl meets a value Excel never writes
        raise WorkbookError(f"{path.name} är skadad och kan inte flyttas till en ny arbetsbok: "
                            f"ett cellvärde går inte att läsa ({exc}).", kind="corrupt",
                            path=path) from None  # fmt: skip


def source_from(cells: _Cells | GridCells, data: WorkbookData) -> Source:
    """Every typed cell in ``cells`` (a file's or a live book's), located through ``data``."""
    try:
        tables = {spec.key: _source_table(cells, data, spec) for spec in data.region.tables}
        settings = {}
        for nc in C.NAMED_CELLS:
            where = data.settings_cells.get(nc.name)
            if where and where[0] in cells.sheetnames:
                settings[nc.name] = cells.cell(*where)
        known = {norm_header(s) for s in (C.START_SHEET, C.LISTS_SHEET, C.REGION_SHEET)}
        # the program's own generated sheets are rebuilt, not copied; a coach's sheet that only
        # has such a name (or the program's sheet changed since) is hers, and comes along
        known |= {norm_header(c.sheet) for c in data.sheet_claims if c.ours}
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
    and on the Start sheet, outside the named cells. ``upgrade`` leaves out what the new
    template already says (``_new_to_it``)."""
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
    start = next((s for s in cells.sheetnames if norm_header(s) == norm_header(C.START_SHEET)),
                 None)  # fmt: skip
    if start is not None and start not in areas:  # the Start sheet: everything but its settings
        areas[start] = []
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
    """A current-template workbook of the source's region with its Start values and ``year``;
    its Start sheet gives xlwings Lite's lines for the region's ``lite_address`` when there is
    one."""
    s = source.settings

    def value(name):
        cell = s.get(name)
        return cell.value if cell else source.data.settings.get(name)

    return template.build_workbook(kommun=value("hc_kommun"), year=year,
                                   startdatum=value("hc_startdatum"),
                                   kontakt=value("hc_kontakt"),
                                   region=source.data.region,
                                   lite_address=lite_address)  # fmt: skip


@dataclass(frozen=True)
class Placed:
    """Where ``put_rows`` put a table: its header row, its first new row and the column of each
    contract column and each extra column (in the order of the extra headers)."""

    header_row: int
    first_row: int
    columns: dict[str, int]
    extra_columns: tuple[int, ...]


def put_rows(wb: openpyxl.Workbook, spec: C.Table, rows: list[dict[str, Cell]],
             extra_headers: tuple[str, ...] = (),
             extra_rows: list[tuple[Cell, ...]] | None = None) -> Placed:  # fmt: skip
    """Append stored rows to ``spec``'s table with values and number formats; extra columns
    are added to the right of the table under their own headers. Returns where they went."""
    ws = wb[spec.sheet]
    table = ws.tables[spec.name]
    if extra_headers:
        add_columns(ws, spec, extra_headers)
    min_col, header_row = range_boundaries(table.ref)[:2]
    col_of = {key: min_col + i for i, key in enumerate(spec.keys)}
    by_header = {norm_header(ws.cell(row=header_row, column=c).value): c
                 for c in range(min_col, range_boundaries(table.ref)[2] + 1)}  # fmt: skip
    extras = tuple(by_header.get(norm_header(h), min_col + len(spec.keys) + i)
                   for i, h in enumerate(extra_headers))  # fmt: skip
    if not rows:
        return Placed(header_row, header_row + 1, col_of, extras)
    last = template.fill_table(wb, spec, [{k: c.value for k, c in row.items()} for row in rows])
    first = last - len(rows) + 1
    for r, row in enumerate(rows, start=first):
        for key, cell in row.items():
            if cell.value is not None and cell.number_format not in (GENERAL, None):
                ws.cell(row=r, column=col_of[key]).number_format = cell.number_format
    if extra_headers and extra_rows:
        for r, values in enumerate(extra_rows, start=first):
            for cell, col in zip(values, extras, strict=False):
                _write(ws, r, col, cell)
    return Placed(header_row, first, col_of, extras)


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
    """The workbook's list as typed, then any value the current contract (for the workbook's
    region) has that it lacks."""
    values = list(source_values or ())
    have = {v.casefold() for v in values}
    values += [v for v in lst.values if v.casefold() not in have]
    return tuple(values)


def put_lists(wb: openpyxl.Workbook, lists: dict[str, tuple[str, ...]],
              region: Region = DEFAULT) -> None:  # fmt: skip
    """Write the workbook's own lists (with the hub's added values) onto sheet Listor, which
    the template built for ``region``."""
    ws = wb[C.LISTS_SHEET]
    for lst in region.lists:
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


MOVED_WIDTHS = (16, 8, 30, 50, 40)
"""Column widths of ``C.MOVED_CELLS_SHEET``: Flik, Cell, Värde, Anteckning, Länk."""


@dataclass
class Moved:
    """A row of ``C.MOVED_CELLS_SHEET``: what had no place in the new workbook, by its old
    sheet and cell -- a value, a note, a link, or several of them."""

    sheet: str
    ref: str
    value: Cell | None = None
    note: CellNote | None = None
    link: CellLink | None = None


def place_loose_cells(wb: openpyxl.Workbook, loose: dict[str, list[tuple[int, int, Cell]]],
                      moved: dict[tuple[str, str], Moved]) -> dict[tuple[str, str], str]:  # fmt: skip
    """Each loose cell at its old place when that is outside the new tables and empty, else
    into ``moved``. Returns (sheet, cell) -> the cell it kept on that sheet."""
    taken = _table_areas(wb)
    placed: dict[tuple[str, str], str] = {}
    for sheet, found in loose.items():
        ws = wb[sheet] if sheet in wb.sheetnames else None
        for r, c, cell in found:
            if cell.value is None:
                continue
            ref = f"{get_column_letter(c)}{r}"
            if ws is not None and _free(ws, taken, r, c):
                _write(ws, r, c, cell)
                placed[sheet, ref] = ref
            else:
                moved.setdefault((sheet, ref), Moved(sheet, ref)).value = cell
    return placed


def _table_areas(wb: openpyxl.Workbook) -> dict[str, list[tuple[int, int, int, int]]]:
    return {ws.title: [range_boundaries(t.ref) for t in ws.tables.values()]
            for ws in wb.worksheets}  # fmt: skip


def _free(ws, taken, r: int, c: int) -> bool:
    return ws.cell(row=r, column=c).value is None and not any(
        c1 <= c <= c2 and r1 <= r <= r2 for c1, r1, c2, r2 in taken.get(ws.title, ()))


def put_loose_cells(wb: openpyxl.Workbook, loose: dict[str, list[tuple[int, int, Cell]]]) -> int:
    """The loose cells at their old places, or listed on ``C.MOVED_CELLS_SHEET``; returns how
    many cells were carried over."""
    moved: dict[tuple[str, str], Moved] = {}
    placed = place_loose_cells(wb, loose, moved)
    write_moved(wb, list(moved.values()))
    return len(placed) + len(moved)


def write_moved(wb: openpyxl.Workbook, moved: list[Moved]) -> None:
    """The rows of ``C.MOVED_CELLS_SHEET`` (sheet, cell, value, note, link) -- below the rows
    already there when an earlier upgrade made that sheet. A link is a working link there."""
    if not moved:
        return
    new = C.MOVED_CELLS_SHEET not in wb.sheetnames  # else copied along as the coach's sheet
    ws = wb.create_sheet(C.MOVED_CELLS_SHEET) if new else wb[C.MOVED_CELLS_SHEET]
    for col, (header, width) in enumerate(zip(C.MOVED_CELLS_COLUMNS, MOVED_WIDTHS, strict=True),
                                          start=1):  # fmt: skip
        if ws.cell(row=1, column=col).value is None:
            head = cells.put(ws, 1, col, header)
            head.font, head.fill = HEADER_FONT, HEADER_FILL
        if new or ws.column_dimensions[get_column_letter(col)].width is None:
            ws.column_dimensions[get_column_letter(col)].width = width
    if new:
        ws.freeze_panes = "A2"
        page_setup(ws, header_left="Hälsocenter", header_right=C.MOVED_CELLS_SHEET,
                   title_rows="1:1")  # fmt: skip
    top = Alignment(vertical="top", wrap_text=True)
    for r, m in enumerate(moved, start=ws.max_row + 1):
        cells.put(ws, r, 1, m.sheet).alignment = top
        cells.put(ws, r, 2, m.ref).alignment = top
        if m.value is not None:
            _write(ws, r, 3, m.value)
        if m.note is not None:
            who = f"{m.note.author}: " if m.note.author else ""
            cells.put(ws, r, 4, who + m.note.text).alignment = top
        if m.link is not None:
            target = cells.put(ws, r, 5, m.link.address)
            target.alignment = top
            target.font = Font(color=COLOR_LINK, underline="single")
            _link(target, m.link)
        values = [ws.cell(row=r, column=c).value for c in range(1, len(MOVED_WIDTHS) + 1)]
        height = row_height(zip(values, MOVED_WIDTHS, strict=True))
        if height > LINE_PT:
            ws.row_dimensions[r].height = height


def _link(cell, link: CellLink) -> None:
    """Give an openpyxl cell (holding a value) the hyperlink ``link``."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, target=link.target, location=link.location,
                               tooltip=link.tooltip, display=link.display)  # fmt: skip


def put_other_sheets(wb: openpyxl.Workbook, sheets: dict[str, list[tuple[int, int, Cell]]]) -> None:
    """The coach's own sheets, values and number formats, after the template's sheets."""
    for name, found in sheets.items():
        if name in wb.sheetnames:
            continue
        ws = wb.create_sheet(name)
        for r, c, cell in found:
            _write(ws, r, c, cell)


# --------------------------------------------------------------------------- upgrade


def upgrade(src: Path, dst: Path | Output, data: WorkbookData | None = None,
            moved_lines: list[str] | None = None) -> Path:  # fmt: skip
    """Write ``dst``: the data of ``src`` (any readable template version) in the current
    template, with every note, comment and hyperlink at its cell's new place, or listed on
    ``C.MOVED_CELLS_SHEET``. Refuses to overwrite ``src`` or an existing ``dst``.
    ``moved_lines``, when given, receives Swedish lines saying what moved where."""
    src = Path(src)
    out = new_workbook_output("upgrade", src, dst)
    package, _ = open_package(src)
    data = data if data is not None else read_workbook(src, package)
    source = read_source(src, data, package)
    year_cell = source.settings.get("hc_ar")
    wb = new_workbook(source, year_cell.value if year_cell else data.year)
    places: dict[tuple[str, str], tuple[str, str]] = {}
    for spec in data.region.tables:
        t = source.tables[spec.key]
        placed = put_rows(wb, spec, t.rows, t.extra_headers, t.extra_rows)
        td = data.tables.get(spec.key)
        if td is not None and td.letters:
            places.update(_table_places(td, t, spec.sheet, placed))
    for nc in C.NAMED_CELLS:
        where = data.settings_cells.get(nc.name)
        if where:
            places[where[0], where[1].replace("$", "")] = (C.START_SHEET, nc.cell)
    put_lists(wb, data.lists, data.region)
    put_other_sheets(wb, source.other_sheets)
    for name, found in source.other_sheets.items():
        places.update({(name, f"{get_column_letter(c)}{r}"): (name, f"{get_column_letter(c)}{r}")
                       for r, c, _ in found})  # fmt: skip
    moved: dict[tuple[str, str], Moved] = {}
    loose = {sheet: [(r, c, cell) for r, c, cell in found if _new_to_it(wb, sheet, r, c, cell)]
             for sheet, found in source.loose.items()}  # fmt: skip
    for (sheet, ref), kept in place_loose_cells(wb, loose, moved).items():
        places[sheet, ref] = (sheet, kept)
    notes, links = _put_notes_and_links(wb, source, places, moved)
    write_moved(wb, list(moved.values()))
    if moved_lines is not None:
        moved_lines.extend(_what_moved(notes, links, list(moved.values())))
    return template.write_workbook(wb, out)


_LABELS = {norm_header(nc.label) for nc in C.NAMED_CELLS}


def _new_to_it(wb: openpyxl.Workbook, sheet: str, r: int, c: int, cell: Cell) -> bool:
    """Whether a loose cell says something the new workbook does not: not the Start sheet's
    title, not a setting's label in its first column, not the text the template already has
    at that very cell."""
    if norm_header(sheet) == norm_header(C.START_SHEET) and (
            (r, c) == (1, 1) or c == 1 and norm_header(cell.value) in _LABELS):  # fmt: skip
        return False
    same = wb[sheet].cell(row=r, column=c).value if sheet in wb.sheetnames else None
    return same is None or same != cell.value


def _table_places(td, t: SourceTable, sheet: str, placed: Placed
                  ) -> dict[tuple[str, str], tuple[str, str]]:  # fmt: skip
    """Old (sheet, cell) -> new (sheet, cell) for a table's header and rows."""
    out = {}
    columns = {key: column_index_from_string(letter) for key, letter in td.letters.items()
               if key in placed.columns}  # fmt: skip
    pairs = [(c, placed.columns[key]) for key, c in columns.items()]
    pairs += list(zip(t.extra_columns, placed.extra_columns, strict=False))
    rows = [(td.header_row, placed.header_row)]
    rows += [(r, placed.first_row + n) for n, r in enumerate(t.row_numbers)]
    for old_row, new_row in rows:
        for old_col, new_col in pairs:
            out[td.sheet, f"{get_column_letter(old_col)}{old_row}"] = (
                sheet, f"{get_column_letter(new_col)}{new_row}")
    return out


def _put_notes_and_links(wb: openpyxl.Workbook, source: Source,
                         places: dict[tuple[str, str], tuple[str, str]],
                         moved: dict[tuple[str, str], Moved]) -> tuple[int, int]:  # fmt: skip
    """Each note where its cell went (or at the same cell when that is free in the new
    workbook), each link on the cell its value went to; the rest into ``moved``. Returns how
    many notes and links found a cell."""
    taken = _table_areas(wb)
    notes = links = 0
    for note in source.notes:
        where = places.get((note.sheet, note.cell))
        if where is None and note.sheet in wb.sheetnames:
            col, row = coordinate_from_string(note.cell)
            if _free(wb[note.sheet], taken, row, column_index_from_string(col)):
                where = (note.sheet, note.cell)
        target = wb[where[0]][where[1]] if where else None
        if target is None or target.comment is not None:
            moved.setdefault((note.sheet, note.cell), Moved(note.sheet, note.cell)).note = note
            continue
        target.comment = Comment(note.text, note.author or "")
        notes += 1
    for link in source.links:
        where = places.get((link.sheet, link.cell))
        target = wb[where[0]][where[1]] if where else None
        if target is None or target.value is None or target.hyperlink is not None:
            moved.setdefault((link.sheet, link.cell), Moved(link.sheet, link.cell)).link = link
            continue
        _link(target, link)
        links += 1
    return notes, links


MOVED_SHOWN = 5


def _what_moved(notes: int, links: int, moved: list[Moved]) -> list[str]:
    """What ``upgrade`` says about what it carried and moved (Swedish)."""
    lines = []
    if notes or links:
        lines.append("Följde med till sina celler: "
                     f"{count(notes, 'anteckning eller kommentar', 'anteckningar eller kommentarer')}"
                     f", {count(links, 'länk', 'länkar')}.")
    if moved:
        def what(m: Moved) -> str:
            kinds = [w for w, x in (("värde", m.value), ("anteckning", m.note), ("länk", m.link))
                     if x is not None]  # fmt: skip
            return f"{m.sheet}!{m.ref} ({', '.join(kinds)})"

        shown = ", ".join(what(m) for m in moved[:MOVED_SHOWN])
        more = f" och {len(moved) - MOVED_SHOWN} till" if len(moved) > MOVED_SHOWN else ""
        lines.append(f"På fliken {C.MOVED_CELLS_SHEET} står {count(len(moved), 'sak', 'saker')} "
                     f"som inte fick plats där de stod: {shown}{more}.")
    return lines
