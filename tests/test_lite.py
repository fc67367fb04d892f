"""xlwings Lite (halsocenter.lite) run as Lite runs it, on xlwings' own remote engine.

Lite lists the scripts with ``custom_scripts_meta`` and runs one with ``custom_scripts_call``
on the book the client sent (``xw.Book(json=...)``), then sends ``book.json()["actions"]`` back
to Excel. The same calls are made here on payloads built from real workbook files, so what is
checked is what Excel would be told to do and which files land where.
"""

from __future__ import annotations

import asyncio
import copy
import os
import shutil
from pathlib import Path

import pytest
import xlwings as xw
from openpyxl import load_workbook
from xlwings.pro.udfs_officejs import custom_scripts_call, custom_scripts_meta

from halsocenter.core import contract as C
from halsocenter.core.lite_setup import MAIN_PY
from halsocenter.live import actions as live_actions
from halsocenter.live import desktop as excel
from halsocenter.live import lite
from halsocenter.xlsx import read
from lite_client import LiteClient, use_lite_client
from test_excel import YEAR, N, alerts, block_at, listed_findings, make_workbook, sheets_per_action
from xlwings_payload import book_payload

EXAMPLE = "Vaggeryd_2023.xlsx"
BUTTONS = {  # function name -> the name Lite shows, in the coach's order
    "knapp1_kontrollera": "Kontrollera",
    "knapp2_arssammanstallning": "Årssammanställning",
    "knapp3_word_rapport": "Word-rapport",
    "knapp4_exportera": "Exportera till regionen",
    "knapp4b_exportera_preliminart": "Exportera preliminärt",
    "knapp5_nytt_verksamhetsar": "Nytt verksamhetsår",
    "knapp6_hjalp": "Hjälp",
}
SHEETS_WRITTEN = {  # what each button may write into the book
    "knapp1_kontrollera": {C.CHECK_SHEET},
    "knapp2_arssammanstallning": set(C.GENERATED_SHEETS),
    "knapp3_word_rapport": set(),
    "knapp4_exportera": set(),
    "knapp4b_exportera_preliminart": set(),
    "knapp5_nytt_verksamhetsar": set(),
    "knapp6_hjalp": set(),
}


def files_for(script: str, kommun: str, year: int, stem: str) -> set[str]:
    """The files a button leaves in the data folder: the desktop's names, from the workbook's
    Kommun and year (never from the book's own name, ``stem``)."""
    return {"knapp3_word_rapport": {f"{kommun}_{year}_verksamhetsberattelse.docx"},
            "knapp4_exportera": {f"Halsocenter_{kommun}_{year}.xlsx"},
            "knapp4b_exportera_preliminart": {f"Halsocenter_{kommun}_{year}.xlsx"},
            "knapp5_nytt_verksamhetsar": {f"{kommun}_{year + 1}.xlsx"}}.get(script, set())  # fmt: skip


def run_script(name: str, payload: dict) -> list[dict]:
    """Run a script the way xlwings Lite does and return the actions sent back to Excel."""
    book = xw.Book(json=copy.deepcopy(payload))
    returned = asyncio.run(custom_scripts_call(lite, name, typehint_to_value={xw.Book: book}))
    assert returned is book
    return book.json()["actions"]


LITE_READS_COMMENTS = hasattr(xw.Sheet, "get_comments") and hasattr(xw.main.Note, "get_text")
"""Whether this xlwings gives Lite the text of notes and threaded comments (0.37.7 and later)."""
CONFIRM = "en gång till inom"


LEAVING = {"knapp3_word_rapport", "knapp4_exportera", "knapp4b_exportera_preliminart"}
"""The buttons whose file leaves the hub."""


def run_confirmed(name: str, payload: dict) -> list[dict]:
    """``run_script``, with the coach's confirmation where it is asked for: an xlwings that
    cannot give the notes' text (the floor, before 0.37.7) makes the first press of Word-rapport
    and Exportera ask (checked here), and the second press is what is returned."""
    actions = run_script(name, payload)
    asked = any(CONFIRM in a["args"][0] for a in actions if a["func"] == "alert")
    assert asked == (not LITE_READS_COMMENTS and name in LEAVING), (name, actions[-1])
    return run_script(name, payload) if asked else actions


