"""What goes where on the generated sheets (Årssammanställning, Rapportdata; Kontroll's rows are
``sheets.kontroll``): pure functions of a ``Summary`` that return plain 2-D lists with their
top-left cell, so the file writer (``sheets.writer``, openpyxl) and the live writer
(``live.write``, xlwings: one bulk ``range.value = rows`` per block) write the same sheets.

Writing Årssammanställning, per ``summary_blocks(summary)``:

* each ``Block``: ``title`` (if any) into ``(top, left)``, ``rows`` into ``(first_row, left)``;
  ``spans`` are column ranges to merge on every row of the block; ``row_heights`` are keyed by
  the index into ``rows``; formats per ``col_formats`` / ``row_formats`` (``cell_format``);
* each ``ChartSpec``: a clustered bar chart covering the range ``cells``, categories and series
  given as ranges on the same sheet (series name = the header cell);
* print area ``layout.print_area``, manual page breaks after the rows in ``page_breaks``,
  landscape A4, fit to one page wide.

Rapportdata: ``rapportdata_rows`` at A1 as table ``C.RAPPORTDATA_TABLE``, ``rapportdata_info``
at the fixed ``RAPPORTDATA_INFO_CELL``. Every cell holds a value, never a formula: the package
writer copies these sheets into the coach's file as they are, and nothing there would
recalculate them. ``masked_summary`` is the summary as every generated sheet shows it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field, replace
from datetime import datetime
from typing import Any

from halsocenter.core import contract as C
from halsocenter.core import privacy as P
from halsocenter.core.a1 import column_letter, split_range
from halsocenter.core.analysis import Status
from halsocenter.core.chart_text import NO_DATA, describe
from halsocenter.core.rounding import shown
from halsocenter.core.summary import PlanRow, Summary
from halsocenter.core.swedish import MONTHS, lower_first
from halsocenter.xlsx.style import (
    CHANGE_FORMATS,
    COLOR_ERROR,
    COLOR_WARNING,
    FMT_CHANGE_INT,
    FMT_CHANGE_PCT,
    FMT_DEC,
    FMT_INT,
    FMT_PCT,
    FMT_YEAR,
    UNIT_FORMATS,
    hyphenate,
    page_rows_pt,
)
from halsocenter.xlsx.textfit import FONT_SIZE, height, lines_needed

# --------------------------------------------------------------------------- words and formats
# Swedish words the sheets show that are not headers, list values or figure labels.

TXT_TOTAL = "Totalt"
TXT_COUNT = "Antal"
TXT_SHARE = "Andel"
TXT_FIGURE = "Nyckeltal"
TXT_CHANGE = "Förändring"
TXT_CHANGE_SHARE = "Förändring i procent"
"""Two words on two lines in a narrow column, never a "%" alone on a line."""
TXT_CHANGE_DEFINITION = ("Årets värde minus föregående års värde på fliken Tidigare år. "
                         "Förändring i procent är den skillnaden som andel av föregående års "
                         "värde.")
TXT_DIVISION = "Indelning"
TXT_NO_DATA = "Inga uppgifter"
TXT_NO_DATA_YET = NO_DATA
"""In place of a chart that would show only zeros."""
TXT_FOCUS_CHART = "Deltagartillfällen per fokusområde, alla aktivitetstyper"
TXT_BY_MONTH = f"{C.FIGURE_BY_KEY['remisser'].label} per månad"
TXT_BY_REFERRER = f"{C.FIGURE_BY_KEY['remisser'].label} per remittent"
TXT_HISTORY_CHART = (f"{C.FIGURE_BY_KEY['remisser'].label} samt "
                     f"{C.FIGURE_BY_KEY['forsta_samtal'].label.lower()} per år")
"""Titles say the figure's own name ("Remisser och kontakter"), as the key figures do."""
TXT_NO_PLAN = "Ingen verksamhetsplan är ifylld på fliken Plan."
TXT_DEFINITIONS = "Definitioner"
TXT_PLAN = "Verksamhetsplan"
TXT_CREATED = "Skapad"
TXT_TEMPLATE_VERSION = "Mallversion"
TXT_PROGRAM_VERSION = "Programversion"



# --------------------------------------------------------------------------- layout grid
# Landscape A4. Two groups of a label column and four number columns, with a narrow gap:
# tables stack in the left group (A-E) and the right group (G-K). The overview page has the
# key figures on the left and a 2 x 2 grid of charts over the right group; the charts are
# anchored to cells (G:H and I:K are equally wide), so they fill their cells in Excel and in
# LibreOffice alike, whatever font the columns are measured in.

LEFT, RIGHT = 1, 7
GROUP_WIDTH = 5
LAST_COL = RIGHT + GROUP_WIDTH - 1
COLUMN_WIDTHS = {1: 34.0, 2: 10.5, 3: 10.5, 4: 10.5, 5: 10.5, 6: 2.0,
                 7: 22.0, 8: 15.0, 9: 12.5, 10: 12.5, 11: 12.0}  # fmt: skip
CHART_COLUMNS = ((7, 8), (9, 11))
ROW_HEIGHT_PT = 15.0
TITLE_ROW, SUBTITLE_ROW, OVERVIEW_ROW = 1, 2, 4
BANNER_ROW = 3
"""A preliminary summary's banner, under the subtitle; the overview then starts a row lower."""
BANNER_HEIGHT_PT = 24.0
BANNER_SPANS = ((LEFT, LAST_COL),)
CHART_MIN_ROWS = 14
CHART_INSET_CM = 0.15

