"""The generated sheets: content, links, table, charts, print setup, and a LibreOffice render."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from halsocenter.core import contract as C
from halsocenter.core.analysis import Status
from halsocenter.core.model import Finding
from halsocenter.core.summary import FigureRow, PlanRow, Summary
from halsocenter.sheets import content as S
from halsocenter.sheets import writer as W

YEAR = 2023
MONTHS = (5, 7, 9, 6, 8, 4, 2, 5, 10, 9, 8, 8)  # 81 referrals


def hand_summary() -> Summary:
    """A year shaped like a real hub's, with every figure the sheet shows."""
    rows = [
        FigureRow("remisser", "", 81), FigureRow("remisser_far", "", 78),
        FigureRow("forsta_samtal", "", 89), FigureRow("uteblev", "", 4),
        FigureRow("tackade_nej", "", 3), FigureRow("ej_nabar", "", 2),
        FigureRow("vantar_vid_arsskifte", "", 5), FigureRow("retur", "", 6),
        FigureRow("vantetid_median_dagar", "", 12.5),
        FigureRow("remisser_sedan_start", "", 167), FigureRow("far_sedan_start", "", 160),
        FigureRow("forsta_samtal_sedan_start", "", 152), FigureRow("uppfoljningar", "", 40),
        FigureRow("matta_start_och_uppfoljning", "", 30),
        FigureRow("andel_tillrackligt_aktiva_start", "", 0.2),
        FigureRow("andel_tillrackligt_aktiva_uppfoljning", "", 0.5333),
        FigureRow("slussade", "", 17), FigureRow("styrgruppsmoten", "", 4),
        FigureRow("spontana_besok", "", 4), FigureRow("forelasningar_deltagare", "", 470),
        FigureRow("forandring_remisser", "", 5), FigureRow("forandring_forsta_samtal", "", 13),
    ]  # fmt: skip
    rows += [FigureRow("remisser", f"Typ={t}", n) for t, n in (("FaR", 78), ("Annan remiss", 2),
                                                               ("Egen kontakt", 1))]
    rows += [FigureRow("remisser", f"Remittent={t}", n) for t, n in (
        ("Vårdcentral", 76), ("Annan vårdgivare", 2), ("Egen kontakt", 1), ("Kommun", 2))]
    rows += [FigureRow("remisser", f"Kön={t}", n) for t, n in (("Kvinna", 52), ("Man", 29))]
    rows += [FigureRow("remisser", f"Åldersgrupp={t}", n) for t, n in (
        ("30–44", 15), ("45–64", 40), ("65–79", 26))]
    rows += [FigureRow("remisser", f"Fokus={t}", n) for t, n in (
        ("Fysisk aktivitet", 70), ("Matvanor", 8), ("Okänd vana", 3))]
    rows += [FigureRow("remisser", f"Månad={YEAR}-{m:02d}", n) for m, n in enumerate(MONTHS, 1)]
    rows += [FigureRow("uppfoljningar", f"Tidpunkt={t}", n) for t, n in (
        ("3 mån", 20), ("6 mån", 12), ("12 mån", 8))]
    rows += [FigureRow("slussade", f"Slussad till={t}", n) for t, n in (
        ("Förening", 6), ("Gym/träningsanläggning", 9), ("Bibliotek", 2))]
    activities = {
        "FaR träningsgrupp": ("Fysisk aktivitet", 70, 620, 12, 227.0),
        "LSS träningsgrupp": ("Fysisk aktivitet", 14, 140, 14, 140.0),
        "Hälsosamma matvanor": ("Matvanor", 2, 11, None, 22.0),
        "Suicidprevention – Att välja livet": (
            "Gemenskap/psykiskt välbefinnande/existentiell hälsa", 4, 60, None, 180.0),
        "Jacob Gudiol": ("Föreläsningar", 2, 470, None, 705.0),
        "Spontana besök": ("Spontana besök", 4, 4, None, 4.0),
    }
    focus: dict[str, list[float]] = {}
    for name, (area, n, part, uniq, hours) in activities.items():
        for key, value in zip(S.ACTIVITY_KEYS, (n, part, uniq, hours), strict=True):
            rows.append(FigureRow(key, f"Aktivitet={name}", value))
        acc = focus.setdefault(area, [0, 0, 0])
        acc[0] += n
        acc[1] += part
        acc[2] += hours
    for area, (n, part, hours) in focus.items():
        rows += [FigureRow("tillfallen", f"Fokusområde={area}", n),
                 FigureRow("deltagartillfallen", f"Fokusområde={area}", part),
                 FigureRow("unika_deltagare", f"Fokusområde={area}", None),
                 FigureRow("deltagartimmar", f"Fokusområde={area}", hours)]  # fmt: skip
    plan = (
        PlanRow("Fysisk aktivitet", "FaR träningsgrupp", "Genomförd", "Fungerar bra.",
                "Fortsätter nästa år."),
        PlanRow("Fysisk aktivitet", "Promenadgrupper", "Ej genomförd",
                "Har inte startat, gemensamma X-rundor prövade. Volontärer behövs för att "
                "kunna hålla grupperna igång under hela året, både vår och höst.",
                "Ska öka nästa år."),
        PlanRow("Matvanor", "Hälsosamma matvanor", "Delvis", "En kurs för allmänheten, en med AME.",
                "=Nya kurser under våren"),
        PlanRow("Lokalt område", "Samtalscafé", "Planerad", None, None),
    )
    history = ((2021, {"remisser": 10, "remisser_far": 10, "forsta_samtal": 5}),
               (2022, {"remisser": 76, "remisser_far": 72, "forsta_samtal": 58}),
               (YEAR, {"remisser": 81, "remisser_far": 78, "forsta_samtal": 89}))
    return Summary("Vaggeryd", YEAR, tuple(rows), plan, history, program_version="9.9.9")


