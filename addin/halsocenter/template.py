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
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from . import cells
from . import contract as C
from .atomic import Output, write_bytes_atomic
from .lite_setup import MAIN_PY as LITE_MAIN_PY
from .lite_setup import requirements_txt as lite_requirements
from .stable_zip import ZIP_TIME, stable_zip  # noqa: F401 - ZIP_TIME is part of the API

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


# --------------------------------------------------------------------------- validations


def _prompt(kind: str, help_text: str) -> str:
    """The input message: the column's own help, else a sentence for its kind."""
    text = help_text or _KIND_PROMPT[kind]
    if kind == "list" and len(text) + len(_LIST_HINT) <= 255:
        text += _LIST_HINT
    return text[:255]


def _validation(kind: str, title: str, help_text: str, list_key: str | None) -> DataValidation:
    """One data validation with Swedish input and error messages for a column of ``kind``."""
    prompt = _prompt(kind, help_text)
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


def _data_sheet(wb: Workbook, spec: C.Table) -> None:
    ws = wb.create_sheet(spec.sheet)
    header_align = Alignment(wrap_text=True, vertical="center")
    for i, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=column.header)
        cell.alignment = header_align
        dim = ws.column_dimensions[letter]
        dim.width = column.width
        if column.kind in NUMBER_FORMATS:
            dim.number_format = NUMBER_FORMATS[column.kind]
        dv = _validation(column.kind, column.header, column.help, column.list)
        dv.add(f"{letter}2:{letter}{INPUT_ROWS}")
        ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"
    last = get_column_letter(len(spec.columns))
    ws.add_table(_table(spec.name, f"A1:{last}2"))


def _lists_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(C.LISTS_SHEET)
    ws["A1"] = "Listor till rullgardinerna i arbetsboken."
    ws["A1"].font = Font(bold=True, size=12)
    ws["A2"] = ("Du kan lägga till ett eget värde: skriv det i första tomma cellen längst ned i "
                "en lista, så kommer det med i rullgardinen. Ändra inte rubrikerna.")  # fmt: skip
    for i, lst in enumerate(C.LISTS):
        col = 2 * i + 1
        letter = get_column_letter(col)
        ws.cell(row=LIST_HEADER_ROW, column=col, value=lst.header)
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


