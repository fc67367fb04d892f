"""A real example workbook with an identity number in every place no one looks (issue 22, item
8): headers and footers, text boxes and their alternative text, a picture's alternative text,
chart titles, data-validation messages and lists, hyperlinks, custom XML, a number format's
literal text, a defined name's comment -- each its own valid number -- plus a pivot cache and an
embedded object, which the program does not read.

openpyxl writes what it can (headers, validations, links, number formats, the name's comment, a
chart and a picture); the rest is added to the package by hand, as Excel would have it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.image import Image
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from halsocenter.xlsx.layout import Layout, rels_name
from privacy_builders import BASE, Number, _add_before, _relationship, numbers, zip_edit

SHEET = "Aktiviteter"
"""The sheet the hidden places are on (its own cells stay as the example has them)."""


@dataclass(frozen=True)
class Hidden:
    """One hidden place: its name, and what the finding's message must say about where."""

    name: str
    place: str


PLACES = (
    Hidden("sidhuvud", f"{SHEET}, sidhuvud (Sidlayout"),
    Hidden("sidfot", f"{SHEET}, sidfot (Sidlayout"),
    Hidden("sidhuvud första sidan", f"{SHEET}, sidhuvud för första sidan"),
    Hidden("sidfot jämna sidor", f"{SHEET}, sidfot för jämna sidor"),
    Hidden("inmatningsrubrik", "(inmatningsmeddelandets rubrik; Data > Dataverifiering)"),
    Hidden("inmatningsmeddelande", "(inmatningsmeddelande; Data > Dataverifiering)"),
    Hidden("felmeddelande", "(felmeddelande; Data > Dataverifiering)"),
    Hidden("valideringslista", "(listan eller villkoret; Data > Dataverifiering)"),
    Hidden("länkadress", "länken i cell K2 (adressen)"),
    Hidden("länkens skärmtips", "länken i cell K2 (skärmtips)"),
    Hidden("länkens visade text", "länken i cell K3 (text som visas)"),
    Hidden("talformat", "Ett anpassat talformat"),
    Hidden("namnkommentar", "Kommentaren till det definierade namnet ”minlista”"),
    Hidden("diagramrubrik", f"{SHEET}, ett diagram (rubrik eller etikett)"),
    Hidden("axelrubrik", f"{SHEET}, ett diagram (rubrik eller etikett)"),
    Hidden("textruta", f"{SHEET}, text i en textruta eller figur"),
    Hidden("textrutans alternativtext", f"{SHEET}, en figur eller bild (alternativtext)"),
    Hidden("textrutans rubrik", f"{SHEET}, en figur eller bild (rubrik för alternativtext)"),
    Hidden("bildens alternativtext", f"{SHEET}, en figur eller bild (alternativtext)"),
    Hidden("anpassad XML", "Anpassade XML-data"),
)
UNREAD_PLACES = ("Pivottabellernas sparade data", "Ett inbäddat objekt")


def planted_numbers() -> dict[str, Number]:
    """A distinct valid personnummer or samordningsnummer per place."""
    return dict(zip((p.name for p in PLACES), numbers(len(PLACES), seed=22), strict=True))


def written(n: Number) -> str:
    return f"{n.short}-{n.serial}"


A = "http://schemas.openxmlformats.org/drawingml/2006/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"


def _png() -> bytes:
    from PIL import Image as Pil

    buf = io.BytesIO()
    Pil.new("RGB", (8, 8), (30, 90, 160)).save(buf, "PNG")
    return buf.getvalue()


def build_hidden(dst: Path, src: Path = BASE) -> tuple[Path, dict[str, Number]]:
    """``src`` with a number in every place of ``PLACES``, a pivot cache and an embedded object;
    returns the file and the number planted per place."""
    nums = planted_numbers()
    w = {name: written(n) for name, n in nums.items()}
    wb = openpyxl.load_workbook(src)
    ws = wb[SHEET]
    ws.oddHeader.left.text = f"Ansvarig {w['sidhuvud']}"
    ws.oddFooter.center.text = f"Kontakt {w['sidfot']}"
    ws.firstHeader.left.text = f"Första sidan {w['sidhuvud första sidan']}"
    ws.evenFooter.right.text = f"Jämn sida {w['sidfot jämna sidor']}"
    ws.HeaderFooter.differentFirst = True
    ws.HeaderFooter.differentOddEven = True
    dv = DataValidation(type="list", formula1=f'"Ja,Nej,{w["valideringslista"]}"',
                        promptTitle=f"Fråga {w['inmatningsrubrik']}",
                        prompt=f"Ring {w['inmatningsmeddelande']}",
                        error=f"Fel, se {w['felmeddelande']}", showInputMessage=True,
                        showErrorMessage=True)  # fmt: skip
    dv.add("L2:L20")
    ws.add_data_validation(dv)
    ws["K2"] = "Länk"
    ws["K2"].hyperlink = f"https://example.se/?id={nums['länkadress'].ten}"
    ws["K2"].hyperlink.tooltip = f"Öppna {w['länkens skärmtips']}"
    ws["K3"] = "Till Start"
    ws["K3"].hyperlink = openpyxl.worksheet.hyperlink.Hyperlink(
        ref="K3", location="Start!A1", display=f"Se {w['länkens visade text']}")
    ws["K4"] = 7
    ws["K4"].number_format = f'"{w["talformat"]}" 0'
    wb.defined_names["minlista"] = DefinedName(
        "minlista", attr_text=f"'{SHEET}'!$A$1:$A$5", comment=f"Anna {w['namnkommentar']}")
    chart = BarChart()
    chart.title = f"Deltagare {w['diagramrubrik']}"
    chart.x_axis.title = f"Vecka {w['axelrubrik']}"
    chart.add_data(Reference(ws, min_col=5, min_row=1, max_row=6), titles_from_data=True)
    ws.add_chart(chart, "N2")
    picture = Image(io.BytesIO(_png()))
    ws.add_image(picture, "N20")
    wb.save(dst)
    _surgery(dst, w)
    return dst, nums