def findings() -> list[Finding]:
    """One finding of each severity, with and without a cell, on sheets in and not in the
    workbook, with a date and a formula-like text as values."""
    return [
        Finding("date_order", "warning", "Remisser", 7, "Första samtal", "H7",
                date(2023, 1, 3), "Första samtal är före Inkom."),
        Finding("personal_id", "error", "Remisser", 12, "Kommentar", "O12", "19xxxx-xxxx",
                "Kommentaren ser ut att innehålla ett personnummer. Ta bort det."),
        Finding("setting_recommended", "info", "Start", 7, "Kontaktperson", "B7", None,
                "Ingen kontaktperson angiven."),
        Finding("plan_empty", "error", "Närvaro", None, None, None, None, "Fliken saknas."),
        Finding("contact_info", "warning", "Plan", 3, "Uppföljning", "D3", "=SUMMA(A1)",
                "Cellen innehåller en formel."),
        Finding("excel_error", "error", "Gammal flik", 2, "X", "A2", 1, "Okänd flik."),
    ]


STATUS = Status.of(findings())
"""The hand findings hold errors: the summary is preliminary, with its banner on page 1."""


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    wb = W.build_generated(hand_summary(), findings(), created=datetime(2024, 1, 15, 9, 30),
                           sheet_names_in_input=("Start", "Remisser", "Plan", "Närvaro"))
    path = tmp_path_factory.mktemp("sheets") / "generated.xlsx"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def loaded(saved):
    return openpyxl.load_workbook(saved)


