"""Builders for package tests: a coach workbook carrying features openpyxl drops on load, a
generated workbook like the one sheets.py makes, and small zip/OPC inspection helpers."""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo
from PIL import Image as PILImage

from halsocenter.core import contract as C
from hostile_files import add_shared_strings

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

X14_URI = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
X14_DV = (
    f'<extLst><ext uri="{X14_URI}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>Listor!$A$2:$A$7</xm:f></x14:formula1>"
    "<xm:sqref>I2:I200</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
)
CUSTOM_XML = b'<?xml version="1.0" encoding="UTF-8"?><halsocenter><kalla>test</kalla></halsocenter>'
ITEM_PROPS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
    b'<ds:datastoreItem ds:itemID="{6F1A3C2B-1D2E-4F50-9A1B-2C3D4E5F6A7B}" '
    b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
    b"<ds:schemaRefs/></ds:datastoreItem>"
)
WB_IGNORABLE = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
    'mc:Ignorable="x15">'
)
INPUT_NUMFMT = '0.0 "min"'
OLD_TABLE = "tblGammalKontroll"
TITLE = "Årssammanställning Habo 2024"


# --------------------------------------------------------------------------- input workbook


def _png() -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (24, 16), (40, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def _openpyxl_input() -> bytes:
    wb = openpyxl.Workbook()
    start = wb.active
    start.title = C.START_SHEET
    start["A1"] = "Hälsocenter"
    start["A1"].font = Font(bold=True, size=14, color="FF1F4E79")
    start["A1"].fill = PatternFill("solid", fgColor="FFDDEBF7")
    start["A3"] = "Minuter"
    start["B3"] = 12.5
    start["B3"].number_format = INPUT_NUMFMT
    for row, value in enumerate([3, 5, 8, 2], start=5):
        start.cell(row, 1, f"Kvartal {row - 4}")
        start.cell(row, 2, value)
    chart = BarChart()
    chart.add_data(Reference(start, min_col=2, min_row=5, max_row=8))
    start.add_chart(chart, "D2")
    start.add_image(Image(io.BytesIO(_png())), "D20")

    spec = C.REMISSER
    rem = wb.create_sheet(spec.sheet)
    headers = [c.header for c in spec.columns]
    rem.append(headers)
    for i in range(1, 9):
        rem.append([f"2024-{i:03d}"] + [None] * (len(headers) - 1))
    rem["C7"] = C.TYP_FAR
    rem.add_table(Table(displayName=spec.name, ref=f"A1:{rem.cell(9, len(headers)).coordinate}"))
    rem["A2"].comment = Comment("Första remissen för året", "coach")

    listor = wb.create_sheet(C.LISTS_SHEET)
    listor["A1"] = "Fokus"
    for i, value in enumerate(C.LISTS[0].values[:6], start=2):
        listor.cell(i, 1, value)

    old = wb.create_sheet(C.CHECK_SHEET)  # an old generated sheet, with what must go away
    old["A1"], old["B1"] = "Gammal kontroll", "Summa"
    old["A2"] = 1
    old["B2"] = "=A2+1"
    old.add_table(Table(displayName=OLD_TABLE, ref="A1:B2"))
    old_chart = LineChart()
    old_chart.add_data(Reference(old, min_col=1, min_row=2, max_row=2))
    old.add_chart(old_chart, "D2")
    old.print_area = "A1:C10"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip name of its part."""
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))}
    out = {}
    for sheet in wb.iter(f"{{{MAIN}}}sheet"):
        out[sheet.get("name")] = resolve("xl/workbook.xml", rels[sheet.get(f"{{{REL_NS}}}id")])
    return out


def resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def build_input(path: Path) -> Path:
    """A coach workbook with an x14 data validation, a comment, a chart, an image, custom XML,
    an mc:Ignorable workbook root, a calcChain naming a formula on the old Kontroll sheet."""
    data = _openpyxl_input()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
        sheets = sheet_parts(zf)
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
    kontroll_id = next(s.get("sheetId") for s in wb.iter(f"{{{MAIN}}}sheet")
                       if s.get("name") == C.CHECK_SHEET)  # fmt: skip

    rem = sheets[C.REMISSER.sheet]
    parts[rem] = parts[rem].replace(b"</worksheet>", X14_DV.encode() + b"</worksheet>")
    parts["xl/workbook.xml"] = re.sub(rb"<workbook [^>]*>", WB_IGNORABLE.encode(),
                                      parts["xl/workbook.xml"], count=1)  # fmt: skip
    parts["xl/calcChain.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                 f'<calcChain xmlns="{MAIN}"><c r="B2" i="{kontroll_id}"/>'
                                 f"</calcChain>").encode()  # fmt: skip
    parts["customXml/item1.xml"] = CUSTOM_XML
    parts["customXml/itemProps1.xml"] = ITEM_PROPS
    parts["customXml/_rels/item1.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/customXmlProps" Target="itemProps1.xml"/>'
        f"</Relationships>").encode()  # fmt: skip
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rId90" Type="{REL_NS}/calcChain" Target="calcChain.xml"/>'
        f'<Relationship Id="rId91" Type="{REL_NS}/customXml" Target="../customXml/item1.xml"/>'
        f"</Relationships>".encode())  # fmt: skip
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/><Override PartName="/customXml/itemProps1'
        b'.xml" ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+'
        b'xml"/></Types>')  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in parts.items():
            out.writestr(name, content)
    return path


# --------------------------------------------------------------------------- generated workbook


def build_generated() -> openpyxl.Workbook:
    """Three sheets like sheets.py writes: styles, merged cells, charts, print settings,
    internal hyperlinks, a table and conditional formatting."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = C.SUMMARY_SHEET
    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=16, color="FF2E75B6")
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A1:F1")
    ws["A3"], ws["B3"] = "Månad", "Remisser"
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFFCE4D6")
    for i, month in enumerate(["2024-01", "2024-02", "2024-03", "2024-04"], start=4):
        ws.cell(i, 1, month)
        ws.cell(i, 2, [7, 11, 4, 9][i - 4])
    ws["A9"], ws["B9"] = "Andel tillräckligt aktiva", 0.625
    ws["B9"].number_format = "0.0%"
    key_figure = NamedStyle("Nyckeltal", font=Font(bold=True, size=13, color="FF375623"))
    ws["A9"].style = key_figure
    ws.conditional_formatting.add("B4:B7", CellIsRule(operator="greaterThan", formula=["10"],
                                                      font=Font(color="FF9C0006")))  # fmt: skip
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 12
    data = Reference(ws, min_col=2, min_row=3, max_row=7)
    cats = Reference(ws, min_col=1, min_row=4, max_row=7)
    for chart_type, anchor in ((BarChart, "D3"), (LineChart, "D20"), (PieChart, "L3")):
        chart = chart_type()
        chart.title = "Remisser per månad"
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        ws.add_chart(chart, anchor)
    ws.print_area = "A1:K40"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    chk = wb.create_sheet(C.CHECK_SHEET)
    chk.append(list(C.KONTROLL_COLUMNS))
    for cell in chk[1]:
        cell.font = Font(bold=True)
    chk.append(["Fel", C.REMISSER.sheet, 7, "C", "C7", "xyz", "Okänd typ", "lista"])
    chk["E2"].hyperlink = Hyperlink(ref="E2", location=f"'{C.REMISSER.sheet}'!C7")
    chk["E2"].style = "Hyperlink"  # a built-in named style the input does not have
    chk.column_dimensions["G"].width = 40

    rd = wb.create_sheet(C.DATA_SHEET)
    rd.append(list(C.RAPPORTDATA_COLUMNS))
    rows = [["Habo", 2024, "remisser", "", 31], ["Habo", 2024, "remisser", "Typ=FaR", 22],
            ["Habo", 2024, "andel_tillrackligt_aktiva_start", "", 0.625]]  # fmt: skip
    for row in rows:
        rd.append(row)
    table = Table(displayName=C.RAPPORTDATA_TABLE, ref=f"A1:E{len(rows) + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    rd.add_table(table)
    return wb


def generated_bytes(wb: openpyxl.Workbook | None = None) -> bytes:
    buf = io.BytesIO()
    (wb or build_generated()).save(buf)
    return buf.getvalue()


def with_shared_strings(xlsx: bytes) -> bytes:
    """The same workbook with every inline string moved to a shared-string table, as Excel and
    LibreOffice write it."""
    strings: list[str] = []

    def share(match: re.Match) -> bytes:
        text = match.group(2).decode()
        if text not in strings:
            strings.append(text)
        return match.group(1).replace(b't="inlineStr"', b't="s"') + (
            f"<v>{strings.index(text)}</v></c>".encode())

    with zipfile.ZipFile(io.BytesIO(xlsx)) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = re.sub(rb'(<c [^>]*t="inlineStr"[^>]*>)<is><t>(.*?)</t></is></c>', share,
                             parts[name])  # fmt: skip
    sst = "".join(f"<si><t>{s}</t></si>" for s in strings)  # still escaped as in the sheets
    add_shared_strings(parts, (f'<sst xmlns="{MAIN}" count="{len(strings)}" '
                               f'uniqueCount="{len(strings)}">{sst}</sst>').encode())  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return out.getvalue()


# --------------------------------------------------------------------------- inspection


def raw_entry(path: Path, name: str) -> bytes:
    """The compressed bytes of one zip entry as stored in the file."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        head = fh.read(30)
        n, m = struct.unpack("<2H", head[26:30])
        fh.seek(n + m, 1)
        return fh.read(info.compress_size)


def content_types(zf: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    root = ET.fromstring(zf.read("[Content_Types].xml"))
    defaults = {e.get("Extension").lower(): e.get("ContentType")
                for e in root.iter(f"{{{CT_NS}}}Default")}  # fmt: skip
    overrides = {e.get("PartName").lstrip("/"): e.get("ContentType")
                 for e in root.iter(f"{{{CT_NS}}}Override")}  # fmt: skip
    return defaults, overrides


def package_problems(path: Path) -> list[str]:
    """Everything that makes an OPC package inconsistent: dangling or orphan parts, parts
    without a content type, overrides naming nothing, duplicate sheet/table names and ids."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if zf.testzip() is not None:
            problems.append("crc")
        defaults, overrides = content_types(zf)
        reached, todo = set(), [""]
        while todo:
            part = todo.pop()
            if part in reached:
                continue
            reached.add(part)
            rn = rels_name(part) if part else "_rels/.rels"
            if rn not in names:
                continue
            for rel in ET.fromstring(zf.read(rn)):
                if rel.get("TargetMode") == "External":
                    continue
                target = resolve(part or "x", rel.get("Target"))
                if target not in names:
                    problems.append(f"dangling {part} -> {target}")
                else:
                    todo.append(target)
        for name in names:
            if name == "[Content_Types].xml" or name.endswith("/"):
                continue
            if name.endswith(".rels"):
                folder = posixpath.dirname(posixpath.dirname(name))
                source = posixpath.join(folder, posixpath.basename(name)[:-5])
                if name != "_rels/.rels" and source not in names:
                    problems.append(f"rels without source {name}")
                continue
            if name not in reached:
                problems.append(f"orphan {name}")
            ext = posixpath.splitext(name)[1].lstrip(".").lower()
            if name not in overrides and ext not in defaults:
                problems.append(f"no content type {name}")
        problems += [f"override without part {p}" for p in overrides if p not in names]
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
        sheets = list(wb.iter(f"{{{MAIN}}}sheet"))
        for attr in ("name", "sheetId", f"{{{REL_NS}}}id"):
            values = [s.get(attr).casefold() for s in sheets]
            if len(set(values)) != len(values):
                problems.append(f"duplicate sheet {attr}")
        tables = [ET.fromstring(zf.read(n)) for n in names
                  if overrides.get(n, "").endswith("table+xml")]  # fmt: skip
        for attr in ("id", "name", "displayName"):
            values = [t.get(attr).casefold() for t in tables]
            if len(set(values)) != len(values):
                problems.append(f"duplicate table {attr}")
    return problems