def listing(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


@pytest.fixture(autouse=True)
def lite_client(monkeypatch) -> LiteClient:
    """Every script here runs as in xlwings Lite, whose client gives notes' and comments' text
    (``lite_client.py``); ``test_lite_notes.py`` runs it without."""
    return use_lite_client(monkeypatch, LiteClient())


@pytest.fixture
def place(tmp_path, monkeypatch) -> dict[str, Path]:
    """A data folder, an empty HOME and an empty working folder, as Lite's scripts see them."""
    dirs = {name: tmp_path / name for name in ("data", "home", "cwd", "book")}
    for d in dirs.values():
        d.mkdir()
    monkeypatch.setenv(lite.DATA_DIR_ENV, str(dirs["data"]))
    monkeypatch.setenv("HOME", str(dirs["home"]))
    monkeypatch.chdir(dirs["cwd"])
    return dirs


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lite")
    return {"n": make_workbook(folder / "n" / f"Vaggeryd_{YEAR}.xlsx", N),
            "2n": make_workbook(folder / "2n" / f"Vaggeryd_{YEAR}.xlsx", 2 * N),
            "clean": make_workbook(folder / "clean" / f"Vaggeryd_{YEAR}.xlsx", N, pnr_row=None)}


@pytest.fixture
def example(examples, place) -> Path:
    path = next(p for p in examples if p.name == EXAMPLE)
    return Path(shutil.copy(path, place["book"] / path.name))


# --------------------------------------------------------------------------- what Lite shows


def test_lite_lists_every_button_with_its_swedish_name():
    meta = custom_scripts_meta(lite)
    assert [(m["function_name"], m["name"]) for m in meta] == list(BUTTONS.items())
    for m in meta:
        doc = getattr(lite, m["function_name"]).__doc__
        assert doc and doc.strip()[0].isupper() and doc.strip().endswith(".")


def test_the_main_py_text_exposes_exactly_the_buttons():
    """What the coach pastes as main.py gives Lite the seven buttons and nothing else."""
    import types

    main = types.ModuleType("main")
    exec(MAIN_PY, main.__dict__)
    assert [(m["function_name"], m["name"]) for m in custom_scripts_meta(main)] == \
        list(BUTTONS.items())  # fmt: skip
    assert sorted(lite.__all__) == sorted(BUTTONS)


# --------------------------------------------------------------------------- each button


@pytest.mark.parametrize("script", list(BUTTONS))
def test_button_on_an_example_writes_generated_sheets_and_data_folder_only(script, example,
                                                                           place):  # fmt: skip
    wb = read.read_workbook(example)
    payload = book_payload(example)  # a Lite client sends only the file name
    before = {name: listing(place[name]) for name in ("home", "cwd", "book")}
    actions = run_confirmed(script, payload)

    touched = {t for t in sheets_per_action(payload, actions) if t is not None}
    assert touched == SHEETS_WRITTEN[script]
    assert not touched & {s["name"] for s in payload["sheets"]} - set(C.GENERATED_SHEETS)
    written = set(listing(place["data"]))
    assert written == files_for(script, wb.kommun, wb.year, example.stem)
    for name, seen in before.items():
        assert listing(place[name]) == seen, f"{name} changed"
    (message, title, _, mode, _), = alerts(actions)
    assert title == live_actions.TITLE and "Traceback" not in message
    assert mode == "info"  # the example has no errors
    for file in written:
        assert file in message and "Import/Export" in message


@pytest.mark.parametrize("script", list(BUTTONS))
def test_number_of_actions_does_not_grow_with_rows(script, files, place):
    small = run_script(script, book_payload(files["n"]))
    for f in place["data"].iterdir():
        f.unlink()
    large = run_script(script, book_payload(files["2n"]))
    assert [a["func"] for a in large] == [a["func"] for a in small]
    if script == "knapp2_arssammanstallning":  # ... while the data written did grow
        payload = book_payload(files["n"])
        col = {name: i for i, name in enumerate(C.RAPPORTDATA_COLUMNS)}
        few, many = [next(r[col["Värde"]] for r in block_at(payload, a, C.DATA_SHEET, 1)
                          if r[col["Nyckel"]] == "remisser" and r[col["Dimension"]] == "")
                     for a in (small, large)]  # fmt: skip
        assert (few, many) == (N, 2 * N)
    if script == "knapp1_kontrollera":
        payload = book_payload(files["n"])
        rows = [len(listed_findings(payload, a)) for a in (small, large)]
        assert rows[1] > rows[0] > 0


# --------------------------------------------------------------------------- the files


@pytest.mark.slow
def test_lite_and_desktop_write_files_of_the_same_names(files, place):
    path = files["clean"]
    desktop_payload = book_payload(path, name=str(path))
    made = []
    for button in (excel.rapport, excel.exportera, excel.nytt_verksamhetsar):
        book = xw.Book(json=copy.deepcopy(desktop_payload))
        made.append(button(book))
    try:
        for script in ("knapp3_word_rapport", "knapp4_exportera", "knapp5_nytt_verksamhetsar"):
            run_confirmed(script, book_payload(path))
        assert {p.name for p in made} == set(listing(place["data"]))
    finally:
        for p in made:
            p.unlink()


def test_word_report_from_lite_is_the_coachs_report(example, place):
    from docx import Document

    run_confirmed("knapp3_word_rapport", book_payload(example))
    (docx,) = place["data"].iterdir()
    text = "\n".join(p.text for p in Document(docx).paragraphs)
    assert "Vaggeryd" in text and "2023" in text


def cell_values(path: Path) -> dict[str, dict[str, object]]:
    wb = load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row
                       if c.value is not None} for ws in wb.worksheets}  # fmt: skip


