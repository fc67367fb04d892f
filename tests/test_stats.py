"""Statistics core: each figure of DESIGN §4 on hand-made tables with known answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halsocenter.core import contract as C
from halsocenter.core import stats
from halsocenter.core.model import WorkbookData
from halsocenter.xlsx import read

YEAR = 2023
EXAMPLES = Path(__file__).resolve().parents[1] / "workbook_template" / "exempel"

DIM_TYP = C.REMISSER.column("typ").header
DIM_REMITTENT = C.REMISSER.column("remittent").header
DIM_KON = C.REMISSER.column("kon").header
DIM_ALDER = C.REMISSER.column("aldersgrupp").header
DIM_FOKUS = C.REMISSER.column("fokus").header
DIM_TIDPUNKT = C.UPPFOLJNINGAR.column("tidpunkt").header
DIM_SLUSSAD = C.UPPFOLJNINGAR.column("slussad_till").header
DIM_AKT = C.AKTIVITETER.column("aktivitet").header
DIM_FOKUSOMRADE = C.AKTIVITETER.column("fokusomrade").header
DIM_STATUS = C.PLAN.column("status").header

TYP = C.LIST_BY_KEY["remisstyp"].values
REMITTENT = C.LIST_BY_KEY["remittent"].values
KON = C.LIST_BY_KEY["kon"].values
ALDER = C.LIST_BY_KEY["aldersgrupp"].values
LEVNADSVANA = C.LIST_BY_KEY["levnadsvana"].values
TRANING = tuple(C.TRANING_MINUTES)
VARDAG = tuple(C.VARDAG_MINUTES)
SLUSSAD = C.LIST_BY_KEY["slussad"].values
TIDPUNKT = C.LIST_BY_KEY["tidpunkt"].values
FOKUSOMRADE = C.LIST_BY_KEY["fokusomrade"].values
AKTTYP = C.LIST_BY_KEY["aktivitetstyp"].values
STATUS = C.LIST_BY_KEY["status"].values
FYSISK, MATVANOR = FOKUSOMRADE[0], FOKUSOMRADE[1]
TRANINGSGRUPP, KURS = AKTTYP[0], AKTTYP[1]


def workbook(tables=None, year=YEAR, lists=None) -> WorkbookData:
    return read.workbook_data(tables or {}, {"hc_kommun": "Vaggeryd", "hc_ar": year}, lists)


def compute(tables=None, **kw):
    return stats.compute(workbook(tables, **kw))


def ref(lopnummer, inkom, **kw):
    row = {"lopnummer": lopnummer, "inkom": inkom, "typ": TYP[0], "remittent": REMITTENT[0],
           "utfall": C.UTFALL_GENOMFORT}  # fmt: skip
    row.update(kw)
    return row


def assert_keys_in_contract(summary) -> None:
    missing = {f.key for f in summary.figures} - set(C.FIGURE_BY_KEY)
    assert not missing


# --------------------------------------------------------------------------- referrals


def test_referrals_total_and_breakdowns_with_unknown_and_blank():
    s = compute({"remisser": [
        ref("1", "2023-01-05", kon=KON[0], aldersgrupp=ALDER[3], fokus=LEVNADSVANA[1]),
        ref("2", "2023-01-20", typ=TYP[2], remittent="Gymmet", kon=None, fokus=LEVNADSVANA[1]),
        ref("3", "2023-03-01", typ="far", kon=KON[1]),           # case-folded to FaR
        ref("4", "2023-12-31", typ=TYP[1], remittent=REMITTENT[1], kon=KON[0]),
        ref("5", "2022-12-31", kon=KON[0]),                      # last year: not counted
        ref("6", "2024-01-01"),                                  # next year
        ref("7", "inte ett datum"),                              # NaT: in no year
    ]})  # fmt: skip
    assert s.value("remisser") == 4
    assert s.value("remisser_far") == 2
    typ = s.breakdown("remisser", DIM_TYP)
    assert list(typ) == list(TYP)
    assert typ == {TYP[0]: 2, TYP[1]: 1, TYP[2]: 1}
    rem = s.breakdown("remisser", DIM_REMITTENT)
    assert list(rem) == [*REMITTENT, C.INVALID_CATEGORY]  # never a category "Gymmet"
    assert rem[C.INVALID_CATEGORY] == 1 and rem[REMITTENT[0]] == 2 and rem[REMITTENT[1]] == 1
    kon = s.breakdown("remisser", DIM_KON)
    assert kon == {KON[0]: 2, KON[1]: 1, KON[2]: 0, KON[3]: 0, stats.EMPTY: 1}
    assert s.value("remisser", f"{DIM_KON}={stats.EMPTY}") == 1
    alder = s.breakdown("remisser", DIM_ALDER)
    assert alder[ALDER[3]] == 1 and alder[stats.EMPTY] == 3
    assert s.breakdown("remisser", DIM_FOKUS)[LEVNADSVANA[1]] == 2
    months = s.breakdown("remisser", C.DIM_MONTH)
    assert list(months) == [f"2023-{m:02d}" for m in range(1, 13)]
    assert months["2023-01"] == 2 and months["2023-03"] == 1 and months["2023-12"] == 1
    assert months["2023-02"] == 0
    assert s.value("remisser", f"{C.DIM_MONTH}=2023-03") == 1
    assert_keys_in_contract(s)


def test_extended_workbook_list_is_used_in_order():
    lists = {"remittent": (*REMITTENT, "Apotek")}
    s = compute({"remisser": [ref("1", "2023-02-01", remittent="Apotek")]}, lists=lists)
    assert list(s.breakdown("remisser", DIM_REMITTENT)) == [*REMITTENT, "Apotek"]
    assert s.value("remisser", f"{DIM_REMITTENT}=Apotek") == 1


def test_first_talks_counted_by_their_own_date():
    s = compute({"remisser": [
        ref("1", "2022-11-20", forsta_samtal="2023-01-10"),   # last year's referral, talk this year
        ref("2", "2023-03-01", forsta_samtal="2023-03-11"),
        ref("3", "2023-12-20", forsta_samtal="2024-01-08"),   # talk next year
        ref("4", "2023-05-01", forsta_samtal=None, utfall=C.UTFALL_VANTAR),
    ]})  # fmt: skip
    assert s.value("remisser") == 3
    assert s.value("forsta_samtal") == 2
    # Waiting 51 and 10 days -> median 30.5
    assert s.value("vantetid_median_dagar") == pytest.approx(30.5)


def test_outcomes_and_returns():
    s = compute({"remisser": [
        ref("1", "2023-01-01", utfall=C.UTFALL_UTEBLEV, retur="2023-02-01"),
        ref("2", "2023-01-02", utfall=C.UTFALL_UTEBLEV),
        ref("3", "2023-01-03", utfall=C.UTFALL_TACKADE_NEJ),
        ref("4", "2023-01-04", utfall=C.UTFALL_EJ_NABAR, retur="2024-01-02"),
        ref("5", "2022-06-01", utfall=C.UTFALL_UTEBLEV, retur="2023-01-15"),  # last year's
    ]})  # fmt: skip
    assert s.value("uteblev") == 2
    assert s.value("tackade_nej") == 1
    assert s.value("ej_nabar") == 1
    assert s.value("retur") == 2  # by the Retur date, whatever the Inkom year


def test_waiting_at_year_end():
    V, B = C.UTFALL_VANTAR, C.UTFALL_BOKAT
    s = compute({"remisser": [
        ref("1", "2023-11-01", utfall=V),                                   # yes
        ref("2", "2023-12-15", utfall=B, forsta_samtal="2024-01-10"),       # yes: talk after
        ref("3", "2022-10-01", utfall=V),                                   # yes: carried over
        ref("4", "2023-06-01", utfall=V, avslutad="2023-12-01"),            # closed in the year
        ref("5", "2023-06-01", utfall=B, forsta_samtal="2023-07-01"),       # talk in the year
        ref("6", "2023-06-01", utfall=C.UTFALL_GENOMFORT),                  # not waiting
        ref("7", "2024-01-02", utfall=V),                                   # next year
        ref("8", "2023-09-01", utfall=B, avslutad="2024-02-01"),            # closed after: yes
        ref("9", None, utfall=V),                                           # no Inkom: no
    ]})  # fmt: skip
    assert s.value("vantar_vid_arsskifte") == 4


def test_median_waiting_time():
    rows = [ref(str(i), "2023-01-01", forsta_samtal=f"2023-01-{1 + d:02d}")
            for i, d in enumerate((10, 20, 5))]  # fmt: skip
    rows.append(ref("x", "2023-03-01", forsta_samtal="2023-02-01"))  # negative: left out
    rows.append(ref("y", None, forsta_samtal="2023-02-01"))          # no Inkom: left out
    assert compute({"remisser": rows}).value("vantetid_median_dagar") == 10
    none = compute({"remisser": [ref("1", "2023-01-01")]})
    assert none.value("vantetid_median_dagar") is None
    assert any(f.key == "vantetid_median_dagar" for f in none.figures)


# --------------------------------------------------------------------------- follow-ups


def test_follow_ups_by_time_point():
    s = compute({"uppfoljningar": [
        {"lopnummer": "1", "datum": "2023-04-01", "tidpunkt": TIDPUNKT[0]},
        {"lopnummer": "1", "datum": "2023-07-01", "tidpunkt": TIDPUNKT[1]},
        {"lopnummer": "2", "datum": "2023-07-01", "tidpunkt": TIDPUNKT[0]},
        {"lopnummer": "2", "datum": "2023-08-01", "tidpunkt": "9 mån"},
        {"lopnummer": "3", "datum": "2022-12-01", "tidpunkt": TIDPUNKT[0]},
    ]})  # fmt: skip
    assert s.value("uppfoljningar") == 4
    assert s.breakdown("uppfoljningar", DIM_TIDPUNKT) == {
        TIDPUNKT[0]: 2, TIDPUNKT[1]: 1, TIDPUNKT[2]: 0, TIDPUNKT[3]: 0, C.INVALID_CATEGORY: 1}


def test_activity_minute_shares_hand_computed():
    t = dict(zip(["0", "<30", "30", "60", "90", "120"], TRANING, strict=True))
    v = dict(zip(["0", "<30", "30", "60", "90", "150", "300"], VARDAG, strict=True))
    remisser = [
        # A: 2×0+45 = 45 at start; latest follow-up 2×45+75 = 165 -> active only at follow-up
        ref("A", "2023-01-01", traning_start=t["0"], vardag_start=v["30"]),
        # B: 2×120+0 = 240 at start; follow-up 2×15+15 = 45 -> active only at start
        ref("B", "2023-01-01", traning_start=t["120"], vardag_start=v["0"]),
        # C: follow-up lacks everyday activity -> not measured at follow-up
        ref("C", "2023-01-01", traning_start=t["120"], vardag_start=v["300"]),
        # D: no start measurement
        ref("D", "2023-01-01"),
        # E: 2×45+120 = 210 at start; latest *measured* follow-up is 0 -> active only at start
        ref("E", "2022-11-01", traning_start=t["30"], vardag_start=v["90"]),
    ]
    fu = [
        {"lopnummer": "A", "datum": "2023-05-01", "tidpunkt": TIDPUNKT[0], "traning": t["<30"],
         "vardag": v["<30"]},  # 45: inactive, but an earlier follow-up
        {"lopnummer": "a ", "datum": "2023-09-01", "tidpunkt": TIDPUNKT[1], "traning": t["30"],
         "vardag": v["60"]},
        {"lopnummer": "B", "datum": "2023-06-01", "tidpunkt": TIDPUNKT[0], "traning": t["<30"],
         "vardag": v["<30"]},
        {"lopnummer": "B", "datum": "2024-01-10", "tidpunkt": TIDPUNKT[1], "traning": t["120"],
         "vardag": v["300"]},  # next year: ignored
        {"lopnummer": "C", "datum": "2023-06-01", "tidpunkt": TIDPUNKT[0], "traning": t["120"]},
        {"lopnummer": "D", "datum": "2023-06-01", "tidpunkt": TIDPUNKT[0], "traning": t["120"],
         "vardag": v["300"]},
        {"lopnummer": "E", "datum": "2023-02-01", "tidpunkt": TIDPUNKT[0], "traning": t["0"],
         "vardag": v["0"]},
        {"lopnummer": "E", "datum": "2023-05-01", "tidpunkt": TIDPUNKT[1], "traning": t["120"]},
    ]  # fmt: skip
    s = compute({"remisser": remisser, "uppfoljningar": fu})
    assert s.value("matta_start_och_uppfoljning") == 3
    assert s.value("andel_tillrackligt_aktiva_start") == pytest.approx(2 / 3)
    assert s.value("andel_tillrackligt_aktiva_uppfoljning") == pytest.approx(1 / 3)


def test_activity_minute_threshold_is_inclusive():
    # 2×60-89 (75) + 0 = 150: exactly the threshold counts as sufficiently active.
    s = compute({
        "remisser": [ref("1", "2023-01-01", traning_start=TRANING[3], vardag_start=VARDAG[0])],
        "uppfoljningar": [{"lopnummer": "1", "datum": "2023-04-01", "tidpunkt": TIDPUNKT[0],
                           "traning": TRANING[0], "vardag": VARDAG[0]}],
    })  # fmt: skip
    assert s.value("andel_tillrackligt_aktiva_start") == 1
    assert s.value("andel_tillrackligt_aktiva_uppfoljning") == 0


def test_shares_are_none_without_measurements():
    s = compute({"remisser": [ref("1", "2023-01-01")]})
    assert s.value("andel_tillrackligt_aktiva_start") is None
    assert s.value("andel_tillrackligt_aktiva_uppfoljning") is None
    assert s.value("matta_start_och_uppfoljning") == 0


def test_bridged_on_counts_each_person_once():
    s = compute({
        "remisser": [
            ref("A", "2023-01-01", slussad_till=SLUSSAD[1]),
            ref("B", "2023-02-01", slussad_till=SLUSSAD[3]),
            ref("C", "2022-10-01", slussad_till=SLUSSAD[5]),          # carried over, open
            ref("D", "2023-03-01"),
            ref("E", "2021-01-01", avslutad="2022-05-01", slussad_till=SLUSSAD[0]),  # closed before
            ref("F", "2023-04-01", slussad_till="Simhall"),
        ],
        "uppfoljningar": [
            {"lopnummer": "A", "datum": "2023-04-01", "tidpunkt": TIDPUNKT[0],
             "slussad_till": SLUSSAD[1]},
            {"lopnummer": "A", "datum": "2023-08-01", "tidpunkt": TIDPUNKT[1],
             "slussad_till": SLUSSAD[0]},                              # latest wins
            {"lopnummer": "A", "datum": "2023-10-01", "tidpunkt": TIDPUNKT[2]},  # no destination
            {"lopnummer": "C", "datum": "2023-05-01", "tidpunkt": TIDPUNKT[0],
             "slussad_till": SLUSSAD[2]},                              # follow-up beats referral
            {"lopnummer": "D", "datum": "2024-01-05", "tidpunkt": TIDPUNKT[0],
             "slussad_till": SLUSSAD[0]},                              # next year
        ],
    })  # fmt: skip
    assert s.value("slussade") == 4
    assert s.breakdown("slussade", DIM_SLUSSAD) == {
        SLUSSAD[0]: 1, SLUSSAD[1]: 0, SLUSSAD[2]: 1, SLUSSAD[3]: 1, SLUSSAD[4]: 0, SLUSSAD[5]: 0,
        C.INVALID_CATEGORY: 1}  # fmt: skip


# --------------------------------------------------------------------------- activities


def session(datum, aktivitet, deltagare, timmar=None, fokus=FYSISK, typ=TRANINGSGRUPP):
    return {"datum": datum, "aktivitet": aktivitet, "fokusomrade": fokus, "typ": typ,
            "deltagare": deltagare, "timmar": timmar}  # fmt: skip


def present(datum, aktivitet, pid):
    return {"datum": datum, "aktivitet": aktivitet, "deltagar_id": pid}


FAR = "FaR träningsgrupp"


def activity_tables():
    return {
        "aktiviteter": [
            session("2023-02-01", FAR, 5, 1.5),
            session("2023-02-08", "far  Träningsgrupp ", 6, 1.5),  # same activity, other spelling
            session("2023-02-15", FAR, 7, 1.5),                    # no attendance list
            session("2023-03-01", "Hälsosamma matvanor", 5, 2, fokus=MATVANOR, typ=KURS),
            session("2023-10-01", "Föreläsning Gudiol", 70, None, fokus=FOKUSOMRADE[5],
                    typ=C.AKTIVITETSTYP_FORELASNING),
            session("2023-05-02", "Öppet hus", 1, None, fokus=FOKUSOMRADE[4],
                    typ=C.AKTIVITETSTYP_SPONTANT),
            session("2023-06-02", "Öppet hus", 2, None, fokus=FOKUSOMRADE[4],
                    typ=C.AKTIVITETSTYP_SPONTANT),
            session("2022-12-01", FAR, 9, 1.5),                    # last year
        ],
        "narvaro": [
            present("2023-02-01", FAR, "a"), present("2023-02-01", FAR, "b"),
            present("2023-02-01", "FAR TRÄNINGSGRUPP", "c"),
            present("2023-02-08", FAR, "A "), present("2023-02-08", FAR, "b"),
            present("2023-02-08", FAR, "d"), present("2023-02-08", FAR, "e"),
            present("2022-12-01", FAR, "z"),                       # last year: ignored
        ],
    }  # fmt: skip


def test_sessions_attendance_unique_participants_and_hours():
    s = compute(activity_tables())
    far = f"{DIM_AKT}={FAR}"
    assert s.value("tillfallen") == 7
    assert s.value("tillfallen", far) == 3
    # 3 + 4 attendance rows replace Deltagare 5 and 6; the third session keeps its 7.
    assert s.value("deltagartillfallen", far) == 14
    assert s.value("deltagartimmar", far) == pytest.approx(21)
    assert s.value("unika_deltagare", far) == 5  # a, b, c, d, e (ID case/space-insensitive)
    assert s.value("unika_deltagare") == 5
    assert s.value("deltagartillfallen", f"{DIM_AKT}=Hälsosamma matvanor") == 5
    assert s.value("deltagartimmar", f"{DIM_AKT}=Hälsosamma matvanor") == 10
    assert s.value("unika_deltagare", f"{DIM_AKT}=Hälsosamma matvanor") is None  # no attendance
    assert s.value("deltagartimmar", f"{DIM_AKT}=Föreläsning Gudiol") == 0  # no hours given
    assert s.value("deltagartillfallen") == 14 + 5 + 70 + 3
    assert s.value("deltagartimmar") == pytest.approx(31)
    assert s.value("tillfallen", f"{DIM_FOKUSOMRADE}={FYSISK}") == 3
    assert s.value("deltagartimmar", f"{DIM_FOKUSOMRADE}={MATVANOR}") == 10
    assert s.value("tillfallen", f"{DIM_FOKUSOMRADE}={FOKUSOMRADE[3]}") == 0  # zero kept
    assert s.breakdown("unika_deltagare", DIM_FOKUSOMRADE) == {FYSISK: 5}
    assert s.value("forelasningar_deltagare") == 70
    assert s.value("spontana_besok") == 2
    assert_keys_in_contract(s)


def test_two_sessions_on_same_day_share_attendance():
    s = compute({
        "aktiviteter": [session("2023-04-01", FAR, 9, 1), session("2023-04-01", FAR, 9, 2)],
        "narvaro": [present("2023-04-01", FAR, p) for p in "abcd"],
    })
    assert s.value("deltagartillfallen", f"{DIM_AKT}={FAR}") == 4
    assert s.value("deltagartimmar", f"{DIM_AKT}={FAR}") == pytest.approx(6)  # 2×1 + 2×2


def test_attendance_for_unlisted_session_counts_only_unique_participants():
    s = compute({
        "aktiviteter": [session("2023-04-01", FAR, 3, 1)],
        "narvaro": [present("2023-04-08", FAR, "a"), present("2023-04-08", "Boule", "b")],
    })
    assert s.value("deltagartillfallen") == 3
    assert s.value("unika_deltagare", f"{DIM_AKT}={FAR}") == 1
    # "Boule" is no session of the year: counted, but as an invalid value, not a category
    assert s.value("unika_deltagare", f"{DIM_AKT}=Boule") is None
    assert s.value("unika_deltagare", f"{DIM_AKT}={C.INVALID_CATEGORY}") == 1
    assert not any("Boule" in f.dimension for f in s.figures)
    assert s.breakdown("unika_deltagare", DIM_FOKUSOMRADE) == {FYSISK: 1, stats.EMPTY: 1}
    assert s.value("unika_deltagare") == 2


def test_no_unique_participants_without_attendance():
    s = compute({"aktiviteter": [session("2023-04-01", FAR, 3, 1)]})
    assert s.value("deltagartimmar") == 3
    assert not [f for f in s.figures if f.key == "unika_deltagare"]


def test_steering_meetings_and_plan():
    s = compute({
        "styrgrupp": [{"datum": d} for d in ("2023-02-01", "2023-05-01", "2023-09-01",
                                              "2023-11-30", "2022-11-30", "2024-01-15")],
        "plan": [
            {"fokusomrade": FYSISK, "aktivitet": FAR, "status": STATUS[2],
             "uppfoljning": "Fungerar bra.", "framtidsplan": "Fortsätter"},
            {"fokusomrade": FYSISK, "aktivitet": "Promenadgrupp", "status": STATUS[4]},
            {"fokusomrade": "Sömn", "aktivitet": "Sömnskola", "status": None},
        ],
    })  # fmt: skip
    assert s.value("styrgruppsmoten") == 4
    assert s.value("plan_aktiviteter") == 3
    fokus = s.breakdown("plan_aktiviteter", DIM_FOKUSOMRADE)
    # "Sömn" is a levnadsvana, not a Fokusområde: counted as an invalid value, not a heading
    assert fokus[FYSISK] == 2 and fokus[C.INVALID_CATEGORY] == 1 and list(fokus)[0] == FYSISK
    assert "Sömn" not in fokus
    status = s.breakdown("plan_aktiviteter", DIM_STATUS)
    assert status[STATUS[2]] == 1 and status[STATUS[4]] == 1 and status[stats.EMPTY] == 1
    assert [p.aktivitet for p in s.plan] == [FAR, "Promenadgrupp", "Sömnskola"]
    assert s.plan[0].uppfoljning == "Fungerar bra." and s.plan[1].framtidsplan is None
    assert s.plan_by_focus()[FYSISK][1].status == STATUS[4]
    assert s.plan[2].fokusomrade == C.INVALID_CATEGORY and s.plan[2].status is None
    assert set(s.plan_by_focus()) == {FYSISK, C.INVALID_CATEGORY}


# --------------------------------------------------------------------------- earlier years


def with_extra_history_column(wb: WorkbookData, header: str, values: list) -> WorkbookData:
    """The reader keeps extra Tidigare år columns under their header; add one by hand."""
    td = wb.tables["tidigare_ar"]
    td.df[header] = pd.Series(values, index=td.df.index, dtype="Float64")
    return wb


def test_since_start_changes_and_history():
    wb = workbook({
        "remisser": [ref(str(i), "2023-03-01", typ=TYP[0] if i < 3 else TYP[1],
                         forsta_samtal="2023-04-01" if i < 2 else None) for i in range(4)],
        "styrgrupp": [{"datum": "2023-03-01"}, {"datum": "2023-06-01"}],
        "tidigare_ar": [
            {"ar": 2021, "remisser": 5, "remisser_far": 5, "forsta_samtal": 1},
            {"ar": 2022, "remisser": 2, "remisser_far": 0, "forsta_samtal": None},
            {"ar": 2023, "remisser": 100, "remisser_far": 100, "forsta_samtal": 100},  # ignored
            {"ar": None, "remisser": 100},                                            # ignored
        ],
    })  # fmt: skip
    with_extra_history_column(wb, "styrgruppsmoten", [3, 4, 9, None])
    s = stats.compute(wb)
    assert s.value("remisser") == 4 and s.value("remisser_far") == 3
    assert s.value("remisser_sedan_start") == 5 + 2 + 4
    assert s.value("far_sedan_start") == 5 + 0 + 3
    assert s.value("forsta_samtal_sedan_start") == 1 + 2
    assert s.value("forandring_remisser") == 2
    assert s.value("forandring_remisser_andel") == pytest.approx(1.0)
    assert s.value("forandring_remisser_far") == 3
    assert s.value("forandring_remisser_far_andel") is None          # last year was 0
    assert not [f for f in s.figures if f.key.startswith("forandring_forsta_samtal")]  # blank
    assert s.value("forandring_styrgruppsmoten") == -2
    assert s.value("forandring_styrgruppsmoten_andel") == pytest.approx(-0.5)
    years = [y for y, _ in s.history]
    assert years == [2021, 2022, 2023]
    assert s.history[0][1] == {"remisser": 5, "remisser_far": 5, "forsta_samtal": 1,
                               "styrgruppsmoten": 3}  # fmt: skip
    assert s.history[1][1] == {"remisser": 2, "remisser_far": 0, "styrgruppsmoten": 4}
    this = s.history[-1][1]
    assert this["remisser"] == 4 and this["styrgruppsmoten"] == 2 and this["tillfallen"] == 0
    assert "andel_tillrackligt_aktiva_start" not in this  # None totals are left out
    assert not any(k.startswith(C.CHANGE_PREFIX) for k in this)
    assert_keys_in_contract(s)


def test_history_column_headed_by_swedish_label():
    wb = workbook({"tidigare_ar": [{"ar": 2022, "remisser": 1}]})
    with_extra_history_column(wb, C.FIGURE_BY_KEY["spontana_besok"].label.upper(), [6])
    s = stats.compute(wb)
    assert s.history[0] == (2022, {"remisser": 1, "spontana_besok": 6})
    assert s.value("forandring_spontana_besok") == -6


def test_no_change_without_previous_year():
    s = compute({"tidigare_ar": [{"ar": 2020, "remisser": 7}]})
    assert not [f for f in s.figures if f.key.startswith(C.CHANGE_PREFIX)]
    assert s.value("remisser_sedan_start") == 7


# --------------------------------------------------------------------------- robustness


def test_empty_workbook():
    s = compute()
    assert s.kommun == "Vaggeryd" and s.year == YEAR
    assert s.value("remisser") == 0 and s.value("tillfallen") == 0
    assert s.value("vantetid_median_dagar") is None
    assert s.history == ((YEAR, dict(s.history[0][1])),)
    assert len(s.breakdown("remisser", C.DIM_MONTH)) == 12
    assert_keys_in_contract(s)
    rows = list(s.rows())
    assert rows[0] == ("Vaggeryd", YEAR, "remisser", "", 0)


def test_missing_year_gives_no_figures():
    wb = read.workbook_data({"remisser": [ref("1", "2023-01-01")],
                             "plan": [{"fokusomrade": FYSISK, "aktivitet": "X"}]}, {})  # fmt: skip
    s = stats.compute(wb)
    assert s.year is None and s.figures == () and len(s.plan) == 1


def test_unparsable_dates_and_numbers_never_crash():
    s = compute({
        "remisser": [ref("1", "bad", forsta_samtal="bad", retur="x", avslutad="y",
                         utfall=C.UTFALL_VANTAR), ref("2", "2023-01-01", forsta_samtal="nej")],
        "uppfoljningar": [{"lopnummer": None, "datum": "?", "tidpunkt": None}],
        "aktiviteter": [session("?", FAR, "många", "lång"), session("2023-01-01", None, None)],
        "narvaro": [present("?", FAR, "a"), present("2023-01-01", None, None)],
        "styrgrupp": [{"datum": "snart"}],
        "tidigare_ar": [{"ar": "förra", "remisser": "tio"}],
    })  # fmt: skip
    assert s.value("remisser") == 1
    assert s.value("forsta_samtal") == 0 and s.value("vantar_vid_arsskifte") == 0
    assert s.value("tillfallen") == 1
    assert s.value("tillfallen", f"{DIM_AKT}={stats.EMPTY}") == 1
    assert s.value("deltagartillfallen") == 1  # one attendance row matched the blank activity
    assert s.value("styrgruppsmoten") == 0
    assert_keys_in_contract(s)


# --------------------------------------------------------------------------- properties

def _value(options):
    return st.one_of(st.sampled_from(options), st.none(), st.sampled_from(("Okänt", "xyz")))


referral_rows = st.lists(st.fixed_dictionaries({
    "lopnummer": st.text("abc123", min_size=1, max_size=4),
    "inkom": st.one_of(st.dates(min_value=pd.Timestamp("2022-06-01").date(),
                                max_value=pd.Timestamp("2024-06-01").date()), st.none(),
                       st.just("felaktigt")),
    "typ": _value(TYP), "remittent": _value(REMITTENT), "kon": _value(KON),
    "aldersgrupp": _value(ALDER), "fokus": _value(LEVNADSVANA),
}), max_size=40)  # fmt: skip

session_rows = st.lists(st.fixed_dictionaries({
    "datum": st.one_of(st.dates(min_value=pd.Timestamp("2022-12-01").date(),
                                max_value=pd.Timestamp("2024-01-31").date()), st.none()),
    "aktivitet": st.sampled_from((FAR, "far träningsgrupp", "Kurs A", None)),
    "fokusomrade": _value(FOKUSOMRADE), "typ": _value(AKTTYP),
    "deltagare": st.one_of(st.integers(0, 50), st.none()),
    "timmar": st.one_of(st.sampled_from((0.5, 1, 1.5, 2)), st.none()),
}), max_size=25)  # fmt: skip

attendance_rows = st.lists(st.fixed_dictionaries({
    "datum": st.sampled_from(("2023-01-01", "2023-01-02", "2023-06-01")),
    "aktivitet": st.sampled_from((FAR, "Kurs A", "Annat")),
    "deltagar_id": st.sampled_from(("p1", "p2", "p3", "P1")),
}), max_size=15)  # fmt: skip


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(referral_rows, session_rows, attendance_rows)
def test_breakdowns_sum_to_totals(remisser, aktiviteter, narvaro):
    s = compute({"remisser": remisser, "aktiviteter": aktiviteter, "narvaro": narvaro})
    total = s.value("remisser")
    for dim in (DIM_TYP, DIM_REMITTENT, DIM_KON, DIM_ALDER, DIM_FOKUS, C.DIM_MONTH):
        parts = s.breakdown("remisser", dim)
        assert sum(parts.values()) == total, dim
    assert len(s.breakdown("remisser", C.DIM_MONTH)) == 12
    assert s.value("remisser_far") == s.value("remisser", f"{DIM_TYP}={C.TYP_FAR}")
    for key in ("tillfallen", "deltagartillfallen", "deltagartimmar"):
        for dim in (DIM_AKT, DIM_FOKUSOMRADE):
            assert sum(s.breakdown(key, dim).values()) == pytest.approx(s.value(key)), (key, dim)
    unique = s.breakdown("unika_deltagare", DIM_AKT)
    if unique:
        assert max(unique.values()) <= s.value("unika_deltagare") <= sum(unique.values())
    assert_keys_in_contract(s)


typed = st.one_of(st.none(), st.text(min_size=1, max_size=12),
                  st.sampled_from((*KON, *TIDPUNKT, *SLUSSAD, *FOKUSOMRADE, *STATUS, "K")))


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(typed, typed, typed), max_size=20),
       st.lists(st.tuples(typed, typed), max_size=10),
       st.lists(st.tuples(typed, typed), max_size=10),
       st.lists(st.text(min_size=1, max_size=8), max_size=2))  # fmt: skip
def test_no_value_outside_its_list_ever_becomes_a_category(referrals, followups, plan, extra):
    """Whatever is typed into a list column, every breakdown holds only the workbook's list
    values (the coach's own additions included), (ogiltigt värde) and (ej ifyllt) -- and the
    invalid ones are counted, so each breakdown still sums to its total."""
    lists = {"kon": (*KON, *extra)}
    s = compute({
        "remisser": [ref(str(i), "2023-03-01", kon=k, slussad_till=d, fokus=f)
                     for i, (k, d, f) in enumerate(referrals)],
        "uppfoljningar": [{"lopnummer": "0", "datum": "2023-05-01", "tidpunkt": t,
                           "slussad_till": d} for t, d in followups],
        "plan": [{"fokusomrade": f, "aktivitet": "A", "status": st_} for f, st_ in plan],
    }, lists=lists)  # fmt: skip
    allowed = {DIM_KON: lists["kon"], DIM_FOKUS: LEVNADSVANA, DIM_TIDPUNKT: TIDPUNKT,
               DIM_SLUSSAD: SLUSSAD, DIM_FOKUSOMRADE: FOKUSOMRADE, DIM_STATUS: STATUS}
    for f in s.figures:
        name, _, value = f.dimension.partition("=")
        if name in allowed:
            assert value in (*allowed[name], *C.OWN_CATEGORIES), f
    kon = s.breakdown("remisser", DIM_KON)
    assert sum(kon.values()) == len(referrals)
    typed_kon = [k for k, _, _ in referrals if k is not None and str(k).strip()]
    # the reader folds case and spacing onto a list value; what still matches none is invalid
    from halsocenter.core.parse import canonical_list_value

    invalid = sum(canonical_list_value(k, lists["kon"]) not in lists["kon"] for k in typed_kon)
    assert kon.get(C.INVALID_CATEGORY, 0) == invalid
    for p in s.plan:
        assert p.fokusomrade in ("", *FOKUSOMRADE, C.INVALID_CATEGORY)
        assert p.status in (None, *STATUS, C.INVALID_CATEGORY)


# --------------------------------------------------------------------------- speed


def big_workbook(n_ref=50_000, n_fu=20_000, n_sessions=5_000, n_att=50_000) -> WorkbookData:
    """Typed tables built directly (the reader's per-cell typing is not what is measured)."""
    rng = np.random.default_rng(1)
    wb = workbook()

    def put(key, data):
        td = wb.tables[key]
        df = pd.DataFrame(data)
        df.index = pd.RangeIndex(2, 2 + len(df), name="rad")
        for col in td.spec.keys:
            if col not in df:
                df[col] = pd.Series([None] * len(df), index=df.index, dtype="object")
        td.df = df[list(td.spec.keys)]

    def days(n, start="2022-06-01", span=700):
        return pd.to_datetime(start) + pd.to_timedelta(rng.integers(0, span, n), unit="D")

    def pick(values, n):
        return pd.Series(np.array(values, dtype=object)[rng.integers(0, len(values), n)],
                         dtype="object")  # fmt: skip

    ids = pd.Series([f"2023-{i:05d}" for i in range(n_ref)], dtype="object")
    inkom = days(n_ref)
    put("remisser", {
        "lopnummer": ids, "inkom": inkom, "typ": pick(TYP, n_ref),
        "remittent": pick(REMITTENT, n_ref), "kon": pick(KON, n_ref),
        "aldersgrupp": pick(ALDER, n_ref), "fokus": pick(LEVNADSVANA, n_ref),
        "forsta_samtal": inkom + pd.to_timedelta(rng.integers(0, 60, n_ref), unit="D"),
        "utfall": pick(C.LIST_BY_KEY["utfall"].values, n_ref),
        "traning_start": pick(TRANING, n_ref), "vardag_start": pick(VARDAG, n_ref),
        "slussad_till": pick((*SLUSSAD, None), n_ref),
    })  # fmt: skip
    put("uppfoljningar", {
        "lopnummer": pick(ids.to_numpy(), n_fu), "datum": days(n_fu, "2023-01-01", 365),
        "tidpunkt": pick(TIDPUNKT, n_fu), "traning": pick(TRANING, n_fu),
        "vardag": pick(VARDAG, n_fu), "slussad_till": pick((*SLUSSAD, None), n_fu),
    })  # fmt: skip
    names = [f"Grupp {i}" for i in range(200)]
    put("aktiviteter", {
        "datum": days(n_sessions, "2023-01-01", 365), "aktivitet": pick(names, n_sessions),
        "fokusomrade": pick(FOKUSOMRADE, n_sessions), "typ": pick(AKTTYP, n_sessions),
        "deltagare": pd.Series(rng.integers(1, 30, n_sessions), dtype="Int64"),
        "timmar": pd.Series(rng.choice([1.0, 1.5, 2.0], n_sessions), dtype="Float64"),
    })  # fmt: skip
    put("narvaro", {
        "datum": days(n_att, "2023-01-01", 365), "aktivitet": pick(names, n_att),
        "deltagar_id": pick([f"p{i}" for i in range(3000)], n_att),
    })  # fmt: skip
    return wb


def test_large_workbook_gives_consistent_totals():
    """Scale, not speed: speed is measured in scripts/bench, never in unit tests."""
    wb = big_workbook()
    s = stats.compute(wb)
    assert s.value("remisser") > 10_000
    assert s.value("uppfoljningar") == 20_000
    assert sum(v for v in s.breakdown("remisser", "Månad").values()) == s.value("remisser")


# --------------------------------------------------------------------------- example workbook


def test_example_workbook_reproduces_the_seed_figures():
    path = EXAMPLES / "Vaggeryd_2023.xlsx"
    if not path.exists():
        pytest.skip("example workbook not generated yet")
    s = stats.compute(read.read_workbook(path))
    assert s.kommun == "Vaggeryd" and s.year == 2023
    assert s.value("remisser_far") == 81
    assert s.value("forsta_samtal") == 89
    assert s.value("far_sedan_start") == 167
    assert s.value("forsta_samtal_sedan_start") == 152
    assert s.value("styrgruppsmoten") == 4
    assert s.value("unika_deltagare", f"{DIM_AKT}={FAR}") == 12
    assert s.value("unika_deltagare", f"{DIM_AKT}=LSS träningsgrupp") == 14
    assert s.value("deltagartimmar", f"{DIM_AKT}={FAR}") == pytest.approx(227)
    assert s.value("spontana_besok") == 4
    assert sum(s.breakdown("remisser", C.DIM_MONTH).values()) == s.value("remisser")
    assert_keys_in_contract(s)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.xlsx")), ids=lambda p: p.stem)
def test_every_example_workbook_computes(path):
    s = stats.compute(read.read_workbook(path))
    assert s.value("remisser") > 0 and s.value("forsta_samtal") > 0
    assert s.history[-1][0] == s.year and [y for y, _ in s.history] == sorted(
        y for y, _ in s.history)
    previous = dict(s.history).get(s.year - 1)
    if previous:
        assert s.value("forandring_remisser") == s.value("remisser") - previous["remisser"]
    assert_keys_in_contract(s)
