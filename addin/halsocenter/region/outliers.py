"""Figures the regional office should look at twice: year-on-year jumps and municipalities far
from the others.

- A jump: a total changed by more than ``JUMP_SHARE`` (50 %) of last year's value *and* by more
  than ``JUMP_ABS`` (10) from the previous year to a reported year.
- Cumulative figures (``*_sedan_start``) grow every year by definition and are never jumps.
- Far from the others: robust z-score (Iglewicz–Hoaglin, 0.6745·(x − median)/MAD, falling back
  to the mean absolute deviation when MAD is 0) above ``Z_LIMIT`` (3.5) among at least
  ``MIN_PEERS`` municipalities of the same year. Raw counts grow with population, so only
  size-free key figures are compared: shares, the median waiting time and ratios.
- What the screening left out of a file (``problem_rows``) is listed first, one row per value,
  so the region sees every tampered or broken figure beside the unusual ones.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from halsocenter.core import contract as C

JUMP_SHARE = 0.5
JUMP_ABS = 10
Z_LIMIT = 3.5
MIN_PEERS = 5

KIND_JUMP = "Årsförändring"
KIND_PEERS = "Avviker från andra kommuner"

RATIOS: tuple[tuple[str, str, str, bool], ...] = (
    ("FaR-andel av remisserna", "remisser_far", "remisser", True),
    ("Första samtal per remiss", "forsta_samtal", "remisser", False),
    ("Andel som uteblev", "uteblev", "remisser", True),
    ("Andel som tackade nej", "tackade_nej", "remisser", True),
    ("Uppföljningar per första samtal", "uppfoljningar", "forsta_samtal", False),
    ("Deltagare per tillfälle", "deltagartillfallen", "tillfallen", False),
)
"""(label, numerator key, denominator key, is a share)."""

DIRECT = ("vantetid_median_dagar", "andel_tillrackligt_aktiva_start",
          "andel_tillrackligt_aktiva_uppfoljning")  # fmt: skip
CUMULATIVE_SUFFIX = "_sedan_start"
CUMULATIVE = tuple(f.key for f in C.FIGURES if f.key.endswith(CUMULATIVE_SUFFIX))
"""Running totals since the hub opened: expected to grow, so never a jump."""
UNIT_RATIO = "kvot"


@dataclass(frozen=True)
class Outlier:
    """One row of sheet Avvikelser. ``key`` is the figure's Swedish label; ``unit`` (a contract
    unit or ``UNIT_RATIO``) decides how Värde and Jämförelse are shown."""

    kommun: str
    year: int
    kind: str
    key: str
    value: float | None
    comparison: float | None
    explanation: str
    unit: str = "antal"


def fmt(value: float, share: bool = False) -> str:
    """Swedish number: decimal comma, shares as per cent."""
    if share:
        return f"{value * 100:.0f} %".replace(".", ",")
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:.2f}".replace(".", ",")


def label(key: str) -> str:
    figure = C.FIGURE_BY_KEY.get(key)
    return figure.label if figure else key


def unit(key: str) -> str:
    figure = C.FIGURE_BY_KEY.get(key)
    return figure.unit if figure else "antal"


def jumps(history: Mapping[str, Mapping[int, Mapping[str, float]]],
          reported: Mapping[str, set[int]]) -> list[Outlier]:  # fmt: skip
    """Jumps into each reported year of each municipality, per total in its history."""
    out = []
    for kommun, years in history.items():
        for year in sorted(reported.get(kommun, ())):
            now, before = years.get(year, {}), years.get(year - 1)
            if not before:
                continue
            for key in sorted(set(now) & set(before)):
                a, b = before[key], now[key]
                if (a is None or b is None or key.startswith(C.CHANGE_PREFIX)
                        or key in CUMULATIVE):  # fmt: skip
                    continue
                change = b - a
                if abs(change) > JUMP_ABS and (a == 0 or abs(change) > JUMP_SHARE * abs(a)):
                    word = "ökade" if change > 0 else "minskade"
                    pct = f" ({'+' if change > 0 else '−'}{abs(change) / a * 100:.0f} %)" if a else ""
                    share = unit(key) == "andel"
                    out.append(Outlier(kommun, year, KIND_JUMP, label(key), b, a,
                                       f"{label(key)} {word} från {fmt(a, share)} ({year - 1}) "
                                       f"till {fmt(b, share)} ({year}){pct}. Stämmer siffrorna?",
                                       unit(key)))  # fmt: skip
    return out


def robust_z(values: Mapping[str, float]) -> dict[str, float]:
    """Robust z-score per municipality; empty when the spread is zero or too few values."""
    if len(values) < MIN_PEERS:
        return {}
    xs = list(values.values())
    med = statistics.median(xs)
    mad = statistics.median(abs(x - med) for x in xs)
    if mad > 0:
        scale = mad / 0.6745
    else:
        mean_ad = statistics.fmean(abs(x - med) for x in xs)
        if mean_ad == 0:
            return {}
        scale = 1.253314 * mean_ad
    return {k: (x - med) / scale for k, x in values.items()}


def key_figures(totals: Mapping[str, float | None]) -> dict[str, tuple[float, str]]:
    """The size-free key figures of one municipality-year: label -> (value, unit)."""
    out = {}
    for key in DIRECT:
        v = totals.get(key)
        if v is not None:
            out[label(key)] = (float(v), unit(key))
    for name, num, den, share in RATIOS:
        n, d = totals.get(num), totals.get(den)
        if n is not None and d:
            out[name] = (n / d, "andel" if share else UNIT_RATIO)
    return out


def far_from_peers(totals: Mapping[tuple[str, int], Mapping[str, float | None]]) -> list[Outlier]:
    """Municipalities whose size-free key figures are far from the others' in the same year."""
    by_year: dict[int, dict[str, dict[str, tuple[float, str]]]] = {}
    for (kommun, year), values in totals.items():
        by_year.setdefault(year, {})[kommun] = key_figures(values)
    out = []
    for year, per_kommun in sorted(by_year.items()):
        names = sorted({n for figures in per_kommun.values() for n in figures})
        for name in names:
            values = {k: f[name][0] for k, f in per_kommun.items() if name in f}
            kind = next(f[name][1] for f in per_kommun.values() if name in f)
            share = kind == "andel"
            med = statistics.median(values.values()) if values else 0.0
            for kommun, z in sorted(robust_z(values).items()):
                if abs(z) > Z_LIMIT:
                    side = "högre" if z > 0 else "lägre"
                    out.append(Outlier(
                        kommun, year, KIND_PEERS, name, values[kommun], med,
                        f"{name} {fmt(values[kommun], share)} är mycket {side} än medianen "
                        f"{fmt(med, share)} för de {len(values)} kommunerna {year} (robust "
                        f"z = {z:.1f}). Kontrollera registreringen.", kind))  # fmt: skip
    return out
