"""The validation engine: every rule with a failing and a passing case, the personal-data guard
on real cells, a workbook written with openpyxl, the example workbooks, and speed."""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table as XlTable

from halsocenter.core import contract as C
from halsocenter.core.model import TextCell
from halsocenter.core.privacy import luhn_ok
from halsocenter.core.region_config import DEFAULT as DEFAULT_REGION
from halsocenter.core.validate import RULES, counts, texts_from_tables, validate
from halsocenter.xlsx import read

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "workbook_template" / "exempel").glob("*.xlsx"))


def val(list_key: str, i: int = 0) -> str:
    """The i-th value of a contract list (tests never spell list values themselves)."""
    return C.LIST_BY_KEY[list_key].values[i]


def pnr(birth: str = "850101", serial: str = "234") -> str:
    nine = birth[-6:] + serial  # the check digit covers YYMMDD + serial, never the century
    return f"{birth}-{serial}{next(c for c in '0123456789' if luhn_ok(nine + c))}"


REMISSTYP_EGEN = val("remisstyp", 2)
FARGRUPP = "FaR träningsgrupp"
SETTINGS = {"hc_kommun": DEFAULT_REGION.names[10], "hc_ar": 2024, "hc_startdatum": date(2016, 1, 1),
            "hc_kontakt": "Anna Coach, 036-10 20 30, anna.coach@kommun.se"}  # fmt: skip


def base_tables() -> dict[str, list[dict]]:
    """A small, fully consistent workbook: validate() finds nothing in it."""
    return {
        "remisser": [
            {"lopnummer": "2024-001", "inkom": "2024-02-01", "typ": C.TYP_FAR,
             "remittent": val("remittent"), "kon": val("kon"), "aldersgrupp": val("aldersgrupp", 3),
             "fokus": val("levnadsvana"), "forsta_samtal": "2024-02-10",
             "utfall": C.UTFALL_GENOMFORT, "traning_start": val("traning", 1),
             "vardag_start": val("vardagsaktivitet", 2), "kommentar": "Bra start"},
            {"lopnummer": "2024-002", "inkom": "2024-03-01", "typ": REMISSTYP_EGEN,
             "remittent": val("remittent", 4), "utfall": C.UTFALL_BOKAT},
            {"lopnummer": "2023-050", "inkom": "2023-12-15", "typ": C.TYP_FAR,
             "remittent": val("remittent"), "forsta_samtal": "2024-01-10",
             "utfall": C.UTFALL_GENOMFORT, "avslutad": "2024-06-01"},
            {"lopnummer": "2024-003", "inkom": "2024-04-01", "typ": C.TYP_FAR,
             "remittent": val("remittent"), "utfall": C.UTFALL_UTEBLEV, "retur": "2024-05-02"},
        ],
        "uppfoljningar": [
            {"lopnummer": "2024-001", "datum": "2024-05-10", "tidpunkt": "3 mån",
             "traning": val("traning", 3), "vardag": val("vardagsaktivitet", 4)},
            {"lopnummer": "2023-050", "datum": "2024-03-01", "tidpunkt": val("tidpunkt", 3)},
        ],
        "aktiviteter": [
            {"datum": "2024-03-05", "aktivitet": FARGRUPP, "fokusomrade": val("fokusomrade"),
             "typ": val("aktivitetstyp"), "deltagare": 2, "timmar": 1.5},
            {"datum": "2024-03-12", "aktivitet": FARGRUPP, "fokusomrade": val("fokusomrade"),
             "typ": val("aktivitetstyp"), "deltagare": 3, "timmar": 1.5},
            {"datum": "2024-03-12", "aktivitet": "Spontant", "fokusomrade": val("fokusomrade", 4),
             "typ": C.AKTIVITETSTYP_SPONTANT, "deltagare": 1},
            {"datum": "2024-03-12", "aktivitet": "Spontant", "fokusomrade": val("fokusomrade", 4),
             "typ": C.AKTIVITETSTYP_SPONTANT, "deltagare": 1},
        ],
        "narvaro": [
            {"datum": "2024-03-05", "aktivitet": FARGRUPP, "deltagar_id": "D-001"},
            {"datum": "2024-03-05", "aktivitet": "far  Träningsgrupp", "deltagar_id": "D-002"},
        ],
        "styrgrupp": [{"datum": "2024-02-01", "kommun": C.JA, "vardcentral": C.JA,
                       "folkhalsa": C.JA, "invanare": C.NEJ}],
        "plan": [{"fokusomrade": val("fokusomrade"), "aktivitet": "FaR Träningsgrupp",
                  "status": val("status", 1), "uppfoljning": "Två grupper i veckan"}],
        "berattelse": [{"avsnitt": val("avsnitt"), "text": "Vi arbetar med samtal och grupper."}],
        "tidigare_ar": [{"ar": 2023, "remisser": 100, "remisser_far": 80, "forsta_samtal": 90}],
    }  # fmt: skip


