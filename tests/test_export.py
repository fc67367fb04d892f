"""The export file a hub sends to the region: aggregates only, masking, refusal on personnummer."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
import python_calamine as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from examples import example_tables
from halsocenter.core import contract as C
from halsocenter.core.model import Finding
from halsocenter.core.privacy import luhn_ok, personal_data_errors
from halsocenter.core.stats import compute
from halsocenter.core.summary import FigureRow
from halsocenter.core.validate import validate
from halsocenter.errors import Refused as ExportRefused
from halsocenter.region.consolidate import read_report
from halsocenter.region.disclosure import mask_rows
from halsocenter.region.export import export
from halsocenter.region.export_format import (
    CHECK_COLUMNS,
    EXPORT_COLUMNS,
    MASKED_DIMENSIONS,
    ExportRow,
    export_filename,
)
from halsocenter.xlsx.read import read_workbook, workbook_data

MARK = "Hemlig kommentar XYZZY om deltagaren"


def personnummer(prefix: str = "811218987") -> str:
    """A personnummer with a correct check digit, written with a dash."""
    digit = next(d for d in range(10) if luhn_ok(prefix + str(d)))
    return f"19{prefix[:6]}-{prefix[6:]}{digit}"


def all_cells(path: Path) -> list:
    book = pc.CalamineWorkbook.from_path(str(path))
    return [v for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
            for v in row if v != ""]  # fmt: skip


def sheet(path: Path, name: str) -> list[list]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


@pytest.fixture(scope="module")
def tables():
    tables, settings = example_tables("Vaggeryd", 2024)
    tables["remisser"][0]["kommentar"] = MARK
    tables["uppfoljningar"][0]["kommentar"] = MARK + " 2"
    return tables, settings


@pytest.fixture(scope="module")
def exported(tables, tmp_path_factory):
    wb = workbook_data(*tables)
    out = tmp_path_factory.mktemp("export")
    return wb, export(wb, out, mask_below=5), out


def test_file_name_and_sheets(exported):
    wb, path, out = exported
    assert path.name == "Halsocenter_Vaggeryd_2024.xlsx" == export_filename("Vaggeryd", 2024)
    book = pc.CalamineWorkbook.from_path(str(path), load_tables=True)
    assert book.sheet_names == ["Rapportdata", "Plan", "Historik", "Info", "Kontroll"]
    assert "tblRapportdata" in book.table_names
    assert [p.name for p in out.iterdir()] == [path.name]  # no temp files left behind


def test_no_row_level_data(exported, tables):
    wb, path, _ = exported
    secrets = set()
    for key in ("remisser", "uppfoljningar"):
        for row in tables[0][key]:
            secrets.add(row["lopnummer"])
            if row.get("kommentar"):
                secrets.add(row["kommentar"])
    for row in tables[0]["narvaro"]:
        secrets.add(row["deltagar_id"])
    for row in tables[0]["styrgrupp"] + tables[0]["aktiviteter"]:
        for key in ("anteckning", "kommentar"):
            if row.get(key):
                secrets.add(row[key])
    assert MARK in secrets and len(secrets) > 50
    cells = [str(v) for v in all_cells(path)]
    assert not secrets & set(cells)
    long = [s for s in secrets if len(s) >= 10]
    assert not [c for c in cells if any(s in c for s in long)]
    with zipfile.ZipFile(path) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
    assert MARK not in xml and "Löpnummer" not in xml


def test_rapportdata_matches_summary(exported):
    wb, path, _ = exported
    rows = sheet(path, "Rapportdata")
    assert tuple(rows[0]) == EXPORT_COLUMNS
    summary = compute(wb)
    assert len(rows) - 1 == len(summary.figures)
    report = read_report(path)
    assert (report.kommun, report.year, report.kind) == ("Vaggeryd", 2024, "exportfil")
    for figure, row in zip(summary.figures, report.rows, strict=True):
        assert (figure.key, figure.dimension) == (row.key, row.dimension)
        if not row.masked:
            assert row.value == figure.value
    assert len(report.plan) == len(summary.plan) > 0
    assert report.history[2023]["remisser"] == 88  # Vaggeryd's published 2023 total


def test_masking_marks_small_counts_not_zero(exported):
    wb, path, _ = exported
    original = {(f.key, f.dimension): f.value for f in compute(wb).figures}
    rows = sheet(path, "Rapportdata")[1:]
    masked = [r for r in rows if r[5] == "Ja"]
    assert masked, "Vaggeryd's example has small groups (e.g. Kön=Annat) that must be masked"
    for r in masked:
        assert r[4] == ""  # empty, never 0
        assert r[3].split("=")[0] in MASKED_DIMENSIONS
        assert original[(r[2], r[3])] > 0
    for r in rows:
        name = r[3].split("=")[0] if r[3] else ""
        value = original[(r[2], r[3])]
        if name in MASKED_DIMENSIONS and value is not None and 0 < value < 5:
            assert r[5] == "Ja", r
        if r[5] != "Ja":
            assert r[4] == ("" if value is None else value), r
    info = {r[0]: r[1] for r in sheet(path, "Info")}
    assert info["Maskerade under"] == 5


def test_mask_rows_secondary_suppression():
    figures = [FigureRow("remisser", "", 40), FigureRow("remisser", "Kön=Kvinna", 25),
               FigureRow("remisser", "Kön=Man", 12), FigureRow("remisser", "Kön=Annat", 3),
               FigureRow("remisser", "Kön=Uppgift saknas", 0),
               FigureRow("remisser", "Typ=FaR", 2)]  # fmt: skip
    rows = {(r.key, r.dimension): r for r in mask_rows(figures, 5)}
    assert rows[("remisser", "Kön=Annat")].masked and rows[("remisser", "Kön=Annat")].value is None
    # one masked value could be recomputed from the total: the next smallest is masked too
    assert rows[("remisser", "Kön=Man")].masked
    assert not rows[("remisser", "Kön=Kvinna")].masked
    assert rows[("remisser", "Kön=Uppgift saknas")].value == 0  # zero is not small, just zero
    assert not rows[("remisser", "Typ=FaR")].masked  # not a demographic breakdown
    assert rows[("remisser", "")].value == 40
    assert mask_rows(figures, None) == mask_rows(figures, 1)
    assert not any(r.masked for r in mask_rows(figures, None))


def _possible_values(values, masked, limit):
    """For each masked cell, the values a reader could still give it, knowing the total (always
    public: every unmasked breakdown adds up to it), every shown cell, and that each masked cell
    is a whole number >= 0 — and, when every masked cell is a small one, that each lies in
    1..limit-1 (the export says "Maskerade under"). Enumerated: the sums the other masked cells
    can reach, then every value of this cell that completes the remainder."""
    rest = sum(values[i] for i in masked)
    all_small = all(0 < values[i] < limit for i in masked)
    bounds = range(1, limit) if all_small else range(0, rest + 1)
    options = {}
    for i in masked:
        sums = {0}
        for _ in range(len(masked) - 1):
            sums = {s + v for s in sums for v in bounds if s + v <= rest}
        options[i] = {rest - s for s in sums if rest - s in bounds}
    return options


breakdowns = st.lists(st.integers(0, 12), min_size=2, max_size=6)


@settings(max_examples=300, deadline=None)
@given(values=breakdowns, limit=st.integers(2, 10))
def test_no_masked_cell_can_be_recomputed(values, limit):
    """The masking property (``export.suppress``): in every breakdown, for a reader who knows
    the total, the cells shown beside the masked ones (zeros included), and what "Maskerade
    under N" says about small cells, every masked cell still has at least two possible values
    — unless the whole breakdown is masked and nothing more can be hidden. Masked cells are
    empty and marked, never 0; every value 1..N-1 is masked; the total is never touched."""
    total = sum(values)
    figures = [FigureRow("remisser", "", total),
               *(FigureRow("remisser", f"Kön={i}", v) for i, v in enumerate(values)),
               FigureRow("remisser", "Typ=FaR", total)]  # fmt: skip
    rows = mask_rows(figures, limit)
    assert rows[0] == ExportRow("remisser", "", total) and not rows[-1].masked
    cells = rows[1:-1]
    masked = [i for i, r in enumerate(cells) if r.masked]
    assert all(cells[i].value is None for i in masked)
    assert all(r.value == v for r, v in zip(cells, values, strict=True) if not r.masked)
    assert all(cells[i].masked for i, v in enumerate(values) if 0 < v < limit)
    if not masked:
        return
    assert len(masked) >= 2  # a lone masked cell is the total minus the others
    everything = len(masked) == len(values)
    for i, options in _possible_values(values, masked, limit).items():
        assert values[i] in options
        assert len(options) >= 2 or everything, (values, limit, masked, i, options)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=1, max_size=8),
       limit=st.integers(2, 10))  # fmt: skip
def test_masking_is_total_on_any_breakdown(values, limit):
    """Also with values that could not be computed (None) and long breakdowns: no small value
    is shown, a masked cell is never alone among the known ones, nothing is ever 0 in place of
    a masked value."""
    figures = [FigureRow("remisser", f"Fokus={i}", v) for i, v in enumerate(values)]
    rows = mask_rows(figures, limit)
    assert not [r for r in rows if not r.masked and r.value and r.value < limit]
    masked = [r for r in rows if r.masked]
    assert all(r.value is None for r in masked)
    known = [v for v in values if v is not None]
    if masked and len(known) > 1:
        assert len(masked) >= 2


def test_three_referrals_all_men_are_not_recomputable():
    """The case from the issue: 3 referrals, all men, masked under 5. Kön=Man alone masked
    beside a total of 3 and zeros was the value itself; now every Kön cell is hidden."""
    values = {"Kvinna": 0, "Man": 3, "Annat": 0, "Uppgift saknas": 0}
    figures = [FigureRow("remisser", "", 3),
               *(FigureRow("remisser", f"Kön={k}", v) for k, v in values.items())]
    rows = {r.dimension: r for r in mask_rows(figures, 5)}
    assert rows[""].value == 3
    assert all(rows[f"Kön={k}"].masked and rows[f"Kön={k}"].value is None for k in values)


def test_two_ones_are_not_left_as_the_only_masked_cells():
    """1 and 1 masked beside 10: a reader who knows masked cells are 1..4 would know both."""
    figures = [FigureRow("remisser", "", 12), FigureRow("remisser", "Åldersgrupp=18–29", 1),
               FigureRow("remisser", "Åldersgrupp=30–44", 1),
               FigureRow("remisser", "Åldersgrupp=45–64", 10),
               FigureRow("remisser", "Åldersgrupp=65–79", 0)]  # fmt: skip
    rows = {r.dimension: r for r in mask_rows(figures, 5)}
    assert rows["Åldersgrupp=45–64"].masked and not rows["Åldersgrupp=65–79"].masked


def test_info_and_kontroll(tmp_path):
    src = EXAMPLES / "Eksjö_2024.xlsx"
    if not src.exists():
        pytest.skip("exempelarbetsböckerna saknas")
    wb = read_workbook(src)
    phone = Finding("contact_info", "warning", wb.tables["remisser"].sheet, 5, "Kommentar", "O5",
                    "070-1234567", "Remisser, rad 5: 070-1234567 ser ut som ett telefonnummer.")
    own = Finding("contact_info", "warning", "Mina anteckningar", 2, None, "C2",
                  "ring 070-7654321", "Mina anteckningar, cell C2: …")  # a sheet of the coach's
    path = export(wb, tmp_path, findings=[phone, phone, own])
    info = {r[0]: r[1] for r in sheet(path, "Info")}
    assert tuple(info) == C.EXPORT_INFO_LABELS  # the allow-list's labels, nothing else
    assert info["Kommun"] == "Eksjö" and info["År"] == 2024
    assert info["Status"] == C.STATUS_FINAL and info["Exportformat"] == C.EXPORT_FORMAT
    assert info["Mallversion"] == C.TEMPLATE_VERSION and info["Programversion"]
    assert (info["Fel"], info["Varningar"]) == (0, 3)
    kontroll = sheet(path, "Kontroll")
    assert tuple(kontroll[0]) == CHECK_COLUMNS and "Värde" not in kontroll[0]
    # counts per rule, sheet and column: never a cell, a value or a message
    assert kontroll[1:] == [["Varning", "Kontaktuppgift", "contact_info", "Remisser", "Kommentar",
                             2], ["Varning", "Kontaktuppgift", "contact_info", C.OTHER_SHEET, "",
                                  1]]  # fmt: skip
    cells = str(all_cells(path))
    for secret in ("070-1234567", "070-7654321", "Mina anteckningar", "O5", "Eksjö_2024"):
        assert secret not in cells
    with zipfile.ZipFile(path) as zf:  # no file name anywhere, not even in a property
        xml = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
    assert "Eksjö_2024" not in xml and "Källfil" not in xml


def test_refuses_with_personnummer_in_kommentar(tables, tmp_path):
    rows, settings_ = tables
    rows = {k: [dict(r) for r in v] for k, v in rows.items()}
    rows["remisser"][3]["kommentar"] = f"Ring om {personnummer()} imorgon"
    wb = workbook_data(rows, settings_)
    findings = validate(wb)
    assert personal_data_errors(findings)
    out = tmp_path / "ut"
    with pytest.raises(ExportRefused) as info:
        export(wb, out)
    assert "personnummer" in info.value.message and info.value.findings
    assert not out.exists() or not list(out.iterdir())
    # a warning alone (a phone number) does not stop the export
    rows["remisser"][3]["kommentar"] = "Ring 070-123 45 67"
    path = export(workbook_data(rows, settings_), out)
    assert path.exists()


def test_refuses_without_kommun_or_year(tmp_path):
    wb = workbook_data({"remisser": [{"lopnummer": "1", "inkom": date(2024, 1, 5), "typ": "FaR",
                                      "remittent": "Vårdcentral", "utfall": "Väntar"}]},
                       {"hc_ar": 2024})  # fmt: skip
    with pytest.raises(ExportRefused):
        export(wb, tmp_path)
    assert not list(tmp_path.glob("*.xlsx"))


# --------------------------------------------------------------------------- the allow-list


def test_the_export_carries_exactly_the_allow_listed_fields(exported):
    """Every sheet, column and Info label of the file is in ``contract.EXPORT_FIELDS``, and
    every value is of its field's kind: keys are contract keys, list values are list values
    (or the program's two own categories), the program's texts are the program's."""
    wb, path, _ = exported
    book = pc.CalamineWorkbook.from_path(str(path))
    assert tuple(book.sheet_names) == C.EXPORT_SHEETS
    for name in C.EXPORT_SHEETS:
        rows = sheet(path, name)
        if name == C.EXPORT_INFO_SHEET:
            assert tuple(r[0] for r in rows) == C.export_fields(name)
            continue
        assert tuple(rows[0]) == C.export_fields(name), name
    kinds = {(f.sheet, f.field): f.kind for f in C.EXPORT_FIELDS}
    lists = {c.header: set(wb.list_values(c.list)) | set(C.OWN_CATEGORIES)
             for c in C.PLAN.columns if c.list}  # fmt: skip
    activity = C.AKTIVITETER.column("aktivitet").header
    dims = {c.header: set(wb.list_values(c.list)) | set(C.OWN_CATEGORIES)
            for t in (C.REMISSER, C.UPPFOLJNINGAR, C.AKTIVITETER, C.PLAN) for c in t.columns
            if c.list}  # fmt: skip
    dims[C.REMISSER.column("typ").header] |= set(wb.list_values("remisstyp"))
    for name in (C.DATA_SHEET, C.EXPORT_PLAN_SHEET, C.EXPORT_HISTORY_SHEET):
        rows = sheet(path, name)
        for r in rows[1:]:
            for header, value in zip(rows[0], r, strict=True):
                kind = kinds[(name, header)]
                if value == "":
                    continue
                if kind == "key":
                    assert value in C.FIGURE_BY_KEY, (name, header, value)
                elif kind == "number":
                    assert isinstance(value, (int, float)), (name, header, value)
                elif kind == "list" and header == "Dimension":
                    dim, _, v = value.partition("=")
                    assert dim in {d for f in C.FIGURES for d in f.dimensions}, value
                    if dim == C.DIM_MONTH:
                        assert re.fullmatch(r"\d{4}-\d{2}", v), value
                    elif dim != activity:  # an activity's name: free text after the guard
                        assert v in dims[dim], value
                elif kind == "list" and header == "Kommun":
                    assert value in wb.list_values("kommun"), value
                elif kind == "list":
                    assert value in lists[header], (header, value)
    programs = {C.EXPORT_KIND, C.STATUS_FINAL, C.STATUS_PRELIMINARY, C.EXPORT_MASKED,
                *C.SEVERITY_LABELS.values()}
    info = {r[0]: r[1] for r in sheet(path, C.EXPORT_INFO_SHEET)}
    for label, value in info.items():
        if kinds[(C.EXPORT_INFO_SHEET, label)] == "program" and label != "Programversion":
            assert value in programs, (label, value)


def test_long_typed_text_never_leaves_even_cut_short(tables, tmp_path):
    """The trial's leak: text of over 60 characters typed into a dropdown column, a Löpnummer,
    Närvaro's Aktivitet or a Styrgrupp cell reached the export's Kontroll cut to 57
    characters, where the step that removed values never found it whole."""
    secret = ("Tok… Anna Andersson har diabetes typ 2 och ska följas upp av sjuksköterskan på "
              "vårdcentralen i vår")
    rows, settings_ = tables
    rows = {k: [dict(r) for r in v] for k, v in rows.items()}
    rows["remisser"][2]["kon"] = secret
    rows["remisser"][3]["lopnummer"] = secret
    rows["narvaro"][0]["aktivitet"] = secret + " närvaro"
    rows["styrgrupp"][0]["kommun"] = secret + " styrgrupp"
    wb = workbook_data(rows, settings_)
    path = export(wb, tmp_path, preliminary=True)
    kontroll = sheet(path, C.EXPORT_CHECK_SHEET)
    assert kontroll[0] == list(C.EXPORT_CHECK_COLUMNS) and len(kontroll) > 1
    with zipfile.ZipFile(path) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
    pieces = {secret[i:i + 20] for i in range(len(secret) - 19)}
    assert not [p for p in pieces if p in xml]
    assert "Andersson" not in xml and "diabetes" not in xml


def test_a_personnummer_in_the_file_name_stays_home(tmp_path):
    """The trial's other leak: a workbook saved as ``Anna Andersson 811218-9876.xlsx`` (the
    file name is not a cell: ``check`` does not read it) put the name and personnummer in the
    export's Info!Källfil. Nothing read from a file name is written now."""
    src = EXAMPLES / "Eksjö_2024.xlsx"
    if not src.exists():
        pytest.skip("exempelarbetsböckerna saknas")
    named = tmp_path / f"Anna Andersson {personnummer()[2:]}.xlsx"
    named.write_bytes(src.read_bytes())
    path = export(read_workbook(named), tmp_path / "ut")
    with zipfile.ZipFile(path) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
    assert "Anna Andersson" not in xml and "Andersson" not in xml and "811218" not in xml
    assert "Källfil" not in xml
