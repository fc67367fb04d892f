"""The workbook template, built from the contract.

Every sheet, table, header, list, defined name and drop-down comes from ``contract``; this module
only decides how they look. The output is byte-for-byte deterministic (fixed document dates, a
normalised zip) so the committed ``Halsocenter_mall.xlsx`` can be checked against the generator.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from halsocenter.atomic import Output, write_bytes_atomic
from halsocenter.core import contract as C
from halsocenter.core import lite_setup
from halsocenter.core import palette as P
from halsocenter.core.a1 import column_letter, parse_cell
from halsocenter.core.region_config import DEFAULT, Region
from halsocenter.xlsx import cells
from halsocenter.xlsx.stable_zip import ZIP_TIME, stable_zip  # noqa: F401 - ZIP_TIME is part of the API
from halsocenter.xlsx.style import (
    COLOR_DARK,
    COLOR_HEADER_TEXT,
    COLOR_MUTED,
    COLOR_RULE,
    Font,
    page_rows_pt,
    page_setup,
)
from halsocenter.xlsx.textfit import LINE_PT, height, wrapped_lines

INPUT_ROWS = 5000
"""Rows 2..INPUT_ROWS of every data sheet carry the drop-downs and input messages."""

LIST_HEADER_ROW = 3
"""Header row of the list tables on ``Listor``; rows above hold a short note for the coach."""
LIST_LAST_ROW = 5000
"""How far down a list may grow and still be picked up by its defined name."""

TABLE_STYLE = "TableStyleMedium2"
FIXED_TIME = datetime(2024, 1, 1)
"""Document created/modified time written into every file, so the bytes never depend on when."""

DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)
NUMBER_FORMATS = {"date": "yyyy-mm-dd", "int": "0", "number": "0.0"}

_KIND_PROMPT = {
    "date": "Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2024-03-15.",
    "int": "Skriv ett heltal, 0 eller större.",
    "number": "Skriv ett tal, 0 eller större. Decimaler skrivs med komma, t.ex. 1,5.",
    "list": "Välj ett värde i listan.",
    "id": "Pseudonymt id. Skriv aldrig namn eller personnummer.",
    "text": "Fri text. Skriv aldrig namn, personnummer eller telefonnummer.",
}
_LIST_HINT = " Saknas värdet kan du lägga till det längst ned i listan på fliken Listor."
_REQUIRED = "Måste fyllas i. "

INPUT_STYLE = "Input"
"""Excel's built-in cell style for cells a person fills in (Swedish Excel: "Indata"), in the
workbook's font size; the Start cells to fill carry it."""
TEMPLATE_FILLED = ("hc_mallversion",)
"""Start cells the template fills in and the coach leaves alone."""
COLOR_INPUT_FILL = P.INPUT_FILL
COLOR_INPUT_TEXT = P.INPUT_TEXT
COLOR_FIXED_FILL = P.FIXED_FILL
START_WIDTHS = {"A": 28, "B": 40, "C": 64}
"""Start: labels, values (wide enough for a contact person's name and title), hints."""
HEADER_ROW_PT = 30.0
FORM_LINE_PT = 18.0
"""A ruled row of the printed form is this tall on paper (6,4 mm: room for handwriting)."""
FORM_ROW_MAX_PT = 30.0
"""On the sheet a ruled row is at most this tall, however small a wide sheet prints."""


def _input_style() -> NamedStyle:
    side = Side(style="thin", color=P.AXIS)
    return NamedStyle(name=INPUT_STYLE, builtinId=20, font=Font(color=COLOR_INPUT_TEXT),
                      fill=PatternFill("solid", fgColor=COLOR_INPUT_FILL),
                      border=Border(left=side, right=side, top=side, bottom=side),
                      alignment=Alignment(horizontal="left"))  # fmt: skip


def _hub(values: Mapping[str, Any]) -> str:
    return " ".join(p for p in ("Hälsocenter", values.get("hc_kommun") or "") if p)


# --------------------------------------------------------------------------- validations


def _prompt(kind: str, help_text: str, required: bool = False) -> str:
    """The input message: whether the cell must be filled in, then the column's own help,
    else a sentence for its kind."""
    text = (_REQUIRED if required else "") + (help_text or _KIND_PROMPT[kind])
    if kind == "list" and len(text) + len(_LIST_HINT) <= 255:
        text += _LIST_HINT
    return text[:255]


