"""The county workbook the region opens first, in the look of the municipal Årssammanställning.

Sheets, in order:

- **Översikt** — title, "N av M kommuner har rapporterat för <år>", key figures of the latest
  year for every municipality of the region (those that did not report say so; each
  preliminary one marked Preliminär) plus Länet, a note when Länet includes preliminary
  figures, rates per 1 000 inhabitants where the region's configuration gives the population,
  and two bar charts of the municipalities that reported (one landscape page).
- **Inrapportering** — every municipality and year: reported or not (marked), final or
  preliminary (marked), the file's number, versions, open findings, created, and what was left
  out of the file; files not used, with the reason.
- **Fördelningar** — referrals by sex, age group, referrer and focus, and participant sessions
  by focus area, side by side: one column per municipality that reported plus Länet, in counts
  and in shares (``figures``).

What the workbook may carry is the contract's ``COUNTY_FIELDS``: nothing read from a file
name, and no value read from a file except the screened figures, plans and versions. A file
is named by its number (Fil nr).
- **Rapportdata** — every figure of every file plus Länet, the coach workbook's columns.
- **Trender** — per figure: each municipality by year, Länet, and the number of municipalities
  behind Länet's value, with straight-line and column charts.
- **Planer** — the latest year's plans as a matrix: focus area × municipality.
- **Avvikelser** — values left out of files, year-on-year jumps and municipalities far from
  the others; cumulative "sedan start" figures are not compared.

Fonts, fills, borders and number formats are the summary sheet's (``xlsx.style``). Every sheet:
named fonts, a dark header row with computed heights (LibreOffice does not fit row heights to
wrapped text on load), frozen header, landscape A4 fitted to the page width (Rapportdata, a
long narrow table, portrait) with the header row repeated on every page. Every cell is made by
``_cell`` and every chart placed by ``_place_chart``, so each has one place to change.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.data_source import (
    AxDataSource,
    NumData,
    NumDataSource,
    NumVal,
    StrData,
    StrVal,
)
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import Series as RawSeries
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.styles import Alignment, Border, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.units import cm_to_EMU
from openpyxl.worksheet.pagebreak import Break

from halsocenter import __version__
from halsocenter.atomic import Output
from halsocenter.core import contract as C
from halsocenter.core import palette as P
from halsocenter.core.chart_text import describe
from halsocenter.core.region_config import DEFAULT, Region
from halsocenter.core.swedish import count, join, lower_first, number
from halsocenter.region import figures as F
from halsocenter.region import screening as S
from halsocenter.region.consolidate import county_rows, file_label, trend_keys
from halsocenter.region.export import data_row
from halsocenter.region.export_format import DATA_SHEET, EXPORT_COLUMNS, MASK_COLUMN, ExportRow
from halsocenter.region.outliers import KIND_JUMP, KIND_PEERS, UNIT_RATIO
from halsocenter.region.outliers import label as figure_label
from halsocenter.region.submissions import (
    COUNTY,
    PARTLY_MASKED,
    STATUS_LEFT_OUT,
    STATUS_SKIPPED,
    ConsolidationResult,
    Report,
    reporting_line,
)
from halsocenter.xlsx import cells
from halsocenter.xlsx.chart_alt import set_alt_text
from halsocenter.xlsx.style import (
    CHART_COLORS,
    COLOR_DARK,
    COLOR_ERROR,
    COLOR_ERROR_TEXT,
    COLOR_GRID,
    COLOR_GROUP,
    COLOR_MUTED,
    COLOR_WARNING,
    FMT_DATETIME,
    FMT_DEC,
    FMT_INT,
    FMT_PCT,
    FONT_SIZE,
    GROUP_FILL,
    HEADER_FILL,
    HEADER_FONT,
    THIN,
    TOTAL_SIDE,
    UNIT_FORMATS,
    Font,
    bar_look,
    chart_title,
    dress_line,
    hyphenate,
    page_setup,
    small_text,
)
from halsocenter.xlsx.textfit import LINE_PT as ROW_HEIGHT_PT
from halsocenter.xlsx.textfit import row_height
from halsocenter.xlsx.xlbook import add_table, save_with_rows
from halsocenter.xlsx.xltext import EXCEL_MAX_CHARS, xml_safe

SHEET_REPORTING = C.COUNTY_REPORTING_SHEET
SHEET_OVERVIEW = C.COUNTY_OVERVIEW_SHEET
SHEET_TRENDS = C.COUNTY_TRENDS_SHEET
SHEET_PLANS = C.COUNTY_PLANS_SHEET
SHEET_OUTLIERS = C.COUNTY_OUTLIERS_SHEET
SHEET_BREAKDOWNS = C.COUNTY_BREAKDOWNS_SHEET

REPORTING_COLUMNS = C.COUNTY_REPORTING_COLUMNS
REPORTING_WIDTHS = (7, 13, 14, 12, 7, 10, 12, 15, 7, 10, 17, 60)
REPORTING_CENTRED = ("År", "Inrapporterad", "Status", "Fil nr", "Filtyp", "Mallversion",
                     "Programversion", "Fel", "Varningar", "Skapad")  # fmt: skip
OUTLIER_COLUMNS = C.COUNTY_OUTLIER_COLUMNS
OUTLIER_WIDTHS = (13, 7, 20, 28, 11, 11, 80)
DATA_WIDTHS = (13, 7, 34, 50, 11, 11)

OVERVIEW_KEYS = ("remisser", "remisser_far", "forsta_samtal", "vantetid_median_dagar", "uteblev",
                 "vantar_vid_arsskifte", "uppfoljningar", "andel_tillrackligt_aktiva_start",
                 "andel_tillrackligt_aktiva_uppfoljning", "slussade", "tillfallen",
                 "deltagartillfallen", "deltagartimmar", "styrgruppsmoten", "plan_aktiviteter")  # fmt: skip
OVERVIEW_NAME_WIDTH = 15
OVERVIEW_STATUS_WIDTH = 11
OVERVIEW_FIGURE_WIDTH = 10.5
OVERVIEW_CHARTS = (
    ("Remisser och kontakter samt första samtal per kommun", ("remisser", "forsta_samtal")),
    ("Deltagartillfällen per kommun", ("deltagartillfallen",)),
)  # fmt: skip
CHART_ROWS = 18

TRENDS_NAME_WIDTH = 22
TRENDS_YEAR_WIDTH = 10
TRENDS_CHART_COLUMNS = 8
TRENDS_CHART_WIDTH = 10
TXT_COUNT_ROW = "Kommuner med värde"

PLAN_FOCUS_WIDTH = 24
PLAN_KOMMUN_WIDTH = 32
PLANS_PER_PAGE = 5
PLAN_TEXT_SIZE = 10

TITLE_HEIGHT = 28
CHART_INSET_CM = 0.15

COLOR_YES, COLOR_YES_TEXT = P.YES_FILL, P.YES_TEXT
COLOR_NO_TEXT = COLOR_ERROR_TEXT
PRELIMINARY_LOOK = dict(fill=COLOR_WARNING, color=COLOR_ERROR_TEXT, bold=True)
"""A preliminary municipality's Status cell, on Översikt and Inrapportering."""


