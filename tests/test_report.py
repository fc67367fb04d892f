"""The Word report: structure, figures, plan and charts read back with python-docx, the pages
converted by LibreOffice, and the template's own contract (tags intact, styles present)."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import lo_convert, needs_soffice
from halsocenter.atomic import OutputError
from halsocenter.core import contract as C
from halsocenter.core.stats import compute
from halsocenter.core.swedish import number as fmt_number
from halsocenter.errors import InputError
from halsocenter.report.document import (
    TEMPLATE_PATH,
    build_context,
    hub_name,
    paragraphs,
    write_report,
)
from halsocenter.report.template_keys import OWN_TEXT_STYLE
from halsocenter.xlsx.read import workbook_data
from report_template_builder import build_template

YEAR = 2023
AVSNITT = C.LIST_BY_KEY["avsnitt"].values
FOKUS = C.LIST_BY_KEY["fokusomrade"].values

PLAN = [
    (FOKUS[0], "FaR träningsgrupp", "Genomförd", "Fungerar bra, 12 deltagare.", "Fortsätter 2024"),
    (FOKUS[0], "LSS träningsgrupp", "Pågår", "Ska utvärderas i vår.", "Söka nytt stöd"),
    (FOKUS[0], "Promenadgrupper", "Ej genomförd", None, "Bör starta 2024"),
    (FOKUS[1], "Kurs i hälsosamma matvanor", "Genomförd", "Två kurser: allmänhet & AME",
     "Nya kurser VT 2024"),
    (FOKUS[2], "Kurs i mindfulness", "Ej genomförd", "", "Startar hösten 2024"),
    (FOKUS[3], "Samtalscafé <More to life>", "Planerad", None, None),
    (FOKUS[4], "Spontana besök", "Genomförd", "4 besök", "Fortsätter"),
    (FOKUS[5], "Föreläsning om fysisk aktivitet", "Genomförd", "Drygt 70 deltagare", None),
    ("Sömn och vila", "Sömnskola", "Delvis", "Lokalt fokusområde", "Utvärderas"),
]  # fmt: skip


def sample_tables(year: int = YEAR, n_referrals: int = 86) -> dict[str, list[dict]]:
    """A hub's year, Vaggeryd-sized, deterministic."""
    rng = random.Random(7)
    rem = []
    for i in range(n_referrals):
        inkom = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 350))
        typ = "FaR" if i % 12 else rng.choice(["Annan remiss", "Egen kontakt"])
        utfall = rng.choice(["Genomfört"] * 7 + ["Uteblev", "Tackade nej", "Bokat", "Väntar"])
        first = inkom + dt.timedelta(days=rng.randrange(5, 30)) if utfall == "Genomfört" else None
        rem.append({
            "lopnummer": f"{year}-{i + 1:03d}", "inkom": inkom, "typ": typ,
            "remittent": "Vårdcentral" if typ == "FaR" else rng.choice(["Kommun", "Egen kontakt"]),
            "kon": rng.choice(["Kvinna", "Kvinna", "Man"]),
            "aldersgrupp": rng.choice(["30–44", "45–64", "65–79"]),
            "fokus": "Fysisk aktivitet", "forsta_samtal": first, "utfall": utfall,
            "traning_start": "<30 min" if first else None,
            "vardag_start": "60–89 min" if first else None,
            "avslutad": first + dt.timedelta(days=120) if first and i % 3 == 0 else None,
        })  # fmt: skip
    fu = [{"lopnummer": r["lopnummer"], "datum": r["forsta_samtal"] + dt.timedelta(days=90),
           "tidpunkt": "3 mån", "traning": "60–89 min", "vardag": "90–149 min",
           "slussad_till": "Gym/träningsanläggning" if k % 2 else "Förening"}
          for k, r in enumerate(rem) if r["forsta_samtal"] and r["forsta_samtal"].month < 9]
    akt = []
    for week in range(1, 48):
        day = dt.date(year, 1, 2) + dt.timedelta(weeks=week)
        akt.append({"datum": day, "aktivitet": "FaR träningsgrupp", "fokusomrade": FOKUS[0],
                    "typ": "Träningsgrupp", "deltagare": 4 + week % 5, "timmar": 1.0,
                    "malgrupp": "FaR-deltagare"})
        if week > 34:
            akt.append({"datum": day, "aktivitet": "LSS träningsgrupp", "fokusomrade": FOKUS[0],
                        "typ": "Träningsgrupp", "deltagare": 10, "timmar": 1.0})
    akt += [
        {"datum": dt.date(year, 3, 14), "aktivitet": "Hälsosamma matvanor",
         "fokusomrade": FOKUS[1], "typ": "Kurs", "deltagare": 5, "timmar": 2.0},
        {"datum": dt.date(year, 9, 20), "aktivitet": "Föreläsning fysisk aktivitet",
         "fokusomrade": FOKUS[5], "typ": "Föreläsning", "deltagare": 70, "timmar": 1.5},
    ] + [{"datum": dt.date(year, m, 5), "aktivitet": "Spontant besök", "fokusomrade": FOKUS[4],
          "typ": "Spontant besök", "deltagare": 1} for m in (2, 5, 8, 11)]  # fmt: skip
    narvaro = [{"datum": dt.date(year, 1, 2) + dt.timedelta(weeks=w), "aktivitet":
                "LSS träningsgrupp", "deltagar_id": f"L{p}"} for w in range(35, 48)
               for p in range(1, 11 if w % 2 else 9)]  # fmt: skip
    styr = [{"datum": dt.date(year, m, 10), "kommun": "Ja", "vardcentral": "Ja",
             "folkhalsa": "Ja" if m != 6 else "Nej", "invanare": "Ja" if m > 3 else "Nej"}
            for m in (2, 6, 9, 11)]  # fmt: skip
    plan = [dict(zip(C.PLAN.keys, row, strict=True)) for row in PLAN]
    ber = [
        {"avsnitt": AVSNITT[0], "text": "Vi arbetar med motiverande samtal och små steg.\n\n"
                                        "Materialet bygger på regionens stöd & Livsmedelsverkets "
                                        "råd."},
        {"avsnitt": AVSNITT[1], "text": "Vi slussar till föreningar, gym och biblioteket."},
        {"avsnitt": AVSNITT[5], "text": "Hälsocentret öppnade hösten 2021.\nFörsta året "
                                        "handlade om nätverk och rutiner."},
        {"avsnitt": AVSNITT[6], "text": "Hälsocoachen vill gärna gå fler utbildningar."},
    ]  # fmt: skip
    history = [{"ar": year - 2, "remisser": 12, "remisser_far": 11, "forsta_samtal": 8},
               {"ar": year - 1, "remisser": 74, "remisser_far": 70, "forsta_samtal": 55}]
    return {"remisser": rem, "uppfoljningar": fu, "aktiviteter": akt, "narvaro": narvaro,
            "styrgrupp": styr, "plan": plan, "berattelse": ber, "tidigare_ar": history}