def number_formats(path: Path) -> dict[str, dict[str, str]]:
    wb = load_workbook(path)
    return {ws.title: {c.coordinate: c.number_format for row in ws.iter_rows() for c in row
                       if c.value is not None} for ws in wb.worksheets}  # fmt: skip


def test_next_year_from_the_open_book_equals_the_desktops_from_the_file(example, place):
    """Lite has no file to read, so next year's workbook is built from the open book's values.
    Every value, table and list comes out as the desktop's rollover of the saved file makes it."""
    from halsocenter.xlsx.rollover import rollover

    run_script("knapp5_nytt_verksamhetsar", book_payload(example))
    (from_lite,) = place["data"].iterdir()
    from_file = rollover(example, place["book"] / "fran_filen.xlsx")
    assert cell_values(from_lite) == cell_values(from_file)
    assert number_formats(from_lite) == number_formats(from_file)
    new = read.read_workbook(from_lite)
    assert new.year == YEAR + 1 and new.kommun == "Vaggeryd"


def test_next_year_keeps_the_coachs_own_sheet_but_not_its_formats(files, place, tmp_path):
    """What differs from the desktop: a number format a coach set by hand is not carried (Lite
    sends values, not formats); the value is."""
    src = tmp_path / f"Vaggeryd_{YEAR}.xlsx"
    wb = load_workbook(files["clean"])
    own = wb.create_sheet("Egna anteckningar")
    own["A1"], own["B2"] = "Budget", 1234.5
    own["B2"].number_format = "# ##0,00 kr"
    wb.save(src)
    run_script("knapp5_nytt_verksamhetsar", book_payload(src))
    (new,) = place["data"].iterdir()
    sheet = load_workbook(new)["Egna anteckningar"]
    assert sheet["A1"].value == "Budget" and sheet["B2"].value == 1234.5
    assert sheet["B2"].number_format == "General"