# --------------------------------------------------------------------------- cells and looks


@dataclass(frozen=True)
class Look:
    """How a cell looks: the parts given are set, the rest stays default (Calibri 11)."""

    font: Any = None
    fill: Any = None
    border: Any = None
    alignment: Any = None
    number_format: str | None = None

    def apply(self, cell) -> None:
        if self.font is not None:
            cell.font = self.font
        if self.fill is not None:
            cell.fill = self.fill
        if self.border is not None:
            cell.border = self.border
        if self.alignment is not None:
            cell.alignment = self.alignment
        if self.number_format:
            cell.number_format = self.number_format


TITLE = Look(font=Font(bold=True, size=18, color=COLOR_DARK))
PRELIMINARY_LINE = Look(font=Font(bold=True, color=COLOR_ERROR_TEXT))
SUBTITLE = Look(font=Font(italic=True, size=9, color=COLOR_MUTED))
LEAD = Look(font=Font(bold=True, size=12, color=COLOR_DARK))
TEXT = Look(font=Font())
NOTE = Look(font=Font(italic=True, size=9, color=COLOR_MUTED))
GROUP = Look(font=Font(bold=True, color=COLOR_DARK), fill=GROUP_FILL, border=Border(bottom=THIN))


@cache
def header_look(align: str = "left") -> Look:
    return Look(font=HEADER_FONT, fill=HEADER_FILL, border=Border(bottom=THIN),
                alignment=Alignment(wrap_text=True, vertical="center", horizontal=align))


@cache
def body(number_format: str | None = None, align: str | None = None, wrap: bool = False,
         bold: bool = False, italic: bool = False, color: str | None = None,
         fill: str | None = None, total: bool = False, size: float | None = None,
         indent: int = 0) -> Look:  # fmt: skip
    """A table cell: thin line below (a total: lines above and below), top-aligned so the
    cells of a row with wrapped text start on one line. ``indent`` keeps left-aligned text
    clear of a right-aligned number in the column before."""
    return Look(
        font=Font(bold=bold, italic=italic, color=color, size=size or FONT_SIZE),
        fill=PatternFill("solid", fgColor=fill) if fill else None,
        border=Border(top=TOTAL_SIDE, bottom=TOTAL_SIDE) if total else Border(bottom=THIN),
        alignment=Alignment(horizontal=align, vertical="top", wrap_text=wrap or None,
                            indent=indent),
        number_format=number_format,
    )  # fmt: skip


def _cell(ws, value: Any) -> WriteOnlyCell:
    """Every cell of the county workbook is made here. Text stays text (never a formula), loses
    the characters XML cannot hold, keeps at most Excel's 32 767 characters, and never carries
    an identity number: a last guard behind the screening, which already left them out."""
    if isinstance(value, str):
        value = S.mask_identities(xml_safe(value))[:EXCEL_MAX_CHARS]
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and S.identity(value):
        value = None
    return cells.as_text(WriteOnlyCell(ws), value)


def unit_format(key: str | None) -> str:
    figure = C.FIGURE_BY_KEY.get(key or "")
    return UNIT_FORMATS[figure.unit] if figure else FMT_INT


WORD_BREAKS = {w.replace("|", ""): w.replace("|", "-\n") for w in (
    "Uppfölj|ningar", "Uppfölj|ning", "Till|räckligt", "Deltagar|tillfällen", "Deltagar|timmar",
    "Styrgrupps|möten", "Planera|de", "Inrappor|terad", "Program|version")}  # fmt: skip
"""Where the long words of the county's column headers break: at the joint of the compound,
as a Swedish reader expects ("Deltagar-tillfällen", not "Deltagartillfäl-len")."""


def fit_header(text: Any, width: float) -> Any:
    """A header with every word too long for a column of ``width`` broken where it should be
    (``WORD_BREAKS``, else at a syllable as on the summary sheet)."""
    if not isinstance(text, str):
        return text
    capacity = max(4, int(width * 1.05))
    words = [w if len(w) <= capacity else WORD_BREAKS.get(w) or hyphenate(w, capacity)
             for w in text.split(" ")]  # fmt: skip
    return " ".join(words).replace("\n ", "\n")


