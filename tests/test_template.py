"""The workbook template: everything the contract names is there, drop-downs follow the lists
(also when a coach adds a value), the committed file is what the generator makes, and LibreOffice
opens it."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

from conftest import EXAMPLES, TEMPLATE, lo_convert, needs_soffice
from halsocenter.core import contract as C
from halsocenter.core import region_config
from halsocenter.xlsx import template


@pytest.fixture(scope="module")
def wb() -> openpyxl.Workbook:
    return openpyxl.load_workbook(TEMPLATE)


def _dv_for(ws, cell: str):
    """The data validation that covers ``cell`` (exactly one)."""
    hits = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(hits) == 1, f"{ws.title}!{cell}: {len(hits)} validations"
    return hits[0]


def test_sheets_in_contract_order(wb):
    assert wb.sheetnames == [C.START_SHEET, *(t.sheet for t in C.TABLES), C.LISTS_SHEET,
                             C.REGION_SHEET]  # fmt: skip
    assert not set(wb.sheetnames) & set(C.GENERATED_SHEETS)
    assert [ws.sheet_state for ws in wb] == ["visible"] * (len(wb.sheetnames) - 1) + ["hidden"]


def test_the_workbook_carries_its_region(wb):
    """The hidden sheet Region holds the region's configuration in the named cell hc_region:
    the built-in region's, without population."""
    ref = wb.defined_names[C.REGION_CELL.name].attr_text
    assert ref.replace("'", "") == f"{C.REGION_SHEET}!$A$5"
    text = wb[C.REGION_SHEET]["A5"].value
    assert region_config.parse(text) == region_config.DEFAULT
    assert "invanare" not in text


@pytest.mark.parametrize("spec", C.TABLES, ids=lambda t: t.key)
def test_every_table_has_headers_formats_and_validations(wb, spec):
    ws = wb[spec.sheet]
    last = get_column_letter(len(spec.columns))
    assert set(ws.tables) == {spec.name}
    table = ws.tables[spec.name]
    assert table.ref == f"A1:{last}2"
    assert table.tableStyleInfo.name == template.TABLE_STYLE
    assert [c.name for c in table.tableColumns] == list(spec.headers)
    headers = tuple(ws.cell(row=1, column=i + 1).value for i in range(len(spec.columns)))
    assert headers == spec.headers
    assert ws.freeze_panes == "A2"
    for i, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        dim = ws.column_dimensions[letter]
        assert dim.width == column.width
        if column.kind in template.NUMBER_FORMATS:
            assert dim.number_format == template.NUMBER_FORMATS[column.kind]
        for row in (2, template.INPUT_ROWS):
            dv = _dv_for(ws, f"{letter}{row}")
        assert f"{letter}{template.INPUT_ROWS + 1}" not in dv.sqref
        assert dv.showInputMessage and dv.prompt and len(dv.prompt) <= 255
        assert dv.promptTitle == column.header[:32]
        required = "Måste fyllas i. " if column.required else ""
        assert dv.prompt.startswith(required + column.help)
        assert dv.prompt.startswith("Måste fyllas i.") == column.required
        expected = {"list": "list", "date": "date", "int": "whole", "number": "decimal"}
        assert dv.type == expected.get(column.kind)
        if column.kind == "list":
            assert dv.formula1 == C.LIST_BY_KEY[column.list].defined_name
            assert dv.errorStyle == "stop" and C.LISTS_SHEET in dv.error
        elif column.kind == "date":
            assert (dv.formula1, dv.formula2) == ("36526", "73415")  # 2000-01-01, 2100-12-31
        elif column.kind in ("int", "number"):
            assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")


def test_start_sheet_named_cells(wb):
    ws = wb[C.START_SHEET]
    for nc in C.NAMED_CELLS:
        dn = wb.defined_names[nc.name]
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", nc.cell).groups()
        assert dn.attr_text == f"'{C.START_SHEET}'!${col}${row}"
        assert ws.cell(row=int(row), column=1).value == nc.label
        assert _dv_for(ws, nc.cell).prompt
    assert ws[C.NAMED_CELL_BY_NAME["hc_mallversion"].cell].value == C.TEMPLATE_VERSION
    kommun = C.NAMED_CELL_BY_NAME["hc_kommun"].cell
    assert ws[kommun].value is None
    assert _dv_for(ws, kommun).formula1 == C.LIST_BY_KEY["kommun"].defined_name
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    for spec in C.TABLES:
        assert spec.description in text
    assert "personnummer" in text and "Kontrollera" in text and C.SUMMARY_SHEET in text


