"""The county workbook as the region sees it: a full county of 13 export files with earlier
years, written by `region`, then measured — named fonts, number formats, frozen headers, print
setup, header heights against their text, charts with data in every category and an
alternative text — and rendered by LibreOffice (page counts, the Översikt page)."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.utils import get_column_letter, range_boundaries

from conftest import lo_convert, needs_soffice
from examples import example_tables
from halsocenter.core import contract as C
from halsocenter.core.region_config import DEFAULT as DEFAULT_REGION
from halsocenter.core.stats import compute
from halsocenter.jobs import consolidate
from halsocenter.region import figures as F
from halsocenter.region.county_book import (
    PLANS_PER_PAGE,
    SHEET_BREAKDOWNS,
    SHEET_OUTLIERS,
    SHEET_OVERVIEW,
    SHEET_PLANS,
    SHEET_REPORTING,
    SHEET_TRENDS,
    WORD_BREAKS,
    fit_header,
)
from halsocenter.region.export import write_export
from halsocenter.xlsx.read import workbook_data
from halsocenter.xlsx.textfit import wrapped_lines

YEAR = 2024
NOW = datetime(2025, 3, 1, 9, 0)
SHEETS = (SHEET_OVERVIEW, SHEET_REPORTING, SHEET_BREAKDOWNS, C.DATA_SHEET, SHEET_TRENDS,
          SHEET_PLANS, SHEET_OUTLIERS)  # fmt: skip
HEADER_FILL = "1F4E79"


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    """All 13 municipalities for 2024 (earlier years from their Tidigare år) and the
    municipalities' 2023 files for about half of them."""
    folder = tmp_path_factory.mktemp("lan")
    for i, kommun in enumerate(DEFAULT_REGION.names):
        summary = compute(workbook_data(*example_tables(kommun, YEAR, seed=i)))
        write_export(summary, [], folder, created=datetime(2025, 2, 1, 8, i))
        if i % 2:
            old = compute(workbook_data(*example_tables(kommun, YEAR - 1, seed=100 + i)))
            write_export(old, [], folder, created=datetime(2024, 2, 1, 8, i))
    out = tmp_path_factory.mktemp("ut") / "Lanet.xlsx"
    result = consolidate(folder, out, now=NOW)
    assert len(result.reports) == 13 + 6 and not result.unreadable
    return out


@pytest.fixture(scope="module")
def book(county):
    return openpyxl.load_workbook(county)


def header_row(ws) -> int:
    """The table header: the first row whose first cell has the dark header fill."""
    for row in ws.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if cell.fill is not None and (cell.fill.fgColor.rgb or "").endswith(HEADER_FILL):
            return cell.row
    raise AssertionError(f"{ws.title}: ingen rubrikrad")


def test_sheets_in_order(book):
    assert book.sheetnames == list(SHEETS)


def test_every_cell_has_a_named_font_with_a_size(book):
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == "Calibri", (ws.title, cell.coordinate)
                    assert cell.font.sz, (ws.title, cell.coordinate)


def test_frozen_header_and_print_setup_on_every_sheet(book):
    for ws in book:
        top = header_row(ws)
        assert re.fullmatch(rf"[A-C]{top + 1}", ws.freeze_panes), (ws.title, ws.freeze_panes)
        assert ws.print_title_rows == f"${top}:${top}", ws.title
        setup = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert setup.paperSize in (9, "9"), ws.title
        # a long, narrow table prints portrait: twice the rows on a page
        assert setup.orientation == ("portrait" if ws.title == C.DATA_SHEET else "landscape")
        pages = math.ceil(13 / PLANS_PER_PAGE) if ws.title == SHEET_PLANS else 1
        assert int(setup.fitToWidth) == pages, ws.title
        assert int(setup.fitToHeight) == (1 if ws.title == SHEET_OVERVIEW else 0), ws.title
        assert ws.oddFooter.right.text == "Sida &P av &N"
    plans = book[SHEET_PLANS]
    assert plans.print_title_cols == "$A:$A"  # the focus areas on every page
    assert [b.id for b in plans.col_breaks.brk] == [1 + PLANS_PER_PAGE, 1 + 2 * PLANS_PER_PAGE]


def test_headers_are_tall_enough_and_never_break_inside_a_word(book):
    for ws in book:
        top = header_row(ws)
        height = ws.row_dimensions[top].height or 15
        for cell in ws[top]:
            if not isinstance(cell.value, str):
                continue
            width = ws.column_dimensions[get_column_letter(cell.column)].width
            lines = cell.value.split("\n")
            for word in " ".join(lines).split():
                assert len(word) <= width * 1.15, (ws.title, word, width)
            # even packed perfectly, the text needs this many lines; the row must hold them
            least = max(len(lines), math.ceil(len(cell.value) / (width * 1.3)))
            assert height >= 15 * least, (ws.title, cell.value, height)
    overview = book[SHEET_OVERVIEW]
    texts = [c.value for c in overview[header_row(overview)]]
    assert "Deltagar-\ntillfällen" in texts and "Uppfölj-\nningar" in texts
    assert set(WORD_BREAKS.values()) >= {"Styrgrupps-\nmöten"}