class Sheet:
    """A sheet filled top-down, row by row, each row with its looks and height; ``county`` is
    the region's title ("Hälsocenter i Jönköpings län") for the page header."""

    def __init__(self, book: Workbook, title: str, widths: Sequence[float], *, county: str,
                 index: int | None = None):  # fmt: skip
        self.ws = book.create_sheet(title, index)
        self.title = title
        self.county = county
        self.widths = list(widths)
        self.row = 0
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.sheet_view.showGridLines = False
        self._styles: dict[int, tuple[Look, Any]] = {}

    def cell(self, value: Any, look: Look | None = None) -> WriteOnlyCell:
        """A cell with ``look``. Each look is resolved into the workbook's styles once and then
        copied: setting openpyxl style objects cell by cell costs about a millisecond each."""
        cell = _cell(self.ws, value)
        if look is None:
            return cell
        known = self._styles.get(id(look))
        if known is not None and known[0] is look:
            cell._style = copy(known[1])
        else:
            look.apply(cell)
            self._styles[id(look)] = (look, copy(cell._style))
        if cells.formula_like(cell.value):
            cell.quotePrefix = True  # the look replaced the quote prefix ``_cell`` set
        return cell

    def add(self, values: Sequence[Any], looks: Look | Sequence[Look | None] | None = None,
            height: float | None = None) -> int:  # fmt: skip
        """Write one row; ``looks`` is one Look for every cell or one per cell."""
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        if looks is None or isinstance(looks, Look):
            looks = [looks] * len(values)
        self.ws.append([self.cell(v, lk) for v, lk in zip(values, looks, strict=True)])
        return self.row

    def blank(self) -> None:
        self.add([])

    def heading(self, title: str, lines: Sequence[tuple[str, Look]] = (), *,
                wrap: bool = True) -> None:  # fmt: skip
        """Title row, the lines under it, one empty row. ``wrap``: each line is wrapped
        within the sheet's columns, so none is cut at the page's edge and a narrow sheet does
        not print at the width of its longest line."""
        self.add([title], TITLE, height=TITLE_HEIGHT)
        for text, look in lines:
            if not wrap or len(self.widths) < 2:
                self.add([text], look)
                continue
            width = sum(self.widths)
            font = look.font
            wrapped = Look(font=font, alignment=Alignment(wrap_text=True, vertical="top"))
            row = self.add([text], wrapped, height=row_height(
                [(text, width)], bold=bool(font.b), size=font.sz or FONT_SIZE, pad=2))
            self.ws.merge_cells(start_row=row, start_column=1, end_row=row,
                                end_column=len(self.widths))
        self.blank()

    def header(self, texts: Sequence[str], aligns: Sequence[str] | None = None,
               hyphenate: bool = False) -> int:  # fmt: skip
        """The dark header row, tall enough for its wrapped texts. ``hyphenate`` breaks long
        words at a syllable (not for Excel tables, whose header cells must equal the column
        names)."""
        widths = self.widths + [self.widths[-1]] * max(0, len(texts) - len(self.widths))
        shown = [fit_header(t, w) if hyphenate and i else t
                 for i, (t, w) in enumerate(zip(texts, widths, strict=False))]  # fmt: skip
        aligns = aligns or ["left"] * len(texts)
        height = row_height(zip(shown, widths, strict=False), bold=True, pad=4)
        return self.add(shown, [header_look(a) for a in aligns], height=height)

    def finish(self, header_row: int, year: int | None, *, freeze: str | None = None,
               landscape: bool = True, pages_tall: int = 0, pages_wide: int = 1,
               years: Iterable[int | None] = ()) -> None:  # fmt: skip
        """Frozen header, print titles and the summary sheet's page setup. The page header
        names the year the sheet shows, or -- for a sheet with rows of several years --
        the span of ``years`` ("Rapportdata 2019–2024"), so no page headed with one year
        holds another's rows."""
        ws = self.ws
        ws.freeze_panes = freeze or f"A{header_row + 1}"
        span = year_span([*years, year])
        page_setup(ws, header_left=self.county,
                   header_right=f"{self.title} {span}" if span else self.title,
                   landscape=landscape, title_rows=f"{header_row}:{header_row}",
                   pages_tall=pages_tall)  # fmt: skip
        ws.page_setup.fitToWidth = pages_wide


def year_span(years: Iterable[int | None]) -> str:
    """"2024", "2023–2024" or "" for the years given (None left out)."""
    known = sorted({y for y in years if y is not None})
    if not known:
        return ""
    return str(known[0]) if len(known) == 1 else f"{known[0]}–{known[-1]}"


# --------------------------------------------------------------------------- charts


def _place_chart(sheet: Sheet, chart, cells: tuple[int, int, int, int], title: str,
                 alt_text: str) -> None:  # fmt: skip
    """Put ``chart`` over the cell box (first col, first row, last col, last row), inset a
    little, with its title and its alternative text (what it shows: the message and the key
    numbers) -- the one place every chart of the county workbook passes."""
    chart.title = chart_title(title)
    first_col, first_row, last_col, last_row = cells
    inset = cm_to_EMU(CHART_INSET_CM)
    chart.anchor = TwoCellAnchor(
        _from=AnchorMarker(col=first_col - 1, colOff=inset, row=first_row - 1, rowOff=inset),
        to=AnchorMarker(col=last_col, colOff=0, row=last_row, rowOff=0),
    )
    sheet.ws.add_chart(chart)
    set_alt_text(chart, title, alt_text)


def _value_labels(**placement) -> DataLabelList:
    """The values written on the bars or points, in small grey text."""
    labels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                           showLegendKey=False, showPercent=False, **placement)  # fmt: skip
    labels.txPr = small_text(800)
    return labels


def _dress(chart, n_series: int, value_axis: bool) -> None:
    """The county's chart look: a legend below only when there is more than one series, the
    category axis in small text, and a value axis with light grid lines only where the values
    are not written on the chart (lines); bars carry their values and need none."""
    if n_series > 1:
        chart.legend.position = "b"
        chart.legend.txPr = small_text()
    else:
        chart.legend = None
    chart.x_axis.delete = False
    chart.x_axis.txPr = small_text(900)
    chart.y_axis.delete = not value_axis
    if value_axis:
        chart.y_axis.txPr = small_text()
        chart.y_axis.numFmt = FMT_INT
        chart.y_axis.majorGridlines.spPr = GraphicalProperties(
            ln=LineProperties(solidFill=COLOR_GRID))
    else:
        chart.y_axis.majorGridlines = None


def _bars(series: Sequence[tuple[str, Reference]], categories: Reference,
          horizontal: bool = True) -> BarChart:  # fmt: skip
    """Bars in the palette with the values on them; a legend only for two series or more; no
    value axis (the labels carry the numbers)."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "clustered"
    chart.style = 10
    chart.gapWidth = 50
    chart.overlap = -10 if len(series) > 1 else 0
    for i, (name, ref) in enumerate(series):
        s = Series(ref, title=name)
        s.graphicalProperties = bar_look(i)
        chart.series.append(s)
    chart.set_categories(categories)
    chart.dataLabels = _value_labels()
    _dress(chart, len(series), value_axis=False)
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # first category at the top
    return chart


def ranked_bars(series: Sequence[tuple[str, Sequence[float | None]]],
                categories: Sequence[str]) -> BarChart:  # fmt: skip
    """Horizontal bars with the first category at the top and, within each category, the first
    series on top -- and the legend in that same order, in Excel and in LibreOffice alike.

    Excel draws a horizontal bar chart's first category and first series at the bottom and
    turns its legend to match whichever way the bars stand; LibreOffice always lists the
    legend of a bar chart last series first. Reversing the category axis (``maxMin``) puts the
    first category on top in both, but then LibreOffice's legend reads against the bars. So the
    axis keeps its natural direction and the chart is given the categories and the series in
    reverse order, as values written into the chart (the table beside it holds the same
    numbers); both programs then show bars and legend top-down in the order given here."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.style = 10
    chart.gapWidth = 50
    chart.overlap = -10 if len(series) > 1 else 0
    shown = list(reversed(categories))
    cats = AxDataSource(strLit=StrData(ptCount=len(shown),
                                       pt=[StrVal(idx=i, v=str(c)) for i, c in enumerate(shown)]))
    n = len(series)
    for order, (name, values) in enumerate(reversed(series)):
        points = [NumVal(idx=i, v=v) for i, v in enumerate(reversed(list(values)))
                  if isinstance(v, (int, float)) and not isinstance(v, bool)]  # fmt: skip
        s = RawSeries(idx=order, order=order, tx=SeriesLabel(v=name), cat=cats,
                      val=NumDataSource(numLit=NumData(formatCode=FMT_INT, ptCount=len(shown),
                                                       pt=points)))  # fmt: skip
        s.graphicalProperties = bar_look(n - 1 - order)  # the colour of its place in ``series``
        chart.series.append(s)
    chart.dataLabels = _value_labels()
    chart.dataLabels.numFmt = FMT_INT
    _dress(chart, n, value_axis=False)
    return chart


