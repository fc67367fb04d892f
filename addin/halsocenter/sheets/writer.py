"""The generated sheets written with openpyxl, for the file the ``summary`` command writes: the
blocks of ``sheets.content`` and ``sheets.kontroll`` placed and styled, with native charts.
Every value goes in through ``xlsx.cells``, so text stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.styles import Alignment, Border, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.utils.units import cm_to_EMU
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.table import Table, TableStyleInfo

from halsocenter.core import contract as C
from halsocenter.core import sheetmarks
from halsocenter.core.analysis import Status
from halsocenter.core.model import Finding
from halsocenter.core.summary import Summary
from halsocenter.sheets import kontroll as K
from halsocenter.sheets.content import (
    CHART_INSET_CM,
    COLUMN_WIDTHS,
    KONTROLL_ALIGN,
    KONTROLL_CODE_SIZE,
    KONTROLL_FILLS,
    KONTROLL_HEADING_SIZE,
    PLAN_SPANS,
    RAPPORTDATA_INFO_COL,
    RAPPORTDATA_INFO_ROW,
    RAPPORTDATA_INFO_WIDTHS,
    RAPPORTDATA_WIDTHS,
    ROW_HEIGHT_PT,
    TITLE_ROW,
    Block,
    ChartSpec,
    SummaryLayout,
    cell_format,
    masked_summary,
    rapportdata_info,
    rapportdata_rows,
    summary_blocks,
)
from halsocenter.xlsx import cells
from halsocenter.xlsx.chart_alt import set_alt_text
from halsocenter.xlsx.style import (
    COLOR_DARK,
    COLOR_ERROR,
    COLOR_ERROR_TEXT,
    COLOR_LINK,
    COLOR_MUTED,
    FMT_DATETIME,
    GROUP_FILL,
    HEADER_FILL,
    HEADER_FONT,
    STATUS_COLORS,
    THIN,
    TOTAL_SIDE,
    Font,
    bar_look,
    chart_title,
    small_text,
)
from halsocenter.xlsx.style import page_setup as _page_setup

_set = cells.put
"""Every value goes in through ``cells.put``: text stays text (never a formula)."""


def _write_block(ws, b: Block) -> None:
    if b.title:
        c = _set(ws, b.top, b.left, b.title)
        c.font = Font(bold=True, size=12, color=COLOR_DARK)
    for i, values in enumerate(b.rows):
        r = b.first_row + i
        for j, value in enumerate(values):
            _set(ws, r, b.left + j, value)
        _style_row(ws, b, i, r, values)
        if i in b.row_heights:  # blocks side by side share rows: keep the taller
            ws.row_dimensions[r].height = max(ws.row_dimensions[r].height or 0, b.row_heights[i])
    if b.spans:
        for i in range(len(b.rows)):
            r = b.first_row + i
            for first, last in b.spans:
                if last > first:
                    ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)


def _style_row(ws, b: Block, i: int, r: int, values: list[Any]) -> None:
    width = len(values)
    is_header = i < b.header_rows
    for j in range(width):
        c = ws.cell(row=r, column=b.left + j)
        if b.kind == "title":
            c.font = Font(bold=True, size=18, color=COLOR_DARK)
            continue
        if b.kind == "subtitle":
            c.font = Font(italic=True, size=9, color=COLOR_MUTED)
            continue
        if b.kind == "heading":
            c.font = Font(bold=True, size=16, color=COLOR_DARK)
            continue
        if b.kind == "text":
            c.font = Font(italic=True)
            continue
        if b.kind == "note":
            c.font = Font(italic=True, size=9, color=COLOR_MUTED)
            c.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
            continue
        if b.kind == "banner":
            c.font = Font(bold=True, size=13, color=COLOR_ERROR_TEXT,
                          underline="single" if j == 0 and b.link else None)  # fmt: skip
            c.fill = PatternFill("solid", fgColor=COLOR_ERROR)
            c.alignment = Alignment(vertical="center", horizontal="left", indent=1)
            continue
        c.border = Border(bottom=THIN)
        if is_header:
            c.font = HEADER_FONT
            c.fill = HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="center",
                                    horizontal="left" if j == 0 or b.spans else "right")
            continue
        if i in b.group_rows:
            c.font = Font(bold=True, color=COLOR_DARK)
            c.fill = GROUP_FILL
            continue
        if i in b.total_rows:
            c.font = Font(bold=True)
            c.border = Border(top=TOTAL_SIDE, bottom=TOTAL_SIDE)
        c.number_format = cell_format(b, i, j) or "General"
        if b.kind == "keyfigures" and j == 1:
            c.font = Font(bold=True)
        if b.wrap or b.spans:
            c.alignment = Alignment(wrap_text=True, vertical="top",
                                    horizontal="left" if j == 0 or b.spans else None)
        elif j == 0:
            c.alignment = Alignment(horizontal="left")
        if b.kind == "definitions" and j == 0:
            c.font = Font(bold=True)
        if b.kind == "plan" and b.left + j == PLAN_SPANS[1][0]:
            color = STATUS_COLORS.get(values[j])
            if color:
                c.fill = PatternFill("solid", fgColor=color)
    if b.link:
        c = ws.cell(row=r, column=b.left)
        c.hyperlink = Hyperlink(ref=c.coordinate, location=b.link, display=str(c.value))
    if b.spans and b.kind not in ("note", "banner"):
        # borders on every cell of a merged span so the merged box is outlined
        for first, last in b.spans:
            for col in range(first, last + 1):
                ws.cell(row=r, column=col).border = Border(bottom=THIN)


def _add_chart(ws, spec: ChartSpec) -> None:
    chart = BarChart()
    chart.type = spec.kind
    chart.grouping = "clustered"
    chart.title = chart_title(spec.title)
    chart.style = 10
    chart.gapWidth = 60
    chart.overlap = -10 if len(spec.series) > 1 else 0
    for i, (head, values) in enumerate(spec.series):
        data = Reference(ws, *range_boundaries(f"{head[:1]}{head[1:]}:{values.split(':')[1]}"))
        chart.add_data(data, titles_from_data=True)
        s = chart.series[-1]
        s.graphicalProperties = bar_look(i)
    chart.set_categories(Reference(ws, *range_boundaries(spec.categories)))
    chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                                     showLegendKey=False, showPercent=False)  # fmt: skip
    chart.dataLabels.txPr = small_text(700)
    if len(spec.series) > 1:
        chart.legend.position = "b"
        chart.legend.txPr = small_text()
    else:
        chart.legend = None
    # Category axis shown (openpyxl 3.1 would hide it in Excel); the values are on the bars,
    # so the value axis and its gridlines are left out for a calmer picture.
    chart.x_axis.delete = False
    chart.x_axis.txPr = small_text()
    chart.y_axis.delete = True
    chart.y_axis.majorGridlines = None
    chart.y_axis.numFmt = spec.number_format
    if spec.kind == "bar":
        chart.x_axis.scaling.orientation = "maxMin"  # first category at the top
    first_col, first_row, last_col, last_row = range_boundaries(spec.cells)
    inset = cm_to_EMU(CHART_INSET_CM)
    chart.anchor = TwoCellAnchor(
        _from=AnchorMarker(col=first_col - 1, colOff=inset, row=first_row - 1, rowOff=inset),
        to=AnchorMarker(col=last_col, colOff=0, row=last_row, rowOff=0),
    )
    ws.add_chart(chart)
    set_alt_text(chart, spec.title, spec.description)


def write_summary_sheet(ws, summary: Summary, created: datetime | None = None,
                        status: Status | None = None) -> SummaryLayout:  # fmt: skip
    layout = summary_blocks(summary, created, status)
    for col, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for b in layout.blocks:
        _write_block(ws, b)
    ws.row_dimensions[TITLE_ROW].height = 28
    for spec in layout.charts:
        _add_chart(ws, spec)
    ws.sheet_view.showGridLines = False
    ws.sheet_view.zoomScale = 100
    # Every row as tall as Excel makes it (15 pt): LibreOffice would otherwise fit rows to its
    # font, a little lower, and print more on a page than Excel does -- the page breaks are
    # computed for Excel's rows (``content._flow``).
    ws.sheet_format.defaultRowHeight = ROW_HEIGHT_PT
    ws.sheet_format.customHeight = True
    _page_setup(ws, header_left=layout.header_left, header_right=layout.header_right)
    ws.print_area = layout.print_area
    ws.row_breaks = RowBreak()
    for row in layout.page_breaks:
        ws.row_breaks.append(Break(id=row))
    return layout


def write_kontroll_sheet(ws, findings: list[Finding], summary: Summary,
                         sheet_names: Sequence[str] = ()) -> K.KontrollLayout:  # fmt: skip
    """``kontroll.kontroll_layout`` on an openpyxl sheet."""
    layout = K.kontroll_layout(findings, sheet_names, kommun=summary.kommun, year=summary.year)
    # Hundreds of rows: style each distinct (kind, severity, column, linked) once and copy it;
    # setting openpyxl style objects cell by cell costs about a millisecond per cell.
    styles: dict[tuple, Any] = {}
    for block in layout.blocks:
        for r, row in enumerate(block.rows, block.top):
            width = len(K.WIDTHS) if row.kind in ("header", "group", "finding", "later",
                                                  "more") else len(row.values)  # fmt: skip
            for j in range(1, width + 1):
                value = row.values[j - 1] if j <= len(row.values) else None
                cell = _set(ws, r, j, value)
                linked = j == K.LINK_COL and row.link is not None
                key = (row.kind, row.severity, j, linked, row.kind == "count" and bool(row.values[1]))
                if key not in styles:
                    _style_kontroll_cell(cell, row, j, linked)
                    styles[key] = copy(cell._style)
                else:
                    cell._style = copy(styles[key])
            if row.link:
                cell = ws.cell(row=r, column=K.LINK_COL)
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=row.link,
                                           display=str(cell.value))  # fmt: skip
            if row.height:
                ws.row_dimensions[r].height = row.height
    ws.row_dimensions[1].height = 24
    for j, width in enumerate(K.WIDTHS, 1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.auto_filter.ref = layout.filter_ref
    _page_setup(ws, header_left=f"Hälsocenter {summary.kommun or ''}".strip(),
                header_right=C.CHECK_SHEET,
                title_rows=f"{layout.header_row}:{layout.header_row}")  # fmt: skip
    ws.print_area = layout.print_area
    ws.row_breaks = RowBreak()
    for row in layout.page_breaks:  # the list starts whole; the rest of each kind on its own
        ws.row_breaks.append(Break(id=row))
    return layout


def _style_kontroll_cell(cell, row: K.Row, j: int, linked: bool) -> None:
    if row.kind == "title":
        cell.font = Font(bold=True, size=16, color=COLOR_DARK)
        return
    if row.kind in ("heading", "rest"):
        cell.font = Font(bold=True, size=KONTROLL_HEADING_SIZE, color=COLOR_DARK)
        return
    if row.kind == "sentence":
        cell.font = Font(italic=True)
        return
    if row.kind == "count":
        if j == 1:
            cell.font = Font(bold=True)
        fill = KONTROLL_FILLS.get(row.severity)
        if fill and row.values[1]:
            cell.fill = PatternFill("solid", fgColor=fill)
        return
    if row.kind == "header":
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        return
    cell.alignment = Alignment(vertical="top", wrap_text=j in K.WRAPPED,
                               horizontal=KONTROLL_ALIGN.get(j))  # fmt: skip
    cell.border = Border(bottom=THIN)
    fill = KONTROLL_FILLS.get(row.severity)
    if fill and j == 1:  # the colour marks the severity cell; a link keeps 4.5:1 on white
        cell.fill = PatternFill("solid", fgColor=fill)
    if linked:
        cell.font = Font(color=COLOR_LINK, underline="single")
    elif j == K.CODE_COL:
        cell.font = Font(size=KONTROLL_CODE_SIZE, color=COLOR_MUTED)
    elif row.kind in ("more", "later"):
        cell.font = Font(italic=True)
    elif row.kind == "group" and j <= 3:
        cell.font = Font(bold=True)


def write_rapportdata_sheet(ws, summary: Summary, created: datetime | None = None) -> None:
    rows = rapportdata_rows(summary)
    for i, values in enumerate(rows, 1):
        for j, value in enumerate(values, 1):
            _set(ws, i, j, value)
    ncols = len(C.RAPPORTDATA_COLUMNS)
    last = max(len(rows), 2)  # an Excel table needs a data row, even an empty one
    table = Table(displayName=C.RAPPORTDATA_TABLE, ref=f"A1:{get_column_letter(ncols)}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    for j, width in enumerate(RAPPORTDATA_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(j)].width = width
    for i, (label, value) in enumerate(rapportdata_info(summary, created)):
        r = RAPPORTDATA_INFO_ROW + i
        _set(ws, r, RAPPORTDATA_INFO_COL, label).font = Font(bold=True)
        cell = _set(ws, r, RAPPORTDATA_INFO_COL + 1, value)
        cell.alignment = Alignment(horizontal="left")
        if isinstance(value, datetime):
            cell.number_format = FMT_DATETIME
    for j, width in enumerate(RAPPORTDATA_INFO_WIDTHS, RAPPORTDATA_INFO_COL):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A2"
    _page_setup(ws, header_left=f"Hälsocenter {summary.kommun or ''}".strip(),
                header_right=C.DATA_SHEET, landscape=False)  # fmt: skip


def build_generated(summary: Summary, findings: list[Finding], *,
                    sheet_names_in_input: tuple[str, ...] = (),
                    created: datetime | None = None, date1904: bool = False) -> Workbook:  # fmt: skip
    """A new workbook holding only the three generated sheets, values only, in contract order.

    ``sheet_names_in_input`` limits Kontroll's links to sheets that exist in the coach's file;
    ``created`` (if given) is written as Skapad on Rapportdata and the summary page;
    ``date1904``: the sheets go into a workbook that counts dates from 1904 (a Mac Excel
    setting), so their dates are stored that way too -- else Skapad would read four years
    late."""
    summary = masked_summary(summary)
    wb = Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    ws_summary = wb.active
    ws_summary.title = C.SUMMARY_SHEET
    write_summary_sheet(ws_summary, summary, created, Status.of(findings))
    write_kontroll_sheet(wb.create_sheet(C.CHECK_SHEET), list(findings), summary,
                         sheet_names_in_input)  # fmt: skip
    write_rapportdata_sheet(wb.create_sheet(C.DATA_SHEET), summary, created)
    for ws in wb.worksheets:
        mark_sheet(ws)
    return wb


def mark_sheet(ws) -> str:
    """Give a generated sheet its mark (``core.sheetmarks``): a hidden sheet-level name holding
    the digest of every value written in it. Returns the digest."""
    digest = sheetmarks.sheet_digest((c.row, c.column, c.value) for row in ws.iter_rows()
                                     for c in row if c.value is not None)  # fmt: skip
    kind = sheetmarks.KINDS[ws.title]
    ws.defined_names[sheetmarks.MARK_NAME] = DefinedName(
        sheetmarks.MARK_NAME, attr_text=f'"{sheetmarks.mark(kind, digest)}"', hidden=True)
    return digest
