"""Adding the generated sheets to a copy of the coach's package: every input part that need not
change keeps its exact zip entry bytes; the generated sheets arrive whole; a second run replaces
them cleanly."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from lxml import etree

from conftest import TEMPLATE, lo_convert, needs_soffice
from fixture_features import (
    INPUT_NUMFMT,
    MAIN,
    OLD_TABLE,
    TITLE,
    X14_DV,
    build_generated,
    build_input,
    content_types,
    generated_bytes,
    package_problems,
    raw_entry,
    rels_name,
    resolve,
    sheet_parts,
    with_shared_strings,
)
from halsocenter import ownership
from halsocenter.atomic import OutputError
from halsocenter.core import contract as C
from halsocenter.errors import WorkbookError
from halsocenter.xlsx import package
from halsocenter.xlsx.package import write_with_sheets

REWRITTEN = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
             "xl/styles.xml"}  # fmt: skip
INPUT_SHEETS = (C.START_SHEET, C.REMISSER.sheet, C.LISTS_SHEET)
# openpyxl says so when it reads the x14 validation the package keeps
pytestmark = pytest.mark.filterwarnings("ignore:Data Validation extension:UserWarning")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Input, first run (replaces Kontroll, appends the other two), second run on the output."""
    d = tmp_path_factory.mktemp("package")
    src = build_input(d / "arbetsbok.xlsx")
    gen = d / "genererat.xlsx"
    gen.write_bytes(generated_bytes())
    before = src.read_bytes()
    out1 = d / "arbetsbok_sammanstallning.xlsx"
    write_with_sheets(src, build_generated(), out1)
    out2 = d / "andra_korningen.xlsx"
    write_with_sheets(out1, gen, out2)
    assert src.read_bytes() == before
    return {"src": src, "gen": gen, "out1": out1, "out2": out2}


def old_kontroll_parts(src: Path) -> set[str]:
    """The old Kontroll sheet, its rels, its table, drawing (+rels) and chart, and calcChain."""
    with zipfile.ZipFile(src) as zf:
        names = set(zf.namelist())
        sheet = sheet_parts(zf)[C.CHECK_SHEET]
        parts = {sheet, rels_name(sheet), "xl/calcChain.xml"}
        todo = [sheet]
        while todo:
            part = todo.pop()
            if rels_name(part) not in names:
                continue
            for rel in etree.fromstring(zf.read(rels_name(part))):
                target = resolve(part, rel.get("Target"))
                if rel.get("TargetMode") != "External" and target not in parts:
                    parts.add(target)
                    todo.append(target)
                    if rels_name(target) in names:
                        parts.add(rels_name(target))
    return parts


def values(ws) -> dict[str, object]:
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def look(cell) -> tuple:
    f = cell.font
    return (f.b, f.i, f.sz, f.u, f.color.rgb if f.color is not None else None, cell.fill.fill_type,
            cell.fill.fgColor.rgb, cell.number_format, cell.alignment.horizontal)  # fmt: skip


# --------------------------------------------------------------------------- fidelity


def test_every_untouched_part_keeps_its_zip_entry_bytes(files):
    src, out = files["src"], files["out1"]
    gone = old_kontroll_parts(src)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert gone <= set(a.namelist())
        kept = [n for n in a.namelist() if n not in gone and n not in REWRITTEN]
        assert len(kept) >= 15
        for name in kept:
            assert name in b.namelist(), name
            assert raw_entry(src, name) == raw_entry(out, name), name
            assert a.read(name) == b.read(name), name
        assert "xl/calcChain.xml" not in b.namelist()


