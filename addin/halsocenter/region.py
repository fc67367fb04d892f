"""The region's side: the export file a hub sends, the county workbook, and a benchmark folder.

``export`` lives in ``export.py`` and ``consolidate`` in ``consolidate.py``; this module is the
one place the CLI and the ribbon import them from.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from . import contract as C
from .consolidate import COUNTY, ConsolidationResult, FileProblem, Report, consolidate
from .export import ExportRefused, export, export_filename, mask_rows, write_export

__all__ = [
    "COUNTY", "ConsolidationResult", "ExportRefused", "FileProblem", "Report", "consolidate",
    "export", "export_filename", "mask_rows", "write_bench_exports", "write_export",
]  # fmt: skip


def bench_names(n: int) -> list[str]:
    """The county's 13 municipalities, then ``Kommun 014``… up to ``n`` names."""
    names = list(C.KOMMUNER[:n])
    names += [f"Kommun {i:03d}" for i in range(len(names) + 1, n + 1)]
    return names


def write_bench_exports(folder: Path, n: int = 290, seed: int = 2024, year: int = 2024,
                        ) -> list[Path]:  # fmt: skip
    """Write ``n`` export files with realistic figures, the same for the same arguments.

    Each municipality's year comes from the example generator (real list values, dates,
    follow-ups, sessions, attendance, plan and earlier years) at a size drawn from ``seed``,
    run through the same statistics as a real workbook, so the files hold exactly the keys and
    dimensions a real export holds.
    """
    from .examples import DEFAULT_HUB, HUBS, example_tables
    from .read import workbook_data
    from .stats import compute

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    created = datetime(year + 1, 1, 20, 8, 0)
    paths = []
    for i, name in enumerate(bench_names(n)):
        template_kommun = C.KOMMUNER[i % len(C.KOMMUNER)]
        hub = HUBS.get(template_kommun, DEFAULT_HUB)
        referrals = round(hub.far / 0.85 * rng.uniform(0.9, 1.25))
        size = {"referrals": referrals, "followups": round(referrals * rng.uniform(0.3, 0.9)),
                "sessions": rng.randint(40, 250), "attendance": rng.choice((0, 0, 300, 1200))}
        tables, settings = example_tables(template_kommun, year, seed=rng.randrange(1 << 30),
                                          size=size)  # fmt: skip
        settings = {**settings, "hc_kommun": name}
        summary = compute(workbook_data(tables, settings))
        paths.append(write_export(summary, [], folder, source_name=f"{name}_{year}.xlsx",
                                  created=created + timedelta(minutes=i)))  # fmt: skip
    return paths
