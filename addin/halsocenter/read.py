"""Workbook file -> typed tables.

Fast path: the package's XML says where each table, named cell and list is; python-calamine
reads the cell values. Tables are found by table name first, then by sheet name and header row;
headers match ignoring case and extra whitespace. Structural trouble raises one
``WorkbookError`` with a Swedish message; a bad value in a cell (text in a date column) is kept
as a ``Finding`` in ``WorkbookData.problems`` so every such cell can be reported at once.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd
import python_calamine as pc
from openpyxl.utils import column_index_from_string, get_column_letter

from . import contract as C
from . import package_texts
from .errors import WorkbookError
from .gc_pause import collector_paused
from .layout import Layout, split_ref
from .messages import where_cell, where_setting
from .migrate import migration_for
from .model import Finding, TableData, TextCell, WorkbookData
from .parse import (
    ParseError,
    canonical_list_value,
    clean_text,
    is_blank,
    norm_header,
    parse_date,
    parse_int,
    parse_number,
)
from .privacy import NUMBER_MIN

HEADER_SCAN_ROWS = 10
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!")  # fmt: skip


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


_KIND_WORD = {"date": "ett datum", "int": "ett heltal", "number": "ett tal"}
_MISSING = object()


def _typed_series(column: C.Column, values: list, rows: list[int], allowed, sheet: str,
                  letter: str | None, problems: list[Finding]) -> pd.Series:  # fmt: skip
    """Convert one column. Values repeat a lot (list values, dates, blanks), so each distinct
    value is parsed once; a value that fails is still reported at every cell that holds it."""
    out = []
    cache: dict = {}
    failed: dict = {}
    for value, row in zip(values, rows, strict=True):
        key = (value.__class__, value)  # 1, 1.0 and True must not share an entry
        try:
            hit = cache.get(key, _MISSING)
        except TypeError:  # unhashable: parse directly
            key, hit = None, _MISSING
        if hit is not _MISSING:
            out.append(hit)
            continue
        reason = failed.get(key) if key is not None else None
        if reason is None:
            try:
                converted = _convert(column, value, allowed)
            except ParseError as exc:
                reason = str(exc)
                if key is not None:
                    failed[key] = reason
            else:
                if key is not None:
                    cache[key] = converted
                out.append(converted)
                continue
        out.append(None)
        problems.append(Finding(
            code=f"ogiltigt_{column.kind}", severity="error", sheet=sheet, row=row,
            column=column.header, cell=f"{letter}{row}" if letter else None, value=value,
            message=f"{where_cell(sheet, row, column.header)}: {reason}. Cellen ska innehålla "
                    f"{_KIND_WORD.get(column.kind, 'ett värde')}.",
        ))  # fmt: skip
    index = pd.Index(rows, name="rad")
    if column.kind == "date":
        return pd.Series(pd.to_datetime(pd.Series(out, dtype="object")), dtype="datetime64[ns]").set_axis(index)
    if column.kind == "int":
        return pd.Series(out, index=index, dtype="Int64")
    if column.kind == "number":
        return pd.Series(out, index=index, dtype="Float64")
    return pd.Series(out, index=index, dtype="object")


def build_table(spec: C.Table, records: list[list], rows: list[int], letters: dict[str, str],
                sheet: str, header_row: int, lists: Mapping[str, tuple[str, ...]] | None = None,
                extra: tuple[str, ...] = (), problems: list[Finding] | None = None,
                extra_values: Mapping[str, list] | None = None) -> TableData:  # fmt: skip
    """Type the raw rows of one table. ``records`` hold values in contract column order
    (``None`` for a column the workbook lacks); ``extra_values`` holds the cells of columns the
    contract does not know, kept under their header (e.g. more years' figures in Tidigare år)."""
    problems = problems if problems is not None else []
    lists = lists or {}
    raw = pd.DataFrame(records, columns=list(spec.keys), index=pd.Index(rows, name="rad"), dtype="object")
    typed = {}
    for i, column in enumerate(spec.columns):
        allowed = lists.get(column.list) or (C.LIST_BY_KEY[column.list].values if column.list else None)
        values = [rec[i] for rec in records]
        typed[column.key] = _typed_series(column, values, rows, allowed, sheet,
                                          letters.get(column.key), problems)
    for header, values in (extra_values or {}).items():
        if header not in typed:
            typed[header] = pd.Series([None if is_blank(v) else v for v in values],
                                      index=pd.Index(rows, name="rad"), dtype="object")
    df = pd.DataFrame(typed, index=pd.Index(rows, name="rad"))
    return TableData(spec, df, raw, dict(letters), sheet, header_row, extra)


def norm_names(series: pd.Series) -> pd.Series:
    """Names typed by hand (Aktivitet, Löpnummer, Deltagar-ID) as keys that ignore case and
    spacing; None for a blank. Each distinct name is folded once."""
    codes, uniques = pd.factorize(series.astype("object"), use_na_sentinel=True)
    keys = [norm_header(u) or None for u in uniques] + [None]  # code -1 (blank) -> None
    return pd.Series(pd.Index(keys, dtype="object")[codes].to_numpy(), index=series.index,
                     dtype="object")  # fmt: skip


def frame(spec: C.Table, rows: Iterable[Mapping[str, Any]], lists=None,
          problems: list[Finding] | None = None) -> TableData:  # fmt: skip
    """A TableData from hand-made rows keyed by column key, as if typed at row 2 onwards in
    contract column order. Used by tests and by the live-Excel adapter."""
    records = [[row.get(key) for key in spec.keys] for row in rows]
    letters = {key: get_column_letter(i + 1) for i, key in enumerate(spec.keys)}
    return build_table(spec, records, list(range(2, 2 + len(records))), letters, spec.sheet, 1,
                       lists, problems=problems)


def workbook_data(tables: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
                  settings: Mapping[str, Any] | None = None,
                  lists: Mapping[str, tuple[str, ...]] | None = None) -> WorkbookData:  # fmt: skip
    """A WorkbookData from plain rows; missing tables are empty."""
    problems: list[Finding] = []
    tables = tables or {}
    lists = dict(lists or {})
    built = {spec.key: frame(spec, tables.get(spec.key, ()), lists, problems) for spec in C.TABLES}
    settings = {"hc_mallversion": C.TEMPLATE_VERSION, **(settings or {})}
    cells = {nc.name: (C.START_SHEET, nc.cell) for nc in C.NAMED_CELLS}
    return WorkbookData(tables=built, settings=dict(settings), settings_raw=dict(settings),
                        settings_cells=cells, lists=lists, problems=problems,
                        sheet_names=tuple(t.sheet for t in C.TABLES))  # fmt: skip


def _parse_cell_ref(text: str) -> tuple[str, str] | None:
    m = re.fullmatch(r"=?'?(.+?)'?!\$?([A-Z]+)\$?(\d+)", text.strip())
    return (m[1].replace("''", "'"), f"{m[2]}{m[3]}") if m else None


# --------------------------------------------------------------------------- reading


def _open_checks(path: Path) -> None:
    if not path.exists():
        raise WorkbookError(f"Filen {path} finns inte.", kind="not_found", path=path)
    if path.is_dir():
        raise WorkbookError(f"{path} är en mapp, inte en arbetsbok.", kind="not_workbook", path=path)
    with path.open("rb") as fh:
        head = fh.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            fh.seek(0)
            body = fh.read(1 << 20)
            if "EncryptionInfo".encode("utf-16-le") in body:
                raise WorkbookError(
                    f"{path.name} är lösenordsskyddad. Ta bort lösenordet i Excel (Arkiv > Info > "
                    "Skydda arbetsbok) och försök igen.", kind="password", path=path)
            raise WorkbookError(
                f"{path.name} är i det gamla .xls-formatet. Spara den som Excel-arbetsbok (.xlsx).",
                kind="not_workbook", path=path)
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise WorkbookError(f"{path.name} är skadad eller ofullständig (trasig zip-fil).",
                                kind="corrupt", path=path)
        raise WorkbookError(f"{path.name} är ingen Excel-arbetsbok (.xlsx).", kind="not_workbook",
                            path=path)


class _Grid:
    """Cell values of one sheet from calamine, 1-based access, read lazily per sheet."""

    def __init__(self, book: pc.CalamineWorkbook, sheet: str):
        self.rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)

    def value(self, row: int, col: int):
        if row - 1 < len(self.rows) and col - 1 < len(self.rows[row - 1]):
            v = self.rows[row - 1][col - 1]
            return None if v == "" else v
        return None


