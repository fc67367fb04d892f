"""Workbook file -> typed tables.

The file is opened and verified by ``inputs.Package`` (regular file, size, zip and XML checks);
the package's XML says where each table, named cell and list is; python-calamine reads the cell
values, each sheet within the limits ``sheet_scan.BoundedBook`` keeps (a stray cell far outside
the tables costs nothing, and its text is still seen by the checks). Tables are found by table name first, then by sheet name and header row;
headers match ignoring case and extra whitespace. Structural trouble raises one
``WorkbookError`` with a Swedish message; a bad value in a cell (text in a date column) is kept
as a ``Finding`` in ``WorkbookData.problems`` so every such cell can be reported at once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from halsocenter.core import contract as C
from halsocenter.core import region_config as RC
from halsocenter.core.a1 import column_letter, parse_cell, parse_sheet_cell, split_range
from halsocenter.core.messages import (
    expected,
    invalid_code,
    render,
    severity,
    where_cell,
    where_ref,
    where_setting,
)
from halsocenter.core.migrate import migration_for
from halsocenter.core.model import (
    Finding,
    FindingList,
    TableData,
    TextCell,
    TextCells,
    WorkbookData,
    grid_texts,
)
from halsocenter.core.parse import (
    ParseError,
    canonical_list_value,
    clean_text,
    is_blank,
    norm_header,
    parse_date,
    parse_int,
    parse_number,
)
from halsocenter.core.privacy import NUMBER_MIN
from halsocenter.core.sheetmarks import claim, generated_name, grid_cells
from halsocenter.core.swedish import whole
from halsocenter.errors import WorkbookError
from halsocenter.xlsx import package_texts, xltext
from halsocenter.xlsx.gc_pause import collector_paused
from halsocenter.xlsx.layout import Layout
from halsocenter.xlsx.sheet_scan import GAP_ROWS, BoundedBook, Positions, Region, grown

if TYPE_CHECKING:
    from halsocenter.xlsx.inputs import Package

HEADER_SCAN_ROWS = 10


# --------------------------------------------------------------------------- typing


def _convert(column: C.Column, value, allowed: tuple[str, ...] | None):
    if column.kind == "date":
        return parse_date(value)
    if column.kind == "int":
        return parse_int(value)
    if column.kind == "number":
        return parse_number(value)
    if column.kind == "list":
        return canonical_list_value(value, allowed or ())
    return clean_text(value)


def _typed_series(column: C.Column, values: Sequence[Any], rows: list[int], allowed,
                  sheet: str, letter: str | None, problems: list[Finding],
                  index: pd.Index) -> pd.Series:  # fmt: skip
    """Convert one column. Values repeat a lot (list values, dates, blanks), so each distinct
    value is parsed once; a value that fails is still reported at every cell that holds it."""
    converted = _distinct_converted(column, values, allowed)
    if converted is not None:
        parsed, reasons = converted
        out = list(map(parsed.__getitem__, values))  # one lookup per cell, in C
        failed = [(i, v) for i, v in enumerate(values) if v in reasons] if reasons else []
    else:  # unhashable or numbers of several types (1, 1.0 and True are one dict key)
        out, failed, reasons = [], [], {}
        for i, value in enumerate(values):
            try:
                out.append(_convert(column, value, allowed))
            except ParseError as exc:
                out.append(None)
                failed.append((i, value))
                reasons[i] = str(exc)
    room = problems.room() if isinstance(problems, FindingList) else len(failed)
    if len(failed) > room:  # a column full of bad cells: count the rest, build no message
        problems.omit(invalid_code(column.kind), "error", sheet, column.header,
                      len(failed) - room)  # fmt: skip
        failed = failed[:room]
    for i, value in failed:
        row = rows[i]
        reason = reasons[i] if converted is None else reasons[value]
        problems.append(Finding(
            code=invalid_code(column.kind), severity="error", sheet=sheet, row=row,
            column=column.header, cell=f"{letter}{row}" if letter else None, value=value,
            message=render(invalid_code(column.kind), where=where_cell(sheet, row, column.header),
                           reason=reason, expected=expected(column.kind)),
        ))  # fmt: skip
    if column.kind == "date":
        return pd.Series(pd.to_datetime(pd.Series(out, dtype="object")), dtype="datetime64[ns]").set_axis(index)
    if column.kind == "int":
        return pd.Series(out, index=index, dtype="Int64")
    if column.kind == "number":
        return pd.Series(out, index=index, dtype="Float64")
    return pd.Series(out, index=index, dtype="object")


_NUMBER_TYPES = frozenset((int, float, bool))


def _distinct_converted(column: C.Column, values: Sequence[Any], allowed
                        ) -> tuple[dict, dict] | None:  # fmt: skip
    """Each distinct value of a column parsed once: (value -> parsed, value -> why it failed),
    or None where values cannot be dict keys of their own (unhashable, or 1, 1.0 and True
    side by side, which a dict takes for one key)."""
    if len(set(map(type, values)) & _NUMBER_TYPES) > 1:
        return None
    try:
        distinct = dict.fromkeys(values)
    except TypeError:
        return None
    parsed: dict = {}
    reasons: dict = {}
    for value in distinct:
        try:
            parsed[value] = _convert(column, value, allowed)
        except ParseError as exc:
            parsed[value] = None
            reasons[value] = str(exc)
    return parsed, reasons


def build_table(spec: C.Table, records: list[list], rows: list[int], letters: dict[str, str],
                sheet: str, header_row: int, lists: Mapping[str, tuple[str, ...]] | None = None,
                extra: tuple[str, ...] = (), problems: list[Finding] | None = None,
                extra_values: Mapping[str, list] | None = None) -> TableData:  # fmt: skip
    """Type the raw rows of one table. ``records`` hold values in contract column order
    (``None`` for a column the workbook lacks); ``extra_values`` holds the cells of columns the
    contract does not know, kept under their header (e.g. more years' figures in Tidigare år)."""
    problems = problems if problems is not None else []
    lists = lists or {}
    index = pd.Index(rows, name="rad")  # built once: 50 columns of 50,000 rows share it
    raw = pd.DataFrame(records, columns=list(spec.keys), index=index, dtype="object")
    by_column = list(zip(*records, strict=True)) or [()] * len(spec.columns)  # the transpose, in C
    typed = {}
    for column, values in zip(spec.columns, by_column, strict=True):
        allowed = lists.get(column.list) or (C.LIST_BY_KEY[column.list].values if column.list else None)
        typed[column.key] = _typed_series(column, values, rows, allowed, sheet,
                                          letters.get(column.key), problems, index)
    for header, values in (extra_values or {}).items():
        if header not in typed:
            typed[header] = pd.Series([None if is_blank(v) else v for v in values],
                                      index=index, dtype="object")
    df = pd.DataFrame(typed, index=index)
    return TableData(spec, df, raw, dict(letters), sheet, header_row, extra)


def frame(spec: C.Table, rows: Iterable[Mapping[str, Any]], lists=None,
          problems: list[Finding] | None = None) -> TableData:  # fmt: skip
    """A TableData from hand-made rows keyed by column key, as if typed at row 2 onwards in
    contract column order. Used by tests and by the live-Excel adapter."""
    records = [[row.get(key) for key in spec.keys] for row in rows]
    letters = {key: column_letter(i + 1) for i, key in enumerate(spec.keys)}
    return build_table(spec, records, list(range(2, 2 + len(records))), letters, spec.sheet, 1,
                       lists, problems=problems)


def workbook_data(tables: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
                  settings: Mapping[str, Any] | None = None,
                  lists: Mapping[str, tuple[str, ...]] | None = None,
                  region: RC.Region = RC.DEFAULT) -> WorkbookData:  # fmt: skip
    """A WorkbookData from plain rows (of a workbook of ``region``); missing tables are
    empty."""
    problems: list[Finding] = []
    tables = tables or {}
    lists = dict(lists or {})
    built = {spec.key: frame(spec, tables.get(spec.key, ()), lists, problems)
             for spec in region.tables}  # fmt: skip
    settings = {"hc_mallversion": C.TEMPLATE_VERSION, **(settings or {})}
    cells = {nc.name: (C.START_SHEET, nc.cell) for nc in C.NAMED_CELLS}
    return WorkbookData(tables=built, settings=dict(settings), settings_raw=dict(settings),
                        settings_cells=cells, lists=lists, problems=problems,
                        sheet_names=tuple(t.sheet for t in C.TABLES), region=region)  # fmt: skip


# --------------------------------------------------------------------------- reading


class _Grid:
    """Cell values of one sheet (python-calamine's grid, or the live-Excel adapter's), 1-based
    access, read lazily per sheet, with its text cells. Text a file cannot hold is cleaned here,
    once, so tables and the checks that look at every cell see the same values."""

    def __init__(self, book, sheet: str, problems: list[Finding]):
        self.rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        self.texts = grid_texts(self.rows)
        if xltext.suspect(self.texts):  # rare: clean the grid itself, with a warning per cell
            cells = TextCells()
            cells.add_grid(sheet, self.rows, self.texts)
            clean_texts(list(cells), problems, self.rows)
            self.texts = grid_texts(self.rows)

    def value(self, row: int, col: int):
        if row - 1 < len(self.rows) and col - 1 < len(self.rows[row - 1]):
            v = self.rows[row - 1][col - 1]
            return None if v == "" else v
        return None


def clean_texts(texts: list[TextCell], problems: list[Finding],
                rows: list[list] | None = None) -> list[TextCell]:  # fmt: skip
    """``texts`` with characters no file may hold dropped and text cut at Excel's limit (also
    in ``rows``, the grid they came from, so a grid holds only clean text afterwards), a
    warning per cell where that happened."""
    if not xltext.suspect([t.value for t in texts]):
        return texts
    out = []
    for sheet, r, c, value in texts:
        cleaned, dropped, cut = xltext.clean(value)
        if cleaned != value:
            if rows is not None:
                rows[r - 1][c - 1] = cleaned
            cell = f"{column_letter(c)}{r}"
            for code, happened in (("text_not_xml", dropped), ("text_too_long", cut)):
                if happened and isinstance(problems, FindingList) and not problems.room():
                    problems.omit(code, severity(code), sheet, None)
                elif happened:
                    problems.append(Finding(
                        code=code, severity=severity(code), sheet=sheet, row=r, column=None,
                        cell=cell, value=None, message=render(
                            code, where=where_ref(sheet, cell),
                            length=whole(len(value)))))  # fmt: skip
        if cleaned:
            out.append(TextCell(sheet, r, c, cleaned))
    return out


def read_workbook(path: str | Path, package: Package | None = None) -> WorkbookData:
    """Read a coach workbook. Raises WorkbookError when it cannot be used at all. ``package``
    is the file already opened and verified (``open_package``), if the caller has it.

    The file opener (lxml) and python-calamine are imported here, where a file is read: the
    reader of the workbook open in Excel (``live.read``) uses ``parse_workbook`` only."""
    from halsocenter.xlsx.inputs import as_workbook_error, open_package

    path = Path(path)
    with as_workbook_error(path):
        package, layout = open_package(path, package)
        book = BoundedBook(package, layout.sheet_parts, area=_area(layout))
        with collector_paused():  # check --json on the bench's big workbook: 11 % faster
            return parse_workbook(path, layout, book)


def _area(layout: Layout):
    """The regions of each sheet the reader uses (``sheet_scan.BoundedBook`` gives python-calamine
    only these when a sheet is too big to take whole): its tables and the rows typed below them,
    the named cells, and the header rows of a table sheet whose table object is missing."""
    table_sheets = {norm_header(t.sheet) for t in C.TABLES} | {norm_header(C.LISTS_SHEET)}
    start = _find_sheet(layout, C.START_SHEET)

    def area(sheet: str, positions: Positions) -> list[Region]:
        regions = {Region(*split_range(ref), grows=True)
                   for tsheet, ref in layout.tables.values() if tsheet == sheet}  # fmt: skip
        if not regions and norm_header(sheet) in table_sheets:
            last = positions.last_col_in(1, HEADER_SCAN_ROWS)
            if last:
                regions.add(Region(1, 1, last, HEADER_SCAN_ROWS, grows=True))
        for loc in [_named_cell(layout, nc, start) for nc in C.NAMED_CELLS] + [
                _region_cell(layout)]:
            if loc and loc[0] == sheet:
                c, r = loc[1]
                regions.add(Region(c, r, c, r))
        return grown(sorted(regions, key=lambda g: (g.r1, g.c1)), positions)

    return area


def _named_cell(layout: Layout, nc: C.NamedCell, start: str | None
                ) -> tuple[str, tuple[int, int]] | None:  # fmt: skip
    """(sheet, (column, row)) of a named cell: its defined name, else its place on Start."""
    ref = layout.defined_names.get(nc.name.casefold())
    loc = parse_sheet_cell(ref) if ref else None
    if loc is None and start:
        loc = (start, nc.cell)
    if not loc or loc[0] not in layout.sheet_parts:
        return None
    return loc[0], parse_cell(loc[1])


def _region_cell(layout: Layout) -> tuple[str, tuple[int, int]] | None:
    """(sheet, (column, row)) of ``contract.REGION_CELL``, by its defined name only (a workbook
    without the name belongs to the built-in region)."""
    ref = layout.defined_names.get(C.REGION_CELL.name.casefold())
    loc = parse_sheet_cell(ref) if ref else None
    if loc is None or loc[0] not in layout.sheet_parts:
        return None
    return loc[0], parse_cell(loc[1])


def _read_region(path: Path, layout: Layout, grid) -> RC.Region:
    """The region the workbook carries (``contract.REGION_CELL``), else the built-in one. A
    name that leads nowhere, or text that is not a region's configuration, makes the workbook
    unusable: its tables cannot be read without knowing the region."""
    if C.REGION_CELL.name.casefold() not in layout.defined_names:
        return RC.DEFAULT
    loc = _region_cell(layout)
    where = f"{path.name}, fliken {C.REGION_SHEET}"
    if loc is None:
        raise WorkbookError(
            f"{where}: regionens inställningar (namnet {C.REGION_CELL.name}) saknas, så "
            "arbetsboken kan inte läsas. Har fliken tagits bort? Be regionen om en ny arbetsbok "
            "från mallen och flytta in uppgifterna.", kind="region_invalid", path=path)
    sheet, (col, row) = loc
    text = grid(sheet).value(row, col)
    try:
        return RC.parse(text, f"{path.name}, fliken {sheet}, cell {column_letter(col)}{row}")
    except RC.RegionError as exc:
        raise WorkbookError(f"{exc.message} Regionens inställningar i arbetsboken ska inte "
                            "ändras; be regionen om en ny arbetsbok från mallen.",
                            kind="region_invalid", sheet=sheet, path=path) from None


def _find_sheet(layout: Layout, name: str) -> str | None:
    for sheet in layout.sheet_order:
        if norm_header(sheet) == norm_header(name):
            return sheet
    return None


def parse_workbook(path: Path, layout, book) -> WorkbookData:
    """Parse a workbook from its layout (sheet order, sheet parts, tables, defined names — a
    ``Layout``) and a cell source with ``get_sheet_by_name(name).to_python()`` and
    ``error_cells(sheet)`` (a ``sheet_scan.BoundedBook`` over the file, or the live-Excel
    adapter's stand-in), so file and Excel read alike."""
    grids: dict[str, _Grid] = {}
    problems = FindingList()

    def grid(sheet: str) -> _Grid:
        if sheet not in grids:
            grids[sheet] = _Grid(book, sheet, problems)
        return grids[sheet]

    settings_raw, settings_cells = {}, {}
    start = _find_sheet(layout, C.START_SHEET)
    for nc in C.NAMED_CELLS:
        loc = _named_cell(layout, nc, start)
        if loc:
            sheet, (col, row) = loc
            settings_cells[nc.name] = (sheet, f"{column_letter(col)}{row}")
            settings_raw[nc.name] = grid(sheet).value(row, col)
    known_tables = {t.name.casefold() for t in C.TABLES}
    if settings_raw.get("hc_mallversion") is None and not (known_tables & set(layout.tables)):
        raise WorkbookError(
            f"{path.name} följer inte Hälsocenter-mallen (fliken {C.START_SHEET} och tabellerna saknas). "
            "Skapa en ny arbetsbok med mallen och flytta in uppgifterna.", kind="not_template",
            path=path)

    version = _version(path, settings_raw.get("hc_mallversion"))
    migration = migration_for(version)
    region = _read_region(path, layout, grid)

    lists = _read_lists(layout, grid)
    settings = _type_settings(settings_raw, settings_cells, lists, problems)

    outside = getattr(book, "outside", {})
    tables = {}
    for spec in region.tables:
        tables[spec.key] = _read_table(path, layout, grid, spec, lists, migration, problems,
                                       outside)  # fmt: skip

    texts, numbers = _collect_texts(layout, book, grid, outside, problems)
    return WorkbookData(tables=tables, settings=settings, settings_raw=settings_raw,
                        settings_cells=settings_cells, lists=lists, version=version,
                        problems=problems, texts=texts, numbers=numbers,
                        package_texts=package_texts.collect(layout), path=path,
                        sheet_names=tuple(layout.sheet_order), region=region,
                        sheet_claims=_claims(layout, book, grid, outside))  # fmt: skip


def _claims(layout, book, grid, outside: Mapping[str, list]) -> list:
    """A ``sheetmarks.SheetClaim`` for every sheet named like a generated sheet: its mark (a
    sheet-level defined name) and the digest of every value in it, far cells and Excel's error
    values included."""
    pc = sys.modules.get("python_calamine")  # loaded when a file is read; Excel's grid is not
    unreadable = (pc.CalamineError, pc.WorksheetNotFound) if pc else ()
    out = []
    local = getattr(layout, "local_names", {})
    for sheet in layout.sheet_order:
        if generated_name(sheet) is None:
            continue
        cells = []
        if sheet in layout.sheet_parts:
            try:
                cells = grid_cells(grid(sheet).rows)
            except unreadable:  # a chart sheet in a file: no values
                cells = []
            cells += [(r, c, v) for r, c, v in outside.get(sheet, ())]
            cells += [(r, c, err) for r, c, err in book.error_cells(sheet)]
        out.append(claim(sheet, local.get(sheet, {}), cells))
    return out


def _version(path: Path, raw) -> int:
    try:
        version = parse_int(raw)
    except ParseError:
        version = None
    if version is None:
        raise WorkbookError(
            f"{path.name}: mallversionen (cellen hc_mallversion på fliken {C.START_SHEET}) saknas "
            "eller är ogiltig. Arbetsboken kan inte kontrolleras.", kind="not_template", path=path)
    if version > C.TEMPLATE_VERSION:
        raise WorkbookError(
            f"{path.name} är gjord med en nyare mall (version {version}) än programmet kan läsa "
            f"(version {C.TEMPLATE_VERSION}). Uppdatera Hälsocenter-tillägget.",
            kind="newer_template", path=path)
    if version < C.TEMPLATE_VERSION and migration_for(version) is None:
        raise WorkbookError(
            f"{path.name} är gjord med en gammal mall (version {version}) som inte kan läsas. "
            "Flytta uppgifterna till en ny arbetsbok från mallen.", kind="old_template", path=path)
    return version


def _type_settings(raw, cells, lists, problems) -> dict[str, Any]:
    out = {}
    for nc in C.NAMED_CELLS:
        value = raw.get(nc.name)
        sheet, cell = cells.get(nc.name, (C.START_SHEET, nc.cell))
        column = C.Column(nc.name, nc.label, nc.kind, list=nc.list)
        allowed = lists.get(nc.list) if nc.list else None
        try:
            out[nc.name] = _convert(column, value, allowed)
        except ParseError as exc:
            out[nc.name] = None
            row = int(re.sub(r"\D", "", cell))
            problems.append(Finding(
                code=invalid_code(nc.kind), severity="error", sheet=sheet, row=row,
                column=nc.label, cell=cell, value=value,
                message=render(invalid_code(nc.kind), where=where_setting(sheet, cell, nc.label),
                               reason=exc, expected=expected(nc.kind))))
    return out


def _read_lists(layout: Layout, grid) -> dict[str, tuple[str, ...]]:
    lists = {}
    for lst in C.LISTS:
        where = layout.tables.get(lst.table.casefold())
        if not where:
            continue
        sheet, ref = where
        c1, r1, _, r2 = split_range(ref)
        g = grid(sheet)
        values, row = [], r1 + 1
        while True:
            v = g.value(row, c1)
            if v is None and row > r2:
                break
            if v is not None:
                text = clean_text(v)
                if text:
                    values.append(text)
            row += 1
            if row > len(g.rows) + 1:
                break
        lists[lst.key] = tuple(dict.fromkeys(values))
    return lists


def _locate_table(layout: Layout, grid, spec: C.Table
                  ) -> tuple[str, int, int, int, int, int | None] | None:  # fmt: skip
    """(sheet, header_row, first_col, last_col, table_end, last_data_row) by table name, else by
    sheet + header row. ``last_data_row`` is None (rows typed below the table's end count, until
    ``GAP_ROWS`` empty rows in a row) unless the table has a totals row, whose sums are not
    data."""
    name = spec.name.casefold()
    where = layout.tables.get(name)
    if where:
        sheet, ref = where
        c1, r1, c2, r2 = split_range(ref)
        totals = layout.totals_rows.get(name, 0)
        return sheet, r1, c1, c2, r2, (r2 - totals if totals else None)
    sheet = _find_sheet(layout, spec.sheet)
    if sheet is None:
        return None
    wanted = {norm_header(h) for h in spec.headers}
    g = grid(sheet)
    best = None
    for r in range(1, min(HEADER_SCAN_ROWS, len(g.rows)) + 1):
        row = g.rows[r - 1]
        hits = [i for i, v in enumerate(row) if norm_header(v) in wanted]
        if hits and (best is None or len(hits) > best[1]):
            best = (r, len(hits), min(hits) + 1, max(i for i, v in enumerate(row) if v != "") + 1)
    if best is None:
        return sheet, 1, 1, len(spec.columns), 1, None
    return sheet, best[0], best[2], best[3], best[0], None


def _read_table(path, layout, grid, spec: C.Table, lists, migration, problems,
                outside: Mapping[str, list] | None = None) -> TableData:  # fmt: skip
    loc = _locate_table(layout, grid, spec)
    if loc is None:
        if spec.key in C.REQUIRED_TABLES:
            raise WorkbookError(
                f"Fliken ”{spec.sheet}” (tabellen {spec.name}) saknas i {path.name}. Har fliken "
                f"bytt namn? Döp tillbaka den till ”{spec.sheet}”.", kind="missing_sheet",
                sheet=spec.sheet, path=path)
        return frame(spec, ())
    sheet, header_row, c1, c2, end, last_data_row = loc
    g = grid(sheet)
    headers = [g.value(header_row, c) for c in range(c1, c2 + 1)]
    normed = [norm_header(h) for h in headers]
    renamed = {norm_header(old): norm_header(new) for old, new in
               (migration.renamed.get(spec.key, {}).items() if migration else ())}
    index = {}
    for offset, h in enumerate(normed):
        h = renamed.get(h, h)
        if h and h not in index:
            index[h] = c1 + offset
    letters, cols = {}, []
    allowed_missing = set(migration.added.get(spec.key, ())) if migration else set()
    for column in spec.columns:
        col = index.get(norm_header(column.header))
        if col is None and column.header not in allowed_missing:
            raise WorkbookError(
                f"Kolumnen ”{column.header}” saknas i tabellen på fliken ”{sheet}” i {path.name}. "
                f"Lägg tillbaka kolumnen med exakt den rubriken.", kind="missing_column",
                sheet=sheet, column=column.header, path=path)
        cols.append(col)
        if col is not None:
            letters[column.key] = column_letter(col)
    known = {norm_header(c.header) for c in spec.columns} | set(renamed)  # old names too
    extra_cols = {str(h).strip(): c1 + i for i, (h, n) in enumerate(zip(headers, normed, strict=True))
                  if n and n not in known}  # fmt: skip
    extra = tuple(extra_cols)
    extra_values: dict[str, list] = {h: [] for h in extra_cols}
    records, rows = [], []
    last = len(g.rows) if last_data_row is None else min(len(g.rows), last_data_row)
    cut = None
    pick, width = _picker(cols)
    for r in range(header_row + 1, last + 1):
        if r - end > GAP_ROWS:
            cut = r
            break
        row = g.rows[r - 1]
        values = pick(row) if len(row) >= width else [
            row[c - 1] if c is not None and c - 1 < len(row) else None for c in cols]
        for v in values:  # blank unless some cell holds more than spaces
            if v != "" and v is not None and not (v.__class__ is str and not v.strip()):
                break
        else:
            continue
        values = [None if v == "" else v for v in values]
        end = max(end, r)
        records.append(values)
        rows.append(r)
        for header, c in extra_cols.items():
            v = row[c - 1] if c - 1 < len(row) else None
            extra_values[header].append(None if v == "" else v)
    below = [(r, c) for r in range(cut or last + 1, last + 1) for c in range(c1, c2 + 1)
             if not is_blank(g.value(r, c))]  # fmt: skip
    below += [(r, c) for r, c, v in (outside or {}).get(sheet, ())
              if c1 <= c <= c2 and r > end and not is_blank(v)]  # fmt: skip
    if below:
        problems.append(_stray_below(sheet, min(below), len(below), spec, c1, index))
    return build_table(spec, records, rows, letters, sheet, header_row, lists, extra, problems,
                       extra_values)


def _picker(cols: list[int | None]) -> tuple[Callable[[list], Sequence], int]:
    """A C-level getter of the table's cells from one grid row, in contract column order, and
    the row length it needs; the slow path is left for short rows and missing columns."""
    if len(cols) < 2 or None in cols:
        return (lambda row: ()), 1 << 62  # never long enough: the general path always
    return itemgetter(*(c - 1 for c in cols)), max(cols)


def _stray_below(sheet: str, first: tuple[int, int], count: int, spec: C.Table, c1: int,
                 index: dict[str, int]) -> Finding:  # fmt: skip
    """One warning per table for the cells far below it (the first one, and how many)."""
    row, col = first
    header = next((c.header for c in spec.columns if index.get(norm_header(c.header)) == col),
                  None)  # fmt: skip
    cell = f"{column_letter(col)}{row}"
    more = f" (inte heller {count - 1} celler till längre ned)" if count > 1 else ""
    where = where_cell(sheet, row, header) if header else where_ref(sheet, cell)
    return Finding(code="stray_below_table", severity=severity("stray_below_table"), sheet=sheet,
                   row=row, column=header, cell=cell, value=None,
                   message=render("stray_below_table", where=where, gap=whole(GAP_ROWS),
                                  more=more))  # fmt: skip


def _collect_texts(layout: Layout, book, grid, outside: Mapping[str, list],
                   problems: list[Finding]) -> tuple[TextCells, list[TextCell]]:  # fmt: skip
    """Every text cell and error value in every sheet, and every number cell that could be an
    identity number, including the cells kept out of the grid because they lie far outside the
    area the reader uses. Generated sheets too: a hand-made sheet may carry one of their
    names."""
    texts, numbers = TextCells(), []
    make, flt, it = TextCell._make, float, int
    low, high = -NUMBER_MIN, NUMBER_MIN
    for sheet in layout.sheet_order:
        if sheet not in layout.sheet_parts:
            continue
        try:
            g = grid(sheet)
        except book.sheet_errors:  # chart sheets and the like
            continue
        texts.add_grid(sheet, g.rows, g.texts)
        for r, row in enumerate(g.rows, start=1):
            kinds = set(map(type, row))
            if flt in kinds or it in kinds:  # most rows hold no number at all
                numbers.extend([make((sheet, r, c, v)) for c, v in enumerate(row, start=1)
                                if (v.__class__ is flt or v.__class__ is it)
                                and not low < v < high])  # fmt: skip
        far = outside.get(sheet, ())
        texts.add_cells(clean_texts([TextCell(sheet, r, c, v) for r, c, v in far
                                     if v.__class__ is str and v], problems))  # fmt: skip
        numbers.extend(TextCell(sheet, r, c, v) for r, c, v in far
                       if (v.__class__ is flt or v.__class__ is it) and not low < v < high)
        texts.add_cells(TextCell(sheet, r, c, err) for r, c, err in book.error_cells(sheet))
    return texts, numbers