def sample_workbook(year: int = YEAR):
    lists = {"fokusomrade": (*FOKUS, "Sömn och vila")}
    return workbook_data(sample_tables(year), {
        "hc_kommun": "Vaggeryd", "hc_ar": year, "hc_startdatum": dt.date(2021, 10, 25),
        "hc_kontakt": "Hälsocoach Anna"}, lists=lists)  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, object, object]:
    wb = sample_workbook()
    summary = compute(wb)
    out = tmp_path_factory.mktemp("rapport") / "Verksamhetsberattelse_Vaggeryd_2023.docx"
    write_report(wb, out, summary=summary)
    return out, wb, summary


def _text_of_table(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _headings(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name.startswith(("Heading", "Title"))]


def test_title_and_section_headings(report):
    path, _, _ = report
    d = docx.Document(str(path))
    heads = _headings(d)
    texts = [t for _, t in heads]
    assert ("Title", f"Verksamhetsberättelse {YEAR} samt verksamhetsplan {YEAR + 1}") in heads
    assert "Hälsocenter Vaggeryds kommun" in [p.text for p in d.paragraphs]
    for wanted in ("Inledning", "Beskrivning av verksamheten Hälsocenter", "Syfte och målgrupp",
                   "Hälsocoachens roll", f"Verksamhetsberättelse {YEAR}",
                   "Beskrivning av lokalt Hälsocenter", f"Statistik {YEAR}",
                   f"Verksamhetsplan {YEAR + 1}"):  # fmt: skip
        assert ("Heading 1", wanted) in heads, wanted
    focus = [t for s, t in heads if s == "Heading 2" and t.startswith("Fokusområde ")]
    assert focus == [f"Fokusområde {f}" for f in (*FOKUS, "Sömn och vila")]
    assert not any("{{" in t or "{%" in t for t in texts)


def test_every_plan_row_is_in_its_focus_area_table(report):
    path, _, _ = report
    d = docx.Document(str(path))
    body = d.element.body
    # pair each "Fokusområde X" heading with the table that follows it
    found: dict[str, list[list[str]]] = {}
    current = None
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            current = text[len("Fokusområde "):] if text.startswith("Fokusområde ") else current
        elif child.tag.endswith("}tbl") and current:
            table = docx.table.Table(child, d)
            found[current] = _text_of_table(table)
            current = None
    for focus, aktivitet, status, follow, future in PLAN:
        rows = found[focus]
        assert all(len(r) == 4 for r in rows)
        assert rows[0][0].startswith(C.PLAN.column("aktivitet").header)
        match = [r for r in rows[1:] if r[0] == aktivitet]
        assert len(match) == 1, (focus, aktivitet, rows)
        assert match[0][1:] == [status, follow or "", future or ""]
    assert sum(len(r) - 1 for r in found.values()) == len(PLAN)


def test_key_figures_in_tables_and_text(report):
    path, _, summary = report
    d = docx.Document(str(path))
    key_table = next(t for t in d.tables if t.rows[0].cells[0].text == "Nyckeltal")
    rows = {r[0]: r[1:] for r in _text_of_table(key_table)[1:]}
    label = C.FIGURE_BY_KEY
    # this year first, then last year: the summary sheet's column order
    assert rows[label["remisser"].label][0] == fmt_number(summary.value("remisser"))
    assert rows[label["remisser"].label][1] == "74"  # last year, from Tidigare år
    assert rows[label["forsta_samtal"].label][0] == fmt_number(summary.value("forsta_samtal"))
    assert rows[label["styrgruppsmoten"].label][0] == "4"
    share = summary.value("andel_tillrackligt_aktiva_uppfoljning")
    assert rows[label["andel_tillrackligt_aktiva_uppfoljning"].label][0] == fmt_number(share,
                                                                                      "andel")
    assert not any(k.startswith(label["remisser"].label + ":") for k in rows)  # no change rows
    text = "\n".join(p.text for p in d.paragraphs)
    since = fmt_number(summary.value("remisser_sedan_start"))
    assert f"tagit emot {since} remisser" in text
    assert "startade den 25 oktober 2021" in text
    assert f"Styrgruppen har haft 4 möten under {YEAR}." in text
    act = next(t for t in d.tables if t.rows[0].cells[0].text == "Aktivitet")
    act_rows = {r[0]: r[1:] for r in _text_of_table(act)[1:]}
    assert act_rows["LSS träningsgrupp"][2] == "10"  # unique participants from Närvaro
    assert act_rows["FaR träningsgrupp"][0] == "47"
    assert act_rows["FaR träningsgrupp"][2] == "–"


def test_hub_narrative_under_its_goal_and_local_sections(report):
    path, _, _ = report
    d = docx.Document(str(path))
    paras = d.paragraphs
    own = [p.text for p in paras if p.style.name == OWN_TEXT_STYLE]
    assert "Vi arbetar med motiverande samtal och små steg." in own
    assert "Materialet bygger på regionens stöd & Livsmedelsverkets råd." in own
    texts = [p.text for p in paras]
    i_goal = next(i for i, t in enumerate(texts) if t.startswith("Hälsocoachens viktigaste"))
    assert texts[i_goal + 1] == "Vi arbetar med motiverande samtal och små steg."
    i_local = texts.index("Beskrivning av lokalt Hälsocenter")
    i_stat = texts.index(f"Statistik {YEAR}")
    local = texts[i_local:i_stat]
    assert "Hälsocentret öppnade hösten 2021.\nFörsta året handlade om nätverk och rutiner." in local
    assert AVSNITT[6] in local  # a section beyond the goals gets a sub-heading
    assert AVSNITT[7] not in texts  # ... but only when it has text


def test_charts_are_embedded_pictures(report):
    path, _, _ = report
    d = docx.Document(str(path))
    assert len(d.inline_shapes) == 5
    with zipfile.ZipFile(path) as zf:
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert len(media) == 5
        assert all(zf.read(n).startswith(b"\x89PNG") for n in media)


def test_page_setup_and_page_number_field(report):
    path, _, _ = report
    d = docx.Document(str(path))
    section = d.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert 2.0 <= section.left_margin.cm <= 3.0
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and "fldChar" in footer_xml
    assert "Hälsocenter Vaggeryds kommun" in section.footer.paragraphs[0].text
    assert d.tables[0].style.name == "Hälsocenter tabell"


def test_an_empty_workbook_still_gives_a_complete_report(tmp_path):
    wb = workbook_data({}, {"hc_kommun": "Tranås", "hc_ar": 2024})
    out = write_report(wb, tmp_path / "tom.docx")
    d = docx.Document(str(out))
    texts = [p.text for p in d.paragraphs]
    assert "Hälsocenter Tranås kommun" in texts
    assert "Ingen verksamhetsplan är inlagd i arbetsboken för 2024." in texts
    assert "Inga aktiviteter är registrerade för 2024." in texts
    assert "Inga remisser eller kontakter är registrerade för 2024." in texts
    assert len(d.inline_shapes) == 0
    assert not any("{{" in t or "{%" in t for t in texts)


def test_typed_text_cannot_break_the_document(tmp_path):
    nasty = "Tabell <w:p> & {{ ar }} {% if %} \x07\x0b slut"
    tables = {"berattelse": [{"avsnitt": AVSNITT[0], "text": nasty}],
              "plan": [{"fokusomrade": FOKUS[0], "aktivitet": nasty, "status": "Planerad"}]}
    wb = workbook_data(tables, {"hc_kommun": "Habo", "hc_ar": 2024})
    out = write_report(wb, tmp_path / "r.docx")
    d = docx.Document(str(out))
    own = [p.text for p in d.paragraphs if p.style.name == OWN_TEXT_STYLE]
    assert own == ["Tabell <w:p> & {{ ar }} {% if %}  slut"]
    plan_cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert "Tabell <w:p> & {{ ar }} {% if %}  slut" in plan_cells


def test_a_workbook_without_year_is_refused(tmp_path):
    wb = workbook_data({}, {"hc_kommun": "Habo"})
    with pytest.raises(InputError) as exc:
        write_report(wb, tmp_path / "r.docx")
    assert "Verksamhetsåret saknas" in exc.value.message
    assert not list(tmp_path.iterdir())


def test_report_is_written_atomically_and_leaves_no_temp_files(tmp_path):
    wb = workbook_data({}, {"hc_kommun": "Habo", "hc_ar": 2024})
    out = tmp_path / "r.docx"
    write_report(wb, out)
    first = out.stat().st_ino
    write_report(wb, out)  # an earlier report of ours is replaced
    assert zipfile.is_zipfile(out) and out.stat().st_ino != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.docx"]
    other = tmp_path / "eget.docx"
    other.write_bytes(b"old")  # any other file is not
    with pytest.raises(OutputError, match="finns redan"):
        write_report(wb, other)
    assert other.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eget.docx", "r.docx"]


def test_committed_template_is_current_and_tags_are_whole_runs():
    assert TEMPLATE_PATH.exists(), "kör scripts/make-report-template"
    d = docx.Document(str(TEMPLATE_PATH))
    styles = {s.name for s in d.styles}
    assert {"Hälsocenter tabell", OWN_TEXT_STYLE, "Heading 1", "Title"} <= styles
    # Word splits text into runs when edited; every tag must still sit inside one run
    for p in d.paragraphs:
        for run in p.runs:
            assert run.text.count("{{") == run.text.count("}}"), run.text
    assert "Fokusområde {{ omrade.namn }}" in [p.text for p in d.paragraphs]


def test_a_region_edited_template_is_used(tmp_path):
    doc = build_template()
    doc.paragraphs[8].insert_paragraph_before("Regionens egen inledning för {{ ar }}.")
    custom = tmp_path / "egen_mall.docx"
    doc.save(custom)
    wb = workbook_data({}, {"hc_kommun": "Eksjö", "hc_ar": 2025})
    out = write_report(wb, tmp_path / "r.docx", template=custom)
    assert "Regionens egen inledning för 2025." in [p.text for p in docx.Document(out).paragraphs]


def test_a_missing_installed_template_is_a_broken_installation(tmp_path, monkeypatch):
    """The wheel ships rapportmall.docx; without it the report is refused in Swedish, nothing is
    built in its place and nothing is written."""
    from halsocenter.errors import UserError, user_message
    from halsocenter.report import document as report

    monkeypatch.setattr(report, "TEMPLATE_PATH", tmp_path / "saknas" / "rapportmall.docx")
    wb = workbook_data({}, {"hc_kommun": "Eksjö", "hc_ar": 2025})
    with pytest.raises(UserError) as refused:
        write_report(wb, tmp_path / "r.docx")
    assert "installationen" in user_message(refused.value)
    assert "rapportmall.docx" in refused.value.message
    assert not (tmp_path / "r.docx").exists()


def test_names_and_formats():
    assert hub_name("Vaggeryd") == "Hälsocenter Vaggeryds kommun"
    assert hub_name("Tranås") == "Hälsocenter Tranås kommun"
    assert hub_name("Eksjö") == "Hälsocenter Eksjö kommun"
    assert hub_name("Aneby") == "Hälsocenter Aneby kommun"
    assert hub_name("Jönköping") == "Hälsocenter Jönköpings kommun"
    assert fmt_number(1234) == "1\u00a0234"
    assert fmt_number(0.456, "andel") == "46\u00a0%"
    assert fmt_number(12.5, "dagar") == "12,5"
    assert fmt_number(None) == "–"
    assert paragraphs("a\r\nb\n\n\nc ") == ["a\nb", "c"]


def test_context_maps_every_avsnitt_value():
    wb = workbook_data({"berattelse": [{"avsnitt": a, "text": f"Text {i}"}
                                       for i, a in enumerate(AVSNITT)]},
                       {"hc_kommun": "Habo", "hc_ar": 2024})  # fmt: skip
    ctx = build_context(None, wb, compute(wb))
    ber = ctx["berattelse"]
    placed = [*(ber[k][0] for k in ("metoder", "samverkan", "vagar_in", "malgrupp", "styrgrupp",
                                    "lokalt")),
              *(o["stycken"][0] for o in ber["ovriga"])]  # fmt: skip
    assert sorted(placed) == sorted(f"Text {i}" for i in range(len(AVSNITT)))


# --------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def pdf_pages(report, tmp_path_factory):
    path, _, _ = report
    outdir = tmp_path_factory.mktemp("pdf")
    pdf = lo_convert(path, "pdf", outdir)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(outdir / "sida")],
                       check=True, timeout=120)  # fmt: skip
    return pdf, sorted(outdir.glob("sida*.png"))


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_renders_the_report_to_pdf(pdf_pages):
    pdf, pages = pdf_pages
    assert pdf.read_bytes().startswith(b"%PDF")
    if not shutil.which("pdfinfo"):
        pytest.skip("poppler (pdfinfo) saknas")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(next(line.split()[-1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))  # fmt: skip
    assert 6 <= count <= 16, count
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        assert f"Statistik {YEAR}" in text and "Fokusområde Matvanor" in text
        assert f"Sida 2 av {count}" in text  # the page field was computed
        assert "{{" not in text
    if pages:
        assert len(pages) == count


def test_paragraph_properties_follow_the_schema_order():
    """Word refuses a file whose w:pPr children are out of order; check every border we add."""
    from report_template_builder import _AFTER_PBDR

    with zipfile.ZipFile(TEMPLATE_PATH) as zf:
        parts = [zf.read(n).decode() for n in zf.namelist()
                 if n.startswith("word/") and n.endswith(".xml")]  # fmt: skip
    checked = 0
    for xml in parts:
        for ppr in re.findall(r"<w:pPr>(.*?)</w:pPr>", xml, flags=re.S):
            tags = re.findall(r"<(w:[A-Za-z]+)", ppr)
            top = [t for t in tags if t in (*_AFTER_PBDR, "w:pBdr", "w:pStyle", "w:keepNext")]
            if "w:pBdr" in top:
                checked += 1
                before = top[: top.index("w:pBdr")]
                assert not set(before) & set(_AFTER_PBDR), top
    assert checked >= 3