def read_workbook(path: str | Path, book: pc.CalamineWorkbook | None = None) -> WorkbookData:
    """Read a coach workbook. Raises WorkbookError when it cannot be used at all. ``book`` is the
    file already opened by python-calamine, if the caller has it."""
    path = Path(path)
    _open_checks(path)
    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                raise WorkbookError(f"{path.name} är ingen Excel-arbetsbok (.xlsx).",
                                    kind="not_workbook", path=path)
            layout = Layout(zf)
            book = book or pc.CalamineWorkbook.from_path(str(path))
            with collector_paused():
                return parse_workbook(path, layout, book)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, ET.ParseError, pc.CalamineError, KeyError, EOFError, OSError,
            pc.XmlError, pc.ZipError) as exc:  # fmt: skip
        raise WorkbookError(f"{path.name} är skadad och kan inte läsas ({type(exc).__name__}).",
                            kind="corrupt", path=path) from exc


def _find_sheet(layout: Layout, name: str) -> str | None:
    for sheet in layout.sheet_order:
        if norm_header(sheet) == norm_header(name):
            return sheet
    return None


def parse_workbook(path: Path, layout, book) -> WorkbookData:
    """Parse a workbook from its layout (sheet order, sheet parts, tables, defined names, error
    cells — a ``Layout``) and a cell source with ``get_sheet_by_name(name).to_python()`` (a
    calamine book, or the live-Excel adapter's stand-in), so file and Excel read alike."""
    grids: dict[str, _Grid] = {}

    def grid(sheet: str) -> _Grid:
        if sheet not in grids:
            grids[sheet] = _Grid(book, sheet)
        return grids[sheet]

    settings_raw, settings_cells = {}, {}
    start = _find_sheet(layout, C.START_SHEET)
    for nc in C.NAMED_CELLS:
        ref = layout.defined_names.get(nc.name.casefold())
        loc = _parse_cell_ref(ref) if ref else None
        if loc is None and start:
            loc = (start, nc.cell)
        if loc and loc[0] in layout.sheet_parts:
            settings_cells[nc.name] = loc
            col = "".join(ch for ch in loc[1] if ch.isalpha())
            settings_raw[nc.name] = grid(loc[0]).value(int(loc[1][len(col):]),
                                                         column_index_from_string(col))
    known_tables = {t.name.casefold() for t in C.TABLES}
    if settings_raw.get("hc_mallversion") is None and not (known_tables & set(layout.tables)):
        raise WorkbookError(
            f"{path.name} följer inte Hälsocenter-mallen (fliken {C.START_SHEET} och tabellerna saknas). "
            "Skapa en ny arbetsbok med mallen och flytta in uppgifterna.", kind="not_template",
            path=path)

    version = _version(path, settings_raw.get("hc_mallversion"))
    migration = migration_for(version)
    problems: list[Finding] = []

    lists = _read_lists(layout, grid)
    settings = _type_settings(settings_raw, settings_cells, lists, problems)

    tables = {}
    for spec in C.TABLES:
        tables[spec.key] = _read_table(path, layout, grid, spec, lists, migration, problems)

    texts, numbers = _collect_texts(layout, book, grid)
    return WorkbookData(tables=tables, settings=settings, settings_raw=settings_raw,
                        settings_cells=settings_cells, lists=lists, version=version,
                        problems=problems, texts=texts, numbers=numbers,
                        package_texts=package_texts.collect(layout), path=path,
                        sheet_names=tuple(layout.sheet_order))  # fmt: skip


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
                code=f"ogiltigt_{nc.kind}", severity="error", sheet=sheet, row=row, column=nc.label,
                cell=cell, value=value, message=f"{where_setting(sheet, cell, nc.label)}: {exc}."))
    return out


