"""The pure rules under "ownership by proof": file names from data, generated sheets' marks,
and the seal of an output -- property tests for the functions every writer relies on."""

from __future__ import annotations

import os
import string
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from halsocenter import atomic
from halsocenter.core import contract as C
from halsocenter.core import sheetmarks
from halsocenter.core.filenames import MAX_NAME, RESERVED, UnsafeName, file_name

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=140)
PATHLIKE = st.lists(st.sampled_from([*"./\\:~ ", *string.ascii_letters, "..", "C:", "NUL", "åä"]),
                   max_size=30).map("".join)  # fmt: skip


@given(kommun=st.one_of(ANY_TEXT, PATHLIKE), year=st.integers(C.MIN_YEAR, C.MAX_YEAR))
@example(kommun="../../x", year=2024)
@example(kommun="/etc/passwd", year=2024)
@example(kommun="C:\\Windows\\x", year=2024)
@example(kommun="NUL", year=2024)
@example(kommun="Vaggeryd\r\n", year=2024)
@example(kommun="a" * 300, year=2024)
def test_a_file_name_from_data_is_a_bare_safe_name_or_a_swedish_refusal(tmp_path_factory, kommun,
                                                                          year):  # fmt: skip
    try:
        name = file_name("Halsocenter_{kommun}_{ar}", ".xlsx", kommun=kommun, ar=year)
    except UnsafeName as exc:
        assert exc.message.startswith("Kommunen ”") and "filnamn" in exc.message
        assert "\n" not in exc.message and "\x00" not in exc.message
        return
    assert name.endswith(f"_{year}.xlsx") and name.startswith("Halsocenter_")
    assert len(name) <= MAX_NAME and ".." not in name
    assert not set(name) & set('/\\:*?"<>|') and name.isprintable()
    assert name.split(".", 1)[0].upper() not in RESERVED
    assert Path(name).name == name and os.path.basename(name) == name
    folder = tmp_path_factory.getbasetemp()
    path = atomic.data_path(folder, "Halsocenter_{kommun}_{ar}", ".xlsx", kommun=kommun, ar=year)
    assert path.parent == folder and path.name == name


@given(year=st.one_of(st.integers(-10**6, C.MIN_YEAR - 1), st.integers(C.MAX_YEAR + 2, 10**6),
                      st.floats(), st.text(max_size=5), st.none(), st.booleans()))
def test_a_year_that_is_no_verksamhetsar_makes_no_name(year):
    with pytest.raises(UnsafeName) as exc:
        file_name("{kommun}_{ar}", ".xlsx", kommun="Habo", ar=year)
    assert "Verksamhetsåret" in exc.value.message


VALUES = st.one_of(st.none(), st.text(max_size=20), st.integers(-10**9, 10**9),
                   st.floats(allow_nan=False, allow_infinity=False, width=64),
                   st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
                   st.dates(min_value=date(1900, 3, 1)), st.booleans())  # fmt: skip


@given(st.lists(st.tuples(st.integers(1, 50), st.integers(1, 10), VALUES), max_size=30))
def test_a_sheet_digest_depends_on_values_only(cells):
    digest = sheetmarks.sheet_digest(cells)
    assert len(digest) == sheetmarks.DIGEST_LETTERS and set(digest) <= set("abcdefghijklmnop")
    assert sheetmarks.sheet_digest(reversed(cells)) == digest  # any order of cells
    assert sheetmarks.sheet_digest([*cells, (99, 99, None), (98, 1, "")]) == digest  # empties
    assert sheetmarks.read_mark(sheetmarks.mark_formula("kontroll", digest)) == ("kontroll", digest)


def test_a_sheet_digest_reads_what_excel_gives_back_as_what_was_written():
    written = [(1, 1, 5), (1, 2, 0.30000000000000004), (2, 1, datetime(2026, 3, 1, 12, 0, 5)),
               (3, 1, date(2026, 3, 1)), (4, 1, "text")]  # fmt: skip
    read_back = [(1, 1, 5.0), (1, 2, 0.3), (2, 1, datetime(2026, 3, 1, 12, 0, 4, 999_600)),
                 (3, 1, datetime(2026, 3, 1)), (4, 1, "text")]  # fmt: skip
    assert sheetmarks.sheet_digest(written) == sheetmarks.sheet_digest(read_back)
    for changed in ([(4, 1, "text ")], [(1, 1, 6)], [(5, 5, "x")], [(3, 1, date(2026, 3, 2))],
                    [(2, 1, time(12, 0))]):  # fmt: skip
        other = {(r, c): v for r, c, v in written}
        other.update({(r, c): v for r, c, v in changed})
        assert sheetmarks.sheet_digest((r, c, v) for (r, c), v in other.items()) != \
            sheetmarks.sheet_digest(written)  # fmt: skip


def test_a_claim_needs_the_mark_of_its_kind_and_the_same_values():
    cells = [(1, 1, "Kontroll – Vaggeryd 2023")]
    digest = sheetmarks.sheet_digest(cells)
    mark = {sheetmarks.MARK_NAME.casefold(): sheetmarks.mark_formula("kontroll", digest)}
    assert sheetmarks.claim("Kontroll", mark, cells).ours
    assert sheetmarks.claim(" KONTROLL ", mark, cells).ours  # the program's, renamed by case
    assert not sheetmarks.claim("Kontroll", {}, cells).marked
    assert not sheetmarks.claim("Kontroll", mark, [*cells, (2, 1, "min rad")]).ours
    wrong = {sheetmarks.MARK_NAME.casefold(): sheetmarks.mark_formula("rapportdata", digest)}
    assert not sheetmarks.claim("Kontroll", wrong, cells).marked
    assert sheetmarks.claim("Kontroller", mark, cells) is None  # not a generated sheet's name
