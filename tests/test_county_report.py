"""The county report (``region --rapport``): written from the example exports, its figures
equal the county workbook's (the county's referrals, every municipality's key figures, the
reporting line), it says who did not report and which figures are preliminary, it is accessible
(headings in order, header rows, captions, alternative texts with numbers, sv-SE, a title,
contrast, no empty paragraphs for spacing), valid for Word, and rendered page by page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import matplotlib.image as mpimg
import numpy as np
import pytest
import python_calamine as pc
from docx.oxml.ns import qn

from conftest import EXAMPLES, ROOT, lo_convert, needs_soffice
from county_report_template_builder import build_template
from examples import example_tables
from halsocenter.cli import main
from halsocenter.core import contract as C
from halsocenter.core.model import Finding
from halsocenter.core.stats import compute
from halsocenter.jobs import consolidate
from halsocenter.region import county_charts
from halsocenter.region.county_report import TEMPLATE_PATH, write_county_report
from halsocenter.region.export import write_export
from halsocenter.report.template_keys import TABLE_TITLE_STYLE
from halsocenter.xlsx.read import workbook_data
from ooxml import validate_package

pytestmark = pytest.mark.slow

YEAR = 2024
NOW = datetime(2025, 3, 1, 9, 0)
NBSP = "\u00a0"


def number(text: str) -> float | None:
    """A figure as the report writes it ('1 429', '14,2', '–') back to a number."""
    text = text.replace(NBSP, "").replace(" ", "").replace(",", ".").strip()
    return None if text in ("", "–") else float(text)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The demo's county: an export from each example workbook, then a Habo export of 2024
    with errors left in its workbook (preliminary), all run with --rapport."""
    root = tmp_path_factory.mktemp("lansrapport")
    exports = root / "till_regionen"
    exports.mkdir()
    for wb in sorted(EXAMPLES.glob("*.xlsx")):
        assert main(["export", str(wb), "-o", str(exports)]) == 0
    summary = compute(workbook_data(*example_tables("Habo", YEAR, seed=4)))
    error = Finding("invalid_date", "error", "Remisser", 7, "Inkom", "B7", "igår", "fel")
    write_export(summary, [error, error], exports, created=datetime(2025, 2, 1, 8, 0),
                 preliminary=True)  # fmt: skip
    out, report = root / "Lanet.xlsx", root / "Lanet_2024.docx"
    assert main(["region", str(exports), "-o", str(out), "--rapport", str(report)]) in (0, 1)
    return out, report


def overview(path: Path) -> tuple[list[list], dict[str, list]]:
    rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Översikt").to_python()
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Kommun")
    header = [str(h).replace("-\n", "").replace("\n", " ") for h in rows[start]]
    table = {}
    for r in rows[start + 1:]:
        if not r or not r[0]:
            break
        table[r[0]] = dict(zip(header, r, strict=False))
    return rows, table


def key_table(document) -> list[list[str]]:
    table = next(t for t in document.tables
                 if "Nyckeltal per kommun" in (_caption(t) or ""))  # fmt: skip
    return [[c.text for c in row.cells] for row in table.rows]


def _caption(table) -> str | None:
    found = table._tbl.tblPr.find(qn("w:tblCaption"))
    return found.get(qn("w:val")) if found is not None else None


def test_the_report_has_the_county_workbooks_figures(county):
    out, report = county
    top, table = overview(out)
    document = docx.Document(str(report))
    text = "\n".join(p.text for p in document.paragraphs)
    # the reporting line, word for word
    assert top[2][0] == "5 av 13 kommuner har rapporterat för 2024."
    assert top[2][0] in text
    rows = key_table(document)
    header = rows[0]
    assert header[:2] == ["Kommun", "Remisser och kontakter"]
    body = {r[0].replace(" (preliminär)", "").split(" (")[0]: r for r in rows[1:]}
    labels = {"Remisser och kontakter": 1, "FaR-recept": 2, "Första samtal": 3,
              "Deltagartillfällen": 4}  # fmt: skip
    # the county's referrals, and every key figure of every municipality that reported
    assert number(body["Länet"][1]) == table["Länet"]["Remisser och kontakter"] > 0
    reported = [k for k, v in table.items() if k != "Länet" and v.get("Remisser och kontakter")
                not in (None, "", "ej rapporterat")]  # fmt: skip
    assert sorted(reported) == sorted(["Eksjö", "Gislaved", "Habo", "Vaggeryd", "Värnamo"])
    for kommun in [*reported, "Länet"]:
        for label, col in labels.items():
            assert number(body[kommun][col]) == table[kommun][label], (kommun, label)
    # and every municipality of the region has its row, the missing ones say so
    assert len(body) == 13 + 1
    assert "Aneby (ej rapporterat)" in [r[0] for r in rows]