# --------------------------------------------------------------------------- Översikt


@dataclass(frozen=True)
class OverviewColumn:
    """A column of Översikt's table: a key figure, the inhabitants, or a key count per 1 000
    inhabitants (``rate``)."""

    header: str
    number_format: str
    key: str | None = None
    rate: bool = False


def overview_columns(with_rates: bool) -> list[OverviewColumn]:
    """The key figures; with population, Invånare first and each rate right after its count."""
    out = [OverviewColumn(F.INHABITANTS, FMT_INT)] if with_rates else []
    for key in OVERVIEW_KEYS:
        out.append(OverviewColumn(figure_label(key), unit_format(key), key))
        if with_rates and key in F.RATE_KEYS:
            out.append(OverviewColumn(F.rate_label(key), FMT_DEC, key, rate=True))
    return out


def _overview(book: Workbook, result: ConsolidationResult, county: dict[int, list[ExportRow]],
              ) -> None:  # fmt: skip
    year = result.latest_year
    region = result.region
    with_rates = F.has_rates(region, year)
    columns = overview_columns(with_rates)
    widths = (OVERVIEW_NAME_WIDTH, OVERVIEW_STATUS_WIDTH,
              *(OVERVIEW_FIGURE_WIDTH for _ in columns))  # fmt: skip
    sheet = Sheet(book, SHEET_OVERVIEW, widths, county=region.title, index=0)
    everyone = F.municipalities(result, year)
    reported = [m.report for m in everyone if m.report is not None]
    missing = result.missing(year) if year else list(region.names)
    title = f"{region.title} – länets sammanställning{f' {year}' if year else ''}"
    files = len(result.reports) + len(result.not_used) + len(result.replaced)
    archived = sum(r.archived for r in result.reports)
    where = (f"{files - archived} filer från kommunerna och {archived} ur arkivet" if archived
             else f"{files} filer från kommunerna")  # fmt: skip
    source = (f"Underlag: {where} · Programversion {__version__} · "
              f"Skapad {result.now:%Y-%m-%d %H:%M}")  # fmt: skip
    lines = [(source, SUBTITLE)]
    if year:
        lines.append((reporting_line(len(reported), len(region.names), year), LEAD))
        lines.append((f"Saknas: {join(missing)}." if missing else "Alla kommuner har "
                      "rapporterat.", TEXT))  # fmt: skip
    preliminary = [r.kommun for r in reported if r.preliminary]
    if preliminary:
        lines.append((f"Preliminära siffror från {join(preliminary)}: det fanns fel "
                      f"kvar i {'arbetsboken' if len(preliminary) == 1 else 'arbetsböckerna'}, "
                      f"och {COUNTY} innehåller dem.", PRELIMINARY_LINE))  # fmt: skip
    attention = [r.kommun for r in reported if r.problems and not r.archived]
    if attention:
        lines.append((f"Värden togs bort ur filen från {join(attention)} – se flikarna "
                      f"{SHEET_REPORTING} och {SHEET_OUTLIERS}.", TEXT))  # fmt: skip
    sheet.heading(title, lines)
    if not reported:
        sheet.add(["Inga uppgifter ännu: ingen av länets kommuner har rapporterat."], TEXT)
        sheet.finish(sheet.row, year)
        return
    header_row = sheet.header(["Kommun", "Status", *(c.header for c in columns)],
                              ["left", "left", *("right" for _ in columns)],
                              hyphenate=True)  # fmt: skip
    rate_rows, county_rate = F.rate_rows(result, year) if with_rates else ([], None)
    rates = {r.name: r for r in rate_rows}
    looks = [body(align="left"), body(align="left"), *(body(c.number_format) for c in columns)]
    marked = [body(align="left"), body(align="left", **PRELIMINARY_LOOK), *looks[2:]]

    def values(name: str, status: str | None, totals: dict,
               rate_row: F.RateRow | None) -> list:  # fmt: skip
        out = []
        for c in columns:
            if c.key is None:
                out.append(rate_row.inhabitants if rate_row else None)
            elif c.rate:
                out.append(rate_row.rates.get(c.key) if rate_row else None)
            else:
                out.append(totals.get(c.key))
        return [name, status, *out]

    for r in reported:
        status = C.STATUS_PRELIMINARY if r.preliminary else None
        sheet.add(values(r.kommun, status, r.totals(), rates.get(r.kommun)),
                  marked if status else looks)  # fmt: skip
    first_count = next(i for i, c in enumerate(columns) if c.key and not c.rate)
    muted = body(align="left", italic=True, color=COLOR_MUTED)
    for name in missing:
        row: list[Any] = [name, None, *(None for _ in columns)]
        row[2 + first_count] = F.NOT_REPORTED
        if with_rates:
            row[2] = region.inhabitants(name, year)
        sheet.add(row, [muted, body(align="left"),
                        *(muted if i == first_count else body(c.number_format)
                          for i, c in enumerate(columns))])  # fmt: skip
    county_totals = F.totals(county.get(year, []))
    sheet.add(values(COUNTY, C.STATUS_PRELIMINARY if preliminary else None, county_totals,
                     county_rate),
              [body(align="left", bold=True, total=True),
               body(align="left", total=True, **PRELIMINARY_LOOK) if preliminary
               else body(align="left", total=True),
               *(body(c.number_format, bold=True, total=True) for c in columns)])  # fmt: skip
    sheet.blank()
    note = (f"{COUNTY} = summan av de {len(reported)} kommuner som har rapporterat; andelarna "
            "är vägda med antalet mätta, och väntetiden är en median som inte kan läggas ihop. "
            "Tom ruta = uppgiften saknas i kommunens fil.")
    if preliminary:
        note += (f" {COUNTY} innehåller preliminära siffror från {join(preliminary)} "
                 f"(Status {C.STATUS_PRELIMINARY}: fel kvar i arbetsboken).")
    sheet.add([note], NOTE)
    if with_rates:
        lacking = [r.name for r in rate_rows if r.note == F.NO_POPULATION]
        sheet.add([f"{F.RATE_SUFFIX.capitalize()}: antalet delat med invånarna den 31 december "
                   f"{year} enligt regionens inställningar (SCB), gånger 1 000. {COUNTY}: "
                   "summan av antalen delad med summan av invånarna i de kommuner som har både "
                   "siffror och invånarantal."
                   + (f" Invånarantal för {year} saknas för {join(lacking)}." if lacking
                      else "")], NOTE)  # fmt: skip
    sheet.blank()
    top = sheet.row + 1
    half = len(widths) // 2
    boxes = ((1, top, half, top + CHART_ROWS - 1),
             (half + 1, top, len(widths), top + CHART_ROWS - 1))  # fmt: skip
    names = [r.kommun for r in reported]
    for (heading, chart_keys), box in zip(OVERVIEW_CHARTS, boxes, strict=True):
        series = [(figure_label(k), [r.totals().get(k) for r in reported]) for k in chart_keys]
        _place_chart(sheet, ranked_bars(series, names), box, f"{heading} {year}",
                     _overview_alt(heading, chart_keys, reported, county_totals, year))
    sheet.finish(header_row, year, freeze=f"C{header_row + 1}", pages_tall=1)


