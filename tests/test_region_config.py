"""The region configuration (``core.region_config``, ``region.settings``): the built-in region
and its shipped file, TOML that reads back to the same region, and every kind of bad
configuration refused with a Swedish message naming the line."""

from __future__ import annotations

import re
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT
from halsocenter.core import contract as C
from halsocenter.core import region_config as RC
from halsocenter.region.settings import read_region_file

DEFAULT_FILE = ROOT / "workbook_template" / "region_jonkopings_lan.toml"

EXAMPLE = """\
[region]
namn = "Region Exempel"        # who collects the reports
lan = "Exempels län"           # used in titles: "Hälsocenter i Exempels län"

[[kommun]]
namn = "Storstad"
kod = "9999"                   # SCB municipality code
invanare = { 2023 = 97000, 2024 = 98000 }   # optional: population per year

[[kommun]]
namn = "Lillby"
kod = "9998"
"""


def test_the_shipped_file_is_the_built_in_region():
    """workbook_template/region_jonkopings_lan.toml is what scripts/make-template writes, and
    it reads back as the region the program has built in: 13 municipalities with SCB codes, no
    population."""
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    assert text == RC.DEFAULT.to_toml(comment=RC.DEFAULT_FILE_COMMENT), "kör scripts/make-template"
    region = read_region_file(DEFAULT_FILE)
    assert region == RC.DEFAULT and region.is_default
    assert len(region.names) == 13 and region.county == "Jönköpings län"
    assert region.health_unit == "Folkhälsa RJL" and not region.has_population
    assert [m.code for m in region.municipalities][:3] == ["0604", "0686", "0662"]
    assert "BE0101N1" in text  # where the population comes from


def test_the_issues_example_reads():
    region = RC.parse(EXAMPLE, "exempel.toml")
    assert region.name == "Region Exempel" and region.county == "Exempels län"
    assert region.title == "Hälsocenter i Exempels län"
    assert region.health_unit == "Folkhälsa Region Exempel"  # the default when none is given
    assert region.names == ("Storstad", "Lillby")
    assert region.inhabitants("storstad", 2024) == 98000
    assert region.inhabitants("Storstad", 2022) is None
    assert region.inhabitants("Lillby", 2024) is None
    assert region.named("  LILLBY ") == "Lillby" and region.named("Aneby") is None
    assert not region.is_default and region.has_population


def test_the_contract_parts_come_from_the_region():
    """The Kommun list and the Styrgrupp column are the region's; everything else is the
    contract's own."""
    region = RC.parse(EXAMPLE.replace('lan = "Exempels län"',
                                      'lan = "Exempels län"\nfolkhalsoenhet = "Folkhälsoenheten"'))
    assert region.list_by_key[C.KOMMUN_LIST].values == ("Storstad", "Lillby")
    styrgrupp = region.table_by_key["styrgrupp"]
    assert styrgrupp.column(C.STYRGRUPP_HEALTH_UNIT).header == "Folkhälsoenheten"
    assert styrgrupp.keys == C.STYRGRUPP.keys
    assert [t.key for t in region.tables] == [t.key for t in C.TABLES]
    assert region.table_by_key["remisser"] is C.REMISSER
    assert RC.DEFAULT.tables == C.TABLES and RC.DEFAULT.lists == C.LISTS


_NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(
    lambda s: s and RC.fold(s) != RC.fold(C.COUNTY_ROW) and "\ufffe" not in s
    and "\uffff" not in s)


@st.composite
def regions(draw):
    names = draw(st.lists(_NAME, min_size=1, max_size=8, unique_by=RC.fold))
    codes = draw(st.lists(st.from_regex(r"[0-9]{4}", fullmatch=True), min_size=len(names),
                          max_size=len(names), unique=True))
    municipalities = tuple(
        RC.Municipality(n, c, tuple(sorted(draw(st.dictionaries(
            st.integers(RC.YEAR_MIN, RC.YEAR_MAX), st.integers(1, RC.MAX_INHABITANTS),
            max_size=3)).items())))
        for n, c in zip(names, codes, strict=True))  # fmt: skip
    return RC.Region(draw(_NAME), draw(_NAME), draw(_NAME), municipalities,
                     draw(st.none() | _NAME),
                     draw(st.none() | st.sampled_from(["https://filer.region.example/hc/",
                                                       "https://region.example/"])))


