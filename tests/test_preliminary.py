"""A workbook with errors is preliminary, and everything made from it says so; a clean one (or
one with warnings only) gives none of it.

The workbook is a real one with the mistakes of the issue's trial (``coach_mistakes``): the
summary's page 1 banner with its link, the Word report's mark on every page and the cover with
exit 1, the refused export and the marked one with ``--preliminar``, the county's Preliminär,
and the buttons in desktop Excel and xlwings Lite (on xlwings' remote engine).
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
import xlwings as xw

from coach_mistakes import (
    MISSPELLED,
    PASTED,
    WRONG_DESTINATION,
    WRONG_TIME,
    YEAR,
    write_clean,
    write_mistaken,
)
from conftest import EXAMPLES, lo_convert, needs_soffice
from halsocenter.core import contract as C
from halsocenter.core.analysis import Status, analyse
from halsocenter.core.model import Finding
from halsocenter.jobs import write_summary
from halsocenter.live import desktop as excel
from halsocenter.sheets import content as S
from halsocenter.sheets import kontroll as K
from halsocenter.xlsx.read import read_workbook
from test_cli import run
from test_excel import alerts, sheets_per_action
from xlwings_payload import book_payload

EXPORT_NAME = f"Halsocenter_Vaggeryd_{YEAR}.xlsx"


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("preliminar")
    return {"fel": write_mistaken(folder / "fel" / f"Vaggeryd_{YEAR}.xlsx"),
            "ren": write_clean(folder / "ren" / f"Vaggeryd_{YEAR}.xlsx")}


@pytest.fixture(scope="module")
def status(books) -> Status:
    return analyse(read_workbook(books["fel"])).status


def test_errors_make_it_preliminary_and_warnings_never_do():
    warning = Finding("contact_info", "warning", "Remisser", 2, "Kommentar", "O2", None, "…")
    error = Finding("required_missing", "error", "Remisser", 3, "Typ", "C3", None, "…")
    counted = Finding("list_value_unknown", "error", "Remisser", None, "Kön", None, None, "…",
                      count=41)  # fmt: skip
    assert not Status.of([warning, warning]).preliminary
    assert Status.of([warning]).mark is None and Status.of([]).banner is None
    assert Status.of([warning, error, counted]).errors == 42
    assert Status.of([error, counted]).mark == "Preliminär – 42 fel kvar"
    assert Status.of([error, counted]).banner == "Preliminär – 42 fel kvar i arbetsboken"
    assert Status.of([error]).label == C.STATUS_PRELIMINARY
    assert Status.of([warning]).label == C.STATUS_FINAL
    assert Status(1234).mark == "Preliminär – 1\u00a0234 fel kvar"


def test_the_mistaken_workbook_has_the_errors_the_trial_made(books, status):
    findings = analyse(read_workbook(books["fel"])).findings
    codes = [f.code for f in findings if f.severity == "error"]
    assert codes.count("list_value_unknown") >= PASTED + 4 and "required_missing" in codes
    assert status.errors == sum(f.count for f in findings if f.severity == "error") > PASTED
    assert not analyse(read_workbook(books["ren"])).status.preliminary
    assert not analyse(read_workbook(EXAMPLES / "Vaggeryd_2023.xlsx")).status.preliminary  # warnings


def test_no_value_outside_its_list_is_a_category_anywhere_in_the_summary(books):
    summary = analyse(read_workbook(books["fel"])).summary
    listed: dict[str, set[str]] = {}  # a header -> every list value it may hold (Typ: two)
    for column in (c for t in C.TABLES for c in t.columns if c.list):
        listed.setdefault(column.header, set(C.OWN_CATEGORIES)).update(
            C.LIST_BY_KEY[column.list].values)
    checked = 0
    for f in summary.figures:
        name, _, value = f.dimension.partition("=")
        if name in listed:
            assert value in listed[name], f
            checked += 1
    assert checked > 50
    assert summary.value("slussade", f"Slussad till={C.INVALID_CATEGORY}") >= PASTED
    assert summary.value("uppfoljningar", f"Tidpunkt={C.INVALID_CATEGORY}") == 1
    assert summary.value("remisser", f"Kön={C.INVALID_CATEGORY}") == 1
    assert summary.value("tillfallen", f"Fokusområde={C.INVALID_CATEGORY}") == 1
    for bad in (MISSPELLED, WRONG_DESTINATION, WRONG_TIME, "K"):
        assert not any(f.dimension.endswith(f"={bad}") for f in summary.figures), bad
    assert C.INVALID_CATEGORY in summary.plan_by_focus() and MISSPELLED not in summary.plan_by_focus()


# --------------------------------------------------------------------------- the summary


def _sheet_text(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_summary_page_one_carries_the_banner_with_a_link_to_kontroll(books, status, tmp_path):
    path, analysis = write_summary(books["fel"], tmp_path / "fel.xlsx")
    assert analysis.status == status
    book = openpyxl.load_workbook(path)
    ws = book[C.SUMMARY_SHEET]
    banner = ws.cell(S.BANNER_ROW, 1)
    assert banner.value == f"Preliminär – {status.errors} fel kvar i arbetsboken. Se fliken Kontroll."
    assert banner.hyperlink is not None and banner.hyperlink.location == f"'{C.CHECK_SHEET}'!A1"
    assert f"A{S.BANNER_ROW}:K{S.BANNER_ROW}" in {str(r) for r in ws.merged_cells.ranges}
    assert banner.font.bold and banner.fill.fgColor.rgb.endswith("FFC7CE")
    first_break = min(b.id for b in ws.row_breaks.brk)
    assert first_break > S.BANNER_ROW and ws.print_area.startswith(f"'{C.SUMMARY_SHEET}'!$A$1")
    assert "preliminär" in ws.oddHeader.right.text
    layout = S.summary_blocks(analysis.summary, status=status)
    assert layout.block("nyckeltal").top == S.OVERVIEW_ROW + 1  # the banner pushes it down a row
    # Kontroll says how many values are outside their lists and how they are counted
    kontroll = _sheet_text(book[C.CHECK_SHEET])
    invalid = sum(f.count for f in analysis.findings if f.code in K.INVALID_CODES)
    assert K.invalid_sentence(invalid) in kontroll and f"{invalid} celler" in K.invalid_sentence(invalid)
    assert C.INVALID_CATEGORY in K.invalid_sentence(invalid)
    # no invented category on the sheet either
    texts = _sheet_text(ws)
    assert C.INVALID_CATEGORY in texts
    for bad in (MISSPELLED, WRONG_DESTINATION, WRONG_TIME):
        assert bad not in texts, bad


def test_a_clean_summary_has_no_banner(books, tmp_path):
    path, analysis = write_summary(books["ren"], tmp_path / "ren.xlsx")
    assert not analysis.status.preliminary
    book = openpyxl.load_workbook(path)
    ws = book[C.SUMMARY_SHEET]
    assert ws.cell(S.BANNER_ROW, 1).value is None
    assert ws.cell(S.OVERVIEW_ROW, 1).value == S.TXT_FIGURE
    assert not any("Preliminär" in t for t in _sheet_text(ws))
    assert "preliminär" not in ws.oddHeader.right.text
    assert not any(t == K.invalid_sentence(1) or "sin lista" in t
                   for t in _sheet_text(book[C.CHECK_SHEET]))  # fmt: skip


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext saknas")
def test_libreoffice_prints_the_banner_on_page_one_only(books, status, tmp_path):
    path, _ = write_summary(books["fel"], tmp_path / "fel.xlsx")
    # only the summary sheet, as a coach prints it
    book = openpyxl.load_workbook(path)
    for name in book.sheetnames:
        if name != C.SUMMARY_SHEET:
            book[name].sheet_state = "hidden"
    only = tmp_path / "utskrift.xlsx"
    book.save(only)
    pages = _pdf_pages(lo_convert(only, "pdf", tmp_path / "pdf"))
    banner = f"Preliminär – {status.errors} fel kvar i arbetsboken"
    assert banner in " ".join(pages[0].split())
    assert not any(banner in " ".join(p.split()) for p in pages[1:])


# --------------------------------------------------------------------------- the Word report


def _headers(doc) -> list[str]:
    out = []
    for section in doc.sections:
        out.append(" ".join(p.text for p in section.header.paragraphs))
        if section.different_first_page_header_footer:
            out.append(" ".join(p.text for p in section.first_page_header.paragraphs))
    return out


def test_report_is_marked_on_every_page_and_the_cover_and_exits_one(books, status, tmp_path):
    from docx import Document

    out = tmp_path / "rapport.docx"
    proc = run("report", books["fel"], "-o", out)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "preliminär" in proc.stdout and f"{status.errors} fel kvar" in proc.stdout
    assert "halsocenter check" in proc.stdout and "Traceback" not in proc.stderr
    doc = Document(out)
    mark = f"Preliminär – {status.errors} fel kvar"
    headers = _headers(doc)
    assert len(headers) == 2 and all(h == mark for h in headers)  # the cover's and the rest's
    title = next(i for i, p in enumerate(doc.paragraphs) if p.style.name == "Title")
    assert doc.paragraphs[title - 1].text == f"{mark} i arbetsboken"
    runs = doc.paragraphs[title - 1].runs
    assert runs and all(r.bold for r in runs)
    tables = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert C.INVALID_CATEGORY in tables
    for bad in (MISSPELLED, WRONG_DESTINATION, WRONG_TIME):
        assert bad not in tables and not any(bad in p.text for p in doc.paragraphs), bad


def test_a_clean_report_is_unmarked_and_exits_zero(books, tmp_path):
    from docx import Document

    out = tmp_path / "rapport.docx"
    proc = run("report", books["ren"], "-o", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "preliminär" not in proc.stdout.lower()
    doc = Document(out)
    assert not any(h.strip() for h in _headers(doc))
    with zipfile.ZipFile(out) as zf:
        assert not any(b"Prelimin" in zf.read(n) for n in zf.namelist())


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext saknas")
def test_libreoffice_shows_the_mark_on_every_page_of_the_report(books, status, tmp_path):
    from halsocenter.report.document import write_report

    out = write_report(read_workbook(books["fel"]), tmp_path / "rapport.docx")
    pages = _pdf_pages(lo_convert(out, "pdf", tmp_path / "pdf"))
    mark = f"Preliminär – {status.errors} fel kvar"
    assert len(pages) > 3
    for i, page in enumerate(pages, 1):
        assert mark in " ".join(page.split()), f"sidan {i}"
    assert f"{mark} i arbetsboken" in " ".join(pages[0].split())


# --------------------------------------------------------------------------- the export


def test_export_is_refused_while_errors_remain_and_marked_with_preliminar(books, status, tmp_path):
    out = tmp_path / "till_regionen"
    proc = run("export", books["fel"], "-o", out)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{status.errors} fel kvar" in proc.stderr and "--preliminar" in proc.stderr
    assert "halsocenter check" in proc.stderr and "Fel kvar i arbetsboken" in proc.stdout
    assert not out.exists()  # nothing written, not even the folder

    proc = run("export", books["fel"], "-o", out, "--preliminar")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "märkt preliminär" in proc.stdout and f"{status.errors} fel kvar" in proc.stdout
    path = out / EXPORT_NAME
    info = {r[0]: r[1] for r in pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "Info").to_python()}  # fmt: skip
    assert info["Status"] == C.STATUS_PRELIMINARY and info["Fel"] == status.errors


def test_a_clean_export_is_final(books, tmp_path):
    out = tmp_path / "till_regionen"
    for flags in ((), ("--preliminar",)):  # the flag changes nothing for a clean workbook
        proc = run("export", books["ren"], "-o", out, *flags)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "preliminär" not in proc.stdout.lower()
        info = {r[0]: r[1] for r in pc.CalamineWorkbook.from_path(str(out / EXPORT_NAME))
                .get_sheet_by_name("Info").to_python()}  # fmt: skip
        assert info["Status"] == C.STATUS_FINAL and info["Fel"] == 0


# --------------------------------------------------------------------------- the county


def _cells(path: Path, sheet: str) -> list[list]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


@pytest.fixture(scope="module")
def county(books, status, tmp_path_factory) -> dict[str, Path]:
    """A folder with Vaggeryd's preliminary export and Eksjö's final one, and one with Vaggeryd's
    workbook itself (errors and all) beside Eksjö's."""
    root = tmp_path_factory.mktemp("lanet")
    out = {}
    for name, vaggeryd in (("export", None), ("arbetsbok", books["fel"])):
        folder = root / name
        folder.mkdir()
        assert run("export", EXAMPLES / "Eksjö_2024.xlsx", "-o", folder).returncode == 0
        if vaggeryd is None:
            assert run("export", books["fel"], "-o", folder, "--preliminar").returncode == 0
        else:
            shutil.copy(vaggeryd, folder / vaggeryd.name)
        target = root / f"Lanet_{name}.xlsx"
        proc = run("region", folder, "-o", target)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Preliminära siffror (fel kvar i arbetsboken): Vaggeryd." in proc.stdout
        out[name] = target
    return out