def _surgery(path: Path, w: dict[str, str]) -> None:
    """What openpyxl cannot write: a text box with alt text and a title, the picture's alt
    text, custom XML, a pivot cache and an embedded object."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        layout = Layout(zf)
        sheet = layout.sheet_parts[SHEET]
        drawing = next(iter(layout._rels(sheet, set(zf.namelist()), kind="/drawing").values()))
    sheet_rels = rels_name(sheet)
    text_box = (
        f'<xdr:twoCellAnchor xmlns:xdr="{XDR}" xmlns:a="{A}"><xdr:from><xdr:col>2</xdr:col>'
        '<xdr:colOff>0</xdr:colOff><xdr:row>30</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>'
        '<xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>34</xdr:row>'
        '<xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro="" textlink=""><xdr:nvSpPr>'
        f'<xdr:cNvPr id="90" name="Textruta 1" descr="Ringer {w["textrutans alternativtext"]}" '
        f'title="Om {w["textrutans rubrik"]}"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr>'
        '<a:xfrm><a:off x="0" y="0"/><a:ext cx="2000000" cy="600000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/>'
        f'<a:lstStyle/><a:p><a:r><a:t>Deltagare {w["textruta"]} kommer på tisdag</a:t></a:r>'
        '</a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>').encode()

    def drawing_edit(data: bytes) -> bytes:
        def alt(found: re.Match) -> bytes:
            tag = re.sub(rb'\sdescr="[^"]*"', b"", found.group(0))
            return tag.replace(b"cNvPr", b'cNvPr descr="Foto ' + w["bildens alternativtext"]
                               .encode() + b'"', 1)  # fmt: skip

        data = re.sub(rb"<(?:xdr:)?pic>\s*<(?:xdr:)?nvPicPr>\s*<(?:xdr:)?cNvPr\b[^>]*>", alt, data,
                      count=1)  # fmt: skip
        return re.sub(rb"(</(?:xdr:)?wsDr>)", lambda m: text_box + m.group(1), data)

    custom = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><deltagare '
              f'xmlns="urn:example:deltagare"><person id="1">Anna, '
              f'{w["anpassad XML"]}</person></deltagare>').encode()  # fmt: skip
    item_props = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ds:datastoreItem '
                  b'ds:itemID="{5B2C1E4A-0F3B-4E7A-9C1D-2E3F4A5B6C7D}" xmlns:ds="http://schemas.'
                  b'openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs/>'
                  b'</ds:datastoreItem>')  # fmt: skip
    pivot = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><pivotCacheDefinition '
             b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             b'recordCount="0"><cacheSource type="worksheet"><worksheetSource ref="A1:B2" '
             b'sheet="Aktiviteter"/></cacheSource><cacheFields count="0"/></pivotCacheDefinition>')
    types = (b'<Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.'
             b'openxmlformats-officedocument.customXmlProperties+xml"/><Override PartName="/xl/'
             b'pivotCache/pivotCacheDefinition1.xml" ContentType="application/vnd.'
             b'openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"/>'
             b'<Default Extension="bin" ContentType="application/vnd.openxmlformats-'
             b'officedocument.oleObject"/>')  # fmt: skip
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    zip_edit(path, {
        drawing: drawing_edit,
        "customXml/item1.xml": lambda _: custom,
        "customXml/itemProps1.xml": lambda _: item_props,
        "customXml/_rels/item1.xml.rels": lambda data: _relationship(
            data, "rId1", rel + "customXmlProps", "itemProps1.xml"),
        "xl/pivotCache/pivotCacheDefinition1.xml": lambda _: pivot,
        "xl/embeddings/oleObject1.bin": lambda _: b"\xd0\xcf\x11\xe0" + b"\0" * 508,
        "[Content_Types].xml": _add_before(b"</Types>", types),
        "xl/_rels/workbook.xml.rels": lambda data: _relationship(
            _relationship(data, "rIdCx1", rel + "customXml", "../customXml/item1.xml"),
            "rIdPc1", rel + "pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml"),
        sheet_rels: lambda data: _relationship(data, "rIdOle1", rel + "oleObject",
                                               "../embeddings/oleObject1.bin"),
    })  # fmt: skip