# Plan and definition rows span the grid with merged cells: (first col, last col) per field.
PLAN_SPANS = ((1, 1), (2, 3), (4, 7), (8, 11))
DEFINITION_SPANS = ((1, 1), (2, 11))
NOTE_SPANS = ((LEFT, LEFT + GROUP_WIDTH - 1),)
NOTE_ROW_HEIGHT_PT = 12.0
NOTE_SIZE = 9
"""A footnote line (9 pt italic)."""

# Kontroll: the layout is in kontroll.py; here only how it looks.
KONTROLL_FILLS = {"error": COLOR_ERROR, "warning": COLOR_WARNING}
KONTROLL_ALIGN = {3: "center", 6: "left"}
"""Antal / Rad centred; Celler / Värde left (a number or date value would go right)."""
KONTROLL_HEADING_SIZE = 13
KONTROLL_CODE_SIZE = 8
RAPPORTDATA_WIDTHS = (12, 8, 38, 44, 12)
RAPPORTDATA_INFO_WIDTHS = (16, 18)

# Rapportdata: the table starts at A1; the version block (label, value) is fixed at G1:H3, one
# empty column after the table, so readers find it without searching. Empty Dimension (the
# total) and missing values are empty cells.
RAPPORTDATA_INFO_ROW = 1
RAPPORTDATA_INFO_COL = len(C.RAPPORTDATA_COLUMNS) + 2
RAPPORTDATA_INFO_CELL = f"{column_letter(RAPPORTDATA_INFO_COL)}{RAPPORTDATA_INFO_ROW}"



# --------------------------------------------------------------------------- content model


@dataclass(frozen=True)
class Block:
    """A rectangle of values at (top, left), optionally with a heading one row above.

    ``rows[:header_rows]`` are column headers. ``col_formats`` gives a number format per column;
    ``row_formats`` (if set) overrides it for the number columns of each data row.
    ``group_rows``/``total_rows`` are indexes into ``rows`` shown as sub-headings/totals.
    ``spans`` merges each row's fields over grid columns (absolute column numbers), for the
    plan and definition texts; then ``rows`` hold one value per grid column (None in merged
    cells) so a bulk write still lands each field in its first cell.
    """

    name: str
    top: int
    left: int
    rows: list[list[Any]]
    title: str | None = None
    header_rows: int = 1
    col_formats: tuple[str | None, ...] = ()
    row_formats: tuple[str | None, ...] | None = None
    group_rows: tuple[int, ...] = ()
    total_rows: tuple[int, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    wrap: bool = False
    row_heights: dict[int, float] = field(default_factory=dict)
    kind: str = "table"
    link: str | None = None
    """An internal link target (``'Kontroll'!A1``) for the block's first cell."""

    @property
    def first_row(self) -> int:
        """Row of the first line of ``rows`` (the heading, if any, is just above)."""
        return self.top + (1 if self.title else 0)

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=1)

    @property
    def ref(self) -> str:
        """A1 range of ``rows`` (without the heading)."""
        return (f"{column_letter(self.left)}{self.first_row}:"
                f"{column_letter(self.left + self.width - 1)}{self.last_row}")  # fmt: skip

    def column_ref(self, offset: int, *, skip_totals: bool = True) -> str:
        """A1 range of one column of the data rows (for a chart series)."""
        first = self.first_row + self.header_rows
        last = self.last_row - (len(self.total_rows) if skip_totals else 0)
        col = column_letter(self.left + offset)
        return f"{col}{first}:{col}{max(first, last)}"

    def header_cell(self, offset: int) -> str:
        return f"{column_letter(self.left + offset)}{self.first_row + self.header_rows - 1}"


@dataclass(frozen=True)
class ChartSpec:
    """A native bar chart covering the cell range ``cells`` (inset a little so neighbours do
    not touch). Series are (header cell, values range), all on the same sheet."""

    name: str
    title: str
    kind: str  # "col" (vertical bars) or "bar" (horizontal bars)
    categories: str
    series: tuple[tuple[str, str], ...]
    cells: str
    number_format: str = FMT_INT
    description: str = ""
    """The alternative text: what the chart shows, with its key numbers (``chart_text``)."""


@dataclass(frozen=True)
class SummaryLayout:
    """Everything on Årssammanställning: blocks, charts and the print setup."""

    blocks: tuple[Block, ...]
    charts: tuple[ChartSpec, ...]
    last_row: int
    last_col: int
    page_breaks: tuple[int, ...]
    """Rows after which a new printed page starts."""
    header_left: str
    header_right: str

    @property
    def print_area(self) -> str:
        return f"A1:{column_letter(self.last_col)}{self.last_row}"

    def block(self, name: str) -> Block:
        for b in self.blocks:
            if b.name == name:
                return b
        raise KeyError(name)


# --------------------------------------------------------------------------- helpers


def _label(key: str) -> str:
    return C.FIGURE_BY_KEY[key].label


def _unit(key: str) -> str:
    fig = C.FIGURE_BY_KEY.get(key)
    return fig.unit if fig else "antal"


def _fmt(key: str) -> str:
    return UNIT_FORMATS[_unit(key)]


