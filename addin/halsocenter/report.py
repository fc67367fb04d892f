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
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from . import contract as C
from .atomic import WRITER_NAME, Output, atomic_write, report_identifier
from .charts import all_charts
from .model import WorkbookData
from .pipeline import InputError
from .report_template import GOAL_KEYS, build_template
from .resources import resource
from .summary import Summary

TEMPLATE_PATH = resource("rapportmall.docx")
LOCAL_KEY = "lokalt"
MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december")  # fmt: skip
CHART_WIDTH = {"aktivitetsniva": Mm(100)}
DEFAULT_CHART_WIDTH = Mm(160)

_AVSNITT = C.LIST_BY_KEY["avsnitt"].values
SECTION_KEYS = dict(zip(_AVSNITT, (*GOAL_KEYS, LOCAL_KEY), strict=False))
"""Avsnitt value -> template key; Avsnitt values beyond these become sub-headings."""
assert len(_AVSNITT) > len(GOAL_KEYS), "the Avsnitt list must hold the goals and the local part"

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --------------------------------------------------------------------------- formatting


def fmt_number(value: float | None, unit: str = "antal") -> str:
    """A figure as a Swedish reader expects it: 1 234, 12,5, 42 %."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if unit == "andel":
        return f"{round(value * 100)} %"
    if unit in ("dagar", "timmar") and not float(value).is_integer():
        text = f"{value:,.1f}"
    else:
        text = f"{round(value):,}"
    return text.replace(",", "\u00a0").replace(".", ",")


def fmt_date(value) -> str | None:
    """'25 oktober 2021' (None when there is no date)."""
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.date()
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


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


def _lower_first(text: str) -> str:
    """'Annan remiss' -> 'annan remiss', but 'FaR' stays."""
    if any(ch.isupper() for ch in text[1:]):
        return text
    return text[:1].lower() + text[1:]


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


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


def _totals(summary: Summary) -> tuple[dict[str, str], dict[str, float | None]]:
    formatted, raw = {}, {}
    for f in C.FIGURES:
        value = summary.value(f.key)
        raw[f.key] = value
        formatted[f.key] = fmt_number(value, f.unit)
    return formatted, raw


def _key_figures(summary: Summary) -> tuple[list[dict[str, str]], bool]:
    """Rows of the key-figure table and whether a previous-year column is shown."""
    previous = dict(summary.history).get(summary.year - 1) if summary.year else None
    present = {(f.key) for f in summary.figures if f.dimension == ""}
    rows = []
    for f in C.FIGURES:
        if f.key.startswith(C.CHANGE_PREFIX) or f.key not in present:
            continue
        before = previous.get(f.key) if previous else None
        rows.append({"namn": f.label, "varde": fmt_number(summary.value(f.key), f.unit),
                     "foregaende": fmt_number(before, f.unit) if previous else ""})
    return rows, bool(previous)


def _breakdown_groups(summary: Summary) -> list[dict[str, Any]]:
    total = summary.value("remisser") or 0
    groups = []
    for column in ("typ", "remittent", "kon", "aldersgrupp", "fokus"):
        header = C.REMISSER.column(column).header
        rows = [{"namn": name, "antal": fmt_number(value),
                 "andel": fmt_number(value / total, "andel") if total and value is not None
                 else "–"}
                for name, value in summary.breakdown("remisser", header).items() if value]  # fmt: skip
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
        rows = [{"namn": name, "antal": fmt_number(value)}
                for name, value in summary.breakdown(key, header).items() if value]
        if rows:
            groups.append({"namn": f"{title} ({_lower_first(header)})", "rader": rows})
    return groups


def _activity_rows(summary: Summary, dim: str) -> list[dict[str, str]]:
    sessions = summary.breakdown("tillfallen", dim)
    attendance = summary.breakdown("deltagartillfallen", dim)
    unique = summary.breakdown("unika_deltagare", dim)
    hours = summary.breakdown("deltagartimmar", dim)
    names = [n for n, v in sessions.items() if v]
    if dim == C.AKTIVITETER.column("aktivitet").header:
        names.sort(key=lambda n: -(attendance.get(n) or 0))
    return [{"namn": n, "tillfallen": fmt_number(sessions.get(n)),
             "deltagartillfallen": fmt_number(attendance.get(n)),
             "unika": fmt_number(unique.get(n)) if unique.get(n) else "–",
             "timmar": fmt_number(hours.get(n), "timmar")} for n in names]  # fmt: skip


def _plan(wb: WorkbookData, summary: Summary) -> list[dict[str, Any]]:
    """Focus areas in the workbook's list order (then any others) with all their plan rows."""
    by_focus = summary.plan_by_focus()
    order = [f for f in wb.list_values("fokusomrade") if f in by_focus]
    order += [f for f in by_focus if f not in order]
    areas = []
    for focus in order:
        rows = []
        for row in by_focus[focus]:
            follow = clean(row.uppfoljning)
            if not follow and row.status and row.status != C.STATUS_PLANERAD:
                follow = row.status
            rows.append({"aktivitet": clean(row.aktivitet), "uppfoljning": follow,
                         "framtidsplan": clean(row.framtidsplan)})
        areas.append({"namn": clean(focus) or "(utan fokusområde)", "rader": rows})
    return areas


