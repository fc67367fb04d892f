"""What people look at, round two: every output printed, published and read without colour, each
point of the issue measured on the written file.

- one palette (``core.palette``) that meets WCAG 2.1 AA, used by every chart: the series colours
  read back from the chart XML of the workbooks and from the pixels of the Word reports'
  pictures have 3:1 against white, and every text colour 4.5:1 against its background;
- nothing told by colour alone: each line its own marker and dash, each bar series after the
  first its own pattern, legends in the order the bars stand (in Excel and LibreOffice);
- printing: print titles, A4 one page wide, header and footer on every sheet of the summary,
  the export file and the county workbook; no shrink-to-fit anywhere; every font named;
- the blank template prints as a paper form, Listor at full size;
- the Word reports: clean document properties, real links, captions and headings in Word's
  own styles, no empty paragraphs for spacing, no figure told twice in the prose, the
  steering group with the municipality, the focus areas and the concept page.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import docx
import matplotlib.image as mpimg
import numpy as np
import openpyxl
import pytest
from docx.oxml.ns import qn
from lxml import etree

from coach_mistakes import mistaken_tables
from conftest import EXAMPLES, TEMPLATE, lo_convert, needs_soffice
from examples import example_tables, workbook_from_tables
from halsocenter.cli import main
from halsocenter.core import contract as C
from halsocenter.core import palette as P
from halsocenter.core.region_config import DEFAULT
from halsocenter.core.stats import compute
from halsocenter.core.swedish import PHRASES
from halsocenter.report.document import write_report
from halsocenter.report.template_keys import (
    LINK_STYLE,
    NOTE_STYLE,
    OWN_TEXT_STYLE,
    TABLE_TITLE_STYLE,
)
from halsocenter.sheets import content as S
from halsocenter.sheets import kontroll as K
from halsocenter.xlsx import template
from halsocenter.xlsx.read import read_workbook, workbook_data
from privacy_builders import make_number

CHART_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
            "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}  # fmt: skip
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
VAGGERYD = EXAMPLES / "Vaggeryd_2023.xlsx"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> dict[str, Path]:
    """The demo's outputs: Vaggeryd 2023's summary, Word report and export file, and the
    county workbook and report from every example's export."""
    root = tmp_path_factory.mktemp("presentation")
    exports = root / "till_regionen"
    for wb in sorted(EXAMPLES.glob("*.xlsx")):
        assert main(["export", str(wb), "-o", str(exports)]) == 0
    files = {"summary": root / "sammanstallning.xlsx", "report": root / "rapport.docx",
             "county": root / "Lanet.xlsx", "county_report": root / "Lanet.docx",
             "export": exports / "Halsocenter_Vaggeryd_2023.xlsx"}  # fmt: skip
    assert main(["summary", str(VAGGERYD), "-o", str(files["summary"])]) == 0
    assert main(["report", str(VAGGERYD), "-o", str(files["report"])]) == 0
    assert main(["region", str(exports), "-o", str(files["county"]), "--rapport",
                 str(files["county_report"])]) == 0  # fmt: skip
    return files


# --------------------------------------------------------------------------- the palette


def test_the_palette_meets_wcag_aa():
    assert all(P.contrast(c) >= 3 for c in P.SERIES), "3:1 for graphical objects"
    for text, background in P.TEXT_PAIRS:
        assert P.contrast(text, background) >= 4.5, (text, background)
    n = len(P.SERIES)
    for looks in (P.SERIES_MARKERS, P.SERIES_DASHES, P.SERIES_PATTERNS, P.MPL_MARKERS,
                  P.MPL_DASHES, P.MPL_HATCHES):  # fmt: skip
        assert len(set(looks)) == len(looks) == n  # each series its own, beside its colour
    # the ratio itself: black on white is 21:1, a colour on itself 1:1, and it is symmetric
    assert round(P.contrast("000000"), 2) == 21 and P.contrast("2E75B6", "2E75B6") == 1
    assert P.contrast("FFFFFF", "1F4E79") == P.contrast("1F4E79", "FFFFFF")