def _overview_alt(title: str, keys: Sequence[str], reported: list[Report],
                  county_totals: dict, year: int) -> str:  # fmt: skip
    """Alternative text of an overview chart: what it shows for which municipalities, every
    value (the extremes when there are many) and Länet's total of each series."""
    who = count(len(reported), "kommun som har rapporterat", "kommuner som har rapporterat")
    subject = f"{lower_first(title)} {year} för {who}"
    names = [r.kommun for r in reported]
    series = [(figure_label(k), [r.totals().get(k) for r in reported]) for k in keys]
    text = describe("bar", subject, names, series, prep="i", total=False)
    totals = join([f"{lower_first(figure_label(k))} {number(county_totals.get(k))}" for k in keys])
    return f"{text} {COUNTY} totalt: {totals}."


# --------------------------------------------------------------------------- Fördelningar

BREAKDOWN_NAME_WIDTH = 30
BREAKDOWN_WIDTH = 11


def _breakdowns(book: Workbook, result: ConsolidationResult,
                county: dict[int, list[ExportRow]]) -> None:  # fmt: skip
    """Each breakdown side by side, counts then shares, under one header row: a column per
    municipality that reported plus Länet."""
    year = result.latest_year
    tables = F.breakdowns(result, year, county.get(year, [])) if year else []
    columns = tables[0].columns if tables else []
    sheet = Sheet(book, SHEET_BREAKDOWNS,
                  (BREAKDOWN_NAME_WIDTH, *(BREAKDOWN_WIDTH for _ in columns)),
                  county=result.region.title)  # fmt: skip
    sheet.heading(" ".join(f"Fördelningar {year or ''}".split()) + " – kommunerna sida vid sida", [
        (f"En kolumn per kommun som har rapporterat och {COUNTY}: först antal, sedan andel "
         "av kommunens total." if tables else "Inga uppgifter ännu.", LEAD),
        (f"”{F.MASKED}” = kommunen har maskerat ett litet antal i sin fil; {COUNTY} räknar då "
         "bara det som syns, och ingen andel visas för det.", NOTE)], wrap=True)  # fmt: skip
    header_row = sheet.header(["Fördelning", *columns],
                              ["left", *("right" for _ in columns)], hyphenate=True)
    for b in tables:
        for label, matrix, number_format in (("antal", b.counts, FMT_INT),
                                             ("andel", b.shares, FMT_PCT)):  # fmt: skip
            sheet.add([f"{b.spec.title} {year} – {label}", *(None for _ in columns)], GROUP)
            for category, values in zip(b.categories, matrix, strict=True):
                looks = [body(align="left", indent=1)]
                for j, v in enumerate(values):
                    looks.append(body(align="right", italic=True, color=COLOR_MUTED)
                                 if v == F.MASKED else
                                 body(number_format, bold=j == len(values) - 1))
                sheet.add([category, *values], looks)
            total_values = b.totals if label == "antal" else [1 if t else None for t in b.totals]
            sheet.add([F.TOTAL, *total_values],
                      [body(align="left", bold=True, total=True),
                       *(body(number_format, bold=True, total=True) for _ in columns)])
            sheet.blank()
    if not tables:
        sheet.add(["Inga fördelningar att visa."], TEXT)
    sheet.finish(header_row, year, freeze=f"B{header_row + 1}")


# --------------------------------------------------------------------------- Inrapportering


STATUS_LOOKS = {
    C.JA: dict(fill=COLOR_YES, color=COLOR_YES_TEXT, bold=True),
    C.NEJ: dict(fill=COLOR_ERROR, color=COLOR_NO_TEXT, bold=True),
    STATUS_LEFT_OUT: dict(fill=COLOR_WARNING),
    STATUS_SKIPPED: {},
}


def _file_notes(r: Report, left_out: list[str], lead: str = "") -> str:
    """The Anmärkning of a file: ``lead``, preliminary, duplicates, what was left out."""
    notes = [lead] if lead else []
    if r.preliminary:
        left = (f"{count(r.status.errors, 'fel', 'fel')} kvar i arbetsboken" if r.errors
                else "enligt filen")  # fmt: skip
        notes.append(f"{C.STATUS_PRELIMINARY}: {left}"
                     + ("." if lead else f"; siffrorna ingår i {COUNTY}."))
    if left_out:
        notes.append(f"Flera filer för {r.kommun} {r.year}: den nyaste används, bortvald: "
                     f"{', '.join(left_out)}.")  # fmt: skip
    identity = r.identity_numbers
    if identity:
        shown = "; ".join(f"{p.where}: {p.masked}" if p.where else p.message
                          for p in identity[:5])  # fmt: skip
        more = f" och {len(identity) - 5} till" if len(identity) > 5 else ""
        notes.append(f"Personnummer eller samordningsnummer i filen ({shown}{more}); de finns "
                     "inte i den här arbetsboken.")  # fmt: skip
    others = [p for p in r.problems if p.kind != S.KIND_IDENTITY]
    if others:
        kinds: dict[str, int] = {}
        for p in others:
            kinds[p.kind] = kinds.get(p.kind, 0) + 1
        listed = ", ".join(f"{k.lower()}: {n}" for k, n in kinds.items())
        notes.append(f"{count(len(others), 'anmärkning', 'anmärkningar')} ({listed}); det som "
                     f"anmärks är inte med i länets siffror – se fliken {SHEET_OUTLIERS}.")
    return " ".join(notes)


