"""What a coach sees when the summary file opens: it opens on Årssammanställning, an empty year
says so in words instead of drawing charts of zeros, figures that count differently say so,
and every native chart has an alternative text. Measured on the written files."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import lo_convert, needs_soffice
from halsocenter import jobs
from halsocenter.core import analysis
from halsocenter.core import contract as C
from halsocenter.core.chart_text import NO_DATA
from halsocenter.sheets import content as S
from halsocenter.xlsx import template
from halsocenter.xlsx.layout import MAIN, PKG_REL, REL_NS, rels_name, resolve
from halsocenter.xlsx.read import read_workbook

XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
R_ID = f"{{{REL_NS}}}id"


def _sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) in tab order."""
    wb = etree.fromstring(zf.read("xl/workbook.xml"))
    rels = {el.get("Id"): el.get("Target") for el in
            etree.fromstring(zf.read("xl/_rels/workbook.xml.rels")).iter(f"{{{PKG_REL}}}Relationship")}
    return [(s.get("name"), resolve("xl/workbook.xml", rels[s.get(R_ID)]))
            for s in wb.iter(f"{{{MAIN}}}sheet")]  # fmt: skip


def opening_view(path: Path) -> tuple[str, list[str]]:
    """The active tab's name and the names of the selected tabs."""
    with zipfile.ZipFile(path) as zf:
        wb = etree.fromstring(zf.read("xl/workbook.xml"))
        view = wb.find(f"{{{MAIN}}}bookViews/{{{MAIN}}}workbookView")
        parts = _sheet_parts(zf)
        active = parts[int(view.get("activeTab", "0"))][0]
        selected = []
        for name, part in parts:
            root = etree.fromstring(zf.read(part))
            if any(v.get("tabSelected") in ("1", "true") for v in root.iter(f"{{{MAIN}}}sheetView")):
                selected.append(name)
    return active, selected


def chart_frames(path: Path, sheet: str) -> tuple[list[dict[str, str]], int]:
    """cNvPr attributes of the chart frames on ``sheet``'s drawing, and the number of chart
    parts that drawing refers to."""
    with zipfile.ZipFile(path) as zf:
        part = dict(_sheet_parts(zf))[sheet]
        names = set(zf.namelist())
        drawings = []
        if rels_name(part) in names:
            for el in etree.fromstring(zf.read(rels_name(part))).iter(f"{{{PKG_REL}}}Relationship"):
                if el.get("Type").endswith("/drawing"):
                    drawings.append(resolve(part, el.get("Target")))
        frames, charts = [], 0
        for drawing in drawings:
            root = etree.fromstring(zf.read(drawing))
            for frame in root.iter(f"{{{XDR}}}graphicFrame"):
                frames.append(dict(frame.find(f"{{{XDR}}}nvGraphicFramePr/{{{XDR}}}cNvPr").attrib))
            charts += sum(el.get("Type").endswith("/chart") for el in etree.fromstring(
                zf.read(rels_name(drawing))).iter(f"{{{PKG_REL}}}Relationship"))
    return frames, charts