INPUT_SHEETS = [C.START_SHEET, *(t.sheet for t in C.TABLES), C.LISTS_SHEET]
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _workbooks():
    return [TEMPLATE, *sorted(EXAMPLES.glob("*.xlsx"))]


@pytest.mark.parametrize("path", _workbooks(), ids=lambda p: p.stem)
def test_every_font_names_its_face(path):
    """A font without a name prints in a serif fallback in LibreOffice: none may lack one, in
    styles.xml (cell fonts and named styles) or on any cell."""
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        styles = etree.fromstring(zf.read("xl/styles.xml"))
    fonts = styles.find(f"{MAIN_NS}fonts")
    assert len(fonts)
    for font in fonts:
        name = font.find(f"{MAIN_NS}name")
        assert name is not None and name.get("val") == "Calibri", etree.tostring(font)
        assert font.find(f"{MAIN_NS}sz") is not None
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.has_style or cell.value is not None:
                    assert cell.font.name == "Calibri", (ws.title, cell.coordinate)


def test_start_marks_the_cells_to_fill(wb):
    ws = wb[C.START_SHEET]
    to_fill = [nc for nc in C.NAMED_CELLS if nc.name not in template.TEMPLATE_FILLED]
    assert to_fill and len(to_fill) == len(C.NAMED_CELLS) - 1
    for nc in to_fill:
        cell = ws[nc.cell]
        assert cell.style == template.INPUT_STYLE, nc.cell
        assert cell.fill.fgColor.rgb.endswith(template.COLOR_INPUT_FILL)
        dv = _dv_for(ws, nc.cell)
        assert dv.showInputMessage and dv.promptTitle == nc.label and dv.prompt
    fixed = ws[C.NAMED_CELL_BY_NAME["hc_mallversion"].cell]
    assert fixed.style != template.INPUT_STYLE and not fixed.fill.fgColor.rgb.endswith(
        template.COLOR_INPUT_FILL)
    named = {s.name: s for s in wb._named_styles}
    assert named[template.INPUT_STYLE].builtinId == 20  # Excel's own "Indata" style
    intro = ws["A2"].value
    assert f"{to_fill[0].cell}–{to_fill[-1].cell}" in intro
    assert all(nc.label.lower() in intro for nc in to_fill)


@pytest.mark.parametrize("path", _workbooks(), ids=lambda p: p.stem)
def test_start_values_fit_their_cells(path):
    """Kontaktperson and the other settings are not cut off by the hint beside them."""
    ws = openpyxl.load_workbook(path)[C.START_SHEET]
    width = ws.column_dimensions["B"].width
    for nc in C.NAMED_CELLS:
        value = ws[nc.cell].value
        if value is not None:
            assert len(str(value)) <= width * 0.95, (nc.name, value, width)
    assert ws.column_dimensions["C"].width >= max(len(nc.help) for nc in C.NAMED_CELLS) * 0.95


@pytest.mark.parametrize("path", _workbooks(), ids=lambda p: p.stem)
def test_every_input_sheet_prints_landscape_one_page_wide_with_its_header(path):
    book = openpyxl.load_workbook(path)
    titles = {t.sheet: "$1:$1" for t in C.TABLES}
    titles[C.LISTS_SHEET] = f"${template.LIST_HEADER_ROW}:${template.LIST_HEADER_ROW}"
    for name in INPUT_SHEETS:
        ws = book[name]
        assert ws.page_setup.orientation == "landscape", name
        if name == C.LISTS_SHEET:  # twenty lists side by side: full size over pages across
            assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale == 100
        else:
            assert ws.sheet_properties.pageSetUpPr.fitToPage, name
            pages_tall = 1 if name == C.START_SHEET else 0  # the form and its help on one page
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, pages_tall), name
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert "&P" in ws.oddFooter.right.text and ws.oddFooter.left.text == "&A"
        if name in titles:
            assert ws.print_title_rows == titles[name], name
    assert book[C.START_SHEET].print_title_rows is None  # a form, not a table


