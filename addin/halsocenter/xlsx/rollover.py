"""Next year's workbook from this year's (the ribbon's "Nytt verksamhetsår").

The new workbook is built from the current template, so it is always a clean current-version
workbook, and receives:

- Start: the same kommun, start date and contact person; Verksamhetsår + 1.
- Remisser: the referrals still open at year end, every stored value unchanged. A referral is
  *open* when it has no Avslutad date and either
  (a) it still waits for its first talk — Utfall Väntar, Bokat or blank — whenever it came in, or
  (b) the first talk was held (Utfall Genomfört) and it came in during the closing year, so its
      3-, 6- or 12-month follow-up falls in the new year. The new year's follow-ups must find
      their Löpnummer (and the start measurement) in Remisser, which is why these come along.
      Older ones are left behind: the validator expects only last year's referrals.
  Uteblev, Tackade nej and Ej nåbar are final outcomes; those referrals stay in the old year.
  Earlier follow-ups are not copied: they were reported last year, and the new year counts only
  follow-ups dated in it.
- Tidigare år: the rows already there, unchanged (with any extra columns), plus one row for the
  closing year holding every Rapportdata total (Dimension empty): the fixed columns Remisser,
  FaR, Första samtal, and every other total in a column headed by its Rapportdata key (a column
  already headed by the key or its Swedish label is reused). Year-on-year change figures are not
  stored, since they are derived from this table. When the table already has a row for the
  closing year, that typed row is kept as it is and no row is added.
- Plan: next year's plan, seeded from this year's. A row carries over when it has a Framtidsplan
  text or is still unfinished (Status Planerad or Pågår). The new row keeps Fokusområde and
  Aktivitet, gets Status Planerad, and the old Framtidsplan text moves to Uppföljning prefixed
  "Plan från <år>:" — there the coach sees what was decided and replaces it with how it went
  when the year is closed; Framtidsplan starts empty for next year's decision.
- Listor: the workbook's own lists including values the hub added.
- The coach's own extra sheets (values and number formats).

Not carried: Uppföljningar, Aktiviteter, Närvaro, Styrgrupp, Berättelse (a new year starts
empty) and the program's own generated sheets (rebuilt from the data; a coach's sheet that only
has such a name comes along as hers).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from halsocenter.atomic import Output
from halsocenter.core import contract as C
from halsocenter.core.analysis import refuse_unreadable, refuse_without_year
from halsocenter.core.model import WorkbookData
from halsocenter.core.parse import norm_header
from halsocenter.core.stats import compute
from halsocenter.core.summary import Summary
from halsocenter.xlsx import template
from halsocenter.xlsx.inputs import open_package
from halsocenter.xlsx.read import read_workbook
from halsocenter.xlsx.upgrade import (
    Cell,
    Source,
    new_workbook,
    new_workbook_output,
    put_lists,
    put_other_sheets,
    put_rows,
    read_source,
)

PLAN_CARRIED_STATUS = (C.STATUS_PLANERAD, C.STATUS_PAGAR)
"""Planerad and Pågår (the second Status value): activities not finished this year."""

PLAN_NOTE = "Plan från {year}: {text}"


def open_referrals(df: pd.DataFrame, year: int) -> pd.Series:
    """Boolean per referral row: still open at the end of ``year`` (see module docstring)."""
    closed = pd.to_datetime(df["avslutad"], errors="coerce").notna()
    utfall = df["utfall"]
    waiting = utfall.isna() | utfall.isin((C.UTFALL_VANTAR, C.UTFALL_BOKAT))
    came_in = pd.to_datetime(df["inkom"], errors="coerce").dt.year == year
    in_follow_up = (utfall == C.UTFALL_GENOMFORT) & came_in.fillna(False)
    return (~closed & (waiting | in_follow_up.fillna(False))).astype(bool)


def history_row(summary: Summary) -> dict[str, float | int]:
    """{Rapportdata key: total} for the closing year, change figures left out."""
    return {f.key: f.value for f in summary.figures
            if f.dimension == "" and f.value is not None
            and not f.key.startswith(C.CHANGE_PREFIX)}  # fmt: skip


def _history_header_for(key: str, headers: list[str]) -> str | None:
    """The existing extra column that holds ``key`` (headed by the key or its label)."""
    names = {norm_header(key), norm_header(C.FIGURE_BY_KEY[key].label)}
    for header in headers:
        if norm_header(header) in names:
            return header
    return None


def _plan_rows(plan, plan_df: pd.DataFrame, year: int) -> list[dict[str, Cell]]:
    """Next year's plan rows; Fokusområde and Aktivitet exactly as stored in this year's."""
    rows = []
    for cells, r in zip(plan.rows, plan_df.itertuples(index=False), strict=True):
        future = r.framtidsplan.strip() if isinstance(r.framtidsplan, str) else ""
        if not future and r.status not in PLAN_CARRIED_STATUS:
            continue
        row = {"fokusomrade": cells.get("fokusomrade", Cell(r.fokusomrade)),
               "aktivitet": cells.get("aktivitet", Cell(r.aktivitet)),
               "status": Cell(C.STATUS_PLANERAD)}  # fmt: skip
        if future:
            row["uppfoljning"] = Cell(PLAN_NOTE.format(year=year, text=future))
        rows.append(row)
    return rows


def rollover(src: Path, dst: Path | Output, lite_address: str | None = None) -> Path:
    """Write next year's workbook ``dst`` from ``src``. Refuses to overwrite ``src`` or an
    existing ``dst``, and refuses a workbook whose year or values cannot be read.
    ``lite_address``: the region's folder for the package, for the Start sheet's xlwings Lite
    lines (``core.lite_setup``)."""
    src = Path(src)
    out = new_workbook_output("rollover", src, dst)
    package, _ = open_package(src)
    data = read_workbook(src, package)
    refuse_rollover(data)
    return template.write_workbook(
        next_year_workbook(read_source(src, data, package), lite_address), out)


def refuse_rollover(data: WorkbookData) -> None:
    """A workbook with unreadable values or without a year cannot start the next year."""
    refuse_unreadable(data)
    refuse_without_year(data, "nästa års arbetsbok")


def next_year_workbook(source: Source, lite_address: str | None = None) -> openpyxl.Workbook:
    """Next year's workbook from everything typed in this year's (``source``, from a file or
    from the book open in Excel); ``refuse_rollover`` has accepted ``source.data``."""
    data = source.data
    year = data.year
    summary = compute(data)
    wb = new_workbook(source, year + 1, lite_address)

    rem = source.tables["remisser"]
    keep = open_referrals(data.tables["remisser"].df, year).tolist()
    put_rows(wb, C.REMISSER, [row for row, k in zip(rem.rows, keep, strict=True) if k],
             rem.extra_headers,
             [extra for extra, k in zip(rem.extra_rows, keep, strict=True) if k])  # fmt: skip

    _put_history(wb, source.tables["tidigare_ar"], data.tables["tidigare_ar"].df, summary, year)
    put_rows(wb, C.PLAN, _plan_rows(source.tables["plan"], data.tables["plan"].df, year))
    put_lists(wb, data.lists, data.region)
    put_other_sheets(wb, source.other_sheets)
    return wb


def _put_history(wb, hist, hist_df: pd.DataFrame, summary: Summary, year: int) -> None:
    totals = history_row(summary)
    fixed = {key: key for key in C.TIDIGARE_AR.keys if key in totals}
    extra_headers = list(hist.extra_headers)
    for key in totals:
        if key in fixed or key in C.TIDIGARE_AR.keys:
            continue
        if _history_header_for(key, extra_headers) is None:
            extra_headers.append(key)
    years = pd.to_numeric(hist_df["ar"], errors="coerce")
    rows, extra_rows = list(hist.rows), [tuple(e) + (Cell(None),) * (len(extra_headers) - len(e))
                                         for e in hist.extra_rows]  # fmt: skip
    if not (years == year).any():
        new = {key: Cell(totals[key]) for key in fixed}
        new["ar"] = Cell(year)
        extra = [Cell(None)] * len(extra_headers)
        for key, value in totals.items():
            if key in C.TIDIGARE_AR.keys:
                continue
            extra[extra_headers.index(_history_header_for(key, extra_headers))] = Cell(value)
        rows.append(new)
        extra_rows.append(tuple(extra))
    put_rows(wb, C.TIDIGARE_AR, rows, tuple(extra_headers), extra_rows)
