"""The jobs that chain the layers, for the command line: read -> check and compute -> write.

The ribbon buttons and xlwings Lite run the same steps on the open workbook (``live.actions``);
both start from ``analysis.analyse``, so the coach in Excel and the region on the command line
get the same figures and the same refusals.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from halsocenter.atomic import Output, data_path
from halsocenter.core import contract as C
from halsocenter.core import sheetmarks
from halsocenter.core.analysis import Analysis, analyse, refuse_unreadable, usable_year
from halsocenter.core.filenames import kommun_for_name
from halsocenter.core.model import WorkbookData
from halsocenter.errors import UserError

if TYPE_CHECKING:
    from halsocenter.core.region_config import Region
    from halsocenter.region.consolidate import ProgressFn
    from halsocenter.region.submissions import ConsolidationResult


SUMMARY_NAME = "{kommun}_{ar}" + C.DEFAULT_OUTPUT_SUFFIX
"""The summary copy's default name, beside the workbook: from its Kommun and year, never from
the workbook's own file name (which may hold a person's name)."""


def default_summary_path(src: Path, wb: WorkbookData) -> Path:
    """``<Kommun>_<År>_sammanstallning.xlsx`` beside ``src`` (``atomic.data_path``)."""
    year = usable_year(wb)
    if not wb.kommun or year is None:
        raise UserError(f"Sammanställningens filnamn byggs av kommun och verksamhetsår på fliken "
                        f"{C.START_SHEET}, och de saknas eller går inte att använda. Fyll i dem, "
                        "eller ange utfilen (-o UT).")  # fmt: skip
    return data_path(Path(src).parent, SUMMARY_NAME, (Path(src).suffix or ".xlsx").lower(),
                     kommun=kommun_for_name(wb.kommun, wb.region), ar=year)  # fmt: skip


def summary_output(src: Path, dst: Path | Output, *, create_parent: bool = True) -> Output:
    """Where ``summary`` writes: ``dst``, never the workbook itself, with the workbook's own
    extension; an existing file is replaced only when it is still exactly the summary this
    program wrote there."""
    src = Path(src)
    if isinstance(dst, Output):
        return dst.reading(src)
    out = Output.command("summary", Path(dst), create_parent=create_parent)
    return dataclasses.replace(out, suffix=(src.suffix or ".xlsx").lower()).reading(src)


def write_summary(src: Path, dst: Path | Output | None = None) -> tuple[Path, Analysis]:
    """Copy ``src`` to ``dst`` with the generated sheets added or replaced."""
    from halsocenter.sheets.writer import build_generated
    from halsocenter.xlsx.hidden_texts import masked_parts
    from halsocenter.xlsx.inputs import open_package
    from halsocenter.xlsx.package import write_with_sheets
    from halsocenter.xlsx.read import read_workbook

    src = Path(src)
    if dst is not None:
        summary_output(src, dst).check()  # before anything is read
    package, layout = open_package(src)  # verified once: what is read is what gets copied
    wb = read_workbook(src, package)
    out = summary_output(src, dst if dst is not None else default_summary_path(src, wb))
    out.check()
    refuse_unreadable(wb)
    # a coach's sheet with a generated sheet's name, or ours changed since: nothing is written
    sheetmarks.refuse_in_the_way(wb.sheet_claims)
    analysis = analyse(wb)
    generated = build_generated(analysis.summary, analysis.findings,
                                sheet_names_in_input=wb.sheet_names,
                                created=datetime.now().replace(microsecond=0),
                                date1904=layout.date1904)  # fmt: skip
    masked = masked_parts(package, layout)  # the copy carries no identity number on unseen
    write_with_sheets(src, generated, out, package, activate=C.SUMMARY_SHEET,
                      replaces={c.sheet for c in wb.sheet_claims if c.ours},
                      masked=masked)  # fmt: skip
    analysis.masked_parts = sorted(masked)
    return out.path, analysis


def consolidate(paths: Iterable[Path] | Path, out: Path | Output, *,
                progress: bool | ProgressFn | None = None, now: datetime | None = None,
                region: Region | None = None, archive: Path | Output | None = None,
                report: Path | Output | None = None) -> ConsolidationResult:  # fmt: skip
    """The region's job: read, screen and put together every .xlsx of a folder (or the given
    files) for ``region`` (default: the built-in one) and write the county workbook, and with
    ``report`` the county report in Word from the same figures. With an ``archive`` (a path or
    its ``Output``), the archive's earlier files take part and this run's files are recorded in
    it, after the county workbook and the report are written. ``now`` (default: the clock) is
    what "in the future" is measured against."""
    from halsocenter.core.region_config import DEFAULT
    from halsocenter.region.archive import Archive, archive_output
    from halsocenter.region.consolidate import gather, list_inputs
    from halsocenter.region.county_book import write_county

    start = time.perf_counter()
    region = region or DEFAULT
    store = target_archive = None
    if archive is not None:
        files = list_inputs(paths)
        folders = (Path(paths),) if isinstance(paths, (str, os.PathLike)) else ()
        county = out.path if isinstance(out, Output) else Path(out)
        target_archive = archive if isinstance(archive, Output) else archive_output(
            archive, *files, county, folders=folders)  # fmt: skip
        target_archive.check()
        store = Archive.open(target_archive.path, region)
    earlier = store.current_reports(region) if store else []
    result, target = gather(paths, out, progress=progress, now=now, region=region,
                            earlier=earlier)  # fmt: skip
    if store is not None:
        result.archive = target_archive.path
    write_county(result, target)
    if report is not None:
        from halsocenter.region.county_report import write_county_report

        result.report = write_county_report(result, report)
    if store is not None:
        result.archived_new = store.record(result, target_archive)
    result.seconds = time.perf_counter() - start
    return result
