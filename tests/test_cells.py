"""Text stays text (cells.py), tried with any text a person or a file could hold: written with
openpyxl (normal and write-only sheets), saved and read back, it is a string cell with the same
value — never a formula — and in live Excel it is sent with the text prefix."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from halsocenter.xlsx import cells, xltext

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
FORMULA_LIKE = st.builds(lambda first, rest: first + rest, st.sampled_from(cells.FORMULA_STARTS),
                         ANY_TEXT)  # fmt: skip


def kept(text: str) -> str:
    """What a file can hold of ``text``: characters XML cannot carry are left out."""
    return xltext.xml_safe(text)


def round_trip(values: list, write_only: bool) -> list:
    book = openpyxl.Workbook(write_only=write_only)
    ws = book.create_sheet("Blad") if write_only else book.active
    if write_only:
        ws.append(cells.row(ws, values))
    else:
        for i, value in enumerate(values, start=1):
            cells.put(ws, 1, i, value)
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    back = openpyxl.load_workbook(buf)
    return [(c.data_type, c.value) for c in next(back.worksheets[0].iter_rows(max_col=len(values)))]


@pytest.mark.slow
@given(st.lists(FORMULA_LIKE, min_size=1, max_size=4), st.booleans())
def test_formula_like_text_comes_back_as_the_same_text(texts, write_only):
    for (data_type, value), text in zip(round_trip(texts, write_only), texts, strict=True):
        if not kept(text):
            continue
        assert data_type == "s" and value == kept(text)


@given(st.lists(st.one_of(ANY_TEXT, st.integers(-10**9, 10**9), st.floats(allow_nan=False,
                                                                          allow_infinity=False)),
                min_size=1, max_size=4))  # fmt: skip
def test_no_value_ever_becomes_a_formula(values):
    for data_type, _ in round_trip(values, write_only=False):
        assert data_type != "f"


@given(FORMULA_LIKE)
def test_live_excel_gets_the_text_prefix(text):
    sent = cells.live(text)
    assert sent == "'" + text


@given(ANY_TEXT)
def test_live_values_lose_nothing(text):
    sent = cells.live(text)
    assert sent in (text, "'" + text)


def test_a_cell_already_made_is_kept_as_text():
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("Blad")
    made = openpyxl.cell.WriteOnlyCell(ws, value="=1+1")
    assert made.data_type == "f"  # what openpyxl does on its own
    assert cells.cell(ws, made).data_type == "s"