def _reporting(book: Workbook, result: ConsolidationResult) -> None:
    sheet = Sheet(book, SHEET_REPORTING, REPORTING_WIDTHS, county=result.region.title)
    year = result.latest_year
    reported = result.reported_in_county(year)
    lead = (reporting_line(len(reported), len(result.region.names), year)
            if year else "Inga filer kunde sammanställas.")  # fmt: skip
    extra = []
    if result.not_used:
        extra.append(count(len(result.not_used), "fil används inte", "filer används inte"))
    if result.skipped:
        extra.append(count(len(result.skipped), "fil hoppades över", "filer hoppades över"))
    if result.with_problems:
        extra.append(count(len(result.with_problems), "fil har anmärkningar",
                           "filer har anmärkningar"))  # fmt: skip
    if result.replaced:
        extra.append(count(len(result.replaced), "äldre dubblett är bortvald",
                           "äldre dubbletter är bortvalda"))  # fmt: skip
    if extra:
        lead += " " + join(extra).capitalize() + "."
    sheet.heading(f"Inrapportering – {result.region.title}", [
        (lead, LEAD),
        ("Senaste året först. Ja = filen används; Nej = ingen fil; Bortvald = en äldre fil för "
         "samma kommun och år; filer som inte kunde läsas eller inte används står sist, med "
         f"orsaken, och sist det i mappen som hoppades över ({STATUS_SKIPPED}). Status "
         f"{C.STATUS_PRELIMINARY} = det fanns fel kvar i arbetsboken. Fil nr = filens nummer "
         "bland mappens filer i namnordning; halsocenter region skriver ut numren med "
         "filnamnen, som inte står här.", NOTE)])  # fmt: skip
    header_row = sheet.header(REPORTING_COLUMNS, [
        "center" if c in REPORTING_CENTRED else "left" for c in REPORTING_COLUMNS])
    wrap_cols = {REPORTING_COLUMNS.index("Anmärkning")}
    n = 0

    def row(values: list[Any]) -> None:
        nonlocal n
        looks = []
        for j, (column, value) in enumerate(zip(REPORTING_COLUMNS, values, strict=True)):
            style = STATUS_LOOKS.get(value, {}) if column == "Inrapporterad" else {}
            if column == "Inrapporterad" and value not in STATUS_LOOKS and value:
                style = dict(fill=COLOR_ERROR, bold=True)
            if column == "Status" and value == C.STATUS_PRELIMINARY:
                style = PRELIMINARY_LOOK
            looks.append(body(FMT_DATETIME if column == "Skapad" else None,
                              "center" if column in REPORTING_CENTRED else "left",
                              wrap=j in wrap_cols, **style))  # fmt: skip
        height = row_height((values[j], REPORTING_WIDTHS[j]) for j in wrap_cols)
        sheet.add(values, looks, height=height if height > ROW_HEIGHT_PT else None)
        n += 1

    conflicts: dict[int, list[str]] = {}
    for old, keep in result.replaced:
        conflicts.setdefault(id(keep), []).append(file_label(old.number).lower())
    for y in sorted(result.years or [year], key=lambda v: -(v or 0)):
        by_kommun = {r.kommun: r for r in result.reports if r.year == y}
        names = list(result.region.names) + sorted(k for k in by_kommun
                                                   if k not in result.region.names)  # fmt: skip
        for kommun in names:
            r = by_kommun.get(kommun)
            if r is None:
                row([y, kommun, C.NEJ, *([None] * 9)])
                continue
            row([y, kommun, C.JA, *_file_columns(r), _file_notes(r, conflicts.get(id(r), []))])
    for old, keep in result.replaced:
        row([old.year, old.kommun, STATUS_LEFT_OUT, *_file_columns(old), _file_notes(
            old, [], f"{file_label(keep.number)} används i stället: den är nyast för "
            f"{keep.kommun} {keep.year} enligt när filerna skapades.")])
    for u in [*result.not_used, *result.skipped]:
        row([None, u.kommun, u.status, None, u.number, *([None] * 6), u.reason])
    add_table(sheet.ws, "tblInrapportering", REPORTING_COLUMNS, n, first_row=header_row,
              style="TableStyleLight1", stripes=False)  # fmt: skip
    sheet.finish(header_row, year, freeze=f"C{header_row + 1}", years=result.years)


def _file_columns(r: Report) -> list[Any]:
    """Status, Fil nr, Filtyp, Mallversion, Programversion, Fel, Varningar, Skapad of a file."""
    return [r.status_label, r.number, r.kind, r.template_version, r.program_version,
            r.errors, r.warnings, r.created]  # fmt: skip


# --------------------------------------------------------------------------- Rapportdata


def _data(book: Workbook, result: ConsolidationResult, county: dict[int, list[ExportRow]],
          ) -> tuple[list[list], list[tuple[int, ...]]]:  # fmt: skip
    """The header and table; returns the rows and their styles, which go in as XML when the
    book is saved (``save_with_rows``): a county has tens of thousands of rows."""
    sheet = Sheet(book, DATA_SHEET, DATA_WIDTHS, county=result.region.title)
    aligns = ["left", "center", "left", "left", "right", "center"]
    sheet.header(EXPORT_COLUMNS, aligns)
    rows = [data_row(r.kommun, r.year, x) for r in result.reports for x in r.rows]
    for year in sorted(county, reverse=True):
        rows += [data_row(COUNTY, year, x, PARTLY_MASKED) for x in county[year]]
    centred = sheet.cell(None, Look(alignment=Alignment(horizontal="center"))).style_id
    by_format: dict[str, tuple[int, ...]] = {}
    for number_format in set(UNIT_FORMATS.values()):
        ids = [0] * len(EXPORT_COLUMNS)
        ids[EXPORT_COLUMNS.index("År")] = ids[EXPORT_COLUMNS.index(MASK_COLUMN)] = centred
        ids[EXPORT_COLUMNS.index("Värde")] = sheet.cell(None, Look(
            number_format=number_format)).style_id
        by_format[number_format] = tuple(ids)
    key_col = EXPORT_COLUMNS.index(C.RAPPORTDATA_COLUMNS[2])
    styles = [by_format[unit_format(r[key_col])] for r in rows]
    add_table(sheet.ws, C.RAPPORTDATA_TABLE, EXPORT_COLUMNS, len(rows), style="TableStyleLight9")
    sheet.finish(1, result.latest_year, landscape=False, years=result.years)
    return rows, styles


# --------------------------------------------------------------------------- Trender