def _num(value: float | None, unit: str = "antal") -> float | int | None:
    """A figure as the sheet shows it: rounded half up for its unit (``rounding.shown``, the
    rule the Word report uses too), whole numbers as int, missing as None. The cell holds the
    shown value, so Excel, LibreOffice and Word all read the same 13 %."""
    return shown(value, unit)


def _exact(value: float | None) -> float | int | None:
    """A figure as Rapportdata holds it: unrounded, whole numbers as int, missing as None."""
    if value is None:
        return None
    try:
        if math.isnan(value):
            return None
    except TypeError:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _header(table: C.Table, key: str) -> str:
    return table.column(key).header


def _ordered(found: Iterable[str], list_key: str | None) -> list[str]:
    """Categories in the contract list's order, then any others in the order computed."""
    found = list(found)
    base = list(C.LIST_BY_KEY[list_key].values) if list_key else []
    return base + [v for v in found if v not in base]


def _category(value: str) -> str:
    return value if value else C.EMPTY_CATEGORY


def _total(summary: Summary, key: str, dim: str) -> float | None:
    """The total of ``key``: its own row if computed, else the sum over one dimension."""
    total = summary.value(key)
    if total is not None:
        return total
    parts = [v for v in summary.breakdown(key, dim).values() if v is not None]
    return sum(parts) if parts else None




def _span_width(first: int, last: int) -> float:
    return sum(COLUMN_WIDTHS.get(c, 9.0) for c in range(first, last + 1))


def _spread(values: Sequence[Any], spans: Sequence[tuple[int, int]], left: int) -> list[Any]:
    """One value per grid column from ``left``: each field in the first column of its span."""
    row: list[Any] = [None] * (spans[-1][1] - left + 1)
    for value, (first, _last) in zip(values, spans, strict=True):
        row[first - left] = value
    return row


def _wrapped_heights(rows: list[list[Any]], spans, left: int, start: int = 0,
                     line_pt: float = ROW_HEIGHT_PT,
                     size: float = FONT_SIZE) -> dict[int, float]:  # fmt: skip
    heights = {}
    for i, row in enumerate(rows[start:], start):
        lines = lines_needed(((row[first - left], _span_width(first, last)) for first, last in spans),
                             size=size)  # fmt: skip
        if lines > 1:
            heights[i] = height(lines, line_pt=line_pt, size=FONT_SIZE)
    return heights


# --------------------------------------------------------------------------- Årssammanställning

KEY_FIGURE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Remisser och samtal", ("remisser", "remisser_far", "forsta_samtal", "vantetid_median_dagar",
                             "uteblev", "tackade_nej", "ej_nabar", "retur",
                             "vantar_vid_arsskifte")),
    ("Uppföljning och slussning", ("uppfoljningar", "matta_start_och_uppfoljning",
                                   "andel_tillrackligt_aktiva_start",
                                   "andel_tillrackligt_aktiva_uppfoljning", "slussade")),
    ("Aktiviteter och samverkan", ("forelasningar_deltagare", "spontana_besok",
                                   "styrgruppsmoten")),
    ("Sedan start", ("remisser_sedan_start", "far_sedan_start", "forsta_samtal_sedan_start")),
)  # fmt: skip
"""The overview's key figures, in the order a coach reads the annual account."""

ACTIVITY_KEYS = ("tillfallen", "deltagartillfallen", "unika_deltagare", "deltagartimmar")
ADDITIVE_ACTIVITY_KEYS = ("tillfallen", "deltagartillfallen", "deltagartimmar")


def _history(summary: Summary) -> list[tuple[int, dict[str, float]]]:
    if summary.history:
        return [(int(y), dict(v)) for y, v in summary.history]
    if summary.year is None:
        return []
    return [(summary.year, {k: summary.value(k) for k in C.HISTORY_KEYS})]


def key_figure_rows(summary: Summary) -> tuple[list[list[Any]], tuple[str | None, ...], tuple[int, ...]]:
    """Header + rows of the key-figure block, the number format per row and the group rows.

    Columns: label, this year, then -- when the summary has them -- the year before (from
    Tidigare år), the change (``forandring_<key>``) and the change as a share of last year."""
    year = summary.year
    prev = dict(_history(summary)).get(year - 1) if year else None
    keys = {f.key for f in summary.figures}
    has_change = any(k.startswith(C.CHANGE_PREFIX) and not k.endswith(C.CHANGE_SHARE_SUFFIX)
                     for k in keys)  # fmt: skip
    has_share = any(k.startswith(C.CHANGE_PREFIX) and k.endswith(C.CHANGE_SHARE_SUFFIX)
                    for k in keys)  # fmt: skip
    header: list[Any] = [TXT_FIGURE, str(year) if year else ""]
    header += [str(year - 1)] if prev is not None else []
    header += [TXT_CHANGE] if has_change else []
    header += [TXT_CHANGE_SHARE] if has_share else []
    rows, formats, groups = [header], [None], []
    for group, group_keys in KEY_FIGURE_GROUPS:
        groups.append(len(rows))
        rows.append([group] + [None] * (len(header) - 1))
        formats.append(None)
        for key in group_keys:
            unit = _unit(key)
            row = [_label(key), _num(summary.value(key), unit)]
            if prev is not None:
                row.append(_num(prev.get(key), unit))
            if has_change:
                row.append(_num(summary.value(C.CHANGE_PREFIX + key), unit))
            if has_share:
                row.append(_num(summary.value(C.CHANGE_PREFIX + key + C.CHANGE_SHARE_SUFFIX),
                                "andel"))
            rows.append(row)
            formats.append(_row_format(key, row[1:]))
    return rows, tuple(formats), tuple(groups)


