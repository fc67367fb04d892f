"""Builds the first version of the Word report template ``workbook_template/rapportmall.docx``.

The template is a docxtpl document: standard texts are plain Word text the region can edit in
Word, figures and the hub's own texts come in through Jinja tags (``{{ ... }}``, ``{%p ... %}``
for whole paragraphs, ``{%tr ... %}`` for table rows). This builder runs once (``scripts/
make-report-template``); the committed .docx is the template from then on, so edits made in
Word are never overwritten by code. Every tag is written as one run so Word keeps it intact.

It is part of the build, not of the product: the wheel ships the finished .docx. The names the
report fills in and looks for (``halsocenter.report.template_keys``) stay in the package.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from halsocenter.atomic import atomic_write
from halsocenter.core import contract as C
from halsocenter.core import palette as P
from halsocenter.report.template_keys import (
    GOAL_KEYS,
    LINK_STYLE,
    NOTE_STYLE,
    OWN_TEXT_STYLE,
    PLAN_FIELDS,
    TABLE_TITLE_STYLE,
)

FONT = "Calibri"
ACCENT = P.DARK  # headings, table headers: the house colour of every output (core.palette)
ACCENT_LIGHT = P.BAND_FILL  # banded rows, group rows
RULE = P.RULE_BLUE
TEXT_WIDTH_CM = 16.0  # A4 (21 cm) minus 2.5 cm margins
COVER_SPACE_PT = 150
"""Space above the cover's title: the title page is spaced by the title, not by empty lines."""

TABLE_STYLE_ID = "HalsocenterTabell"
TABLE_STYLE_NAME = "Hälsocenter tabell"
PLAN_QUESTIONS = {"aktivitet": "vad skulle göras?", "uppfoljning": "hur blev det?",
                  "framtidsplan": "hur går vi vidare?"}  # fmt: skip
PLAN_WIDTHS_CM = {"aktivitet": 4.3, "status": 2.6, "uppfoljning": 4.8, "framtidsplan": 4.3}
LANGUAGE = "sv-SE"


# --------------------------------------------------------------------------- styles


def _fonts(rpr, name: str = FONT) -> None:
    """Set explicit fonts on a run-properties element, dropping theme fonts that would win."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), name)


def _para_style(doc, name, *, size, bold=False, italic=False, color=None, before=0, after=6,
                based_on=None, keep_next=False):  # fmt: skip
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(
        name, WD_STYLE_TYPE.PARAGRAPH)
    if based_on:
        style.base_style = styles[based_on]
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.color.rgb = RGBColor.from_string(color) if color else None
    rpr = style.element.get_or_add_rPr()
    _fonts(rpr)
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if keep_next:
        fmt.keep_with_next = True
    return style


def _setup_styles(doc) -> None:
    # document defaults: Swedish proofing, Calibri 11
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    _fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), LANGUAGE)

    normal = _para_style(doc, "Normal", size=11, after=6)
    normal.paragraph_format.line_spacing = 1.1
    _para_style(doc, "Title", size=26, bold=False, color=ACCENT, after=12, based_on="Normal")
    _para_style(doc, "Subtitle", size=16, color=P.CHART_TEXT, after=24, based_on="Normal")
    _para_style(doc, "Heading 1", size=17, bold=True, color=ACCENT, before=18, after=6,
                keep_next=True)
    _para_style(doc, "Heading 2", size=13, bold=True, color=ACCENT, before=12, after=4,
                keep_next=True)
    _para_style(doc, "Heading 3", size=11, bold=True, color=P.TEXT, before=10, after=3,
                keep_next=True)
    # Word's own caption style names every table (above it) and every chart (below it), so a
    # screen reader and Word's navigation know them for captions, not for loose bold lines.
    _para_style(doc, TABLE_TITLE_STYLE, size=10, bold=True, color=ACCENT, before=8, after=4,
                based_on="Normal")
    _para_style(doc, NOTE_STYLE, size=9, italic=True, color=P.SUBTLE_TEXT, before=2, after=12,
                based_on="Normal")
    _para_style(doc, "Footer", size=9, color=P.SUBTLE_TEXT)
    _para_style(doc, "List Bullet", size=11, after=4, based_on="Normal")
    link = doc.styles.add_style(LINK_STYLE, WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor.from_string(P.LINK)
    link.font.underline = True
    own = _para_style(doc, OWN_TEXT_STYLE, size=11, italic=False, color=P.TEXT, after=6,
                      based_on="Normal")
    own.paragraph_format.left_indent = Cm(0.9)
    own.next_paragraph_style = own
    # a thin accent rule to the left marks the hub's own text
    _border(own.element.get_or_add_pPr(), "left", 12, 8, ACCENT)
    # headings should not be restyled by the theme's Title border
    title_ppr = doc.styles["Title"].element.get_or_add_pPr()
    for child in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(child)
    doc.styles.element.append(parse_xml(_table_style_xml()))


def _table_style_xml() -> str:
    return f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="{TABLE_STYLE_ID}">
  <w:name w:val="{TABLE_STYLE_NAME}"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="40"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
  <w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>
  <w:tblPr>
    <w:tblStyleRowBandSize w:val="1"/>
    <w:tblBorders>
      <w:top w:val="single" w:sz="8" w:space="0" w:color="{ACCENT}"/>
      <w:bottom w:val="single" w:sz="8" w:space="0" w:color="{ACCENT}"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
      <w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:bCs/><w:color w:val="{P.WHITE}"/></w:rPr>
    <w:tblPr/>
    <w:trPr><w:tblHeader/></w:trPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{ACCENT}"/></w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="band2Horz">
    <w:tblPr/>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{ACCENT_LIGHT}"/></w:tcPr>
  </w:tblStylePr>
</w:style>"""


