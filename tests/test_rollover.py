"""Nytt verksamhetsår: next year's workbook keeps everything a person typed that belongs to the
new year — open referrals cell for cell, settings, lists, earlier years — adds this year's
totals to Tidigare år, seeds the plan, and carries no generated sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from halsocenter.atomic import OutputError
from halsocenter.core import contract as C
from halsocenter.core.stats import compute
from halsocenter.core.validate import validate
from halsocenter.errors import InputError
from halsocenter.jobs import write_summary
from halsocenter.xlsx import template
from halsocenter.xlsx.read import read_workbook
from halsocenter.xlsx.rollover import PLAN_NOTE, history_row, open_referrals, rollover
from halsocenter.xlsx.upgrade import add_columns

YEAR = 2023
D = dt.date
LOCAL_FOCUS = "Sömn och vila"

# Löpnummer -> should it be carried over?
REFERRALS = [
    ({"lopnummer": "V-1", "inkom": D(2023, 12, 20), "utfall": "Väntar"}, True),
    ({"lopnummer": "B-1", "inkom": D(2023, 12, 1), "utfall": "Bokat",
      "kommentar": "Bokad 8 jan"}, True),
    ({"lopnummer": "G-open", "inkom": D(2023, 3, 2), "forsta_samtal": D(2023, 3, 20),
      "utfall": "Genomfört", "traning_start": "<30 min", "vardag_start": "30–59 min"}, True),
    ({"lopnummer": "G-closed", "inkom": D(2023, 2, 2), "forsta_samtal": D(2023, 2, 20),
      "utfall": "Genomfört", "avslutad": D(2023, 11, 1)}, False),
    ({"lopnummer": "G-2022", "inkom": D(2022, 11, 2), "forsta_samtal": D(2023, 1, 10),
      "utfall": "Genomfört"}, False),
    ({"lopnummer": "U-1", "inkom": D(2023, 5, 2), "utfall": "Uteblev"}, False),
    ({"lopnummer": "T-1", "inkom": D(2023, 6, 2), "utfall": "Tackade nej"}, False),
    ({"lopnummer": "E-1", "inkom": D(2023, 7, 2), "utfall": "Ej nåbar"}, False),
    ({"lopnummer": "V-2022", "inkom": D(2022, 12, 28), "utfall": "Väntar"}, True),
    ({"lopnummer": "X-blank", "inkom": D(2023, 12, 30)}, True),
]  # fmt: skip

PLAN = [  # (row, carried?)
    ({"fokusomrade": "Fysisk aktivitet", "aktivitet": "FaR träningsgrupp", "status": "Genomförd",
      "uppfoljning": "Bra", "framtidsplan": "Fortsätter 2024"}, True),
    ({"fokusomrade": "Matvanor", "aktivitet": "  Matkurs  ", "status": "Pågår"}, True),
    ({"fokusomrade": LOCAL_FOCUS, "aktivitet": "Sömnskola", "status": "Planerad"}, True),
    ({"fokusomrade": "Föreläsningar", "aktivitet": "Föreläsning", "status": "Genomförd",
      "uppfoljning": "70 deltagare"}, False),
    ({"fokusomrade": "Matvanor", "aktivitet": "Familjecentralen", "status": "Ej genomförd"},
     False),
]  # fmt: skip


def _source_book() -> openpyxl.Workbook:
    wb = template.build_workbook(kommun="Vaggeryd", year=YEAR, startdatum=D(2021, 10, 25),
                                 kontakt="Anna Coach")  # fmt: skip
    base = {"typ": "FaR", "remittent": "Vårdcentral", "kon": "Kvinna", "aldersgrupp": "45–64"}
    template.fill_table(wb, C.REMISSER, [{**base, **r} for r, _ in REFERRALS])
    ws = wb[C.REMISSER.sheet]
    add_columns(ws, C.REMISSER, ("Egen notering",))  # a column the coach added
    note_col = len(C.REMISSER.keys) + 1
    for i, _ in enumerate(REFERRALS, start=2):
        ws.cell(row=i, column=note_col, value=f"notering {i}")
    date_cols = [i + 1 for i, c in enumerate(C.REMISSER.columns) if c.kind == "date"]
    for row in ws.iter_rows(min_row=2, max_row=len(REFERRALS) + 1):
        for cell in row:
            if cell.column in date_cols and cell.value is not None:
                cell.number_format = "yyyy-mm-dd"
    ws["B3"].number_format = "d mmm yyyy"  # a coach's own date format is kept too
    template.fill_table(wb, C.UPPFOLJNINGAR, [{"lopnummer": "G-open", "datum": D(2023, 6, 20),
                                               "tidpunkt": "3 mån"}])  # fmt: skip
    template.fill_table(wb, C.AKTIVITETER, [{"datum": D(2023, 3, 1), "aktivitet": "Grupp",
                                             "fokusomrade": "Fysisk aktivitet",
                                             "typ": "Träningsgrupp", "deltagare": 6}])  # fmt: skip
    template.fill_table(wb, C.STYRGRUPP, [{"datum": D(2023, 2, 1), "kommun": "Ja"}])
    template.fill_table(wb, C.BERATTELSE, [{"avsnitt": "Övrigt", "text": "Årets text"}])
    template.fill_table(wb, C.PLAN, [r for r, _ in PLAN])
    hist = wb[C.TIDIGARE_AR.sheet]
    add_columns(hist, C.TIDIGARE_AR, ("Recept i retur", "uteblev"))
    template.fill_table(wb, C.TIDIGARE_AR, [{"ar": 2022, "remisser": 74, "remisser_far": 70,
                                             "forsta_samtal": 55}])  # fmt: skip
    hist["E2"], hist["F2"] = 5, 2
    lists = wb[C.LISTS_SHEET]
    lst = C.LIST_BY_KEY["fokusomrade"]
    table = lists.tables[lst.table]
    first, last = table.ref.split(":")
    col = "".join(ch for ch in first if ch.isalpha())
    row = int("".join(ch for ch in last if ch.isdigit())) + 1
    lists[f"{col}{row}"] = LOCAL_FOCUS  # typed below the table, as a coach would
    notes = wb.create_sheet("Mina anteckningar")
    notes["A1"] = "Ring föreningen i januari"
    return wb


@pytest.fixture(scope="module")
def rolled(tmp_path_factory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("rollover")
    plain = template.write_workbook(_source_book(), folder / f"Vaggeryd_{YEAR}.xlsx")
    # the coach's real file has the generated sheets in it
    src, _ = write_summary(plain, folder / f"Vaggeryd_{YEAR}_sammanstallning.xlsx")
    assert C.SUMMARY_SHEET in openpyxl.load_workbook(src, read_only=True).sheetnames
    dst = rollover(src, folder / f"Vaggeryd_{YEAR + 1}.xlsx")
    return src, dst, folder


def _stored_rows(path: Path, sheet: str):
    """(headers, [[(value, number_format), ...], ...]) as stored, blank rows dropped."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows())
    headers = [c.value for c in rows[0]]
    body = [[(c.value, c.number_format if c.value is not None else None) for c in r]
            for r in rows[1:] if any(c.value is not None for c in r)]  # fmt: skip
    return headers, body