def test_no_output_writes_a_colour_of_its_own():
    """Every colour of the code that draws outputs comes from the palette: no hex colour is
    written anywhere else (the old chart colours #F4B183, #A9D18E, #6FA8B3, #C9A227 were)."""
    root = Path(__file__).resolve().parents[1]
    sources = [*root.glob("addin/halsocenter/**/*.py"), *root.glob("scripts/*template_builder.py")]
    colour = re.compile(r"""["'#](?:[0-9A-Fa-f]{6})["']""")
    found = {}
    for path in sources:
        if path.name == "palette.py":
            continue
        hits = colour.findall(path.read_text())
        if hits:
            found[str(path.relative_to(root))] = hits
    assert found == {}


# --------------------------------------------------------------------------- workbook charts


def _charts(path: Path) -> list[tuple[str, etree._Element]]:
    with zipfile.ZipFile(path) as zf:
        return [(n, etree.fromstring(zf.read(n))) for n in sorted(zf.namelist())
                if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]  # fmt: skip


def _series_colours(ser) -> list[str]:
    """The colours a series is drawn in: its fill, pattern background, line and marker."""
    paths = ("c:spPr/a:solidFill/a:srgbClr", "c:spPr/a:pattFill/a:bgClr/a:srgbClr",
             "c:spPr/a:ln/a:solidFill/a:srgbClr", "c:marker/c:spPr/a:solidFill/a:srgbClr")
    return [e.get("val") for p in paths for e in ser.findall(p, CHART_NS)]


@pytest.mark.parametrize("which", ["summary", "county"])
def test_every_chart_series_has_3_to_1_against_white(out, which):
    charts = _charts(out[which])
    assert len(charts) >= 4
    for name, root in charts:
        for ser in root.iterfind(".//c:ser", CHART_NS):
            colours = _series_colours(ser)
            assert colours, (name, "a series in the application's default colours")
            for colour in colours:
                assert P.contrast(colour) >= 3, (name, colour)


@pytest.mark.parametrize("which", ["summary", "county"])
def test_series_differ_in_more_than_colour(out, which):
    """Lines: each its own marker and dash. Bars of a chart with several series: each its own
    fill (solid, then patterns), so the legend can be read without colour."""
    lines = 0
    for name, root in _charts(out[which]):
        for chart in root.iterfind(".//c:lineChart", CHART_NS):
            sers = chart.findall("c:ser", CHART_NS)
            markers = [s.find("c:marker/c:symbol", CHART_NS).get("val") for s in sers]
            dashes = [s.find("c:spPr/a:ln/a:prstDash", CHART_NS).get("val") for s in sers]
            assert len(set(markers)) == len(set(dashes)) == len(sers) > 1, name
            assert "none" not in markers
            lines += 1
        for chart in root.iterfind(".//c:barChart", CHART_NS):
            sers = chart.findall("c:ser", CHART_NS)
            fills = [(s.find("c:spPr/a:pattFill", CHART_NS).get("prst")
                      if s.find("c:spPr/a:pattFill", CHART_NS) is not None else "solid")
                     for s in sers]  # fmt: skip
            assert len(set(fills)) == len(sers), (name, fills)
    assert lines == (1 if which == "county" else 0)  # Trender's lines


def _top_down(chart) -> tuple[list[str], list[str], list[str]]:
    """(bars top-down within a category, Excel's legend, LibreOffice's legend) of a horizontal
    bar chart. Excel draws the first series at the bottom unless the category axis is reversed
    and turns its legend to match the bars; LibreOffice lists a bar chart's legend last series
    first, whichever way the axis runs."""
    names = ["".join(s.find("c:tx", CHART_NS).itertext()) for s in chart.findall("c:ser", CHART_NS)]
    orientation = chart.getparent().find("c:catAx/c:scaling/c:orientation", CHART_NS).get("val")
    bars = names if orientation == "maxMin" else names[::-1]
    return bars, bars, names[::-1]


