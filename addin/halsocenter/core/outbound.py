"""What leaves the hub: a workbook's findings in the form the export file and the county
workbook carry them (``contract.EXPORT_FIELDS``, ``contract.COUNTY_FIELDS``).

A finding names a sheet as the workbook calls it, a column, a cell and the value typed there,
and its message quotes that value. None of that may leave: a coach can name a sheet anything
and type anything into a cell. Outside the workbook a finding is its rule, the template's name
of the sheet and the contract's name of the column, and how many findings share them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from halsocenter.core import contract as C
from halsocenter.core.model import Finding, WorkbookData

TEMPLATE_SHEETS = frozenset(
    (C.START_SHEET, C.LISTS_SHEET, C.MOVED_CELLS_SHEET, *C.GENERATED_SHEETS,
     *(t.sheet for t in C.TABLES)))  # fmt: skip
"""Sheet names that are the template's own: shown as they are."""
COLUMN_NAMES = frozenset(
    {c.header for t in C.TABLES for c in t.columns} | {n.label for n in C.NAMED_CELLS})
"""Column names a finding may carry out: the contract's headers and named-cell labels."""


@dataclass(frozen=True)
class Place:
    """Where a finding is, as it may leave: the template's sheet name (``OTHER_SHEET`` for a
    sheet of the coach's own, None outside the sheets) and the contract's column (or None)."""

    sheet: str | None
    column: str | None


def sheet_names(wb: WorkbookData) -> dict[str, str]:
    """The workbook's own sheet names -> the template's: a renamed sheet holding a table is
    named by the table's sheet, the sheet with the named cells by Start."""
    out = {td.sheet: td.spec.sheet for td in wb.tables.values()}
    for sheet, _cell in wb.settings_cells.values():
        out.setdefault(sheet, C.START_SHEET)
    return out


def place(finding: Finding, names: dict[str, str]) -> Place:
    """The finding's place as it may leave the hub (``names``: ``sheet_names(wb)``)."""
    sheet = finding.sheet
    if sheet:
        sheet = names.get(sheet) or (sheet if sheet in TEMPLATE_SHEETS else C.OTHER_SHEET)
    column = finding.column if finding.column in COLUMN_NAMES else None
    return Place(sheet or None, column)


@dataclass(frozen=True)
class CheckCount:
    """One row of the export's Kontroll: a rule, its place and how many findings."""

    severity: str
    code: str
    sheet: str | None
    column: str | None
    count: int


def check_counts(findings: Iterable[Finding], names: dict[str, str]) -> list[CheckCount]:
    """The findings as counts per rule, sheet and column (``names``: ``sheet_names(wb)``): most
    serious first, then as the contract orders the sheets and columns. Never a value, a cell
    or a message."""
    counts: dict[tuple[str, str, str | None, str | None], int] = {}
    for f in findings:
        where = place(f, names)
        key = (f.severity, f.code, where.sheet, where.column)
        counts[key] = counts.get(key, 0) + f.count
    severity = {s: i for i, s in enumerate(C.SEVERITY_ORDER)}
    sheets = {s: i for i, s in enumerate(
        (C.START_SHEET, *(t.sheet for t in C.TABLES), C.LISTS_SHEET))}  # fmt: skip
    columns = {h: i for i, h in enumerate(dict.fromkeys(
        [n.label for n in C.NAMED_CELLS] + [c.header for t in C.TABLES for c in t.columns]))}

    def order(item) -> tuple:
        (sev, code, sheet, column), _ = item
        return (severity.get(sev, len(severity)), sheets.get(sheet, len(sheets)), sheet or "",
                columns.get(column, len(columns)), code)  # fmt: skip

    return [CheckCount(sev, code, sheet, column, n)
            for (sev, code, sheet, column), n in sorted(counts.items(), key=order)]  # fmt: skip
