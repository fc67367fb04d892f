"""The example workbooks: deterministic, committed as generated, Vaggeryd 2023 matches the
published figures, and the data are valid (list values, date order, attendance = Deltagare).

Figures are computed straight from the files with python-calamine, independent of the reader."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

import pytest
import python_calamine as pc

import examples as E
from conftest import EXAMPLES
from halsocenter.core import contract as C
from halsocenter.core.parse import serial_to_date


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return serial_to_date(value)
    return value


def load(path) -> dict[str, list[dict]]:
    """Every table of a workbook as dicts keyed by column key (header row 1, columns A..)."""
    book = pc.CalamineWorkbook.from_path(str(path))
    out = {}
    for spec in C.TABLES:
        rows = book.get_sheet_by_name(spec.sheet).to_python()
        assert tuple(rows[0][: len(spec.columns)]) == spec.headers
        table = []
        for raw in rows[1:]:
            if all(v == "" for v in raw):
                continue
            rec = {}
            for column, value in zip(spec.columns, raw, strict=False):
                value = None if value == "" else value
                rec[column.key] = _as_date(value) if column.kind == "date" else value
            table.append(rec)
        out[spec.key] = table
    return out


@pytest.fixture(scope="module")
def files() -> dict[str, dict[str, list[dict]]]:
    return {f"{k}_{y}": load(EXAMPLES / E.example_filename(k, y)) for k, y in E.EXAMPLES}


@pytest.fixture(scope="module")
def vaggeryd(files):
    return files["Vaggeryd_2023"]


def test_committed_examples_are_what_the_generator_makes():
    for kommun, year in E.EXAMPLES:
        path = EXAMPLES / E.example_filename(kommun, year)
        assert path.read_bytes() == E.example_bytes(kommun, year), (
            f"{path.name} är inaktuell; kör scripts/make-template")


def test_generation_is_deterministic_and_seeded():
    a = E.example_bytes("Habo", 2024, seed=7)
    assert a == E.example_bytes("Habo", 2024, seed=7)
    assert a != E.example_bytes("Habo", 2024, seed=8)
    assert E.example_tables("Habo", 2024, seed=7) == E.example_tables("Habo", 2024, seed=7)


def test_write_examples_writes_every_example(tmp_path):
    paths = E.write_examples(tmp_path)
    assert sorted(p.name for p in paths) == sorted(p.name for p in tmp_path.iterdir())
    assert {p.name for p in paths} == {E.example_filename(k, y) for k, y in E.EXAMPLES}


def in_year(d, year=2023) -> bool:
    return isinstance(d, date) and d.year == year


def test_vaggeryd_2023_referral_figures(vaggeryd):
    rem = vaggeryd["remisser"]
    assert sum(in_year(r["inkom"]) and r["typ"] == C.TYP_FAR for r in rem) == 81
    assert sum(in_year(r["forsta_samtal"]) for r in rem) == 89
    far_share = sum(r["typ"] == C.TYP_FAR for r in rem if in_year(r["inkom"])) / sum(
        in_year(r["inkom"]) for r in rem)
    assert 0.8 <= far_share <= 0.95
    history = vaggeryd["tidigare_ar"]
    assert {r["ar"] for r in history} == {2021, 2022}
    assert sum(r["remisser_far"] for r in history) + 81 == 167
    assert sum(r["forsta_samtal"] for r in history) + 89 == 152
    # Last year's referrals with their first talk this year, and some open ones at year end.
    assert any(r["inkom"].year == 2022 and in_year(r["forsta_samtal"]) for r in rem)
    assert {C.UTFALL_BOKAT, C.UTFALL_UTEBLEV, C.UTFALL_TACKADE_NEJ} <= {r["utfall"] for r in rem}
    lost = [r for r in rem if r["utfall"] in (C.UTFALL_UTEBLEV, C.UTFALL_TACKADE_NEJ)]
    assert lost and all(r["retur"] for r in lost)


def test_vaggeryd_2023_activity_figures(vaggeryd):
    act, nar = vaggeryd["aktiviteter"], vaggeryd["narvaro"]
    assert len(vaggeryd["styrgrupp"]) == 4
    assert all(in_year(r["datum"]) for r in vaggeryd["styrgrupp"])
    unique = {name: len({r["deltagar_id"] for r in nar if r["aktivitet"] == name})
              for name in ("FaR träningsgrupp", "LSS träningsgrupp")}  # fmt: skip
    assert unique == {"FaR träningsgrupp": 12, "LSS träningsgrupp": 14}
    hours = sum(r["deltagare"] * r["timmar"] for r in act if r["aktivitet"] == "FaR träningsgrupp")
    assert hours == 227
    mat = sorted(r["deltagare"] for r in act if r["aktivitet"] == "Hälsosamma matvanor")
    assert mat == [5, 6]
    assert sum(r["typ"] == C.AKTIVITETSTYP_SPONTANT for r in act) == 4
    assert sum(r["deltagare"] for r in act if r["typ"] == C.AKTIVITETSTYP_FORELASNING) >= 400
    plan = vaggeryd["plan"]
    areas = Counter(r["fokusomrade"] for r in plan)
    assert set(areas) == set(C.LIST_BY_KEY["fokusomrade"].values)
    assert all(1 <= n <= 3 for n in areas.values()) and sum(areas.values()) >= 12
    assert all(r["framtidsplan"] for r in plan)
    assert {r["avsnitt"] for r in vaggeryd["berattelse"]} == set(C.LIST_BY_KEY["avsnitt"].values)


def test_attendance_rows_per_session_equal_deltagare(files):
    for name, t in files.items():
        per_session = Counter((r["datum"], r["aktivitet"]) for r in t["narvaro"])
        assert per_session, name
        sessions = {(r["datum"], r["aktivitet"]): r["deltagare"] for r in t["aktiviteter"]}
        assert len(sessions) == len(t["aktiviteter"]), f"{name}: two sessions on one day"
        for key, n in per_session.items():
            assert sessions[key] == n, (name, key)
        assert len(set(map(tuple, (r.values() for r in t["narvaro"])))) == len(t["narvaro"])


def test_examples_are_valid_data(files):
    list_values = {lst.key: set(lst.values) for lst in C.LISTS}
    for name, t in files.items():
        year = int(name[-4:])
        for spec in C.TABLES:
            for r in t[spec.key]:
                for column in spec.columns:
                    value = r.get(column.key)
                    if column.required:
                        assert value is not None, (name, spec.key, column.key, r)
                    if column.kind == "list" and value is not None:
                        assert value in list_values[column.list], (name, column.key, value)
                    if column.kind == "date" and value is not None:
                        assert isinstance(value, date) and year - 1 <= value.year <= year
        rem = t["remisser"]
        numbers = [r["lopnummer"] for r in rem]
        assert len(set(numbers)) == len(numbers)
        assert all(re.fullmatch(r"\d{4}-\d{3,}", n) and int(n[:4]) == r["inkom"].year
                   for n, r in zip(numbers, rem, strict=True))  # fmt: skip
        by_number = {r["lopnummer"]: r for r in rem}
        for r in rem:
            if r["forsta_samtal"]:
                assert r["inkom"] <= r["forsta_samtal"]
                assert r["utfall"] == C.UTFALL_GENOMFORT
            if r["avslutad"]:
                assert r["avslutad"].year == year
                assert (r["forsta_samtal"] or r["inkom"]) <= r["avslutad"]
            if r["retur"]:
                assert r["inkom"] <= r["retur"]
        for f in t["uppfoljningar"]:
            ref = by_number[f["lopnummer"]]
            months = (f["datum"] - ref["forsta_samtal"]).days / 30.44
            assert abs(months - C.TIDPUNKT_MONTHS[f["tidpunkt"]]) < 1, (name, f)
            assert f["datum"].year == year
            assert not ref["avslutad"] or f["datum"] <= ref["avslutad"]
        assert len(t["styrgrupp"]) == 4
        years = [r["ar"] for r in t["tidigare_ar"]]
        assert years == sorted(years) and years[-1] == year - 1


def test_examples_pass_the_validator():
    validate = pytest.importorskip("halsocenter.core.validate").validate
    from halsocenter.xlsx.read import read_workbook

    for kommun, year in E.EXAMPLES:
        wb = read_workbook(EXAMPLES / E.example_filename(kommun, year))
        errors = [f for f in [*wb.problems, *validate(wb)] if f.severity == "error"]
        assert errors == [], f"{kommun} {year}: {errors[:3]}"


def test_sizes_are_exact_when_asked():
    counts = {"referrals": 600, "followups": 150, "sessions": 80, "attendance": 500}
    tables, _ = E.example_tables("Tranås", 2025, size=counts)
    assert len(tables["remisser"]) == 600
    assert len(tables["uppfoljningar"]) == 150
    assert len(tables["aktiviteter"]) == 80
    assert len(tables["narvaro"]) == 500
    per_session = Counter((r["datum"], r["aktivitet"]) for r in tables["narvaro"])
    for r in tables["aktiviteter"]:
        assert per_session.get((r["datum"], r["aktivitet"]), r["deltagare"]) == r["deltagare"]
