"""One workbook's year, checked and computed: what every writer and both adapters start from.

``analyse`` runs the checks and the statistics once; ``refuse_unreadable`` stops a writer while
cells hold values that cannot be read (text in a date column), since figures computed around
them would be wrong. ``Status`` is the one place that decides whether what is made from the
workbook is final or preliminary: preliminary while errors (severity Fel) are left; warnings
alone never make it so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from halsocenter.core import contract as C
from halsocenter.core.messages import preliminary_banner, preliminary_mark
from halsocenter.core.model import Finding, WorkbookData, severity_counts
from halsocenter.core.summary import Summary
from halsocenter.core.swedish import whole
from halsocenter.errors import InputError


@dataclass(frozen=True)
class Status:
    """Final or preliminary: what every output made from a workbook asks. ``errors`` is the
    number of findings of severity Fel (counted ones included)."""

    errors: int = 0

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Status:
        return cls(severity_counts(findings)["error"])

    @property
    def preliminary(self) -> bool:
        return self.errors > 0

    @property
    def label(self) -> str:
        """``Preliminär`` or ``Slutlig``, as the export file and the county workbook say it."""
        return C.STATUS_PRELIMINARY if self.preliminary else C.STATUS_FINAL

    @property
    def mark(self) -> str | None:
        """"Preliminär – 3 fel kvar", or None when final."""
        return preliminary_mark(self.errors) if self.preliminary else None

    @property
    def banner(self) -> str | None:
        """"Preliminär – 3 fel kvar i arbetsboken", or None when final."""
        return preliminary_banner(self.errors) if self.preliminary else None


@dataclass
class Analysis:
    wb: WorkbookData
    findings: list[Finding]
    summary: Summary
    masked_parts: list[str] = field(default_factory=list)
    """Parts of a copy (``summary``) whose identity numbers outside the cells were masked."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def status(self) -> Status:
        return Status.of(self.findings)


def analyse(wb: WorkbookData) -> Analysis:
    # imported here: the checks and statistics load pandas, and the Lite buttons must appear
    # before any heavy library is loaded (xlwings Lite imports this module at start)
    from halsocenter.core.stats import compute
    from halsocenter.core.validate import validate

    return Analysis(wb, validate(wb), compute(wb))


def unreadable_values(wb: WorkbookData) -> list[Finding]:
    """Typing problems found on read: cells whose value cannot be the column's type (masked:
    they quote the cell, which may hold an identity number)."""
    from halsocenter.core.privacy import mask_finding
    from halsocenter.core.validate import unlisted

    listed = [mask_finding(f) for f in wb.problems if f.severity == "error"]
    omitted = getattr(wb.problems, "omitted", {})
    return listed + unlisted({k: n for k, n in omitted.items() if k[1] == "error"})


def refuse_unreadable(wb: WorkbookData) -> None:
    bad = unreadable_values(wb)
    if bad:
        first = bad[0]
        rest = sum(f.count for f in bad) - 1
        more = f" (och {whole(rest)} till)" if rest else ""
        raise InputError(
            f"Arbetsboken har värden som inte går att läsa, så inget skrevs. {first.message}{more}",
            bad,
        )


def usable_year(wb: WorkbookData) -> int | None:
    """The workbook's verksamhetsår when it is one (a whole number in the contract's range)."""
    year = wb.settings.get("hc_ar")
    ok = isinstance(year, int) and not isinstance(year, bool)
    return year if ok and C.MIN_YEAR <= year <= C.MAX_YEAR else None


def refuse_without_year(wb: WorkbookData, what: str) -> int:
    """The year ``what`` (a report, next year's workbook …) is made for; an ``InputError`` that
    names the cell when the workbook has no usable year (nothing can be dated without one)."""
    year = usable_year(wb)
    if year is not None:
        return year
    sheet, cell = wb.settings_cells.get("hc_ar", (C.START_SHEET, C.NAMED_CELL_BY_NAME["hc_ar"].cell))
    raw = wb.settings_raw.get("hc_ar", wb.settings.get("hc_ar"))
    if raw is None or raw == "":
        raise InputError(f"Verksamhetsåret saknas på fliken {sheet} (cell {cell}). Fyll i året "
                         f"innan {what} skapas.", [])  # fmt: skip
    from halsocenter.core.privacy import mask_value

    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    raise InputError(f"Verksamhetsåret ”{mask_value(raw)}” på fliken {sheet} (cell {cell}) går "
                     f"inte att använda: skriv året med fyra siffror, mellan {C.MIN_YEAR} och "
                     f"{C.MAX_YEAR}. Rätta det innan {what} skapas.", [])  # fmt: skip
