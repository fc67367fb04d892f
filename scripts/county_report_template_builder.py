"""Builds the first version of the county report's Word template,
``workbook_template/lansrapport.docx``.

The same kind of docxtpl template as the municipal report (``report_template_builder``, whose
styles, tables and tags it reuses): standard texts are plain Word text the region edits in Word,
the figures come in through Jinja tags (``{{ ... }}``, ``{%p ... %}`` for whole paragraphs,
``{%tr ... %}`` for table rows). Every tag is one run so Word keeps it intact. This builder runs
once (``scripts/make-county-report-template``); the committed .docx is the template from then on.

Accessibility is built in, as in the municipal report: headings in order (title, then Rubrik 1
and 2), table header rows marked and repeated, a caption on every table, every chart a picture
with its alternative text, document language sv-SE, and no empty paragraphs for spacing (the
title page is spaced by the title's own spacing).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt, RGBColor

from halsocenter.atomic import atomic_write
from halsocenter.core import palette as P
from halsocenter.report.template_keys import NOTE_STYLE, TABLE_TITLE_STYLE
from report_template_builder import (
    ACCENT,
    RULE,
    TEXT_WIDTH_CM,
    _border,
    _caption_below,
    _field,
    _grouped_table,
    _loop_rows,
    _p,
    _row,
    _settings_language,
    _setup_styles,
    _shade_header,
    _strict_office_parts,
    _table,
    _table_title,
    _tag,
    clean_properties,
)

RATE = "per 1 000 invånare"
KEY_WIDTHS_WITH_RATES = [2.4, *([1.7] * 8)]
KEY_WIDTHS = [5.2, 2.7, 2.7, 2.7, 2.7]


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.header_distance = Cm(1.2)
    section.footer_distance = Cm(1.0)
    footer = section.footer
    para = footer.paragraphs[0]
    para.style = doc.styles["Footer"]
    tabs = para.paragraph_format.tab_stops
    for inherited in para.style.paragraph_format.tab_stops:
        tabs.add_tab_stop(inherited.position, WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    _border(para._p.get_or_add_pPr(), "top", 4, 4, RULE)
    para.add_run("{{ titel }}")
    para.add_run("\tSida ")
    _field(para, "PAGE")
    para.add_run(" av ")
    _field(para, "NUMPAGES")


def _paragraphs(doc, var: str, style: str | None = None) -> None:
    """One paragraph per text of the list ``var`` (written by the program)."""
    _tag(doc, f"for stycke in {var}")
    _p(doc, "{{ stycke }}", style)
    _tag(doc, "endfor")


def _picture(doc, var: str, caption: str) -> None:
    """A chart (a picture with its alternative text) and its caption, kept on one page."""
    para = _p(doc, "{{ " + var + " }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para.paragraph_format.keep_with_next = True
    _caption_below(_p(doc, caption, TABLE_TITLE_STYLE))


def _title(doc) -> None:
    title = _p(doc, "{{ titel }}", "Title")
    title.paragraph_format.space_before = Pt(96)  # the title page's spacing: no empty lines
    subtitle = _p(doc, "Länets sammanställning av kommunernas hälsocenter", "Subtitle")
    _border(subtitle._p.get_or_add_pPr(), "bottom", 12, 12, ACCENT)
    _p(doc, "{{ rapporteringsrad }}", bold=True)
    _p(doc, "Upprättad {{ upprattad }} av {{ region }} utifrån de filer som kommunerna har "
            "skickat in. Siffrorna är desamma som i länets arbetsbok för {{ ar }}.", NOTE_STYLE)


def _summary(doc) -> None:
    heading = doc.add_heading("Sammanfattning", 1)
    heading.paragraph_format.page_break_before = True
    _paragraphs(doc, "sammanfattning")
    _p(doc, "Hälsocenter är ett samarbete mellan kommunerna, vårdcentralerna, föreningslivet och "
            "{{ region }}. Varje kommuns hälsocenter redovisar sitt år i en arbetsbok, och "
            "regionen sammanställer länet.")


def _two_row_header(table, groups: list[str], sub: list[str]) -> None:
    """Turn the table's header row into two: the first names each group of two columns (a
    count and its rate), the second what each column is; both are header rows, repeated on
    every page, and "Kommun" spans both."""
    first = table.rows[0]
    second = _row(table, ["", *sub], numeric_from=1)
    first._tr.addnext(second._tr)  # _row appended it below the tag rows; it belongs on top
    _shade_header(second)
    for cell in second.cells:  # "per 1 000 invånare" fits a narrow column in a smaller size
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(8)
    for i, group in enumerate(groups):
        merged = first.cells[1 + 2 * i].merge(first.cells[2 + 2 * i])
        for para in merged.paragraphs[1:]:  # the merge keeps each cell's paragraph
            para._p.getparent().remove(para._p)
        para = merged.paragraphs[0]
        for run in list(para.runs):
            run._r.getparent().remove(run._r)
        run = para.add_run(group)
        run.bold = True
        run.font.color.rgb = RGBColor.from_string(P.WHITE)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    kommun = first.cells[0].merge(second.cells[0])
    for para in kommun.paragraphs[1:]:
        para._p.getparent().remove(para._p)


def _key_figures(doc) -> None:
    doc.add_heading("Nyckeltal per kommun {{ ar }}", 1)
    _paragraphs(doc, "nyckeltal.text")
    counts = ["Remisser och kontakter", "FaR-recept", "Första samtal", "Deltagar\u00adtillfällen"]
    # {{r ...}}: the program gives each cell as formatted text (Länet's row in bold)
    cells = ["{{r rad.remisser }}", "{{r rad.remisser_far }}", "{{r rad.forsta_samtal }}",
             "{{r rad.deltagartillfallen }}"]
    _tag(doc, "if nyckeltal.har_takt")
    _table_title(doc, "Nyckeltal {{ ar }}, antal och " + RATE)
    table = _table(doc, ["Kommun", *([""] * 8)], KEY_WIDTHS_WITH_RATES, numeric_from=1,
                   caption="Nyckeltal per kommun och för länet {{ ar }}, antal och " + RATE)
    _two_row_header(table, counts, ["antal", RATE] * 4)
    rates = ["{{r rad.remisser_takt }}", "{{r rad.remisser_far_takt }}",
             "{{r rad.forsta_samtal_takt }}", "{{r rad.deltagartillfallen_takt }}"]
    row = ["{{r rad.namn }}"]
    for count, rate in zip(cells, rates, strict=True):
        row += [count, rate]
    _loop_rows(table, "for rad in nyckeltal.rader", row, numeric_from=1)
    _tag(doc, "else")
    _table_title(doc, "Nyckeltal {{ ar }}")
    table = _table(doc, ["Kommun", *counts], KEY_WIDTHS, numeric_from=1,
                   caption="Nyckeltal per kommun och för länet {{ ar }}")
    _loop_rows(table, "for rad in nyckeltal.rader", ["{{r rad.namn }}", *cells], numeric_from=1)
    _tag(doc, "endif")
    _paragraphs(doc, "nyckeltal.noter", NOTE_STYLE)


def _trends(doc) -> None:
    doc.add_heading("Utveckling över åren", 1)
    _paragraphs(doc, "trend.text")
    _tag(doc, "if trend.bild")
    _picture(doc, "trend.bild", "Länets remisser, FaR-recept och första samtal per år, med "
                                "antalet kommuner bakom varje år.")
    _tag(doc, "endif")
    _tag(doc, "if trend.rader")
    _table_title(doc, "Länet per år")
    table = _table(doc, ["År", "Remisser och kontakter", "FaR-recept", "Första samtal",
                         "Kommuner med värde"], [2.0, 3.8, 3.4, 3.4, 3.4], numeric_from=1,
                   caption="Länets nyckeltal per år och antalet kommuner bakom dem")
    _loop_rows(table, "for rad in trend.rader", ["{{ rad.ar }}", "{{ rad.remisser }}",
                                                 "{{ rad.remisser_far }}",
                                                 "{{ rad.forsta_samtal }}",
                                                 "{{ rad.kommuner }}"], numeric_from=1)
    _tag(doc, "endif")


def _breakdowns(doc) -> None:
    doc.add_heading("Vilka som kom och vad de ville ändra", 1)
    _p(doc, "Fördelningarna gäller länet {{ ar }}: alla kommuner som har rapporterat, "
            "tillsammans. Varje kommuns egna fördelningar finns på fliken Fördelningar i länets "
            "arbetsbok.")
    _tag(doc, "for f in fordelningar")
    _p(doc, "{{ f.rubrik }}", "Heading 2")
    _p(doc, "{{ f.text }}")
    _tag(doc, "if f.bild")
    para = _p(doc, "{{ f.bild }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para.paragraph_format.keep_with_next = True
    _caption_below(_p(doc, "{{ f.bildtext }}", TABLE_TITLE_STYLE))
    _tag(doc, "endif")
    _tag(doc, "endfor")
    _tag(doc, "if fordelningar")
    _table_title(doc, "Fördelningarna i siffror, länet {{ ar }}")
    _grouped_table(doc, "fordelningar", ["Fördelning", "Antal", "Andel"], [10.0, 3.0, 3.0],
                   ["{{ rad.namn }}", "{{ rad.antal }}", "{{ rad.andel }}"],
                   caption="Länets fördelningar {{ ar }} i antal och andel")
    _tag(doc, "endif")


def _plans(doc) -> None:
    doc.add_heading("Planerna", 1)
    _paragraphs(doc, "planer.text")
    _tag(doc, "if planer.rader")
    _table_title(doc, "Planerade aktiviteter {{ ar }} per fokusområde")
    table = _table(doc, ["Fokusområde", "Kommuner", "Aktiviteter", "Mest nämnda aktiviteter"],
                   [5.0, 2.4, 2.4, 6.2], numeric_from=None,
                   caption="Hur många kommuner som planerar vad, per fokusområde")
    _loop_rows(table, "for rad in planer.rader", ["{{ rad.omrade }}", "{{ rad.kommuner }}",
                                                  "{{ rad.aktiviteter }}", "{{ rad.mest }}"])
    _tag(doc, "endif")


def _outliers(doc) -> None:
    doc.add_heading("Avvikelser", 1)
    _paragraphs(doc, "avvikelser.text")
    _paragraphs(doc, "avvikelser.punkter", "List Bullet")


def _definitions(doc) -> None:
    heading = doc.add_heading("Definitioner", 1)
    heading.paragraph_format.page_break_before = True  # an appendix on a page of its own
    _p(doc, "Nyckeltalen räknas på samma sätt i varje kommun, med samma definitioner som i "
            "kommunernas årssammanställning.")
    _table_title(doc, "Så räknas nyckeltalen")
    table = _table(doc, ["Nyckeltal", "Hur det räknas"], [4.5, 11.5],
                   caption="Definitioner av nyckeltalen")
    _loop_rows(table, "for rad in definitioner", ["{{ rad.namn }}", "{{ rad.text }}"])


def build_template() -> Document:
    """The county report template as a python-docx Document (tags not yet rendered)."""
    doc = Document()
    _setup_styles(doc)
    _page_setup(doc)
    _title(doc)
    _summary(doc)
    _key_figures(doc)
    _trends(doc)
    _breakdowns(doc)
    _plans(doc)
    _outliers(doc)
    _definitions(doc)
    _strict_office_parts(doc)
    clean_properties(doc, title="Hälsocenter i länet",
                     subject="Länets sammanställning av kommunernas hälsocenter")
    _settings_language(doc)
    return doc


def write_template(path: Path) -> Path:
    """Write the template atomically to ``path``."""
    document = build_template()
    return atomic_write(path, lambda tmp: document.save(str(tmp)))


if __name__ == "__main__":
    import sys

    print(write_template(Path(sys.argv[1])))