def _row_format(key: str, values: list[Any]) -> str:
    """The key's format; a figure with decimals whose shown values are all whole shows none
    (23 days, not 23,0), as the Word report writes it."""
    fmt = _fmt(key)
    if fmt == FMT_DEC and all(v is None or isinstance(v, int) for v in values):
        return FMT_INT
    return fmt


def month_rows(summary: Summary) -> list[list[Any]]:
    """Referrals per month of the year (every month shown), with a total."""
    by_month = summary.breakdown("remisser", C.DIM_MONTH)
    rows: list[list[Any]] = [[C.DIM_MONTH, TXT_COUNT]]
    if summary.year:
        for m, name in enumerate(C.MONTH_NAMES, 1):
            rows.append([name, _num(by_month.get(f"{summary.year}-{m:02d}", 0))])
        others = [k for k in by_month if not k.startswith(f"{summary.year}-")]
    else:
        others = list(by_month)
    rows += [[k, _num(by_month[k])] for k in others]
    rows.append([TXT_TOTAL, _num(_total(summary, "remisser", C.DIM_MONTH) or 0)])
    return rows


def _share_rows(summary: Summary, key: str, table: C.Table, col: str) -> list[list[Any]]:
    """(category, count, share) for every list value and any other value found."""
    column = table.column(col)
    found = summary.breakdown(key, column.header)
    total = sum(v for v in found.values() if v) or 0
    rows = []
    for cat in _ordered(found, column.list):
        count = found.get(cat, 0) or 0
        rows.append([_category(cat), _num(count), _num(count / total, "andel") if total else None])
    return rows


def remittent_rows(summary: Summary) -> list[list[Any]]:
    rows = [[_header(C.REMISSER, "remittent"), TXT_COUNT, TXT_SHARE]]
    rows += _share_rows(summary, "remisser", C.REMISSER, "remittent")
    rows.append([TXT_TOTAL, _num(sum(r[1] or 0 for r in rows[1:])), None])
    return rows


def division_rows(summary: Summary) -> tuple[list[list[Any]], tuple[int, ...]]:
    """Referrals by Typ, Kön, Åldersgrupp and Fokus: one table with a sub-heading per division."""
    rows: list[list[Any]] = [[TXT_DIVISION, TXT_COUNT, TXT_SHARE]]
    groups = []
    for col in ("typ", "kon", "aldersgrupp", "fokus"):
        groups.append(len(rows))
        rows.append([_header(C.REMISSER, col), None, None])
        rows += _share_rows(summary, "remisser", C.REMISSER, col)
    return rows, tuple(groups)


def _count_rows(summary: Summary, key: str, table: C.Table, col: str) -> list[list[Any]]:
    column = table.column(col)
    found = summary.breakdown(key, column.header)
    rows: list[list[Any]] = [[column.header, TXT_COUNT]]
    rows += [[_category(c), _num(found.get(c, 0))] for c in _ordered(found, column.list)]
    rows.append([TXT_TOTAL, _num(_total(summary, key, column.header) or 0)])
    return rows


def followup_rows(summary: Summary) -> list[list[Any]]:
    return _count_rows(summary, "uppfoljningar", C.UPPFOLJNINGAR, "tidpunkt")


def slussade_rows(summary: Summary) -> list[list[Any]]:
    return _count_rows(summary, "slussade", C.REMISSER, "slussad_till")


def activity_rows(summary: Summary, dim_key: str) -> list[list[Any]]:
    """Sessions, attendances, unique participants and participant hours per activity
    (``dim_key`` "aktivitet") or per focus area ("fokusomrade"), with a total."""
    column = C.AKTIVITETER.column(dim_key)
    by_key = {k: summary.breakdown(k, column.header) for k in ACTIVITY_KEYS}
    seen: list[str] = []
    for values in by_key.values():
        seen += [v for v in values if v not in seen]
    cats = _ordered(seen, column.list) if column.list else seen
    rows: list[list[Any]] = [[column.header] + [_label(k) for k in ACTIVITY_KEYS]]
    if not cats:
        rows.append([TXT_NO_DATA] + [None] * len(ACTIVITY_KEYS))
    for cat in cats:
        rows.append([_category(cat)] + [_num(by_key[k].get(cat, 0 if k in ADDITIVE_ACTIVITY_KEYS
                                                             else None), _unit(k))
                                        for k in ACTIVITY_KEYS])  # fmt: skip
    total = [TXT_TOTAL]
    for k in ACTIVITY_KEYS:
        if k in ADDITIVE_ACTIVITY_KEYS:
            total.append(_num(_total(summary, k, column.header) or 0, _unit(k)))
        else:
            total.append(_num(summary.value(k), _unit(k)))
    rows.append(total)
    return rows


def history_rows(summary: Summary) -> list[list[Any]]:
    """Referrals, FaR and first talks per year, oldest first (Tidigare år + this year). The
    columns are named as the key figures are ("Remisser och kontakter"), so the chart's legend,
    which takes its names from here, says what the table beside it says."""
    rows: list[list[Any]] = [[_header(C.TIDIGARE_AR, "ar"), *(_label(k) for k in C.HISTORY_KEYS)]]
    for year, values in _history(summary):
        rows.append([year] + [_num(values.get(k)) for k in C.HISTORY_KEYS])
    if len(rows) == 1:
        rows.append([None] * (1 + len(C.HISTORY_KEYS)))
    return rows


