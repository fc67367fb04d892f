"""Parsers for what coaches type: dates in every supported form, Excel serials, numbers, lists."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from halsocenter.core import contract as C
from halsocenter.core.parse import (
    MONTHS,
    WEEKDAYS,
    ParseError,
    canonical_list_value,
    clean_text,
    date_to_serial,
    is_blank,
    norm_header,
    parse_date,
    parse_int,
    parse_number,
    serial_to_date,
)

MONTH_NAMES = {n: max((k for k, v in MONTHS.items() if v == n), key=len) for n in range(1, 13)}
SHORT_MONTHS = {n: name for name, n in MONTHS.items() if len(name) == 3}

FORMS = {
    "iso": lambda d: d.isoformat(),
    "iso_slash": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "iso_dot_unpadded": lambda d: f"{d.year}.{d.month}.{d.day}",
    "iso_time": lambda d: f"{d.isoformat()} 13:45",
    "iso_t_seconds": lambda d: f"{d.isoformat()}T08:00:00",
    "compact": lambda d: d.strftime("%Y%m%d"),
    "dmy_slash": lambda d: f"{d.day}/{d.month}/{d.year}",
    "dmy_dot": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "dmy_dash": lambda d: f"{d.day}-{d.month}-{d.year}",
    "dm_space_y": lambda d: f"{d.day}/{d.month} {d.year}",
    "words": lambda d: f"{d.day} {MONTH_NAMES[d.month]} {d.year}",
    "words_short": lambda d: f"{d.day} {SHORT_MONTHS[d.month]}. {d.year}",
    "words_ordinal": lambda d: f"{d.day}:e {MONTH_NAMES[d.month].capitalize()} {d.year}",
    "weekday": lambda d: f"{WEEKDAYS[d.weekday()].capitalize()} {d.day} {MONTH_NAMES[d.month]} "
                         f"{d.year}",
    "den": lambda d: f"den {d.day} {MONTH_NAMES[d.month]} {d.year}",
    "padded_spaces": lambda d: f"  {d.isoformat()}\u00a0",
}  # fmt: skip
TWO_DIGIT_FORMS = {
    "yymmdd": lambda d: d.strftime("%y%m%d"),
    "yy_mm_dd": lambda d: d.strftime("%y-%m-%d"),
    "dmyy": lambda d: f"{d.day}/{d.month}/{d.strftime('%y')}",
}

any_date = st.dates(min_value=date(1900, 3, 1), max_value=date(2200, 12, 31))
this_century = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@pytest.mark.parametrize("form", sorted(FORMS))
@given(day=any_date)
def test_every_form_parses_back(form, day):
    assert parse_date(FORMS[form](day)) == day


@pytest.mark.parametrize("form", sorted(TWO_DIGIT_FORMS))
@given(day=this_century)
def test_two_digit_years_mean_this_century(form, day):
    assert parse_date(TWO_DIGIT_FORMS[form](day)) == day


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_serials_round_trip(day):
    serial = date_to_serial(day)
    assert serial_to_date(serial) == day
    assert parse_date(serial) == day
    assert parse_date(float(serial) + 0.75) == day  # a time of day is dropped
    assert parse_date(np.int64(serial)) == day


def test_known_serials():
    assert parse_date(45356) == date(2024, 3, 5)  # Excel shows 2024-03-05
    assert parse_date(1) == date(1900, 1, 1)
    assert parse_date("45356") == date(2024, 3, 5)
    assert parse_date("45356,5") == date(2024, 3, 5)


@given(moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)))
def test_real_dates_and_timestamps(moment):
    assert parse_date(moment) == moment.date()
    assert parse_date(moment.date()) == moment.date()
    assert parse_date(pd.Timestamp(moment)) == moment.date()
    assert parse_date(np.datetime64(moment)) == moment.date()


@given(junk=st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True),
                      st.booleans(), st.none()))  # fmt: skip
def test_junk_never_crashes(junk):
    try:
        result = parse_date(junk)
    except ParseError as exc:
        assert str(exc)  # a Swedish reason, never empty
    else:
        assert result is None or isinstance(result, date)


@pytest.mark.parametrize("text", ["abc", "2024", "2024-02-30", "31/4/2024", "5 foo 2024",
                                  "1/1/0000", "2024-13-01", "99999999", "5 mars", "kl 10"])
def test_not_dates(text):
    with pytest.raises(ParseError):
        parse_date(text)


def test_error_message_quotes_the_cell():
    with pytest.raises(ParseError, match="”Igår” är inget datum"):
        parse_date("Igår")
    with pytest.raises(ParseError, match="2024-02-30 är inget giltigt datum"):
        parse_date("30/2/2024")


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan"), pd.NaT, pd.NA,
                                   np.datetime64("NaT")])
def test_blank_cells(blank):
    assert is_blank(blank)
    assert parse_date(blank) is None
    assert clean_text(blank) is None


@given(n=st.integers(min_value=-10**9, max_value=10**9))
def test_numbers_with_thousand_separators(n):
    swedish = f"{n:,}".replace(",", " ")
    assert parse_int(swedish) == n
    assert parse_number(f"{n},5") == pytest.approx(n + (0.5 if n >= 0 else -0.5))


@pytest.mark.parametrize("text", ["2,5", "abc", "1.2.3"])
def test_int_rejects(text):
    with pytest.raises(ParseError):
        parse_int(text)


def test_parse_number_forms():
    assert parse_number("1,5") == 1.5
    assert parse_number("\u22122") == -2
    assert parse_int(3.0) == 3
    assert parse_int(np.int64(4)) == 4
    with pytest.raises(ParseError):
        parse_number(True)
    with pytest.raises(ParseError):
        parse_number("inf")


@pytest.mark.parametrize("lst", C.LISTS, ids=lambda lst: lst.key)
def test_list_values_fold_case_space_and_dashes(lst):
    for value in lst.values:
        variant = f"  {value.upper().replace('–', ' - ')} "
        assert canonical_list_value(variant, lst.values) == value
        assert canonical_list_value(value, lst.values) == value


def test_unknown_list_value_is_kept_trimmed():
    values = C.LIST_BY_KEY["kon"].values
    assert canonical_list_value("  Okänd   text ", values) == "Okänd text"
    assert canonical_list_value(None, values) is None


@given(st.text(alphabet=st.sampled_from("aB Å\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2000\u2028\u3000-–x"),
               max_size=30) | st.none() | st.integers())
def test_norm_header_folds_exactly_like_the_whitespace_regex(text):
    import re

    assert norm_header(text) == re.sub(r"\s+", " ", str(text or "")).strip().casefold()