def _validation(kind: str, title: str, help_text: str, list_key: str | None,
                required: bool = False) -> DataValidation:  # fmt: skip
    """One data validation with Swedish input and error messages for a column of ``kind``."""
    prompt = _prompt(kind, help_text, required)
    common = dict(allow_blank=True, showInputMessage=True, promptTitle=title[:32], prompt=prompt)
    if kind == "list":
        lst = C.LIST_BY_KEY[list_key]
        return DataValidation(
            type="list", formula1=lst.defined_name, showErrorMessage=True, errorStyle="stop",
            errorTitle="Värdet finns inte i listan",
            error=f"Välj ett värde i listan. Behövs ett nytt värde: lägg till värdet på fliken "
                  f"{C.LISTS_SHEET}, längst ned i listan ”{lst.header}”.", **common)  # fmt: skip
    if kind == "date":
        return DataValidation(
            type="date", operator="between", formula1=str(int(to_excel(DATE_MIN))),
            formula2=str(int(to_excel(DATE_MAX))), showErrorMessage=True, errorStyle="stop",
            errorTitle="Inget giltigt datum",
            error=f"Skriv ett datum mellan {DATE_MIN:%Y-%m-%d} och {DATE_MAX:%Y-%m-%d}, "
                  "t.ex. 2024-03-15.", **common)  # fmt: skip
    if kind in ("int", "number"):
        word = "heltal" if kind == "int" else "tal"
        return DataValidation(
            type="whole" if kind == "int" else "decimal", operator="greaterThanOrEqual",
            formula1="0", showErrorMessage=True, errorStyle="stop",
            errorTitle=f"Inget giltigt {word}",
            error=f"Skriv ett {word}, 0 eller större.", **common)  # fmt: skip
    return DataValidation(showErrorMessage=False, **common)


def list_name_formula(lst: C.ListDef, column: int) -> str:
    """The defined name's formula for a list: from the first value down to the last filled
    cell, so a value the coach adds below the table is part of the drop-down."""
    col = get_column_letter(column)
    sheet = quote_sheetname(C.LISTS_SHEET)
    first = LIST_HEADER_ROW + 1
    block = f"{sheet}!${col}${first}:${col}${LIST_LAST_ROW}"
    return f"{sheet}!${col}${first}:INDEX({block},COUNTA({block}))"


# --------------------------------------------------------------------------- sheets


def _table(name: str, ref: str) -> Table:
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True,
                                          showColumnStripes=False, showFirstColumn=False,
                                          showLastColumn=False)  # fmt: skip
    return table


def _data_sheet(wb: Workbook, spec: C.Table, hub: str) -> None:
    ws = wb.create_sheet(spec.sheet)
    header_align = Alignment(wrap_text=True, vertical="center")
    header_font = Font(bold=True, color=COLOR_HEADER_TEXT)
    header_fill = PatternFill("solid", fgColor=COLOR_DARK)
    for i, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=column.header)
        # the table style colours the header in Excel; the same look on the cells themselves
        # prints it in LibreOffice too, which does not draw table styles
        cell.alignment, cell.font, cell.fill = header_align, header_font, header_fill
        dim = ws.column_dimensions[letter]
        dim.width = column.width
        if column.kind in NUMBER_FORMATS:
            dim.number_format = NUMBER_FORMATS[column.kind]
        dv = _validation(column.kind, column.header, column.help, column.list, column.required)
        dv.add(f"{letter}2:{letter}{INPUT_ROWS}")
        ws.add_data_validation(dv)
    ws.row_dimensions[1].height = HEADER_ROW_PT
    ws.freeze_panes = "A2"
    last = get_column_letter(len(spec.columns))
    ws.add_table(_table(spec.name, f"A1:{last}2"))
    _form_rows(ws, spec)
    page_setup(ws, header_left=hub, header_right=spec.sheet, title_rows="1:1")