def test_features_openpyxl_drops_are_still_there(files):
    src, out = files["src"], files["out1"]
    with zipfile.ZipFile(out) as zf:
        sheets = sheet_parts(zf)
        names = set(zf.namelist())
        rem = zf.read(sheets[C.REMISSER.sheet]).decode()
        assert X14_DV in rem
        rem_rels = zf.read(rels_name(sheets[C.REMISSER.sheet])).decode()
        assert "comments" in rem_rels and "vmlDrawing" in rem_rels
        comments = [resolve(sheets[C.REMISSER.sheet], t) for t in
                    etree.fromstring(rem_rels.encode()).xpath("//@Target")]  # fmt: skip
        assert all(c in names for c in comments)
        start_rels = zf.read(rels_name(sheets[C.START_SHEET]))
        drawing = resolve(sheets[C.START_SHEET], etree.fromstring(start_rels)[0].get("Target"))
        drawing_rels = zf.read(rels_name(drawing)).decode()
        assert "/chart" in drawing_rels and "/image" in drawing_rels
        wb_rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        assert "../customXml/item1.xml" in wb_rels and "calcChain" not in wb_rels
        assert zf.read("customXml/item1.xml") == zipfile.ZipFile(src).read("customXml/item1.xml")
        root = etree.fromstring(zf.read("xl/workbook.xml"))
        assert root.get("{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable") \
            == "x15" and root.nsmap.get("x15")
    wb = openpyxl.load_workbook(out)
    assert wb[C.REMISSER.sheet]["A2"].comment.text == "Första remissen för året"
    assert len(wb[C.START_SHEET]._charts) == 1 and len(wb[C.START_SHEET]._images) == 1


def test_old_generated_sheet_is_replaced_in_place_without_leftovers(files):
    src, out = files["src"], files["out1"]
    assert package_problems(src) == []
    assert package_problems(out) == []
    before = openpyxl.load_workbook(src, read_only=True).sheetnames
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == before + [C.SUMMARY_SHEET, C.DATA_SHEET]
    assert wb.sheetnames.index(C.CHECK_SHEET) == before.index(C.CHECK_SHEET)
    assert values(wb[C.CHECK_SHEET])["A1"] == C.KONTROLL_COLUMNS[0]
    assert OLD_TABLE not in {t for ws in wb for t in ws.tables}
    assert wb[C.CHECK_SHEET]._charts == []
    assert not wb[C.CHECK_SHEET].print_area
    with zipfile.ZipFile(out) as zf:
        assert b"Gammal kontroll" not in b"".join(zf.read(n) for n in zf.namelist())
        sheet_xml = [etree.fromstring(zf.read(p)) for p in sheet_parts(zf).values()]
        selected = [x for x in sheet_xml if x.find(f".//{{{MAIN}}}sheetView[@tabSelected='1']")
                    is not None]  # fmt: skip
        assert len(selected) <= 1


def test_generated_sheets_read_back_with_openpyxl(files):
    gen = openpyxl.load_workbook(files["gen"])
    for key in ("out1", "out2"):
        wb = openpyxl.load_workbook(files[key])
        for name in C.GENERATED_SHEETS:
            assert wb.sheetnames.count(name) == 1
            ws, g = wb[name], gen[name]
            assert values(ws) == values(g), name
            for coord in values(g):
                assert look(ws[coord]) == look(g[coord]), (name, coord)
            assert set(map(str, ws.merged_cells.ranges)) == set(map(str, g.merged_cells.ranges))
            for letter, dim in g.column_dimensions.items():
                assert ws.column_dimensions[letter].width == dim.width
        summary = wb[C.SUMMARY_SHEET]
        assert summary.print_area == "'Årssammanställning'!$A$1:$K$40"
        assert summary.print_title_rows == "$1:$1"
        assert int(summary.page_setup.paperSize) == int(summary.PAPERSIZE_A4)
        assert summary.page_setup.orientation == "landscape"
        assert sorted(type(c).__name__ for c in summary._charts) == [
            "BarChart", "LineChart", "PieChart"]
        rule = summary.conditional_formatting["B4:B7"][0]
        assert rule.dxf.font.color.rgb == "FF9C0006"
        link = wb[C.CHECK_SHEET]["E2"].hyperlink
        assert link.location == f"'{C.REMISSER.sheet}'!C7" and not link.target
        table = wb[C.DATA_SHEET].tables[C.RAPPORTDATA_TABLE]
        assert table.ref == "A1:E4" and table.tableStyleInfo.name == "TableStyleMedium2"
        assert C.REMISSER.name in wb[C.REMISSER.sheet].tables


def test_generated_sheets_read_back_with_calamine(files):
    gen = openpyxl.load_workbook(files["gen"])
    for key in ("out1", "out2"):
        book = pc.CalamineWorkbook.from_path(str(files[key]))
        assert [n for n in book.sheet_names if n in C.GENERATED_SHEETS] == [
            C.CHECK_SHEET, C.SUMMARY_SHEET, C.DATA_SHEET]
        for name in C.GENERATED_SHEETS:
            rows = book.get_sheet_by_name(name).to_python()
            want = [[c if c is not None else "" for c in r]
                    for r in gen[name].iter_rows(values_only=True)]  # fmt: skip
            got = [r[: len(want[0])] for r in rows]
            assert [r + [""] * (len(want[0]) - len(r)) for r in got] == want, name