@given(regions())
def test_a_region_written_as_toml_reads_back_the_same(region):
    assert RC.parse(region.to_toml(), "x.toml") == region
    stored = RC.parse(region.workbook_text, "x.toml")
    assert stored == region.without_population() and not stored.has_population


@given(st.text(max_size=300))
def test_any_text_is_a_region_or_a_swedish_refusal(text):
    """Whatever the file holds: a Region, or a RegionError naming the source (never another
    exception)."""
    try:
        region = RC.parse(text, "fil.toml")
    except RC.RegionError as exc:
        assert exc.message.startswith("fil.toml")
    else:
        assert region.names


@given(st.lists(st.sampled_from(['[region]', 'namn = "R"', 'lan = "L"', '[[kommun]]',
                                 'namn = "A"', 'kod = "0101"', 'kod = 101', 'namn = 5',
                                 'invanare = { 2024 = -1 }', 'invanare = { 2024 = 10 }',
                                 'x = 1', '[kommun.invanare]', '2023 = 5', '', '# kommentar']),
                max_size=14))
def test_configurations_made_of_real_lines_fail_only_in_swedish(lines):
    try:
        RC.parse("\n".join(lines), "fil.toml")
    except RC.RegionError as exc:
        found = re.match(r"fil\.toml(, rad (\d+))?: ", exc.message)
        assert found, exc.message
        if found.group(2):
            assert 1 <= int(found.group(2)) <= max(len(lines), 1)


def _kommun(namn="Storstad", kod='"9999"', extra=""):
    return f'[[kommun]]\nnamn = "{namn}"\nkod = {kod}\n{extra}'


HEAD = '[region]\nnamn = "Region Exempel"\nlan = "Exempels län"\n\n'