def form_rows(spec: C.Table) -> tuple[int, float]:
    """(rows, height in points) of the ruled rows under a data sheet's header: as many as fill
    the first printed page (landscape A4, one page wide), each ``FORM_LINE_PT`` tall on paper
    -- taller on the sheet when a wide sheet prints smaller."""
    widths = [c.width for c in spec.columns]
    page = page_rows_pt(widths, fill=1.0)
    scale = (595.28 - 2 * 72 * 0.7) / page  # page_rows_pt divides the page by the scale
    height = min(FORM_ROW_MAX_PT, max(LINE_PT, round(FORM_LINE_PT / scale, 1)))
    return int((page * 0.94 - HEADER_ROW_PT) // height), height


def _form_rows(ws: Worksheet, spec: C.Table) -> None:
    """Ruled rows under the header, so the blank sheet prints as a paper form to fill in by
    hand (at a group session, say) and type in afterwards: thin lines around each cell of the
    first page's rows. Typing into them, or below them, is as in any other row."""
    side = Side(style="thin", color=COLOR_RULE)
    ruled = Border(left=side, right=side, top=side, bottom=side)
    rows, height = form_rows(spec)
    for r in range(2, 2 + rows):
        ws.row_dimensions[r].height = height
        for c in range(1, len(spec.columns) + 1):
            ws.cell(row=r, column=c).border = ruled


def _lists_sheet(wb: Workbook, hub: str, region: Region) -> None:
    ws = wb.create_sheet(C.LISTS_SHEET)
    header_font = Font(bold=True, color=COLOR_HEADER_TEXT)
    header_fill = PatternFill("solid", fgColor=COLOR_DARK)
    ws["A1"] = "Listor till rullgardinerna i arbetsboken."
    ws["A1"].font = Font(bold=True, size=12, color=COLOR_DARK)
    ws["A2"] = ("Du kan lägga till ett eget värde: skriv det i första tomma cellen längst ned i "
                "en lista, så kommer det med i rullgardinen. Ändra inte rubrikerna.")  # fmt: skip
    for i, lst in enumerate(region.lists):
        col = 2 * i + 1
        letter = get_column_letter(col)
        head = ws.cell(row=LIST_HEADER_ROW, column=col, value=lst.header)
        head.font, head.fill = header_font, header_fill  # printed as a heading in LibreOffice too
        for j, value in enumerate(lst.values, start=1):
            ws.cell(row=LIST_HEADER_ROW + j, column=col, value=value)
        longest = max(len(v) for v in (lst.header, *lst.values))
        ws.column_dimensions[letter].width = min(max(longest + 4, 10), 48)
        ws.column_dimensions[get_column_letter(col + 1)].width = 3
        ref = f"{letter}{LIST_HEADER_ROW}:{letter}{LIST_HEADER_ROW + len(lst.values)}"
        ws.add_table(_table(lst.table, ref))
        wb.defined_names[lst.defined_name] = DefinedName(
            lst.defined_name, attr_text=list_name_formula(lst, col))
    ws.freeze_panes = f"A{LIST_HEADER_ROW + 1}"
    # Twenty lists side by side: printed at full size over a few pages across, never shrunk
    # to one page wide (which would print them at 4 pt).
    page_setup(ws, header_left=hub, header_right=C.LISTS_SHEET,
               title_rows=f"{LIST_HEADER_ROW}:{LIST_HEADER_ROW}", fit_width=False)  # fmt: skip


def _region_sheet(wb: Workbook, region: Region) -> None:
    """The hidden sheet that says which region the workbook belongs to: the region's
    configuration as text in the named cell ``REGION_CELL``, read by every command."""
    ws = wb.create_sheet(C.REGION_SHEET)
    ws.sheet_state = "hidden"
    ws.column_dimensions["A"].width = 100
    ws["A1"] = f"Regionens inställningar – {region.name}"
    ws["A1"].font = Font(bold=True, size=12, color=COLOR_DARK)
    ws["A2"] = ("Fliken är dold och läses av programmet: den säger vilka kommuner listan på "
                f"fliken {C.LISTS_SHEET} har och vad kolumnerna heter. Ändra inte här; regionen "
                "skickar en ny arbetsbok när något ändras.")  # fmt: skip
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = height(wrapped_lines(ws["A2"].value, 100))
    col, row = parse_cell(C.REGION_CELL.cell)
    ws.cell(row=row - 1, column=col, value=C.REGION_CELL.label).font = Font(bold=True)
    cells.as_text(ws[C.REGION_CELL.cell], region.workbook_text)
    ws[C.REGION_CELL.cell].alignment = Alignment(wrap_text=True, vertical="top")
    sheet = quote_sheetname(C.REGION_SHEET)
    wb.defined_names[C.REGION_CELL.name] = DefinedName(
        C.REGION_CELL.name, attr_text=f"{sheet}!${column_letter(col)}${row}")


def _start_sheet(ws: Worksheet, values: Mapping[str, Any], lite_address: str | None) -> None:
    ws.title = C.START_SHEET
    for letter, width in START_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws["A1"] = "Hälsocenter – arbetsbok för verksamhetsåret"
    ws["A1"].font = Font(bold=True, size=16, color=COLOR_DARK)
    ws.row_dimensions[1].height = 24
    to_fill = [nc for nc in C.NAMED_CELLS if nc.name not in TEMPLATE_FILLED]
    ws["A2"] = (f"Fyll i de färgade cellerna {to_fill[0].cell}–{to_fill[-1].cell} "
                f"({', '.join(nc.label.lower() for nc in to_fill)}) och för sedan in "
                "verksamheten på flikarna. Arbetsboken följer Hälsocentermallen version "
                f"{C.TEMPLATE_VERSION}.")  # fmt: skip
    page_setup(ws, header_left=_hub(values), header_right=C.START_SHEET, pages_tall=1)
    _named_cells(ws, values)
    _start_help(ws, values, max(_row_of(nc.cell) for nc in C.NAMED_CELLS) + 2, lite_address)


def _row_of(cell: str) -> int:
    return int(re.fullmatch(r"[A-Z]+(\d+)", cell).group(1))


def _named_cells(ws: Worksheet, values: Mapping[str, Any]) -> None:
    """The settings block: label, the cell to fill (input style, drop-down or check, input
    message) and a hint, one row per named cell."""
    help_font = Font(italic=True, color=COLOR_MUTED)
    sheet = quote_sheetname(C.START_SHEET)
    wb = ws.parent
    if INPUT_STYLE not in wb.named_styles:
        wb.add_named_style(_input_style())
    for nc in C.NAMED_CELLS:
        col, row = parse_cell(nc.cell)
        ws.cell(row=row, column=1, value=nc.label).font = Font(bold=True)
        target = ws[nc.cell]
        if nc.name in TEMPLATE_FILLED:
            target.font = Font(color=COLOR_MUTED)
            target.fill = PatternFill("solid", fgColor=COLOR_FIXED_FILL)
            target.alignment = Alignment(horizontal="left")
        else:
            target.style = INPUT_STYLE
        cells.as_text(target, values.get(nc.name))  # after the style: it may add a quote prefix
        if nc.kind in NUMBER_FORMATS:
            target.number_format = NUMBER_FORMATS[nc.kind]
        ws.cell(row=row, column=3, value=nc.help).font = help_font
        wb.defined_names[nc.name] = DefinedName(nc.name, attr_text=f"{sheet}!${column_letter(col)}${row}")
        dv = _validation(nc.kind, nc.label, nc.help, nc.list)
        if nc.kind == "int" and nc.name == "hc_ar":
            dv.operator = "between"
            dv.formula1, dv.formula2 = str(DATE_MIN.year), str(DATE_MAX.year)
            dv.error = f"Skriv året med fyra siffror, t.ex. {DATE_MIN.year + 24}."
        dv.add(nc.cell)
        ws.add_data_validation(dv)


def lite_help(lite_address: str | None) -> list[tuple[str, str, str]]:
    """The Start sheet's part on xlwings Lite: the ``main.py`` line and, when the region's
    address for the package is known, the two ``requirements.txt`` lines, one per row so each
    copies as a plain line (a cell with a line break would be pasted in quotes)."""
    lines: list[tuple[str, str, str]] = [
        ("", "", ""), ("h", "Excel på webben och Mac (xlwings Lite)", ""),
        ("p", "Utan Python och makron: lägg till tillägget xlwings Lite (Start > Tillägg, sök "
              "efter xlwings) och öppna det. Ersätt allt i main.py med raden nedan.", ""),
        ("t", "main.py", lite_setup.MAIN_PY),
    ]  # fmt: skip
    if lite_address:
        first, second = lite_setup.requirements_lines(lite_address)
        lines += [
            ("p", "Ersätt allt i requirements.txt med de två raderna nedan (den andra är "
                  "regionens adress till programmet) och starta om xlwings Lite (☰ > Restart).",
             ""),
            ("t", "requirements.txt", first),
            ("t", "", second),
        ]  # fmt: skip
    else:
        lines.append(
            ("p", "Raderna till requirements.txt får du av regionen (Folkhälsa): programmet "
                  "hämtas från en adress som regionen publicerar, aldrig från ett namn i ett "
                  "öppet paketregister.", ""))  # fmt: skip
    lines.append(("p", "Knapparna visas sedan i xlwings Lite. Filer som knapparna skapar laddar "
                       "du ner via xlwings Lite-menyn ☰ > Files > Import/Export.", ""))  # fmt: skip
    return lines


def start_help(year: int, lite_address: str | None = None) -> list[tuple[str, str, str]]:
    """The help below the settings as (style, first, second): "h" heading, "t" a sheet and what
    it holds, "p" a bullet; "" an empty line. One list, so a section is added in one place."""
    lines: list[tuple[str, str, str]] = [("", "", ""), ("h", "Så här används arbetsboken", "")]
    lines += [("t", t.sheet, t.description) for t in C.TABLES]
    lines.append(("t", C.LISTS_SHEET, "Listorna som rullgardinerna hämtar sina värden från. "
                                      "Egna värden läggs till längst ned i en lista."))
    lines += [
        ("", "", ""), ("h", "Att tänka på", ""),
        ("p", f"Skriv aldrig namn, personnummer, telefonnummer eller e-postadress. Använd "
              f"löpnummer som {year}-001 och pseudonymer som D-017.", ""),
        ("p", "Välj värden i rullgardinerna. Datum skrivs ÅÅÅÅ-MM-DD, t.ex. 2024-03-15.", ""),
        ("p", "Skriv nya rader direkt under en tabell, så växer tabellen med.", ""),
        ("p", f"En tom flik, t.ex. {C.NARVARO.sheet} eller {C.AKTIVITETER.sheet}, skrivs ut som "
              "en blankett med linjerade rader att fylla i för hand, till exempel vid en "
              "gruppträff.", ""),
        ("p", "Ändra inte rubrikerna, flikarnas namn eller cellerna ovan som mallen fyllt i.", ""),
        ("", "", ""), ("h", "Kontroll och årssammanställning", ""),
        ("p", "Öppna fliken Hälsocenter i menyfliksområdet och klicka på Kontrollera. Alla fel "
              f"och varningar listas på fliken {C.CHECK_SHEET}, var och en med länk till cellen.",
         ""),
        ("p", f"Klicka på Årssammanställning för att bygga fliken {C.SUMMARY_SHEET} med nyckeltal, "
              f"tabeller och diagram. Fliken {C.DATA_SHEET} är underlaget till regionen.", ""),
        ("p", f"Flikarna {', '.join(C.GENERATED_SHEETS)} skapas om vid varje körning – skriv "
              "inte i dem.", ""),
    ]  # fmt: skip
    return lines + lite_help(lite_address)


def _start_help(ws: Worksheet, values: Mapping[str, Any], first_row: int,
                lite_address: str | None) -> None:  # fmt: skip
    row = first_row - 1
    for style, first, second in start_help(values.get("hc_ar") or 2024, lite_address):
        row += 1
        if style == "h":
            ws.cell(row=row, column=1, value=first).font = Font(bold=True, size=13,
                                                                color=COLOR_DARK)  # fmt: skip
        elif style == "t":
            ws.cell(row=row, column=1, value=first).font = Font(bold=True)
            ws.cell(row=row, column=2, value=second)
        elif style == "p":
            # a bullet spans the three columns and wraps, so a long one is printed whole
            cell = ws.cell(row=row, column=1, value="• " + first)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(START_WIDTHS))
            lines = wrapped_lines(cell.value, sum(START_WIDTHS.values()))
            if lines > 1:
                ws.row_dimensions[row].height = height(lines)


