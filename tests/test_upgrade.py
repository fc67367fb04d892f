"""Template versioning: a version-0 (pilot) workbook reads through its migration, and
``upgrade`` moves every typed value into the current template.

The fixture ``fixtures/mall_v0.xlsx`` is written by ``write_v0_fixture`` below (run this file with
python to regenerate it); a test checks the committed file still matches the generator.
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

from halsocenter.atomic import OutputError
from halsocenter.core import contract as C
from halsocenter.core.migrate import describe, migration_for, readable_versions
from halsocenter.core.parse import norm_header
from halsocenter.xlsx import template
from halsocenter.xlsx.read import WorkbookError, read_workbook
from halsocenter.xlsx.upgrade import upgrade

FIXTURE = Path(__file__).parent / "fixtures" / "mall_v0.xlsx"

# --------------------------------------------------------------------------- the pilot layout

V0_HEADERS = {
    "remisser": ("Löpnummer", "Datum", "Remisstyp", "Remittent", "Kön", "Åldersgrupp", "Fokus",
                 "Första samtal", "Utfall", "Träning start", "Slussad till", "Avslutad",
                 "Kommentar", "Notering coach"),
    "uppfoljningar": C.UPPFOLJNINGAR.headers,
    "aktiviteter": ("Datum", "Aktivitet", "Fokusområde", "Typ", "Antal", "Timmar", "Målgrupp",
                    "Samarbetspart", "Kommentar"),
    "styrgrupp": C.STYRGRUPP.headers,
    "plan": C.PLAN.headers,
    "tidigare_ar": C.TIDIGARE_AR.headers,
}  # fmt: skip
"""Pilot sheets: no Närvaro or Berättelse yet; Remisser is a plain range (no Excel table) with a
column the coach added herself ("Notering coach")."""

D = dt.datetime
V0_ROWS = {
    "remisser": [
        ("2022-001", D(2022, 1, 12), "FaR", "Vårdcentral", "Kvinna", "45–64", "Fysisk aktivitet",
         D(2022, 1, 25), "Genomfört", "<30 min", "Förening", D(2022, 6, 1), "Vill gå i grupp",
         "ring i maj"),
        ("2022-002", D(2022, 2, 3), "FaR", "Vårdcentral", "Man", "65–79", "Matvanor", None,
         "Uteblev", None, None, None, None, None),
        ("2022-003", D(2022, 11, 28), "Egen kontakt", "Egen kontakt", "Kvinna", "30–44",
         "Sömn", None, "Väntar", None, None, None, "Hörde om oss på biblioteket", "prio"),
        ("2022-004", D(2022, 12, 2), "Annan remiss", "Kommun", "Uppgift saknas", "18–29",
         "Stress och återhämtning", D(2022, 12, 14), "Genomfört", "30–59 min", None, None,
         None, None),
    ],
    "uppfoljningar": [
        ("2022-001", D(2022, 4, 26), "3 mån", "60–89 min", None, "Förening", "Går på gym"),
    ],
    "aktiviteter": [
        (D(2022, 3, 1), "FaR träningsgrupp", "Fysisk aktivitet", "Träningsgrupp", 6, 1.0,
         "FaR-deltagare", None, None),
        (D(2022, 3, 8), "FaR träningsgrupp", "Fysisk aktivitet", "Träningsgrupp", 7, 1.5,
         "FaR-deltagare", "Friskis", "ny lokal"),
        (D(2022, 5, 19), "Föreläsning sömn", "Sömn och vila", "Föreläsning", 42, 2,
         "Allmänhet", "Biblioteket", None),
    ],
    "styrgrupp": [(D(2022, 2, 15), "Ja", "Ja", "Nej", "Nej", "Första mötet")],
    "plan": [
        ("Fysisk aktivitet", "FaR träningsgrupp", "Genomförd", "Bra", "Fortsätter 2023"),
        ("Sömn och vila", "Föreläsning om sömn", "Genomförd", "42 deltagare", None),
    ],
    "tidigare_ar": [(2021, 3, 3, 2)],
}  # fmt: skip

V0_LOCAL = {"fokusomrade": ("Sömn och vila",), "slussad": ("Simklubben",)}
"""Values the pilot hub added to its lists."""


def build_v0_workbook() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = C.START_SHEET
    ws["A1"] = "Hälsocenter – pilotarbetsbok"
    start = {"hc_kommun": "Mullsjö", "hc_ar": 2022, "hc_startdatum": D(2021, 9, 1),
             "hc_kontakt": "Pilotcoach", "hc_mallversion": 0}  # fmt: skip
    for nc in C.NAMED_CELLS:
        ws[f"A{nc.cell[1:]}"] = nc.label
        ws[nc.cell] = start[nc.name]
        if nc.kind == "date":
            ws[nc.cell].number_format = "yyyy-mm-dd"
        wb.defined_names[nc.name] = DefinedName(nc.name, attr_text=f"Start!${nc.cell[0]}$"
                                                                    f"{nc.cell[1:]}")
    for key, headers in V0_HEADERS.items():
        spec = C.TABLE_BY_KEY[key]
        ws = wb.create_sheet(spec.sheet)
        ws.append(list(headers))
        for row in V0_ROWS[key]:
            ws.append(list(row))
        for r in ws.iter_rows(min_row=2):
            for cell in r:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd"
        if key != "remisser":
            last = openpyxl.utils.get_column_letter(len(headers))
            ws.add_table(Table(displayName=spec.name, ref=f"A1:{last}{len(V0_ROWS[key]) + 1}"))
    ws = wb.create_sheet(C.LISTS_SHEET)
    for i, lst in enumerate(lst for lst in C.LISTS if lst.key != "avsnitt"):
        values = lst.values + V0_LOCAL.get(lst.key, ())
        col = i + 1
        ws.cell(row=1, column=col, value=lst.header)
        for j, value in enumerate(values, start=2):
            ws.cell(row=j, column=col, value=value)
        letter = openpyxl.utils.get_column_letter(col)
        ws.add_table(Table(displayName=lst.table, ref=f"{letter}1:{letter}{len(values) + 1}"))
    notes = wb.create_sheet("Anteckningar")
    notes["A1"] = "Kontakter i föreningslivet"
    notes["A2"] = "Friskis – träffas första tisdagen"
    notes["B3"] = D(2022, 2, 1)
    notes["B3"].number_format = "d mmm yyyy"
    return wb


def write_v0_fixture(path: Path = FIXTURE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return template.write_bytes_atomic(path, template.workbook_bytes(build_v0_workbook()))


# --------------------------------------------------------------------------- helpers


def table_values(path: Path, sheet: str | None = None):
    """Headers and rows (values as stored) of a data sheet, blank rows dropped; without
    ``sheet`` a dict of them for every data sheet (the file is loaded once)."""
    book = openpyxl.load_workbook(path)
    out = {}
    for spec in C.TABLES:
        if spec.sheet not in book.sheetnames or sheet not in (None, spec.sheet):
            continue
        rows = [list(r) for r in book[spec.sheet].iter_rows(values_only=True)]
        body = [r for r in rows[1:] if any(v is not None for v in r)]
        out[spec.sheet] = (list(rows[0]), body)
    return out if sheet is None else out[sheet]


def cell_formats(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {(c.row, c.column): c.number_format for row in ws.iter_rows(min_row=2) for c in row
            if c.value is not None}  # fmt: skip


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory) -> Path:
    assert FIXTURE.exists(), "kör: python tests/test_upgrade.py"
    return upgrade(FIXTURE, tmp_path_factory.mktemp("upg") / "uppgraderad.xlsx")


# --------------------------------------------------------------------------- tests


def test_committed_fixture_matches_its_generator(tmp_path):
    fresh = write_v0_fixture(tmp_path / "v0.xlsx")

    def members(path):  # compared by content: the zip layout belongs to template.py
        with zipfile.ZipFile(path) as zf:
            return {name: zf.read(name) for name in zf.namelist()}

    assert members(fresh) == members(FIXTURE)


def test_version_0_is_declared_with_its_renamed_and_added_columns():
    migration = migration_for(0)
    assert migration is not None and readable_versions() == (0, C.TEMPLATE_VERSION)
    assert migration.renamed["remisser"]["Datum"] == C.REMISSER.column("inkom").header
    assert migration.renamed["aktiviteter"]["Antal"] == C.AKTIVITETER.column("deltagare").header
    for table_key, renames in migration.renamed.items():  # targets are current headers
        assert set(renames.values()) <= set(C.TABLE_BY_KEY[table_key].headers)
    for table_key, headers in migration.added.items():
        assert set(headers) <= set(C.TABLE_BY_KEY[table_key].headers)
    lines = describe(migration)
    assert "Remisser: kolumnen ”Datum” heter nu ”Inkom”." in lines
    assert len(lines) == 5


def test_version_0_reads_into_the_current_tables():
    wb = read_workbook(FIXTURE)
    assert wb.version == 0 and wb.kommun == "Mullsjö" and wb.year == 2022
    assert wb.problems == []
    rem = wb.tables["remisser"]
    assert list(rem.df["lopnummer"]) == [r[0] for r in V0_ROWS["remisser"]]
    assert list(rem.df["inkom"].dt.date) == [r[1].date() for r in V0_ROWS["remisser"]]
    assert list(rem.df["typ"]) == [r[2] for r in V0_ROWS["remisser"]]
    assert rem.df["retur"].isna().all() and rem.df["vardag_start"].isna().all()
    assert "retur" not in rem.letters and rem.extra == ("Notering coach",)
    assert list(wb.tables["aktiviteter"].df["deltagare"]) == [6, 7, 42]
    assert len(wb.tables["berattelse"]) == 0 and len(wb.tables["narvaro"]) == 0
    assert wb.list_values("fokusomrade")[-1] == "Sömn och vila"


def test_a_version_without_migration_is_refused(tmp_path):
    wb = build_v0_workbook()
    wb[C.START_SHEET]["B8"] = -1
    path = tmp_path / "v-1.xlsx"
    wb.save(path)
    with pytest.raises(WorkbookError) as exc:
        read_workbook(path)
    assert exc.value.kind == "old_template"


def test_every_typed_value_survives_the_upgrade(upgraded):
    migration = migration_for(0)
    for key, old_headers in V0_HEADERS.items():
        spec = C.TABLE_BY_KEY[key]
        renames = {norm_header(o): n for o, n in migration.renamed.get(key, {}).items()}
        new_headers, new_rows = table_values(upgraded, spec.sheet)
        assert new_headers[: len(spec.headers)] == list(spec.headers)
        assert len(new_rows) == len(V0_ROWS[key]), key
        position = {norm_header(h): i for i, h in enumerate(new_headers)}
        for old_row, new_row in zip(V0_ROWS[key], new_rows, strict=True):
            for header, value in zip(old_headers, old_row, strict=True):
                new_header = renames.get(norm_header(header), header)
                assert new_row[position[norm_header(new_header)]] == value, (key, header)
        for header in migration.added.get(key, ()):
            assert all(r[position[norm_header(header)]] is None for r in new_rows)


def test_dates_keep_their_number_format(upgraded):
    formats = cell_formats(upgraded, C.REMISSER.sheet)
    col = C.REMISSER.keys.index("inkom") + 1
    assert {f for (r, c), f in formats.items() if c == col} == {"yyyy-mm-dd"}


def test_upgraded_workbook_is_current_and_reads_back_the_same(upgraded):
    old, new = read_workbook(FIXTURE), read_workbook(upgraded)
    assert new.version == C.TEMPLATE_VERSION and new.problems == []
    for key in ("hc_kommun", "hc_ar", "hc_startdatum", "hc_kontakt"):
        assert new.settings[key] == old.settings[key]
    for spec in C.TABLES:
        a, b = old.tables[spec.key].df, new.tables[spec.key].df
        assert a.reset_index(drop=True).equals(b.reset_index(drop=True)), spec.key
    assert new.tables["remisser"].extra == ("Notering coach",)
    for key, local in V0_LOCAL.items():
        values = new.list_values(key)
        assert values[: len(old.list_values(key))] == old.list_values(key)
        assert set(local) <= set(values)
    assert new.list_values("avsnitt") == C.LIST_BY_KEY["avsnitt"].values  # new list added
    names = openpyxl.load_workbook(upgraded).sheetnames
    assert names[: len(C.TABLES) + 2] == [C.START_SHEET, *(t.sheet for t in C.TABLES),
                                          C.LISTS_SHEET]
    assert "Anteckningar" in names
    notes = openpyxl.load_workbook(upgraded)["Anteckningar"]
    assert notes["A2"].value == "Friskis – träffas första tisdagen"
    assert notes["B3"].value == D(2022, 2, 1) and notes["B3"].number_format == "d mmm yyyy"


def test_upgrade_refuses_to_overwrite(tmp_path, upgraded):
    with pytest.raises(OutputError, match="samma fil"):
        upgrade(FIXTURE, FIXTURE)
    with pytest.raises(OutputError, match="finns redan"):
        upgrade(FIXTURE, upgraded)


def test_a_current_workbook_upgrades_to_itself(tmp_path):
    wb = template.build_workbook(kommun="Habo", year=2024)
    template.fill_table(wb, C.PLAN, [{"fokusomrade": "Matvanor", "aktivitet": "Kurs",
                                      "status": "Planerad"}])  # fmt: skip
    src = template.write_workbook(wb, tmp_path / "a.xlsx")
    dst = upgrade(src, tmp_path / "b.xlsx")
    assert table_values(src, C.PLAN.sheet) == table_values(dst, C.PLAN.sheet)
    assert read_workbook(dst).lists == read_workbook(src).lists


@pytest.mark.slow
def test_upgrade_of_every_example_keeps_all_rows(examples, tmp_path):
    for src in examples:
        dst = upgrade(src, tmp_path / src.name)
        before, after = table_values(src), table_values(dst)
        assert set(before) == {t.sheet for t in C.TABLES}
        for sheet, rows in before.items():
            assert after[sheet] == rows, (src.name, sheet)


if __name__ == "__main__":
    print(write_v0_fixture(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE))


def test_excel_tables_match_their_headers(upgraded):
    from test_rollover import assert_tables_consistent

    assert_tables_consistent(upgraded)


def test_cells_typed_beside_and_below_the_tables_come_along(tmp_path):
    """A note beside a table, a sum below it: at their old place where that is free in the new
    workbook, else listed (sheet, cell, value) on the sheet Flyttade celler -- never lost."""
    wb = openpyxl.load_workbook(FIXTURE)
    remisser, plan = wb[C.REMISSER.sheet], wb[C.PLAN.sheet]
    old_width = remisser.max_column  # v0 has two columns fewer than the current Remisser
    assert old_width < len(C.REMISSER.columns)
    remisser.cell(row=3, column=20, value="Ring vårdcentralen om remisserna")  # T3: free
    remisser.cell(row=2, column=old_width + 1, value="=typed as a note")  # the new table's
    remisser.cell(row=2, column=old_width + 1).data_type = "s"
    below = plan.max_row + 6  # and right of the table (a cell under it joins the table)
    plan.cell(row=below, column=len(C.PLAN.columns) + 3, value=42.5).number_format = "0.0"
    src = tmp_path / "v0_med_anteckningar.xlsx"
    wb.save(src)
    out = openpyxl.load_workbook(upgrade(src, tmp_path / "uppgraderad.xlsx"))
    assert out[C.REMISSER.sheet]["T3"].value == "Ring vårdcentralen om remisserna"
    kept = out[C.PLAN.sheet].cell(row=below, column=len(C.PLAN.columns) + 3)
    assert (kept.value, kept.number_format) == (42.5, "0.0")
    moved = [tuple(r) for r in out[C.MOVED_CELLS_SHEET].iter_rows(values_only=True)]
    letter = openpyxl.utils.get_column_letter(old_width + 1)
    assert moved == [C.MOVED_CELLS_COLUMNS,
                     (C.REMISSER.sheet, f"{letter}2", "=typed as a note", None, None)]
    assert out[C.MOVED_CELLS_SHEET]["C2"].data_type == "s"  # text that looks like a formula stays text
    assert C.MOVED_CELLS_SHEET not in openpyxl.load_workbook(upgrade(FIXTURE, tmp_path / "u2.xlsx")).sheetnames


def test_a_formula_comes_along_as_its_last_calculated_value_or_else_as_its_text(tmp_path):
    """Rows move in the new workbook, so a formula cannot be copied as a formula: it comes along
    as the value Excel last calculated; one never calculated comes along as its text (a string
    cell, which never runs)."""
    from hostile_files import read_parts, set_cells, write_zip

    wb = openpyxl.load_workbook(FIXTURE)
    wb["Anteckningar"]["C5"] = "=SUM(1,2)"  # written by openpyxl: no calculated value
    wb.save(tmp_path / "utan_varde.xlsx")
    parts = read_parts(tmp_path / "utan_varde.xlsx")
    set_cells(parts, "Anteckningar", {"C6": ("raw", "<f>2*21</f><v>42</v>"),
                                      "C7": ("raw", '<f>"hej"&amp;"då"</f><v>hejdå</v>', "str")})
    src = write_zip(tmp_path / "pilot.xlsx", parts)
    notes = openpyxl.load_workbook(upgrade(src, tmp_path / "ny.xlsx"))["Anteckningar"]
    assert (notes["C6"].value, notes["C6"].data_type) == (42, "n")
    assert (notes["C7"].value, notes["C7"].data_type) == ("hejdå", "s")
    assert (notes["C5"].value, notes["C5"].data_type) == ("=SUM(1,2)", "s")
