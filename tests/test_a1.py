"""A1 references: the package's one parser agrees with openpyxl's everywhere."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple

from halsocenter.core.a1 import (
    MAX_COLUMN,
    MAX_ROW,
    cell_column,
    cell_row,
    column_letter,
    column_number,
    parse_cell,
    parse_sheet_cell,
    split_range,
)


@given(st.integers(1, MAX_COLUMN))
def test_letters_and_numbers_agree_with_openpyxl(n):
    letters = column_letter(n)
    assert letters == get_column_letter(n)
    assert column_number(letters) == n == column_index_from_string(letters)
    assert column_number(letters.lower()) == n


def test_every_column_round_trips():
    assert [column_number(column_letter(n)) for n in range(1, MAX_COLUMN + 1)] == list(
        range(1, MAX_COLUMN + 1))
    assert (column_letter(1), column_letter(26), column_letter(27), column_letter(MAX_COLUMN)) == (
        "A", "Z", "AA", "XFD")


@pytest.mark.parametrize("bad", ["", "XFE", "AAAA", "A1", "Ä", "1", " A", "$A"])
def test_what_is_no_column_is_refused_as_openpyxl_refuses_it(bad):
    with pytest.raises(ValueError):
        column_number(bad)


@pytest.mark.parametrize("n", [0, -1, MAX_COLUMN + 1])
def test_numbers_outside_the_sheet_are_refused(n):
    with pytest.raises(ValueError):
        column_letter(n)


cells = st.tuples(st.integers(1, MAX_COLUMN), st.integers(1, MAX_ROW))


@given(cells, st.booleans(), st.booleans(), st.booleans())
def test_a_cell_reads_as_openpyxl_reads_it(cell, abs_col, abs_row, lower):
    col, row = cell
    letters = column_letter(col).lower() if lower else column_letter(col)
    ref = f"{'$' * abs_col}{letters}{'$' * abs_row}{row}"
    assert parse_cell(ref) == (col, row)
    assert split_range(ref) == (col, row, col, row)
    assert cell_column(ref) == col and cell_row(ref) == row
    assert parse_cell(ref.upper()) == tuple(reversed(coordinate_to_tuple(ref.upper().replace("$", ""))))


@given(cells, cells)
def test_a_range_reads_as_openpyxl_reads_it(a, b):
    ref = f"{column_letter(a[0])}{a[1]}:{column_letter(b[0])}{b[1]}"
    lo = (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
    assert split_range(ref) == lo
    if a[0] <= b[0] and a[1] <= b[1]:
        assert split_range(ref) == range_boundaries(ref)


@pytest.mark.parametrize("bad", ["", "A", "1", "A0", f"A{MAX_ROW + 1}", "XFE1", "A1:B", "Blad!A1",
                                 "A1:B2:C3", "R1C1", "A 1", "=A1"])
def test_what_is_no_cell_is_refused(bad):
    assert parse_cell(bad) is None and cell_row(bad) is None
    with pytest.raises(ValueError):
        split_range(bad)


@pytest.mark.parametrize(("text", "expected"), [
    ("'Start'!$B$4", ("Start", "B4")), ("=Start!b4", ("Start", "B4")),
    ("'Coach''s blad'!A1", ("Coach's blad", "A1")), ("Start!B", None), ("B4", None),
    (f"Start!A{MAX_ROW + 1}", None),
])
def test_a_sheet_qualified_cell(text, expected):
    assert parse_sheet_cell(text) == expected
