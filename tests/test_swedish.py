"""Swedish numbers and counted phrases, and the one rounding rule behind both writers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halsocenter.core import contract as C
from halsocenter.core.rounding import percent, round_half_up, shown
from halsocenter.core.swedish import PHRASES, TYP_PHRASES, Phrase, count, join, number, typ_phrase

COUNTS = (0, 1, 2, 5, 21)

EXPECTED = {
    "remisser": ("remiss eller kontakt", "remisser och kontakter"),
    "remisser_far": ("FaR-recept", "FaR-recept"),
    "forsta_samtal": ("första samtal", "första samtal"),
    "styrgruppsmoten": ("möte", "möten"),
    "tillfallen": ("aktivitetstillfälle", "aktivitetstillfällen"),
    "deltagartillfallen": ("deltagartillfälle", "deltagartillfällen"),
    "deltagartimmar": ("deltagartimme", "deltagartimmar"),
    "unika_deltagare": ("unik person", "unika personer"),
    "forelasningar_deltagare": ("deltagare", "deltagare"),
    "spontana_besok": ("spontant besök", "spontana besök"),
    "vantar_vid_arsskifte": ("person", "personer"),
    "matta_start_och_uppfoljning": ("person", "personer"),
    "dagar": ("dag", "dagar"),
    "remisser_sedan_start": ("remiss eller kontakt", "remisser och kontakter"),
    "far_sedan_start": ("FaR-recept", "FaR-recept"),
    "forsta_samtal_sedan_start": ("första samtal", "första samtal"),
}


@pytest.mark.parametrize("n", COUNTS)
@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_every_phrase_agrees_with_its_number(key, n):
    singular, plural = EXPECTED[key]
    assert PHRASES[key](n) == f"{n} {singular if n == 1 else plural}"


def test_every_phrase_is_tested():
    assert set(PHRASES) == set(EXPECTED)


@pytest.mark.parametrize("n", COUNTS)
def test_referral_types_agree_in_number_and_adjective(n):
    far, annan, egen = (TYP_PHRASES[t](n) for t in C.LIST_BY_KEY["remisstyp"].values)
    assert far == f"{n} FaR-recept"
    assert annan == (f"{n} annan remiss" if n == 1 else f"{n} andra remisser")
    assert egen == (f"{n} egen kontakt" if n == 1 else f"{n} egna kontakter")


def test_the_sentence_from_the_issue():
    typ = dict(zip(C.LIST_BY_KEY["remisstyp"].values, (81, 3, 4), strict=True))
    assert join([typ_phrase(k, v) for k, v in typ.items()]) == (
        "81 FaR-recept, 3 andra remisser och 4 egna kontakter")
    assert typ_phrase("Remiss från skolan", 1) == "1 av typen Remiss från skolan"


def test_decimals_and_thousands_take_the_plural():
    days = Phrase("dag", "dagar")
    assert days(1, "dagar") == "1 dag"
    assert days(1.5, "dagar") == "1,5 dagar"
    assert days(1.04, "dagar") == "1 dag"  # shown as 1, read as 1
    assert count(1234, "möte", "möten") == "1\u00a0234 möten"
    assert count(None, "möte", "möten") == "– möten"


def test_numbers_as_swedish_readers_write_them():
    assert number(1234) == "1\u00a0234"
    assert number(1234567.0) == "1\u00a0234\u00a0567"
    assert number(12.5, "dagar") == "12,5"
    assert number(12.25, "dagar") == "12,3"  # half up, not to even
    assert number(0.125, "andel") == "13\u00a0%"
    assert number(1318.5, "timmar") == "1\u00a0319"
    assert number(None) == "–" and number(float("nan")) == "–"
    assert join([]) == "" and join(["a"]) == "a" and join(["a", "b"]) == "a och b"


# --------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(("value", "expected"), [
    (0.125, 13), (11 / 88, 13), (0.145, 15), (0.285, 29), (0.005, 1), (0.994999, 99),
    (0.995, 100), (-0.125, -13), (0, 0), (1, 100)])  # fmt: skip
def test_percent_rounds_half_up(value, expected):
    assert percent(value) == expected


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_a_share_of_counts_rounds_like_a_person_would(part, whole):
    """Exact arithmetic on the counts: half a percent or more goes up."""
    exact = Decimal(part) * 100 / Decimal(whole)
    floor = int(exact)
    expected = floor + (1 if exact - floor >= Decimal("0.5") else 0)
    # a float share that is within a hair of .5 follows its shortest decimal representation
    share = part / whole
    if abs(exact - floor - Decimal("0.5")) > Decimal("1e-9"):
        assert percent(share) == expected
    assert shown(share, "andel") == percent(share) / 100


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_halves_go_away_from_zero(n):
    value = n + 0.5
    assert round_half_up(value) == (n + 1 if n >= 0 else n)
