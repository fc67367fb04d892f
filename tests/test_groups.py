"""Grouped findings: a view over the individual findings that tells a systematic mistake in one
line ("20 412 celler har ”<30” som inte finns i listan (K2:K20413 …)")."""

from __future__ import annotations

import re
import typing
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from conftest import ROOT
from examples import example_tables
from halsocenter.core import contract as C
from halsocenter.core import messages as M
from halsocenter.core.a1 import parse_cell
from halsocenter.core.groups import cell_ranges, group_findings, ranges_text
from halsocenter.core.model import Finding
from halsocenter.core.swedish import number
from halsocenter.core.validate import validate
from halsocenter.xlsx.read import workbook_data

YEAR = 2024


def planted(**mistakes) -> list[Finding]:
    """Findings of a real (generated) workbook with rows changed as ``mistakes`` say."""
    tables, settings = example_tables("Habo", YEAR, seed=3, size={"referrals": 300,
                                                                  "followups": 80})
    rows = tables["remisser"]
    for i in mistakes.get("short", ()):
        rows[i]["traning_start"] = "<30"
    for i in mistakes.get("typo", ()):
        rows[i]["traning_start"] = "30-59"
    for i in mistakes.get("blank", ()):
        rows[i]["kon"] = None
        rows[i]["typ"] = None
    return validate(workbook_data(tables, settings))


def by_code(groups, code):
    return [g for g in groups if g.code == code]


def test_same_rule_column_and_value_make_one_group_with_count_and_ranges():
    short = [*range(0, 40), *range(50, 60), 99]
    groups = group_findings(planted(short=short))
    (g,) = by_code(groups, "list_value_unknown")
    assert g.count == len(short) and g.value == "<30"
    assert (g.sheet, g.column) == (C.REMISSER.sheet, C.REMISSER.column("traning_start").header)
    letter = g.first.cell.rstrip("0123456789")
    assert g.ranges == [f"{letter}2:{letter}41", f"{letter}52:{letter}61", f"{letter}101"]
    assert g.message == (f"Remisser, kolumn Träning start: 51 celler har ”<30” som inte finns i "
                         f"listan ({letter}2:{letter}41, {letter}52:{letter}61, {letter}101)")


def test_different_values_are_different_groups_where_the_value_matters():
    groups = group_findings(planted(short=range(0, 30), typo=range(30, 35)))
    values = {g.value: g.count for g in by_code(groups, "list_value_unknown")}
    assert values == {"<30": 30, "30-59": 5}
    assert [g.value for g in by_code(groups, "list_value_unknown")] == ["<30", "30-59"]


def test_where_the_value_does_not_matter_one_group_per_column():
    found = planted(blank=range(10, 22))
    missing = [f for f in found if f.code == "required_missing"]
    assert len({f.column for f in missing}) == 1  # Typ is required; Kön is not
    groups = group_findings(missing + [Finding("required_missing", "error", "Remisser", 3,
                                               "Inkom", "B3", None, "x")])  # fmt: skip
    assert sorted((g.column, g.count) for g in groups) == [("Inkom", 1), ("Typ", 12)]
    assert M.rule("required_missing").by_value is False


def test_every_finding_is_in_exactly_one_group():
    found = planted(short=range(0, 25), typo=range(40, 43), blank=range(60, 64))
    groups = group_findings(found)
    members = [f for g in groups for f in g.findings]
    assert sorted(map(id, members)) == sorted(map(id, found))
    assert sum(g.count for g in groups) == len(found)


def test_errors_come_first_then_the_largest_groups():
    fs = [Finding("duplicate_row", "warning", "Uppföljningar", r, "Löpnummer", f"A{r}", None, "d")
          for r in range(2, 60)]  # fmt: skip
    fs += [Finding("required_missing", "error", "Remisser", r, "Typ", f"C{r}", None, "m")
           for r in (5, 6)]  # fmt: skip
    fs += [Finding("excel_error", "error", "Remisser", r, "Inkom", f"B{r}", "#REF!", "e")
           for r in range(2, 9)]  # fmt: skip
    fs.append(Finding("contact_info", "warning", "Remisser", 4, "Kommentar", "O4", "x", "c"))
    order = [(g.severity, g.count) for g in group_findings(fs)]
    assert order == [("error", 7), ("error", 2), ("warning", 58), ("warning", 1)]


def test_a_group_of_one_speaks_with_the_findings_own_words():
    f = Finding("personal_id", "error", "Remisser", 12, "Kommentar", "O12", "x",
                "Remisser, rad 12, kolumn Kommentar: texten innehåller ett personnummer.")
    (g,) = group_findings([f])
    assert g.sentence == f.message and g.message == f"{f.message} (O12)"


def test_counts_are_grouped_in_threes_with_a_no_break_space():
    assert number(20412) == "20\u00a0412" and number(999) == "999"
    assert number(1_234_567) == "1\u00a0234\u00a0567"
    fs = [Finding("duplicate_row", "warning", "Uppföljningar", r, "Löpnummer", f"A{r}", None, "d")
          for r in range(2, 1502)]  # fmt: skip
    (g,) = group_findings(fs)
    assert g.message.startswith("Uppföljningar, kolumn Löpnummer: 1\u00a0500 rader är likadana")
    assert g.message.endswith("(A2:A1501)")