def _start_sheet(ws: Worksheet, values: Mapping[str, Any]) -> None:
    ws.title = C.START_SHEET
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 70
    ws["A1"] = "Hälsocenter – arbetsbok för verksamhetsåret"
    ws["A1"].font = Font(bold=True, size=16)
    ws.row_dimensions[1].height = 24
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws["A2"] = ("Fyll i uppgifterna nedan och för sedan in verksamheten på flikarna. "
                f"Arbetsboken följer Hälsocentermallen version {C.TEMPLATE_VERSION}.")  # fmt: skip
    help_font = Font(italic=True, color="595959")
    sheet = quote_sheetname(C.START_SHEET)
    last_row = 0
    for nc in C.NAMED_CELLS:
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", nc.cell).groups()
        row = int(row)
        last_row = max(last_row, row)
        label = ws.cell(row=row, column=1, value=nc.label)
        label.font = Font(bold=True)
        target = ws[nc.cell]
        cells.as_text(target, values.get(nc.name))
        if nc.kind in NUMBER_FORMATS:
            target.number_format = NUMBER_FORMATS[nc.kind]
        target.alignment = Alignment(horizontal="left")
        note = ws.cell(row=row, column=3, value=nc.help)
        note.font = help_font
        wb = ws.parent
        wb.defined_names[nc.name] = DefinedName(nc.name, attr_text=f"{sheet}!${col}${row}")
        dv = _validation(nc.kind, nc.label, nc.help, nc.list)
        if nc.kind == "int" and nc.name == "hc_ar":
            dv.operator = "between"
            dv.formula1, dv.formula2 = str(DATE_MIN.year), str(DATE_MAX.year)
            dv.error = f"Skriv året med fyra siffror, t.ex. {DATE_MIN.year + 24}."
        dv.add(nc.cell)
        ws.add_data_validation(dv)

    lines: list[tuple[str, str, str]] = [("", "", ""), ("h", "Så här används arbetsboken", "")]
    lines += [("t", t.sheet, t.description) for t in C.TABLES]
    lines.append(("t", C.LISTS_SHEET, "Listorna som rullgardinerna hämtar sina värden från. "
                                      "Egna värden läggs till längst ned i en lista."))
    year = values.get("hc_ar") or 2024
    lines += [
        ("", "", ""), ("h", "Att tänka på", ""),
        ("p", f"Skriv aldrig namn, personnummer, telefonnummer eller e-postadress. Använd "
              f"löpnummer som {year}-001 och pseudonymer som D-017.", ""),
        ("p", "Välj värden i rullgardinerna. Datum skrivs ÅÅÅÅ-MM-DD, t.ex. 2024-03-15.", ""),
        ("p", "Skriv nya rader direkt under en tabell, så växer tabellen med.", ""),
        ("p", "Ändra inte rubrikerna, flikarnas namn eller cellerna ovan som mallen fyllt i.", ""),
        ("", "", ""), ("h", "Kontroll och årssammanställning", ""),
        ("p", "Öppna fliken Hälsocenter i menyfliksområdet och klicka på Kontrollera. Alla fel "
              f"och varningar listas på fliken {C.CHECK_SHEET}, var och en med länk till cellen.",
         ""),
        ("p", f"Klicka på Årssammanställning för att bygga fliken {C.SUMMARY_SHEET} med nyckeltal, "
              f"tabeller och diagram. Fliken {C.DATA_SHEET} är underlaget till regionen.", ""),
        ("p", f"Flikarna {', '.join(C.GENERATED_SHEETS)} skapas om vid varje körning – skriv "
              "inte i dem.", ""),
        ("", "", ""), ("h", "Excel på webben och Mac (xlwings Lite)", ""),
        ("p", "Utan Python och makron: lägg till tillägget xlwings Lite (Start > Tillägg, sök "
              "efter xlwings) och öppna det. Ersätt allt i main.py med raden nedan och lägg "
              "till raden för requirements.txt där (låt raden med xlwings stå kvar).", ""),
        ("t", "main.py", LITE_MAIN_PY),
        ("t", "requirements.txt", lite_requirements()),
        ("p", "Knapparna visas sedan i xlwings Lite. Filer som knapparna skapar laddar du ner "
              "via xlwings Lite-menyn ☰ > Files > Import/Export.", ""),
    ]  # fmt: skip
    row = last_row + 1
    for style, first, second in lines:
        row += 1
        if style == "h":
            ws.cell(row=row, column=1, value=first).font = Font(bold=True, size=13)
        elif style == "t":
            ws.cell(row=row, column=1, value=first).font = Font(bold=True)
            ws.cell(row=row, column=2, value=second)
        elif style == "p":
            ws.cell(row=row, column=1, value="• " + first)


# --------------------------------------------------------------------------- public API


def build_workbook(kommun: str | None = None, year: int | None = None, startdatum=None,
                   kontakt: str | None = None) -> Workbook:  # fmt: skip
    """A new, empty standard workbook; the Start cells are filled with what is given."""
    wb = Workbook()
    values = {"hc_kommun": kommun, "hc_ar": year, "hc_startdatum": startdatum,
              "hc_kontakt": kontakt, "hc_mallversion": C.TEMPLATE_VERSION}  # fmt: skip
    _start_sheet(wb.active, values)
    for spec in C.TABLES:
        _data_sheet(wb, spec)
    _lists_sheet(wb)
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
                   kontakt: str | None = None) -> bytes:  # fmt: skip
    return workbook_bytes(build_workbook(kommun, year, startdatum, kontakt))


def write_template(path: str | os.PathLike | Output, kommun: str | None = None, year: int | None = None,
                   startdatum=None, kontakt: str | None = None) -> Path:  # fmt: skip
    """Write a new workbook from the template (atomically)."""
    return write_bytes_atomic(path, template_bytes(kommun, year, startdatum, kontakt))