def test_legends_list_the_series_in_the_order_of_the_bars(out):
    seen = 0
    for which in ("summary", "county"):
        for name, root in _charts(out[which]):
            for chart in root.iterfind(".//c:barChart", CHART_NS):
                if len(chart.findall("c:ser", CHART_NS)) < 2:
                    assert root.find(".//c:legend", CHART_NS) is None, name  # nothing to tell
                    continue
                if chart.find("c:barDir", CHART_NS).get("val") != "bar":
                    continue  # columns: series left to right, legend left to right
                bars, excel, libreoffice = _top_down(chart)
                assert bars == excel == libreoffice, name
                seen += 1
    assert seen == 1  # Översikt's referrals and first talks


def test_the_overview_chart_has_the_first_municipality_on_top(out):
    (root,) = [r for n, r in _charts(out["county"])
               if "samt första samtal per kommun" in "".join(r.find(".//c:title", CHART_NS).itertext())]
    chart = root.find(".//c:barChart", CHART_NS)
    cats = [v.text for v in chart.find("c:ser/c:cat", CHART_NS).iterfind(".//c:v", CHART_NS)]
    # the natural direction puts the last category on top, so the list is the table's reversed
    reported = ["Eksjö", "Gislaved", "Vaggeryd", "Värnamo"]
    assert cats == reported[::-1]
    names = ["".join(s.find("c:tx", CHART_NS).itertext()) for s in chart.findall("c:ser", CHART_NS)]
    assert names == ["Första samtal", "Remisser och kontakter"]  # so Remisser is on top
    values = [float(v.text) for v in chart.find("c:ser[2]/c:val", CHART_NS).iterfind(".//c:v", CHART_NS)]
    book = openpyxl.load_workbook(out["county"])
    table = {r[0].value: r for r in book["Översikt"].iter_rows() if r[0].value in reported}
    header = next(r for r in book["Översikt"].iter_rows() if r[0].value == "Kommun")
    at = next(c.column - 1 for c in header if str(c.value).replace("\n", " ").startswith("Remisser"))
    assert values == [table[k][at].value for k in reported[::-1]]


# --------------------------------------------------------------------------- printing


