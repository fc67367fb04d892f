"""The benchmark's input builders (scripts/bench_data.py): deterministic, and the files they make
go through the same reading and validation as real ones."""

from __future__ import annotations

from collections import Counter

import pytest
import python_calamine as pc

import bench_data  # scripts/ is on the tests' path (pyproject.toml)
from halsocenter.core import contract as C
from halsocenter.core.validate import validate
from halsocenter.jobs import consolidate
from halsocenter.xlsx.read import workbook_data


def sheet(path, name):
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


@pytest.mark.slow
def test_bench_exports_are_deterministic_and_all_count_for_the_county(tmp_path):
    first = bench_data.write_exports(tmp_path / "a", n=16, seed=2024)
    again = bench_data.write_exports(tmp_path / "b", n=16, seed=2024)
    assert [p.name for p in first][:2] == ["Halsocenter_Aneby_2024.xlsx",
                                           "Halsocenter_Eksjö_2024.xlsx"]  # fmt: skip
    assert first[13].name == "Halsocenter_Aneby_2023.xlsx"  # the 13, then a year earlier
    for p, q in zip(first, again, strict=True):
        assert sheet(p, "Rapportdata") == sheet(q, "Rapportdata")
    result = consolidate(tmp_path / "a", tmp_path / "lan.xlsx")
    assert len(result.reports) == 16 and not result.unreadable and not result.replaced
    assert all(r.in_county for r in result.reports)


def test_systematic_mistakes_give_one_warning_per_planted_row():
    tables, settings = bench_data.example_tables("Vaggeryd", 2024, seed=5,
                                                 size={"referrals": 400, "followups": 150})
    clean = Counter(f.code for f in validate(workbook_data(tables, settings)))
    old = bench_data.WAITING_ROWS, bench_data.DUPLICATED_FOLLOWUPS
    bench_data.WAITING_ROWS, bench_data.DUPLICATED_FOLLOWUPS = 200, 60
    try:
        planted = bench_data.plant_systematic_mistakes(tables)
    finally:
        bench_data.WAITING_ROWS, bench_data.DUPLICATED_FOLLOWUPS = old
    assert len(tables["uppfoljningar"]) == 150  # the originals are untouched
    found = Counter(f.code for f in validate(workbook_data(planted, settings)))
    assert found["first_talk_but_waiting"] - clean["first_talk_but_waiting"] == 200
    assert found["duplicate_row"] - clean["duplicate_row"] == 60
    assert sum(found.values()) - sum(clean.values()) == 260
    assert C.UTFALL_VANTAR in {r["utfall"] for r in planted["remisser"]}


def test_each_job_is_compared_with_the_baseline_run_right_before_it():
    from bench import paired_ratio

    # two jobs share a baseline; a round runs: base, job 0, base, job 1. Round 3 was busy for
    # job 1 and its baseline alike (both twice as slow): the ratio does not move.
    base = [1.0, 2.0, 1.0, 2.0, 1.0, 4.0]
    assert paired_ratio([3.0, 3.0, 3.0], base, 2, 0) == 3.0
    assert paired_ratio([4.0, 4.0, 8.0], base, 2, 1) == 2.0
    with pytest.raises(ValueError):
        paired_ratio([1.0, 1.0], base, 2, 0)