def test_sheet_order_and_values_only(saved, loaded):
    assert loaded.sheetnames == [C.SUMMARY_SHEET, C.CHECK_SHEET, C.DATA_SHEET]
    with zipfile.ZipFile(saved) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 3
        for name in sheets:
            assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_summary_title_and_key_figures(loaded):
    ws = loaded[C.SUMMARY_SHEET]
    assert ws["A1"].value == "Hälsocenter Vaggeryd – årssammanställning 2023"
    layout = S.summary_blocks(hand_summary(), status=STATUS)
    kf = layout.block("nyckeltal")
    header = [ws.cell(kf.first_row, kf.left + j).value for j in range(4)]
    assert header == ["Nyckeltal", "2023", "2022", "Förändring"]
    assert kf.width == 4  # no "_andel" change figures in this summary: no column for them
    found = {}
    for r in range(kf.first_row + 1, kf.last_row + 1):
        found[ws.cell(r, 1).value] = (ws.cell(r, 2).value, ws.cell(r, 3).value,
                                      ws.cell(r, 4).value, ws.cell(r, 2).number_format)
    lab = C.FIGURE_BY_KEY
    assert found[lab["remisser"].label] == (81, 76, 5, S.FMT_INT)
    assert found[lab["forsta_samtal"].label] == (89, 58, 13, S.FMT_INT)
    assert found[lab["uteblev"].label][1:3] == (None, None)  # not in Tidigare år
    change = ws.cell(kf.first_row + 2, 4)
    assert change.value == 5 and change.number_format == S.FMT_CHANGE_INT
    assert found[lab["vantetid_median_dagar"].label][0] == 12.5
    share = found[lab["andel_tillrackligt_aktiva_uppfoljning"].label]
    assert share[0] == 0.53 and share[3] == S.FMT_PCT  # the shown value: 53 %, half up
    assert found[lab["remisser_sedan_start"].label][0] == 167
    for _, keys in S.KEY_FIGURE_GROUPS:
        for key in keys:
            assert lab[key].label in found


def test_key_figures_change_share_column():
    base = hand_summary()
    s = Summary(base.kommun, base.year, base.figures + (
        FigureRow(C.CHANGE_PREFIX + "remisser" + C.CHANGE_SHARE_SUFFIX, "", 5 / 76),), base.plan,
        base.history)
    rows, formats, _ = S.key_figure_rows(s)
    assert rows[0] == ["Nyckeltal", "2023", "2022", S.TXT_CHANGE, S.TXT_CHANGE_SHARE]
    row = next(r for r in rows if r[0] == C.FIGURE_BY_KEY["remisser"].label)
    assert row[1:4] == [81, 76, 5] and row[4] == 0.07  # 6,58 % shown as 7 %
    ws = W.build_generated(s, [])[C.SUMMARY_SHEET]
    kf = S.summary_blocks(s).block("nyckeltal")
    assert ws.cell(kf.first_row + 2, 5).number_format == S.FMT_CHANGE_PCT


def test_key_figures_without_history_or_change():
    s = Summary("Habo", 2024, (FigureRow("remisser", "", 3),))
    rows, formats, groups = S.key_figure_rows(s)
    assert rows[0] == ["Nyckeltal", "2024"]
    assert all(len(r) == 2 for r in rows)
    assert rows[groups[0]][0] == S.KEY_FIGURE_GROUPS[0][0]
    assert rows[groups[0] + 1] == [C.FIGURE_BY_KEY["remisser"].label, 3]