def test_wrapped_rows_fit_their_text(book):
    for name, col in ((SHEET_PLANS, None), (SHEET_OUTLIERS, 7), (SHEET_REPORTING, 11)):
        ws = book[name]
        for row in ws.iter_rows(min_row=header_row(ws) + 1):
            cells = [c for c in row if isinstance(c.value, str) and c.alignment.wrap_text
                     and (col is None or c.column == col)]  # fmt: skip
            for c in cells:
                size = c.font.sz or 11
                need = len(c.value.split("\n")) * 15 * size / 11
                assert (ws.row_dimensions[c.row].height or 15) >= min(need, 409), (name, c.row)


def test_number_formats(book):
    ws = book[SHEET_OVERVIEW]
    top = header_row(ws)
    labels = {fit_header(C.FIGURE_BY_KEY[k].label, 10.5): k
              for k in ("remisser", "andel_tillrackligt_aktiva_start", "vantetid_median_dagar",
                        "deltagartimmar")}  # fmt: skip
    for cell in ws[top]:
        key = labels.get(cell.value)
        if key:
            below = ws.cell(top + 1, cell.column)
            assert below.number_format == {"remisser": "#,##0", "deltagartimmar": "#,##0",
                                           "andel_tillrackligt_aktiva_start": "0 %",
                                           "vantetid_median_dagar": "0.0"}[key]  # fmt: skip
    data = book[C.DATA_SHEET]
    seen = {}
    for row in data.iter_rows(min_row=2, max_col=5):
        unit = C.FIGURE_BY_KEY[row[2].value].unit
        seen.setdefault(unit, set()).add(row[4].number_format)
    assert seen["andel"] == {"0 %"} and seen["antal"] == {"#,##0"} and seen["dagar"] == {"0.0"}
    outliers = book[SHEET_OUTLIERS]
    for row in outliers.iter_rows(min_row=header_row(outliers) + 1):
        if row[4].value is not None and "andel" in str(row[6].value).lower():
            assert row[4].number_format == "0 %"


def test_reporting_marks_yes_and_no_and_keeps_columns_apart(book):
    ws = book[SHEET_REPORTING]
    top = header_row(ws)
    assert "13 av 13 kommuner har rapporterat för 2024." in ws["A2"].value
    fills = {}
    for row in ws.iter_rows(min_row=top + 1):
        status = row[2]
        fills.setdefault(status.value, set()).add(status.fill.fgColor.rgb[-6:])
        for c in (row[5], row[6]):  # Mallversion beside Programversion: never "10.1.0"
            assert c.alignment.horizontal == "center"
    assert fills["Ja"] and fills["Nej"] and fills["Ja"].isdisjoint(fills["Nej"])


def _chart_refs(zf: zipfile.ZipFile, chart: str) -> tuple[str, list[str]]:
    xml = zf.read(chart).decode()
    cats = re.findall(r"<(?:c:)?cat>.*?<(?:c:)?f>([^<]+)</(?:c:)?f>", xml, re.S)
    vals = re.findall(r"<(?:c:)?val>.*?<(?:c:)?f>([^<]+)</(?:c:)?f>", xml, re.S)
    return (cats[0] if cats else ""), vals


def _chart_literals(zf: zipfile.ZipFile, chart: str) -> tuple[list[str], list[list[float | None]]]:
    """A chart given its values (Översikt's bars, ``county_book.ranked_bars``): the categories
    and each series' value per category (None where a point is missing)."""
    root = etree.fromstring(zf.read(chart))
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
    sers = root.findall(".//c:ser", ns)
    cats = [v.text for v in sers[0].find("c:cat", ns).iterfind(".//c:v", ns)]
    series = []
    for ser in sers:
        points = {int(pt.get("idx")): float(pt.find("c:v", ns).text)
                  for pt in ser.find("c:val", ns).iterfind(".//c:pt", ns)}  # fmt: skip
        series.append([points.get(i) for i in range(len(cats))])
    return cats, series


