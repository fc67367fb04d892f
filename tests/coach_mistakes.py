"""A coach's workbook with the mistakes the issue's trial made, as a coach makes them: rows pasted
with a value outside its list, a misspelled focus area, "K" for Kön, a missing Typ and
"3 månader" for Tidpunkt -- written from the template by the example generator."""

from __future__ import annotations

from pathlib import Path

from examples import example_tables, workbook_from_tables
from halsocenter.xlsx import template

YEAR = 2024
KOMMUN = "Vaggeryd"
PASTED = 35
"""Referrals pasted at the end of the table, each with Slussad till "Gymmet"."""
MISSPELLED = "Fysisk aktvitet"
WRONG_DESTINATION = "Gymmet"
WRONG_TIME = "3 månader"


def mistaken_tables(kommun: str = KOMMUN, year: int = YEAR) -> tuple[dict, dict]:
    tables, settings = example_tables(kommun, year)
    rows = tables["remisser"]
    in_year = [r for r in rows if r["inkom"].year == year]
    in_year[0]["fokus"] = MISSPELLED
    in_year[1]["kon"] = "K"
    in_year[2]["typ"] = None
    last = in_year[-1]
    for i in range(PASTED):
        rows.append({**last, "lopnummer": f"{year}-9{i:02d}", "slussad_till": WRONG_DESTINATION})
    followups = [r for r in tables["uppfoljningar"] if r["datum"].year == year]
    followups[0]["tidpunkt"] = WRONG_TIME
    tables["aktiviteter"][0]["fokusomrade"] = MISSPELLED
    tables["plan"][0]["fokusomrade"] = MISSPELLED
    return tables, settings


def write_mistaken(path: Path, kommun: str = KOMMUN, year: int = YEAR) -> Path:
    return template.write_workbook(workbook_from_tables(*mistaken_tables(kommun, year)), path)


def write_clean(path: Path, kommun: str = KOMMUN, year: int = YEAR) -> Path:
    return template.write_workbook(workbook_from_tables(*example_tables(kommun, year)), path)
