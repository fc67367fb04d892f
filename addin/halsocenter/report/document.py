"""Workbook -> the annual Word report (verksamhetsberättelse + verksamhetsplan).

The document comes from the editable template ``workbook_template/rapportmall.docx`` (docxtpl):
the region changes standard texts in Word, this module only supplies the values — figures from the
same ``Summary`` as the summary sheet, the hub's own narrative from Berättelse, the plan, and the
charts. Every text is escaped, so whatever a coach typed can never break the document.

Berättelse sections map to the report like this: the first five Avsnitt values follow the five
regional goals in order (methods, cooperation, ways in, target group, steering group); the sixth
(the local description) goes under "Beskrivning av lokalt Hälsocenter"; every other section —
the remaining standard ones and any the hub added to its list — gets its own sub-heading there.
A section without text shows only the standard text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from docx.shared import Mm, Pt, RGBColor
from docxtpl import DocxTemplate, InlineImage, RichText

from halsocenter.atomic import Output, atomic_write
from halsocenter.core import contract as C
from halsocenter.core.analysis import Status, refuse_without_year
from halsocenter.core.model import Finding, WorkbookData
from halsocenter.core.region_config import Region
from halsocenter.core.summary import Summary
from halsocenter.core.swedish import MONTHS, PHRASES, join, lower_first, number, typ_phrase
from halsocenter.errors import UserError
from halsocenter.report.charts import CHARTS, all_charts
from halsocenter.report.template_keys import GOAL_KEYS, LINK_STYLE, PLAN_FIELDS
from halsocenter.resources import resource
from halsocenter.xlsx.style import COLOR_ERROR_TEXT

TEMPLATE_PATH = resource("rapportmall.docx")
LOCAL_KEY = "lokalt"
CHART_WIDTH = {"aktivitetsniva": Mm(100)}
DEFAULT_CHART_WIDTH = Mm(160)

_AVSNITT = C.LIST_BY_KEY["avsnitt"].values
SECTION_KEYS = dict(zip(_AVSNITT, (*GOAL_KEYS, LOCAL_KEY), strict=False))
"""Avsnitt value -> template key; Avsnitt values beyond these become sub-headings."""
assert len(_AVSNITT) > len(GOAL_KEYS), "the Avsnitt list must hold the goals and the local part"

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --------------------------------------------------------------------------- formatting


def fmt_date(value) -> str | None:
    """'25 oktober 2021' (None when there is no date)."""
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def hub_name(kommun: str | None) -> str:
    """'Hälsocenter Vaggeryds kommun': the genitive -s is left out after s and vowels."""
    if not kommun:
        return "Hälsocenter"
    genitive = kommun if kommun[-1].lower() in "saeiouyåäöxz" else kommun + "s"
    return f"Hälsocenter {genitive} kommun"


def clean(text) -> str:
    """Cell text made safe for the document: no control characters, Unix newlines."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _BAD_XML.sub("", text).strip()


def paragraphs(text) -> list[str]:
    """A typed text split into paragraphs at blank lines; single line breaks are kept."""
    return [p.strip() for p in re.split(r"\n\s*\n", clean(text)) if p.strip()]


# --------------------------------------------------------------------------- context


def _narrative(wb: WorkbookData) -> dict[str, Any]:
    """Paragraphs per report section from Berättelse, in the workbook's list order."""
    by_section: dict[str, list[str]] = {}
    td = wb.tables.get("berattelse")
    if td is not None:
        for row in td.df.itertuples(index=False):
            avsnitt = clean(row.avsnitt)
            text = paragraphs(row.text)
            if avsnitt and text:
                by_section.setdefault(avsnitt, []).extend(text)
    out: dict[str, Any] = {key: [] for key in (*GOAL_KEYS, LOCAL_KEY)}
    order = list(wb.list_values("avsnitt"))
    order += sorted(s for s in by_section if s not in order)
    others = []
    for section in order:
        text = by_section.get(section)
        if not text:
            continue
        key = SECTION_KEYS.get(section)
        if key:
            out[key] = text
        else:
            others.append({"rubrik": section, "stycken": text})
    out["ovriga"] = others
    return out


def _totals(summary: Summary) -> tuple[dict[str, str], dict[str, float | None], dict[str, str]]:
    """Every figure formatted (``f``), raw (``n``) and, where a sentence counts it, as a phrase
    that agrees with its number (``t``: "1 möte", "4 möten")."""
    formatted, raw, counted = {}, {}, {}
    for f in C.FIGURES:
        value = summary.value(f.key)
        raw[f.key] = value
        formatted[f.key] = number(value, f.unit)
        if f.key in PHRASES:
            counted[f.key] = PHRASES[f.key](value, f.unit)
    return formatted, raw, counted


