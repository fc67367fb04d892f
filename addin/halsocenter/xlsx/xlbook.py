"""openpyxl helpers for the workbooks the region side writes (the export file, the county
workbook): Excel tables, column widths, bold header rows, and saving with bulk rows.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, PatternFill
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from halsocenter.atomic import Output, atomic_write
from halsocenter.xlsx import cells
from halsocenter.xlsx.cellxml import rows_xml
from halsocenter.xlsx.layout import Layout
from halsocenter.xlsx.style import COLOR_DARK, COLOR_HEADER_TEXT, THIN, Font


def save_with_rows(book: Workbook, path: Path | Output, bulk: dict[str, list[Sequence]], *,
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
    row = []
    for v in values:
        cell = cells.as_text(WriteOnlyCell(ws), v)
        cell.font = Font(bold=True)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        row.append(cell)
    return row


def header_row(ws, values: Iterable) -> list:
    """A table's header row in the house look (white bold Calibri on dark blue): named, so no
    printer falls back to a serif, and printed as a heading where table styles are not drawn
    (LibreOffice)."""
    row = []
    for v in values:
        cell = cells.as_text(WriteOnlyCell(ws), v)
        cell.font = Font(bold=True, color=COLOR_HEADER_TEXT)
        cell.fill = PatternFill("solid", fgColor=COLOR_DARK)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        row.append(cell)
    return row


def wrapped_row(ws, values: Iterable, wrap: Sequence[bool]) -> list:
    """A body row whose text cells listed in ``wrap`` wrap within their column, top-aligned
    with the rest, with a thin line below (text stays text, as ``cells.row``)."""
    row = []
    for v, w in zip(values, wrap, strict=True):
        cell = cells.as_text(WriteOnlyCell(ws), v)
        cell.alignment = Alignment(vertical="top", wrap_text=w or None)
        cell.border = Border(bottom=THIN)
        row.append(cell)
    return row


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