def build(change=None, settings=None, lists=None, texts=None):
    tables = base_tables()
    if change:
        change(tables)
    wb = read.workbook_data(tables, {**SETTINGS, **(settings or {})}, lists)
    if texts is not None:
        wb.texts = texts_from_tables(wb) + texts
    return wb


def found(wb, code=None):
    findings = validate(wb)
    return [f for f in findings if code is None or f.code == code]


def only(wb, code):
    hits = found(wb, code)
    assert len(hits) == 1, [f.message for f in found(wb)]
    return hits[0]


def where(finding):
    return finding.sheet, finding.cell


def setrow(table, i, **values):
    def change(tables):
        tables[table][i].update(values)
    return change


def addrow(table, **values):
    def change(tables):
        tables[table].append(values)
    return change


# --------------------------------------------------------------------------- the clean workbook


def test_clean_workbook_has_no_findings():
    assert [f.message for f in found(build())] == []


def test_rules_are_registered_once():
    names = [r.__name__ for r in RULES]
    assert len(names) == len(set(names)) >= 15


def test_validate_is_pure_and_repeatable():
    wb = build(setrow("remisser", 0, inkom="inte ett datum"))
    before = list(wb.problems)
    first = validate(wb)
    assert validate(wb) == first
    assert wb.problems == before


# --------------------------------------------------------------------------- every table


def test_required_missing():
    wb = build(setrow("remisser", 1, typ=None))
    f = only(wb, "required_missing")
    assert (f.severity, where(f), f.column, f.row) == ("error", ("Remisser", "C3"), "Typ", 3)
    assert "Remisser, rad 3, kolumn Typ" in f.message


def test_required_not_repeated_for_unreadable_cell():
    wb = build(setrow("aktiviteter", 0, deltagare="många"))
    assert not found(wb, "required_missing")
    f = only(wb, "invalid_int")
    assert where(f) == ("Aktiviteter", "E2")


def test_list_value_unknown():
    f = only(build(setrow("remisser", 0, kon="Okänd")), "list_value_unknown")
    assert (f.severity, where(f), f.value) == ("error", ("Remisser", "E2"), "Okänd")
    assert val("kon") in f.message and "Listor" in f.message


def test_list_value_own_list_and_spelling_variants_pass():
    own = {"kon": (*C.LIST_BY_KEY["kon"].values, "Okänd")}
    assert not found(build(setrow("remisser", 0, kon="Okänd"), lists=own))
    assert not found(build(setrow("remisser", 0, kon=val("kon").upper())))
    assert not found(build(setrow("remisser", 0, aldersgrupp=val("aldersgrupp", 3)
                                  .replace("–", " - "))))


def test_duplicate_row():
    wb = build(addrow("styrgrupp", **base_tables()["styrgrupp"][0]))
    f = only(wb, "duplicate_row")
    assert (f.severity, where(f)) == ("warning", ("Styrgrupp", "A3"))
    assert "rad 2" in f.message


def test_duplicate_spontaneous_visits_are_fine():
    tables = base_tables()
    assert tables["aktiviteter"][2] == tables["aktiviteter"][3]
    assert not found(build(), "duplicate_row")


