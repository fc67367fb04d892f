"""Plain data objects passed between the adapters and the pure core.

A workbook is read once into ``WorkbookData``: one ``TableData`` per contract table, typed pandas
columns named by the contract's English column keys, indexed by the Excel row number so every
message can point at its cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from halsocenter.core import contract as C
from halsocenter.core.region_config import DEFAULT, Region

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
    count: int = 1
    """How many findings this one stands for: 1, or -- once ``FindingList.LIMIT`` findings are
    listed one by one -- the number of the same kind (code, sheet, column) left unlisted."""

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, date):  # pandas' Timestamp is a datetime, hence a date
            value = value.isoformat()
        elif value is not None and not isinstance(value, (int, float, str, bool)):
            value = str(value)
        out = {
            "code": self.code, "severity": self.severity, "sheet": self.sheet, "row": self.row,
            "column": self.column, "cell": self.cell, "value": value, "message": self.message,
        }  # fmt: skip
        if self.count != 1:
            out["count"] = self.count
        return out


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Number of findings per severity, always with the keys error, warning and info."""
    out = dict.fromkeys(C.SEVERITY_ORDER, 0)
    for f in findings:
        out[f.severity] += f.count
    return out


OmittedKey = tuple[str, str, "str | None", "str | None"]  # code, severity, sheet, column


class FindingList(list):
    """Findings listed one by one up to ``LIMIT`` (shared by the reader and the checks);
    beyond that each is only counted, per code, severity, sheet and column, in ``omitted``.

    A hostile or badly pasted workbook can hold a million wrong cells; a Finding with its
    Swedish message per cell would take gigabytes and minutes, and nobody reads past the first
    thousands anyway. ``room()`` lets a loop stop building findings it would not keep."""

    LIMIT = 100_000

    def __init__(self, items: Iterable[Finding] = (), *, left: int | None = None,
                 omitted: dict[OmittedKey, int] | None = None):  # fmt: skip
        super().__init__()
        self.left = self.LIMIT if left is None else left
        self.omitted: dict[OmittedKey, int] = dict(omitted or {})
        self.extend(items)

    def room(self) -> int:
        return max(self.left, 0)

    def take(self, code: str, severity: str, sheet: str | None, column: str | None) -> bool:
        """Whether one more finding of this kind is listed; if not, it is counted."""
        if self.left > 0:
            self.left -= 1
            return True
        self.omit(code, severity, sheet, column)
        return False

    def omit(self, code: str, severity: str, sheet: str | None, column: str | None,
             n: int = 1) -> None:  # fmt: skip
        key = (code, severity, sheet, column)
        self.omitted[key] = self.omitted.get(key, 0) + n

    def append(self, f: Finding) -> None:
        if f is not None and self.take(f.code, f.severity, f.sheet, f.column):
            super().append(f)

    def extend(self, items: Iterable[Finding]) -> None:
        for f in items:
            self.append(f)


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
        from halsocenter.core.a1 import column_letter

        return f"{column_letter(self.column)}{self.row}"


def grid_texts(rows: list[list]) -> list[str]:
    """The text values of a grid of cell values, row by row (empty text is no text)."""
    text = str
    return [v for row in rows for v in row if v.__class__ is text and v]