# --------------------------------------------------------------------------- helpers

_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
"""Elements that follow ``w:pBdr`` in a paragraph's properties (Word insists on the order)."""


def _border(ppr, side: str, size: int, space: int, color: str) -> None:
    """A paragraph border line, inserted where the schema wants it."""
    ppr.insert_element_before(parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:{side} w:val="single" w:sz="{size}" w:space="{space}" '
        f'w:color="{color}"/></w:pBdr>'), *_AFTER_PBDR)



def _p(doc_or_cell, text: str = "", style: str | None = None, *, bold=False, align=None):
    para = doc_or_cell.add_paragraph(style=style)
    if text:
        run = para.add_run(text)
        run.bold = bold or None
    if align is not None:
        para.alignment = align
    return para


def _runs(doc, parts: list[str], style: str | None = None):
    """A paragraph of several runs, so that a ``{{r ...}}`` tag (a link the program fills in)
    has a run of its own: docxtpl replaces the whole run that holds it."""
    para = doc.add_paragraph(style=style)
    for part in parts:
        para.add_run(part)
    return para


def _tag(doc, tag: str):
    """A paragraph holding only a docxtpl ``{%p ... %}`` tag; docxtpl removes it on render."""
    return _p(doc, "{%p " + tag + " %}")


def _field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A complex field (PAGE, NUMPAGES) that Word and LibreOffice update on display."""
    def run_with(child):
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    text = OxmlElement("w:t")
    text.text = placeholder
    run_with(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _table_title(doc, text: str):
    """The caption above a table, kept on the page of the table's first rows."""
    para = _p(doc, text, TABLE_TITLE_STYLE)
    para.paragraph_format.keep_with_next = True
    return para