def test_date_implausible_far_future_and_past():
    wb = build(setrow("remisser", 1, inkom="2204-03-01"))
    f = only(wb, "date_implausible")
    assert (f.severity, where(f), f.value) == ("error", ("Remisser", "B3"), date(2204, 3, 1))
    wb = build(setrow("aktiviteter", 0, datum="1924-03-05"))
    assert where(only(wb, "date_implausible")) == ("Aktiviteter", "A2")


def test_date_out_of_year():
    f = only(build(setrow("aktiviteter", 0, datum="2023-03-05")), "date_out_of_year")
    assert (f.severity, where(f)) == ("warning", ("Aktiviteter", "A2"))
    assert "2024" in f.message
    f = only(build(setrow("uppfoljningar", 0, datum="2025-01-10", tidpunkt=val("tidpunkt", 3))),
             "date_out_of_year")
    assert where(f) == ("Uppföljningar", "B2")


def test_previous_year_referral_is_fine_but_two_years_back_is_not():
    assert not found(build(setrow("remisser", 1, inkom="2023-11-01")))
    f = only(build(setrow("remisser", 1, inkom="2022-11-01")), "date_out_of_year")
    assert where(f) == ("Remisser", "B3")
    f = only(build(setrow("remisser", 2, avslutad="2023-12-20", forsta_samtal="2023-12-18")),
             "date_out_of_year")
    assert where(f) == ("Remisser", "N4")


def test_dates_not_judged_without_a_year():
    wb = build(setrow("aktiviteter", 0, datum="2019-03-05"), settings={"hc_ar": None})
    assert not found(wb, "date_out_of_year") and not found(wb, "date_implausible")
    assert only(wb, "setting_missing").cell == "B5"


def test_excel_error_values_anywhere():
    stray = [TextCell("Aktiviteter", 3, 5, "#REF!"), TextCell("Start", 20, 3, "#N/A")]
    wb = build(texts=stray)
    bad = found(wb, "excel_error")
    assert [(f.sheet, f.cell, f.value) for f in bad] == [
        ("Start", "C20", "#N/A"), ("Aktiviteter", "E3", "#REF!")]
    assert bad[1].column == "Deltagare" and bad[1].severity == "error"
    assert not found(build(texts=[TextCell("Plan", 5, 4, "#hälsa på Instagram")]))


# --------------------------------------------------------------------------- Remisser


def test_duplicate_lopnummer():
    wb = build(setrow("remisser", 3, lopnummer=" 2024-001"))
    f = only(wb, "duplicate_id")
    assert (f.severity, where(f)) == ("error", ("Remisser", "A5"))
    assert "rad 2" in f.message


def test_lopnummer_case_and_spacing():
    assert found(build(setrow("remisser", 3, lopnummer="2023-050")), "duplicate_id")
    assert not found(build(setrow("remisser", 3, lopnummer="2024-004")), "duplicate_id")


def test_date_order_first_talk_before_inkom():
    f = only(build(setrow("remisser", 0, forsta_samtal="2024-01-20")), "date_order")
    assert (f.severity, where(f)) == ("error", ("Remisser", "H2"))
    assert "Inkom (2024-02-01)" in f.message


def test_date_order_closed_before_first_talk_and_retur_before_inkom():
    f = only(build(setrow("remisser", 2, avslutad="2024-01-05")), "date_order")
    assert where(f) == ("Remisser", "N4")
    f = only(build(setrow("remisser", 3, retur="2024-03-02")), "date_order")
    assert where(f) == ("Remisser", "J5")
    f = only(build(setrow("remisser", 1, avslutad="2024-02-01")), "date_order")
    assert where(f) == ("Remisser", "N3")


def test_date_order_same_day_is_fine():
    assert not found(build(setrow("remisser", 0, forsta_samtal="2024-02-01",
                                  avslutad="2024-02-01")))  # fmt: skip


def test_completed_without_first_talk():
    f = only(build(setrow("remisser", 0, forsta_samtal=None)), "completed_without_first_talk")
    assert (f.severity, where(f)) == ("error", ("Remisser", "H2"))