def test_every_code_has_a_rule_and_its_sentence_renders():
    for code, rule in M.RULES.items():
        assert rule.code == code and re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", code), code
        assert rule.severity in C.SEVERITY_ORDER, code
        assert rule.message.startswith("{where}: "), code
        text = M.render_group(code, 21, "X")
        assert "{" not in text and rule.name[0].isupper(), code
        assert text.startswith("21 ") or "{n}" not in rule.group, code
        assert "X" in text or not rule.by_value, code
    unknown = group_findings([Finding("ny_regel", "warning", "Plan", r, "Aktivitet", f"B{r}",
                                      r, "m") for r in (2, 3)])  # fmt: skip
    assert unknown[0].name == "ny_regel" and "2 kontrollpunkter" in unknown[0].message


def test_dates_and_numbers_as_group_values_read_as_in_the_messages():
    fs = [Finding("invalid_list", "error", "Remisser", r, "Typ", f"C{r}", date(2024, 3, 1), "m")
          for r in (2, 3)]  # fmt: skip
    (g,) = group_findings(fs)
    assert "”2024-03-01”" in g.message
    assert g.as_dict()["value"] == "2024-03-01"


# --------------------------------------------------------------------------- ranges

cells = st.sets(st.tuples(st.integers(1, 30), st.integers(1, 400)), max_size=300)


def expand(ranges: list[str]) -> list[tuple[int, int]]:
    out = []
    for r in ranges:
        first, _, last = r.partition(":")
        (c1, r1), (c2, r2) = parse_cell(first), parse_cell(last or first)
        assert c1 == c2 and r1 <= r2, r  # a range is part of one column
        out += [(c1, row) for row in range(r1, r2 + 1)]
    return out


@given(cells)
def test_ranges_cover_exactly_the_cells_in_order_and_are_maximal(points):
    refs = [f"{get_column_letter(c)}{r}" for c, r in points]
    ranges = cell_ranges(refs)
    covered = expand(ranges)
    assert covered == sorted(points)  # exactly the cells, each once, by column then row
    for a, b in zip(ranges, ranges[1:], strict=False):  # no two ranges could be one
        (ca, ra) = parse_cell(a.partition(":")[2] or a)
        (cb, rb) = parse_cell(b.partition(":")[0])
        assert ca != cb or rb > ra + 1


@given(cells, st.integers(1, 5))
def test_elided_ranges_text(points, shown):
    ranges = cell_ranges(f"{get_column_letter(c)}{r}" for c, r in points)
    text = ranges_text(ranges, shown)
    assert text.removesuffix("\u00a0…").split(", ") == ranges[:shown] or not ranges
    assert text.endswith("\u00a0…") == (len(ranges) > shown)
    assert len(re.findall(r"[A-Z]+\d+(?::[A-Z]+\d+)?", text)) == min(shown, len(ranges))


def test_ranges_ignore_dollars_and_keep_odd_references():
    assert cell_ranges(["$B$3", "B4", "B2", "Start!B7"]) == ["B2:B4", "Start!B7"]


def test_a_column_with_many_different_values_is_one_group_with_examples():
    tables, settings = example_tables("Habo", YEAR, seed=3, size={"referrals": 300,
                                                                  "followups": 80})
    for i, row in enumerate(tables["remisser"][:40]):
        row["traning_start"] = f"värde {i}"  # every cell typed differently
    groups = by_code(group_findings(validate(workbook_data(tables, settings))),
                     "list_value_unknown")  # fmt: skip
    (g,) = groups
    assert g.count == 40 and g.value is None and len(g.values) == 40
    assert g.sentence == ("Remisser, kolumn Träning start: 40 celler har värden som inte finns "
                          "i listan, t.ex. ”värde 0”, ”värde 1”, ”värde 2”\u00a0…")


def test_up_to_five_values_of_a_column_stay_groups_of_their_own():
    tables, settings = example_tables("Habo", YEAR, seed=3, size={"referrals": 300,
                                                                  "followups": 80})
    for i, row in enumerate(tables["remisser"][:50]):
        row["traning_start"] = f"värde {i % 5}"
    groups = by_code(group_findings(validate(workbook_data(tables, settings))),
                     "list_value_unknown")  # fmt: skip
    assert sorted((g.value, g.count) for g in groups) == [(f"värde {i}", 10) for i in range(5)]


def test_every_code_the_program_gives_is_in_the_registry():
    """Codes written in the package (``render("x", …)``, ``severity("x")``, ``code="x"``, a
    check's ``ctx.at…("x", …)``) and the reader's ``invalid_<kind>`` are all registered."""
    source = "\n".join(p.read_text(encoding="utf-8")
                       for p in (ROOT / "addin" / "halsocenter").rglob("*.py"))
    used = set(re.findall(r"(?:render|severity|\.at\w*)\(\s*\"([a-z_]+)\"", source))
    used |= set(re.findall(r"code=\"([a-z_]+)\"", source))
    used |= {M.invalid_code(kind) for kind in typing.get_args(C.Kind)}
    assert used and used <= set(M.RULES), sorted(used - set(M.RULES))


def test_every_rule_told_by_value_has_a_sentence_for_many_values():
    for code, rule in M.RULES.items():
        if rule.by_value:
            text = M.render_group(code, 12, many=True)
            assert rule.many and "12" in text and "{" not in text and "”" not in text, code