@pytest.mark.parametrize("kind", ["export", "arbetsbok"])
def test_county_marks_the_preliminary_municipality(county, status, kind):
    path = county[kind]
    overview = _cells(path, C.COUNTY_OVERVIEW_SHEET)
    header = next(i for i, r in enumerate(overview) if r[0] == "Kommun")
    assert overview[header][1] == "Status"
    rows = {r[0]: r for r in overview[header + 1:] if r[0]}
    assert rows["Vaggeryd"][1] == C.STATUS_PRELIMINARY and rows["Eksjö"][1] == ""
    assert rows[C.COUNTY_ROW][1] == C.STATUS_PRELIMINARY
    text = " ".join(str(v) for r in overview for v in r if v)
    assert "Preliminära siffror från Vaggeryd" in text
    assert "Länet innehåller preliminära siffror från Vaggeryd" in text
    reporting = _cells(path, C.COUNTY_REPORTING_SHEET)
    head = next(i for i, r in enumerate(reporting) if r[0] == "År")
    col = {c: i for i, c in enumerate(reporting[head])}
    used = {r[col["Kommun"]]: r for r in reporting[head + 1:] if r[col["Inrapporterad"]] == "Ja"}
    assert used["Vaggeryd"][col["Status"]] == C.STATUS_PRELIMINARY
    assert used["Vaggeryd"][col["Fel"]] == status.errors
    assert used["Eksjö"][col["Status"]] == C.STATUS_FINAL
    assert f"{status.errors} fel kvar" in used["Vaggeryd"][col["Anmärkning"]]