def test_completed_with_unreadable_first_talk_reported_once():
    wb = build(setrow("remisser", 0, forsta_samtal="snart"))
    assert not found(wb, "completed_without_first_talk")
    assert where(only(wb, "invalid_date")) == ("Remisser", "H2")


def test_first_talk_but_waiting():
    f = only(build(setrow("remisser", 1, utfall=C.UTFALL_VANTAR, forsta_samtal="2024-03-05")),
             "first_talk_but_waiting")
    assert (f.severity, where(f)) == ("warning", ("Remisser", "I3"))
    assert not found(build(setrow("remisser", 1, utfall=C.UTFALL_VANTAR)))


def test_no_show_without_return():
    f = only(build(setrow("remisser", 3, retur=None)), "no_show_without_return")
    assert (f.severity, where(f)) == ("warning", ("Remisser", "J5"))
    f = only(build(setrow("remisser", 3, retur=None, utfall=C.UTFALL_TACKADE_NEJ)),
             "no_show_without_return")
    assert C.UTFALL_TACKADE_NEJ in f.message
    # no prescription to return for someone who got in touch themselves
    assert not found(build(setrow("remisser", 3, retur=None, typ=REMISSTYP_EGEN,
                                  remittent=val("remittent", 4))))  # fmt: skip


# --------------------------------------------------------------------------- Uppföljningar


def test_followup_unknown_id():
    f = only(build(setrow("uppfoljningar", 0, lopnummer="2024-999")), "followup_unknown_id")
    assert (f.severity, where(f)) == ("error", ("Uppföljningar", "A2"))
    assert not found(build(setrow("uppfoljningar", 0, lopnummer=" 2024-001 ")))


def test_followup_before_first_talk():
    f = only(build(setrow("uppfoljningar", 0, datum="2024-02-05", tidpunkt=val("tidpunkt", 3))),
             "followup_before_first_talk")
    assert (f.severity, where(f)) == ("error", ("Uppföljningar", "B2"))
    assert "Remisser rad 2" in f.message


def test_followup_without_first_talk():
    f = only(build(setrow("uppfoljningar", 1, lopnummer="2024-002")),
             "followup_without_first_talk")
    assert (f.severity, where(f)) == ("warning", ("Uppföljningar", "A3"))
    assert "rad 3" in f.message


def test_tidpunkt_mismatch():
    f = only(build(setrow("uppfoljningar", 0, tidpunkt="12 mån")), "tidpunkt_mismatch")
    assert (f.severity, where(f)) == ("warning", ("Uppföljningar", "C2"))
    assert "Välj 3 mån" in f.message
    f = only(build(setrow("uppfoljningar", 0, datum="2024-12-20", tidpunkt="3 mån")),
             "tidpunkt_mismatch")
    assert f"Välj {val('tidpunkt', 3)}" in f.message  # 10 months fits no fixed Tidpunkt


def test_tidpunkt_within_tolerance():
    first = date(2024, 2, 10)
    for months, days in ((3, 70), (3, 125), (6, 185), (12, 360)):
        day = (first + timedelta(days=days)).isoformat()
        if int(day[:4]) > 2024:
            continue
        wb = build(setrow("uppfoljningar", 0, datum=day, tidpunkt=f"{months} mån"))
        assert not found(wb), (months, days)


# --------------------------------------------------------------------------- Aktiviteter & co


def test_counts_and_hours():
    f = only(build(setrow("aktiviteter", 0, deltagare=-2)), "count_negative")
    assert (f.severity, where(f)) == ("error", ("Aktiviteter", "E2"))
    f = only(build(setrow("aktiviteter", 1, deltagare=5000)), "count_large")
    assert (f.severity, where(f)) == ("warning", ("Aktiviteter", "E3"))
    f = only(build(setrow("aktiviteter", 0, timmar=0)), "hours_not_positive")
    assert (f.severity, where(f)) == ("error", ("Aktiviteter", "F2"))
    f = only(build(setrow("aktiviteter", 0, timmar=90)), "hours_too_long")
    assert (f.severity, where(f)) == ("warning", ("Aktiviteter", "F2"))
    assert not found(build(setrow("aktiviteter", 0, timmar="2,5")))
    f = only(build(setrow("tidigare_ar", 0, remisser=-1)), "count_negative")
    assert where(f) == ("Tidigare år", "B2")