def test_tables_content(loaded):
    ws = loaded[C.SUMMARY_SHEET]
    layout = S.summary_blocks(hand_summary(), status=STATUS)

    def read(name):
        b = layout.block(name)
        return [[ws.cell(r, b.left + j).value for j in range(b.width)]
                for r in range(b.first_row, b.last_row + 1)]

    month = read("manad")
    assert month[0] == ["Månad", "Antal"]
    assert month[1] == ["jan", 5] and month[12] == ["dec", 8] and month[13] == ["Totalt", 81]
    rem = read("remittent")
    assert rem[0] == ["Remittent", "Antal", "Andel"]
    assert rem[1][:2] == ["Vårdcentral", 76] and rem[1][2] == 0.94  # 93,8 % shown as 94 %
    assert rem[6] == ["Övrigt", 0, 0] and rem[-1][:2] == ["Totalt", 81]
    div = [r[0] for r in read("indelning")]
    for header in ("Typ", "Kön", "Åldersgrupp", "Fokus"):
        assert header in div
    assert div[-1] == "Okänd vana"  # an unknown category is kept, after the list's own
    act = read("aktiviteter")
    assert [h.replace("-\n", "") for h in act[0]] == ["Aktivitet"] + [
        C.FIGURE_BY_KEY[k].label for k in S.ACTIVITY_KEYS]
    assert act[0][2] == "Deltagar-\ntillfällen"  # hyphenated to fit, not cut mid-syllable
    assert act[1] == ["FaR träningsgrupp", 70, 620, 12, 227]
    assert act[-1] == ["Totalt", 96, 1305, None, 1278]
    foc = read("fokusomraden")
    assert foc[1] == ["Fysisk aktivitet", 84, 760, None, 367]
    assert [r[0] for r in foc[1:-1]] == list(C.LIST_BY_KEY["fokusomrade"].values)
    assert foc[3] == ["Stress och återhämtning", 0, 0, None, 0]  # in the list, no sessions
    hist = read("historik")
    assert hist[1:] == [[2021, 10, 10, 5], [2022, 76, 72, 58], [2023, 81, 78, 89]]
    assert read("slussade")[-1] == ["Totalt", 17]
    assert read("uppfoljningar")[1:] == [["3 mån", 20], ["6 mån", 12], ["12 mån", 8],
                                         ["Annan", 0], ["Totalt", 40]]


def test_plan_per_focus_area(loaded):
    ws = loaded[C.SUMMARY_SHEET]
    layout = S.summary_blocks(hand_summary(), status=STATUS)
    plans = [b for b in layout.blocks if b.kind == "plan"]
    assert [b.title for b in plans] == ["Fysisk aktivitet", "Matvanor", "Lokalt område"]
    first = plans[0]
    assert ws.cell(first.top, 1).value == "Fysisk aktivitet"
    header = [ws.cell(first.first_row, col).value for col, _ in S.PLAN_SPANS]
    assert header == [C.PLAN.column(k).header for k in ("aktivitet", "status", "uppfoljning",
                                                        "framtidsplan")]
    assert [ws.cell(first.first_row + 1, col).value for col, _ in S.PLAN_SPANS] == [
        "FaR träningsgrupp", "Genomförd", "Fungerar bra.", "Fortsätter nästa år."]
    assert ws.cell(first.first_row + 2, S.PLAN_SPANS[2][0]).alignment.wrap_text
    assert ws.row_dimensions[first.first_row + 2].height > S.ROW_HEIGHT_PT  # long text
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert f"D{first.first_row + 1}:G{first.first_row + 1}" in merged
    # text that starts with "=" stays text
    matvanor = plans[1]
    cell = ws.cell(matvanor.first_row + 1, S.PLAN_SPANS[3][0])
    assert cell.value == "=Nya kurser under våren" and cell.data_type == "s"


def test_definitions_section(loaded):
    ws = loaded[C.SUMMARY_SHEET]
    b = S.summary_blocks(hand_summary(), status=STATUS).block("definitioner")
    assert ws.cell(b.top, 1).value == "Definitioner"
    got = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(b.first_row, b.last_row + 1)}
    base = {f.label: f.definition for f in C.FIGURES if not f.key.startswith(C.CHANGE_PREFIX)}
    assert got == {**base, S.TXT_CHANGE: S.TXT_CHANGE_DEFINITION}


def test_charts_present_and_reference_tables(saved, loaded):
    ws = loaded[C.SUMMARY_SHEET]
    assert len(ws._charts) == 4
    with zipfile.ZipFile(saved) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 4
        xml = "".join(z.read(n).decode() for n in charts)
    layout = S.summary_blocks(hand_summary(), status=STATUS)
    month = layout.block("manad")
    assert f"'{C.SUMMARY_SHEET}'!$B${month.first_row + 1}:$B${month.first_row + 12}" in xml
    assert f"'{C.SUMMARY_SHEET}'!$A${month.first_row + 1}:$A${month.first_row + 12}" in xml
    hist = layout.block("historik")
    col = openpyxl.utils.get_column_letter(hist.left + 3)  # Första samtal series
    assert f"${col}${hist.first_row + 1}:${col}${hist.last_row}" in xml
    assert S.TXT_BY_MONTH in xml and S.TXT_BY_MONTH == "Remisser och kontakter per månad"
    assert '<delete val="0"/>' in xml  # axes shown in Excel (openpyxl 3.1 hides them otherwise)