def test_open_referrals_are_carried_cell_for_cell(rolled):
    src, dst, _ = rolled
    headers, before = _stored_rows(src, C.REMISSER.sheet)
    new_headers, after = _stored_rows(dst, C.REMISSER.sheet)
    assert new_headers == headers  # including the coach's own column
    expected = [row for row, (_, keep) in zip(before, REFERRALS, strict=True) if keep]
    assert after == expected
    ids = [r[0][0] for r in after]
    assert ids == [r["lopnummer"] for r, keep in REFERRALS if keep]
    assert after[1][-1] == ("notering 3", "General")  # the coach's own column
    assert after[1][1] == (dt.datetime(2023, 12, 1), "d mmm yyyy")  # and her date format


def test_settings_follow_and_the_year_moves_on(rolled):
    src, dst, _ = rolled
    old, new = read_workbook(src), read_workbook(dst)
    assert new.year == YEAR + 1 and new.version == C.TEMPLATE_VERSION
    for key in ("hc_kommun", "hc_startdatum", "hc_kontakt"):
        assert new.settings[key] == old.settings[key] is not None
    assert new.problems == []


def test_new_year_tables_start_empty_and_generated_sheets_are_gone(rolled):
    _, dst, _ = rolled
    new = read_workbook(dst)
    for key in ("uppfoljningar", "aktiviteter", "narvaro", "styrgrupp", "berattelse"):
        assert len(new.tables[key]) == 0, key
    names = openpyxl.load_workbook(dst, read_only=True).sheetnames
    assert not set(C.GENERATED_SHEETS) & set(names)
    assert "Mina anteckningar" in names


def test_this_years_totals_are_appended_to_tidigare_ar(rolled):
    src, dst, _ = rolled
    totals = history_row(compute(read_workbook(src)))
    headers, rows = _stored_rows(dst, C.TIDIGARE_AR.sheet)
    values = [[v for v, _ in r] for r in rows]
    assert headers[:4] == list(C.TIDIGARE_AR.headers)
    assert values[0][:6] == [2022, 74, 70, 55, 5, 2]  # the typed row, untouched
    assert headers[4:6] == ["Recept i retur", "uteblev"]  # existing extra columns reused
    new = dict(zip(headers, values[1], strict=True))
    assert new[C.TIDIGARE_AR.column("ar").header] == YEAR
    assert new["Recept i retur"] == totals["retur"] and new["uteblev"] == totals["uteblev"]
    by_key = {C.TIDIGARE_AR.column(k).header: k for k in C.TIDIGARE_AR.keys}
    for header, value in new.items():
        key = {"Recept i retur": "retur"}.get(header, by_key.get(header, header))
        if key != "ar":
            assert value == totals[key], header
    stored = {by_key.get(h, h) for h in headers} | {"retur"}
    assert set(totals) <= stored  # every total has its column
    assert not any(h.startswith(C.CHANGE_PREFIX) for h in headers)
    assert new[C.TIDIGARE_AR.column("remisser").header] == 8  # Inkom in 2023