def test_the_report_says_who_did_not_report_and_what_is_preliminary(county):
    _, report = county
    document = docx.Document(str(report))
    text = "\n".join(p.text for p in document.paragraphs)
    assert ("Från Aneby, Gnosjö, Jönköping, Mullsjö, Nässjö, Sävsjö, Tranås och Vetlanda har "
            "ingen rapport kommit in.") in text
    assert "Siffrorna från Habo är preliminära: arbetsboken hade fel kvar" in text
    assert "Habo (preliminär)" in [r[0] for r in key_table(document)]
    assert document.core_properties.title == "Hälsocenter i Jönköpings län – 2024"
    assert document.paragraphs[0].text == "Hälsocenter i Jönköpings län – 2024"


def test_the_report_reads_like_a_report(county):
    """Short paragraphs, figures the Swedish way, counts that agree with their nouns, and no
    file name anywhere."""
    _, report = county
    document = docx.Document(str(report))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert max(len(p) for p in paragraphs) < 600
    text = "\n".join(paragraphs).replace("per 1 000 invånare", "").replace("gånger 1 000", "")
    assert re.search(r"\d \d{3}", text) is None  # thousands with a no-break space, never a space
    assert re.search(r"\d\u00a0\d{3}", text)
    assert re.search(r"\b1 kommuner\b|\b[02-9] kommun\b|\b1 aktiviteter\b", text) is None
    assert "Halsocenter_" not in texts_of(report) and ".xlsx" not in texts_of(report)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for wanted in ("Sammanfattning", "Nyckeltal per kommun 2024", "Utveckling över åren",
                   "Planerna", "Avvikelser", "Definitioner"):  # fmt: skip
        assert wanted in headings
    definitions = next(t for t in document.tables if _caption(t) == "Definitioner av nyckeltalen")
    shown = {r.cells[0].text: r.cells[1].text for r in definitions.rows[1:]}
    for key in ("remisser", "remisser_far", "forsta_samtal", "deltagartillfallen"):
        assert shown[C.FIGURE_BY_KEY[key].label] == C.FIGURE_BY_KEY[key].definition


def texts_of(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist()
                         if n.endswith(".xml") or n.endswith(".rels"))  # fmt: skip


def test_the_report_is_accessible(county):
    _, report = county
    document = docx.Document(str(report))
    # headings in order: the title, then levels that never skip one
    levels = [int(p.style.name.split()[-1]) for p in document.paragraphs
              if p.style.name.startswith("Heading ")]  # fmt: skip
    assert document.paragraphs[0].style.name == "Title" and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    # every table: a header row marked as such and a caption, and a visible title before it in
    # Word's own caption style
    body = document.element.body
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        assert _caption(table)
        before = table._tbl.getprevious()
        assert before is not None and before.tag == qn("w:p")
        assert docx.text.paragraph.Paragraph(before, document).style.name == TABLE_TITLE_STYLE
    # every chart has an alternative text with its message and numbers
    pictures = body.findall(".//" + qn("wp:docPr"))
    assert len(pictures) >= 5
    for pic in pictures:
        descr = pic.get("descr")
        assert pic.get("title") and descr and re.search(r"\d", descr), descr
        assert descr.split(":")[0] in ("Stapeldiagram", "Liggande stapeldiagram", "Linjediagram")
    # language and title
    assert document.core_properties.language == "sv-SE"
    lang = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:val")) == "sv-SE"
    assert document.core_properties.title
    # no empty paragraph used for spacing: every paragraph of the body says something or
    # holds a picture
    for p in document.paragraphs:
        assert p.text.strip() or p._p.findall(".//" + qn("w:drawing")), p.style.name