def test_next_year_never_overwrites(example, place):
    run_script("knapp5_nytt_verksamhetsar", book_payload(example))
    (made,) = place["data"].iterdir()
    stamp = made.stat().st_mtime_ns
    actions = run_script("knapp5_nytt_verksamhetsar", book_payload(example))
    (message, *_), = alerts(actions)
    assert [a["func"] for a in actions] == ["alert"] and "finns redan" in message
    assert made.stat().st_mtime_ns == stamp


# --------------------------------------------------------------------------- refusals


def test_a_renamed_sheet_gives_a_swedish_message_and_writes_nothing(files, place):
    payload = book_payload(files["n"])
    for s in payload["sheets"]:
        if s["name"] == C.REMISSER.sheet:  # renamed, and no longer an Excel table
            s["name"], s["tables"] = "Remisser 2023", []
    for script in list(BUTTONS)[:-1]:
        actions = run_script(script, payload)
        assert [a["func"] for a in actions] == ["alert"], script
        message, _, _, mode, _ = actions[0]["args"]
        assert "Remisser" in message and "saknas" in message and mode == "critical"
        assert "Traceback" not in message
    assert not listing(place["data"])


def test_export_refuses_an_identity_number_and_shows_the_cells(files, place):
    payload = book_payload(files["n"])  # row 3 of Remisser holds a personnummer
    actions = run_script("knapp4_exportera", payload)
    assert {t for t in sheets_per_action(payload, actions) if t} == {C.CHECK_SHEET}
    (message, _, _, mode, _), = alerts(actions)
    assert mode == "critical" and C.CHECK_SHEET in message and "Traceback" not in message
    assert not listing(place["data"])


def test_a_bug_ends_in_a_swedish_message_and_a_log_to_download(files, place, monkeypatch):
    def broken(wb):
        raise RuntimeError("trasig kärna")

    monkeypatch.setattr(live_actions, "analyse", broken)
    actions = run_script("knapp2_arssammanstallning", book_payload(files["n"]))
    (message, _, _, mode, _), = alerts(actions)
    assert [a["func"] for a in actions] == ["alert"] and mode == "critical"
    assert message.startswith("Något gick fel") and "Traceback" not in message
    assert live_actions.LOG_NAME in message and "Import/Export" in message
    log = (place["data"] / live_actions.LOG_NAME).read_text(encoding="utf-8")
    assert "Traceback" in log and "trasig kärna" in log


def test_a_data_folder_that_cannot_be_written_is_said_in_swedish(files, place, monkeypatch):
    blocker = place["data"] / "inte_en_mapp"
    blocker.write_text("")
    monkeypatch.setenv(lite.DATA_DIR_ENV, str(blocker))
    actions = run_script("knapp4_exportera", book_payload(files["clean"]))
    (message, _, _, mode, _), = alerts(actions)
    assert mode == "critical" and "går inte att skriva i" in message and str(blocker) in message


def test_help_names_every_button_and_where_files_go(files):
    (message, _, _, mode, _), = alerts(run_script("knapp6_hjalp", book_payload(files["n"])))
    assert mode == "info" and "Import/Export" in message and "IT-support" in message
    for name in list(BUTTONS.values())[:-1]:
        assert f"• {name}" in message


def test_data_folder_defaults_to_lites(monkeypatch):
    monkeypatch.delenv(lite.DATA_DIR_ENV, raising=False)
    assert lite.data_dir() == Path("/data")
    monkeypatch.setenv(lite.DATA_DIR_ENV, os.fspath(Path("/tmp/x")))
    assert lite.data_dir() == Path("/tmp/x")


def test_the_template_tells_how_to_enable_lite():
    """The Start sheet carries main.py's exact text, and says where files are downloaded
    (the requirements lines are the region's: ``test_lite_setup``)."""
    from conftest import TEMPLATE

    ws = load_workbook(TEMPLATE)[C.START_SHEET]
    labels = {row[0].value: row[1].value for row in ws.iter_rows(max_col=2) if row[0].value}
    assert labels["main.py"] == MAIN_PY
    assert any("Import/Export" in str(c.value) for row in ws.iter_rows() for c in row)
