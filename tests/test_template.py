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
from halsocenter import contract as C
from halsocenter import template


@pytest.fixture(scope="module")
def wb() -> openpyxl.Workbook:
    return openpyxl.load_workbook(TEMPLATE)


def _dv_for(ws, cell: str):
    """The data validation that covers ``cell`` (exactly one)."""
    hits = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(hits) == 1, f"{ws.title}!{cell}: {len(hits)} validations"
    return hits[0]


def test_sheets_in_contract_order(wb):
    assert wb.sheetnames == [C.START_SHEET, *(t.sheet for t in C.TABLES), C.LISTS_SHEET]
    assert not set(wb.sheetnames) & set(C.GENERATED_SHEETS)


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
        if column.help:
            assert dv.prompt.startswith(column.help)
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


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_opens_template_and_example(lo_outputs):
    for key in ("template", "example"):
        assert lo_outputs[key].read_bytes().startswith(b"%PDF")


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_dropdown_name_covers_an_added_value(lo_outputs):
    rows = list(csv.reader(lo_outputs["probe"].read_text(encoding="utf-8", errors="replace")
                           .splitlines()))  # fmt: skip
    assert rows[0][0] == str(lo_outputs["n"])
    assert rows[1][0] == "Sömn och vila"