def test_next_years_figures_see_the_whole_history(rolled):
    src, dst, _ = rolled
    summary = compute(read_workbook(dst))
    assert [y for y, _ in summary.history] == [2022, YEAR, YEAR + 1]
    assert summary.value("remisser_sedan_start") == 74 + 8
    assert summary.value(C.CHANGE_PREFIX + "remisser") == 0 - 8


def test_plan_is_seeded_from_this_years_plan(rolled):
    _, dst, _ = rolled
    headers, rows = _stored_rows(dst, C.PLAN.sheet)
    got = [dict(zip(C.PLAN.keys, [v for v, _ in r], strict=False)) for r in rows]
    want = []
    for row, carried in PLAN:
        if carried:
            note = (PLAN_NOTE.format(year=YEAR, text=row["framtidsplan"])
                    if row.get("framtidsplan") else None)  # fmt: skip
            want.append({"fokusomrade": row["fokusomrade"], "aktivitet": row["aktivitet"],
                         "status": C.STATUS_PLANERAD, "uppfoljning": note,
                         "framtidsplan": None})  # fmt: skip
    assert got == want  # Aktivitet exactly as typed, spaces and all


def test_lists_with_local_values_are_kept(rolled):
    src, dst, _ = rolled
    old, new = read_workbook(src), read_workbook(dst)
    assert new.list_values("fokusomrade")[-1] == LOCAL_FOCUS
    assert new.lists == old.lists


def test_the_new_workbook_passes_the_checks(rolled):
    _, dst, _ = rolled
    new = read_workbook(dst)
    errors = [f for f in validate(new) if f.severity == "error"]
    # the only error is the one the coach already had: X-blank has no Utfall
    assert [(f.code, f.column) for f in errors] == [("required_missing",
                                                     C.REMISSER.column("utfall").header)]
    assert new.tables["remisser"].df.loc[errors[0].row, "lopnummer"] == "X-blank"


def test_open_rule_in_isolation():
    from halsocenter.xlsx.read import workbook_data

    wb = workbook_data({"remisser": [r for r, _ in REFERRALS]}, {"hc_ar": YEAR})
    got = open_referrals(wb.tables["remisser"].df, YEAR).tolist()
    assert got == [keep for _, keep in REFERRALS]


def test_refuses_same_file_existing_output_and_missing_year(rolled, tmp_path):
    src, dst, _ = rolled
    with pytest.raises(OutputError, match="samma fil"):
        rollover(src, src)
    with pytest.raises(OutputError, match="finns redan"):
        rollover(src, dst)
    wb = template.build_workbook(kommun="Habo")
    nameless = template.write_workbook(wb, tmp_path / "utan_ar.xlsx")
    with pytest.raises(InputError) as exc:
        rollover(nameless, tmp_path / "ut.xlsx")
    assert "Verksamhetsåret saknas" in exc.value.message
    assert not (tmp_path / "ut.xlsx").exists()


@pytest.mark.slow
def test_rollover_of_every_example(examples, tmp_path):
    for src in examples:
        old = read_workbook(src)
        dst = rollover(src, tmp_path / f"nasta_{src.name}")
        new = read_workbook(dst)
        assert new.year == old.year + 1 and new.kommun == old.kommun
        keep = open_referrals(old.tables["remisser"].df, old.year).tolist()
        _, before = _stored_rows(src, C.REMISSER.sheet)
        _, after = _stored_rows(dst, C.REMISSER.sheet)
        assert after == [r for r, k in zip(before, keep, strict=True) if k], src.name
        hist = new.tables["tidigare_ar"].df
        assert list(hist["ar"])[-1] == old.year
        assert len(hist) == len(old.tables["tidigare_ar"]) + 1
        assert new.lists == old.lists
        assert [f for f in validate(new) if f.severity == "error"] == [], src.name



def assert_tables_consistent(path: Path) -> None:
    """Every Excel table's column names equal its header cells (else Excel 'repairs' the file)."""
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for table in ws.tables.values():
            min_col, min_row, max_col, _ = range_boundaries(table.ref)
            headers = [str(ws.cell(row=min_row, column=c).value)
                       for c in range(min_col, max_col + 1)]  # fmt: skip
            assert [c.name for c in table.tableColumns] == headers, table.displayName
            ids = [c.id for c in table.tableColumns]
            assert len(set(ids)) == len(ids)


def test_excel_tables_match_their_headers(rolled):
    _, dst, _ = rolled
    assert_tables_consistent(dst)