def test_every_chart_category_has_data_and_every_chart_an_alternative_text(county, book):
    with zipfile.ZipFile(county) as zf:
        charts = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 4
        for chart in charts:
            cat, vals = _chart_refs(zf, chart)
            xml = zf.read(chart).decode()
            if not cat:  # Översikt's bars carry their values (reversed: first on top)
                cats, series = _chart_literals(zf, chart)
                overview = book[SHEET_OVERVIEW]
                table = {r[0].value for r in overview.iter_rows() if r[1].value != F.NOT_REPORTED}
                assert cats and set(cats) <= table and len(cats) == len(set(cats))
                n_series = len(series)
            else:
                sheet, ref = cat.split("!")
                ws = book[sheet.strip("'")]
                c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
                n = (c2 - c1 + 1) * (r2 - r1 + 1)
                series = []
                for v in vals:
                    b = range_boundaries(v.split("!")[1].replace("$", ""))
                    series.append([ws.cell(r, c).value for r in range(b[1], b[3] + 1)
                                   for c in range(b[0], b[2] + 1)])  # fmt: skip
                cats = range(n)
                n_series = len(vals)
            for i in range(len(cats)):
                assert any(isinstance(s[i], (int, float)) for s in series), (chart, i)
            if re.search(r"<(c:)?lineChart>", xml):  # straight lines: Excel smooths when unsaid
                assert len(re.findall(r'<(?:c:)?smooth val="0"/>', xml)) == len(vals)
            assert re.search(r"<(c:)?dLbls>", xml)  # values written on the chart
            # a legend only when it says something
            assert bool(re.search(r"<(c:)?legend>", xml)) == (n_series > 1)
        for overview_chart in charts[:2]:
            assert not _chart_refs(zf, overview_chart)[0]  # Översikt's, with their values
        drawings = [n for n in zf.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)]
        frames = [m for d in drawings for m in re.findall(r"<cNvPr ([^>]*)/>", zf.read(d).decode())]
        assert len(frames) == 4
        for attrs in frames:
            descr = re.search(r'descr="([^"]+)"', attrs)[1]
            assert len(descr) > 60 and re.search(r"\d", descr), descr
            assert re.search(r'title="[^"]+"', attrs)  # a short title beside the description
    ws = book[SHEET_OVERVIEW]
    assert sum(1 for r in ws.iter_rows(min_col=1, max_col=1) if r[0].value in DEFAULT_REGION.names) == 13


def test_trends_show_how_many_municipalities_stand_behind_lanet(book):
    ws = book[SHEET_TRENDS]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    lan = [i for i, r in enumerate(rows) if r[0] == "Länet"]
    assert lan and all(rows[i + 1][0] == "Kommuner med värde" for i in lan)
    years = rows[header_row(ws) - 1][1:]
    counts = rows[lan[0] + 1][1:1 + len([y for y in years if isinstance(y, int)])]
    assert counts[-1] == 13 and all(isinstance(n, int) and 0 < n <= 13 for n in counts)
    assert any("fler kommuner rapporterar" in str(r[0]) for r in rows[:4])


def test_plans_side_by_side_for_the_latest_year(book):
    ws = book[SHEET_PLANS]
    top = header_row(ws)
    assert [c.value for c in ws[top]] == ["Fokusområde", *DEFAULT_REGION.names]
    assert f"Planerna för {YEAR}" in ws["A2"].value
    focus = [ws.cell(r, 1).value for r in range(top + 1, ws.max_row + 1)]
    order = list(C.LIST_BY_KEY["fokusomrade"].values)
    assert focus == [f for f in order if f in focus]
    for r in range(top + 1, ws.max_row + 1):
        text = ws.cell(r, 2).value or ""
        lines = sum(wrapped_lines(t, 32, size=10) for t in text.split("\n")) if text else 1
        assert ws.row_dimensions[r].height >= min(409, lines * 15 * 10 / 11) - 0.1


def test_no_cumulative_figures_among_the_outliers(book):
    ws = book[SHEET_OUTLIERS]
    labels = {C.FIGURE_BY_KEY[k].label for k in C.FIGURE_BY_KEY if k.endswith("_sedan_start")}
    for row in ws.iter_rows(min_row=header_row(ws) + 1, values_only=True):
        assert row[3] not in labels


# --------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def county_pdf(county, tmp_path_factory) -> Path:
    return lo_convert(county, "pdf", tmp_path_factory.mktemp("pdf"))


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    return text.split("\f")[:-1]


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_prints_each_sheet_in_reasonable_pages(county_pdf, book):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext saknas")
    pages = _pages(county_pdf)
    # each page's header names its sheet and the year, or the span of years the sheet holds
    per_sheet = {s: sum(1 for p in pages if re.search(rf"{s} (?:\d{{4}}–)?{YEAR}\s*\n", p))
                 for s in SHEETS}  # fmt: skip
    assert per_sheet[SHEET_OVERVIEW] == 1  # the overview is one page
    data_rows = book[C.DATA_SHEET].max_row - 1
    assert per_sheet[C.DATA_SHEET] <= math.ceil(data_rows / 45) + 1
    assert all(n >= 1 for n in per_sheet.values()), per_sheet
    assert sum(per_sheet.values()) == len(pages)  # no page without its sheet's header
    first = pages[0]
    assert "13 av 13 kommuner har rapporterat för 2024" in first
    assert "Länet" in first and "Remisser och kontakter samt första samtal per kommun 2024" in first


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_renders_the_overview_across_the_page(county_pdf):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm saknas")
    import matplotlib.image as mpimg

    stem = county_pdf.with_name("oversikt")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(county_pdf),
                    str(stem)], check=True, timeout=60)  # fmt: skip
    image = mpimg.imread(next(county_pdf.parent.glob("oversikt*.png")))
    ink = image[..., :3].mean(axis=2) < 0.9
    h, w = ink.shape
    lower = ink[h // 2:]  # the charts
    assert lower[:, : w // 2].mean() > 0.01 and lower[:, w // 2:].mean() > 0.01
