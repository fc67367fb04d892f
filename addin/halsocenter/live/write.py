"""Writing the generated sheets into the workbook that is open in Excel, for every host.

Only the generated sheets (``C.GENERATED_SHEETS``) are touched, and only the program's own: a
sheet with a generated sheet's name is replaced only when it carries the program's mark and is
unchanged since (``core.sheetmarks``); a coach's sheet of that name, or ours after someone typed
in it, stops the button before anything is written. Each sheet is deleted and recreated, then
filled block by block with one ``range.value = rows`` per block (content from ``sheets.content``,
so the live sheet shows what the file writer writes) and a fixed number of formatting calls per
block, and marked with the digest of the values it was given. Nothing a person typed is ever
written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

import xlwings as xw

from halsocenter.core import contract as C
from halsocenter.core import sheetmarks
from halsocenter.core.a1 import column_letter, split_range
from halsocenter.core.analysis import Analysis, Status
from halsocenter.core.model import Finding
from halsocenter.core.parse import norm_header
from halsocenter.sheets import content as S
from halsocenter.sheets import kontroll as K
from halsocenter.xlsx import cells
from halsocenter.xlsx import style as X

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


class _Written(dict):
    """What a writer put in one sheet, (row, column) -> the value Excel will give back (text
    without the ``'`` that keeps it text, a link's shown text): the mark's digest is taken over
    it, as a reader later takes it over what it reads."""

    def block(self, top: int, left: int, rows: Sequence[Sequence[Any]]) -> None:
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None or v == "":
                    self.pop((top + i, left + j), None)
                else:
                    self[top + i, left + j] = v


def _put(sheet, top: int, left: int, rows: list[list[Any]], width: int | None,
         written: _Written) -> None:  # fmt: skip
    """One bulk write of ``rows`` at (top, left), recorded in ``written``."""
    sheet.range((top, left)).value = _grid(rows, width)
    written.block(top, left, rows)


def _mark(sheet, name: str, written: _Written) -> None:
    """The sheet's mark: a sheet-level name holding the digest of what was written (hidden in
    desktop Excel; Excel on the web has no hidden names, there it is only out of the way)."""
    digest = sheetmarks.sheet_digest((r, c, v) for (r, c), v in written.items())
    added = sheet.names.add(sheetmarks.MARK_NAME,
                            sheetmarks.mark_formula(sheetmarks.KINDS[name], digest))  # fmt: skip
    _optional(lambda: setattr(added.api, "Visible", False))


def _fresh_sheet(book: xw.Book, name: str, claims: Sequence[sheetmarks.SheetClaim] = ()
                 ) -> xw.Sheet:  # fmt: skip
    """An empty generated sheet: the program's own earlier one (``claims``: marked and
    unchanged) is deleted and recreated in the same place, a new one goes last (as the file
    writer places it). Any other sheet of that name stops the writer (``write_generated``
    checks first, so nothing is written when one does)."""
    ours = {c.sheet for c in claims if c.ours}
    same = [s for s in book.sheets if norm_header(s.name) == norm_header(name)]
    if any(s.name not in ours for s in same):
        raise sheetmarks.SheetsInTheWay([c for c in claims if c.sheet in {s.name for s in same}
                                         and not c.ours] or [sheetmarks.SheetClaim(
                                             same[0].name, name, False, False)])  # fmt: skip
    existing = same[0] if same else None
    if existing is None:
        return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    position = existing.index  # 1-based
    existing.delete()
    if position == 1:
        return book.sheets.add(name, before=book.sheets[0])
    return book.sheets.add(name, after=book.sheets[position - 2])


def _header_style(rng) -> None:
    rng.font.bold = True
    rng.font.color = _rgb(X.COLOR_HEADER_TEXT)
    rng.color = _rgb(X.COLOR_DARK)


def _set_widths(book: xw.Book, sheet, widths: dict[int, float]) -> None:
    cols = sorted(widths)
    for first, last, width in _runs([widths[c] for c in cols]):
        a, b = column_letter(cols[first]), column_letter(cols[last])
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


def _write_banner(sheet, b: S.Block, written: _Written) -> None:
    """The preliminary banner: one merged row, dark red on light red, linking to Kontroll
    (a HYPERLINK formula, as Kontroll's own links); the mark records the text Excel shows."""
    last = b.left + b.width - 1
    row = sheet.range((b.first_row, b.left), (b.first_row, last))
    sheet.range((b.first_row, b.left)).value = hyperlink_formula(b.link, b.rows[0][0])
    written.block(b.first_row, b.left, [[b.rows[0][0]]])
    row.color = _rgb(X.COLOR_ERROR)
    row.font.bold = True
    row.font.color = _rgb(X.COLOR_ERROR_TEXT)
    _optional(lambda: setattr(row, "row_height", b.row_heights.get(0, S.BANNER_HEIGHT_PT)))
    _optional(row.merge)


def _write_block(sheet, b: S.Block, written: _Written) -> None:
    if b.kind == "banner":
        _write_banner(sheet, b, written)
        return
    width = b.width
    rows = ([[b.title]] if b.title else []) + [list(r) for r in b.rows]
    _put(sheet, b.top, b.left, rows, width, written)
    if b.title:
        title = sheet.range((b.top, b.left))
        title.font.bold = True
        title.font.color = _rgb(X.COLOR_DARK)
    first = sheet.range((b.first_row, b.left))
    if b.kind in ("title", "heading"):
        first.font.bold = True
        first.font.size = 18 if b.kind == "title" else 16
        return
    if b.kind in ("subtitle", "text", "note"):
        first.font.italic = True
        return
    if b.header_rows:
        _header_style(sheet.range((b.first_row, b.left),
                                  (b.first_row + b.header_rows - 1, b.left + width - 1)))  # fmt: skip
    for i in b.group_rows:
        group = sheet.range((b.first_row + i, b.left), (b.first_row + i, b.left + width - 1))
        group.font.bold = True
        group.color = _rgb(X.COLOR_GROUP)
    for i in b.total_rows:
        sheet.range((b.first_row + i, b.left), (b.first_row + i, b.left + width - 1)).font.bold = True
    data = list(range(b.header_rows, len(b.rows)))
    if b.wrap and not b.spans and data:  # long labels wrap onto a taller row, never shrink
        sheet.range((b.first_row + data[0], b.left),
                    (b.first_row + data[-1], b.left)).wrap_text = True  # fmt: skip
        for i in data:
            if i in b.row_heights:
                _optional(functools.partial(setattr, sheet.range((b.first_row + i, b.left)),
                                            "row_height", b.row_heights[i]))  # fmt: skip
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
    c1, r1, c2, r2 = split_range(spec.cells)
    cat_col, cat_first, _, cat_last = split_range(spec.categories)
    cols = [split_range(values)[0] for _, values in spec.series]
    header_row = split_range(spec.series[0][0])[1]
    source = sheet.range((header_row, min(cols)), (cat_last, max(cols)))
    width = sum(_points(S.COLUMN_WIDTHS.get(c, 9.0)) for c in range(c1, c2 + 1))
    height = (r2 - r1 + 1) * S.ROW_HEIGHT_PT
    chart = sheet.charts.add(chart_type="column_clustered" if spec.kind == "col" else
                             "bar_clustered", anchor=sheet.range((r1, c1)), width=width,
                             height=height)  # fmt: skip
    chart.set_source_data(source, plot_by="columns")
    chart.set_x_axis_values(sheet.range((cat_first, cat_col), (cat_last, cat_col)))
    chart.title = spec.title
    _optional(functools.partial(_set_alt_text, book, chart, spec))


def _set_alt_text(book: xw.Book, chart, spec: S.ChartSpec) -> None:
    """The chart's alternative text, where the host has an API for it.

    Desktop Excel on Windows: xlwings' ``chart.api`` is (ChartObject, Chart), and the chart
    object's shape carries ``AlternativeText`` and ``Title`` (Excel's "Alternativ text" pane).
    Office.js (Excel on the web, xlwings Lite, the remote engine) has no alternative text for
    charts and xlwings offers none on the Mac, so there the chart keeps only its title; the
    numbers are in the tables the chart reads, on the same sheet."""
    if _is_remote(book) or not isinstance(chart.api, tuple):
        raise NotImplementedError("Diagrammets alternativtext kan inte sättas här.")
    shape = chart.api[0].ShapeRange
    shape.AlternativeText = spec.description
    shape.Title = spec.title


def write_summary_sheet(book: xw.Book, summary, created: datetime | None = None,
                        status: Status | None = None,
                        claims: Sequence[sheetmarks.SheetClaim] = ()) -> xw.Sheet:  # fmt: skip
    layout = S.summary_blocks(summary, created, status)
    sheet = _fresh_sheet(book, C.SUMMARY_SHEET, claims)
    written = _Written()
    for b in layout.blocks:
        _write_block(sheet, b, written)
    _set_widths(book, sheet, S.COLUMN_WIDTHS)
    for spec in layout.charts:
        _optional(functools.partial(_add_chart, sheet, book, spec))
    _optional(lambda: setattr(sheet.page_setup, "print_area", layout.print_area))
    _optional(lambda: setattr(sheet, "show_gridlines", False))
    print_setup(book, sheet, breaks=layout.page_breaks, header_left=layout.header_left,
                header_right=layout.header_right)  # fmt: skip
    _mark(sheet, C.SUMMARY_SHEET, written)
    return sheet


XL_LANDSCAPE = 2
XL_PAPER_A4 = 9


def print_setup(book: xw.Book, sheet, *, breaks: Sequence[int] = (), title_row: int | None = None,
                header_left: str = "", header_right: str = "") -> None:  # fmt: skip
    """The file writer's printout (``xlsx.style.page_setup``) on a live sheet where Excel lets a
    program set it -- desktop Excel for Windows, through the sheet's PageSetup: landscape A4 one
    page wide, the list's headings on every page, the page breaks, header and footer.
    Office.js (Excel on the web, xlwings Lite) and xlwings on the Mac have no page setup, so
    there the sheet prints with Excel's defaults and the print area alone."""
    if _is_remote(book):
        return
    api = sheet.api
    setup = getattr(api, "PageSetup", None)
    if setup is None:
        return
    steps = {"PaperSize": XL_PAPER_A4, "Orientation": XL_LANDSCAPE, "Zoom": False,
             "FitToPagesWide": 1, "FitToPagesTall": False,
             "LeftHeader": header_left.replace("&", "&&"),
             "RightHeader": header_right.replace("&", "&&"), "LeftFooter": "&A",
             "RightFooter": "Sida &P av &N"}  # fmt: skip
    if title_row:
        steps["PrintTitleRows"] = f"${title_row}:${title_row}"
    for name, value in steps.items():
        _optional(functools.partial(setattr, setup, name, value))
    for row in breaks:  # a break after ``row``: before the row below it
        _optional(lambda r=row: api.HPageBreaks.Add(sheet.range(f"A{r + 1}").api))


def hyperlink_formula(location: str | None, text: Any) -> Any:
    """An internal link as a formula (English function name, comma separator, as xlwings
    writes formulas); the plain text where there is nothing to link to."""
    if not location:
        return cell_value(text)
    quoted = location.replace('"', '""')
    shown = str(text if text is not None else location).replace('"', '""')
    return f'=HYPERLINK("#{quoted}","{shown}")'


def write_kontroll_sheet(book: xw.Book, findings: list[Finding], summary,
                         sheet_names: Sequence[str] = (),
                         claims: Sequence[sheetmarks.SheetClaim] = ()) -> xw.Sheet:  # fmt: skip
    """``kontroll.kontroll_layout`` on a live sheet: one bulk write per block, and formatting
    per block, per severity and per group of findings -- never per finding, so a systematic
    mistake in 20,000 rows costs the round trips of one in 20."""
    layout = K.kontroll_layout(findings, sheet_names, kommun=summary.kommun, year=summary.year)
    sheet = _fresh_sheet(book, C.CHECK_SHEET, claims)
    written = _Written()
    ncols = len(K.WIDTHS)
    for block in layout.blocks:
        tabular = block.name in ("summary", "findings")
        _put(sheet, block.top, 1, [list(r.values) for r in block.rows],
             ncols if tabular else None, written)  # fmt: skip
    title = sheet.range("A1")
    title.font.bold = True
    title.font.size = 16
    head = layout.block("head")
    counts = sum(row.kind == "count" for row in head.rows)
    sheet.range((head.top, 1), (head.top + counts - 1, 1)).font.bold = True
    for r, row in enumerate(head.rows, head.top):
        if row.kind == "count" and row.values[1] and row.severity in S.KONTROLL_FILLS:
            sheet.range((r, 1), (r, 2)).color = _rgb(S.KONTROLL_FILLS[row.severity])
    sheet.range((head.top + counts, 1), (head.bottom, 1)).font.italic = True
    for name in ("summary", "findings"):
        _kontroll_table(sheet, layout.block(name), ncols, written)
    _set_widths(book, sheet, dict(enumerate(K.WIDTHS, start=1)))
    _optional(lambda: setattr(sheet.page_setup, "print_area", layout.print_area))
    print_setup(book, sheet, breaks=layout.page_breaks, title_row=layout.header_row,
                header_left=f"Hälsocenter {summary.kommun or ''}".strip(),
                header_right=C.CHECK_SHEET)  # fmt: skip
    _mark(sheet, C.CHECK_SHEET, written)
    return sheet


def _kontroll_table(sheet, block: K.Block, ncols: int, written: _Written) -> None:
    heading = sheet.range((block.top, 1))
    heading.font.bold = True
    heading.font.size = S.KONTROLL_HEADING_SIZE
    _header_style(sheet.range((block.top + 1, 1), (block.top + 1, ncols)))
    rows = block.rows[2:]
    if not rows:
        return
    first, last = block.top + 2, block.bottom
    for lo, hi, severity in _runs([r.severity for r in rows]):  # grouped: a few runs
        if severity in S.KONTROLL_FILLS:  # the severity cell only, as the file writer does
            sheet.range((first + lo, 1), (first + hi, 1)).color = _rgb(
                S.KONTROLL_FILLS[severity])
    for i, r in enumerate(rows):
        if r.kind == "rest":  # the heading of the rest of each kind
            rest = sheet.range((first + i, 1))
            rest.font.bold = True
            rest.font.size = S.KONTROLL_HEADING_SIZE
    links = [r.link for r in rows]
    if any(links):
        shown = [r.values[K.LINK_COL - 1] if len(r.values) >= K.LINK_COL else None for r in rows]
        sheet.range((first, K.LINK_COL)).formula = [
            [hyperlink_formula(link, text)] for link, text in zip(links, shown, strict=True)]
        written.block(first, K.LINK_COL, [  # what Excel shows: the link's text
            [str(text if text is not None else link) if link else text]
            for link, text in zip(links, shown, strict=True)])  # fmt: skip
        sheet.range((first, K.LINK_COL), (last, K.LINK_COL)).font.color = _rgb(X.COLOR_LINK)
    wrapped = sheet.range((first, min(K.WRAPPED)), (last, max(K.WRAPPED)))
    wrapped.wrap_text = True
    sheet.range((first, 1), (last, ncols)).vertical_alignment = "top"
    # heights: one call per summary row that needs more than a line, one per group's findings
    for lo, hi, (_, _, height) in _runs([(r.kind, r.group, r.height) for r in rows]):
        if height:
            sheet.range((first + lo, 1), (first + hi, 1)).row_height = height
    code = sheet.range((first, K.CODE_COL), (last, K.CODE_COL))
    code.font.size = S.KONTROLL_CODE_SIZE
    code.font.color = _rgb(X.COLOR_MUTED)


def write_rapportdata_sheet(book: xw.Book, summary, created: datetime | None = None,
                            claims: Sequence[sheetmarks.SheetClaim] = ()) -> xw.Sheet:  # fmt: skip
    sheet = _fresh_sheet(book, C.DATA_SHEET, claims)
    written = _Written()
    rows = S.rapportdata_rows(summary)
    ncols = len(C.RAPPORTDATA_COLUMNS)
    _put(sheet, 1, 1, [list(r) for r in rows], ncols, written)
    last = max(len(rows), 2)  # an Excel table needs a data row, even an empty one
    table_range = sheet.range((1, 1), (last, ncols))
    if not _optional(lambda: sheet.tables.add(source=table_range, name=C.RAPPORTDATA_TABLE,
                                              table_style_name="TableStyleLight9")):  # fmt: skip
        _header_style(sheet.range((1, 1), (1, ncols)))
    info = S.rapportdata_info(summary, created)
    _put(sheet, S.RAPPORTDATA_INFO_ROW, S.RAPPORTDATA_INFO_COL, [list(r) for r in info], 2,
         written)  # fmt: skip
    sheet.range((S.RAPPORTDATA_INFO_ROW, S.RAPPORTDATA_INFO_COL),
                (S.RAPPORTDATA_INFO_ROW + len(info) - 1, S.RAPPORTDATA_INFO_COL)).font.bold = True
    widths = dict(enumerate(S.RAPPORTDATA_WIDTHS, start=1))
    widths.update(enumerate(S.RAPPORTDATA_INFO_WIDTHS, start=S.RAPPORTDATA_INFO_COL))
    _set_widths(book, sheet, widths)
    _optional(lambda: sheet.freeze_panes.freeze_at("A2"))
    _mark(sheet, C.DATA_SHEET, written)
    return sheet


def write_generated(book: xw.Book, analysis: Analysis, which: Sequence[str] = C.GENERATED_SHEETS,
                    created: datetime | None = None) -> dict[str, xw.Sheet]:  # fmt: skip
    """(Re)write the generated sheets named in ``which``; returns them by name. A sheet in the
    way (a coach's sheet of such a name, or ours changed since) stops it before anything is
    written (``sheetmarks.SheetsInTheWay``)."""
    claims = analysis.wb.sheet_claims
    sheetmarks.refuse_in_the_way(claims, which)
    out = {}
    summary = S.masked_summary(analysis.summary)  # identity numbers in figure names masked
    if C.SUMMARY_SHEET in which:
        out[C.SUMMARY_SHEET] = write_summary_sheet(book, summary, created, analysis.status,
                                                   claims)
    if C.CHECK_SHEET in which:
        out[C.CHECK_SHEET] = write_kontroll_sheet(book, analysis.findings, summary,
                                                  analysis.wb.sheet_names, claims)  # fmt: skip
    if C.DATA_SHEET in which:
        out[C.DATA_SHEET] = write_rapportdata_sheet(book, summary, created, claims)
    return out
