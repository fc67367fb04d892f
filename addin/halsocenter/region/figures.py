"""The county's figures as the region reads them, computed once for the county workbook and
the county report, so both show the same numbers.

- **Who reported**: every municipality of the region for the year, reported or not, in the
  region's order.
- **Rates per 1 000 inhabitants** of the key counts, where the region's configuration gives the
  municipality's population for the year. Länet's rate is the sum of the counts over the sum of
  the populations of the municipalities that have both, so a municipality without population
  takes no part in it.
- **Breakdowns side by side**: referrals by sex, age group, referrer and focus, and participant
  sessions by focus area, one column per reporting municipality plus Länet, as counts and as
  shares of the municipality's total. A masked count (small numbers in an export) stays masked:
  it is neither a number nor a share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from halsocenter.core import contract as C
from halsocenter.core.region_config import Region
from halsocenter.region.export_format import ExportRow
from halsocenter.region.submissions import COUNTY, ConsolidationResult, Report

PER = 1000
RATE_UNIT = "per_1000"
RATE_KEYS = ("remisser", "remisser_far", "forsta_samtal", "deltagartillfallen")
"""The key counts given per 1 000 inhabitants: referrals, FaR, first talks, participant
sessions."""
RATE_SUFFIX = "per 1 000 invånare"
INHABITANTS = "Invånare"
NOT_REPORTED = "ej rapporterat"
NO_POPULATION = "invånarantal saknas"
MASKED = "maskerat"
"""A masked count in a breakdown (an export's small numbers): neither a number nor a share."""
TOTAL = "Totalt"


def rate_label(key: str) -> str:
    """"Remisser och kontakter per 1 000 invånare"."""
    return f"{C.FIGURE_BY_KEY[key].label} {RATE_SUFFIX}"


# --------------------------------------------------------------------------- who reported


@dataclass(frozen=True)
class Municipality:
    """One of the region's municipalities in a year: its report, or None when it sent none."""

    name: str
    report: Report | None
    inhabitants: int | None

    @property
    def reported(self) -> bool:
        return self.report is not None


def municipalities(result: ConsolidationResult, year: int | None) -> list[Municipality]:
    """Every municipality of the region for ``year``, in the region's order."""
    by_name = {r.kommun: r for r in result.reported_in_county(year)}
    region = result.region
    return [Municipality(name, by_name.get(name), region.inhabitants(name, year))
            for name in region.names]  # fmt: skip


def reported(result: ConsolidationResult, year: int | None) -> list[Report]:
    """The reports of the region's municipalities for ``year``, in the region's order."""
    return [m.report for m in municipalities(result, year) if m.report is not None]


def totals(rows: Iterable[ExportRow]) -> dict[str, float | None]:
    """Figures without a dimension, by key (Länet's ``county_rows``)."""
    return {r.key: r.value for r in rows if not r.dimension}


# --------------------------------------------------------------------------- the county per year


def trend(result: ConsolidationResult, keys: Iterable[str],
          ) -> tuple[list[int], dict[str, list[float | None]], dict[str, list[int]]]:  # fmt: skip
    """(years, Länet's value per key and year, how many municipalities have a value per key
    and year): the sums of Trender, over the region's municipalities only. Earlier years come
    from every kept file's Tidigare år and from the archive."""
    history = {k: result.history[k] for k in result.region.names if k in result.history}
    years = sorted({y for h in history.values() for y in h})
    sums: dict[str, list[float | None]] = {}
    counts: dict[str, list[int]] = {}
    for key in keys:
        have = [[m for m in history if history[m].get(y, {}).get(key) is not None]
                for y in years]  # fmt: skip
        sums[key] = [sum(history[m][y][key] for m in ms) if ms else None
                     for y, ms in zip(years, have, strict=True)]  # fmt: skip
        counts[key] = [len(ms) for ms in have]
    return years, sums, counts


# --------------------------------------------------------------------------- rates


@dataclass(frozen=True)
class RateRow:
    """One line of the rates table: who, how many inhabitants, and each key count per 1 000
    (None where the count or the population is missing). ``note`` says why a line is empty."""

    name: str
    inhabitants: int | None
    rates: dict[str, float | None]
    note: str = ""


def has_rates(region: Region, year: int | None) -> bool:
    """Whether the configuration gives any municipality's population for ``year``."""
    return any(region.inhabitants(name, year) for name in region.names)


def rate(count: float | None, inhabitants: int | None) -> float | None:
    if count is None or not inhabitants:
        return None
    return count / inhabitants * PER


def rate_rows(result: ConsolidationResult, year: int | None) -> tuple[list[RateRow], RateRow]:
    """The rates of every municipality of the region and of Länet for ``year``."""
    rows = []
    counts: dict[str, float] = dict.fromkeys(RATE_KEYS, 0.0)
    people: dict[str, int] = dict.fromkeys(RATE_KEYS, 0)
    with_population = 0
    for m in municipalities(result, year):
        if m.report is None:
            rows.append(RateRow(m.name, m.inhabitants, dict.fromkeys(RATE_KEYS), NOT_REPORTED))
            continue
        if not m.inhabitants:
            rows.append(RateRow(m.name, None, dict.fromkeys(RATE_KEYS), NO_POPULATION))
            continue
        with_population += m.inhabitants
        values = m.report.totals()
        for key in RATE_KEYS:
            if values.get(key) is not None:
                counts[key] += values[key]
                people[key] += m.inhabitants
        rows.append(RateRow(m.name, m.inhabitants,
                            {k: rate(values.get(k), m.inhabitants) for k in RATE_KEYS}))
    county = RateRow(COUNTY, with_population or None,
                     {k: rate(counts[k], people[k]) if people[k] else None for k in RATE_KEYS})
    return rows, county


# --------------------------------------------------------------------------- breakdowns


@dataclass(frozen=True)
class BreakdownSpec:
    key: str
    dimension: str
    """The Rapportdata dimension's name (a contract column header)."""
    list_key: str
    title: str


BREAKDOWNS: tuple[BreakdownSpec, ...] = tuple(
    BreakdownSpec(key, table.column(column).header, table.column(column).list, title)
    for key, table, column, title in (
        ("remisser", C.REMISSER, "kon", "Remisser och kontakter efter kön"),
        ("remisser", C.REMISSER, "aldersgrupp", "Remisser och kontakter efter åldersgrupp"),
        ("remisser", C.REMISSER, "remittent", "Remisser och kontakter efter remittent"),
        ("remisser", C.REMISSER, "fokus", "Remisser och kontakter efter levnadsvana (fokus)"),
        ("deltagartillfallen", C.AKTIVITETER, "fokusomrade",
         "Deltagartillfällen efter fokusområde"),
    )
)  # fmt: skip
"""Sex, age group, referrer and focus of the referrals, and the focus areas of the sessions."""


@dataclass(frozen=True)
class Breakdown:
    """One breakdown side by side: ``columns`` are the reporting municipalities and Länet;
    ``counts[i][j]`` and ``shares[i][j]`` belong to ``categories[i]`` in ``columns[j]`` (a
    number, None when absent, or ``MASKED``); ``totals[j]`` is the column's total."""

    spec: BreakdownSpec
    columns: list[str]
    categories: list[str]
    counts: list[list[float | str | None]]
    shares: list[list[float | str | None]]
    totals: list[float | None]
    masked: bool
    """Some municipality's count is masked, so Länet sums only what could be seen."""


def _values(rows: Iterable[ExportRow], spec: BreakdownSpec) -> dict[str, float | str | None]:
    prefix = spec.dimension + "="
    return {r.dimension[len(prefix):]: (MASKED if r.masked else r.value)
            for r in rows if r.key == spec.key and r.dimension.startswith(prefix)}  # fmt: skip


def _ordered(found: Iterable[str], list_key: str) -> list[str]:
    """The list's values first (in the contract's order), then the others, blanks last."""
    found = list(dict.fromkeys(found))
    base = [v for v in C.LIST_BY_KEY[list_key].values if v in found]
    rest = sorted((v for v in found if v not in base and v != C.EMPTY_CATEGORY), key=str.casefold)
    return base + rest + ([C.EMPTY_CATEGORY] if C.EMPTY_CATEGORY in found else [])


def breakdown(spec: BreakdownSpec, reports: list[Report], county: list[ExportRow]) -> Breakdown:
    """``spec`` for ``reports`` (one year, the region's order) and Länet's rows."""
    parts = [(r.kommun, _values(r.rows, spec), r.totals().get(spec.key)) for r in reports]
    parts.append((COUNTY, _values(county, spec), totals(county).get(spec.key)))
    categories = _ordered((c for _, values, _ in parts for c in values), spec.list_key)
    counts, shares = [], []
    column_totals = []
    for _, values, total in parts:
        if total is None:  # no total row: the sum of what can be seen
            seen = [v for v in values.values() if isinstance(v, (int, float))]
            total = sum(seen) if seen else None
        column_totals.append(total)
    for c in categories:
        row_counts, row_shares = [], []
        for (_, values, _), total in zip(parts, column_totals, strict=True):
            v = values.get(c)
            row_counts.append(v)
            if isinstance(v, (int, float)):
                row_shares.append(v / total if total else None)
            else:
                row_shares.append(v)
        counts.append(row_counts)
        shares.append(row_shares)
    masked = any(v == MASKED for row in counts for v in row[:-1])
    return Breakdown(spec, [name for name, _, _ in parts], categories, counts, shares,
                     column_totals, masked)  # fmt: skip


def breakdowns(result: ConsolidationResult, year: int | None,
               county: list[ExportRow]) -> list[Breakdown]:  # fmt: skip
    """Every breakdown of ``BREAKDOWNS`` that has a category, for the reports of ``year``."""
    reports = reported(result, year)
    out = [breakdown(spec, reports, county) for spec in BREAKDOWNS]
    return [b for b in out if b.categories]
