"""The export file's format: what a hub sends to the region and the region reads back.

``Halsocenter_<Kommun>_<År>.xlsx`` has the sheets Rapportdata (the coach workbook's columns plus
Maskerad), Plan, Historik, Info and Kontroll, and carries only the fields of the contract's
allow-list (``contract.EXPORT_FIELDS``), whose names these are: the writer (``export``) and the
readers (``consolidate``, ``county_book``) take them from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from halsocenter.core import contract as C
from halsocenter.core.filenames import file_name, kommun_for_name
from halsocenter.core.summary import PlanRow

EXPORT_FORMAT = C.EXPORT_FORMAT
READ_FORMATS = C.READ_FORMATS

EXPORT_KIND = C.EXPORT_KIND
MASK_COLUMN = C.EXPORT_MASK_COLUMN
MASKED = C.EXPORT_MASKED
EXPORT_COLUMNS = C.EXPORT_DATA_COLUMNS
"""Rapportdata columns of the export and of the county workbook: the coach workbook's columns
plus Maskerad."""

DATA_SHEET = C.EXPORT_DATA_SHEET
PLAN_SHEET = C.EXPORT_PLAN_SHEET
INFO_SHEET = C.EXPORT_INFO_SHEET
HISTORY_SHEET = C.EXPORT_HISTORY_SHEET
CHECK_SHEET = C.EXPORT_CHECK_SHEET
HISTORY_COLUMNS = C.EXPORT_HISTORY_COLUMNS
PLAN_TABLE = "tblExportPlan"
HISTORY_TABLE = "tblHistorik"
CHECK_TABLE = "tblExportKontroll"
CHECK_COLUMNS = C.EXPORT_CHECK_COLUMNS

MASKED_DIMENSIONS = (
    C.REMISSER.column("kon").header,
    C.REMISSER.column("aldersgrupp").header,
    C.REMISSER.column("fokus").header,
)

# Info sheet labels (column A); the values are in column B.
INFO_KIND = C.INFO_KIND
INFO_FORMAT = C.INFO_FORMAT
INFO_KOMMUN = C.INFO_KOMMUN
INFO_YEAR = C.INFO_YEAR
INFO_STATUS = C.INFO_STATUS
INFO_TEMPLATE = C.INFO_TEMPLATE
INFO_PROGRAM = C.INFO_PROGRAM
INFO_CREATED = C.INFO_CREATED
INFO_MASK = C.INFO_MASK
INFO_ERRORS = C.INFO_ERRORS
INFO_WARNINGS = C.INFO_WARNINGS
INFO_INFOS = C.INFO_INFOS


class ExportRow(NamedTuple):
    """One Rapportdata row as written: ``value`` is None when masked or not computable. A
    tuple, not a dataclass: a county workbook builds tens of thousands of them."""

    key: str
    dimension: str
    value: float | None
    masked: bool = False


EXPORT_NAME = "Halsocenter_{kommun}_{ar}"
"""The export file's name (``core.filenames``: a Kommun that cannot be part of a name is
refused)."""


def export_filename(kommun: str, year: int) -> str:
    """``Halsocenter_<Kommun>_<År>.xlsx``, through ``core.filenames.file_name``."""
    return file_name(EXPORT_NAME, ".xlsx", kommun=kommun_for_name(kommun), ar=year)


def plan_rows(values: Iterable[Sequence]) -> tuple[PlanRow, ...]:
    """PlanRows from sheet rows in contract column order (used when reading an export)."""
    out = []
    for v in values:
        v = list(v) + [None] * (5 - len(v))
        text = [None if x in (None, "") else str(x) for x in v[:5]]
        if any(text):
            out.append(PlanRow(text[0] or "", text[1] or "", text[2], text[3], text[4]))
    return tuple(out)