def test_charts_keep_their_contrast_and_say_more_than_colour(county):
    """Every colour drawn in the report's charts has at least 3:1 against the white page, the
    lines of the trend chart differ in marker and dash too, and bars carry their values."""
    _, report = county
    assert all(county_charts.contrast(c) >= 3 for c in county_charts.PALETTE)
    assert len(set(county_charts.MARKERS)) == len(set(county_charts.DASHES)) == 3
    with zipfile.ZipFile(report) as zf:
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert len(media) >= 5
        for name in media:
            image = mpimg.imread(io.BytesIO(zf.read(name)), format="png")[..., :3]
            pixels = (image * 255).round().astype(int).reshape(-1, 3)
            spread = pixels.max(axis=1) - pixels.min(axis=1)
            coloured = pixels[spread > 60]  # the bars and lines, not the grey text and grid
            colours, counts = np.unique(coloured, axis=0, return_counts=True)
            main_colours = colours[counts > 0.05 * max(len(coloured), 1)]
            assert len(main_colours), name
            for rgb in main_colours:
                hex_color = "#" + "".join(f"{v:02X}" for v in rgb)
                assert county_charts.contrast(hex_color) >= 3, (name, hex_color)


def test_the_report_is_valid_for_word(county):
    _, report = county
    assert validate_package(report, []) == []


def test_an_earlier_report_of_ours_is_replaced_never_another_file(county, tmp_path):
    out, _ = county
    folder = tmp_path / "in"
    folder.mkdir()
    exports_of = [p for p in EXAMPLES.glob("*_2024.xlsx")][:1]
    assert main(["export", str(exports_of[0]), "-o", str(folder)]) == 0
    report = tmp_path / "lan.docx"
    args = ["region", str(folder), "-o", str(tmp_path / "lan.xlsx"), "--rapport", str(report)]
    assert main(args) == 0
    first = report.stat().st_ino
    assert main(args) == 0 and report.stat().st_ino != first  # ours: replaced
    mine = tmp_path / "min.docx"
    mine.write_bytes(b"min egen rapport")
    assert main([*args[:-1], str(mine)]) == 2 and mine.read_bytes() == b"min egen rapport"
    assert main([*args[:-1], str(folder / "i_mappen.docx")]) == 2  # never in the folder read
    assert not (folder / "i_mappen.docx").exists()


def test_the_committed_template_is_current_and_its_tags_are_whole_runs():
    assert TEMPLATE_PATH.exists(), "kör scripts/make-county-report-template"
    template = docx.Document(str(TEMPLATE_PATH))
    for p in template.paragraphs:
        for run in p.runs:
            assert run.text.count("{{") == run.text.count("}}"), run.text
    built = build_template()
    assert [p.text for p in built.paragraphs] == [p.text for p in template.paragraphs]


def test_a_region_edited_template_is_used(county, tmp_path):
    document = build_template()
    document.paragraphs[3].insert_paragraph_before("Regionens egen inledning för {{ ar }}.")
    custom = tmp_path / "egen_mall.docx"
    document.save(custom)
    folder = tmp_path / "in"
    folder.mkdir()
    assert main(["export", str(EXAMPLES / "Eksjö_2024.xlsx"), "-o", str(folder)]) == 0
    result = consolidate(folder, tmp_path / "lan.xlsx", now=NOW)
    written = write_county_report(result, tmp_path / "r.docx", template=custom)
    text = [p.text for p in docx.Document(str(written)).paragraphs]
    assert "Regionens egen inledning för 2024." in text


@pytest.mark.libreoffice
@needs_soffice
def test_every_page_renders(county, tmp_path):
    """LibreOffice lays the report out; every page carries the footer with its number, and the
    key figures and the first chart are on the pages."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext saknas")
    _, report = county
    pdf = lo_convert(report, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    pages = text.split("\f")[:-1]
    assert 5 <= len(pages) <= 14
    for i, page in enumerate(pages, start=1):
        assert f"Sida {i} av {len(pages)}" in page
        assert "Hälsocenter i Jönköpings län – 2024" in page
    assert any("Nyckeltal per kommun 2024" in p for p in pages)


def test_the_readme_shows_two_pages_of_the_report():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]*\]\((docs/bilder/lansrapport[^)]*\.png)\)", readme)
    assert len(shown) == 2
    for path in shown:
        assert (ROOT / path).stat().st_size > 10_000
