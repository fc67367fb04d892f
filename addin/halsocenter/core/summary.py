"""The computed year of one hub: every figure as a tidy row, plus the plan.

``Summary`` is what every writer consumes (the summary sheet, Rapportdata, the Word report, the
region export), so a figure is computed once and shown the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from halsocenter import __version__
from halsocenter.core import contract as C


@dataclass(frozen=True)
class FigureRow:
    """One Rapportdata row without Kommun/År. ``dimension`` is "" for the total, otherwise
    ``"Name=value"`` (e.g. ``"Typ=FaR"``, ``"Månad=2023-03"``)."""

    key: str
    dimension: str
    value: float | None


@dataclass(frozen=True)
class PlanRow:
    fokusomrade: str
    aktivitet: str
    status: str | None
    uppfoljning: str | None
    framtidsplan: str | None


@dataclass(frozen=True)
class Summary:
    kommun: str | None
    year: int | None
    figures: tuple[FigureRow, ...]
    plan: tuple[PlanRow, ...] = ()
    history: tuple[tuple[int, dict[str, float]], ...] = ()
    """(year, {key: total}) for earlier years from Tidigare år and this year, oldest first."""
    template_version: int = C.TEMPLATE_VERSION
    program_version: str = __version__

    def rows(self) -> Iterator[tuple[str | None, int | None, str, str, float | None]]:
        """Rapportdata rows: (Kommun, År, Nyckel, Dimension, Värde)."""
        for f in self.figures:
            yield self.kommun, self.year, f.key, f.dimension, f.value

    def value(self, key: str, dimension: str = "") -> float | None:
        for f in self.figures:
            if f.key == key and f.dimension == dimension:
                return f.value
        return None

    def breakdown(self, key: str, dim_name: str) -> dict[str, float | None]:
        """Values of ``key`` by one dimension, in the order computed: {"FaR": 81, ...}."""
        prefix = dim_name + "="
        return {f.dimension[len(prefix):]: f.value for f in self.figures
                if f.key == key and f.dimension.startswith(prefix)}  # fmt: skip

    def plan_by_focus(self) -> dict[str, list[PlanRow]]:
        out: dict[str, list[PlanRow]] = {}
        for row in self.plan:
            out.setdefault(row.fokusomrade, []).append(row)
        return out