def test_a_county_of_final_files_says_nothing_preliminary(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("Eksjö_2024.xlsx", "Gislaved_2024.xlsx"):
        assert run("export", EXAMPLES / name, "-o", folder).returncode == 0
    target = tmp_path / "Lanet.xlsx"
    proc = run("region", folder, "-o", target)
    assert proc.returncode == 0 and "reliminär" not in proc.stdout
    overview = _cells(target, C.COUNTY_OVERVIEW_SHEET)
    header = next(i for i, r in enumerate(overview) if r[0] == "Kommun")
    assert {r[1] for r in overview[header + 1:] if r[0]} == {""}  # no Status anywhere
    text = " ".join(str(v) for r in overview for v in r)
    assert C.STATUS_PRELIMINARY not in text and "reliminära" not in text
    reporting = _cells(target, C.COUNTY_REPORTING_SHEET)
    head = next(i for i, r in enumerate(reporting) if r[0] == "År")
    status = reporting[head].index("Status")
    assert {r[status] for r in reporting[head + 1:]} == {C.STATUS_FINAL, ""}


# --------------------------------------------------------------------------- the buttons


def _press(button, path: Path) -> tuple[dict, list[dict]]:
    payload = book_payload(path, name=str(path))
    book = xw.Book(json=copy.deepcopy(payload))
    button(book)
    return payload, book.json()["actions"]


@pytest.fixture
def fel_copy(books, tmp_path) -> Path:
    return Path(shutil.copy(books["fel"], tmp_path / books["fel"].name))


def test_desktop_export_asks_and_writes_a_marked_file_on_yes(fel_copy, status, monkeypatch):
    asked = []

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        if buttons == "yes_no":
            asked.append(prompt)
            return "yes"
        return self.impl.alert(prompt, title, buttons, mode, callback)

    monkeypatch.setattr(xw.App, "alert", alert)
    payload, actions = _press(excel.exportera, fel_copy)
    (question,) = asked
    assert f"{status.errors} fel kvar" in question and "preliminär" in question
    assert "Ja:" in question and "Nej:" in question and C.CHECK_SHEET in question
    out = fel_copy.with_name(EXPORT_NAME)
    info = {r[0]: r[1] for r in _cells(out, "Info")}
    assert info["Status"] == C.STATUS_PRELIMINARY and info["Fel"] == status.errors
    (message, _, _, _, _), = alerts(actions)
    assert "märkt preliminär" in message and f"{status.errors} fel kvar" in message


@pytest.mark.parametrize("answer", ["no", None])
def test_desktop_export_writes_nothing_on_no(fel_copy, status, monkeypatch, answer):
    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        if buttons == "yes_no":
            return answer
        return self.impl.alert(prompt, title, buttons, mode, callback)

    monkeypatch.setattr(xw.App, "alert", alert)
    payload, actions = _press(excel.exportera, fel_copy)
    assert not fel_copy.with_name(EXPORT_NAME).exists()
    (message, _, _, mode, _), = alerts(actions)
    assert mode == "critical" and f"{status.errors} fel kvar" in message
    assert f"fliken {C.CHECK_SHEET}" in message and "skapades inte" in message
    assert {t for t in sheets_per_action(payload, actions) if t} == {C.CHECK_SHEET}


def test_desktop_report_tells_the_coach_it_is_preliminary(fel_copy, status):
    _, actions = _press(excel.rapport, fel_copy)
    (message, _, _, mode, _), = alerts(actions)
    assert mode == "critical" and "preliminär" in message and f"{status.errors} fel kvar" in message
    assert any(p.suffix == ".docx" for p in fel_copy.parent.iterdir())


def test_desktop_summary_tells_the_coach_it_is_preliminary(fel_copy, status):
    from test_excel import block_at

    payload, actions = _press(excel.arssammanstallning, fel_copy)
    (message, _, _, mode, _), = alerts(actions)
    assert mode == "critical" and f"Preliminär – {status.errors} fel kvar i arbetsboken" in message
    banner = block_at(payload, actions, C.SUMMARY_SHEET, S.BANNER_ROW)
    assert banner == [[f'=HYPERLINK("#\'{C.CHECK_SHEET}\'!A1","Preliminär – {status.errors} fel '
                       'kvar i arbetsboken. Se fliken Kontroll.")']]


def test_help_describes_the_preliminary_state():
    from halsocenter.live import actions as A
    from halsocenter.live import lite

    for host in (excel.DESKTOP, lite.LITE):
        text = A.help_text(host)
        assert "Preliminär – N fel kvar i arbetsboken" in text and "Varningar" in text
    assert "frågar" in A.help_text(excel.DESKTOP)
    assert "Exportera preliminärt" in A.help_text(lite.LITE)


def test_lite_export_refuses_and_points_to_exportera_preliminart(books, status, tmp_path,
                                                                 monkeypatch):  # fmt: skip
    import asyncio

    from xlwings.pro.udfs_officejs import custom_scripts_call

    from halsocenter.live import lite
    from halsocenter.live.comments import Comments

    monkeypatch.setenv(lite.DATA_DIR_ENV, str(tmp_path / "data"))

    async def every_note_read(book):  # as a Lite that gives the notes' text (test_lite_notes)
        return Comments()

    monkeypatch.setattr(lite, "_comments", every_note_read)
    payload = book_payload(books["fel"])

    def press(script: str) -> list[dict]:
        book = xw.Book(json=copy.deepcopy(payload))
        asyncio.run(custom_scripts_call(lite, script, typehint_to_value={xw.Book: book}))
        return book.json()["actions"]

    actions = press("knapp4_exportera")
    (message, _, buttons, mode, _), = alerts(actions)  # no question Lite could not answer
    assert buttons == "ok" and mode == "critical" and "Exportera preliminärt" in message
    assert f"{status.errors} fel kvar" in message
    assert not list((tmp_path / "data").glob("*.xlsx"))
    actions = press("knapp4b_exportera_preliminart")
    out = tmp_path / "data" / EXPORT_NAME
    info = {r[0]: r[1] for r in _cells(out, "Info")}
    assert info["Status"] == C.STATUS_PRELIMINARY and info["Fel"] == status.errors
    (message, _, _, _, _), = alerts(actions)
    assert "märkt preliminär" in message and "Import/Export" in message


def test_lite_export_preliminart_of_a_clean_workbook_is_final(books, tmp_path, monkeypatch):
    import asyncio

    from xlwings.pro.udfs_officejs import custom_scripts_call

    from halsocenter.live import lite
    from halsocenter.live.comments import Comments

    monkeypatch.setenv(lite.DATA_DIR_ENV, str(tmp_path / "data"))

    async def every_note_read(book):  # as a Lite that gives the notes' text (test_lite_notes)
        return Comments()

    monkeypatch.setattr(lite, "_comments", every_note_read)
    book = xw.Book(json=book_payload(books["ren"]))
    asyncio.run(custom_scripts_call(lite, "knapp4b_exportera_preliminart",
                                    typehint_to_value={xw.Book: book}))  # fmt: skip
    info = {r[0]: r[1] for r in _cells(tmp_path / "data" / EXPORT_NAME, "Info")}
    assert info["Status"] == C.STATUS_FINAL and info["Fel"] == 0
    (message, *_), = alerts(book.json()["actions"])
    assert "preliminär" not in message


def test_ribbon_tooltips_mention_the_preliminary_state():
    ribbon = (Path(__file__).resolve().parents[1] / "addin" / "excel" / "ribbon.xml").read_text()
    tips = dict(re.findall(r'screentip="([^"]+)"\s+supertip="([^"]+)"', ribbon))
    assert "Preliminär" in tips["Bygg årssammanställningen"]
    assert "Preliminär" in tips["Skapa verksamhetsberättelsen i Word"]
    assert "preliminär" in tips["Exportera till regionen"]


def test_the_command_line_names_the_files_the_county_workbook_numbers(tmp_path):
    """The county workbook names a file only by its number; whoever runs the command gets
    the names of the files it remarks on, and --json lists every file with its number."""
    import json

    folder = tmp_path / "in"
    folder.mkdir()
    assert run("export", EXAMPLES / "Eksjö_2024.xlsx", "-o", folder).returncode == 0
    (folder / "Anna Andersson 811218-9876.xlsx").write_text("ingen arbetsbok")
    target = tmp_path / "Lanet.xlsx"
    proc = run("region", folder, "-o", target)
    assert proc.returncode == 1
    assert "     1  Anna Andersson 8112**-****.xlsx – kunde inte läsas" in proc.stdout
    assert "811218-9876" not in proc.stdout
    reporting = _cells(target, C.COUNTY_REPORTING_SHEET)
    text = " ".join(str(v) for r in reporting for v in r)
    assert "Anna" not in text.replace("Annan", "") and "8112" not in text
    head = next(i for i, r in enumerate(reporting) if r[0] == "År")
    col = reporting[head].index("Fil nr")
    unread = [r for r in reporting[head + 1:] if r[2] == "Kunde inte läsas"]
    assert [r[col] for r in unread] == [1]
    summary = json.loads(run("region", folder, "-o", target, "--json").stdout)
    assert [(u["number"], u["file"]) for u in summary["unreadable"]] == [
        (1, "Anna Andersson 8112**-****.xlsx")]
    assert [r["number"] for r in summary["reported"]] == [2]


@pytest.mark.parametrize(("status", "errors", "preliminary", "remark"), [
    (C.STATUS_FINAL, 5, True, None),  # a file that calls itself final but counts errors
    (C.STATUS_PRELIMINARY, 0, True, None),  # one that says so without a count
    ("Nästan klar", 0, False, "varken Slutlig eller Preliminär"),
])  # fmt: skip
def test_the_county_believes_the_worse_of_status_and_error_count(tmp_path, status, errors,
                                                                 preliminary, remark):  # fmt: skip
    from halsocenter.region.consolidate import read_report

    folder = tmp_path / "in"
    folder.mkdir()
    assert run("export", EXAMPLES / "Eksjö_2024.xlsx", "-o", folder).returncode == 0
    path = folder / "Halsocenter_Eksjö_2024.xlsx"
    book = openpyxl.load_workbook(path)
    info = book[C.EXPORT_INFO_SHEET]
    rows = {info.cell(r, 1).value: r for r in range(1, info.max_row + 1)}
    info.cell(rows[C.INFO_STATUS], 2).value = status
    info.cell(rows[C.INFO_ERRORS], 2).value = errors
    book.save(path)
    report = read_report(path)
    assert report.preliminary is preliminary
    assert report.status_label == (C.STATUS_PRELIMINARY if preliminary else C.STATUS_FINAL)
    remarks = [p.message for p in report.problems]
    if remark:
        assert any(remark in m for m in remarks) and not any(status in m for m in remarks)
    else:
        assert not remarks
