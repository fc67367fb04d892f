"""The Office checker catches what it claims to: each test breaks one valid file in one way.

Starting points are files that pass (the committed template, the Word template, the add-in),
so every failure below is the injected fault and nothing else.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import ROOT, TEMPLATE
from halsocenter.xlam import build as addin
from halsocenter.xlam import cfb
from ooxml import cfbcheck, schema, validate_package

WORD_TEMPLATE = ROOT / "workbook_template" / "rapportmall.docx"
SHEET = "xl/worksheets/sheet2.xml"  # Remisser, with tblRemisser (A1:O2)
TABLE = "xl/tables/table1.xml"


def _header_style() -> bytes:
    """The style index of the template's header cells (it moves when the template's look does)."""
    with zipfile.ZipFile(TEMPLATE) as zf:
        return re.search(rb'<c r="A1" s="(\d+)"', zf.read(SHEET)).group(1)


HEAD_S = _header_style()
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
Edit = Callable[[bytes], bytes] | None


def rewrite(src: Path, dst: Path, edits: dict[str, Edit], add: dict[str, bytes] | None = None
            ) -> Path:  # fmt: skip
    """Copy the package ``src`` to ``dst`` with parts edited (None deletes) or added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            edit = edits.get(info.filename, lambda b: b)
            if info.filename in edits and edit is None:
                continue
            zout.writestr(info.filename, edit(zin.read(info.filename)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def sub(old: bytes, new: bytes, count: int = 1) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        assert old in data, old
        return data.replace(old, new, count)
    return edit


def rules(path: Path) -> set[str]:
    return {p.rule for p in validate_package(path)}


def messages(path: Path) -> str:
    return "\n".join(map(str, validate_package(path)))


def test_the_starting_points_are_valid():
    for path in (TEMPLATE, WORD_TEMPLATE):
        assert validate_package(path) == []


# --------------------------------------------------------------------------- schema


def test_elements_out_of_order_are_caught(tmp_path):
    # CT_Worksheet is a sequence: sheetViews must come before sheetFormatPr and cols
    def swap(data: bytes) -> bytes:
        start, end = data.index(b"<sheetViews>"), data.index(b"</sheetViews>") + 13
        views = data[start:end]
        data = data[:start] + data[end:]
        return data.replace(b"</cols>", b"</cols>" + views, 1)

    bad = rewrite(TEMPLATE, tmp_path / "order.xlsx", {SHEET: swap})
    assert "schema" in rules(bad)
    assert "sheetViews" in messages(bad)


def _word_table(properties: str) -> etree._Element:
    return etree.fromstring(
        f'<w:document xmlns:w="{W}"><w:body><w:tbl><w:tblPr>{properties}</w:tblPr><w:tblGrid>'
        '<w:gridCol w:w="2000"/></w:tblGrid><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:body>'
        "</w:document>")


def test_the_transitional_additions_validate_in_their_place():
    accessible = ('<w:tblLook w:val="04A0" w:firstRow="1" w:noVBand="1"/>'
                  '<w:tblCaption w:val="Nyckeltal"/><w:tblDescription w:val="Årets siffror"/>')
    assert schema.schema().validate(_word_table(accessible))
    swapped = ('<w:tblCaption w:val="Nyckeltal"/><w:tblLook w:val="04A0"/>')
    assert not schema.schema().validate(_word_table(swapped))
    assert not schema.schema().validate(_word_table('<w:tblLook w:firstRow="kanske"/>'))


SINGLE_EDITS = [
    # (what breaks, file, part, text, replaced by, problem reported)
    ("an attribute value outside its enumeration", TEMPLATE, "xl/workbook.xml",
     b'state="visible"', b'state="shown"', "'shown' is not an element of the set"),
    ("a Word zoom without percent", WORD_TEMPLATE, "word/settings.xml",
     b' w:percent="100"', b"", "percent' is required but missing"),
    ("an r:id naming no relationship", TEMPLATE, "xl/workbook.xml",
     b'r:id="rId2"', b'r:id="rId42"', "rId42 names no relationship"),
    ("a relationship to a part of the wrong kind", TEMPLATE, "xl/worksheets/_rels/sheet2.xml.rels",
     b"/xl/tables/table1.xml", b"/xl/styles.xml", "rId1 (table) targets xl/styles.xml"),
    ("an unknown style index", TEMPLATE, SHEET,
     b'r="A1" s="' + HEAD_S + b'"', b'r="A1" s="999"', "cell A1 has style 999"),
    ("a table header that differs from its column", TEMPLATE, SHEET,
     b"<t>Inkom</t>", b"<t>Inkommen</t>",
     "header cell Remisser!B1 is 'Inkommen', the column is named 'Inkom'"),
    ("a defined name pointing at a missing sheet", TEMPLATE, "xl/workbook.xml",
     b"'Listor'!", b"'Listor gammal'!", "points at missing sheet 'Listor gammal'"),
    ("cells out of column order", TEMPLATE, SHEET,
     b'<c r="B1" s="' + HEAD_S + b'"', b'<c r="A1" s="' + HEAD_S + b'"',
     "cell A1 is out of place in row 1"),
    ("overlapping merged ranges", TEMPLATE, SHEET, b"</sheetData><dataValidations",
     b'</sheetData><mergeCells count="2"><mergeCell ref="Q1:R2"/><mergeCell ref="R2:S3"/>'
     b"</mergeCells><dataValidations", "merged ranges Q1:R2 and R2:S3 overlap"),
    ("a defined name Excel reads as a cell", TEMPLATE, "xl/workbook.xml",
     b'name="hc_kommun"', b'name="FY2024"', "'FY2024' is not a valid name in Excel"),
    ("an undefined paragraph style", WORD_TEMPLATE, "word/document.xml",
     b'<w:pStyle w:val="Title"/>', b'<w:pStyle w:val="Rubrik99"/>', "names style 'Rubrik99'"),
]


@pytest.mark.parametrize(("src", "part", "old", "new", "expected"),
                         [case[1:] for case in SINGLE_EDITS], ids=[c[0] for c in SINGLE_EDITS])
def test_a_single_broken_detail_is_caught(tmp_path, src, part, old, new, expected):
    bad = rewrite(src, tmp_path / f"bad{src.suffix}", {part: sub(old, new)})
    assert expected in messages(bad)


# --------------------------------------------------------------------------- markup compatibility


def _declare(data: bytes, ignorable: bool) -> bytes:
    """Declare an extension namespace ``hx`` (and ``mc``) on the worksheet root."""
    decl = (b' xmlns:hx="urn:x-halsocenter:ext" xmlns:mc="http://schemas.openxmlformats.org/'
            b'markup-compatibility/2006"' + (b' mc:Ignorable="hx"' if ignorable else b""))
    return data.replace(b"<worksheet ", b"<worksheet" + decl + b" ", 1)


def _with_extension(element: bytes, ignorable: bool) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        return _declare(data, ignorable).replace(b"<sheetViews>", element + b"<sheetViews>", 1)
    return edit


def test_an_element_office_does_not_understand_is_an_error_unless_ignorable(tmp_path):
    element = b'<hx:note hx:level="1">x</hx:note>'
    bad = rewrite(TEMPLATE, tmp_path / "mce.xlsx", {SHEET: _with_extension(element, False)})
    assert "mce" in rules(bad)
    fine = rewrite(TEMPLATE, tmp_path / "ign.xlsx", {SHEET: _with_extension(element, True)})
    assert validate_package(fine) == []


def test_alternate_content_takes_the_branch_office_would(tmp_path):
    # Choice requires a namespace nobody understands: the Fallback (valid) is used
    fallback = (b'<mc:AlternateContent><mc:Choice Requires="hx"><hx:fancy/></mc:Choice>'
                b'<mc:Fallback><sheetPr/></mc:Fallback></mc:AlternateContent>')
    path = rewrite(TEMPLATE, tmp_path / "fallback.xlsx", {SHEET: _alternate(fallback)})
    assert validate_package(path) == []
    # Choice requires SpreadsheetML itself: it is taken, and its out-of-place content is wrong
    chosen = (b'<mc:AlternateContent xmlns:s="http://schemas.openxmlformats.org/spreadsheetml/'
              b'2006/main"><mc:Choice Requires="s"><cols/></mc:Choice>'
              b'<mc:Fallback><sheetPr/></mc:Fallback></mc:AlternateContent>')
    path = rewrite(TEMPLATE, tmp_path / "choice.xlsx", {SHEET: _alternate(chosen)})
    assert "schema" in rules(path)


@settings(max_examples=25)
@given(st.lists(st.sampled_from(["sheetPr", "dimension", "sheetView", "col", "row", "c", "t"]),
                min_size=1, max_size=6, unique=True), st.booleans())
def test_extension_attributes_are_ignorable_exactly_when_declared_so(tmp_path_factory, tags,
                                                                     declared):
    """Any element may carry attributes of an extension namespace (Office's x14ac:dyDescent,
    xr:uid, ...): fine when the namespace is in mc:Ignorable, an error otherwise."""
    def edit(data: bytes) -> bytes:
        data = _declare(data, declared)
        for tag in tags:
            data = data.replace(f"<{tag} ".encode(), f'<{tag} hx:extra="1" '.encode(), 1)
            data = data.replace(f"<{tag}>".encode(), f'<{tag} hx:extra="1">'.encode(), 1)
        return data

    path = rewrite(TEMPLATE, tmp_path_factory.mktemp("mce") / "x.xlsx", {SHEET: edit})
    found = rules(path)
    if declared:
        assert found == set()
    else:
        assert "mce" in found


def _alternate(block: bytes) -> Callable[[bytes], bytes]:
    """Put ``block`` where ``<sheetPr>`` is (the first child of the worksheet)."""
    def edit(data: bytes) -> bytes:
        data = _declare(data, False)
        start, end = data.index(b"<sheetPr>"), data.index(b"</sheetPr>") + 10
        return data[:start] + block + data[end:]
    return edit


# --------------------------------------------------------------------------- package


def test_a_dangling_relationship_is_caught(tmp_path):
    rels = "xl/worksheets/_rels/sheet2.xml.rels"
    bad = rewrite(TEMPLATE, tmp_path / "dangling.xlsx",
                  {rels: sub(b"/xl/tables/table1.xml", b"/xl/tables/table99.xml")})
    found = messages(bad)
    assert "points at missing xl/tables/table99.xml" in found
    assert "no relationship reaches this part" in found  # table1.xml is now an orphan


def test_a_missing_content_type_is_caught(tmp_path):
    bad = rewrite(TEMPLATE, tmp_path / "ct.xlsx",
                  {"[Content_Types].xml": sub(b'<Override PartName="/xl/tables/table1.xml" '
                                             b'ContentType="application/vnd.openxmlformats-'
                                             b'officedocument.spreadsheetml.table+xml"/>', b"")},
                  add={"xl/media/picture.bmp": b"BM"})
    found = messages(bad)
    assert "xl/media/picture.bmp: [content-type]" in found
    assert "xl/tables/table1.xml: [schema] no schema for root namespace None" not in found
    assert "an Override names" not in found


def test_an_override_for_a_missing_part_is_caught(tmp_path):
    bad = rewrite(TEMPLATE, tmp_path / "gone.xlsx", {TABLE: None})
    found = messages(bad)
    assert "an Override names a part that does not exist" in found
    assert "points at missing xl/tables/table1.xml" in found


def test_a_part_whose_root_does_not_fit_its_content_type_is_caught(tmp_path):
    with zipfile.ZipFile(TEMPLATE) as zf:
        other_table = zf.read("xl/tables/table2.xml")
    bad = rewrite(TEMPLATE, tmp_path / "root.xlsx",
                  {"xl/styles.xml": lambda _: other_table.replace(b'id="2"', b'id="99"')})
    found = messages(bad)
    assert "needs root {http://schemas.openxmlformats.org/spreadsheetml/2006/main}styleSheet" \
        in found


# --------------------------------------------------------------------------- SpreadsheetML


def test_a_shared_string_out_of_range_is_caught(tmp_path):
    bad = rewrite(TEMPLATE, tmp_path / "sst.xlsx",
                  {SHEET: sub(b'<c r="A1" s="' + HEAD_S + b'" t="inlineStr"><is><t>L&#246;pnummer'
                              b'</t></is></c>', b'<c r="A1" s="' + HEAD_S + b'" t="s"><v>5</v></c>')})
    assert "shared-string" in rules(bad)


def test_duplicate_table_ids_and_names_are_caught(tmp_path):
    with zipfile.ZipFile(TEMPLATE) as zf:
        second = zf.read("xl/tables/table2.xml")
    name = second.split(b'name="', 1)[1].split(b'"', 1)[0]
    bad = rewrite(TEMPLATE, tmp_path / "ids.xlsx",
                  {"xl/tables/table2.xml": sub(b'id="2"', b'id="1"')})
    assert "table id 1 is also used by" in messages(bad)
    bad = rewrite(TEMPLATE, tmp_path / "names.xlsx",
                  {"xl/tables/table2.xml": lambda d: d.replace(name, b"tblRemisser")})
    assert "table name 'tblRemisser' is also used by" in messages(bad)


def test_sheet_name_and_id_rules_are_caught(tmp_path):
    bad = rewrite(TEMPLATE, tmp_path / "sheets.xlsx",
                  {"xl/workbook.xml": lambda d: d.replace(b'name="Plan"', b'name="remisser"')
                   .replace(b'sheetId="3"', b'sheetId="2"')})
    found = messages(bad)
    assert "sheet name 'remisser' is used twice" in found
    assert "has sheetId '2'" in found


def test_a_stale_sheet_list_in_app_xml_is_caught(tmp_path):
    app = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
           b'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
           b'docPropsVTypes"><HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant>'
           b"<vt:lpstr>Kalkylblad</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant>"
           b'</vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="1" baseType="lpstr">'
           b"<vt:lpstr>Start</vt:lpstr></vt:vector></TitlesOfParts></Properties>")
    bad = rewrite(TEMPLATE, tmp_path / "app.xlsx", {"docProps/app.xml": lambda _: app})
    assert "app" in rules(bad)


# --------------------------------------------------------------------------- WordprocessingML


def test_title_page_without_a_first_page_footer_is_caught(tmp_path):
    bad = rewrite(WORD_TEMPLATE, tmp_path / "titlepg.docx", {
        "word/document.xml": lambda d: d.replace(
            d[d.index(b'<w:footerReference w:type="first"'):].split(b"/>", 1)[0] + b"/>", b"")})
    found = messages(bad)
    assert "titlePg is set but the section has no first-page footer" in found


# --------------------------------------------------------------------------- ribbon


@pytest.fixture(scope="module")
def xlam_parts() -> dict[str, bytes]:
    return dict(addin.package_parts())


def _xlam(tmp_path: Path, parts: dict[str, bytes], name: str) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for part, data in parts.items():
            zf.writestr(part, data)
    return path


def test_the_addin_is_valid_and_its_ribbon_rules_can_fail(tmp_path, xlam_parts):
    assert validate_package(_xlam(tmp_path, xlam_parts, "ok.xlam")) == []
    ribbon = xlam_parts["customUI/customUI14.xml"]
    broken = dict(xlam_parts)
    broken["customUI/customUI14.xml"] = ribbon.replace(b'id="hcHjalp"', b'id="hcRapport"') \
        .replace(b'size="large"', b'size="huge"', 1).replace(b"<button ", b"<button colour=\"x\" ",
                                                             1)
    found = messages(_xlam(tmp_path, broken, "bad.xlam"))
    assert "id 'hcRapport' is used twice" in found
    assert "size 'huge'" in found
    assert "has no attribute 'colour'" in found


def test_an_unreadable_vba_project_in_a_sound_container_is_caught(tmp_path, xlam_parts):
    broken = dict(xlam_parts)
    broken["xl/vbaProject.bin"] = cfb.write({"VBA/dir": b"\x01garbage", "PROJECT": b'ID="{x}"'})
    found = validate_package(_xlam(tmp_path, broken, "vba.xlam"))
    assert [p.rule for p in found] == ["vba"]


# --------------------------------------------------------------------------- [MS-CFB]


def _entry_offset(data: bytes, name: str) -> int:
    """Byte offset of the directory entry called ``name`` (entries are 128-byte aligned)."""
    needle = (name + "\0").encode("utf-16-le")
    for at in range(512, len(data), 128):
        if data[at:at + len(needle)] == needle:
            return at
    raise AssertionError(name)


@pytest.fixture(scope="module")
def compound() -> bytes:
    return cfb.write({"VBA/dir": b"d" * 100, "VBA/Module1": b"m" * 5000, "PROJECT": b"p" * 50,
                      "PROJECTwm": b"w" * 10})


def test_the_compound_file_writer_passes_the_checks(compound):
    assert cfbcheck.check(compound) == []


def test_a_storage_entry_with_a_sector_is_caught(compound):
    data = bytearray(compound)
    at = _entry_offset(data, "VBA")
    struct.pack_into("<I", data, at + 116, cfb.ENDOFCHAIN)
    assert any("storage" in p and "starting sector 0" in p for p in cfbcheck.check(bytes(data)))


def test_a_red_root_and_misordered_siblings_are_caught(compound):
    data = bytearray(compound)
    for name in ("VBA", "PROJECT", "PROJECTwm"):
        data[_entry_offset(data, name) + 67] = cfb.RED
    assert any("red" in p for p in cfbcheck.check(bytes(data)))
    data = bytearray(compound)
    a, b = _entry_offset(data, "PROJECT"), _entry_offset(data, "PROJECTwm")
    # rename PROJECTwm to a name that sorts before PROJECT: the tree order no longer holds
    data[b:b + 66] = ("AB\0".encode("utf-16-le")).ljust(64, b"\0") + struct.pack("<H", 6)
    assert any("out of order" in p for p in cfbcheck.check(bytes(data))), a


def test_a_broken_fat_chain_is_caught(compound):
    data = bytearray(compound)
    at = _entry_offset(data, "Module1")
    start = struct.unpack_from("<I", data, at + 116)[0]
    struct.pack_into("<I", data, 512 + 4 * start, cfb.FREESECT)  # first FAT sector holds it
    found = cfbcheck.check(bytes(data))
    assert any("sectors" in p for p in found)


def test_a_truncated_file_is_caught_by_olefile_too(compound):
    found = cfbcheck.check(compound[:-512])
    assert any(p.startswith("olefile (strict)") for p in found)
    assert any(not p.startswith("olefile") for p in found)


def test_a_wrong_mini_stream_size_is_caught(compound):
    data = bytearray(compound)
    at = _entry_offset(data, "dir")
    struct.pack_into("<Q", data, at + 120, 300)  # 100 bytes stored, 300 claimed
    assert any("mini sectors" in p for p in cfbcheck.check(bytes(data)))


names = st.text(st.characters(min_codepoint=0x41, max_codepoint=0x5A) | st.sampled_from("åäöx_"),
                min_size=1, max_size=12)


@given(st.dictionaries(st.tuples(st.sampled_from(["", "VBA", "VBA/_VBA_PROJECT_CUR"]), names),
                       st.binary(max_size=6000), min_size=1, max_size=12))
def test_any_tree_the_writer_makes_passes_the_cfb_checks(entries):
    streams = {}
    for (folder, name), data in entries.items():
        path = f"{folder}/{name}" if folder else name
        if any(p.upper() == path.upper() for p in streams) or any(
                path.upper().startswith(p.upper() + "/") or p.upper().startswith(path.upper() + "/")
                for p in streams):
            continue
        streams[path] = data
    assert cfbcheck.check(cfb.write(streams)) == []