def _key_figures(summary: Summary) -> tuple[list[dict[str, str]], bool]:
    """Rows of the key-figure table and whether a previous-year column is shown."""
    previous = dict(summary.history).get(summary.year - 1) if summary.year else None
    present = {(f.key) for f in summary.figures if f.dimension == ""}
    rows = []
    for f in C.FIGURES:
        if f.key.startswith(C.CHANGE_PREFIX) or f.key not in present:
            continue
        before = previous.get(f.key) if previous else None
        rows.append({"namn": f.label, "varde": number(summary.value(f.key), f.unit),
                     "foregaende": number(before, f.unit) if previous else ""})
    return rows, bool(previous)


def _breakdown_groups(summary: Summary) -> list[dict[str, Any]]:
    """Referrals per Typ, Remittent, ...; each share of its division's total, as the summary
    sheet computes it, so both show the same percent."""
    groups = []
    for column in ("typ", "remittent", "kon", "aldersgrupp", "fokus"):
        header = C.REMISSER.column(column).header
        found = summary.breakdown("remisser", header)
        total = sum(v for v in found.values() if v)
        rows = [{"namn": name, "antal": number(value),
                 "andel": number(value / total, "andel") if total else number(None)}
                for name, value in found.items() if value]  # fmt: skip
        if rows:
            groups.append({"namn": header, "rader": rows})
    return groups


def _followup_groups(summary: Summary) -> list[dict[str, Any]]:
    groups = []
    for key, header, title in (
        ("uppfoljningar", C.UPPFOLJNINGAR.column("tidpunkt").header,
         C.FIGURE_BY_KEY["uppfoljningar"].label),
        ("slussade", C.UPPFOLJNINGAR.column("slussad_till").header,
         C.FIGURE_BY_KEY["slussade"].label),
    ):  # fmt: skip
        rows = [{"namn": name, "antal": number(value)}
                for name, value in summary.breakdown(key, header).items() if value]
        if rows:
            groups.append({"namn": f"{title} ({lower_first(header)})", "rader": rows})
    return groups


def _activity_rows(summary: Summary, dim: str) -> list[dict[str, str]]:
    sessions = summary.breakdown("tillfallen", dim)
    attendance = summary.breakdown("deltagartillfallen", dim)
    unique = summary.breakdown("unika_deltagare", dim)
    hours = summary.breakdown("deltagartimmar", dim)
    names = [n for n, v in sessions.items() if v]
    if dim == C.AKTIVITETER.column("aktivitet").header:
        names.sort(key=lambda n: -(attendance.get(n) or 0))
    return [{"namn": n, "tillfallen": number(sessions.get(n)),
             "deltagartillfallen": number(attendance.get(n)),
             "unika": number(unique.get(n)) if unique.get(n) else number(None),
             "timmar": number(hours.get(n), "timmar")} for n in names]  # fmt: skip


def _plan(wb: WorkbookData, summary: Summary) -> list[dict[str, Any]]:
    """Focus areas in the workbook's list order (then any others) with all their plan rows,
    each with the fields of the summary sheet's plan in its order (``PLAN_FIELDS``)."""
    by_focus = summary.plan_by_focus()
    order = [f for f in wb.list_values("fokusomrade") if f in by_focus]
    order += [f for f in by_focus if f not in order]
    areas = []
    for focus in order:
        rows = [{key: clean(getattr(row, key)) for key in PLAN_FIELDS} for row in by_focus[focus]]
        areas.append({"namn": clean(focus) or "(utan fokusområde)", "rader": rows})
    return areas


STEERING_PARTIES = ("kommun", "vardcentral", C.STYRGRUPP_HEALTH_UNIT, "invanare")
"""Styrgrupp's Ja/Nej columns, in the table's order: who took part in a meeting."""