def _steering_text(wb: WorkbookData, year: int | None) -> str:
    """' Invånarrepresentanten deltog vid 3 av 4 möten.' from the meeting rows of the year."""
    td = wb.tables.get("styrgrupp")
    if td is None or td.df.empty or year is None:
        return ""
    df = td.df[pd.to_datetime(td.df["datum"], errors="coerce").dt.year == year]
    if df.empty:
        return ""
    parts = []
    for key in ("vardcentral", "folkhalsa", "invanare"):
        present = int((df[key] == C.JA).sum())
        if (df[key].notna()).any():
            parts.append(f"{_lower_first(C.STYRGRUPP.column(key).header)} vid {present}")
    if not parts:
        return ""
    return f" Av de {len(df)} mötena deltog {_join(parts)}."


def _sentences(summary: Summary, n: dict[str, float | None], f: dict[str, str]) -> dict[str, str]:
    out = {}
    typ = summary.breakdown("remisser", C.REMISSER.column("typ").header)
    out["typ_text"] = _join([f"{fmt_number(v)} {_lower_first(k)}" for k, v in typ.items() if v]
                            or ["inga"])  # fmt: skip
    wait = n.get("vantetid_median_dagar")
    out["vantetid_text"] = (f" Mediantiden från remiss till första samtal var "
                            f"{f['vantetid_median_dagar']} dagar." if wait is not None else "")
    lost = [(n.get("uteblev"), "uteblev"), (n.get("tackade_nej"), "tackade nej"),
            (n.get("ej_nabar"), "inte gick att nå")]
    parts = [f"{fmt_number(v)} som {text}" for v, text in lost if v]
    text = f" Bland årets remisser fanns {_join(parts)}." if parts else ""
    if n.get("vantar_vid_arsskifte"):
        text += (f" Vid årsskiftet väntade {f['vantar_vid_arsskifte']} personer på ett första "
                 "samtal.")
    out["avhopp_text"] = text
    act = ""
    if n.get("tillfallen"):
        act = (f"Hälsocentret höll {f['tillfallen']} aktivitetstillfällen under året med "
               f"sammanlagt {f['deltagartillfallen']} deltagartillfällen och "
               f"{f['deltagartimmar']} deltagartimmar.")
        if n.get("unika_deltagare"):
            act += f" I aktiviteter med närvarolista deltog {f['unika_deltagare']} unika personer."
        if n.get("forelasningar_deltagare"):
            act += f" Föreläsningarna samlade {f['forelasningar_deltagare']} deltagare."
        if n.get("spontana_besok"):
            act += f" Hälsocentret tog emot {f['spontana_besok']} spontana besök."
    out["aktivitet_text"] = act
    return out


def build_context(tpl: DocxTemplate | None, wb: WorkbookData, summary: Summary) -> dict[str, Any]:
    """Everything the template refers to. ``tpl`` is needed for the chart images only."""
    year = summary.year or wb.year
    formatted, raw = _totals(summary)
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
        "nyckeltal": key_rows,
        "har_foregaende": has_previous,
        "fordelning": _breakdown_groups(summary),
        "uppfoljning": _followup_groups(summary),
        "aktiviteter": _activity_rows(summary, C.AKTIVITETER.column("aktivitet").header),
        "fokusomraden": _activity_rows(summary, C.AKTIVITETER.column("fokusomrade").header),
        "plan": _plan(wb, summary),
        "berattelse": _narrative(wb),
        "styrgrupp_text": _steering_text(wb, year),
    }
    ctx.update(_sentences(summary, raw, formatted))
    charts = {}
    for name, png in all_charts(summary).items():
        if png and tpl is not None:
            charts[name] = InlineImage(tpl, io.BytesIO(png),
                                       width=CHART_WIDTH.get(name, DEFAULT_CHART_WIDTH))
        else:
            charts[name] = ""
    ctx["diagram"] = charts
    return ctx


# --------------------------------------------------------------------------- writing


def _open_template(template: Path | None) -> DocxTemplate:
    path = Path(template) if template else TEMPLATE_PATH
    if path.exists():
        return DocxTemplate(str(path))
    if template:
        raise FileNotFoundError(f"Rapportmallen {path} finns inte.")
    # an installed package without the repository folder: the same template, built in memory
    buf = io.BytesIO()
    build_template().save(buf)
    buf.seek(0)
    return DocxTemplate(buf)


def write_report(wb: WorkbookData, out: Path | Output, *, summary: Summary | None = None,
                 template: Path | None = None) -> Path:  # fmt: skip
    """Write the report for ``wb`` to ``out`` (atomically) and return the path. An existing
    file is replaced only when it is an earlier report this program wrote that nobody has saved
    since (Word records who did), never the workbook."""
    target = Output.command("report", out).reading(wb.path)
    target.check()
    if summary is None:
        from .stats import compute

        summary = compute(wb)
    if (summary.year or wb.year) is None:
        raise InputError(f"Verksamhetsåret saknas på fliken {C.START_SHEET} (cellen hc_ar). Fyll "
                         "i året innan rapporten skapas.", [])  # fmt: skip
    tpl = _open_template(template)
    ctx = build_context(tpl, wb, summary)
    tpl.render(ctx, autoescape=True)
    props = tpl.docx.core_properties
    props.title = f"Verksamhetsberättelse {ctx['ar']} samt verksamhetsplan {ctx['nasta_ar']}"
    props.subject = ctx["hc_namn"]
    props.author = ctx["kontakt"] or ctx["hc_namn"]
    props.identifier = report_identifier()
    props.last_modified_by = WRITER_NAME
    return atomic_write(target, lambda tmp: tpl.save(str(tmp)))