# --------------------------------------------------------------------------- public API


def build_workbook(kommun: str | None = None, year: int | None = None, startdatum=None,
                   kontakt: str | None = None, region: Region = DEFAULT, *,
                   lite_address: str | None = None) -> Workbook:  # fmt: skip
    """A new, empty standard workbook of ``region``; the Start cells are filled with what is
    given. ``lite_address`` (else the region's own, ``Region.lite_address``) is the region's
    folder for the package (``core.lite_setup``): with it the Start sheet gives the exact
    ``requirements.txt`` lines for xlwings Lite, without it it says that the region gives them."""
    wb = Workbook()
    values = {"hc_kommun": kommun, "hc_ar": year, "hc_startdatum": startdatum,
              "hc_kontakt": kontakt, "hc_mallversion": C.TEMPLATE_VERSION}  # fmt: skip
    _start_sheet(wb.active, values, lite_address or region.lite_address)
    hub = _hub(values)
    for spec in region.tables:
        _data_sheet(wb, spec, hub)
    _lists_sheet(wb, hub, region)
    _region_sheet(wb, region)
    wb.active = 0
    props = wb.properties
    props.creator = props.lastModifiedBy = "Hälsocenter"
    props.title = "Hälsocenter arbetsbok"
    props.created = props.modified = FIXED_TIME
    return wb


