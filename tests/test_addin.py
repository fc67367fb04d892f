"""The Excel add-in package: OOXML parts, ribbon, vbaProject.bin (MS-OVBA / MS-CFB), install."""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import olefile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from conftest import lo_convert, needs_soffice
from halsocenter.xlam import build as addin
from halsocenter.xlam import cfb, ovba

NS_UI = "http://schemas.microsoft.com/office/2009/07/customui"
NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

BUTTONS = {  # label -> Python function the button runs
    "Kontrollera": "kontrollera",
    "Årssammanställning": "arssammanstallning",
    "Word-rapport": "rapport",
    "Exportera till regionen": "exportera",
    "Nytt verksamhetsår": "nytt_verksamhetsar",
    "Hjälp": "hjalp",
}


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return addin.build_xlam(tmp_path_factory.mktemp("xlam") / "halsocenter.xlam")


@pytest.fixture(scope="module")
def vba_bin(xlam) -> bytes:
    with zipfile.ZipFile(xlam) as zf:
        return zf.read("xl/vbaProject.bin")


def _xml(xlam: Path, name: str) -> ET.Element:
    with zipfile.ZipFile(xlam) as zf:
        return ET.fromstring(zf.read(name))


def _sources(path_or_bytes) -> dict[str, str]:
    """Module name -> source as olevba extracts it, line ends normalised."""
    if isinstance(path_or_bytes, bytes):
        parser = VBA_Parser("vbaProject.bin", data=path_or_bytes)
    else:
        parser = VBA_Parser(str(path_or_bytes))
    try:
        return {
            stream.split("/")[-1]: code.replace("\r\n", "\n")
            for _, stream, _, code in parser.extract_macros()
        }
    finally:
        parser.close()


# --------------------------------------------------------------------------- package