def test_charts_do_not_cover_the_key_figures():
    layout = S.summary_blocks(hand_summary(), status=STATUS)
    kf = layout.block("nyckeltal")
    assert kf.left + kf.width - 1 < S.RIGHT
    boxes = [openpyxl.utils.range_boundaries(c.cells) for c in layout.charts]
    for i, (c1, r1, c2, r2) in enumerate(boxes):
        assert c1 >= S.RIGHT and c2 <= layout.last_col and r2 <= layout.page_breaks[0]
        for d1, s1, d2, s2 in boxes[i + 1:]:  # no two charts share a cell
            assert c2 < d1 or d2 < c1 or r2 < s1 or s2 < r1
    assert boxes[0][3] - boxes[0][1] + 1 >= S.CHART_MIN_ROWS
    tables_start = min(b.top for b in layout.blocks if b.name == "manad")
    assert tables_start > layout.page_breaks[0]
    for b in layout.blocks:  # nothing but the key figures and the title beside the charts
        if b.top <= layout.page_breaks[0]:
            assert b.name in ("title", "subtitle", "preliminar", "nyckeltal", "not")


def test_print_setup(loaded):
    ws = loaded[C.SUMMARY_SHEET]
    layout = S.summary_blocks(hand_summary(), status=STATUS)
    assert ws.print_area == f"'{C.SUMMARY_SHEET}'!$A$1:$K${layout.last_row}"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert "Vaggeryd" in ws.oddHeader.left.text and "2023" in ws.oddHeader.right.text
    assert "&P" in ws.oddFooter.right.text
    assert [b.id for b in ws.row_breaks.brk] == list(layout.page_breaks)


def test_rapportdata_table(loaded):
    ws = loaded[C.DATA_SHEET]
    summary = hand_summary()
    expected = list(summary.rows())
    table = ws.tables[C.RAPPORTDATA_TABLE]
    assert table.ref == f"A1:E{len(expected) + 1}"
    assert [c.value for c in ws[1][:5]] == list(C.RAPPORTDATA_COLUMNS)
    got = [tuple(c.value for c in row[:5]) for row in ws.iter_rows(min_row=2,
                                                                    max_row=len(expected) + 1)]
    for (k, y, key, dim, val), row in zip(expected, got, strict=True):
        assert row[:4] == (k, y, key, dim or None)
        assert row[4] == (pytest.approx(val) if val is not None else None)
        assert row[4] is None or isinstance(row[4], (int, float))
    info = ws[S.RAPPORTDATA_INFO_CELL]
    assert info.coordinate == "G1"
    block = {ws.cell(r, 7).value: ws.cell(r, 8).value for r in range(1, 4)}
    assert block == {"Mallversion": C.TEMPLATE_VERSION, "Programversion": "9.9.9",
                     "Skapad": datetime(2024, 1, 15, 9, 30)}


def test_rapportdata_without_created_is_deterministic(tmp_path):
    s = Summary("Habo", 2024, ())
    wb = W.build_generated(s, [])
    ws = wb[C.DATA_SHEET]
    assert ws.tables[C.RAPPORTDATA_TABLE].ref == "A1:E2"
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    wb.save(a)
    back = openpyxl.load_workbook(a)[C.DATA_SHEET]
    assert back["G2"].value == "Programversion" and back.max_row == 2  # no Skapad row
    W.build_generated(s, []).save(b)
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        for name in za.namelist():
            if not name.startswith("docProps/"):
                assert za.read(name) == zb.read(name), name