def plan_rows(summary: Summary) -> list[tuple[str, list[list[Any]]]]:
    """Per focus area (contract order, then the hub's own): header + one row per activity,
    fields spread over the grid (see ``PLAN_SPANS``)."""
    by_focus = summary.plan_by_focus()
    header = _spread([_header(C.PLAN, k) for k in C.PLAN_FIELDS], PLAN_SPANS, LEFT)
    out = []
    for focus in _ordered(by_focus, "fokusomrade"):
        if focus not in by_focus:
            continue
        rows = [header] + [_spread([getattr(p, k) for k in C.PLAN_FIELDS], PLAN_SPANS, LEFT)
                           for p in by_focus[focus]]  # fmt: skip
        out.append((focus, rows))
    return out


def definition_rows(summary: Summary) -> list[list[Any]]:
    """Every figure's label and Swedish definition, so the sheet explains itself. The change
    figures share one line (their definitions differ only in the figure's name)."""
    rows = [_spread([f.label, f.definition], DEFINITION_SPANS, LEFT) for f in C.FIGURES
            if not f.key.startswith(C.CHANGE_PREFIX)]  # fmt: skip
    rows.append(_spread([TXT_CHANGE, TXT_CHANGE_DEFINITION], DEFINITION_SPANS, LEFT))
    return rows




def _table_rows(rows: list[list[Any]], left: int) -> list[list[Any]]:
    """A table's rows with its header words fitted to the column widths."""
    if not rows:
        return rows
    header = [text if j == 0 else hyphenate(text, _capacity(left + j))
              for j, text in enumerate(rows[0])]  # fmt: skip
    return [header] + rows[1:]


def _capacity(col: int) -> int:
    """About how many bold header characters fit on one line of a column."""
    return max(4, int(COLUMN_WIDTHS.get(col, 9.0) * 1.05))


def _row_heights(rows: list[list[Any]], left: int, wrap: bool) -> dict[int, float]:
    """Heights of the rows whose text needs more than one line: the header (bold), and with
    ``wrap`` the label column of the data rows."""
    heights = {}
    for i, row in enumerate(rows if wrap else rows[:1]):
        lines = lines_needed(((text, COLUMN_WIDTHS.get(left + j, 9.0))
                              for j, text in enumerate(row) if isinstance(text, str)),
                             bold=i == 0)  # fmt: skip
        if lines > 1:
            heights[i] = height(lines)
    return heights


def _stack(blocks: list[Block], col: int, start: int, parts) -> int:
    """Place blocks one under the other in a column group; returns the next free row."""
    row = start
    for part in parts:
        align = part.pop("align_with", None)
        if align:  # start level with a block of the other group, so header rows coincide
            row = max(row, next(b.top for b in blocks if b.name == align))
        part = {**part, "rows": _table_rows(part["rows"], col)}
        heights = _row_heights(part["rows"], col, part.get("wrap", False))
        b = Block(top=row, left=col, row_heights=heights, **part)
        blocks.append(b)
        row = b.last_row + 2
    return row


def summary_title(summary: Summary) -> str:
    kommun = f" {summary.kommun}" if summary.kommun else ""
    year = f" {summary.year}" if summary.year else ""
    return f"Hälsocenter{kommun} – årssammanställning{year}"


def summary_subtitle(summary: Summary, created: datetime | None = None) -> str:
    """Where the figures come from and when they were made; the versions are for support and
    stand under the definitions (``version_line``), not on the page the steering group reads."""
    sheets = [t.sheet for t in C.TABLES if t.key != "berattelse"]
    parts = [f"Underlag: flikarna {', '.join(sheets[:-1])} och {sheets[-1]}"]
    if created:
        parts.append(f"{TXT_CREATED} {created:%Y-%m-%d %H:%M}")
    return " · ".join(parts)


def version_line(summary: Summary) -> str:
    """"Mallversion 1 · Programversion 0.1.0", the last line of the sheet."""
    return (f"{TXT_TEMPLATE_VERSION} {summary.template_version} · "
            f"{TXT_PROGRAM_VERSION} {summary.program_version}")


def banner_text(status: Status) -> str | None:
    """The preliminary banner with where to look: "Preliminär – 3 fel kvar i arbetsboken. Se
    fliken Kontroll."; None for a workbook without errors."""
    if not status.preliminary:
        return None
    return f"{status.banner}. Se fliken {C.CHECK_SHEET}."


