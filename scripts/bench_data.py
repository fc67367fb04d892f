"""Input data for scripts/bench: the big coach workbook, the same workbook with a systematic
mistake, and a folder of export files. Benchmark builders live here, not in the product.

Everything is deterministic (seeded), so a cached copy stays valid until the generators change.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from examples import DEFAULT_HUB, HUBS, example_tables, workbook_from_tables
from halsocenter.core import contract as C
from halsocenter.core.region_config import DEFAULT
from halsocenter.xlsx import template

KOMMUN, YEAR = "Jönköping", 2024
BIG_SIZES = {"referrals": 50_000, "followups": 20_000, "sessions": 5_000, "attendance": 50_000}
"""Row counts of the big workbook: a large hub's year, several times the biggest real one."""

WAITING_ROWS = 20_000
"""Many-findings case: Utfall left at "Väntar" (pasted down the column) in this many referrals
that did have their first conversation -- one warning each."""
DUPLICATED_FOLLOWUPS = 6_000
"""Many-findings case: a block of this many follow-ups pasted a second time below the table --
one duplicate-row warning each."""
N_EXPORTS = 290


def big_tables() -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    return example_tables(KOMMUN, YEAR, size=BIG_SIZES)


def plant_systematic_mistakes(tables: dict[str, list[dict[str, Any]]]
                              ) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """The tables with two mistakes a coach makes in bulk (the originals are not changed):
    ``WAITING_ROWS`` referrals with a first conversation whose Utfall still says Väntar, and the
    first ``DUPLICATED_FOLLOWUPS`` follow-ups pasted again at the end. About 26,000 warnings."""
    referrals = [dict(r) for r in tables["remisser"]]
    talked = [r for r in referrals if r.get("forsta_samtal")]
    if len(talked) < WAITING_ROWS:
        raise ValueError(f"only {len(talked)} referrals with a first conversation")
    for row in talked[:WAITING_ROWS]:
        row["utfall"] = C.UTFALL_VANTAR
    followups = list(tables["uppfoljningar"])
    followups += [dict(r) for r in followups[:DUPLICATED_FOLLOWUPS]]
    return {**tables, "remisser": referrals, "uppfoljningar": followups}


def expected_many_findings() -> int:
    return WAITING_ROWS + DUPLICATED_FOLLOWUPS


def write_big_workbooks(big: Path, many: Path) -> None:
    """Both workbooks from one draw of the tables (drawing them takes most of a minute)."""
    tables, settings = big_tables()
    template.write_workbook(workbook_from_tables(tables, settings), big)
    template.write_workbook(workbook_from_tables(plant_systematic_mistakes(tables), settings),
                            many)  # fmt: skip


def export_names(n: int, first_year: int = YEAR) -> list[tuple[str, int]]:
    """(kommun, year) for ``n`` export files: the county's 13 municipalities, then the same 13
    one year earlier, and so on -- every file a real municipality-year, so the region reads,
    validates and counts each of them into Länet."""
    names = DEFAULT.names
    return [(names[i % len(names)], first_year - i // len(names)) for i in range(n)]


def write_exports(folder: Path, n: int = N_EXPORTS, seed: int = YEAR) -> list[Path]:
    """Write ``n`` export files with realistic figures, the same for the same arguments.

    Each municipality-year comes from the example generator (real list values, dates,
    follow-ups, sessions, attendance, plan and earlier years) at a size drawn from ``seed``,
    run through the same statistics as a real workbook, so the files hold exactly the keys and
    dimensions a real export holds.
    """
    from halsocenter.core.stats import compute
    from halsocenter.region.export import write_export
    from halsocenter.xlsx.read import workbook_data

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i, (kommun, year) in enumerate(export_names(n, seed)):
        hub = HUBS.get(kommun, DEFAULT_HUB)
        referrals = round(hub.far / 0.85 * rng.uniform(0.9, 1.25))
        size = {"referrals": referrals, "followups": round(referrals * rng.uniform(0.3, 0.9)),
                "sessions": rng.randint(40, 250), "attendance": rng.choice((0, 0, 300, 1200))}
        tables, settings = example_tables(kommun, year, seed=rng.randrange(1 << 30), size=size)
        summary = compute(workbook_data(tables, settings))
        created = datetime(year + 1, 1, 20, 8, 0) + timedelta(minutes=i)
        paths.append(write_export(summary, [], folder, created=created))
    return paths