def test_package_parts_and_relationships(xlam):
    with zipfile.ZipFile(xlam) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
    assert names[0] == "[Content_Types].xml"

    types = _xml(xlam, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{NS_CT}Override")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    defaults = {d.get("Extension") for d in types.iter(f"{NS_CT}Default")}
    for part in names[1:]:  # every part has a content type
        assert f"/{part}" in overrides or part.rsplit(".", 1)[-1] in defaults, part

    root_rels = {r.get("Type"): r.get("Target") for r in _xml(xlam, "_rels/.rels")}
    ui = root_rels["http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"]
    assert ui == "customUI/customUI14.xml" and ui in names
    office_doc = (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    )
    assert root_rels[office_doc] == "xl/workbook.xml"

    wb_rels = {r.get("Type"): r.get("Target") for r in _xml(xlam, "xl/_rels/workbook.xml.rels")}
    assert wb_rels["http://schemas.microsoft.com/office/2006/relationships/vbaProject"] == (
        "vbaProject.bin"
    )
    assert all(f"xl/{target}" in names for target in wb_rels.values())

    workbook = _xml(xlam, "xl/workbook.xml")
    sheets = workbook.findall(f"{NS_MAIN}sheets/{NS_MAIN}sheet")
    assert [s.get("name") for s in sheets] == [addin.CONFIG_SHEET]
    assert workbook.find(f"{NS_MAIN}workbookPr").get("codeName") == "ThisWorkbook"
    sheet = _xml(xlam, "xl/worksheets/sheet1.xml")
    assert sheet.find(f"{NS_MAIN}sheetPr").get("codeName") == "Sheet1"


def test_build_is_deterministic(xlam, tmp_path):
    again = addin.build_xlam(tmp_path / "again.xlam")
    assert again.read_bytes() == xlam.read_bytes()


# --------------------------------------------------------------------------- ribbon


def test_ribbon_buttons_and_callbacks():
    root = ET.fromstring(addin.ribbon_xml().encode("utf-8"))
    assert root.tag == f"{{{NS_UI}}}customUI"
    tabs = root.findall(f".//{{{NS_UI}}}tab")
    assert [t.get("label") for t in tabs] == ["Hälsocenter"]
    buttons = tabs[0].findall(f".//{{{NS_UI}}}button")
    assert {b.get("label") for b in buttons} == set(BUTTONS)
    assert len({b.get("id") for b in buttons}) == len(buttons)

    source = "\n".join(m.source for m in addin.own_modules())
    for button in buttons:
        assert button.get("size") == "large" and button.get("imageMso")
        assert button.get("screentip") and len(button.get("supertip")) > 30
        action = button.get("onAction")
        body = re.search(
            rf"^Public Sub {action}\(control As IRibbonControl\)\n(.*?)^End Sub",
            source,
            re.M | re.S,
        )
        assert body, f"Sub {action} saknas"
        function = BUTTONS[button.get("label")]
        assert f'RunPython "import halsocenter.excel as m; m.{function}()"' in body.group(1)


def test_ribbon_part_in_package_is_the_source(xlam):
    with zipfile.ZipFile(xlam) as zf:
        assert zf.read("customUI/customUI14.xml").decode("utf-8") == addin.ribbon_xml()


# --------------------------------------------------------------------------- VBA project


def test_olevba_extracts_exactly_our_modules(xlam):
    expected = {
        m.name: m.stored_source().decode(ovba.CODEC).replace("\r\n", "\n")
        for m in addin.vba_modules()
    }
    assert _sources(xlam) == expected
    assert set(expected) == {"ThisWorkbook", "Sheet1", "Halsocenter", "xlwings", "Dictionary"}
    assert "Öppna din Hälsocenter-arbetsbok" in expected["Halsocenter"]
    assert "Public Function RunPython(" in expected["xlwings"]


def test_xlwings_module_reads_our_config_sheet():
    source = addin.xlwings_module().source
    assert f'Public Const PROJECT_NAME As String = "{addin.CONFIG_NAME}"' in source
    assert "GetConfigFromSheet(ThisWorkbook)" in source  # the add-in's own sheet is consulted
    # Every key we write is one xlwings actually asks for.
    asked = {k.upper() for k in re.findall(r'GetConfig\("([^"]+)"', source)}
    for key, value in addin.config_rows("C:/x/pythonw.exe", "C:/x"):
        assert key.upper() in asked and value


def test_stored_forms_match_what_vbe_writes():
    """Our class/document conversion equals the VBE-saved modules in xlwings' own add-in."""
    shipped = _sources(addin.xlwings_dir() / "quickstart_addin_ribbon.xlam")
    ours = {
        m.name: m.stored_source().decode(ovba.CODEC).replace("\r\n", "\n")
        for m in addin.vba_modules()
    }
    assert ours["ThisWorkbook"] == shipped["ThisWorkbook"]
    # VBE re-cases identifiers it knows (err -> Err); otherwise identical.
    assert ours["Dictionary"].lower() == shipped["Dictionary"].lower()


def test_vba_project_streams(vba_bin):
    ole = olefile.OleFileIO(vba_bin)
    streams = {"/".join(p) for p in ole.listdir()}
    modules = [m.name for m in addin.vba_modules()]
    assert streams == {
        "PROJECT",
        "PROJECTwm",
        "VBA/dir",
        "VBA/_VBA_PROJECT",
        *(f"VBA/{name}" for name in modules),
    }
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE

    head = ole.openstream("VBA/_VBA_PROJECT").read()
    assert len(head) == 7  # no performance cache
    reserved1, version = struct.unpack("<HH", head[:4])
    assert (reserved1, version) == (0x61CC, 0xFFFF)

    project = ole.openstream("PROJECT").read().decode(ovba.CODEC)
    assert project.endswith("\r\n")
    lines = project.split("\r\n")
    assert lines[0] == f'ID="{addin.PROJECT_ID}"'
    assert {
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Module=Halsocenter",
        "Module=xlwings",
        "Class=Dictionary",
    } <= set(lines)
    values = dict(line.split("=", 1) for line in lines if line[:3] in ("CMG", "DPB", "GC="))
    unprotected = {"CMG": b"\0\0\0\0", "DPB": b"\0", "GC": b"\xff"}
    for key, data in unprotected.items():
        assert ovba.decrypt(bytes.fromhex(values[key].strip('"'))) == data

    wm = ole.openstream("PROJECTwm").read()
    expected = b"".join(n.encode() + b"\0" + n.encode("utf-16-le") + b"\0\0" for n in modules)
    assert wm == expected + b"\0\0"

    # dir stream: MODULEOFFSET is 0 for every module, and the module count is right.
    dir_data = decompress_stream(bytearray(ole.openstream("VBA/dir").read()))
    assert dir_data.count(struct.pack("<HII", 0x0031, 4, 0)) == len(modules)
    assert struct.pack("<HIH", 0x000F, 2, len(modules)) in dir_data
    assert struct.pack("<HIH", 0x0003, 2, 1252) in dir_data
    ole.close()


def test_decrypt_reads_excel_written_project():
    """Our decryption reads the protection fields of a PROJECT stream Excel wrote."""
    with zipfile.ZipFile(addin.xlwings_dir() / "quickstart_addin_ribbon.xlam") as zf:
        ole = olefile.OleFileIO(zf.read("xl/vbaProject.bin"))
    project = ole.openstream("PROJECT").read().decode(ovba.CODEC)
    project_id = re.search(r'^ID="(.*?)"', project, re.M).group(1)
    for key, data in {"CMG": b"\0\0\0\0", "DPB": b"\0", "GC": b"\xff"}.items():
        blob = bytes.fromhex(re.search(rf'^{key}="(.*?)"', project, re.M).group(1))
        assert ovba.decrypt(blob) == data
        assert blob[0] ^ blob[2] == sum(project_id.encode()) & 0xFF  # the project key


@given(st.binary(max_size=40), st.integers(0, 255))
def test_encrypt_round_trip(data, seed):
    blob = ovba.encrypt("{00000000-1111-2222-3333-444444444444}", data, seed)
    assert ovba.decrypt(blob) == data
    assert len(blob) == 3 + (seed & 6) // 2 + 4 + len(data)


# --------------------------------------------------------------------------- compression

_texts = st.text(alphabet="aAbB åäöÅÄÖ\r\n\"'().=_" + "0123456789", max_size=6000)
_runs = st.lists(
    st.tuples(st.binary(min_size=1, max_size=3), st.integers(1, 3000)), max_size=6
).map(lambda parts: b"".join(p * n for p, n in parts))
_data = st.one_of(
    st.binary(max_size=9000),
    _texts.map(lambda t: t.encode(ovba.CODEC)),
    _runs,
    st.tuples(st.binary(max_size=5000), _runs).map(lambda t: t[0] + t[1] + t[0]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_data)
def test_compression_round_trips_through_oletools(data):
    packed = ovba.compress(data)
    assert packed[0] == 1
    out = bytes(decompress_stream(bytearray(packed)))
    tail = len(data) % ovba.CHUNK
    if out != data:
        # The only allowed difference: a short, incompressible last chunk is stored raw and
        # padded to 4096 bytes with 0x00, as [MS-OVBA] 2.4.1.3.10 prescribes.
        assert tail and struct.unpack("<H", packed[-4098:-4096])[0] == 0x3FFF
        assert out == data + b"\0" * (ovba.CHUNK - tail)


def test_compression_compresses_long_runs_and_text():
    assert len(ovba.compress(b"a" * 50_000)) < 200
    source = addin.xlwings_module().stored_source()
    assert len(ovba.compress(source)) < len(source) // 2
    assert ovba.compress(b"") == b"\x01"


# --------------------------------------------------------------------------- compound file


def _check_red_black(ole: olefile.OleFileIO, sid: int) -> int:
    """Black height of the sibling tree at ``sid``; asserts order and red-black rules."""
    if sid == cfb.NOSTREAM:
        return 1
    entry = ole.direntries[sid]
    key = cfb._sort_key(entry.name)
    for child, cmp in ((entry.sid_left, -1), (entry.sid_right, 1)):
        if child != cfb.NOSTREAM:
            other = cfb._sort_key(ole.direntries[child].name)
            assert (other > key) - (other < key) == cmp
            if entry.color == cfb.RED:
                assert ole.direntries[child].color == cfb.BLACK
    left, right = _check_red_black(ole, entry.sid_left), _check_red_black(ole, entry.sid_right)
    assert left == right
    return left + (entry.color == cfb.BLACK)


_names = st.text(alphabet="abcDEF_01", min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(["", "S/", "S/T/", "U/"]), _names),
        st.binary(max_size=9000),
        min_size=1,
        max_size=25,
    )
)
def test_cfb_round_trips_through_olefile(entries):
    streams: dict[str, bytes] = {}
    for (folder, name), data in entries.items():
        path = folder + name
        if path.upper() in {p.upper() for p in streams} or any(
            p.upper().startswith(path.upper() + "/") or path.upper().startswith(p.upper() + "/")
            for p in streams
        ):
            continue
        streams[path] = data
    raw = cfb.write(streams)
    assert len(raw) % cfb.SECTOR == 0
    ole = olefile.OleFileIO(io.BytesIO(raw))
    assert {"/".join(p) for p in ole.listdir()} == set(streams)
    for path, data in streams.items():
        assert ole.openstream(path).read() == data
    for entry in ole.direntries:
        if entry is not None and entry.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
            _check_red_black(ole, entry.sid_child)
    ole.close()