def fill_table(wb: Workbook, spec: C.Table, rows: Iterable[Mapping[str, Any]]) -> int:
    """Append ``rows`` (dicts keyed by column key) below the last filled row of the table and
    grow the Table to cover them. Returns the Excel row of the last row written."""
    ws = wb[spec.sheet]
    table = ws.tables[spec.name]
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    columns = {key: min_col + i for i, key in enumerate(spec.keys)}
    stored = ws._cells
    last = min_row
    for r in range(max_row, min_row, -1):
        if any(stored.get((r, c)) is not None and stored[(r, c)].value is not None
               for c in range(min_col, max_col + 1)):  # fmt: skip
            last = r
            break
    r = last
    put = cells.put
    for row in rows:
        r += 1
        for key, value in row.items():
            if value is not None:
                put(ws, r, columns[key], value)
    new_max = max(r, max_row, min_row + 1)
    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{new_max}"
    table.ref = ref
    if table.autoFilter is not None:
        table.autoFilter.ref = ref
    return r


def normalise_xlsx(data: bytes) -> bytes:
    """Re-zip an openpyxl package so equal content gives equal bytes: fixed document dates,
    fixed member timestamps and attributes, ``[Content_Types].xml`` first (as Office writes it)
    and the other members in the order openpyxl wrote them."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def parts(src: zipfile.ZipFile):
        for info in sorted(src.infolist(), key=lambda i: i.filename != "[Content_Types].xml"):
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              rb"\g<1>" + stamp + rb"\g<3>", body)  # fmt: skip
            yield info.filename, body

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return stable_zip(parts(src))


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as deterministic .xlsx bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_xlsx(buf.getvalue())


def write_workbook(wb: Workbook, path: str | os.PathLike | Output) -> Path:
    """Save ``wb`` deterministically and atomically (under ``path``'s rules when it is an
    ``Output``)."""
    return write_bytes_atomic(path, workbook_bytes(wb))


def template_bytes(kommun: str | None = None, year: int | None = None, startdatum=None,
                   kontakt: str | None = None, region: Region = DEFAULT, *,
                   lite_address: str | None = None) -> bytes:  # fmt: skip
    return workbook_bytes(build_workbook(kommun, year, startdatum, kontakt, region,
                                         lite_address=lite_address))  # fmt: skip


def write_template(path: str | os.PathLike | Output, kommun: str | None = None, year: int | None = None,
                   startdatum=None, kontakt: str | None = None, region: Region = DEFAULT, *,
                   lite_address: str | None = None) -> Path:  # fmt: skip
    """Write a new workbook of ``region`` from the template (atomically)."""
    return write_bytes_atomic(path, template_bytes(kommun, year, startdatum, kontakt, region,
                                                   lite_address=lite_address))  # fmt: skip
