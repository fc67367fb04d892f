"""Swedish as the reports write it: numbers (1 234, 12,5, 42 %) and counted phrases that agree
with their number ("1 annan remiss", "3 andra remisser").

Every generated sentence that puts a number before a noun goes through ``Phrase``, so a count of
one is never followed by a plural and the adjective agrees with the noun (annan/andra,
egen/egna, unik/unika). Numbers are rounded with ``rounding.shown``, the rule the summary sheet
uses too, so a figure reads the same in Excel and in Word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from halsocenter.core import contract as C
from halsocenter.core.rounding import percent, shown

NBSP = "\u00a0"
DASH = "–"
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")  # fmt: skip


def number(value: float | None, unit: str = "antal") -> str:
    """A figure as text: '1 234' (no-break space), '12,5', '42 %'; a dash when missing."""
    value = shown(value, unit)
    if value is None:
        return DASH
    if unit == "andel":
        return f"{percent(value)}{NBSP}%"
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    return text.replace(",", NBSP).replace(".", ",")


def whole(n: float) -> str:
    """A count as every message writes it: rounded to a whole number, a no-break space between
    thousands ('20 412'). ``number`` is for a figure with its unit and the summary's rounding."""
    return f"{n:,.0f}".replace(",", NBSP)


@dataclass(frozen=True)
class Phrase:
    """A counted noun phrase in its two forms: ``Phrase("annan remiss", "andra remisser")``.

    Swedish takes the singular for exactly one and the plural for everything else, zero and
    decimals included ("0 möten", "1 möte", "21 möten", "1,5 dagar")."""

    singular: str
    plural: str

    def form(self, value: float | None, unit: str = "antal") -> str:
        """The noun phrase alone, in the form the number calls for."""
        return self.singular if number(value, unit) == "1" else self.plural

    def __call__(self, value: float | None, unit: str = "antal") -> str:
        """'1 annan remiss', '3 andra remisser'."""
        return f"{number(value, unit)} {self.form(value, unit)}"


def count(value: float | None, singular: str, plural: str, unit: str = "antal") -> str:
    """``Phrase(singular, plural)(value)``: '1 möte', '4 möten'."""
    return Phrase(singular, plural)(value, unit)


def join(parts: Sequence[str]) -> str:
    """'a', 'a och b', 'a, b och c'."""
    parts = list(parts)
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def lower_first(text: str) -> str:
    """'Annan remiss' -> 'annan remiss', but 'FaR' and 'RJL' stay as they are."""
    if any(ch.isupper() for ch in text[1:]):
        return text
    return text[:1].lower() + text[1:]


# --------------------------------------------------------------------------- the phrases used

PHRASES: dict[str, Phrase] = {
    "remisser": Phrase("remiss eller kontakt", "remisser och kontakter"),
    "remisser_far": Phrase("FaR-recept", "FaR-recept"),
    "forsta_samtal": Phrase("första samtal", "första samtal"),
    "styrgruppsmoten": Phrase("möte", "möten"),
    "tillfallen": Phrase("aktivitetstillfälle", "aktivitetstillfällen"),
    "deltagartillfallen": Phrase("deltagartillfälle", "deltagartillfällen"),
    "deltagartimmar": Phrase("deltagartimme", "deltagartimmar"),
    "unika_deltagare": Phrase("unik person", "unika personer"),
    "forelasningar_deltagare": Phrase("deltagare", "deltagare"),
    "spontana_besok": Phrase("spontant besök", "spontana besök"),
    "vantar_vid_arsskifte": Phrase("person", "personer"),
    "matta_start_och_uppfoljning": Phrase("person", "personer"),
    "dagar": Phrase("dag", "dagar"),
}
"""Counted phrases of the report's sentences, by the figure (Rapportdata key) they count."""
PHRASES["remisser_sedan_start"] = PHRASES["remisser"]
PHRASES["far_sedan_start"] = PHRASES["remisser_far"]
PHRASES["forsta_samtal_sedan_start"] = PHRASES["forsta_samtal"]

TYP_PHRASES: dict[str, Phrase] = dict(zip(C.LIST_BY_KEY["remisstyp"].values, (
    Phrase("FaR-recept", "FaR-recept"),
    Phrase("annan remiss", "andra remisser"),
    Phrase("egen kontakt", "egna kontakter"),
), strict=True))  # fmt: skip
"""Each Typ of referral as a counted phrase ("3 andra remisser")."""


def typ_phrase(typ: str, value: float | None) -> str:
    """A Typ count in a sentence; a Typ the hub added to its list reads '2 av typen Xyz', which
    is right whatever the number."""
    phrase = TYP_PHRASES.get(typ)
    return phrase(value) if phrase else f"{number(value)} av typen {typ}"


__all__ = ["DASH", "MONTHS", "NBSP", "PHRASES", "TYP_PHRASES", "Phrase", "count", "join",
           "lower_first", "number", "typ_phrase", "whole"]