def test_empty_summary_builds_every_block():
    s = Summary(None, None, ())
    layout = S.summary_blocks(s)
    assert layout.block("title").rows == [["Hälsocenter – årssammanställning"]]
    assert layout.charts == ()  # nothing to draw: words instead of four charts of zeros
    assert layout.block("plan_tom").rows == [[S.TXT_NO_PLAN]]
    wb = W.build_generated(s, [])
    assert len(wb[C.SUMMARY_SHEET]._charts) == 0


def test_blocks_do_not_overlap():
    layout = S.summary_blocks(hand_summary(), status=STATUS)
    taken: dict[tuple[int, int], str] = {}
    for b in layout.blocks:
        cells = [(b.top, b.left)] if b.title else []
        cells += [(r, b.left + j) for r in range(b.first_row, b.last_row + 1)
                  for j in range(b.width)]
        for cell in cells:
            assert cell not in taken, (b.name, taken.get(cell))
            taken[cell] = b.name
        assert b.left + b.width - 1 <= layout.last_col
        assert b.last_row <= layout.last_row


def test_computed_summary_feeds_the_sheets():
    stats = pytest.importorskip("halsocenter.core.stats")
    from halsocenter.xlsx.read import workbook_data

    wbd = workbook_data({
        "remisser": [
            {"lopnummer": "1", "inkom": date(YEAR, 2, 3), "typ": "FaR", "remittent": "Vårdcentral",
             "utfall": "Genomfört", "forsta_samtal": date(YEAR, 2, 20)},
            {"lopnummer": "2", "inkom": date(YEAR, 3, 1), "typ": "Egen kontakt",
             "remittent": "Egen kontakt", "utfall": "Väntar"},
        ],
        "aktiviteter": [
            {"datum": date(YEAR, 4, 1), "aktivitet": "Promenad", "fokusomrade": "Fysisk aktivitet",
             "typ": "Promenad", "deltagare": 7, "timmar": 1},
        ],
        "plan": [{"fokusomrade": "Matvanor", "aktivitet": "Kurs", "status": "Planerad"}],
    }, {"hc_kommun": "Habo", "hc_ar": YEAR})
    summary = stats.compute(wbd)
    wb = W.build_generated(summary, [])
    ws = wb[C.DATA_SHEET]
    assert ws.max_row == len(list(summary.rows())) + 1
    layout = S.summary_blocks(summary)
    summ = wb[C.SUMMARY_SHEET]
    kf = layout.block("nyckeltal")
    values = {summ.cell(r, 1).value: summ.cell(r, 2).value
              for r in range(kf.first_row, kf.last_row + 1)}
    assert values[C.FIGURE_BY_KEY["remisser"].label] == 2
    month = layout.block("manad")
    assert summ.cell(month.first_row + 2, 2).value == 1  # February


# --------------------------------------------------------------------------- LibreOffice

SOFFICE = shutil.which("soffice")


@pytest.fixture(scope="module")
def pdf(saved, tmp_path_factory) -> Path:
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) saknas")
    out = tmp_path_factory.mktemp("pdf")
    profile = f"file:///tmp/lo_profile_{os.getpid()}_{uuid.uuid4().hex}"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(out), str(saved)], check=True, capture_output=True,
                   timeout=180)  # fmt: skip
    return out / (saved.stem + ".pdf")


@pytest.mark.slow
@pytest.mark.libreoffice
def test_libreoffice_renders_the_summary_page(pdf):
    assert pdf.exists() and pdf.stat().st_size > 10_000
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm saknas")
    png = pdf.with_name("page1")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(png)],
                   check=True, timeout=60)  # fmt: skip
    image = next(pdf.parent.glob("page1*.png"))
    assert image.stat().st_size > 5_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "årssammanställning 2023" in text
        assert C.FIGURE_BY_KEY["remisser_sedan_start"].label in text
        raw = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
        # a chart title, wrapped within its chart: the charts are drawn on page 1
        assert "per månad" in " ".join(raw.split())