def _trends(book: Workbook, result: ConsolidationResult) -> None:
    history = {k: v for k, v in result.history.items() if k in result.region.names}
    keys = trend_keys(history, result.reported)
    years = sorted({y for h in history.values() for y in h})
    widths = (TRENDS_NAME_WIDTH, *(TRENDS_YEAR_WIDTH for _ in years), 2,
              *(TRENDS_CHART_WIDTH for _ in range(TRENDS_CHART_COLUMNS)))  # fmt: skip
    sheet = Sheet(book, SHEET_TRENDS, widths, county=result.region.title)
    sheet.heading("Trender – länet och kommunerna över åren", [
        (f"{COUNTY} = summan av de kommuner som har ett värde för året; raden {TXT_COUNT_ROW} "
         "visar hur många de är.", LEAD),
        ("Obs! När fler kommuner rapporterar stiger länets siffror även om verksamheten är lika "
         "stor – jämför med antalet kommuner innan du läser en ökning.", LEAD),
        ("Värden från fliken Tidigare år i kommunernas arbetsböcker och från årets filer.",
         NOTE)])  # fmt: skip
    if not years or not keys:
        sheet.add(["Inga uppgifter ännu."], TEXT)
        sheet.finish(sheet.row, result.latest_year)
        return
    header_row = sheet.header(["Kommun", *years], ["left", *("right" for _ in years)])
    names = [k for k in result.region.names if k in history]
    _, county_sums, county_counts = F.trend(result, keys)  # Länet, as the county report has it
    county_rows_at: dict[str, int] = {}
    counts: dict[str, list[int]] = {}
    sums: dict[str, list[float | None]] = {}
    for key in keys:
        number_format = unit_format(key)
        sheet.add([figure_label(key), *(None for _ in years)], GROUP)
        for m in names:
            values = [history[m].get(y, {}).get(key) for y in years]
            if any(v is not None for v in values):
                sheet.add([m, *values], [body(align="left"), *(body(number_format)
                                                               for _ in years)])  # fmt: skip
        totals = county_sums[key]
        county_rows_at[key] = sheet.add(
            [COUNTY, *totals], [body(align="left", bold=True, total=True),
                                *(body(number_format, bold=True, total=True) for _ in years)])
        counts[key], sums[key] = county_counts[key], totals
        sheet.add([TXT_COUNT_ROW, *counts[key]], [body(align="left", italic=True, color=COLOR_MUTED),
                                                 *(body("0", italic=True, color=COLOR_MUTED)
                                                   for _ in years)])  # fmt: skip
        sheet.blank()
    _trend_charts(sheet, keys, years, header_row, county_rows_at, counts, sums,
                  len(result.region.names))
    sheet.finish(header_row, result.latest_year, freeze=f"B{header_row + 1}", years=years)


def _trend_charts(sheet: Sheet, keys: list[str], years: list[int], header_row: int,
                  county_rows_at: dict[str, int], counts: dict[str, list[int]],
                  sums: dict[str, list[float | None]], municipalities: int) -> None:  # fmt: skip
    """Länet's figures by year as straight lines, and beside them the number of municipalities
    (of the region's ``municipalities``) behind each year's value as columns."""
    ws = sheet.ws
    first_col, last_col = 2, 1 + len(years)
    cats = Reference(ws, min_col=first_col, max_col=last_col, min_row=header_row)
    chart = LineChart()
    chart.style = 10
    for i, key in enumerate(keys):
        ref = Reference(ws, min_col=first_col, max_col=last_col, min_row=county_rows_at[key])
        s = Series(ref, title=figure_label(key))
        dress_line(s, i)  # straight, in its own colour, dash and marker
        chart.series.append(s)
    chart.set_categories(cats)
    # values on the first line only: three labelled lines would write over each other
    chart.series[0].dLbls = _value_labels(dLblPos="t")
    _dress(chart, len(keys), value_axis=True)
    left = last_col + 2
    right = left + TRENDS_CHART_COLUMNS - 1
    top = header_row + 1
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    _place_chart(sheet, chart, (left, top, right, top + CHART_ROWS - 1), f"{COUNTY} per år",
                 _trend_alt(keys, years, sums, counts))
    key = keys[0]
    name = figure_label(key).lower()
    bars = _bars([(TXT_COUNT_ROW, Reference(ws, min_col=first_col, max_col=last_col,
                                            min_row=county_rows_at[key] + 1))],
                 cats, horizontal=False)  # fmt: skip
    bars.series[0].graphicalProperties = GraphicalProperties(  # not a line's colour
        solidFill=CHART_COLORS[1], ln=LineProperties(solidFill=CHART_COLORS[1]))
    top = top + CHART_ROWS + 1
    _place_chart(sheet, bars, (left, top, right, top + CHART_ROWS - 4),
                 f"Kommuner med värde per år ({name})",
                 describe("col", f"hur många av länets {municipalities} kommuner som har ett "
                          f"värde för {name}, per år {span}", [str(y) for y in years],
                          [(TXT_COUNT_ROW, counts[key])], total=False))  # fmt: skip


def _trend_alt(keys: list[str], years: list[int], sums: dict[str, list[float | None]],
               counts: dict[str, list[int]]) -> str:  # fmt: skip
    """Alternative text of the trend chart: each line's values (the extremes when there are
    many years) and how the number of municipalities behind them changed."""
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    labels = join([lower_first(figure_label(k)) for k in keys])
    text = describe("line", f"länets {labels} per år {span}", [str(y) for y in years],
                    [(figure_label(k), sums[k]) for k in keys], prep="år")  # fmt: skip
    c = counts[keys[0]]
    if c and c[0] != c[-1]:
        text += (f" Antalet kommuner med värde gick från {c[0]} till {c[-1]}, så en del av "
                 "förändringen beror på hur många kommuner som rapporterade.")  # fmt: skip
    return text


# --------------------------------------------------------------------------- Planer


def plan_cell(plans: Iterable) -> str:
    """One municipality's activities in one focus area, as the Planer matrix shows them."""
    follow = C.PLAN.column("uppfoljning").header
    future = C.PLAN.column("framtidsplan").header
    parts = []
    for p in plans:
        lines = [f"• {p.aktivitet or '(ingen aktivitet angiven)'}"
                 + (f" ({p.status})" if p.status else "")]  # fmt: skip
        if p.uppfoljning:
            lines.append(f"{follow}: {p.uppfoljning}")
        if p.framtidsplan:
            lines.append(f"{future}: {p.framtidsplan}")
        parts.append("\n".join(lines))
    text = "\n".join(parts)
    return text if len(text) <= EXCEL_MAX_CHARS else text[:EXCEL_MAX_CHARS - 1] + "…"


