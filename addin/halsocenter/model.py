"""Plain data objects passed between the adapters and the pure core.

A workbook is read once into ``WorkbookData``: one ``TableData`` per contract table, typed pandas
columns named by the contract's English column keys, indexed by the Excel row number so every
message can point at its cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from . import contract as C

if TYPE_CHECKING:  # pandas is heavy to import; the region's export-file path never needs it
    import pandas as pd

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One problem in a workbook, pointing at the cell where the coach can fix it."""

    code: str
    severity: Severity
    sheet: str
    row: int | None
    column: str | None
    cell: str | None
    value: Any
    message: str

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, date):  # pandas' Timestamp is a datetime, hence a date
            value = value.isoformat()
        elif value is not None and not isinstance(value, (int, float, str, bool)):
            value = str(value)
        return {
            "code": self.code, "severity": self.severity, "sheet": self.sheet, "row": self.row,
            "column": self.column, "cell": self.cell, "value": value, "message": self.message,
        }  # fmt: skip


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Number of findings per severity, always with the keys error, warning and info."""
    out = dict.fromkeys(C.SEVERITY_ORDER, 0)
    for f in findings:
        out[f.severity] += 1
    return out


@dataclass
class TableData:
    """A contract table as read from a workbook.

    ``df`` holds typed values (dates as ``datetime64``, counts as ``Int64``, numbers as
    ``Float64``, everything else as ``str`` or ``None``); ``raw`` holds what the cell held; both
    have one column per contract key and the Excel row number as index. ``letters`` maps each key
    to its Excel column letter (absent for a column the workbook lacks, e.g. an older template).
    """

    spec: C.Table
    df: pd.DataFrame
    raw: pd.DataFrame
    letters: dict[str, str]
    sheet: str
    header_row: int
    extra: tuple[str, ...] = ()

    def cell(self, row: int, key: str) -> str | None:
        letter = self.letters.get(key)
        return f"{letter}{row}" if letter else None

    def header(self, key: str) -> str:
        return self.spec.column(key).header

    def __len__(self) -> int:
        return len(self.df)


class TextCell(NamedTuple):
    """Any text (or error value) found in a sheet, for checks that look at every cell; in
    ``WorkbookData.numbers``, a number that could be an identity number.

    A named tuple rather than a dataclass: a big workbook has hundreds of thousands of them."""

    sheet: str
    row: int
    column: int  # 1-based
    value: Any

    @property
    def cell(self) -> str:
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(self.column)}{self.row}"


class PackageText(NamedTuple):
    """Text a person can put in a workbook outside its cells: a cell comment, a sheet, table or
    defined name, a document property. The identity-number guard reads these too.

    ``place`` names it in Swedish for a message (``Remisser, kommentar i cell B3``,
    ``Arbetsbokens egenskaper (Författare)``); ``sheet``/``cell`` point at it where it has a
    cell; ``kind`` is one of ``PACKAGE_TEXT_KINDS``; ``value`` is text, or a number for a
    numeric custom property."""

    kind: str
    place: str
    value: Any
    sheet: str | None = None
    cell: str | None = None


COMMENT, AUTHOR, SHEET_NAME, TABLE_NAME, DEFINED_NAME, PROPERTY = (
    "comment", "author", "sheet_name", "table_name", "defined_name", "property")  # fmt: skip
PACKAGE_TEXT_KINDS = (COMMENT, AUTHOR, SHEET_NAME, TABLE_NAME, DEFINED_NAME, PROPERTY)
"""Comments are checked for contact details too (they describe participants); the rest only
for identity numbers (an author or a property naming the coach is no finding)."""


@dataclass
class WorkbookData:
    """Everything the core needs from one coach workbook."""

    tables: dict[str, TableData]
    settings: dict[str, Any]
    settings_raw: dict[str, Any] = field(default_factory=dict)
    settings_cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    version: int | None = C.TEMPLATE_VERSION
    problems: list[Finding] = field(default_factory=list)
    texts: list[TextCell] = field(default_factory=list)
    numbers: list[TextCell] = field(default_factory=list)
    """Number cells in any sheet large enough to be an identity number as Excel stores it."""
    package_texts: list[PackageText] = field(default_factory=list)
    """Comments, sheet/table/defined names and document properties (``package_texts.py``)."""
    path: Path | None = None
    sheet_names: tuple[str, ...] = ()

    @property
    def kommun(self) -> str | None:
        return self.settings.get("hc_kommun")

    @property
    def year(self) -> int | None:
        return self.settings.get("hc_ar")

    def list_values(self, list_key: str) -> tuple[str, ...]:
        """The workbook's own (possibly extended) list, falling back to the contract's."""
        return self.lists.get(list_key) or C.LIST_BY_KEY[list_key].values
