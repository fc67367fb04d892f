"""The export file's format: what a hub sends to the region and the region reads back.

``Halsocenter_<Kommun>_<År>.xlsx`` has the sheets Rapportdata (the coach workbook's columns plus
Maskerad), Plan, Historik, Info and Kontroll. Every name the writer (``export``) and the
readers (``consolidate``, ``county_book``) use is spelled here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from halsocenter.core import contract as C
from halsocenter.core.filenames import file_name, kommun_for_name
from halsocenter.core.summary import PlanRow

EXPORT_FORMAT = 1
"""Layout version of the export file itself, written on sheet Info."""

EXPORT_KIND = "Hälsocenter exportfil"
MASK_COLUMN = "Maskerad"
MASKED = "Ja"
EXPORT_COLUMNS = (*C.RAPPORTDATA_COLUMNS, MASK_COLUMN)
"""Rapportdata columns of the export and of the county workbook: the coach workbook's columns
plus Maskerad."""

DATA_SHEET = C.DATA_SHEET
PLAN_SHEET = C.PLAN.sheet
INFO_SHEET = "Info"
HISTORY_SHEET = "Historik"
CHECK_SHEET = C.CHECK_SHEET
HISTORY_COLUMNS = ("År", "Nyckel", "Värde")
PLAN_TABLE = "tblExportPlan"
HISTORY_TABLE = "tblHistorik"
CHECK_COLUMNS = tuple(c for c in C.KONTROLL_COLUMNS if c != "Värde")

MASKED_DIMENSIONS = (
    C.REMISSER.column("kon").header,
    C.REMISSER.column("aldersgrupp").header,
    C.REMISSER.column("fokus").header,
)

# Info sheet labels (column A); the values are in column B.
INFO_KIND = "Filtyp"
INFO_FORMAT = "Exportformat"
INFO_KOMMUN = "Kommun"
INFO_YEAR = "År"
INFO_TEMPLATE = "Mallversion"
INFO_PROGRAM = "Programversion"
INFO_CREATED = "Skapad"
INFO_SOURCE = "Källfil"
INFO_MASK = "Maskerade under"
INFO_ERRORS = "Fel"
INFO_WARNINGS = "Varningar"
INFO_INFOS = "Information"


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