def _steering_text(wb: WorkbookData, year: int | None) -> str:
    """Who took part in the year's steering-group meetings, from Styrgrupp's Ja/Nej columns --
    every party the table names, the municipality first -- without repeating the number of
    meetings the sentence before gives: ' Kommun, vårdcentral och Folkhälsa RJL var med vid
    alla och invånarrepresentant vid 2.' (' Vid mötet deltog kommun och vårdcentral.' for
    one meeting)."""
    td = wb.tables.get("styrgrupp")
    if td is None or td.df.empty or year is None:
        return ""
    df = td.df[pd.to_datetime(td.df["datum"], errors="coerce").dt.year == year]
    if df.empty:
        return ""
    counted = []  # (who, present) for each party with at least one Ja/Nej
    for key in STEERING_PARTIES:
        if key in df.columns and df[key].notna().any():
            counted.append((lower_first(td.header(key)), int((df[key] == C.JA).sum())))
    if len(df) == 1:
        present = [who for who, n in counted if n]
        return f" Vid mötet deltog {join(present)}." if present else ""
    always = [who for who, n in counted if n == len(df)]
    others = [(who, n) for who, n in counted if n < len(df)]
    parts = [f"{join(always)} var med vid alla"] if always else []
    for i, (who, n) in enumerate(others):
        verb = "" if parts or i else " var med"
        parts.append(f"{who}{verb} vid {number(n) if n else 'inget'}")
    if not parts:
        return ""
    text = join(parts)
    return f" {text[:1].upper()}{text[1:]}."


def sentences(summary: Summary) -> dict[str, str]:
    """The report's generated sentences about the year; every count agrees with its noun."""
    n = {f.key: summary.value(f.key) for f in C.FIGURES}
    t = {key: PHRASES[key](n.get(key), C.FIGURE_BY_KEY[key].unit) for key in PHRASES
         if key in C.FIGURE_BY_KEY}  # fmt: skip
    out: dict[str, Any] = {}
    typ = summary.breakdown("remisser", C.REMISSER.column("typ").header)
    out["typ_text"] = join([typ_phrase(k, v) for k, v in typ.items() if v]) or "inga"
    out["arets_punkter"] = year_points(n, t)
    return out


def year_points(n: dict[str, float | None], t: dict[str, str]) -> list[str]:
    """The year in short points, one figure or one pair of figures each, and none that another
    sentence of the report already tells (the referrals are told under the ways in, the
    meetings under the steering group): "89 första samtal hölls; mediantiden från remiss till
    första samtal var 23 dagar." …"""
    points = []
    wait = n.get("vantetid_median_dagar")
    if n.get("forsta_samtal") or wait is not None:
        text = f"{t['forsta_samtal']} hölls"
        if wait is not None:
            text += (f"; mediantiden från remiss till första samtal var "
                     f"{PHRASES['dagar'](wait, 'dagar')}")
        points.append(text + ".")
    lost = [(n.get("uteblev"), "uteblev"), (n.get("tackade_nej"), "tackade nej"),
            (n.get("ej_nabar"), "gick inte att nå")]
    parts = [f"{number(v)} {text}" for v, text in lost if v]
    if parts:
        points.append(f"Bland årets remisser: {join(parts)}.")
    if n.get("vantar_vid_arsskifte"):
        points.append(f"{t['vantar_vid_arsskifte']} väntade på ett första samtal vid årsskiftet.")
    if n.get("tillfallen"):
        points.append(f"{t['tillfallen']} med sammanlagt {t['deltagartillfallen']} och "
                      f"{t['deltagartimmar']}.")
    if n.get("unika_deltagare"):
        points.append(f"{t['unika_deltagare']} i aktiviteter med närvarolista.")
    if n.get("forelasningar_deltagare"):
        points.append(f"{t['forelasningar_deltagare']} i aktiviteter av typen "
                      f"{C.AKTIVITETSTYP_FORELASNING}.")
    if n.get("spontana_besok"):
        points.append(f"{t['spontana_besok']}.")
    return [p[:1].upper() + p[1:] for p in points]


def _pictures(tpl: DocxTemplate | None, summary: Summary) -> dict[str, Any]:
    """The charts as pictures with their alternative texts; "" where a chart has no data (and
    without a template, which only the context tests use)."""
    if tpl is None:
        return {name: "" for name in CHARTS}
    return {name: DescribedImage(tpl, io.BytesIO(pic.png), title=pic.title,
                                 description=pic.description,
                                 width=CHART_WIDTH.get(name, DEFAULT_CHART_WIDTH))
            if pic else "" for name, pic in all_charts(summary).items()}  # fmt: skip