def _table(doc, headers: list[str], widths_cm: list[float], *, numeric_from: int | None = None,
           caption: str = ""):  # fmt: skip
    """A table in the house style with a header row repeated on every page; returns it for the
    caller's rows. ``caption`` names the table for screen readers (``w:tblCaption``)."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles[TABLE_STYLE_NAME]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tblpr = table._tbl.tblPr
    look = tblpr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tblpr.append(look)
    for attr, val in (("w:val", "04A0"), ("w:firstRow", "1"), ("w:lastRow", "0"),
                      ("w:firstColumn", "0"), ("w:lastColumn", "0"), ("w:noHBand", "0"),
                      ("w:noVBand", "1")):  # fmt: skip
        look.set(qn(attr), val)
    if caption:  # after tblLook, as the schema orders tblPr
        element = OxmlElement("w:tblCaption")
        element.set(qn("w:val"), caption)
        look.addnext(element)
    width = tblpr.find(qn("w:tblW"))  # python-docx put it in its schema place already
    width.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    width.set(qn("w:type"), "dxa")
    for i, header in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = header
        cell.paragraphs[0].paragraph_format.keep_with_next = True  # header stays with a row
        if numeric_from is not None and i >= numeric_from:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _shade_header(table.rows[0])
    table._widths = widths_cm  # used by _row to set cell widths
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(w * 567)))  # LibreOffice lays out by the grid
    _set_widths(table.rows[0], widths_cm)
    return table


def _shade_header(row) -> None:
    """Direct formatting on the header row as well, so it looks right in any viewer."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    for cell in row.cells:
        tc_pr = cell._tc.get_or_add_tcPr()
        tc_pr.append(parse_xml(
            f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{ACCENT}"/>'))
        for para in cell.paragraphs:
            for run in para.runs:
                run.bold = True
                run.font.color.rgb = RGBColor.from_string(P.WHITE)


def _set_widths(row, widths_cm) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row never breaks a page
    for cell, w in zip(row.cells, widths_cm, strict=True):
        cell.width = Cm(w)
        for para in cell.paragraphs:  # tight cells whatever Normal says
            fmt = para.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.line_spacing = 1.0


def _row(table, values: list[str], *, numeric_from: int | None = None, bold=False,
         shade: str | None = None, keep_next: bool = False):  # fmt: skip
    """A body row; ``keep_next`` keeps it on the page of the row below (a sub-heading row)."""
    row = table.add_row()
    _set_widths(row, table._widths)
    for i, value in enumerate(values):
        cell = row.cells[i]
        para = cell.paragraphs[0]
        if keep_next:
            para.paragraph_format.keep_with_next = True
        if value:
            run = para.add_run(value)
            run.bold = bold or None
        if numeric_from is not None and i >= numeric_from:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if shade:
            cell._tc.get_or_add_tcPr().append(parse_xml(
                f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{shade}"/>'))
    return row


def _grouped_table(doc, groups: str, headers: list[str], widths_cm: list[float],
                   cells: list[str], caption: str) -> None:  # fmt: skip
    """A table with one shaded sub-heading row per group of ``groups`` and its rows below; a
    sub-heading row stays on the page of its first row."""
    blank = [""] * (len(headers) - 1)
    table = _table(doc, headers, widths_cm, numeric_from=1, caption=caption)
    _row(table, [f"{{%tr for grupp in {groups} %}}", *blank])
    _row(table, ["{{ grupp.namn }}", *blank], bold=True, shade=ACCENT_LIGHT, keep_next=True)
    _loop_rows(table, "for rad in grupp.rader", cells, numeric_from=1, shade=P.WHITE)
    _row(table, ["{%tr endfor %}", *blank])


def _loop_rows(table, loop: str, cells: list[str], *, numeric_from=None, bold=False, shade=None):
    """Three rows: ``{%tr for ... %}``, the repeated row, ``{%tr endfor %}``."""
    _row(table, ["{%tr " + loop + " %}"] + [""] * (len(cells) - 1))
    _row(table, cells, numeric_from=numeric_from, bold=bold, shade=shade)
    _row(table, ["{%tr endfor %}"] + [""] * (len(cells) - 1))


def _picture(doc, name: str, caption: str) -> None:
    """A chart (``diagram.<name>``, a picture with its alternative text) and its caption,
    kept on one page."""
    para = _p(doc, "{{ diagram." + name + " }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para.paragraph_format.keep_with_next = True
    _caption_below(_p(doc, caption, TABLE_TITLE_STYLE))


def _caption_below(para) -> None:
    """A chart's caption, under the chart: the space goes after it, not before."""
    para.paragraph_format.space_before = Pt(2)
    para.paragraph_format.space_after = Pt(12)


def _own_text(doc, var: str) -> None:
    """The hub's paragraphs for one section, or nothing when it wrote none."""
    _tag(doc, f"for stycke in {var}")
    _p(doc, "{{ stycke }}", OWN_TEXT_STYLE)
    _tag(doc, "endfor")


# --------------------------------------------------------------------------- document


def build_template() -> Document:
    """The report template as a python-docx Document (tags not yet rendered)."""
    doc = Document()
    _setup_styles(doc)
    _page_setup(doc)
    _cover(doc)
    _intro(doc)
    _account(doc)
    _local(doc)
    _statistics(doc)
    _plan(doc)
    _strict_office_parts(doc)
    clean_properties(doc, title="Verksamhetsberättelse och verksamhetsplan för Hälsocenter",
                     subject="Hälsocenter")
    _settings_language(doc)
    return doc


APP_XML = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
           'docPropsVTypes"><Application>halsocenter</Application><DocSecurity>0</DocSecurity>'
           "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
           "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
           "</Properties>")
"""The template's application properties: python-docx's default says it is an empty one-page
document from Word 2010 on a Mac; the program's documents say who made them and nothing else."""


def clean_properties(doc, *, title: str, subject: str) -> None:
    """Document properties that are the template's own: its title, when it was built, and no
    instruction text or dates left from python-docx's default document (2013). The report
    writes its own over these (``report.document.publish_properties``)."""
    props = doc.core_properties
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.title, props.subject, props.author = title, subject, "Hälsocenter"
    props.language = LANGUAGE
    props.comments = props.keywords = props.category = props.identifier = ""
    props.last_modified_by = "halsocenter"
    props.created = props.modified = now
    props.revision = 1
    for part in doc.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = APP_XML.encode()


def _settings_language(doc) -> None:
    """Word's document language for themes (python-docx's default template says en-US)."""
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:val"), LANGUAGE)


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = Cm(2.2)
    section.bottom_margin = Cm(2.2)
    section.header_distance = Cm(1.2)
    section.footer_distance = Cm(1.0)
    section.different_first_page_header_footer = True
    # The cover has no footer: say so with an empty first-page footer of its own rather than
    # leave titlePg pointing at nothing (Word then falls back to whatever it guesses).
    section.first_page_footer.is_linked_to_previous = False
    footer = section.footer
    para = footer.paragraphs[0]
    para.style = doc.styles["Footer"]
    tabs = para.paragraph_format.tab_stops
    for inherited in para.style.paragraph_format.tab_stops:  # the Footer style's centre stop
        tabs.add_tab_stop(inherited.position, WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    # a thin rule above the footer
    _border(para._p.get_or_add_pPr(), "top", 4, 4, RULE)
    para.add_run("{{ hc_namn }} · Verksamhetsberättelse {{ ar }}")
    para.add_run("\tSida ")
    _field(para, "PAGE")
    para.add_run(" av ")
    _field(para, "NUMPAGES")


def _strict_office_parts(doc) -> None:
    """Leave nothing from python-docx's default template that Word would have to repair.

    - ``w:zoom`` needs ``w:percent`` (ECMA-376 Part 1, 17.15.1.95); the default has only
      ``w:val="bestFit"``.
    - ``stylesWithEffects.xml`` is Word 2010's copy of the styles; the default's copy no longer
      matches ``styles.xml`` once styles are added. Word 2013 and later write no such part and
      rebuild it from ``styles.xml``, so the part, its relationship and its content type go.
    - ``docProps/thumbnail.jpeg`` is a picture of the default's empty page.
    """
    zoom = doc.settings.element.find(qn("w:zoom"))
    if zoom is not None and zoom.get(qn("w:percent")) is None:
        zoom.set(qn("w:percent"), "100")
    for owner in (doc.part, doc.part.package):
        for rid, rel in list(owner.rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/metadata/thumbnail")):
                del owner.rels[rid]


def _cover(doc) -> None:
    title = _p(doc, "Verksamhetsberättelse {{ ar }} samt verksamhetsplan {{ nasta_ar }}", "Title")
    title.paragraph_format.space_before = Pt(COVER_SPACE_PT)
    subtitle = _p(doc, "{{ hc_namn }}", "Subtitle")
    _border(subtitle._p.get_or_add_pPr(), "bottom", 12, 12, ACCENT)
    _tag(doc, "if kontakt")
    _p(doc, "Kontaktperson: {{ kontakt }}")
    _tag(doc, "endif")
    _p(doc, "Upprättad {{ upprattad }}")
    _p(doc, "Hälsocenter – ett samarbete mellan kommunen, vårdcentralerna, föreningslivet och "
            "{{ region }}.", NOTE_STYLE)


def _intro(doc) -> None:
    heading = doc.add_heading("Inledning", 1)
    heading.paragraph_format.page_break_before = True  # the cover is a page of its own
    _p(doc, "I det här dokumentet redovisar {{ hc_namn }} sin verksamhet under {{ ar }} och sin "
            "plan för {{ nasta_ar }}. Först beskrivs kort vad Hälsocenter är, vilka verksamheten "
            "vänder sig till och vad hälsocoachen gör. Därefter följer verksamhetsberättelsen, där "
            "hälsocentret beskriver årets arbete utifrån de mål som kommunerna och {{ region }} "
            "har enats om, och statistik för året. Sist kommer verksamhetsplanen "
            "med aktiviteter, uppföljning och fortsatt arbete inom länets fyra fokusområden: "
            "{{ fokusomraden_text }}.")
    _p(doc, "Dokumentet används på två sätt:")
    _p(doc, "som underlag när kommunerna och regionen följer upp de gemensamma målen för "
            "Hälsocenter i länet,", "List Bullet")
    _p(doc, "som stöd för hälsocentret och dess styrgrupp när verksamheten planeras och "
            "utvärderas.", "List Bullet")
    _tag(doc, "if konceptsida")
    _runs(doc, ["Så är Hälsocenter tänkt att fungera i länet: ", "{{r konceptsida_lank }}", "."])
    _tag(doc, "endif")

    doc.add_heading("Beskrivning av verksamheten Hälsocenter", 1)
    _p(doc, "Hälsocenter växer fram i länets kommuner som ett samarbete mellan kommunen, "
            "vårdcentralerna, {{ region }} och det civila samhället. Varje hälsocenter "
            "drivs lokalt och utformas efter förutsättningarna på orten.")
    _p(doc, "Hälsocenter är en känd och lättillgänglig plats för förebyggande hälsoarbete. Hit "
            "kan invånare vända sig för att få stöd att ändra sina levnadsvanor, och härifrån "
            "får de hjälp att hitta aktiviteter och gemenskap i närsamhället så att förändringen "
            "håller över tid.")

    doc.add_heading("Syfte och målgrupp", 1)
    _p(doc, "Hälsocenter ska främja hälsa och förebygga ohälsa genom att stödja invånare att "
            "stärka sin fysiska, psykiska, sociala och existentiella hälsa.")
    _p(doc, "Verksamheten vänder sig i första hand till vuxna vars levnadsvanor eller livsstil "
            "innebär en risk för ohälsa längre fram. Utifrån lokala behov kan även andra "
            "åldersgrupper få ta del av verksamheten.")

    doc.add_heading("Hälsocoachens roll", 1)
    _p(doc, "Hälsocoachen tar emot invånare som remitteras eller själva hör av sig. I ett "
            "inledande samtal och i uppföljande samtal hjälper hälsocoachen personen att sätta "
            "egna mål och ta ett steg i taget. Hälsocoachen leder också grupper och aktiviteter "
            "och anpassar dem efter deltagarnas förutsättningar.")
    _p(doc, "En lika viktig del av uppdraget är att vara en brygga vidare: hälsocoachen hjälper "
            "deltagarna att hitta föreningar, studieförbund, gym och andra aktörer där de kan "
            "fortsätta vara aktiva och få ett socialt sammanhang.")
    _tag(doc, "if webbplats")
    _runs(doc, ["Mer om {{ hc_i_lanet }} finns på ", "{{r webbplats_lank }}", "."])
    _tag(doc, "endif")


def _account(doc) -> None:
    doc.add_heading("Verksamhetsberättelse {{ ar }}", 1)
    doc.add_heading("Länets gemensamma mål för Hälsocenter", 2)
    _p(doc, "I samverkansavtalet för Hälsocenter har kommunerna och {{ region }} enats om att "
            "tillsammans nå invånare vars levnadsvanor kan leda till ohälsa, och att genom "
            "hälsofrämjande och förebyggande arbete stödja dem att förbättra sin fysiska, "
            "psykiska, sociala och existentiella hälsa.")
    doc.add_heading("Så arbetar vi mot målet", 2)
    _p(doc, "Här följer de delmål som gäller för alla hälsocenter i länet. Under varje delmål "
            "beskriver {{ hc_namn }} hur arbetet har sett ut under {{ ar }}.")
    goals = {
        "metoder": "Hälsocoachens viktigaste uppgift är att stärka invånarens egen motivation att "
                   "ändra sina vanor, så att hälsa och livskvalitet får bästa möjliga "
                   "förutsättningar, och att i samtalet hjälpa personen att hitta nästa steg.",
        "samverkan": "Hälsocoachen samordnar arbetet mellan aktörerna i närsamhället och "
                     "samverkar nära med vårdcentraler och kommun liksom med föreningsliv och "
                     "civilsamhälle.",
        "vagar_in": "De flesta kommer till Hälsocenter på rekommendation från vårdcentralen. "
                    "Föreningsliv och civilsamhälle kan också hänvisa invånare, och den som vill "
                    "kan själv ta kontakt för att få stöd med sina levnadsvanor.",
        "malgrupp": "Hälsocenter riktar sig till invånare vars livsstil eller levnadsvanor "
                    "innebär en risk för framtida ohälsa.",
        "styrgrupp": "Varje hälsocenter leds av en lokal styrgrupp där kommunen, vårdcentralen "
                     "eller vårdcentralerna, {{ folkhalsoenhet }} och en representant för "
                     "invånarna ingår.",
    }
    assert tuple(goals) == GOAL_KEYS
    for key, text in goals.items():
        _p(doc, text, "List Bullet")
        if key == "vagar_in":
            _tag(doc, "if n.remisser")
            _p(doc, "Under {{ ar }} kom {{ t.remisser }}: {{ typ_text }}.", OWN_TEXT_STYLE)
            _tag(doc, "endif")
        _own_text(doc, f"berattelse.{key}")
        if key == "styrgrupp":
            _tag(doc, "if n.styrgruppsmoten")
            _p(doc, "Styrgruppen har haft {{ t.styrgruppsmoten }} under {{ ar }}."
                    "{{ styrgrupp_text }}", OWN_TEXT_STYLE)
            _tag(doc, "endif")


def _local(doc) -> None:
    doc.add_heading("Beskrivning av lokalt Hälsocenter", 1)
    _tag(doc, "if startdatum")
    _p(doc, "{{ hc_namn }} startade den {{ startdatum }}. Sedan starten har hälsocentret tagit emot "
            "{{ t.remisser_sedan_start }}, varav {{ t.far_sedan_start }}, och hållit "
            "{{ t.forsta_samtal_sedan_start }}.")
    _tag(doc, "else")
    _p(doc, "Sedan starten har {{ hc_namn }} tagit emot {{ t.remisser_sedan_start }}, varav "
            "{{ t.far_sedan_start }}, och hållit {{ t.forsta_samtal_sedan_start }}.")
    _tag(doc, "endif")
    _tag(doc, "if arets_punkter")
    _p(doc, "Året {{ ar }} i korthet:")
    _tag(doc, "for punkt in arets_punkter")
    _p(doc, "{{ punkt }}", "List Bullet")
    _tag(doc, "endfor")
    _tag(doc, "endif")
    _own_text(doc, "berattelse.lokalt")
    _tag(doc, "for avsnitt in berattelse.ovriga")
    _p(doc, "{{ avsnitt.rubrik }}", "Heading 2")
    _own_text(doc, "avsnitt.stycken")
    _tag(doc, "endfor")


def _statistics(doc) -> None:
    doc.add_heading("Statistik {{ ar }}", 1)
    _p(doc, "Siffrorna nedan är hämtade ur hälsocentrets arbetsbok för {{ ar }}. Nyckeltalen "
            "räknas på samma sätt för alla hälsocenter i länet.")

    doc.add_heading("Nyckeltal", 2)
    _tag(doc, "if har_foregaende")
    # the year columns in the summary sheet's order: this year, then the year before
    table = _table(doc, ["Nyckeltal", "{{ ar }}", "{{ foregaende_ar }}"], [10.0, 3.0, 3.0],
                   numeric_from=1, caption="Nyckeltal {{ ar }} och {{ foregaende_ar }}")
    _loop_rows(table, "for rad in nyckeltal",
               ["{{ rad.namn }}", "{{ rad.varde }}", "{{ rad.foregaende }}"], numeric_from=1)
    _tag(doc, "else")
    table = _table(doc, ["Nyckeltal", "{{ ar }}"], [11.5, 4.5], numeric_from=1,
                   caption="Nyckeltal {{ ar }}")
    _loop_rows(table, "for rad in nyckeltal", ["{{ rad.namn }}", "{{ rad.varde }}"],
               numeric_from=1)
    _tag(doc, "endif")
    _p(doc, "Andelen tillräckligt aktiva avser personer med minst 150 aktivitetsminuter i veckan "
            "(2 × pulshöjande träning + vardagsaktivitet), bland dem som mätts både vid start och "
            "vid uppföljning.", NOTE_STYLE)

    _tag(doc, "if diagram.historik")
    doc.add_heading("Utveckling över åren", 2)
    _picture(doc, "historik", "Remisser, FaR-recept och första samtal per år.")
    _tag(doc, "endif")

    doc.add_heading("Remisser och kontakter", 2)
    _tag(doc, "if not n.remisser")
    _p(doc, "Inga remisser eller kontakter är registrerade för {{ ar }}.")
    _tag(doc, "endif")
    _tag(doc, "if diagram.manad")
    _picture(doc, "manad", "Remisser och kontakter per månad {{ ar }}.")
    _tag(doc, "endif")
    _tag(doc, "if fordelning")
    _table_title(doc, "Remisser och kontakter {{ ar }} efter typ, remittent, kön, ålder och "
                      "levnadsvana")
    _grouped_table(doc, "fordelning", ["Fördelning", "Antal", "Andel"], [10.0, 3.0, 3.0],
                   ["{{ rad.namn }}", "{{ rad.antal }}", "{{ rad.andel }}"],
                   caption="Remisser och kontakter {{ ar }} fördelade")
    _tag(doc, "endif")
    _tag(doc, "if diagram.remittent")
    _picture(doc, "remittent", "Remisser och kontakter efter remittent {{ ar }}.")
    _tag(doc, "endif")

    _tag(doc, "if uppfoljning")
    doc.add_heading("Uppföljning och slussning", 2)
    _grouped_table(doc, "uppfoljning", ["Fördelning", "Antal"], [12.0, 4.0],
                   ["{{ rad.namn }}", "{{ rad.antal }}"],
                   caption="Uppföljningar och slussning {{ ar }}")
    _tag(doc, "endif")
    _tag(doc, "if diagram.aktivitetsniva")
    _picture(doc, "aktivitetsniva", "Andel tillräckligt fysiskt aktiva vid start och vid "
                                    "uppföljning.")
    _tag(doc, "endif")

    doc.add_heading("Aktiviteter", 2)
    _tag(doc, "if aktiviteter")
    headers = [C.AKTIVITETER.column("aktivitet").header, "Tillfällen", "Deltagar­tillfällen", "Unika deltagare",
               "Deltagar­timmar"]
    _table_title(doc, "Per aktivitet")
    table = _table(doc, headers, [6.0, 2.3, 2.7, 2.5, 2.5], numeric_from=1,
                   caption="Aktiviteter {{ ar }} per aktivitet")
    _loop_rows(table, "for rad in aktiviteter",
               ["{{ rad.namn }}", "{{ rad.tillfallen }}", "{{ rad.deltagartillfallen }}",
                "{{ rad.unika }}", "{{ rad.timmar }}"], numeric_from=1)
    _p(doc, "Unika deltagare redovisas för aktiviteter med närvarolista.", NOTE_STYLE)
    _table_title(doc, "Per fokusområde, alla typer av aktiviteter")
    table = _table(doc, [C.AKTIVITETER.column("fokusomrade").header] + headers[1:],
                   [6.0, 2.3, 2.7, 2.5, 2.5], numeric_from=1,
                   caption="Aktiviteter {{ ar }} per fokusområde")
    _loop_rows(table, "for rad in fokusomraden",
               ["{{ rad.namn }}", "{{ rad.tillfallen }}", "{{ rad.deltagartillfallen }}",
                "{{ rad.unika }}", "{{ rad.timmar }}"], numeric_from=1)
    _p(doc, "Per fokusområde räknas alla aktiviteter i området, oavsett typ. Nyckeltalet "
            f"{C.FIGURE_BY_KEY['forelasningar_deltagare'].label} räknar bara aktiviteter av "
            f"typen {C.AKTIVITETSTYP_FORELASNING}.", NOTE_STYLE)
    _tag(doc, "else")
    _p(doc, "Inga aktiviteter är registrerade för {{ ar }}.")
    _tag(doc, "endif")
    _tag(doc, "if diagram.aktiviteter")
    _picture(doc, "aktiviteter", "Deltagartillfällen per fokusområde {{ ar }}, alla typer av "
                                 "aktiviteter.")
    _tag(doc, "endif")


def _plan(doc) -> None:
    heading = doc.add_heading("Verksamhetsplan {{ nasta_ar }}", 1)
    heading.paragraph_format.page_break_before = True
    _p(doc, "Verksamhetsplanen är ordnad efter fokusområde. För varje aktivitet som planerades "
            "för {{ ar }} visar tabellen hur det gick och hur arbetet fortsätter under "
            "{{ nasta_ar }}. Utöver de gemensamma fokusområdena kan hälsocentret ha egna.")
    headers = [" – ".join(filter(None, (C.PLAN.column(k).header, PLAN_QUESTIONS.get(k))))
               for k in PLAN_FIELDS]  # fmt: skip
    _tag(doc, "for omrade in plan")
    _p(doc, "Fokusområde {{ omrade.namn }}", "Heading 2")
    table = _table(doc, headers, [PLAN_WIDTHS_CM[k] for k in PLAN_FIELDS],
                   caption="Verksamhetsplan, fokusområde {{ omrade.namn }}")
    _loop_rows(table, "for rad in omrade.rader", ["{{ rad." + k + " }}" for k in PLAN_FIELDS])
    _tag(doc, "endfor")
    _tag(doc, "if not plan")
    _p(doc, "Ingen verksamhetsplan är inlagd i arbetsboken för {{ ar }}.")
    _tag(doc, "endif")


def write_template(path: Path) -> Path:
    """Write the template atomically to ``path``."""
    document = build_template()
    return atomic_write(path, lambda tmp: document.save(str(tmp)))


if __name__ == "__main__":
    import sys

    print(write_template(Path(sys.argv[1])))