def test_input_sheets_look_and_styles_unchanged(files):
    src, out = files["src"], files["out1"]
    a, b = openpyxl.load_workbook(src), openpyxl.load_workbook(out)
    for name in INPUT_SHEETS:
        assert values(a[name]) == values(b[name])
        for coord in values(a[name]):
            assert look(a[name][coord]) == look(b[name][coord]), (name, coord)
    assert b[C.START_SHEET]["B3"].number_format == INPUT_NUMFMT
    assert b[C.SUMMARY_SHEET]["B9"].number_format == "0.0%"

    def styles(path):
        with zipfile.ZipFile(path) as zf:
            return etree.fromstring(zf.read("xl/styles.xml"))

    old, new = styles(src), styles(out)
    for tag in ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "dxfs"):
        found = old.find(f"{{{MAIN}}}{tag}")
        before = [] if found is None else [etree.tostring(e) for e in found]
        after = [etree.tostring(e) for e in new.find(f"{{{MAIN}}}{tag}")]
        assert after[: len(before)] == before, tag
        assert int(new.find(f"{{{MAIN}}}{tag}").get("count")) == len(after)
    assert len(new.find(f"{{{MAIN}}}cellXfs")) > len(old.find(f"{{{MAIN}}}cellXfs"))
    order = [etree.QName(c).localname for c in new]
    assert order == [t for t in package.STYLE_ORDER if t in order]  # schema order, dxfs added


# --------------------------------------------------------------------------- second run


def test_second_run_replaces_and_adds_nothing_else(files):
    out1, out2 = files["out1"], files["out2"]
    assert package_problems(out2) == []
    with zipfile.ZipFile(out1) as a, zipfile.ZipFile(out2) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        # styles already hold every generated entry: the part is copied, not grown
        assert raw_entry(out1, "xl/styles.xml") == raw_entry(out2, "xl/styles.xml")
        generated = set()
        for part in (p for n, p in sheet_parts(a).items() if n in C.GENERATED_SHEETS):
            generated |= {part, rels_name(part)}
        for name in a.namelist():
            if name not in REWRITTEN and not name.startswith(("xl/worksheets/", "xl/drawings/",
                                                              "xl/charts/", "xl/tables/")):
                assert raw_entry(out1, name) == raw_entry(out2, name), name
        assert content_types(a)[1].keys() == content_types(b)[1].keys()
    wb = openpyxl.load_workbook(out2)
    assert [n for n in wb.sheetnames if n in C.GENERATED_SHEETS] == [
        C.CHECK_SHEET, C.SUMMARY_SHEET, C.DATA_SHEET]
    assert sum(len(ws._charts) for ws in wb) == 4
    assert sorted(t for ws in wb for t in ws.tables) == sorted(
        [C.REMISSER.name, C.RAPPORTDATA_TABLE])


def test_third_run_output_is_stable(files, tmp_path):
    out3 = tmp_path / "tredje.xlsx"
    write_with_sheets(files["out2"], files["gen"], out3)
    with zipfile.ZipFile(files["out2"]) as a, zipfile.ZipFile(out3) as b:
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


# --------------------------------------------------------------------------- variants


def test_shared_strings_of_the_generated_workbook_become_inline(tmp_path, files):
    shared = with_shared_strings(generated_bytes())
    assert b"sharedStrings" in zipfile.ZipFile(io.BytesIO(shared)).read("[Content_Types].xml")
    out = tmp_path / "ut.xlsx"
    write_with_sheets(files["src"], shared, out)
    assert package_problems(out) == []
    with zipfile.ZipFile(out) as zf:
        assert "xl/sharedStrings.xml" not in zf.namelist()
        summary = zf.read(sheet_parts(zf)[C.SUMMARY_SHEET])
        assert b't="s"' not in summary and b't="inlineStr"' in summary
    wb = openpyxl.load_workbook(out)
    assert wb[C.SUMMARY_SHEET]["A1"].value == TITLE
    assert wb[C.DATA_SHEET]["C4"].value == "andel_tillrackligt_aktiva_start"