def region_context(region: Region, tpl: DocxTemplate | None = None) -> dict[str, Any]:
    """The region's names as the template's standard texts use them: ``region`` (who collects
    the reports), ``lan`` (the county), ``folkhalsoenhet`` (as in the Styrgrupp column),
    ``webbplats`` and ``konceptsida`` (empty when the configuration gives none) and, for the
    ``{{r ...}}`` tags, the two as links (``webbplats_lank``, ``konceptsida_lank``)."""
    ctx: dict[str, Any] = {
        "region": region.name, "lan": region.county, "folkhalsoenhet": region.health_unit,
        "webbplats": region.website or "", "hc_i_lanet": region.title,
        "konceptsida": region.concept_page or "",
        "fokusomraden_text": focus_areas_text(),
    }  # fmt: skip
    ctx["webbplats_lank"] = link(tpl, region.website, region.website_url)
    ctx["konceptsida_lank"] = link(tpl, f"Konceptet {region.title}", region.concept_page)
    return ctx


def focus_areas_text() -> str:
    """"fysisk aktivitet, matvanor, stress och återhämtning samt gemenskap/psykiskt
    välbefinnande/existentiell hälsa": the county's four focus areas as a sentence names them
    (``samt`` before the last, since the areas hold an "och" of their own)."""
    areas = [a[:1].lower() + a[1:] for a in C.FOCUS_AREAS]
    return ", ".join(areas[:-1]) + " samt " + areas[-1]


def link(tpl: DocxTemplate | None, text: str | None, url: str | None) -> RichText | str:
    """``text`` as a real link to ``url`` in Word's Hyperlink style, for a ``{{r ...}}`` tag;
    the plain text where there is no address (or no template: the context tests)."""
    if not text:
        return ""
    if tpl is None:
        return clean(text)
    rich = RichText()  # its own run: a ``{{r ...}}`` tag stands outside any run
    if url:
        rich.add(clean(text), url_id=tpl.build_url_id(url), style=LINK_STYLE)
    else:
        rich.add(clean(text))
    return rich


def build_context(tpl: DocxTemplate | None, wb: WorkbookData, summary: Summary) -> dict[str, Any]:
    """Everything the template refers to. ``tpl`` is needed for the chart images only."""
    year = summary.year or wb.year
    formatted, raw, counted = _totals(summary)
    key_rows, has_previous = _key_figures(summary)
    kommun = summary.kommun or wb.kommun
    ctx: dict[str, Any] = {
        "ar": year if year is not None else "",
        "foregaende_ar": year - 1 if year is not None else "",
        "nasta_ar": year + 1 if year is not None else "",
        "kommun": kommun or "",
        "hc_namn": hub_name(kommun),
        "kontakt": clean(wb.settings.get("hc_kontakt")),
        "startdatum": fmt_date(wb.settings.get("hc_startdatum")),
        "upprattad": fmt_date(date.today()),
        "f": formatted,
        "n": raw,
        "t": counted,
        "nyckeltal": key_rows,
        "har_foregaende": has_previous,
        "fordelning": _breakdown_groups(summary),
        "uppfoljning": _followup_groups(summary),
        "aktiviteter": _activity_rows(summary, C.AKTIVITETER.column("aktivitet").header),
        "fokusomraden": _activity_rows(summary, C.AKTIVITETER.column("fokusomrade").header),
        "plan": _plan(wb, summary),
        "berattelse": _narrative(wb),
        "styrgrupp_text": _steering_text(wb, year),
        **region_context(wb.region, tpl),
    }
    ctx.update(sentences(summary))
    ctx["diagram"] = _pictures(tpl, summary)
    return ctx


class DescribedImage(InlineImage):
    """docxtpl's inline picture with an alternative text: ``wp:docPr`` gets ``descr`` and
    ``title`` (what Word's "Alternativ text" pane and screen readers read), not "Picture 1"."""

    def __init__(self, tpl: DocxTemplate, image_descriptor, *, title: str, description: str,
                 width=None, height=None):  # fmt: skip
        super().__init__(tpl, image_descriptor, width=width, height=height)
        self.title, self.description = clean(title), clean(description)

    def _insert_image(self) -> str:
        inline = self.tpl.current_rendering_part.new_pic_inline(
            self.image_descriptor, self.width, self.height)
        for props in (inline.docPr, *inline.xpath(".//pic:cNvPr")):
            props.set("descr", self.description)
            props.set("title", self.title)
        return (f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r>"
                '<w:t xml:space="preserve">')


# --------------------------------------------------------------------------- writing


def _mark_run(paragraph, text: str, size_pt: float | None = None) -> None:
    run = paragraph.add_run(text)
    run.bold = True
    run.font.color.rgb = RGBColor.from_string(COLOR_ERROR_TEXT)
    if size_pt:
        run.font.size = Pt(size_pt)