def _read_lists(layout: Layout, grid) -> dict[str, tuple[str, ...]]:
    lists = {}
    for lst in C.LISTS:
        where = layout.tables.get(lst.table.casefold())
        if not where:
            continue
        sheet, ref = where
        c1, r1, _, r2 = split_ref(ref)
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
                  ) -> tuple[str, int, int, int, int | None] | None:  # fmt: skip
    """(sheet, header_row, first_col, last_col, last_data_row) by table name, else by sheet +
    header row. ``last_data_row`` is None (read to the end of the sheet, so rows typed just
    below a table count) unless the table has a totals row, whose sums are not data."""
    name = spec.name.casefold()
    where = layout.tables.get(name)
    if where:
        sheet, ref = where
        c1, r1, c2, r2 = split_ref(ref)
        totals = layout.totals_rows.get(name, 0)
        return sheet, r1, c1, c2, (r2 - totals if totals else None)
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
        return sheet, 1, 1, len(spec.columns), None
    return sheet, best[0], best[2], best[3], None


def _read_table(path, layout, grid, spec: C.Table, lists, migration, problems) -> TableData:
    loc = _locate_table(layout, grid, spec)
    if loc is None:
        if spec.key in C.REQUIRED_TABLES:
            raise WorkbookError(
                f"Fliken ”{spec.sheet}” (tabellen {spec.name}) saknas i {path.name}. Har fliken "
                f"bytt namn? Döp tillbaka den till ”{spec.sheet}”.", kind="missing_sheet",
                sheet=spec.sheet, path=path)
        return frame(spec, ())
    sheet, header_row, c1, c2, last_data_row = loc
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
            letters[column.key] = get_column_letter(col)
    known = {norm_header(c.header) for c in spec.columns} | set(renamed)  # old names too
    extra_cols = {str(h).strip(): c1 + i for i, (h, n) in enumerate(zip(headers, normed, strict=True))
                  if n and n not in known}  # fmt: skip
    extra = tuple(extra_cols)
    extra_values: dict[str, list] = {h: [] for h in extra_cols}
    records, rows = [], []
    last = len(g.rows) if last_data_row is None else min(len(g.rows), last_data_row)
    for r in range(header_row + 1, last + 1):
        row = g.rows[r - 1]
        values = [row[c - 1] if c is not None and c - 1 < len(row) else None for c in cols]
        values = [None if v == "" else v for v in values]
        if not any(v is not None and not (v.__class__ is str and not v.strip()) for v in values):
            continue
        records.append(values)
        rows.append(r)
        for header, c in extra_cols.items():
            v = row[c - 1] if c - 1 < len(row) else None
            extra_values[header].append(None if v == "" else v)
    return build_table(spec, records, rows, letters, sheet, header_row, lists, extra, problems,
                       extra_values)


def _collect_texts(layout: Layout, book, grid) -> tuple[list[TextCell], list[TextCell]]:
    """Every text cell and error value in every sheet, and every number cell that could be an
    identity number. Generated sheets too: a hand-made sheet may carry one of their names."""
    texts, numbers = [], []
    make, text, flt, it = TextCell._make, str, float, int
    low, high = -NUMBER_MIN, NUMBER_MIN
    for sheet in layout.sheet_order:
        if sheet not in layout.sheet_parts:
            continue
        try:
            rows = grid(sheet).rows
        except (pc.CalamineError, pc.WorksheetNotFound):  # chart sheets and the like
            continue
        for r, row in enumerate(rows, start=1):
            texts.extend([make((sheet, r, c, v)) for c, v in enumerate(row, start=1)
                          if v.__class__ is text and v])  # fmt: skip
            kinds = set(map(type, row))
            if flt in kinds or it in kinds:  # most rows hold no number at all
                numbers.extend([make((sheet, r, c, v)) for c, v in enumerate(row, start=1)
                                if (v.__class__ is flt or v.__class__ is it)
                                and not low < v < high])  # fmt: skip
        for r, c, err in layout.error_cells(sheet):
            texts.append(TextCell(sheet, r, c, err))
    return texts, numbers