BAD = {
    "not TOML": (HEAD + '[[kommun]]\nnamn = Storstad\nkod = "9999"\n', 6,
                 "följer inte TOML-formatet"),
    "unclosed string": (HEAD + '[[kommun]]\nnamn = "Storstad\n', 6, "citattecken"),
    "region namn missing": ('[region]\nlan = "Exempels län"\n' + _kommun(), 1, "namn saknas"),
    "lan missing": ('[region]\nnamn = "Region Exempel"\n' + _kommun(), 1, "lan saknas"),
    "no [region]": (_kommun(), None, "[region] saknas"),
    "kommun namn missing": (HEAD + _kommun() + '\n[[kommun]]\nkod = "9998"\n', 9, "namn saknas"),
    "empty kommun namn": (HEAD + _kommun(namn="  "), 6, "namn är tomt"),
    "namn not text": (HEAD + '[[kommun]]\nnamn = 42\nkod = "9999"\n', 6, "ska vara text"),
    "duplicate municipality": (HEAD + _kommun() + "\n" + _kommun(namn="storstad ", kod='"9998"'),
                               10, "står redan på rad 6"),
    "duplicate code": (HEAD + _kommun() + "\n" + _kommun(namn="Lillby"), 11,
                       "kommunkoden 9999 står redan på rad 7"),
    "code of three digits": (HEAD + _kommun(kod='"604"'), 7, "ska vara fyra siffror"),
    "code of five digits": (HEAD + _kommun(kod='"06044"'), 7, "ska vara fyra siffror"),
    "code with letters": (HEAD + _kommun(kod='"06a4"'), 7, "ska vara fyra siffror"),
    "code as a number lost its zero": (HEAD + _kommun(kod="604"), 7, "inledande nolla"),
    "code missing": (HEAD + '[[kommun]]\nnamn = "Storstad"\n', 5, "kod saknas"),
    "negative population": (HEAD + _kommun(extra="invanare = { 2023 = 97000, 2024 = -5 }\n"),
                            8, "är -5; det ska vara större än 0"),
    "population as text": (HEAD + _kommun(extra='invanare = { 2024 = "98 000" }\n'), 8,
                           "ska vara ett heltal"),
    "population as decimal": (HEAD + _kommun(extra="invanare = { 2024 = 98000.5 }\n"), 8,
                              "ska vara ett heltal"),
    "population year": (HEAD + _kommun(extra="invanare = { 24 = 98000 }\n"), 8,
                        "är inget årtal"),
    "population in a sub-table": (HEAD + _kommun() + "[kommun.invanare]\n2023 = 5\n2024 = 0\n",
                                  10, "är 0"),
    "a key with å": (HEAD + _kommun(extra="invånare = { 2024 = 98000 }\n"), 8,
                     "nyckeln ”invånare” har å, ä eller ö, men nycklarna skrivs utan dem: "
                     "invanare"),
    "a key with ä": (HEAD.replace("lan =", "län =") + _kommun(), 3, "dem: lan"),
    "unknown key in kommun": (HEAD + _kommun(extra="population = { 2024 = 98000 }\n"), 8,
                              "okänd nyckel ”population” i kommun nummer 1. Kända nycklar: "
                              "namn, kod, invanare"),
    "unknown key in region": (HEAD.replace("lan =", "county =") + _kommun(), 3,
                              "okänd nyckel ”county” i [region]"),
    "unknown table": (HEAD + _kommun() + "\n[kommuner]\nx = 1\n", 9, "okänd nyckel eller tabell"),
    "no municipality": (HEAD, None, "kommunerna saknas"),
    "kommun as one table": (HEAD + '[kommun]\nnamn = "Storstad"\nkod = "9999"\n', 5,
                            "dubbla hakparenteser"),
    "Länet as a municipality": (HEAD + _kommun(namn="Länet"), 6, "länets egen rad"),
    "control character": (HEAD + _kommun(namn="Stor\\u0007stad"), 6, "styrtecken"),
    "overlong name": (HEAD + _kommun(namn="S" * 61), 6, "högst 60"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_configuration_is_refused_naming_the_line(case, tmp_path):
    text, line, fragment = BAD[case]
    path = tmp_path / "region.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RC.RegionError) as refused:
        read_region_file(path)
    message = refused.value.message
    where = "region.toml" + (f", rad {line}: " if line else ": ")
    assert message.startswith(where), message
    assert fragment in message
    if line:  # the line named is the line meant
        assert text.splitlines()[line - 1].strip(), (case, message)


def test_the_line_numbers_point_at_the_right_line_in_a_long_file():
    text = RC.DEFAULT.to_toml(comment=RC.DEFAULT_FILE_COMMENT)
    bad = text.replace('namn = "Vaggeryd"\nkod = "0665"', 'namn = "Vaggeryd"\nkod = "665"')
    with pytest.raises(RC.RegionError) as refused:
        RC.parse(bad, "lan.toml")
    line = int(re.search(r"rad (\d+)", refused.value.message).group(1))
    assert bad.splitlines()[line - 1] == 'kod = "665"'


@pytest.mark.parametrize("content, fragment", [
    (None, "finns inte"),
    ("dir", "är en mapp"),
    ("latin1", "rad 3: filen är inte sparad som UTF-8"),
    ("binary", "ingen textfil"),
    ("big", "för stor"),
])  # fmt: skip
def test_a_file_that_is_no_configuration_is_refused(tmp_path, content, fragment):
    path = tmp_path / "region.toml"
    if content == "dir":
        path.mkdir()
    elif content == "latin1":
        path.write_bytes(EXAMPLE.replace("Exempels", "Ölands").encode("latin-1"))
    elif content == "binary":
        path.write_bytes(b"PK\x03\x04\x00\x00" + bytes(200))
    elif content == "big":
        path.write_bytes(b"#" * (4 * RC.MAX_CHARS + 10))
    with pytest.raises(RC.RegionError) as refused:
        read_region_file(path)
    assert fragment in refused.value.message


def test_a_utf8_file_with_a_byte_order_mark_reads(tmp_path):
    path = tmp_path / "region.toml"
    path.write_bytes(EXAMPLE.encode("utf-8-sig").replace(b"\n", b"\r\n"))
    assert read_region_file(path).names == ("Storstad", "Lillby")


def test_toml_is_toml():
    """The workbook's copy is plain TOML any reader takes."""
    data = tomllib.loads(RC.parse(EXAMPLE).workbook_text)
    assert data["region"]["lan"] == "Exempels län"
    assert [k["kod"] for k in data["kommun"]] == ["9999", "9998"]
