"""One workbook's year, checked and computed: what every writer and both adapters start from.

``analyse`` runs the checks and the statistics once; ``refuse_unreadable`` stops a writer while
cells hold values that cannot be read (text in a date column), since figures computed around
them would be wrong. ``Status`` is the one place that decides whether what is made from the
workbook is final or preliminary: preliminary while errors (severity Fel) are left; warnings
alone never make it so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