def _fonts(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as zf:
        styles = etree.fromstring(zf.read("xl/styles.xml"))
    return styles.findall(f".//{MAIN}font")


def _written_workbooks(out) -> dict[str, Path]:
    return {"mall": TEMPLATE, "exempel": VAGGERYD, "sammanställning": out["summary"],
            "export": out["export"], "län": out["county"]}  # fmt: skip


def test_every_font_is_named_and_nothing_shrinks_to_fit(out):
    for what, path in _written_workbooks(out).items():
        fonts = _fonts(path)
        assert fonts and all(f.find(f"{MAIN}name") is not None for f in fonts), what
        assert all(f.find(f"{MAIN}name").get("val") == "Calibri" for f in fonts), what
        with zipfile.ZipFile(path) as zf:
            styles = zf.read("xl/styles.xml").decode()
        assert "shrinkToFit" not in styles, what


def _printed(ws, *, titles: bool = True) -> None:
    assert ws.page_setup.paperSize in ("9", 9), ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
    assert ws.oddFooter.right.text == "Sida &P av &N" and ws.oddFooter.left.text == "&A"
    assert ws.oddHeader.left.text and ws.oddHeader.right.text, ws.title
    if titles:
        assert ws.print_title_rows, ws.title


def test_the_summary_file_prints_with_titles_header_and_footer(out):
    book = openpyxl.load_workbook(out["summary"])
    _printed(book[C.SUMMARY_SHEET], titles=False)  # page 1 is its own title
    _printed(book[C.DATA_SHEET], titles=False)  # a frozen table (Rapportdata) prints plain
    kontroll = book[C.CHECK_SHEET]
    _printed(kontroll)
    header = next(r[0].row for r in kontroll.iter_rows()
                  if tuple(c.value for c in r[:8]) == C.KONTROLL_FINDING_COLUMNS[:8])
    assert kontroll.print_title_rows == f"${header}:${header}"  # the list's, on every page


def test_the_export_file_prints_every_sheet(out):
    book = openpyxl.load_workbook(out["export"])
    for ws in book.worksheets:
        _printed(ws, titles=ws.title != "Info")
        assert "Vaggeryd" in ws.oddHeader.left.text and "2023" in ws.oddHeader.right.text
        header = next(ws.iter_rows(max_row=1))
        for cell in header:
            if ws.title != "Info":
                assert cell.font.b and cell.font.name == "Calibri", (ws.title, cell.value)
                width = ws.column_dimensions[cell.column_letter].width
                assert len(str(cell.value)) * 1.1 <= width, (ws.title, cell.value)  # not cut
    plan = book["Plan"]
    assert plan.page_setup.orientation == "landscape"
    for row in plan.iter_rows(min_row=2):
        texts = [c for c in row if isinstance(c.value, str)]
        assert all(c.alignment.wrap_text for c in texts if len(c.value) > 20), row[0].row
        assert plan.row_dimensions[row[0].row].height  # tall enough for the wrapped text


def test_the_county_workbook_names_the_years_each_page_holds(out):
    book = openpyxl.load_workbook(out["county"])
    for ws in book.worksheets:
        _printed(ws)
        years = set()
        for row in ws.iter_rows():
            for c in row[:2]:
                if isinstance(c.value, int) and 2000 <= c.value <= 2100:
                    years.add(c.value)
        header = ws.oddHeader.right.text
        shown = [int(y) for y in re.findall(r"\d{4}", header)]
        if ws.title in ("Rapportdata", "Inrapportering", "Avvikelser"):
            assert years and min(years) >= shown[0] and max(years) <= shown[-1], ws.title
    assert book["Rapportdata"].oddHeader.right.text == "Rapportdata 2023–2024"


def test_the_county_workbooks_sentences_wrap_within_the_page(out):
    """A sentence under a sheet's title is merged over the sheet's columns and wrapped, so the
    page is as wide as the table and nothing is cut at its right edge."""
    book = openpyxl.load_workbook(out["county"])
    for ws in book.worksheets:
        if ws.title == "Rapportdata":
            continue
        merged = {r.min_row for r in ws.merged_cells.ranges if r.min_col == 1 and r.min_row < 8}
        for row in ws.iter_rows(min_row=2, max_row=7, max_col=1):
            cell = row[0]
            if isinstance(cell.value, str) and len(cell.value) > 60:
                assert cell.row in merged and cell.alignment.wrap_text, (ws.title, cell.value)


def test_summary_sheet_labels_say_what_the_key_figures_say(out):
    book = openpyxl.load_workbook(out["summary"])
    ws = book[C.SUMMARY_SHEET]
    summary = compute(read_workbook(VAGGERYD))
    layout = S.summary_blocks(summary)
    hist = layout.block("historik")
    header = [ws.cell(hist.first_row, hist.left + j).value for j in range(4)]
    assert header[1:] == [C.FIGURE_BY_KEY[k].label for k in C.HISTORY_KEYS]
    assert header[1] == "Remisser och kontakter"  # what the key figures call it
    key = layout.block("nyckeltal")
    change = [ws.cell(key.first_row, key.left + j).value for j in range(5)]
    assert S.TXT_CHANGE_SHARE in change and "%" not in S.TXT_CHANGE_SHARE
    subtitle = ws.cell(S.SUBTITLE_ROW, 1).value
    assert "Mallversion" not in subtitle and "Programversion" not in subtitle
    versions = layout.block("versioner")
    assert versions.last_row == layout.last_row and "Programversion" in versions.rows[0][0]
    assert versions.top > layout.block("definitioner").last_row
    labels = {ws.cell(r, 1).value for r in range(key.first_row, key.last_row + 1)}
    assert "Deltagare, aktivitetstyp Föreläsning" in labels
    assert any("alla aktivitetstyper" in c.title for c in layout.charts)


@pytest.mark.parametrize("name", ["Vaggeryd_2023", "Gislaved_2024"])
def test_summary_pages_are_filled_and_no_focus_area_is_split(name):
    """After the overview and the referrals, the pages flow: the plan goes on under the
    activities, a focus area moves to a new page only when it would not fit, and the
    definitions with the versions stay whole. Measured with the rows' heights on a page of
    Excel's scale for the sheet's columns."""
    summary = compute(read_workbook(EXAMPLES / f"{name}.xlsx"))
    layout = S.summary_blocks(summary)
    breaks = layout.page_breaks
    heights = S._heights(layout.blocks)
    capacity = S.page_capacity_pt()

    def used(first: int, last: int) -> float:
        return sum(heights.get(r, S.ROW_HEIGHT_PT) for r in range(first, last + 1))

    pages = list(zip([0, *breaks], [*breaks, layout.last_row], strict=True))
    for first, last in pages[2:]:  # the pages that flow: activities, plan, definitions
        assert used(first + 1, last) <= capacity, (first, last)
    for b in layout.blocks:
        if b.kind == "plan":  # a focus area never runs over a break
            assert not any(b.top <= r < b.last_row for r in breaks), b.name
    defs = layout.block("definitioner")
    assert not any(defs.top <= r < layout.last_row for r in breaks)
    # every break of the flow was needed: what follows it did not fit on the page before
    for (first, last), brk in zip(pages[2:], breaks[2:], strict=False):
        following = next(b for b in layout.blocks if b.top > brk and b.kind in ("plan",
                                                                              "definitions"))
        end = following.last_row if following.kind == "plan" else layout.last_row
        assert used(first + 1, last) + used(brk + 1, end) > capacity, (brk, following.name)
    assert len(pages) <= 6


# --------------------------------------------------------------------------- Kontroll


@pytest.fixture(scope="module")
def mistaken(tmp_path_factory) -> tuple[Path, Path]:
    """Vaggeryd 2024 with the coach's mistakes and a personnummer in a comment, and its
    summary file."""
    root = tmp_path_factory.mktemp("kontroll")
    tables, settings = mistaken_tables()
    n = make_number(date(1981, 12, 24), 123)
    tables["remisser"][3]["kommentar"] = f"Ring {n.century}{n.short}-{n.serial} om tid"
    src = template.write_workbook(workbook_from_tables(tables, settings), root / "fel.xlsx")
    dst = root / "fel_sammanstallning.xlsx"
    assert main(["summary", str(src), "-o", str(dst)]) == 0
    return src, dst


def test_kontroll_prints_the_summary_and_the_first_of_each_kind_first(mistaken):
    _, summary_file = mistaken
    ws = openpyxl.load_workbook(summary_file)[C.CHECK_SHEET]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows, 1) if tuple(r[:8]) == C.KONTROLL_FINDING_COLUMNS[:8])
    assert ws.print_title_rows == f"${header}:${header}"
    rest = next(i for i, r in enumerate(rows, 1) if r[0] == K.TITLE_REST)
    assert [b.id for b in ws.row_breaks.brk][-1] == rest - 1  # the rest from a new page
    first_part = rows[header:rest - 1]
    by_rule: dict[tuple, int] = {}  # a kind: rule, sheet and column
    for r in first_part:
        if r[0] in ("Fel", "Varning"):
            by_rule[r[8], r[1], r[3]] = by_rule.get((r[8], r[1], r[3]), 0) + 1
    assert by_rule and max(by_rule.values()) <= K.FIRST_LISTED
    assert any(str(r[6] or "").startswith("… och") and "Resten" in str(r[6]) for r in first_part)
    # colour marks the severity cell only: no page of pink rows, links on white
    for row in ws.iter_rows(min_row=header + 1):
        if row[0].value in ("Fel", "Varning"):
            assert row[0].fill.fgColor.rgb[-6:] in (P.ERROR_FILL, P.WARNING_FILL)
            assert all(c.fill.fill_type is None for c in row[1:8]), row[0].row