def with_start_selected(src: Path, dst: Path) -> Path:
    """The workbook as Excel saves it: the Start tab carries tabSelected="1"."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        start = dict(_sheet_parts(zin))[C.START_SHEET]
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == start:
                data, n = re.subn(rb"<sheetView ", b'<sheetView tabSelected="1" ', data, count=1)
                assert n == 1
            zout.writestr(info, data)
    return dst


@pytest.fixture(scope="module")
def vaggeryd_summary(examples, tmp_path_factory) -> Path:
    src = next(p for p in examples if p.name == "Vaggeryd_2023.xlsx")
    folder = tmp_path_factory.mktemp("sammanstallning")
    excel_like = with_start_selected(src, folder / "Vaggeryd_2023.xlsx")
    out, _ = jobs.write_summary(excel_like, folder / "Vaggeryd_2023_sammanstallning.xlsx")
    return out


@pytest.fixture(scope="module")
def empty_summary(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tom")
    src = template.write_template(folder / "Habo_2025.xlsx", kommun="Habo", year=2025)
    out, _ = jobs.write_summary(src, folder / "Habo_2025_sammanstallning.xlsx")
    return out


# --------------------------------------------------------------------------- opens on the summary


def test_the_summary_file_opens_on_arssammanstallning(vaggeryd_summary):
    src = vaggeryd_summary.with_name("Vaggeryd_2023.xlsx")
    assert opening_view(src) == (C.START_SHEET, [C.START_SHEET])  # as the coach saved it
    assert opening_view(vaggeryd_summary) == (C.SUMMARY_SHEET, [C.SUMMARY_SHEET])


def test_only_the_selection_of_the_input_sheet_changed(vaggeryd_summary):
    src = vaggeryd_summary.with_name("Vaggeryd_2023.xlsx")
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(vaggeryd_summary) as b:
        start = dict(_sheet_parts(a))[C.START_SHEET]
        before, after = a.read(start), b.read(start)
        assert before != after
        assert before.replace(b' tabSelected="1"', b"") == after
        for name, part in _sheet_parts(a):  # every other input sheet: the same zip entry bytes
            if name != C.START_SHEET:
                assert a.getinfo(part).CRC == b.getinfo(part).CRC, name


def test_a_second_run_on_its_own_output_still_opens_on_the_summary(vaggeryd_summary, tmp_path):
    again, _ = jobs.write_summary(vaggeryd_summary, tmp_path / "igen.xlsx")
    assert opening_view(again) == (C.SUMMARY_SHEET, [C.SUMMARY_SHEET])


def test_selection_written_otherwise_is_found_and_cell_text_is_left_alone(examples, tmp_path):
    """Single quotes, 'true' and a second selected sheet (grouped tabs) are all cleared; the
    same words typed into a cell are data and stay exactly as they were."""
    src = next(p for p in examples if p.name == "Vaggeryd_2023.xlsx")
    crafted = tmp_path / "Vaggeryd_2023.xlsx"
    typed = b'<is><t>&lt;sheetView tabSelected="1"&gt;</t></is>'
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as zout:
        parts = dict(_sheet_parts(zin))
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == parts[C.START_SHEET]:
                data = data.replace(b"<sheetView ", b"<sheetView tabSelected='true' ", 1)
            if info.filename == parts[C.PLAN.sheet]:
                data = data.replace(b"<sheetView ", b'<sheetView tabSelected="1" ', 1)
            if info.filename == parts[C.REMISSER.sheet]:
                data, n = re.subn(rb'(<row r="2"[^>]*>.*?)</row>',
                                  rb'\1<c r="Q2" t="inlineStr">' + typed + rb"</c></row>", data,
                                  count=1, flags=re.S)  # fmt: skip
                assert n == 1
            zout.writestr(info, data)
    out, _ = jobs.write_summary(crafted, tmp_path / "ut.xlsx")
    assert opening_view(out) == (C.SUMMARY_SHEET, [C.SUMMARY_SHEET])
    with zipfile.ZipFile(crafted) as a, zipfile.ZipFile(out) as b:
        remisser = dict(_sheet_parts(a))[C.REMISSER.sheet]
        assert a.read(remisser) == b.read(remisser) and typed in b.read(remisser)


# --------------------------------------------------------------------------- charts and words


def test_every_chart_has_an_alternative_text_with_its_numbers(vaggeryd_summary):
    frames, charts = chart_frames(vaggeryd_summary, C.SUMMARY_SHEET)
    assert len(frames) == charts == 4
    summary = read_workbook_summary(vaggeryd_summary)
    specs = {spec.title: spec for spec in S.summary_blocks(summary).charts}
    for frame in frames:
        descr, title = frame.get("descr", ""), frame.get("title", "")
        assert title in specs and descr == specs[title].description
        assert descr.split(":")[0] in ("Stapeldiagram", "Liggande stapeldiagram")
        assert re.search(r"\d", descr) and "Chart" not in descr
    month = next(f["descr"] for f in frames if f["title"] == "Remisser och kontakter per månad")
    assert month == ("Stapeldiagram: remisser och kontakter per månad 2023. Flest i november "
                     "(11), färst i juli (2). Totalt 88.")


def read_workbook_summary(path: Path):
    return analysis.analyse(read_workbook(path)).summary


def test_an_empty_year_shows_words_not_charts(empty_summary):
    frames, charts = chart_frames(empty_summary, C.SUMMARY_SHEET)
    assert frames == [] and charts == 0
    import openpyxl

    ws = openpyxl.load_workbook(empty_summary)[C.SUMMARY_SHEET]
    texts = [c.value for row in ws.iter_rows() for c in row if c.value == S.TXT_NO_DATA_YET]
    assert len(texts) == 4 and S.TXT_NO_DATA_YET == NO_DATA == "Inga uppgifter ännu"
    layout = S.summary_blocks(read_workbook_summary(empty_summary))
    for block in (b for b in layout.blocks if b.name.startswith("tom_")):
        assert ws.cell(block.top, block.left).value == block.title  # the chart's title stays
        assert ws.cell(block.first_row, block.left).value == S.TXT_NO_DATA_YET


def test_figures_that_count_differently_say_so(vaggeryd_summary):
    import openpyxl

    summary = read_workbook_summary(vaggeryd_summary)
    lectures = summary.value("forelasningar_deltagare")
    focus = summary.breakdown("deltagartillfallen", "Fokusområde")["Föreläsningar"]
    assert (lectures, focus) == (549, 594)  # the two numbers of the issue
    ws = openpyxl.load_workbook(vaggeryd_summary)[C.SUMMARY_SHEET]
    layout = S.summary_blocks(summary)
    key = layout.block("nyckeltal")
    labels = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(key.first_row, key.last_row + 1)}
    # each figure says what it counts: the activity type, and every type of the focus area
    assert labels["Deltagare, aktivitetstyp Föreläsning"] == 549
    note = ws.cell(layout.block("not").first_row, 1).value
    assert "typen Föreläsning" in note and "alla typer" in note
    assert layout.block("not").last_row <= layout.page_breaks[0]  # on page 1, beside the chart
    assert any(c.title.endswith("alla aktivitetstyper") for c in layout.charts)


# --------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def rendered(vaggeryd_summary, empty_summary, tmp_path_factory) -> dict[str, list[str]]:
    """Page texts of the generated sheets of both files (the input sheets are left out so the
    render stays quick)."""
    import openpyxl

    out = {}
    folder = tmp_path_factory.mktemp("lo")
    for key, path in (("vaggeryd", vaggeryd_summary), ("tom", empty_summary)):
        book = openpyxl.load_workbook(path)
        for name in book.sheetnames:
            if name not in C.GENERATED_SHEETS:
                del book[name]
        only = folder / f"{key}.xlsx"
        book.save(only)
        pdf = lo_convert(only, "pdf", folder / key)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        out[key] = text.split("\f")
    return out


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_shows_the_labels_and_the_empty_year(rendered):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler saknas")
    page1 = rendered["vaggeryd"][0]
    assert "Deltagare, aktivitetstyp Föreläsning" in page1 and "549" in page1
    assert "alla typer" in " ".join(page1.split()) and (
        "räknar bara aktiviteter av typen Föreläsning" in " ".join(page1.split()))
    assert 5 <= len([p for p in rendered["vaggeryd"] if p.strip()]) <= 12
    empty1 = rendered["tom"][0]
    assert empty1.count(S.TXT_NO_DATA_YET) == 4
    assert "Remisser och kontakter per" in empty1  # the chart's title, above the words
