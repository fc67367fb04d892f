"""The jobs the ribbon buttons and the CLI share: read -> validate/compute -> write.

Both adapters call these, so the coach in Excel and the region on the command line get the same
figures and the same refusals.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import contract as C
from .atomic import KIND_SUMMARY, Output, mark_workbook
from .errors import InputError
from .model import Finding, WorkbookData
from .summary import Summary
from .swedish import number


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
    from .validate import unlisted

    listed = [mask_finding(f) for f in wb.problems if f.severity == "error"]
    omitted = getattr(wb.problems, "omitted", {})
    return listed + unlisted({k: n for k, n in omitted.items() if k[1] == "error"})


def refuse_unreadable(wb: WorkbookData) -> None:
    bad = unreadable_values(wb)
    if bad:
        first = bad[0]
        rest = sum(f.count for f in bad) - 1
        more = f" (och {number(rest)} till)" if rest else ""
        raise InputError(
            f"Arbetsboken har värden som inte går att läsa, så inget skrevs. {first.message}{more}",
            bad,
        )


def default_summary_path(src: Path) -> Path:
    return src.with_name(f"{src.stem}{C.DEFAULT_OUTPUT_SUFFIX}{src.suffix or '.xlsx'}")


def summary_output(src: Path, dst: Path | Output | None = None, *,
                   create_parent: bool = True) -> Output:  # fmt: skip
    """Where ``summary`` writes: ``dst`` or the default beside the workbook, never the workbook
    itself, with the workbook's own extension; an existing file is replaced only when it is an
    earlier summary this program wrote."""
    src = Path(src)
    if isinstance(dst, Output):
        return dst.reading(src)
    out = Output.command("summary", Path(dst) if dst else default_summary_path(src),
                         create_parent=create_parent)  # fmt: skip
    return dataclasses.replace(out, suffix=(src.suffix or ".xlsx").lower()).reading(src)


def write_summary(src: Path, dst: Path | Output | None = None) -> tuple[Path, Analysis]:
    """Copy ``src`` to ``dst`` with the generated sheets added or replaced."""
    from .package import write_with_sheets
    from .read import read_workbook
    from .sheets import build_generated

    src = Path(src)
    out = summary_output(src, dst)
    out.check()
    from .inputs import open_package

    package, _ = open_package(src)  # verified once: what is read is what gets copied
    wb = read_workbook(src, package)
    refuse_unreadable(wb)
    analysis = analyse(wb)
    generated = build_generated(analysis.summary, analysis.findings,
                                sheet_names_in_input=wb.sheet_names,
                                created=datetime.now().replace(microsecond=0))  # fmt: skip
    mark_workbook(generated, KIND_SUMMARY)
    write_with_sheets(src, generated, out, package, activate=C.SUMMARY_SHEET)
    return out.path, analysis