class TextCells(Sequence[TextCell]):
    """Every text cell of a workbook, kept as the sheets' grids instead of a tuple per cell.

    The checks look at the distinct values of hundreds of thousands of text cells and need the
    positions of only the few that hit; making a TextCell for each cell up front cost the check
    of a big workbook more than reading its sheets. Parts are kept in reading order: a sheet's
    grid (rows of cell values, 1-based positions, texts are the non-empty ``str`` values), or a
    list of ready TextCells (cells read apart from the grid, error values, hand-made lists).
    """

    def __init__(self) -> None:
        self._parts: list[tuple[str, list[list], list[str] | None] | list[TextCell]] = []
        self._values: list[str] | None = None
        self._cells: list[TextCell] | None = None

    @classmethod
    def of(cls, cells: Iterable[TextCell]) -> TextCells:
        if isinstance(cells, TextCells):
            return cells
        out = cls()
        out.add_cells(cells)
        return out

    def add_grid(self, sheet: str, rows: list[list], values: list[str] | None = None) -> None:
        """A sheet's grid; ``values``, where the caller has them already, are its text values
        in order (``grid_texts(rows)``)."""
        self._parts.append((sheet, rows, values))
        self._values = self._cells = None

    def add_cells(self, cells: Iterable[TextCell]) -> None:
        self._parts.append(list(cells))
        self._values = self._cells = None

    def values(self) -> list[str]:
        """The value of every text cell, in order (computed once)."""
        if self._values is None:
            out: list = []
            for part in self._parts:
                if isinstance(part, tuple):
                    out += part[2] if part[2] is not None else grid_texts(part[1])
                else:
                    out += [t.value for t in part]
            self._values = out
        return self._values

    def with_values(self, wanted: Iterable[Any]) -> list[TextCell]:
        """The text cells whose value is one of ``wanted``, in order. A row none of whose
        values is wanted is passed over by one set operation, without a look at its cells."""
        wanted = frozenset(wanted)
        if not wanted:
            return []
        out: list[TextCell] = []
        new, cell, text = tuple.__new__, TextCell, str
        for part in self._parts:
            if not isinstance(part, tuple):
                out += [t for t in part if t.value in wanted]
                continue
            sheet, rows, _ = part
            for r, row in enumerate(rows, start=1):
                try:
                    if wanted.isdisjoint(row):
                        continue
                except TypeError:  # an unhashable value in a hand-made grid: look at each cell
                    pass
                out += [new(cell, (sheet, r, c, v)) for c, v in enumerate(row, start=1)
                        if v.__class__ is text and v and v in wanted]  # fmt: skip
        return out

    def _all(self) -> list[TextCell]:
        if self._cells is None:
            out: list[TextCell] = []
            new, cell, text = tuple.__new__, TextCell, str
            for part in self._parts:
                if not isinstance(part, tuple):
                    out += part
                    continue
                sheet, rows, _ = part
                out += [new(cell, (sheet, r, c, v)) for r, row in enumerate(rows, start=1)
                        for c, v in enumerate(row, start=1) if v.__class__ is text and v]  # fmt: skip
            self._cells = out
        return self._cells

    def __iter__(self) -> Iterator[TextCell]:
        return iter(self._all())

    def __getitem__(self, index):  # type: ignore[override]
        return self._all()[index]

    def __len__(self) -> int:
        return len(self.values())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (TextCells, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TextCells({len(self)} text cells)"


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


COMMENT, AUTHOR, SHEET_NAME, TABLE_NAME, DEFINED_NAME, PROPERTY, HIDDEN, UNREAD = (
    "comment", "author", "sheet_name", "table_name", "defined_name", "property", "hidden",
    "unread")  # fmt: skip
PACKAGE_TEXT_KINDS = (COMMENT, AUTHOR, SHEET_NAME, TABLE_NAME, DEFINED_NAME, PROPERTY, HIDDEN,
                      UNREAD)  # fmt: skip
"""Comments are checked for contact details too (they describe participants); the rest only
for identity numbers (an author or a property naming the coach is no finding). ``HIDDEN``: a
header or footer, a text box, a chart, a data validation, a hyperlink, custom XML, a number
format, a defined name's comment (``xlsx.hidden_texts``); ``UNREAD``: a part the program does
not read (a pivot cache, an embedded object), reported as not checked."""


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
    texts: Sequence[TextCell] = field(default_factory=list)
    """Every text cell in any sheet (a ``TextCells`` when read from a file or from Excel)."""
    numbers: list[TextCell] = field(default_factory=list)
    """Number cells in any sheet large enough to be an identity number as Excel stores it."""
    package_texts: list[PackageText] = field(default_factory=list)
    """Comments, sheet/table/defined names and document properties (``xlsx.package_texts``)."""
    path: Path | None = None
    sheet_names: tuple[str, ...] = ()
    sheet_claims: list[Any] = field(default_factory=list)
    """``sheetmarks.SheetClaim`` of every sheet named like a generated sheet: the program's own
    (marked and unchanged) or a coach's, which is never touched."""
    region: Region = DEFAULT
    """The region the workbook belongs to (``contract.REGION_CELL``; the built-in one when the
    workbook carries none)."""

    @property
    def kommun(self) -> str | None:
        return self.settings.get("hc_kommun")

    @property
    def year(self) -> int | None:
        return self.settings.get("hc_ar")

    def list_values(self, list_key: str) -> tuple[str, ...]:
        """The workbook's own (possibly extended) list, falling back to its region's."""
        return self.lists.get(list_key) or self.region.list_by_key[list_key].values
