"""One rounding rule for every figure a person reads, in Excel and in Word.

People round half up (12,5 % is 13 %), and so does Excel when it shows a number. Python's
``round`` rounds half to even and works on the binary float (``round(0.145 * 100)`` is 14), so
the Word report used to say 12 % where the summary sheet said 13 %. Both writers now take the
shown value from ``shown``: the summary sheet stores it in the cell (so any program displays it
the same), the Word report formats it as text.

The rounding is done in decimal on the float's shortest representation (``repr``), which is the
number a person typed or would write down: 0.145 is 0.145, not 0.14499999999999999.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Unit = Literal["antal", "andel", "dagar", "timmar", "per_1000"]

DECIMALS: dict[str, int] = {"antal": 0, "timmar": 0, "dagar": 1, "andel": 2, "per_1000": 1}
"""Decimals kept per unit; a share (0-1) keeps two, i.e. whole percent; a rate per 1 000
inhabitants (the county's) one."""


def round_half_up(value: float, digits: int = 0) -> float:
    """``value`` rounded to ``digits`` decimals, halves away from zero (2,5 -> 3; -2,5 -> -3)."""
    exact = Decimal(repr(float(value)))
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def is_missing(value) -> bool:
    """None or NaN (pandas' missing value) -- shown as a dash or an empty cell."""
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return True


def shown(value: float | None, unit: str = "antal") -> float | int | None:
    """The value as a person sees it: rounded for its unit, whole numbers as int.

    A share stays a fraction (0.125 -> 0.13, shown as 13 %); missing stays None."""
    if is_missing(value):
        return None
    rounded = round_half_up(value, DECIMALS.get(unit, 0))
    if unit != "andel" and rounded.is_integer():
        return int(rounded)
    return rounded


def percent(share: float) -> int:
    """A share (0-1) as whole percent, half up: 0.125 -> 13."""
    exact = Decimal(repr(float(share))) * 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
