"""Findings beyond ``FindingList.LIMIT`` are counted, not listed: exact counts, bounded lists."""

from __future__ import annotations

import pytest

from examples import example_tables
from halsocenter.core import contract as C
from halsocenter.core.analysis import unreadable_values
from halsocenter.core.groups import group_findings
from halsocenter.core.model import FindingList, severity_counts
from halsocenter.core.validate import validate
from halsocenter.xlsx.read import read_workbook, workbook_data
from hostile_files import EXAMPLE, build

LIMIT = 30


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(FindingList, "LIMIT", LIMIT)


def _typos(n: int):
    tables, settings = example_tables("Habo", 2024, seed=3, size={"referrals": 300,
                                                                  "followups": 80})
    for i, row in enumerate(tables["remisser"][:n]):
        row["kon"] = f"fel {i}"
    return workbook_data(tables, settings)


def test_counts_stay_exact_when_findings_are_only_counted(small_limit):
    full = [f for f in validate(_typos(200)) if f.code == "list_value_unknown"]
    assert len(full) < 200  # listed ones, and one finding counting the rest
    assert sum(f.count for f in full) == 200
    (rest,) = [f for f in full if f.count > 1]
    assert rest.cell is None and rest.severity == "error"
    assert "listas inte en och en" in rest.message and rest.as_dict()["count"] == rest.count
    assert severity_counts(full)["error"] == 200


def test_the_list_is_bounded_whatever_the_number_of_findings(small_limit):
    for n in (10, 100, 250):
        findings = validate(_typos(n))
        assert len([f for f in findings if f.count == 1]) <= LIMIT
        assert sum(f.count for f in findings if f.code == "list_value_unknown") == n


def test_a_column_partly_listed_is_one_group_that_says_how_many_are_not_listed(small_limit):
    groups = [g for g in group_findings(validate(_typos(200))) if g.code == "list_value_unknown"]
    (g,) = groups
    assert g.count == 200 and 0 < g.unlisted < 200
    header = C.REMISSER.column("kon").header
    assert g.sentence.startswith(f"Remisser, kolumn {header}: 200 celler har värden som inte")
    assert f"{g.unlisted} av dem listas inte en och en" in g.sentence


def test_unreadable_cells_read_from_a_file_are_counted_beyond_the_limit(small_limit, tmp_path):
    letter = "B"  # Inkom, a date
    assert C.REMISSER.headers[1] == C.REMISSER.column("inkom").header
    cells = {f"{letter}{r}": f"inte ett datum {r}" for r in range(2, 102)}
    wb = read_workbook(build(tmp_path / "datum.xlsx", cells={C.REMISSER.sheet: cells}))
    assert isinstance(wb.problems, FindingList) and len(wb.problems) <= LIMIT
    bad = unreadable_values(wb)
    assert sum(f.count for f in bad if f.code == "invalid_date") == 100
    findings = validate(wb)
    assert sum(f.count for f in findings if f.code == "invalid_date") == 100
    assert len([f for f in findings if f.count == 1]) <= LIMIT


def test_the_example_has_nothing_left_unlisted():
    wb = read_workbook(EXAMPLE)
    assert not wb.problems.omitted
    assert all(f.count == 1 for f in validate(wb))


def test_the_kontroll_sheet_lists_what_is_listed_and_counts_the_rest(small_limit):
    from halsocenter.sheets.kontroll import kontroll_layout, more_text

    findings = validate(_typos(200))
    layout = kontroll_layout(findings, kommun="Habo", year=2024)
    rows = [r for b in layout.blocks if b.name == "findings" for r in b.rows]
    (g_index,) = [i for i, g in enumerate(layout.groups) if g.code == "list_value_unknown"]
    listed = [r for r in rows if r.kind == "finding" and r.group == g_index]
    (more,) = [r for r in rows if r.kind == "more" and r.group == g_index]
    assert 0 < len(listed) < 200 and all(r.link for r in listed)
    assert more.values[-1] == more_text(200 - len(listed))