def test_data_sheet_headers_carry_their_look(wb):
    """LibreOffice does not draw table styles: the header cells are styled themselves."""
    for spec in C.TABLES:
        for cell in wb[spec.sheet][1][: len(spec.columns)]:
            assert cell.font.b and cell.fill.fgColor.rgb.endswith("1F4E79"), cell.coordinate


def _list_columns(wb) -> dict[str, tuple[int, int, int]]:
    """List key -> (column, first value row, last value row) of its table on Listor."""
    ws = wb[C.LISTS_SHEET]
    out = {}
    for lst in C.LISTS:
        table = ws.tables[lst.table]
        first, last = table.ref.split(":")
        col = column_index_from_string(re.sub(r"\d", "", first))
        out[lst.key] = (col, int(re.sub(r"\D", "", first)) + 1, int(re.sub(r"\D", "", last)))
    return out


def test_lists_are_tables_with_the_contract_values(wb):
    ws = wb[C.LISTS_SHEET]
    cols = _list_columns(wb)
    for lst in C.LISTS:
        col, first, last = cols[lst.key]
        assert ws.cell(row=first - 1, column=col).value == lst.header
        assert tuple(ws.cell(row=r, column=col).value for r in range(first, last + 1)) == lst.values
        assert ws.cell(row=last + 1, column=col).value is None
        assert ws.cell(row=first, column=col + 1).value is None  # blank column between lists


def _evaluate_list_name(formula: str, ws) -> list:
    """Evaluate ``Sheet!$X$a:INDEX(Sheet!$X$a:$X$b,COUNTA(Sheet!$X$a:$X$b))`` on ``ws``."""
    m = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):INDEX\('?\1'?!\$\2\$\3:\$\2\$(\d+),"
                     r"COUNTA\('?\1'?!\$\2\$\3:\$\2\$\4\)\)", formula)  # fmt: skip
    assert m, formula
    assert m[1] == ws.title
    col, first, block_end = column_index_from_string(m[2]), int(m[3]), int(m[4])
    block = [ws.cell(row=r, column=col).value for r in range(first, block_end + 1)]
    count = sum(v is not None for v in block)
    return block[:count]


def test_defined_name_grows_when_a_value_is_added_below_a_list():
    wb = template.build_workbook()
    ws = wb[C.LISTS_SHEET]
    cols = _list_columns(wb)
    for lst in C.LISTS:
        formula = wb.defined_names[lst.defined_name].attr_text
        assert _evaluate_list_name(formula, ws) == list(lst.values)
        col, _, last = cols[lst.key]
        ws.cell(row=last + 1, column=col, value="Eget värde")
        assert _evaluate_list_name(formula, ws) == [*lst.values, "Eget värde"]


def test_committed_template_is_what_the_generator_makes():
    made = template.template_bytes()
    committed = TEMPLATE.read_bytes()
    if made != committed:
        with zipfile.ZipFile(io.BytesIO(made)) as a, zipfile.ZipFile(io.BytesIO(committed)) as b:
            differ = [n for n in a.namelist() if n not in b.namelist() or a.read(n) != b.read(n)]
        pytest.fail(f"{TEMPLATE.name} är inaktuell ({differ}); kör scripts/make-template")


def test_bytes_are_deterministic_and_dates_fixed():
    a = template.template_bytes(kommun="Habo", year=2025, startdatum=date(2020, 5, 4))
    b = template.template_bytes(kommun="Habo", year=2025, startdatum=date(2020, 5, 4))
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as zf:
        assert all(i.date_time == template.ZIP_TIME for i in zf.infolist())
        assert zf.namelist()[0] == "[Content_Types].xml"
        assert b"2024-01-01T00:00:00Z" in zf.read("docProps/core.xml")
    assert a != template.template_bytes(kommun="Habo", year=2026)


