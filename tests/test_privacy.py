"""The personal-data guard: personnummer/samordningsnummer (check digit and date verified), phone
numbers and e-mail addresses; masks never give the number away."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from halsocenter.privacy import (
    EPOST,
    IDENTITY_KINDS,
    PERSONNUMMER,
    SAMORDNINGSNUMMER,
    TELEFON,
    find_identifiers,
    luhn_ok,
    mask_text,
    number_identifier,
    scan_texts,
)


def check_digit(nine: str) -> str:
    return next(c for c in "0123456789" if luhn_ok(nine + c))


def make_number(birth: date, serial: int, samordning: bool, form: str) -> str:
    """A valid personnummer/samordningsnummer for ``birth`` written in ``form``."""
    day = birth.day + (60 if samordning else 0)
    short = f"{birth:%y%m}{day:02d}"
    nine = short + f"{serial:03d}"
    last4 = f"{serial:03d}{check_digit(nine)}"
    century = f"{birth.year // 100:02d}"
    return {
        "10": short + last4,
        "10-": f"{short}-{last4}",
        "10+": f"{short}+{last4}",
        "10 ": f"{short} {last4}",
        "12": century + short + last4,
        "12-": f"{century}{short}-{last4}",
    }[form]


FORMS = ("10", "10-", "10+", "10 ", "12", "12-")
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
no_digits = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=30)


@given(birth=births, serial=st.integers(0, 999), samordning=st.booleans(),
       form=st.sampled_from(FORMS), before=no_digits, after=no_digits)  # fmt: skip
def test_valid_numbers_are_always_found(birth, serial, samordning, form, before, after):
    if form == "10+":  # '+' marks someone aged 100 or more
        assume(birth.year < 1925)
    number = make_number(birth, serial, samordning, form)
    text = f"{before} {number} {after}"
    hits = [h for h in find_identifiers(text) if h.kind in IDENTITY_KINDS]
    assert len(hits) == 1
    hit = hits[0]
    assert text[hit.start:hit.end] == number
    assert hit.kind == (SAMORDNINGSNUMMER if samordning else PERSONNUMMER)
    digits = re.sub(r"\D", "", number)
    masked = mask_text(text)
    assert digits not in re.sub(r"\D", "", masked)
    assert number not in masked
    assert re.sub(r"\D", "", hit.masked) == digits[:-6]  # year and month at most


@given(birth=births, serial=st.integers(0, 999), position=st.integers(0, 9),
       delta=st.integers(1, 9))  # fmt: skip
def test_one_wrong_digit_is_not_a_personnummer(birth, serial, position, delta):
    """Luhn catches every single-digit error, so a mistyped number is not reported."""
    number = make_number(birth, serial, False, "10")
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert not any(h.kind in IDENTITY_KINDS for h in find_identifiers("".join(digits)))


def test_random_ten_digit_strings_are_rarely_identity_numbers():
    """Luhn passes 1 in 10 and a valid YYMMDD (or day + 60) about 1 in 14: about 0.7 %."""
    rng = random.Random(4)
    n = 20_000
    found = sum(
        any(h.kind in IDENTITY_KINDS for h in find_identifiers(f"{rng.randrange(10**10):010d}"))
        for _ in range(n))  # fmt: skip
    assert 0.002 < found / n < 0.02


@given(text=st.text(alphabet="0123456789 -+", max_size=40))
def test_every_reported_number_checks_out(text):
    for hit in find_identifiers(text):
        if hit.kind in IDENTITY_KINDS:
            digits = re.sub(r"\D", "", text[hit.start:hit.end])
            assert len(digits) in (10, 12)
            assert luhn_ok(digits[-10:])


@given(text=st.text(max_size=80))
def test_masking_never_repeats_a_found_identifier(text):
    masked = mask_text(text)
    for hit in find_identifiers(text):
        found = text[hit.start:hit.end]
        assert found not in masked or hit.masked == found
        assert hit.masked != found


def test_luhn():
    assert luhn_ok("8112189876")  # the classic Skatteverket example 811218-9876
    assert not luhn_ok("8112189875")
    assert not luhn_ok("")
    assert not luhn_ok("81121x9876")


@pytest.mark.parametrize("text", [
    "Ring 070-123 45 67 imorgon", "+46 70 123 45 67", "+46701234567", "036-12 34 56",
    "tel 08-123 456 78", "0046 70 123 45 67", "(036) 12 34 56", "+46 (0)70-123 45 67",
    "0380-123 45", "0701234567", "nås på 073 123 45 67.",
])  # fmt: skip
def test_phone_numbers(text):
    hits = find_identifiers(text)
    assert [h.kind for h in hits] == [TELEFON]
    digits = re.sub(r"\D", "", text[hits[0].start:hits[0].end])
    assert digits not in re.sub(r"\D", "", hits[0].masked)
    assert hits[0].masked.count("*") >= len(digits) - 3


@pytest.mark.parametrize("text", [
    "2024-03-05", "Löpnummer 2024-017", "2024-017, 2024-018, 2024-019", "05/03/2024",
    "kl 08.30-12.00", "under 2023 kom 120 remisser", "1 000 000 kr", "553 12 Jönköping",
    "30–59 min", "0-3 mån", "45–64", "v. 12-14", "tisdag 5 mars 2024", "20240305",
    "1,5 timmar", "Grupp 2024-03-05 kl 10:00",
])  # fmt: skip
def test_not_identifiers(text):
    assert find_identifiers(text) == []


@given(day=st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)),
       number=st.integers(1, 999))  # fmt: skip
def test_dates_and_lopnummer_are_not_phones(day, number):
    for text in (day.isoformat(), f"{day.year}-{number:03d}", f"{day:%d/%m/%Y}",
                 f"{day.isoformat()} och {day.year}-{number:03d}"):
        assert not [h for h in find_identifiers(text) if h.kind == TELEFON]


def test_two_phone_numbers_in_one_text():
    hits = find_identifiers("070-1234567 eller 070-7654321, 3 st")
    assert [h.kind for h in hits] == [TELEFON, TELEFON]


def test_email():
    hits = find_identifiers("Mejla anna.svensson@jonkoping.se i morgon.")
    assert [(h.kind, h.masked) for h in hits] == [(EPOST, "a***@jonkoping.se")]
    assert find_identifiers("@hälsocenter på Instagram") == []


def test_identity_number_wins_over_phone_reading():
    number = make_number(date(1907, 1, 23), 456, False, "10")  # starts 07: also a mobile shape
    assert [h.kind for h in find_identifiers(number)] == [PERSONNUMMER]


def test_number_cells():
    number = make_number(date(1985, 1, 1), 123, False, "10")
    hit = number_identifier(int(number))
    assert hit is not None and hit.kind == PERSONNUMMER and number not in hit.masked
    assert number_identifier(float(number)) is not None
    assert number_identifier(12) is None
    assert number_identifier(True) is None
    assert number_identifier(1.5) is None


def test_scan_texts_reports_each_distinct_text_once():
    number = make_number(date(1990, 6, 15), 42, True, "12-")
    texts = ["ok", "Kvinna", f"pnr {number}", "ring 036-12 34 56", f"pnr {number}", "45–64"] * 3
    found = scan_texts(texts)
    assert set(found) == {f"pnr {number}", "ring 036-12 34 56"}
    assert found[f"pnr {number}"][0].kind == SAMORDNINGSNUMMER