def summary_blocks(summary: Summary, created: datetime | None = None,
                   status: Status | None = None) -> SummaryLayout:  # fmt: skip
    """The whole Årssammanställning as positioned blocks and charts (pure, no openpyxl).

    Page 1 is the overview (key figures and four charts); then the tables the charts read,
    the plan per focus area and the definitions, each starting on a new page. A preliminary
    workbook (``status``: errors left) gets a banner on page 1 that links to Kontroll."""
    blocks: list[Block] = [
        Block("title", TITLE_ROW, LEFT, [[summary_title(summary)]], header_rows=0, kind="title"),
        Block("subtitle", SUBTITLE_ROW, LEFT, [[summary_subtitle(summary, created)]],
              header_rows=0, kind="subtitle"),
    ]  # fmt: skip
    overview_row = OVERVIEW_ROW
    banner = banner_text(status or Status())
    if banner:
        blocks.append(Block("preliminar", BANNER_ROW, LEFT, [_spread([banner], BANNER_SPANS,
                                                                     LEFT)],
                            header_rows=0, spans=BANNER_SPANS, kind="banner",
                            row_heights={0: BANNER_HEIGHT_PT},
                            link=f"'{C.CHECK_SHEET}'!A1"))  # fmt: skip
        overview_row += 1

    kf_rows, kf_formats, kf_groups = key_figure_rows(summary)
    key_block = Block("nyckeltal", overview_row, LEFT, kf_rows, row_formats=kf_formats,
                      group_rows=kf_groups, row_heights=_row_heights(kf_rows, LEFT, False),
                      kind="keyfigures")  # fmt: skip
    blocks.append(key_block)
    overview_end = key_block.last_row
    note = definition_note(summary)
    if note:
        rows = [_spread([note], NOTE_SPANS, LEFT)]
        note_block = Block("not", key_block.last_row + 2, LEFT, rows, header_rows=0,
                           spans=NOTE_SPANS, wrap=True, kind="note",
                           row_heights=_wrapped_heights(rows, NOTE_SPANS, LEFT, 0,
                                                        NOTE_ROW_HEIGHT_PT, NOTE_SIZE))  # fmt: skip
        blocks.append(note_block)
        overview_end = note_block.last_row
    chart_rows = max(CHART_MIN_ROWS, math.ceil((overview_end - overview_row + 1) / 2))
    page1_end = max(overview_end, overview_row + 2 * chart_rows - 1)

    # Page 2: referrals -- the tables behind three of the charts and the breakdowns.
    start = page1_end + 1
    div_rows, div_groups = division_rows(summary)
    left_end = _stack(blocks, LEFT, start, [
        dict(name="manad", rows=month_rows(summary), title=TXT_BY_MONTH,
             col_formats=(None, FMT_INT)),
        dict(name="remittent", rows=remittent_rows(summary), title=TXT_BY_REFERRER,
             col_formats=(None, FMT_INT, FMT_PCT)),
    ])  # fmt: skip
    right_end = _stack(blocks, RIGHT, start, [
        dict(name="indelning", rows=div_rows, group_rows=div_groups,
             title=f"{_label('remisser')} per typ, kön, ålder och levnadsvana",
             col_formats=(None, FMT_INT, FMT_PCT)),
        dict(name="historik", rows=history_rows(summary), title="Utveckling över åren",
             col_formats=(FMT_YEAR, FMT_INT, FMT_INT, FMT_INT)),
    ])  # fmt: skip
    page2_end = max(left_end, right_end) - 2

    # Page 3: activities per activity and per focus area (left, where the names have room);
    # follow-ups and bridging on the right.
    act_formats = (None, FMT_INT, FMT_INT, FMT_INT, FMT_INT)
    start3 = page2_end + 1
    act_end = _stack(blocks, LEFT, start3, [
        dict(name="aktiviteter", rows=activity_rows(summary, "aktivitet"),
             title="Aktiviteter", col_formats=act_formats, wrap=True),
        dict(name="fokusomraden", rows=activity_rows(summary, "fokusomrade"),
             title=f"Aktiviteter per {_header(C.AKTIVITETER, 'fokusomrade').lower()}",
             col_formats=act_formats, wrap=True),
    ])  # fmt: skip
    foc_end = _stack(blocks, RIGHT, start3, [
        dict(name="uppfoljningar", rows=followup_rows(summary),
             title="Uppföljningar per tidpunkt", col_formats=(None, FMT_INT)),
        dict(name="slussade", rows=slussade_rows(summary), align_with="fokusomraden",
             title="Slussade vidare (senaste destination)", col_formats=(None, FMT_INT)),
    ])  # fmt: skip
    for name in ("manad", "remittent", "uppfoljningar", "slussade", "aktiviteter",
                 "fokusomraden"):  # fmt: skip
        _mark_total(blocks, name)
    page3_end = max(act_end, foc_end) - 2

    # Then the plan per focus area, the definitions and the versions, flowing on from the
    # activities: a page break before a focus area that would not fit (``_flow``).
    row = page3_end + 1
    blocks.append(Block("plan_rubrik", row, LEFT, [[f"{TXT_PLAN} {summary.year or ''}".strip()]],
                        header_rows=0, kind="heading"))  # fmt: skip
    row += 2
    plans = plan_rows(summary)
    if not plans:
        blocks.append(Block("plan_tom", row, LEFT, [[TXT_NO_PLAN]], header_rows=0, kind="text"))
        row += 2
    for i, (focus, rows) in enumerate(plans):
        b = Block(f"plan_{i + 1}", row, LEFT, rows, title=focus, spans=PLAN_SPANS, wrap=True,
                  row_heights=_wrapped_heights(rows, PLAN_SPANS, LEFT, 1), kind="plan")
        blocks.append(b)
        row = b.last_row + 2
    defs = definition_rows(summary)
    def_block = Block("definitioner", row, LEFT, defs, title=TXT_DEFINITIONS, header_rows=0,
                      spans=DEFINITION_SPANS, wrap=True,
                      row_heights=_wrapped_heights(defs, DEFINITION_SPANS, LEFT),
                      kind="definitions")  # fmt: skip
    blocks.append(def_block)
    versions = Block("versioner", def_block.last_row + 2, LEFT,
                     [[version_line(summary)]], header_rows=0, kind="subtitle")  # fmt: skip
    blocks.append(versions)

    charts, placeholders = _charts({b.name: b for b in blocks}, overview_row, chart_rows, summary)
    blocks += placeholders
    kommun = summary.kommun or ""
    return SummaryLayout(
        blocks=tuple(blocks), charts=charts, last_row=versions.last_row, last_col=LAST_COL,
        page_breaks=(page1_end, page2_end, *_flow(blocks, start3, versions.last_row)),
        header_left=f"Hälsocenter {kommun}".strip(),
        header_right=" – ".join(p for p in (f"Årssammanställning {summary.year or ''}".strip(),
                                            C.STATUS_PRELIMINARY.lower() if banner else "") if p),
    )  # fmt: skip


