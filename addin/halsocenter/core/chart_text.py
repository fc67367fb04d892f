"""Alternative texts for charts: what a chart shows, in words and its key numbers.

A screen reader (and anyone who cannot see the picture) gets the chart's message instead of
"Bild 1": the kind of chart, what it counts, and the numbers that matter -- every value when
there are few categories, else the highest and the lowest and the total. The same function
describes the Word report's pictures and the native Excel charts, from the same figures the
charts are drawn from.
"""

from __future__ import annotations

from collections.abc import Sequence

from halsocenter.core.rounding import is_missing
from halsocenter.core.swedish import join, number

KINDS = {"col": "Stapeldiagram", "bar": "Liggande stapeldiagram", "line": "Linjediagram"}
NO_DATA = "Inga uppgifter ännu"
LIST_LIMIT = 8
"""Up to this many categories every value is read out; beyond it, the extremes and the total."""

TIE_LIMIT = 3
"""More categories than this sharing the lowest value are counted, not named."""

Series = tuple[str, Sequence[float | None]]


def _value(v: float | None) -> float:
    return 0.0 if is_missing(v) else float(v)


def _listed(categories: Sequence[str], values: Sequence[float | None], unit: str) -> str:
    return join([f"{c} {number(_value(v), unit)}" for c, v in zip(categories, values, strict=True)])


def _extremes(categories: Sequence[str], values: Sequence[float | None], unit: str,
              prep: str) -> str:  # fmt: skip
    """'flest i november (11), färst i juli (2)'; 'inga i juli' when the lowest is zero."""
    vals = [_value(v) for v in values]
    most, least = ("flest", "färst") if unit == "antal" else ("högst", "lägst")
    at = f"{prep} " if prep else ""
    top = max(vals)
    low = min(vals)
    tops = [c for c, v in zip(categories, vals, strict=True) if v == top]
    lows = [c for c, v in zip(categories, vals, strict=True) if v == low]
    text = f"{most} {at}{join(tops)} ({number(top, unit)})"
    if low == top:
        return text
    if len(lows) > TIE_LIMIT:
        return f"{text}, {least} ({number(low, unit)}) i {len(lows)} av {len(vals)}"
    if low == 0 and unit == "antal":
        return f"{text}, inga {at}{join(lows)}"
    return f"{text}, {least} {at}{join(lows)} ({number(low, unit)})"


def describe(kind: str, subject: str, categories: Sequence[str], series: Sequence[Series], *,
             unit: str = "antal", prep: str = "", total: bool = True) -> str:  # fmt: skip
    """The alternative text of a bar or line chart.

    ``subject`` says what is counted, lower case ("remisser och kontakter per månad 2023");
    ``series`` is (name, values) per series, values in the order of ``categories``; ``prep`` is
    the preposition before a category in "flest i mars" (empty for names: "flest Vårdcentral").
    A chart with nothing but zeros says so ("Inga uppgifter ännu")."""
    head = f"{KINDS.get(kind, 'Diagram')}: {subject}."
    if not categories or not any(_value(v) for _, values in series for v in values):
        return f"{head} {NO_DATA}."
    if len(series) == 1:
        values = series[0][1]
        if len(categories) <= LIST_LIMIT:
            body = _listed(categories, values, unit) + "."
        else:
            body = _extremes(categories, values, unit, prep)
            body = body[:1].upper() + body[1:] + "."
        if total and unit == "antal" and len(categories) > 1:
            body += f" Totalt {number(sum(_value(v) for v in values))}."
        return f"{head} {body}"
    parts = []
    for name, values in series:
        if len(categories) <= LIST_LIMIT:
            parts.append(f"{name}: {_listed(categories, values, unit)}.")
        else:
            parts.append(f"{name}: {_extremes(categories, values, unit, prep)}.")
    return " ".join([head, *parts])
