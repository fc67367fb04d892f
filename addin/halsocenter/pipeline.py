"""The jobs the ribbon buttons and the CLI share: read -> validate/compute -> write.

Both adapters call these, so the coach in Excel and the region on the command line get the same
figures and the same refusals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import contract as C
from .atomic import same_file
from .errors import InputError
from .model import Finding, WorkbookData
from .summary import Summary


@dataclass
class Analysis:
    wb: WorkbookData
    findings: list[Finding]
    summary: Summary

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def analyse(wb: WorkbookData) -> Analysis:
    from .stats import compute
    from .validate import validate

    return Analysis(wb, validate(wb), compute(wb))


def unreadable_values(wb: WorkbookData) -> list[Finding]:
    """Typing problems found on read: cells whose value cannot be the column's type (masked:
    they quote the cell, which may hold an identity number)."""
    from .privacy import mask_finding

    return [mask_finding(f) for f in wb.problems if f.severity == "error"]


def refuse_unreadable(wb: WorkbookData) -> None:
    bad = unreadable_values(wb)
    if bad:
        first = bad[0]
        more = f" (och {len(bad) - 1} till)" if len(bad) > 1 else ""
        raise InputError(
            f"Arbetsboken har värden som inte går att läsa, så inget skrevs. {first.message}{more}",
            bad,
        )


def default_summary_path(src: Path) -> Path:
    return src.with_name(f"{src.stem}{C.DEFAULT_OUTPUT_SUFFIX}{src.suffix or '.xlsx'}")


def write_summary(src: Path, dst: Path | None = None) -> tuple[Path, Analysis]:
    """Copy ``src`` to ``dst`` with the generated sheets added or replaced."""
    from .package import write_with_sheets
    from .sheets import build_generated

    src = Path(src)
    dst = Path(dst) if dst else default_summary_path(src)
    if same_file(src, dst):
        raise InputError("Utfilen får inte vara samma fil som arbetsboken; välj ett annat namn.",
                         [])  # fmt: skip
    from .inputs import open_package
    from .read import read_workbook

    package, _ = open_package(src)  # verified once: what is read is what gets copied
    wb = read_workbook(src, package)
    refuse_unreadable(wb)
    analysis = analyse(wb)
    generated = build_generated(analysis.summary, analysis.findings,
                                sheet_names_in_input=wb.sheet_names,
                                created=datetime.now().replace(microsecond=0))  # fmt: skip
    write_with_sheets(src, generated, dst, package, activate=C.SUMMARY_SHEET)
    return dst, analysis