PAGE_FILL = 0.94
"""Fill a page to this share of what the estimate says fits (``style.page_rows_pt``)."""
HEADING_PT = 21.0
"""A row with 16 pt text (the plan's heading), as Excel and LibreOffice size it."""
TITLE_PT = 16.0
"""A row with a block's 12 pt title."""


def page_capacity_pt() -> float:
    """Points of sheet rows that fit on one printed page of Årssammanställning (landscape A4,
    one page wide)."""
    return page_rows_pt([COLUMN_WIDTHS.get(c, 9.0) for c in range(1, LAST_COL + 1)],
                        fill=PAGE_FILL)


def _heights(blocks: Sequence[Block]) -> dict[int, float]:
    """Row -> height in points wherever it is not the default line (blocks side by side share
    rows: the taller wins)."""
    out: dict[int, float] = {}

    def taller(row: int, pt: float) -> None:
        out[row] = max(out.get(row, ROW_HEIGHT_PT), pt)

    for b in blocks:
        if b.title:
            taller(b.top, TITLE_PT)
        if b.kind in ("heading", "title"):
            taller(b.first_row, HEADING_PT)
        for i, pt in b.row_heights.items():
            taller(b.first_row + i, pt)
    return out


def _flow(blocks: Sequence[Block], start: int, last: int) -> list[int]:
    """Page breaks from ``start`` to ``last`` so that each printed page is filled and no table
    is split: the activities' page, then each focus area of the plan (the plan's heading with
    the first one), then the definitions with the versions -- whole when they fit on a page,
    else their title with the first three and then row by row -- each moved to a new page only
    when it does not fit on the current one. Rows after which a page breaks."""
    heights = _heights(blocks)
    capacity = page_capacity_pt()
    by_name = {b.name: b for b in blocks}
    ends = [max(b.last_row for b in blocks if b.name in ("aktiviteter", "fokusomraden",
                                                           "uppfoljningar", "slussade"))]  # fmt: skip
    for b in blocks:
        if b.kind in ("plan", "text") and b.top > ends[0]:
            ends.append(b.last_row)
    defs = by_name["definitioner"]
    whole = sum(heights.get(r, ROW_HEIGHT_PT) for r in range(defs.top - 1, last + 1))
    if whole <= capacity:  # a reference table that fits a page is kept on one
        ends.append(last)
    else:
        first_defs = min(defs.first_row + 2, defs.last_row)
        ends += [first_defs, *range(first_defs + 1, defs.last_row + 1), last]
    breaks, used, top = [], 0.0, start
    for end in sorted(set(ends)):
        if end < top:
            continue
        unit = sum(heights.get(r, ROW_HEIGHT_PT) for r in range(top, end + 1))
        if used and used + unit > capacity:
            breaks.append(top - 1)
            used = 0.0
        used = (used + unit) % capacity if used + unit > capacity else used + unit
        top = end + 1
    return breaks


def _mark_total(blocks: list[Block], name: str) -> None:
    """Flag the last row of a block as its total row (the blocks are built with one)."""
    for i, b in enumerate(blocks):
        if b.name == name and not b.total_rows:
            blocks[i] = Block(**{**b.__dict__, "total_rows": (len(b.rows) - 1,)})


def _data(b: Block, offset: int) -> list[Any]:
    """The values of one column of a block's data rows (without header and totals)."""
    last = len(b.rows) - len(b.total_rows)
    return [row[offset] for row in b.rows[b.header_rows:last]]


def _month_words(categories: list[Any]) -> list[str]:
    """'jan' -> 'januari' for the alternative text, which is read, not seen."""
    return [MONTHS[C.MONTH_NAMES.index(c)] if c in C.MONTH_NAMES else str(c) for c in categories]


