"""Column letters: the reader's own conversion agrees with openpyxl's everywhere."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string, get_column_letter

from halsocenter.a1 import MAX_COLUMN, column_letter, column_number


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
