"""The file a hub sends to the region: ``Halsocenter_<Kommun>_<År>.xlsx``.

Aggregates only, and only the fields of the contract's allow-list (``contract.EXPORT_FIELDS``):
the Rapportdata figures, the plan, earlier years' totals, versions, the status (final or
preliminary with the number of errors) and the findings as counts per rule, sheet and column.
Nothing row-level (no Löpnummer, no Kommentar), no cell value, no message and no file or sheet
name ever leaves the workbook. The export is refused while a personnummer or samordningsnummer
is in it (``privacy.refuse_identity_numbers``) and, unless asked for a preliminary file, while
errors are left. The format is ``export_format``; small counts are masked by ``disclosure``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from halsocenter import __version__
from halsocenter.atomic import Output, data_path
from halsocenter.core import contract as C
from halsocenter.core import messages as M
from halsocenter.core.analysis import Status
from halsocenter.core.filenames import kommun_for_name
from halsocenter.core.model import Finding, WorkbookData, severity_counts
from halsocenter.core.outbound import check_counts
from halsocenter.core.outbound import sheet_names as outbound_sheet_names
from halsocenter.core.privacy import refuse_identity_numbers
from halsocenter.core.region_config import DEFAULT
from halsocenter.core.summary import Summary
from halsocenter.core.swedish import whole
from halsocenter.errors import ErrorsRemain, Refused
from halsocenter.region.disclosure import mask_rows
from halsocenter.region.export_format import (
    CHECK_COLUMNS,
    CHECK_SHEET,
    CHECK_TABLE,
    DATA_SHEET,
    EXPORT_COLUMNS,
    EXPORT_FORMAT,
    EXPORT_KIND,
    EXPORT_NAME,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    HISTORY_TABLE,
    INFO_CREATED,
    INFO_ERRORS,
    INFO_FORMAT,
    INFO_INFOS,
    INFO_KIND,
    INFO_KOMMUN,
    INFO_MASK,
    INFO_PROGRAM,
    INFO_SHEET,
    INFO_STATUS,
    INFO_TEMPLATE,
    INFO_WARNINGS,
    INFO_YEAR,
    MASKED,
    PLAN_SHEET,
    PLAN_TABLE,
    ExportRow,
)
from halsocenter.xlsx import cells
from halsocenter.xlsx.style import page_setup
from halsocenter.xlsx.textfit import row_height
from halsocenter.xlsx.xlbook import (
    add_table,
    bold_row,
    header_row,
    save_with_rows,
    set_widths,
    wrapped_row,
)

DATA_WIDTHS = (14, 8, 34, 44, 12, 11)
PLAN_WRAPPED = ("fokusomrade", "aktivitet", "uppfoljning", "framtidsplan")
HISTORY_WIDTHS = (8, 34, 12)
INFO_WIDTHS = (20, 40)
CHECK_WIDTHS = (14, 30, 28, 16, 22, 8)
"""Kontroll: Allvarlighet, Regel, Kod, Flik, Kolumn, Antal -- wide enough for each bold header."""


def data_sheet(ws, n_rows: int) -> None:
    """The Rapportdata sheet's header and table; its ``n_rows`` rows go in at save time
    (``save_with_rows``)."""
    set_widths(ws, DATA_WIDTHS)
    ws.append(header_row(ws, EXPORT_COLUMNS))
    add_table(ws, C.RAPPORTDATA_TABLE, EXPORT_COLUMNS, n_rows)


def _printed(ws, summary: Summary, *, landscape: bool = False, titles: bool = True) -> None:
    """The export file printed: A4 one page wide, the hub and the sheet in the header, page
    numbers in the footer and the header row on every page."""
    page_setup(ws, header_left=f"Hälsocenter {summary.kommun} · fil till regionen",
               header_right=f"{ws.title} {summary.year}", landscape=landscape,
               title_rows="1:1" if titles else None)  # fmt: skip


def data_row(kommun, year, row: ExportRow, masked_word: str = MASKED) -> list:
    """One Rapportdata row: Kommun, År, Nyckel, Dimension, Värde, Maskerad."""
    return [kommun, year, row.key, row.dimension or None, row.value,
            masked_word if row.masked else None]  # fmt: skip


def export_output(out_dir: Path | Output) -> Output:
    """The rules for the export file in ``out_dir``: an existing file of that name is replaced
    only when it is an earlier export file this program wrote (never a coach's workbook)."""
    return dataclasses.replace(Output.command("export", out_dir), fixed_name=True)


def write_export(summary: Summary, findings: Sequence[Finding], out_dir: Path | Output, *,
                 mask_below: int | None = None, created: datetime | None = None,
                 preliminary: bool = False, sheet_names: dict[str, str] | None = None,
                 kommuner: Sequence[str] | None = None) -> Path:  # fmt: skip
    """Write the export file for an already computed year into the folder ``out_dir`` (under
    its ``Output`` rules, which name the files read).

    Refused (nothing written) while an identity number is in the workbook, while Kommun is not
    one of ``kommuner`` (the workbook's kommun list; the built-in region's by default) or År is missing, and -- unless
    ``preliminary`` -- while errors are left (``ErrorsRemain``). A preliminary file says so on
    sheet Info, with the number of errors. Only the fields of ``contract.EXPORT_FIELDS`` are
    written; the findings as counts per rule, sheet and column (``sheet_names``: the workbook's
    sheet names -> the template's, ``outbound.sheet_names``)."""
    refuse_identity_numbers(findings)
    if not summary.kommun or summary.year is None:
        raise Refused("Exporten stoppades: kommun och verksamhetsår måste vara ifyllda på "
                      f"fliken {C.START_SHEET}.")  # fmt: skip
    if summary.kommun not in (DEFAULT.names if kommuner is None else kommuner):
        raise Refused(f"Exporten stoppades: kommunen på fliken {C.START_SHEET} finns inte i "
                      "listan över kommuner. Välj kommunen i rullgardinslistan.")  # fmt: skip
    status = Status.of(findings)
    if status.preliminary and not preliminary:
        raise ErrorsRemain(f"Filen till regionen skrevs inte: arbetsboken har {whole(status.errors)} "
                           "fel kvar. Rätta felen och exportera igen – eller skriv en preliminär "
                           "fil, märkt med antalet fel, om regionen vill ha siffrorna redan nu.",
                           status.errors,
                           [f for f in findings if f.severity == "error"])  # fmt: skip
    folder = export_output(out_dir)
    target = folder.at(data_path(folder.path, EXPORT_NAME, ".xlsx",
                                 kommun=kommun_for_name(summary.kommun), ar=summary.year))
    target.check()
    created = (created or datetime.now()).replace(microsecond=0)
    rows = mask_rows(summary.figures, mask_below)
    counts = severity_counts(findings)

    book = Workbook(write_only=True)
    book.properties.creator = f"halsocenter {__version__}"
    book.properties.created = created
    book.properties.modified = created

    ws = book.create_sheet(DATA_SHEET)
    _printed(ws, summary)  # first: a write-only sheet writes its top when the first row comes
    data_sheet(ws, len(rows))
    data_rows = [data_row(summary.kommun, summary.year, r) for r in rows]

    ws = book.create_sheet(PLAN_SHEET)
    _printed(ws, summary, landscape=True)
    widths = [c.width for c in C.PLAN.columns]
    set_widths(ws, widths)
    ws.append(header_row(ws, C.PLAN.headers))
    wrap = [c.key in PLAN_WRAPPED for c in C.PLAN.columns]
    for r, p in enumerate(summary.plan, start=2):
        values = [p.fokusomrade, p.aktivitet, p.status, p.uppfoljning, p.framtidsplan]
        ws.row_dimensions[r].height = row_height(  # the whole text printed, not clipped
            (v, w) for v, w, wrapped in zip(values, widths, wrap, strict=True) if wrapped)
        ws.append(wrapped_row(ws, values, wrap))
    add_table(ws, PLAN_TABLE, C.PLAN.headers, len(summary.plan))

    ws = book.create_sheet(HISTORY_SHEET)
    _printed(ws, summary)
    set_widths(ws, HISTORY_WIDTHS)
    ws.append(header_row(ws, HISTORY_COLUMNS))
    n_history = 0
    for year, values in summary.history:
        for key, value in values.items():
            ws.append(cells.row(ws, [year, key, value]))
            n_history += 1
    add_table(ws, HISTORY_TABLE, HISTORY_COLUMNS, n_history)

    ws = book.create_sheet(INFO_SHEET)
    _printed(ws, summary, titles=False)
    set_widths(ws, INFO_WIDTHS)
    info = {
        INFO_KIND: EXPORT_KIND, INFO_FORMAT: EXPORT_FORMAT, INFO_KOMMUN: summary.kommun,
        INFO_YEAR: summary.year, INFO_TEMPLATE: summary.template_version,
        INFO_PROGRAM: summary.program_version, INFO_CREATED: created.isoformat(sep=" "),
        INFO_STATUS: status.label,
        INFO_MASK: mask_below if mask_below and mask_below > 1 else None,
        INFO_ERRORS: counts["error"], INFO_WARNINGS: counts["warning"],
        INFO_INFOS: counts["info"],
    }  # fmt: skip
    assert tuple(info) == C.EXPORT_INFO_LABELS, "Info is the allow-list's, in its order"
    for label, value in info.items():
        ws.append([*bold_row(ws, [label]), cells.cell(ws, value)])

    ws = book.create_sheet(CHECK_SHEET)
    _printed(ws, summary, landscape=True)
    set_widths(ws, CHECK_WIDTHS)
    ws.append(header_row(ws, CHECK_COLUMNS))
    checks = check_counts(findings, sheet_names or {})
    for c in checks:
        ws.append(cells.row(ws, [C.SEVERITY_LABELS.get(c.severity, c.severity),
                                 M.rule(c.code).name, c.code, c.sheet, c.column, c.count]))
    add_table(ws, CHECK_TABLE, CHECK_COLUMNS, len(checks))

    return save_with_rows(book, target, {DATA_SHEET: data_rows})


def export(wb: WorkbookData, out_dir: Path | Output, *, summary: Summary | None = None,
           findings: Sequence[Finding] | None = None, mask_below: int | None = None,
           preliminary: bool = False) -> Path:  # fmt: skip
    """Write ``Halsocenter_<Kommun>_<År>.xlsx`` for one coach workbook into ``out_dir``.

    ``summary`` and ``findings`` are computed when not given (the ribbon passes what it has).
    Raises ``PersonalDataRefused`` while an identity number is in the workbook, and
    ``ErrorsRemain`` while errors are left unless ``preliminary``.
    """
    from halsocenter.core.analysis import refuse_unreadable, refuse_without_year

    refuse_unreadable(wb)
    if findings is None:
        from halsocenter.core.validate import validate

        findings = validate(wb)
    refuse_identity_numbers(findings)  # before computing anything
    if wb.kommun and wb.year is not None:  # a year that is there but not a year: say so
        refuse_without_year(wb, "filen till regionen")
    if summary is None:
        from halsocenter.core.stats import compute

        summary = compute(wb)
    return write_export(summary, findings, export_output(out_dir).reading(wb.path),
                        mask_below=mask_below, preliminary=preliminary,
                        sheet_names=outbound_sheet_names(wb),
                        kommuner=wb.list_values("kommun"))  # fmt: skip