def _charts(by_name: dict[str, Block], top: int, rows: int,
            summary: Summary) -> tuple[tuple[ChartSpec, ...], list[Block]]:  # fmt: skip
    """Four charts in a 2 x 2 grid over the right group of page 1, each with an alternative
    text; a chart with nothing to show is left out and its place says so in words."""

    def cells(col: int, row: int) -> str:
        first, last = CHART_COLUMNS[col]
        r = top + row * rows
        return f"{column_letter(first)}{r}:{column_letter(last)}{r + rows - 1}"

    def series(b: Block, *offsets: int) -> tuple[tuple[str, str], ...]:
        return tuple((b.header_cell(o), b.column_ref(o)) for o in offsets)

    month, rem, hist, foc = (by_name[n] for n in ("manad", "remittent", "historik",
                                                  "fokusomraden"))  # fmt: skip
    first_talks = 1 + C.HISTORY_KEYS.index("forsta_samtal")
    year = f" {summary.year}" if summary.year else ""
    remisser = _label("remisser").lower()
    specs = (
        (ChartSpec("chart_manad", TXT_BY_MONTH, "col", month.column_ref(0),
                   series(month, 1), cells(0, 0)),
         describe("col", f"{remisser} per månad{year}", _month_words(_data(month, 0)),
                  [("", _data(month, 1))], prep="i")),
        (ChartSpec("chart_remittent", TXT_BY_REFERRER, "bar", rem.column_ref(0),
                   series(rem, 1), cells(1, 0)),
         describe("bar", f"{remisser} per remittent{year}", _data(rem, 0),
                  [("", _data(rem, 1))])),
        (ChartSpec("chart_historik", TXT_HISTORY_CHART, "col",
                   hist.column_ref(0, skip_totals=False), series(hist, 1, first_talks),
                   cells(0, 1)),
         describe("col", lower_first(TXT_HISTORY_CHART),
                  [str(y) for y in _data(hist, 0) if y is not None],
                  [(_label("remisser"), _data(hist, 1)),
                   (_label("forsta_samtal"), _data(hist, first_talks))])),
        (ChartSpec("chart_fokus", TXT_FOCUS_CHART, "bar", foc.column_ref(0),
                   series(foc, 2), cells(1, 1)),
         describe("bar", f"deltagartillfällen per fokusområde{year}, alla typer av aktiviteter",
                  _data(foc, 0), [("", _data(foc, 2))])),
    )  # fmt: skip
    charts, placeholders = [], []
    for spec, text in specs:
        if text.endswith(f"{NO_DATA}."):
            first_col, first_row, _, _ = split_range(spec.cells)
            placeholders.append(Block(f"tom_{spec.name}", first_row, first_col, [[TXT_NO_DATA_YET]],
                                      title=spec.title, header_rows=0, kind="text"))  # fmt: skip
        else:
            charts.append(ChartSpec(**{**spec.__dict__, "description": text}))
    return tuple(charts), placeholders


def definition_note(summary: Summary) -> str | None:
    """A footnote under the key figures when two figures on page 1 count lectures differently:
    the key figure counts activities of the type Föreläsning, the chart every activity in the
    focus area Föreläsningar (which can hold an event or a course too)."""
    if not summary.value("forelasningar_deltagare"):
        return None
    return (f"{_label('forelasningar_deltagare')} räknar bara aktiviteter av typen "
            f"{C.AKTIVITETSTYP_FORELASNING}. Diagrammet över deltagartillfällen per fokusområde "
            "räknar alla typer av aktiviteter i varje fokusområde, så talen kan skilja sig åt.")


# --------------------------------------------------------------------------- Rapportdata


def rapportdata_rows(summary: Summary) -> list[list[Any]]:
    """Header (``C.RAPPORTDATA_COLUMNS``) + one row per figure; values as numbers."""
    rows: list[list[Any]] = [list(C.RAPPORTDATA_COLUMNS)]
    for kommun, year, key, dimension, value in summary.rows():
        rows.append([kommun, year, key, dimension or None, _exact(value)])
    return rows


def rapportdata_info(summary: Summary, created: datetime | None = None) -> list[list[Any]]:
    """The version block at ``RAPPORTDATA_INFO_CELL``: label, value."""
    rows: list[list[Any]] = [[TXT_TEMPLATE_VERSION, summary.template_version],
                             [TXT_PROGRAM_VERSION, summary.program_version]]  # fmt: skip
    if created is not None:
        rows.append([TXT_CREATED, created])
    return rows


def cell_format(b: Block, i: int, j: int) -> str | None:
    """Number format of data cell (i, j) of a block."""
    fmt = b.col_formats[j] if j < len(b.col_formats) else None
    if j > 0 and b.row_formats and b.row_formats[i]:
        fmt = b.row_formats[i]
    if b.kind == "keyfigures" and j > 0 and b.rows[0][j] == TXT_CHANGE:
        fmt = CHANGE_FORMATS.get(fmt, FMT_CHANGE_INT)
    if b.kind == "keyfigures" and j > 0 and b.rows[0][j] == TXT_CHANGE_SHARE:
        fmt = FMT_CHANGE_PCT
    return fmt


def masked_summary(summary: Summary) -> Summary:
    """The summary as the generated sheets show it: a personnummer or samordningsnummer typed
    into a name that becomes a figure (Aktivitet, Fokusområde…), into the plan or into Kommun is
    masked, so no generated sheet ever repeats one (the check reports where it was typed)."""
    mask = P.mask_identity
    figures = tuple(replace(f, dimension=mask(f.dimension)) if f.dimension else f
                    for f in summary.figures)  # fmt: skip
    plan = tuple(PlanRow(*(mask(v) if isinstance(v, str) else v for v in astuple(p)))
                 for p in summary.plan)  # fmt: skip
    kommun = mask(summary.kommun) if isinstance(summary.kommun, str) else summary.kommun
    return replace(summary, figures=figures, plan=plan, kommun=kommun)