def test_a_masked_number_is_never_broken_across_lines(mistaken):
    _, summary_file = mistaken
    ws = openpyxl.load_workbook(summary_file)[C.CHECK_SHEET]
    texts = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    masked = [t for t in texts if "**" in t]
    assert masked and all("**-****" not in t for t in masked)
    assert all(f"**{K.NO_BREAK_HYPHEN}****" in t for t in masked)
    assert K.unbroken("198112**-**** och 8501**-****") == (
        "198112**\u2011**** och 8501**\u2011****")
    assert K.unbroken("2024-03-15 till 2024-04") == "2024-03-15 till 2024-04"  # dates keep theirs


# --------------------------------------------------------------------------- the blank template


def test_each_input_sheet_of_the_template_is_a_paper_form():
    book = openpyxl.load_workbook(TEMPLATE)
    for spec in C.TABLES:
        ws = book[spec.sheet]
        rows, height = template.form_rows(spec)
        assert rows >= 15 and height >= 15, spec.sheet
        for r in range(2, 2 + rows):
            assert ws.row_dimensions[r].height == height, (spec.sheet, r)
            for c in range(1, len(spec.columns) + 1):
                border = ws.cell(r, c).border
                assert border.bottom.style == "thin" and border.left.style == "thin"
        assert ws.cell(2 + rows, 1).border.bottom.style is None  # one page, not 5 000 rows
        # printed, a ruled row is at least 6 mm tall on paper
        widths = [c.width for c in spec.columns]
        scale = min(1.0, int(100 * (841.89 - 72) / sum((w * 7 + 5) * 0.75 for w in widths)) / 100)
        assert height * scale >= 17, spec.sheet
    listor = book[C.LISTS_SHEET]
    assert not listor.sheet_properties.pageSetUpPr.fitToPage and listor.page_setup.scale == 100


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_the_blank_template_prints_forms_and_readable_lists(tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext saknas")
    pdf = lo_convert(TEMPLATE, "pdf", tmp_path)
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    pages = bbox.split("<page ")[1:]
    sheet_of = {}
    for i, page in enumerate(pages):
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', page)
        sheet_of[i] = words
    listor = [i for i, words in sheet_of.items() if any(w[2] == "Kommun" for w in words)
              and any(w[2] == "Aneby" for w in words)]  # fmt: skip
    assert listor
    for i in listor:
        heights = [float(b) - float(a) for a, b, w in sheet_of[i] if w in ("Aneby", "Vårdcentral",
                                                                         "Kvinna", "FaR")]
        assert heights and min(heights) >= 9, heights  # about 11 pt, never 4
    narvaro = [i for i, words in sheet_of.items() if any(w[2] == "Deltagar-ID" for w in words)]
    assert len(narvaro) == 1  # the blank form: one page


# --------------------------------------------------------------------------- Word reports


def _body(document):
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield docx.text.paragraph.Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield docx.table.Table(child, document)


@pytest.mark.parametrize("which", ["report", "county_report"])
def test_no_empty_paragraph_is_used_for_spacing(out, which):
    document = docx.Document(str(out[which]))
    items = list(_body(document))
    for i, item in enumerate(items):
        if not isinstance(item, docx.text.paragraph.Paragraph):
            continue
        has_picture = item._p.findall(".//" + qn("w:drawing"))
        last_after_table = i == len(items) - 1 and isinstance(items[i - 1], docx.table.Table)
        assert item.text.strip() or has_picture or last_after_table, (i, item.style.name)
        assert not item._p.findall(".//" + qn("w:br")), "a page break as an empty line"


@pytest.mark.parametrize("which", ["report", "county_report"])
def test_document_properties_are_the_documents_own(out, which):
    document = docx.Document(str(out[which]))
    props = document.core_properties
    assert props.title and props.subject and props.author and props.language == "sv-SE"
    for text in (props.comments, props.keywords, props.title, props.subject):
        assert "Mall" not in text and "tagg" not in text and "{" not in text, text
    now = datetime.now(UTC)
    for stamp in (props.created, props.modified):
        assert now - timedelta(hours=1) <= stamp <= now + timedelta(minutes=1), stamp
    with zipfile.ZipFile(out[which]) as zf:
        app = zf.read("docProps/app.xml").decode()
    assert "<Application>halsocenter</Application>" in app
    assert "Macintosh" not in app and "Normal.dotm" not in app


@pytest.mark.parametrize("which", ["report", "county_report"])
def test_tables_and_charts_have_word_captions_not_look_alike_lines(out, which):
    document = docx.Document(str(out[which]))
    styles = {p.style.name for p in document.paragraphs}
    assert "Tabellrubrik" not in styles and TABLE_TITLE_STYLE == "Caption"
    assert document.styles[TABLE_TITLE_STYLE].style_id == "Caption"  # Word's own caption
    items = list(_body(document))
    for i, item in enumerate(items):
        if isinstance(item, docx.table.Table):
            before = items[i - 1]
            assert isinstance(before, docx.text.paragraph.Paragraph)
            assert before.style.name == TABLE_TITLE_STYLE or before.style.name.startswith(
                "Heading"), before.text
        elif item._p.findall(".//" + qn("w:drawing")):
            after = items[i + 1]
            assert after.style.name == TABLE_TITLE_STYLE, after.text  # a caption under it
    notes = [p for p in document.paragraphs if p.style.name == NOTE_STYLE]
    assert notes and all(not p.paragraph_format.keep_with_next for p in notes)


def test_the_report_links_the_region_and_its_concept_page(out):
    document = docx.Document(str(out["report"]))
    rels = {r.rId: r.target_ref for r in document.part.rels.values() if r.is_external}
    links = []
    for p in document.paragraphs:
        for h in p._p.iterfind(qn("w:hyperlink")):
            text = "".join(t.text or "" for t in h.iter(qn("w:t")))
            style = h.find(f"{qn('w:r')}/{qn('w:rPr')}/{qn('w:rStyle')}")
            assert style is not None and style.get(qn("w:val")) == LINK_STYLE
            links.append((text, rels[h.get(qn("r:id"))]))
    assert ("www.rjl.se", "https://www.rjl.se") in links
    assert ("Konceptet Hälsocenter i Jönköpings län", C.DEFAULT_CONCEPT_PAGE) in links
    assert document.styles[LINK_STYLE].font.underline
    intro = next(p for p in document.paragraphs if p.text.startswith("I det här dokumentet"))
    for area in C.FOCUS_AREAS:
        assert area.lower() in intro.text.lower(), area


def test_a_region_without_a_website_gets_no_link(tmp_path):
    region = dataclasses.replace(DEFAULT, website=None, concept_page=None)
    assert region.website_url is None
    from halsocenter.report.document import region_context

    ctx = region_context(region)
    assert ctx["webbplats_lank"] == "" and ctx["konceptsida"] == ""


def _prose(document) -> list[str]:
    """The program's own sentences: body paragraphs outside tables, captions and notes, and not
    the hub's own text."""
    skip = {OWN_TEXT_STYLE, TABLE_TITLE_STYLE, NOTE_STYLE, "Title", "Subtitle"}
    return [p.text for p in document.paragraphs
            if p.style.name not in skip and not p.style.name.startswith("Heading")]


def test_no_figure_is_told_twice_in_the_prose(out):
    document = docx.Document(str(out["report"]))
    text = "\n".join(_prose(document))
    summary = compute(read_workbook(VAGGERYD))
    told = 0
    for key, phrase in PHRASES.items():
        value = summary.value(key) if key in C.FIGURE_BY_KEY else None
        if not value:
            continue
        said = phrase(value)
        assert text.count(said) <= 1, said
        told += text.count(said)
    assert told >= 10
    # and not a number of meetings in the sentence after the one that gave it
    assert "Av de 4 mötena" not in text


def test_the_steering_group_sentence_names_the_municipality(out):
    document = docx.Document(str(out["report"]))
    text = next(p.text for p in document.paragraphs if p.text.startswith("Styrgruppen har haft"))
    assert text == ("Styrgruppen har haft 4 möten under 2023. Kommun, vårdcentral och Folkhälsa "
                    "RJL var med vid alla och invånarrepresentant vid 2.")


def test_the_year_is_told_in_short_points(out):
    document = docx.Document(str(out["report"]))
    paragraphs = document.paragraphs
    lead = next(i for i, p in enumerate(paragraphs) if p.text == "Året 2023 i korthet:")
    points = []
    for p in paragraphs[lead + 1:]:
        if p.style.name != "List Bullet":
            break
        points.append(p.text)
    assert len(points) >= 5
    assert all(len(p) <= 110 and p.count(".") <= 2 for p in points), points


@pytest.mark.parametrize("which", ["report", "county_report"])
def test_every_chart_colour_in_the_word_reports_has_3_to_1(out, which):
    with zipfile.ZipFile(out[which]) as zf:
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert len(media) >= 4
        for name in media:
            image = mpimg.imread(io.BytesIO(zf.read(name)), format="png")[..., :3]
            pixels = (image * 255).round().astype(int).reshape(-1, 3)
            spread = pixels.max(axis=1) - pixels.min(axis=1)
            coloured = pixels[spread > 60]  # bars, lines, markers: not the grey text and grid
            colours, counts = np.unique(coloured, axis=0, return_counts=True)
            main_colours = colours[counts > 0.05 * max(len(coloured), 1)]
            assert len(main_colours), name
            for rgb in main_colours:
                hex_color = "".join(f"{v:02X}" for v in rgb)
                assert P.contrast(hex_color) >= 3, (name, hex_color)
                assert hex_color in P.SERIES, (name, hex_color)  # the palette's, no other


def test_the_history_chart_tells_its_series_apart_without_colour():
    """The bars of 'Utveckling över åren' carry a pattern from the second series on: drawn in
    grey only, the three series still look different."""
    from halsocenter.report import charts

    wb = read_workbook(VAGGERYD)
    picture = charts.history(compute(wb))
    image = mpimg.imread(io.BytesIO(picture.png), format="png")[..., :3]
    grey = image.mean(axis=2)
    # the bars of the three series in the last year: sample each bar's middle column
    n_white_rows = [(np.abs(np.diff(col)) > 0.3).sum() for col in grey.T]
    assert max(n_white_rows) > 20  # white lines cross a patterned bar, not a plain one


@needs_soffice
@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_shows_the_links_and_the_masked_number_whole(out, mistaken, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext saknas")
    pdf = lo_convert(out["report"], "pdf", tmp_path / "rapport")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "www.rjl.se" in text and "Konceptet Hälsocenter i Jönköpings län" in text
    _, summary_file = mistaken
    pdf = lo_convert(summary_file, "pdf", tmp_path / "kontroll")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    lines = [ln for ln in text.splitlines() if "198112**" in ln]  # Kontroll's, masked
    assert lines and all(re.search(r"198112\*\*.\*\*\*\*", ln) for ln in lines), lines


def test_the_steering_sentence_for_one_meeting_and_for_parties_never_there(tmp_path):
    tables, settings = example_tables("Vaggeryd", 2023)
    meetings = tables["styrgrupp"]
    for m in meetings:
        m.update(kommun=C.JA, vardcentral=C.NEJ, invanare=None)
    wb = workbook_data(tables, settings)
    document = docx.Document(str(write_report(wb, tmp_path / "r.docx")))
    text = next(p.text for p in document.paragraphs if p.text.startswith("Styrgruppen har haft"))
    assert text.endswith("Kommun och Folkhälsa RJL var med vid alla och vårdcentral vid inget.")
    tables["styrgrupp"] = meetings[:1]
    document = docx.Document(str(write_report(workbook_data(tables, settings),
                                              tmp_path / "en.docx")))  # fmt: skip
    text = next(p.text for p in document.paragraphs if p.text.startswith("Styrgruppen har haft"))
    assert text.endswith("1 möte under 2023. Vid mötet deltog kommun och Folkhälsa RJL.")