def test_attendance_unknown_session():
    f = only(build(setrow("narvaro", 1, datum="2024-03-06")), "attendance_unknown_session")
    assert (f.severity, where(f)) == ("error", ("Närvaro", "B3"))
    assert "2024-03-06" in f.message
    f = only(build(setrow("narvaro", 1, aktivitet="Matkurs")), "attendance_unknown_session")
    assert where(f) == ("Närvaro", "B3")


def test_attendance_count_mismatch():
    f = only(build(setrow("aktiviteter", 0, deltagare=5)), "attendance_count_mismatch")
    assert (f.severity, where(f), f.value) == ("warning", ("Aktiviteter", "E2"), 5)
    assert "2 deltagare" in f.message
    # the session of 12 March has no attendance list, so its Deltagare is not compared
    assert not found(build(setrow("aktiviteter", 1, deltagare=40)))


def test_activity_not_in_plan():
    wb = build(addrow("aktiviteter", datum="2024-04-01", aktivitet="Matkurs",
                      fokusomrade=val("fokusomrade", 1), typ=val("aktivitetstyp", 1),
                      deltagare=8, timmar=2))  # fmt: skip
    f = only(wb, "activity_not_in_plan")
    assert (f.severity, where(f), f.value) == ("warning", ("Aktiviteter", "B6"), "Matkurs")
    assert "1 tillfälle)" in f.message


def test_empty_plan():
    wb = build(lambda t: t.update(plan=[]))
    f = only(wb, "plan_empty")
    assert (f.severity, f.sheet) == ("warning", "Aktiviteter")
    assert not found(wb, "activity_not_in_plan")


def test_history_years():
    f = only(build(addrow("tidigare_ar", ar=2023, remisser=5)), "duplicate_year")
    assert (f.severity, where(f)) == ("error", ("Tidigare år", "A3"))
    f = only(build(addrow("tidigare_ar", ar=2024, remisser=5)), "history_year_not_before")
    assert (f.severity, where(f)) == ("warning", ("Tidigare år", "A3"))


# --------------------------------------------------------------------------- Start


@pytest.mark.parametrize("name,cell,code", [
    ("hc_kommun", "B4", "setting_missing"), ("hc_ar", "B5", "setting_missing"),
    ("hc_startdatum", "B6", "setting_recommended"), ("hc_kontakt", "B7", "setting_recommended"),
])  # fmt: skip
def test_setting_missing(name, cell, code):
    f = only(build(settings={name: None}), code)
    assert where(f) == ("Start", cell)


@pytest.mark.parametrize("name,value,cell", [
    ("hc_kommun", "Stockholm", "B4"), ("hc_ar", 1999, "B5"), ("hc_ar", 2300, "B5"),
    ("hc_startdatum", date(2025, 1, 1), "B6"),
])  # fmt: skip
def test_setting_invalid(name, value, cell):
    f = only(build(settings={name: value}), "setting_invalid")
    assert (f.severity, where(f)) == ("error", ("Start", cell))


def test_settings_valid_variants():
    assert not found(build(settings={"hc_kommun": DEFAULT_REGION.names[0].upper()}))
    assert not found(build(settings={"hc_startdatum": date(2024, 12, 31)}))


def test_template_version():
    f = only(build(settings={"hc_mallversion": C.TEMPLATE_VERSION + 1}), "template_version")
    assert (f.severity, where(f)) == ("error", ("Start", "B8"))
    if C.TEMPLATE_VERSION > 1:
        assert only(build(settings={"hc_mallversion": C.TEMPLATE_VERSION - 1}), "template_old")


# --------------------------------------------------------------------------- personal data


def test_personnummer_in_comment():
    number = pnr()
    wb = build(setrow("remisser", 0, kommentar=f"Personnr {number}, ring efter 17"))
    f = only(wb, "personal_id")
    assert (f.severity, where(f), f.column) == ("error", ("Remisser", "O2"), "Kommentar")
    assert number not in f.message and number not in str(f.value)
    assert number.replace("-", "") not in re.sub(r"\D", "", f.message)
    assert "8501**-****" in f.message


