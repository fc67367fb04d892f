"""A real workbook with systematic mistakes, as a coach makes them in bulk: written from the
template by the example generator, then changed the way copy and paste changes it."""

from __future__ import annotations

from pathlib import Path

from examples import example_tables, workbook_from_tables
from halsocenter.xlsx import template

YEAR = 2024
SHORT = 2_500
"""Referrals whose Träning start says "<30" -- a renamed list value pasted down the column."""
TYPOS = 60
"""Referrals whose Fokus holds a value of its own ("Fysisk aktivitet 1", …): sixty different
list values, too many to tell one by one, so one group with examples."""
DUPLICATED = 40
"""Follow-ups pasted a second time at the end of the table."""
LATE = 25
"""Follow-ups dated a year after the verksamhetsår."""


def write_planted_workbook(path: Path, referrals: int = 3_000) -> Path:
    tables, settings = example_tables("Vaggeryd", YEAR, seed=11,
                                      size={"referrals": referrals, "followups": 400,
                                            "sessions": 60, "attendance": 0})  # fmt: skip
    rows = tables["remisser"]
    for row in rows[:SHORT]:
        row["traning_start"] = "<30"
    for i, row in enumerate(rows[SHORT:SHORT + TYPOS], 1):
        row["fokus"] = f"Fysisk aktivitet {i}"
    followups = tables["uppfoljningar"]
    for row in followups[:LATE]:
        row["datum"] = row["datum"].replace(year=YEAR + 1)
    tables["uppfoljningar"] = followups + [dict(r) for r in followups[100:100 + DUPLICATED]]
    return template.write_workbook(workbook_from_tables(tables, settings), path)