# --------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def ods_basic(xlam, tmp_path_factory) -> dict[str, str]:
    ods = lo_convert(
        xlam, "ods", tmp_path_factory.mktemp("lo"), infilter="Calc MS Excel 2007 VBA XML"
    )
    with zipfile.ZipFile(ods) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("Basic/")}


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_imports_the_vba(ods_basic):
    library = f"Basic/{addin.PROJECT_NAME}/"
    for module in ("Halsocenter", "xlwings", "Dictionary"):
        assert f"{library}{module}.xml" in ods_basic
    ours = ods_basic[f"{library}Halsocenter.xml"]
    assert "Public Sub HcKontrollera(control As IRibbonControl)" in ours
    assert "Öppna din Hälsocenter-arbetsbok" in ours  # cp1252 decoded as intended
    assert "Public Function RunPython(" in ods_basic[f"{library}xlwings.xml"]


# --------------------------------------------------------------------------- install


def test_install_and_uninstall(tmp_path):
    folder = tmp_path / "XLSTART"
    installed = addin.install(folder)
    assert installed == folder / addin.ADDIN_NAME and installed.is_file()
    sheet = _xml(installed, "xl/worksheets/sheet1.xml")
    cells = [t.text for t in sheet.iter(f"{NS_MAIN}t")]
    config = dict(zip(cells[::2], cells[1::2], strict=True))
    key = "Interpreter_Mac" if sys.platform == "darwin" else "Interpreter_Win"
    assert config[key] == addin.interpreter_path()
    assert Path(config[key]).is_file()
    assert (Path(config["PYTHONPATH"]) / "halsocenter" / "__init__.py").is_file()
    assert config["ADD_WORKBOOK_TO_PYTHONPATH"] == "False"
    assert _sources(installed).keys() == {m.name for m in addin.vba_modules()}
    assert [p.name for p in folder.iterdir()] == [addin.ADDIN_NAME]  # no temp files left

    assert addin.uninstall(folder) == installed
    assert not installed.exists()
    assert addin.uninstall(folder) is None


def test_generic_build_has_no_interpreter(xlam):
    cells = [t.text for t in _xml(xlam, "xl/worksheets/sheet1.xml").iter(f"{NS_MAIN}t")]
    assert not any(c.startswith("Interpreter") for c in cells)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gäller bara Linux")
def test_install_without_folder_on_linux_is_refused(tmp_path):
    with pytest.raises(addin.AddinError, match="Excel finns inte"):
        addin.install()
    with pytest.raises(addin.AddinError):
        addin.uninstall()
