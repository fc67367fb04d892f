"""The county report: a Word document the region can publish, from the same figures as the
county workbook (``region --rapport LAN.docx``).

The document comes from the editable template ``workbook_template/lansrapport.docx``
(docxtpl, built once by ``scripts/county_report_template_builder.py``): the region changes
wording and layout in Word, this module supplies the values. Every figure is taken from what the
county workbook shows -- ``figures`` (who reported, rates, breakdowns, the county per year),
``consolidate.county_rows`` and the consolidation's outliers -- and written the Swedish way
(``core.swedish``), so the report and the workbook cannot disagree.

It reads like a report, not a data dump: short paragraphs say who reported and who did not,
which figures are preliminary, how the county changed (compared over the municipalities that
reported both years, so a municipality joining does not read as growth) and where the change
was largest. Accessible as the municipal report is (DOS-lagen, WCAG 2.1 AA): headings in order,
table header rows marked and repeated, captions, charts with alternative texts that state their
message and numbers, sv-SE and a title in the properties.

Nothing in it names a file or a person: municipalities, figures, plan activities (screened for
identity numbers when the files were read) and the program's own texts.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, RichText

from halsocenter.atomic import Output, atomic_write
from halsocenter.core import contract as C
from halsocenter.core.swedish import PHRASES, count, join, lower_first, number
from halsocenter.errors import UserError
from halsocenter.region import county_charts
from halsocenter.region import figures as F
from halsocenter.region.consolidate import county_rows
from halsocenter.region.outliers import KIND_JUMP, KIND_PEERS, UNIT_RATIO
from halsocenter.region.submissions import COUNTY, ConsolidationResult, reporting_line
from halsocenter.report.document import (
    DescribedImage,
    clean,
    fmt_date,
    open_template,
    publish_properties,
)
from halsocenter.resources import resource

TEMPLATE_PATH = resource("lansrapport.docx")
KEYS = F.RATE_KEYS
"""The key counts of the report: referrals, FaR, first talks, participant sessions."""
TREND_KEYS = ("remisser", "remisser_far", "forsta_samtal")
CHART_WIDTH = Mm(160)
TOP_ACTIVITIES = 3
MAX_ACTIVITY = 60
"""Characters of an activity's name in the plan table (a coach's free text)."""


def _phrase(key: str, value: float | None) -> str:
    return PHRASES[key](value) if key in PHRASES else number(value)


def _rate(value: float | None) -> str:
    """A rate per 1 000 inhabitants with its one decimal always written: '1,0', '14,2'."""
    shown = number(value, F.RATE_UNIT)
    return shown if value is None or "," in shown else f"{shown},0"


def _change(before: float, after: float) -> str:
    """'+12 %' or '−3 %' (a real minus sign), '' when there is nothing to compare with."""
    if not before:
        return ""
    pct = (after - before) / before
    sign = "+" if pct > 0 else "−" if pct < 0 else "±"
    return f"{sign}{number(abs(pct), 'andel')}"


# --------------------------------------------------------------------------- the parts


def _summary(result: ConsolidationResult, year: int, county: dict[str, Any],
             everyone: list[F.Municipality]) -> list[str]:  # fmt: skip
    region = result.region
    reported = [m.report for m in everyone if m.report is not None]
    missing = [m.name for m in everyone if m.report is None]
    out = [reporting_line(len(reported), len(region.names), year)
           + (f" Från {join(missing)} har ingen rapport kommit in." if missing
              else " Alla kommuner i länet har rapporterat.")]  # fmt: skip
    preliminary = [r.kommun for r in reported if r.preliminary]
    if preliminary:
        out.append(f"Siffrorna från {join(preliminary)} är preliminära: "
                   f"{'arbetsboken' if len(preliminary) == 1 else 'arbetsböckerna'} hade fel "
                   "kvar när filen skickades, och siffrorna kan ändras när felen är rättade.")
    totals = county
    out.append(f"Länets hälsocenter tog under {year} emot "
               f"{_phrase('remisser', totals.get('remisser'))}, varav "
               f"{_phrase('remisser_far', totals.get('remisser_far'))}, och höll "
               f"{_phrase('forsta_samtal', totals.get('forsta_samtal'))}. I gruppaktiviteterna "
               f"blev det {_phrase('deltagartillfallen', totals.get('deltagartillfallen'))}.")
    compared = _compared(result, year)
    if compared:
        out.append(compared)
    if F.has_rates(region, year):
        rows, whole = F.rate_rows(result, year)
        rated = [r for r in rows if r.rates.get("remisser") is not None]
        if len(rated) >= 2:
            high = max(rated, key=lambda r: r.rates["remisser"])
            low = min(rated, key=lambda r: r.rates["remisser"])
            out.append(f"Räknat per 1 000 invånare tog {high.name} emot flest remisser och "
                       f"kontakter ({_rate(high.rates['remisser'])}) och {low.name} färst "
                       f"({_rate(low.rates['remisser'])}); för länet som helhet var det "
                       f"{_rate(whole.rates['remisser'])}.")
    return out


def _compared(result: ConsolidationResult, year: int) -> str:
    """The change from last year over the municipalities with a value both years, and where
    it was largest."""
    key = "remisser"
    both = {k: (years[year - 1][key], years[year][key])
            for k, years in result.history.items() if k in result.region.names
            and years.get(year, {}).get(key) is not None
            and years.get(year - 1, {}).get(key) is not None}  # fmt: skip
    if not both:
        return ""
    before = sum(a for a, _ in both.values())
    after = sum(b for _, b in both.values())
    who = (f"för de {len(both)} kommuner som har siffror för både {year - 1} och {year}"
           if len(both) > 1 else f"för {next(iter(both))}, den enda kommun med siffror för "
           f"både {year - 1} och {year}")  # fmt: skip
    if after == before:
        text = f"Antalet remisser och kontakter var detsamma som {year - 1} {who} ({number(after)})."
    else:
        word = "ökade" if after > before else "minskade"
        text = (f"Räknat {who} {word} remisserna och kontakterna från {number(before)} till "
                f"{number(after)} ({_change(before, after)}).")
    diffs = sorted(((b - a, k) for k, (a, b) in both.items()), key=lambda d: (d[0], d[1]))
    up, down = diffs[-1], diffs[0]
    parts = []
    if up[0] > 0:
        parts.append(f"störst ökning hade {up[1]} ({'+'}{number(up[0])})")
    if down[0] < 0:
        parts.append(f"störst minskning {down[1]} (−{number(-down[0])})")
    if parts and len(both) > 1:
        text += f" {join(parts)[:1].upper()}{join(parts)[1:]}."
    return text


def _key_figures(result: ConsolidationResult, year: int, county: dict[str, Any],
                 everyone: list[F.Municipality]) -> dict[str, Any]:  # fmt: skip
    with_rates = F.has_rates(result.region, year)
    rates = {}
    county_rate = None
    if with_rates:
        rows, county_rate = F.rate_rows(result, year)
        rates = {r.name: r for r in rows}
    lines = []
    for m in everyone:
        name = m.name + (" (preliminär)" if m.report and m.report.preliminary else "")
        row: dict[str, Any] = {"namn": name if m.report else f"{name} ({F.NOT_REPORTED})"}
        values = m.report.totals() if m.report else {}
        for key in KEYS:
            row[key] = number(values.get(key)) if m.report else ""
            rate = rates.get(m.name)
            row[f"{key}_takt"] = _rate(rate.rates.get(key)) if rate and m.report else ""
        lines.append({k: RichText(v) for k, v in row.items()})
    total = {"namn": COUNTY}
    for key in KEYS:
        total[key] = number(county.get(key))
        total[f"{key}_takt"] = _rate(county_rate.rates.get(key)) if county_rate else ""
    lines.append({k: RichText(v, bold=True) for k, v in total.items()})
    reported = sum(m.report is not None for m in everyone)
    text = [f"Tabellen visar årets nyckeltal för var och en av länets "
            f"{count(len(everyone), 'kommun', 'kommuner')} och för {COUNTY}, som är summan av "
            f"de {count(reported, 'kommun', 'kommuner')} som har rapporterat."]
    notes = []
    if with_rates:
        lacking = [r.name for r in rates.values() if r.note == F.NO_POPULATION]
        notes.append(f"Per 1 000 invånare: antalet delat med antalet invånare den 31 december "
                     f"{year} (SCB), gånger 1 000, så att stora och små kommuner kan jämföras. "
                     f"För {COUNTY}: summan av antalen delad med summan av invånarna i de "
                     "kommuner som har både siffror och invånarantal."
                     + (f" Invånarantal saknas för {join(lacking)}." if lacking else ""))
    if any(m.report and m.report.preliminary for m in everyone):
        notes.append("(preliminär) = arbetsboken hade fel kvar när filen skickades.")
    return {"har_takt": with_rates, "rader": lines, "text": text, "noter": notes}


def _trend(result: ConsolidationResult, tpl: DocxTemplate | None) -> dict[str, Any]:
    years, sums, counts = F.trend(result, TREND_KEYS)
    rows = [{"ar": y, **{k: number(sums[k][i]) for k in TREND_KEYS},
             "kommuner": counts[TREND_KEYS[0]][i]} for i, y in enumerate(years)]
    text = []
    if len(years) >= 2:
        first, last = years[0], years[-1]
        n0, n1 = counts["remisser"][0], counts["remisser"][-1]
        text.append(f"Arkivet och kommunernas filer har länets siffror för {first}–{last}. "
                    f"Under {first} kom {_phrase('remisser', sums['remisser'][0])} från "
                    f"{count(n0, 'kommun', 'kommuner')} och under {last} kom "
                    f"{_phrase('remisser', sums['remisser'][-1])} från "
                    f"{count(n1, 'kommun', 'kommuner')}.")
        if n0 != n1:
            text.append("När fler kommuner rapporterar stiger länets siffror även om "
                        "verksamheten är lika stor, så jämför med antalet kommuner innan du "
                        "läser en ökning.")
    elif years:
        text.append(f"Länets siffror finns bara för {years[0]} ännu; utvecklingen över åren "
                    "visas när fler år har kommit in.")
    else:
        text.append("Inga siffror per år finns ännu.")
    picture = None
    if tpl is not None and len(years) >= 2:
        drawn = county_charts.trend(years, [(C.FIGURE_BY_KEY[k].label, sums[k])
                                            for k in TREND_KEYS], counts["remisser"])
        if drawn:
            picture = _image(tpl, drawn)
    return {"rader": rows, "text": text, "bild": picture or ""}


def _breakdowns(result: ConsolidationResult, year: int, rows: list,
                tpl: DocxTemplate | None) -> list[dict[str, Any]]:  # fmt: skip
    out = []
    for b in F.breakdowns(result, year, rows):
        counts = [r[-1] for r in b.counts]
        shares = [r[-1] for r in b.shares]
        items = [(c, v, s) for c, v, s in zip(b.categories, counts, shares, strict=True)
                 if isinstance(v, (int, float))]  # fmt: skip
        if not items:
            continue
        top = max(items, key=lambda i: i[1])
        title = f"{b.spec.title} {year}"
        noun = lower_first(C.FIGURE_BY_KEY[b.spec.key].label)
        text = (f"Flest {noun} hade {lower_first(b.spec.dimension)} ”{top[0]}”: "
                f"{number(top[1])} av {number(b.totals[-1])} ({number(top[2], 'andel')}).")
        if b.masked:
            text += (f" Några kommuner har maskerat små antal; {COUNTY}s siffror är summan av "
                     "det som syns.")
        picture = ""
        if tpl is not None:
            drawn = county_charts.breakdown(title, [c for c, _, _ in items],
                                            [v for _, v, _ in items])
            picture = _image(tpl, drawn) if drawn else ""
        out.append({"rubrik": title, "text": text, "bild": picture,
                    "bildtext": f"{b.spec.title} {year}, länet.", "namn": b.spec.title,
                    "rader": [{"namn": _breakable(c), "antal": number(v),
                               "andel": number(s, "andel")
                               if isinstance(s, (int, float)) else F.MASKED if s else ""}
                              for c, v, s in zip(b.categories, counts, shares, strict=True)
                              if v is not None]})  # fmt: skip
    return out


def _breakable(text: str) -> str:
    """A name Word may wrap after each slash ("Gemenskap/psykiskt välbefinnande/…"), not in
    the middle of a word."""
    return text.replace("/", "/\u200b")


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _short(text: str) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= MAX_ACTIVITY else text[:MAX_ACTIVITY - 1] + "…"


def _plans(result: ConsolidationResult, year: int) -> dict[str, Any]:
    reports = F.reported(result, year)
    by_focus: dict[str, dict[str, list]] = {}
    for r in reports:
        for p in r.plan:
            by_focus.setdefault(p.fokusomrade or C.EMPTY_CATEGORY, {}).setdefault(
                r.kommun, []).append(p)
    standard = list(C.LIST_BY_KEY["fokusomrade"].values)
    order = [f for f in standard if f in by_focus]
    order += sorted((f for f in by_focus if f not in standard), key=str.casefold)
    rows = []
    for focus in order:
        per_kommun = by_focus[focus]
        named: dict[str, set[str]] = {}
        shown: dict[str, str] = {}
        for kommun, plans in per_kommun.items():
            for p in plans:
                if p.aktivitet:
                    key = _fold(p.aktivitet)
                    named.setdefault(key, set()).add(kommun)
                    shown.setdefault(key, _short(p.aktivitet))
        ranked = sorted(named, key=lambda k: (-len(named[k]), shown[k].casefold()))
        most = [f"{shown[k]} ({count(len(named[k]), 'kommun', 'kommuner')})"
                for k in ranked[:TOP_ACTIVITIES]]  # fmt: skip
        rows.append({"omrade": _breakable(focus), "kommuner": number(len(per_kommun)),
                     "aktiviteter": number(sum(len(v) for v in per_kommun.values())),
                     "mest": "; ".join(most)})
    planned = {k for per in by_focus.values() for k in per}
    activities = sum(len(v) for per in by_focus.values() for v in per.values())
    if not planned:
        return {"rader": [], "text": [f"Ingen kommun har skickat en verksamhetsplan för {year}."]}
    text = [f"{count(len(planned), 'kommun', 'kommuner').capitalize()} har skickat en "
            f"verksamhetsplan med sammanlagt {count(activities, 'aktivitet', 'aktiviteter')}. "
            "Tabellen visar hur många kommuner som planerar något inom varje fokusområde och "
            "vilka aktiviteter flest kommuner nämner."]
    most = max(len(per) for per in by_focus.values())
    widest = [lower_first(f) for f in order if len(by_focus[f]) == most]
    text.append(f"Flest kommuner, {number(most)}, planerar något inom {join(widest)}."
                if len(widest) < len(order) else
                f"Inom varje fokusområde planerar {count(most, 'kommun', 'kommuner')}.")
    return {"rader": rows, "text": text}


def _outlier_sentence(o) -> str:
    share = o.unit == "andel"
    unit = "andel" if share else ("dagar" if o.unit in ("dagar", UNIT_RATIO) else "antal")

    def shown(v):
        return number(v, unit)

    if o.kind == KIND_JUMP:
        word = "ökade" if (o.value or 0) > (o.comparison or 0) else "minskade"
        return (f"{o.kommun}: {lower_first(o.key)} {word} från {shown(o.comparison)} "
                f"({o.year - 1}) till {shown(o.value)} ({o.year}).")
    side = "högre" if (o.value or 0) > (o.comparison or 0) else "lägre"
    return (f"{o.kommun}: {lower_first(o.key)} var {shown(o.value)} under {o.year}, mycket "
            f"{side} än i de andra kommunerna (medianen {shown(o.comparison)}).")


def _outliers(result: ConsolidationResult, year: int) -> dict[str, Any]:
    names = set(result.region.names)
    flagged = [o for o in result.outliers if o.kind in (KIND_JUMP, KIND_PEERS)
               and o.year == year and o.kommun in names]  # fmt: skip
    flagged.sort(key=lambda o: (o.kind != KIND_JUMP, result.region.rank(o.kommun), o.key))
    left_out = sum(1 for o in result.outliers if o.kind not in (KIND_JUMP, KIND_PEERS)
                   and o.year == year and o.kommun in names)  # fmt: skip
    text = []
    if flagged:
        text.append(f"{count(len(flagged), 'siffra', 'siffror').capitalize()} för {year} "
                    "skiljer sig mycket från året före eller från de andra kommunerna. Det kan vara en verklig förändring eller ett "
                    "fel i registreringen; regionen stämmer av dem med kommunerna.")
    else:
        text.append(f"Inga siffror för {year} skiljer sig påfallande från året före eller från "
                    "de andra kommunerna.")
    if left_out:
        text.append(f"{count(left_out, 'värde', 'värden').capitalize()} i kommunernas filer "
                    "kunde inte stämma och ingår inte i länets siffror; de står på fliken "
                    "Avvikelser i länets arbetsbok.")
    return {"text": text, "punkter": [_outlier_sentence(o) for o in flagged]}


def _definitions() -> list[dict[str, str]]:
    out = [{"namn": C.FIGURE_BY_KEY[k].label, "text": C.FIGURE_BY_KEY[k].definition}
           for k in KEYS]  # fmt: skip
    out.append({"namn": f"{C.FIGURE_BY_KEY['remisser'].label} efter kön, åldersgrupp, "
                        "remittent och levnadsvana",
                "text": "Samma remisser och kontakter, fördelade på kolumnerna Kön, "
                        "Åldersgrupp, Remittent och Fokus på fliken Remisser. "
                        f"{C.EMPTY_CATEGORY} = cellen är tom."})
    out.append({"namn": "Per 1 000 invånare",
                "text": "Antalet delat med kommunens invånare den 31 december samma år "
                        "(SCB, ur regionens inställningar), gånger 1 000."})
    out.append({"namn": COUNTY, "text": "Summan av de kommuner i länet som har rapporterat för "
                                        "året; kommuner utanför länet räknas inte."})
    return out


def _image(tpl: DocxTemplate, picture) -> DescribedImage:
    return DescribedImage(tpl, io.BytesIO(picture.png), title=picture.title,
                          description=picture.description, width=CHART_WIDTH)


# --------------------------------------------------------------------------- the document


def build_context(tpl: DocxTemplate | None, result: ConsolidationResult) -> dict[str, Any]:
    """Everything the template refers to; ``tpl`` is needed for the charts only (a context
    without it has no pictures)."""
    year = result.latest_year
    if year is None:
        raise UserError("Länsrapporten kan inte skrivas: ingen fil kunde sammanställas.")
    region = result.region
    rows = county_rows([r for r in result.reports if r.year == year])
    county = F.totals(rows)
    everyone = F.municipalities(result, year)
    reported = [m for m in everyone if m.report]
    missing = [m.name for m in everyone if m.report is None]
    line = reporting_line(len(reported), len(region.names), year)
    return {
        "titel": f"{region.title} – {year}",
        "lan": region.county,
        "region": region.name,
        "ar": year,
        "foregaende_ar": year - 1,
        "upprattad": fmt_date(result.now.date() if result.now else date.today()),
        "rapporteringsrad": line + (f" Saknas: {join(missing)}." if missing else ""),
        "sammanfattning": _summary(result, year, county, everyone),
        "nyckeltal": _key_figures(result, year, county, everyone),
        "trend": _trend(result, tpl),
        "fordelningar": _breakdowns(result, year, rows, tpl),
        "planer": _plans(result, year),
        "avvikelser": _outliers(result, year),
        "definitioner": _definitions(),
    }


def county_report_output(out: Path | Output) -> Output:
    """``--rapport``'s rules: an earlier county report of ours may be replaced, never another
    file or a report someone has saved in Word."""
    return Output.command("lansrapport", out)


def write_county_report(result: ConsolidationResult, out: Path | Output, *,
                        template: Path | None = None) -> Path:  # fmt: skip
    """Write the county report for ``result`` (atomically) and return its path."""
    target = county_report_output(out)
    target.check()
    tpl = open_template(template, TEMPLATE_PATH, "länsrapporten")
    ctx = build_context(tpl, result)
    tpl.render(ctx, autoescape=True)
    publish_properties(tpl.docx, title=ctx["titel"],
                       subject="Länets sammanställning av kommunernas hälsocenter",
                       author=result.region.name,
                       description=f"{result.region.name}: länets sammanställning av "
                                   "kommunernas hälsocenter.",
                       keywords="Hälsocenter; länet; sammanställning")  # fmt: skip
    return atomic_write(target, lambda tmp: tpl.save(str(tmp)))