def test_samordningsnummer_phone_and_email_in_free_text():
    samordning = pnr("850161", "120")
    wb = build(lambda t: (
        t["berattelse"][0].update(text=f"En deltagare ({samordning}) berättade ..."),
        t["plan"][0].update(uppfoljning="Ledaren nås på 070-123 45 67"),
        t["styrgrupp"][0].update(anteckning="Protokoll till kalle@example.se"),
    ))  # fmt: skip
    pid = only(wb, "personal_id")
    assert where(pid) == ("Berättelse", "B2") and "samordningsnummer" in pid.message
    contact = found(wb, "contact_info")
    assert [(f.sheet, f.cell, f.severity) for f in contact] == [
        ("Styrgrupp", "F2", "warning"), ("Plan", "D2", "warning")]
    assert all("070-123 45 67" not in f.message and "kalle@" not in f.message for f in contact)


def test_stray_cell_outside_tables():
    wb = build(texts=[TextCell("Remisser", 40, 20, f"obs {pnr('19850101')}")])
    f = only(wb, "personal_id")
    assert (f.cell, f.column) == ("T40", None)
    assert "Remisser, cell T40" in f.message


def test_contact_cell_may_hold_phone_but_not_personnummer():
    assert not found(build(), "contact_info")  # SETTINGS has a phone number and an e-mail
    f = only(build(settings={"hc_kontakt": f"Anna {pnr()}"}), "personal_id")
    assert where(f) == ("Start", "B7")


def test_personnummer_typed_as_number_in_lopnummer():
    number = int(pnr().replace("-", ""))
    f = only(build(setrow("remisser", 1, lopnummer=number)), "personal_id")
    assert where(f) == ("Remisser", "A3")
    assert str(number) not in f.message and str(number) not in str(f.value)


def test_unreadable_cell_message_does_not_repeat_personnummer():
    number = pnr()
    f = only(build(setrow("remisser", 1, inkom=number)), "invalid_date")
    assert number not in f.message and number not in str(f.value)
    assert where(f) == ("Remisser", "B3")


def test_dates_and_lopnummer_are_not_personal_data():
    wb = build(setrow("remisser", 0, kommentar="Samtal 2024-03-05 om 2024-017, 45 min"))
    assert not found(wb)


# --------------------------------------------------------------------------- order and counts


def test_findings_sorted_by_sheet_row_column_and_counted():
    wb = build(lambda t: (
        t["plan"][0].update(status="Klar"),
        t["remisser"][3].update(kon="X", utfall="Y"),
        t["remisser"][0].update(kon="Z"),
        t["aktiviteter"][0].update(timmar=-1),
    ), settings={"hc_kommun": None})  # fmt: skip
    findings = validate(wb)
    assert [(f.sheet, f.cell) for f in findings] == [
        ("Start", "B4"), ("Remisser", "E2"), ("Remisser", "E5"), ("Remisser", "I5"),
        ("Aktiviteter", "F2"), ("Plan", "C2")]
    assert counts(findings) == {"error": 6, "warning": 0, "info": 0}
    assert counts([]) == {"error": 0, "warning": 0, "info": 0}


def test_every_message_names_sheet_and_place():
    wb = build(lambda t: (
        t["remisser"][0].update(kon="X", forsta_samtal="2024-01-01", kommentar=pnr()),
        t["uppfoljningar"][0].update(lopnummer="okänt"),
        t["narvaro"][0].update(datum="2024-03-07"),
        t["aktiviteter"][0].update(timmar=30, deltagare=-1),
    ), settings={"hc_kommun": "Oslo"})  # fmt: skip
    findings = validate(wb)
    assert len(findings) >= 7
    for f in findings:
        assert f.message.startswith(f"{f.sheet}, ")
        assert (f"rad {f.row}" in f.message) or (f"cell {f.cell}" in f.message)
        assert f.as_dict()["code"] == f.code


# --------------------------------------------------------------------------- a real file