def test_start_values_and_atomic_write(tmp_path):
    path = template.write_template(tmp_path / "ny.xlsx", kommun="Habo", year=2025,
                                   startdatum=date(2020, 5, 4), kontakt="Hälsocoachen")  # fmt: skip
    assert [p.name for p in tmp_path.iterdir()] == ["ny.xlsx"]
    ws = openpyxl.load_workbook(path)[C.START_SHEET]
    got = {nc.name: ws[nc.cell].value for nc in C.NAMED_CELLS}
    assert (got["hc_kommun"], got["hc_ar"], got["hc_kontakt"]) == ("Habo", 2025, "Hälsocoachen")
    assert got["hc_startdatum"].date() == date(2020, 5, 4)


def test_fill_table_appends_below_and_grows_the_table():
    wb = template.build_workbook()
    rows = [{"ar": 2022, "remisser": 10}, {"ar": 2023, "remisser_far": 7}]
    assert template.fill_table(wb, C.TIDIGARE_AR, rows) == 3
    assert template.fill_table(wb, C.TIDIGARE_AR, [{"ar": 2024}]) == 4
    ws = wb[C.TIDIGARE_AR.sheet]
    assert ws.tables[C.TIDIGARE_AR.name].ref == "A1:D4"
    assert [[c.value for c in row] for row in ws["A2:D4"]] == [
        [2022, 10, None, None], [2023, None, 7, None], [2024, None, None, None]]
    with pytest.raises(KeyError):
        template.fill_table(wb, C.TIDIGARE_AR, [{"okand": 1}])


# --------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def lo_outputs(tmp_path_factory):
    """One LibreOffice run per file: the template and an example to PDF, and a probe workbook
    (a value added under a list, formulas over its defined name) to csv."""
    d = tmp_path_factory.mktemp("lo")
    probe = template.build_workbook()
    lst = C.LIST_BY_KEY["fokusomrade"]
    col, _, last = _list_columns(probe)[lst.key]
    probe[C.LISTS_SHEET].cell(row=last + 1, column=col, value="Sömn och vila")
    start = probe[C.START_SHEET]
    start["A1"] = f"=ROWS({lst.defined_name})"
    start["A2"] = f"=INDEX({lst.defined_name},ROWS({lst.defined_name}))"
    probe_path = d / "probe.xlsx"
    template.write_workbook(probe, probe_path)
    example = sorted(EXAMPLES.glob("*.xlsx"))[0]
    return {
        "template": lo_convert(TEMPLATE, "pdf", d / "template"),
        "example": lo_convert(example, "pdf", d / "example"),
        "probe": lo_convert(probe_path, "csv:Text - txt - csv (StarCalc):44,34,76", d / "probe"),
        "n": len(lst.values) + 1,
    }


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_opens_template_and_example(lo_outputs):
    for key in ("template", "example"):
        assert lo_outputs[key].read_bytes().startswith(b"%PDF")


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_dropdown_name_covers_an_added_value(lo_outputs):
    rows = list(csv.reader(lo_outputs["probe"].read_text(encoding="utf-8", errors="replace")
                           .splitlines()))  # fmt: skip
    assert rows[0][0] == str(lo_outputs["n"])
    assert rows[1][0] == "Sömn och vila"


def _pdf_pages(pdf) -> list[str]:
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    return text.split("\f")


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_prints_input_sheets_landscape_with_the_header_on_every_page(lo_outputs):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler (pdftotext) saknas")
    pdf = lo_outputs["example"]
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert sizes and all(float(w) > float(h) for w, h in sizes)  # every page landscape
    pages = _pdf_pages(pdf)
    headers = C.REMISSER.headers
    remisser = [p for p in pages if re.search(r"^\s*Remisser\s+Sida \d+ av \d+", p, re.M)]
    assert 1 <= len(remisser) <= 4, len(remisser)  # not 15 pages of column bands
    for page in remisser:
        line = next(ln for ln in page.splitlines() if headers[0] in ln)
        # the whole header row on one line of every page: no columns cut into bands
        assert headers[1] in line and headers[-1] in line, line
    assert "Hälsocenter – arbetsbok för verksamhetsåret" in pages[0]
    start = " ".join(pages[0].split())  # Start prints on one page, no bullet cut at the margin
    for style, text, _ in template.start_help(2024):
        if style == "p":
            assert " ".join(text.split()) in start, text