def test_table_name_taken_by_an_input_sheet_is_made_unique(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Arkiv"
    ws.append(list(C.RAPPORTDATA_COLUMNS))
    ws.append(["Habo", 2023, "remisser", "", 12])
    ws.add_table(openpyxl.worksheet.table.Table(displayName=C.RAPPORTDATA_TABLE, ref="A1:E2"))
    src = tmp_path / "arkiv.xlsx"
    wb.save(src)
    out = tmp_path / "ut.xlsx"
    write_with_sheets(src, build_generated(), out)
    assert package_problems(out) == []
    result = openpyxl.load_workbook(out)
    assert C.RAPPORTDATA_TABLE in result["Arkiv"].tables
    (renamed,) = result[C.DATA_SHEET].tables
    assert renamed != C.RAPPORTDATA_TABLE and renamed.startswith(C.RAPPORTDATA_TABLE)
    assert result.sheetnames == ["Arkiv", *C.GENERATED_SHEETS]
    assert result.defined_names == {} or "_xlnm.Print_Area" not in result.defined_names
    assert result[C.SUMMARY_SHEET].print_area == "'Årssammanställning'!$A$1:$K$40"


def test_template_gets_the_sheets_twice_over(tmp_path):
    if not TEMPLATE.exists():
        pytest.skip("mallen saknas")
    out1, out2 = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    write_with_sheets(TEMPLATE, build_generated(), out1)
    write_with_sheets(out1, build_generated(), out2)
    assert package_problems(out1) == [] and package_problems(out2) == []
    with zipfile.ZipFile(TEMPLATE) as zf:
        names = [n for n in zf.namelist() if n not in REWRITTEN]
    for name in names:
        assert raw_entry(TEMPLATE, name) == raw_entry(out2, name), name
    before = openpyxl.load_workbook(TEMPLATE, read_only=True).sheetnames
    assert openpyxl.load_workbook(out2, read_only=True).sheetnames == [
        *before, *C.GENERATED_SHEETS]


def test_not_a_workbook_zip_is_refused(tmp_path, files):
    src = tmp_path / "arkiv.zip"
    with zipfile.ZipFile(src, "w") as zf:
        zf.writestr("hej.txt", "hej")
    with pytest.raises(WorkbookError, match="ingen Excel-arbetsbok"):
        write_with_sheets(src, files["gen"], tmp_path / "ut.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["arkiv.zip"]


def test_active_replaced_sheet_stays_the_only_selected_tab(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = C.START_SHEET
    wb.create_sheet(C.DATA_SHEET)
    wb.active = 1
    src = tmp_path / "aktiv.xlsx"
    wb.save(src)
    out = tmp_path / "ut.xlsx"
    write_with_sheets(src, build_generated(), out)
    with zipfile.ZipFile(out) as zf:
        parts = sheet_parts(zf)
        selected = [n for n, p in parts.items()
                    if b'tabSelected="1"' in zf.read(p)]  # fmt: skip
    assert selected == [C.DATA_SHEET]


def test_recompressing_fallback_writes_the_same_content(files, tmp_path):
    """Used only past the classic zip limits (4 GB); must give the same package."""
    out = tmp_path / "fallback.xlsx"
    with zipfile.ZipFile(files["src"]) as szf, zipfile.ZipFile(files["gen"]) as gzf, \
            open(out, "wb") as fh:  # fmt: skip
        plan = package._plan(package._Package(szf), package._Package(gzf))
        package._write_recompressed(szf, plan, fh)
    with zipfile.ZipFile(files["out1"]) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name



def test_past_the_classic_zip_limits_the_writer_falls_back_to_recompressing(files, tmp_path,
                                                                             monkeypatch):  # fmt: skip
    """When an offset or a size would not fit the classic zip fields (4 GB; lowered here), the
    copy is written again by zipfile, which writes Zip64 itself: the same package."""
    monkeypatch.setattr(ownership, "_LIMIT", 4096)
    out = tmp_path / "zip64.xlsx"
    write_with_sheets(files["src"], build_generated(), out)
    with zipfile.ZipFile(files["out1"]) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


def test_sheets_taken_from_another_workbook_keep_their_column_looks(tmp_path):
    """Columns of a copied sheet carry a style of the workbook they come from (date columns,
    whole numbers); in the copy each one points at the same look in the merged styles."""
    from conftest import EXAMPLES

    excel = Path(__file__).parent / "fixtures" / "excel" / "dataValidationTableRange.xlsx"
    example = EXAMPLES / "Vaggeryd_2023.xlsx"
    out = tmp_path / "excel_med_halsocenter.xlsx"
    write_with_sheets(excel, example, out)
    src, got = openpyxl.load_workbook(example), openpyxl.load_workbook(out)
    styled = 0
    for ws in src.worksheets:
        for letter, dim in ws.column_dimensions.items():
            copied = got[ws.title].column_dimensions[letter]
            assert look(copied) == look(dim), (ws.title, letter)
            styled += dim.number_format != "General"
    assert styled >= 10  # the dates of Remisser, Aktiviteter, ... and the numbers of Tidigare år


# --------------------------------------------------------------------------- safety


def test_refuses_to_write_over_the_input(files, tmp_path):
    src = tmp_path / "bok.xlsx"
    shutil.copy(files["src"], src)
    before = src.read_bytes()
    link = tmp_path / "länk.xlsx"
    link.symlink_to(src)
    for dst in (src, tmp_path / "." / "bok.xlsx", tmp_path / "x" / ".." / "bok.xlsx", link):
        with pytest.raises(OutputError, match="samma fil"):
            write_with_sheets(src, build_generated(), dst)
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bok.xlsx", "länk.xlsx"]


def test_failure_leaves_no_file_behind(files, tmp_path):
    dst = tmp_path / "ut.xlsx"
    with pytest.raises(zipfile.BadZipFile):
        write_with_sheets(files["src"], b"inte en arbetsbok", dst)
    not_a_workbook = tmp_path / "fel.xlsx"
    not_a_workbook.write_text("hej")
    with pytest.raises(WorkbookError, match="ingen Excel-arbetsbok"):
        write_with_sheets(not_a_workbook, generated_bytes(), dst)
    assert list(tmp_path.iterdir()) == [not_a_workbook]


def test_existing_output_is_replaced_atomically(files, tmp_path):
    dst = tmp_path / "ut.xlsx"
    dst.write_bytes(b"gammalt")
    write_with_sheets(files["src"], files["gen"].read_bytes(), dst)
    assert package_problems(dst) == []
    assert [p.name for p in tmp_path.iterdir()] == ["ut.xlsx"]


# --------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def pdfs(files, tmp_path_factory) -> dict[str, Path]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) saknas")
    d = tmp_path_factory.mktemp("pdf")
    return {k: lo_convert(files[k], "pdf", d / k) for k in ("out1", "out2")}


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.parametrize("key", ["out1", "out2"])
def test_libreoffice_renders_the_result(pdfs, key):
    pdf = pdfs[key]
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
        assert TITLE in text
        assert "Okänd typ" in text and "Typ=FaR" in text
        assert "62.5%" in text and "12.5 min" in text  # number formats of both workbooks
    assert os.path.getsize(pdf) > 2000


EXCEL_AUTHORED = Path(__file__).parent / "fixtures" / "excel" / "dataValidationTableRange.xlsx"


def _app_titles(path: Path) -> tuple[list[str], list[str]]:
    """(HeadingPairs as texts, TitlesOfParts) of docProps/app.xml."""
    ep = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    vt = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("docProps/app.xml"))
    pairs = [v[0].text for v in root.find(f"{ep}HeadingPairs/{vt}vector")]
    return pairs, [el.text for el in root.find(f"{ep}TitlesOfParts/{vt}vector")]


def test_the_sheet_list_in_app_xml_follows_the_new_sheets(tmp_path):
    """Excel lists the sheets in docProps/app.xml; a copy with added sheets must list them too,
    keep Excel's other groups (its named ranges) as they were, and be stable when run again."""
    before_pairs, before = _app_titles(EXCEL_AUTHORED)
    assert before_pairs[:2] == ["Worksheets", "2"]
    gen = openpyxl.Workbook()
    gen.active.title = "Årssammanställning"
    gen.create_sheet("Kontroll")
    once = tmp_path / "once.xlsx"
    write_with_sheets(EXCEL_AUTHORED, gen, once)
    pairs, titles = _app_titles(once)
    assert pairs == ["Worksheets", "4", "Named Ranges", before_pairs[3]]
    assert titles == ["County Ranking", "xdropdown", "Årssammanställning", "Kontroll", *before[2:]]
    twice = tmp_path / "twice.xlsx"
    write_with_sheets(once, gen, twice)
    assert _app_titles(twice) == (pairs, titles)