def _write_workbook(path: Path, tables: dict[str, list[dict]], settings: dict,
                    extra_fokus: str, bad_cell: tuple[str, str], number: str) -> None:
    """A template-shaped workbook written with openpyxl: Start with named cells, one Excel
    Table per contract table, one list table on Listor (extended by the coach)."""
    wb = Workbook()
    start = wb.active
    start.title = C.START_SHEET
    for nc in C.NAMED_CELLS:
        row = int(nc.cell[1:])
        start.cell(row, 1, nc.label)
        start[nc.cell] = settings.get(nc.name, C.TEMPLATE_VERSION)
        wb.defined_names[nc.name] = DefinedName(nc.name, attr_text=f"{C.START_SHEET}!$B${row}")
    for spec in C.TABLES:
        ws = wb.create_sheet(spec.sheet)
        ws.append(list(spec.headers))
        rows = tables.get(spec.key, [])
        for r in rows:
            ws.append([r.get(k) for k in spec.keys])
        last = get_column_letter(len(spec.columns))
        ws.add_table(XlTable(displayName=spec.name, ref=f"A1:{last}{max(2, len(rows) + 1)}"))
    lists = wb.create_sheet(C.LISTS_SHEET)
    lst = C.LIST_BY_KEY["fokusomrade"]
    values = (*lst.values, extra_fokus)
    lists.append([lst.header])
    for v in values:
        lists.append([v])
    lists.add_table(XlTable(displayName=lst.table, ref=f"A1:A{len(values) + 1}"))
    sheet, cell = bad_cell
    wb[sheet][cell] = "#REF!"
    assert wb[sheet][cell].data_type == "e"
    wb[C.REMISSER.sheet]["O3"] = f"Pnr {number} enligt remissen"
    wb.save(path)


def test_real_file_points_at_the_right_cells(tmp_path):
    tables = base_tables()
    for t in tables.values():
        for row in t:
            for k, v in row.items():
                if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                    row[k] = date.fromisoformat(v)
    tables["aktiviteter"][1]["fokusomrade"] = "Sömn och vila"
    number = pnr("19850101")
    path = tmp_path / "Vaggeryd_2024.xlsx"
    _write_workbook(path, tables, SETTINGS, "Sömn och vila", ("Aktiviteter", "E3"), number)

    wb = read.read_workbook(path)
    findings = validate(wb)
    got = {(f.code, f.sheet, f.cell) for f in findings}
    assert got == {("excel_error", "Aktiviteter", "E3"), ("personal_id", "Remisser", "O3")}, \
        [f.message for f in findings]
    pid = next(f for f in findings if f.code == "personal_id")
    assert pid.column == "Kommentar" and number not in pid.message
    err = next(f for f in findings if f.code == "excel_error")
    assert (err.column, err.value, err.severity) == ("Deltagare", "#REF!", "error")


# --------------------------------------------------------------------------- examples and speed


@pytest.mark.skipif(not EXAMPLES, reason="inga exempelarbetsböcker i workbook_template/exempel")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_workbooks_have_no_errors(path):
    findings = validate(read.read_workbook(path))
    errors = [f.message for f in findings if f.severity == "error"]
    assert errors == []


@pytest.mark.slow
def test_fifty_thousand_referrals_are_checked_quickly():
    one = base_tables()
    row = one["remisser"][0]
    rows = []
    for i in range(50_000):
        r = dict(row, lopnummer=f"2024-{i:05d}")
        if i % 1000 == 0:
            r["kommentar"] = f"ring 070-{i:06d}"
        rows.append(r)
    followups = [dict(one["uppfoljningar"][0], lopnummer=f"2024-{i:05d}")
                 for i in range(0, 50_000, 2)]  # fmt: skip
    tables = {**copy.deepcopy(one), "remisser": rows, "uppfoljningar": followups}
    wb = read.workbook_data(tables, SETTINGS)
    wb.texts = texts_from_tables(wb) * 3  # ~1M text cells, as a full workbook has
    findings = validate(wb)  # speed is measured by scripts/bench, not here
    assert counts(findings) == {"error": 0, "warning": 150, "info": 0}
    assert {f.code for f in findings} == {"contact_info"}