def plan_matrix(reports: Iterable[Report], region: Region = DEFAULT,
                ) -> tuple[list[str], list[str], dict]:  # fmt: skip
    """(focus areas, municipalities, {(focus, kommun): text}) for the given reports: focus
    areas in the contract's order, then the hubs' own; municipalities in the region's
    order."""
    by_cell: dict[tuple[str, str], list] = {}
    for r in reports:
        for p in r.plan:
            by_cell.setdefault((p.fokusomrade or C.EMPTY_CATEGORY, r.kommun), []).append(p)
    standard = list(C.LIST_BY_KEY["fokusomrade"].values)
    found = {f for f, _ in by_cell}
    focus = [f for f in standard if f in found] + sorted(found - set(standard), key=str.casefold)
    kommuner = [k for k in region.names if any(m == k for _, m in by_cell)]
    return focus, kommuner, {cell: plan_cell(plans) for cell, plans in by_cell.items()}


def _plans(book: Workbook, result: ConsolidationResult) -> None:
    year = result.latest_year
    focus, kommuner, cells = plan_matrix(result.reported_in_county(year), result.region)
    widths = (PLAN_FOCUS_WIDTH, *(PLAN_KOMMUN_WIDTH for _ in kommuner))
    sheet = Sheet(book, SHEET_PLANS, widths, county=result.region.title)
    follow = C.PLAN.column("uppfoljning").header.lower()
    future = C.PLAN.column("framtidsplan").header.lower()
    sheet.heading(f"Verksamhetsplaner {year or ''} – fokusområde och kommun sida vid sida".strip(), [
        (f"Planerna för {year} från de {len(kommuner)} kommuner som har skickat en plan. Varje "
         f"ruta: aktivitet (status), {follow} och {future}. Äldre års planer visas inte."
         if year else "Inga planer ännu.", LEAD)])  # fmt: skip
    header_row = sheet.header([C.PLAN.column("fokusomrade").header, *kommuner])
    size = PLAN_TEXT_SIZE
    focus_look = body(align="left", wrap=True, bold=True, color=COLOR_DARK, fill=COLOR_GROUP)
    text_look = body(align="left", wrap=True, size=size)
    for f in focus:
        texts = [cells.get((f, k)) for k in kommuner]
        height = max(row_height([(f, PLAN_FOCUS_WIDTH)], bold=True),
                     row_height([(t, PLAN_KOMMUN_WIDTH) for t in texts], size=size))
        sheet.add([f, *texts], [focus_look, *(text_look for _ in texts)], height=height)
    if not focus:
        sheet.add(["Ingen kommun har skickat en plan ännu."], TEXT)
    pages = max(1, math.ceil(len(kommuner) / PLANS_PER_PAGE))
    for i in range(1, pages):
        sheet.ws.col_breaks.append(Break(id=1 + i * PLANS_PER_PAGE))
    sheet.ws.print_title_cols = "A:A"
    sheet.finish(header_row, year, freeze=f"B{header_row + 1}", pages_wide=pages)


# --------------------------------------------------------------------------- Avvikelser

KIND_RANK = {KIND_JUMP: 1, KIND_PEERS: 2}


def _outliers(book: Workbook, result: ConsolidationResult) -> None:
    sheet = Sheet(book, SHEET_OUTLIERS, OUTLIER_WIDTHS, county=result.region.title)
    rank = result.region.rank
    rows = sorted(result.outliers, key=lambda o: (KIND_RANK.get(o.kind, 0), -o.year,
                                                  rank(o.kommun), o.kommun))
    problems = sum(o.kind not in KIND_RANK for o in rows)
    lead = [count(problems, "anmärkning på filerna", "anmärkningar på filerna"),
            count(len(rows) - problems, "siffra avviker", "siffror avviker")]
    lead = [p for p, n in zip(lead, (problems, len(rows) - problems), strict=True) if n]
    sheet.heading("Avvikelser att titta på", [
        (join(lead).capitalize() + "." if lead else "Inga avvikelser hittades.", LEAD),
        ("Först anmärkningar på filerna (det som anmärks ingår inte i länets siffror), sedan "
         "stora förändringar mot förra året (mer än 50 % och mer än 10) och värden långt från "
         "de andra kommunerna (robust z över 3,5). Siffror sedan start jämförs inte: de växer "
         "varje år.", NOTE)])  # fmt: skip
    header_row = sheet.header(OUTLIER_COLUMNS, ["left", "center", "left", "left", "right",
                                                "right", "left"])  # fmt: skip
    wrap = OUTLIER_COLUMNS.index("Förklaring")
    for o in rows:
        number_format = UNIT_FORMATS.get(o.unit, "0.00" if o.unit == UNIT_RATIO else FMT_INT)
        values = [o.kommun, o.year, o.kind, o.key, o.value, o.comparison, o.explanation]
        looks = [body(align="left"), body(align="center"), body(align="left", wrap=True),
                 body(align="left", wrap=True), body(number_format), body(number_format),
                 body(align="left", wrap=True, indent=1)]  # fmt: skip
        height = row_height([(o.explanation, OUTLIER_WIDTHS[wrap]), (o.kind, OUTLIER_WIDTHS[2]),
                             (o.key, OUTLIER_WIDTHS[3])])  # fmt: skip
        sheet.add(values, looks, height=height if height > ROW_HEIGHT_PT else None)
    add_table(sheet.ws, "tblAvvikelser", OUTLIER_COLUMNS, len(rows), first_row=header_row,
              style="TableStyleLight1", stripes=False)  # fmt: skip
    sheet.finish(header_row, result.latest_year, freeze=f"A{header_row + 1}",
                 years=[o.year for o in rows])


# --------------------------------------------------------------------------- the book


def write_county(result: ConsolidationResult, out: Path | Output) -> Path:
    """Write the county workbook for ``result`` atomically to ``out`` (an earlier county
    workbook of ours may be replaced, never a file read or another file)."""
    county = {y: county_rows([r for r in result.reports if r.year == y]) for y in result.years}
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = f"halsocenter {__version__}"
    book.properties.title = f"{result.region.title} – länets sammanställning"
    book.properties.language = "sv-SE"
    _overview(book, result, county)
    _reporting(book, result)
    _breakdowns(book, result, county)
    data_rows, data_styles = _data(book, result, county)
    _trends(book, result)
    _plans(book, result)
    _outliers(book, result)
    return save_with_rows(book, Output.command("region", out), {DATA_SHEET: data_rows},
                          styles={DATA_SHEET: data_styles})