def mark_preliminary(doc, status: Status) -> None:
    """"Preliminär – N fel kvar" in the header of every page (the cover's own header included)
    and as a line on the cover above the title. Done on the rendered document, not in the
    template, so no edit of the template can drop it."""
    odd_even = doc.settings.odd_and_even_pages_header_footer
    for section in doc.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if odd_even:
            headers.append(section.even_page_header)
        for header in headers:
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            paragraph.style = doc.styles["Header"]
            _mark_run(paragraph, status.mark)
    title = next((p for p in doc.paragraphs if p.style is not None and p.style.name == "Title"),
                 doc.paragraphs[0] if doc.paragraphs else None)  # fmt: skip
    cover = title.insert_paragraph_before() if title is not None else doc.add_paragraph()
    _mark_run(cover, status.banner, 14)


def open_template(template: Path | None, installed: Path | None = None,
                  what: str = "rapporten") -> DocxTemplate:  # fmt: skip
    """The given template, or the one installed with the package (the wheel carries it: a
    missing one means a broken installation, not something to rebuild here). ``what`` names
    the report in the messages ("länsrapporten" for the county's)."""
    path = Path(template) if template else (installed or TEMPLATE_PATH)
    if path.exists():
        return DocxTemplate(str(path))
    if template:
        raise FileNotFoundError(f"Mallen för {what} {path} finns inte.")
    raise UserError(f"Word-mallen för {what} saknas ({path}), så installationen av "
                    "halsocenter är trasig. Installera programmet på nytt.")  # fmt: skip


PROPERTY_LIMIT = 255
"""Characters a document property may hold (Word's and python-docx's limit)."""


def _property(text: str) -> str:
    """A document property from typed text (a 300-character Kommun or contact person is cut,
    with an ellipsis, rather than refused)."""
    text = " ".join(str(text).split())
    return text if len(text) <= PROPERTY_LIMIT else text[:PROPERTY_LIMIT - 1] + "…"


def publish_properties(doc, *, title: str, subject: str, author: str, description: str,
                       keywords: str) -> None:  # fmt: skip
    """Every core property of a document the program publishes, set for it: its title,
    subject, author, a description of what it is, keywords, Swedish, made and modified now --
    nothing left from the template (its instruction text, python-docx's dates of 2013)."""
    props = doc.core_properties
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)  # the property is UTC
    props.title = _property(title)
    props.subject = _property(subject)
    props.author = _property(author)
    props.comments = _property(description)
    props.keywords = _property(keywords)
    props.category = props.identifier = props.content_status = props.version = ""
    props.language = "sv-SE"
    props.last_modified_by = "halsocenter"
    props.created = props.modified = now
    props.revision = 1


def write_report(wb: WorkbookData, out: Path | Output, *, summary: Summary | None = None,
                 template: Path | None = None,
                 findings: Sequence[Finding] | None = None) -> Path:  # fmt: skip
    """Write the report for ``wb`` to ``out`` (atomically) and return the path. An existing
    file is replaced only when it is still exactly the report this program wrote (its seal,
    ``ownership``), never the workbook.

    The report leaves the hub like the export does, so it is refused (``PersonalDataRefused``,
    nothing written) while the workbook holds a personnummer or samordningsnummer anywhere.
    While errors are left it is still written -- coaches draft it during the year -- but marked
    preliminary on the cover and in every page's header (``mark_preliminary``). ``findings``
    are the validator's, when the caller has them; otherwise the workbook is checked here."""
    from halsocenter.core.privacy import refuse_identity_numbers

    target = Output.command("report", out).reading(wb.path)
    target.check()
    if findings is None:
        from halsocenter.core.validate import validate

        findings = validate(wb)
    refuse_identity_numbers(findings, report=True)
    status = Status.of(findings)
    if summary is None:
        from halsocenter.core.stats import compute

        summary = compute(wb)
    if summary.year is None:
        refuse_without_year(wb, "rapporten")
    tpl = open_template(template)
    ctx = build_context(tpl, wb, summary)
    tpl.render(ctx, autoescape=True)
    if status.preliminary:
        mark_preliminary(tpl.docx, status)
    title = f"Verksamhetsberättelse {ctx['ar']} samt verksamhetsplan {ctx['nasta_ar']}"
    publish_properties(tpl.docx, title=title, subject=ctx["hc_namn"],
                       author=ctx["kontakt"] or ctx["hc_namn"],
                       description=f"{ctx['hc_namn']}: {lower_first(title)}.",
                       keywords="Hälsocenter; verksamhetsberättelse; verksamhetsplan")  # fmt: skip
    return atomic_write(target, lambda tmp: tpl.save(str(tmp)))
