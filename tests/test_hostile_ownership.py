"""Never destroy what a person made (issue 22), tried as a hostile or clumsy user would, one
layer below the earlier batteries. Every numbered case of the issue is here:

1. a coach's own sheet named ``kontroll``, ``Rapportdata`` or `` ÅRSSAMMANSTÄLLNING``, and the
   program's own sheet typed into since;
2. an output someone edited (a Word report with a paragraph added and saved in LibreOffice
   Writer, a summary copy typed into, an export and a county workbook annotated);
3. notes on a version-0 workbook's Start and Listor sheets through ``upgrade``;
4. a Kommun that is a path (``../../x``, an absolute path) behind Nytt verksamhetsår, on the
   desktop and in xlwings Lite, and behind the export;
5. a workbook that counts its dates from 1904;
6. a Latin-1 file name, a closed stdout, a year of 20245 or -1, a 300-character Kommun, a
   cp850/cp1252 console, a Strict Open XML workbook, ``new-workbook --ar 2014``;
7. exports without Maskerad, with ``Exportformat 99``, and a folder with a symbolic-link loop;
8. an identity number in each of twenty places no one looks.

Each test runs the real command (a subprocess with an empty HOME and TMPDIR, or a button on
xlwings' remote engine) and checks the exit code and the Swedish message, that the input is byte
for byte what it was and that no output holds the planted text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from conftest import EXAMPLES, lo_convert, needs_soffice
from halsocenter import atomic, ownership
from halsocenter.core import contract as C
from halsocenter.core import sheetmarks
from halsocenter.xlsx import template
from hidden_builders import PLACES, UNREAD_PLACES, build_hidden, planted_numbers
from privacy_builders import leaks
from test_hostile_write import (
    Sandbox,
    assert_unchanged,
    digests,
    failed,
    list_all,
)

os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # xlwings' remote engine; tests only

EXAMPLE = EXAMPLES / "Vaggeryd_2023.xlsx"


@pytest.fixture
def box(tmp_path) -> Sandbox:
    sandbox = Sandbox(tmp_path)
    yield sandbox
    sandbox.assert_clean()


def press(button, path: Path, name: str | None = None) -> list[dict]:
    """Press a desktop button on the saved workbook ``path`` (xlwings' remote engine); the
    actions Excel would be told to perform."""
    import xlwings as xw

    from xlwings_payload import book_payload

    book = xw.Book(json=book_payload(path, name=name or str(path)))
    button(book)
    return book.json()["actions"]


def alert_of(actions: list[dict]) -> tuple[str, str]:
    (message, _, _, mode, _), = [a["args"] for a in actions if a["func"] == "alert"]
    return " ".join(message.split()), mode


def in_any_part(path: Path, text: str) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist() if text.encode() in zf.read(n)]


def with_sheet(src: Path, dst: Path, name: str, text: str = "Mina egna anteckningar") -> Path:
    wb = openpyxl.load_workbook(src)
    ws = wb.create_sheet(name)
    ws["A1"], ws["B3"] = text, 42
    wb.save(dst)
    return dst


# --------------------------------------------------------------------------- 1. sheets by name


COACH_SHEETS = ("kontroll", "Rapportdata", " ÅRSSAMMANSTÄLLNING")


@pytest.mark.slow
@pytest.mark.parametrize("name", COACH_SHEETS)
def test_a_coachs_sheet_with_a_generated_sheets_name_is_never_touched(box, name):
    src = with_sheet(EXAMPLE, box.work / "Vaggeryd_2023.xlsx", name)
    before = digests(src)

    proc = box.run("check", src, "--json")  # warned ahead of time
    assert proc.returncode == 0, proc.stderr
    taken = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "generated_sheet_taken"]
    assert len(taken) == 1 and taken[0]["sheet"] == name and taken[0]["severity"] == "warning"
    assert "byt namn på den" in taken[0]["message"]

    failed(box.run("summary", src, "-o", "kopia.xlsx"), "Inget skrevs", f"”{name}”",
           "byt namn på den")  # fmt: skip
    assert not (box.work / "kopia.xlsx").exists()

    from halsocenter.live import desktop as excel
    from test_excel import sheets_per_action
    from xlwings_payload import book_payload

    generated = sheetmarks.generated_name(name)
    for button, writes in ((excel.kontrollera, {C.CHECK_SHEET}),
                           (excel.arssammanstallning, set(C.GENERATED_SHEETS))):  # fmt: skip
        actions = press(button, src)
        if generated in writes:  # stopped before anything is written
            assert [a["func"] for a in actions] == ["alert"], [a["func"] for a in actions]
            message, mode = alert_of(actions)
            assert mode == "critical" and f"”{name}”" in message and "byt namn" in message
        else:  # a sheet it does not write: left alone
            targets = sheets_per_action(book_payload(src), actions)
            assert name not in targets and "sheetDelete" not in [a["func"] for a in actions]

    proc = box.run("rollover", src, "-o", "nasta.xlsx")  # next year keeps her sheet too
    assert proc.returncode == 0, proc.stderr
    kept = openpyxl.load_workbook(box.work / "nasta.xlsx")
    assert kept[name]["A1"].value == "Mina egna anteckningar" and kept[name]["B3"].value == 42
    assert_unchanged(before)


@pytest.mark.slow
def test_the_programs_own_sheet_is_replaced_only_while_it_is_unchanged(box):
    first = box.work / "forsta.xlsx"
    assert box.run("summary", EXAMPLE, "-o", first).returncode == 0
    claims = {c.sheet: c for c in _claims(first)}
    assert set(claims) == set(C.GENERATED_SHEETS) and all(c.ours for c in claims.values())

    resaved = box.work / "sparad_igen.xlsx"  # saved again (openpyxl), nothing typed: still ours
    openpyxl.load_workbook(first).save(resaved)
    assert all(c.ours for c in _claims(resaved))
    assert box.run("summary", resaved, "-o", box.work / "andra.xlsx").returncode == 0

    edited = box.work / "andrad.xlsx"
    wb = openpyxl.load_workbook(first)
    wb[C.CHECK_SHEET]["H4"] = "Ring Anna om detta"
    wb.save(edited)
    before = digests(edited)
    [taken] = [c for c in _claims(edited) if not c.ours]
    assert taken.sheet == C.CHECK_SHEET and taken.marked
    failed(box.run("summary", edited, "-o", "tredje.xlsx"), "har ändrats sedan programmet",
           "Inget skrevs")  # fmt: skip
    from halsocenter.live import desktop as excel

    actions = press(excel.kontrollera, edited)
    assert [a["func"] for a in actions] == ["alert"]
    assert "har ändrats sedan programmet skapade den" in alert_of(actions)[0]
    assert_unchanged(before)
    assert openpyxl.load_workbook(edited)[C.CHECK_SHEET]["H4"].value == "Ring Anna om detta"


def _claims(path: Path):
    from halsocenter.xlsx.read import read_workbook

    return read_workbook(path).sheet_claims


def test_the_live_writer_marks_its_sheets_as_the_file_writer_does(tmp_path):
    """The same content gives the same mark from the ribbon as from ``summary``: a sheet the
    ribbon wrote is known as the program's when the saved file is read, and the other way."""
    import xlwings as xw

    from halsocenter.core.analysis import analyse
    from halsocenter.live import read as live_read
    from halsocenter.live import write as live_write
    from halsocenter.sheets.writer import build_generated
    from xlwings_payload import book_payload

    src = tmp_path / "fel.xlsx"  # with findings, so Kontroll has links
    wb = openpyxl.load_workbook(EXAMPLE)
    wb[C.REMISSER.sheet]["K5"] = "<30"
    wb.save(src)
    book = xw.Book(json=book_payload(src))
    analysis = analyse(live_read.read_book(book))
    assert analysis.findings
    created = datetime(2026, 3, 1, 12, 0, 5)
    live_write.write_generated(book, analysis, C.GENERATED_SHEETS, created)
    live = [a["args"] for a in book.json()["actions"] if a["func"] == "namesAdd"]
    generated = build_generated(analysis.summary, analysis.findings,
                                sheet_names_in_input=analysis.wb.sheet_names, created=created)
    filed = [[sheetmarks.MARK_NAME, "=" + ws.defined_names[sheetmarks.MARK_NAME].attr_text]
             for ws in generated.worksheets]  # fmt: skip
    assert live == filed and len(live) == 3


# --------------------------------------------------------------------------- 2. edited outputs


def _edit_report(path: Path, tmp: Path) -> str:
    """A paragraph added, then the file saved by LibreOffice Writer."""
    from docx import Document

    doc = Document(path)
    doc.add_paragraph("Styrgruppen vill läsa mer om samtalscaféet.")
    plain = tmp / "med_stycke.docx"
    doc.save(plain)
    resaved = lo_convert(plain, "docx", tmp / "writer")
    shutil.copy(resaved, path)
    return "Styrgruppen vill läsa mer om samtalscaféet."


def _edit_workbook(sheet: str, cell: str, text: str):
    def edit(path: Path, tmp: Path) -> str:
        wb = openpyxl.load_workbook(path)
        wb[sheet][cell] = text
        wb.save(path)
        return text

    return edit


EDITS = {
    "report": _edit_report,
    "summary": _edit_workbook(C.START_SHEET, "D3", "Inskickad till styrgruppen 3/4"),
    "export": _edit_workbook("Info", "D1", "Kontrollerad av regionen"),
    "region": _edit_workbook("Översikt", "A40", "Analytikerns kommentar: se Habo"),
}


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("command", list(EDITS))
def test_an_edited_output_is_never_replaced(box, command):
    coach = box.work / "Vaggeryd_2023.xlsx"
    shutil.copy(EXAMPLE, coach)
    if command == "export":
        args, out = ("export", coach, "-o", "ut"), box.work / "ut" / "Halsocenter_Vaggeryd_2023.xlsx"
    elif command == "region":
        (box.work / "in").mkdir()
        shutil.copy(coach, box.work / "in" / coach.name)
        args, out = ("region", "in", "-o", "lan.xlsx"), box.work / "lan.xlsx"
    else:
        out = box.work / ("rapport.docx" if command == "report" else "kopia.xlsx")
        args = (command, coach, "-o", out.name)
    proc = box.run(*args)
    assert proc.returncode in (0, 1), proc.stderr
    assert atomic.output_kind(out) == atomic.REPLACE_POLICY[command][0]

    typed = EDITS[command](out, box.tmp.parent)
    assert atomic.output_kind(out) is None  # no longer exactly what the program wrote
    before, listing = digests(out, coach), list_all(box.work)
    proc = box.run(*args)
    failed(proc, "finns redan", "har ändrats sedan dess", "skrivs inte över",
           f"{out.stem} (2){out.suffix}")  # fmt: skip
    assert_unchanged(before)
    assert list_all(box.work) == listing
    if command == "report":
        from docx import Document

        assert typed in [p.text for p in Document(out).paragraphs]
    shutil.rmtree(box.tmp.parent / "writer", ignore_errors=True)
    for leftover in box.tmp.parent.glob("med_stycke.docx"):
        leftover.unlink()


def test_a_byte_copy_of_an_output_is_still_the_programs_and_any_change_is_not(tmp_path):
    """The seal, part by part: a copy is the same file; a changed part, an added part, a part
    removed or a new seal pasted in from another output is not."""
    from halsocenter.jobs import write_summary

    out, _ = write_summary(EXAMPLE, tmp_path / "kopia.xlsx")
    copy = tmp_path / "kopia2.xlsx"
    shutil.copy(out, copy)
    assert ownership.owner_kind(copy) == atomic.KIND_SUMMARY
    with zipfile.ZipFile(out) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    other, _ = write_summary(EXAMPLES / "Eksjö_2024.xlsx", tmp_path / "annan.xlsx")
    with zipfile.ZipFile(other) as zf:
        foreign_seal = zf.read(ownership.SEAL_PART)
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    for change in (
        {sheet: parts[sheet].replace(b"</sheetData>", b'<row r="9999"><c r="A9999" '
                                     b't="inlineStr"><is><t>x</t></is></c></row></sheetData>')},
        {"xl/extra.xml": b"<x/>"},
        {ownership.SEAL_PART: foreign_seal},
        {"docProps/core.xml": parts["docProps/core.xml"].replace(
            b"</cp:coreProperties>", b"<dc:title>Anna</dc:title></cp:coreProperties>")},
    ):  # fmt: skip
        changed = {**parts, **change}
        assert changed != parts
        target = tmp_path / "andrad.xlsx"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in changed.items():
                zf.writestr(name, data)
        assert ownership.owner_kind(target) is None, list(change)
    assert ownership.owner_kind(tmp_path / "finns_inte.xlsx") is None
    (tmp_path / "trasig.xlsx").write_bytes(b"PK\x03\x04 inte en zip")
    assert ownership.owner_kind(tmp_path / "trasig.xlsx") is None


# --------------------------------------------------------------------------- 3. upgrade keeps notes


@pytest.mark.slow
def test_upgrade_keeps_every_note_and_says_what_moved(box):
    from openpyxl.comments import Comment

    from test_upgrade import FIXTURE

    src = box.work / "pilot.xlsx"
    wb = openpyxl.load_workbook(FIXTURE)
    notes = {("Start", "D10"): "Fråga om startdatum", ("Start", "A12"): "Gäller hela året",
             ("Listor", "AZ1"): "Rensa listan i januari",
             ("Remisser", "A2"): "Första remissen från VC"}  # fmt: skip
    for (sheet, cell), text in notes.items():
        wb[sheet][cell].comment = Comment(text, "Pilotcoach")
    wb["Anteckningar"]["A1"].hyperlink = "https://foreningar.example.se/friskis"
    wb["Start"]["E15"] = "Min egen påminnelse"  # typed on Start: kept as well
    wb["Start"]["A13"] = "Ring VC"  # where the new Start has its own text: listed
    wb.save(src)
    before = digests(src)
    proc = box.run("upgrade", src, "-o", "ny.xlsx")
    assert proc.returncode == 0, proc.stderr
    said = " ".join(proc.stdout.split())
    assert "Följde med till sina celler" in said and C.MOVED_CELLS_SHEET in said
    assert "Start!A12 (anteckning)" in said
    out = openpyxl.load_workbook(box.work / "ny.xlsx")
    found = {c.comment.text for ws in out.worksheets for row in ws.iter_rows() for c in row
             if c.comment}  # fmt: skip
    moved = [r for r in out[C.MOVED_CELLS_SHEET].iter_rows(min_row=2, values_only=True)]
    found |= {r[3].split(": ", 1)[1] for r in moved if r[3]}
    assert set(notes.values()) <= found
    assert out["Remisser"]["A2"].comment.text == "Första remissen från VC"  # followed its row
    assert out["Start"]["D10"].comment.text == "Fråga om startdatum"
    assert ("Start", "A12", None, "Pilotcoach: Gäller hela året", None) in moved
    assert ("Start", "A13", "Ring VC", None, None) in moved
    assert out["Start"]["E15"].value == "Min egen påminnelse"
    link = out["Anteckningar"]["A1"].hyperlink
    assert link is not None and link.target == "https://foreningar.example.se/friskis"
    assert_unchanged(before)


# --------------------------------------------------------------------------- 4. Kommun as a path


PATH_KOMMUNER = ("../../x", "..\\..\\x", "/tmp/halsocenter-utanfor/x", "C:\\Users\\x")


def _with_kommun(src: Path, dst: Path, kommun: str, year: int | None = None) -> Path:
    wb = openpyxl.load_workbook(src)
    wb[C.START_SHEET]["B4"] = kommun
    if year is not None:
        wb[C.START_SHEET]["B5"] = year
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return dst


@pytest.mark.slow
@pytest.mark.parametrize("kommun", PATH_KOMMUNER)
def test_a_kommun_that_is_a_path_never_becomes_one(tmp_path, monkeypatch, kommun):
    from halsocenter.live import desktop as excel
    from halsocenter.live import lite

    data = tmp_path / "a" / "b" / "data"
    src = _with_kommun(EXAMPLE, data / "Vaggeryd_2023.xlsx", kommun)
    before, everything = digests(src), list_all(tmp_path)
    actions = press(excel.nytt_verksamhetsar, src)
    message, mode = alert_of(actions)
    assert mode == "critical" and "kan inte bli en del av ett filnamn" in message
    assert "oväntat" not in message and "Något gick fel" not in message
    lite_dir = tmp_path / "lite"
    lite_dir.mkdir()
    monkeypatch.setenv(lite.DATA_DIR_ENV, str(lite_dir))
    from test_lite import run_script
    from xlwings_payload import book_payload

    actions = run_script("knapp5_nytt_verksamhetsar", book_payload(src))
    (lite_message, *_), = [a["args"] for a in actions if a["func"] == "alert"]
    assert "kan inte bli en del av ett filnamn" in lite_message
    assert list(lite_dir.iterdir()) == []
    assert not Path("/tmp/halsocenter-utanfor").exists()
    assert_unchanged(before)
    assert list_all(tmp_path) == sorted([*everything, "lite"])


@pytest.mark.slow
@pytest.mark.parametrize("kommun", PATH_KOMMUNER[:3])
def test_export_and_the_default_summary_name_refuse_a_kommun_that_is_a_path(box, kommun):
    src = _with_kommun(EXAMPLE, box.work / "arbetsbok.xlsx", kommun)
    (box.work / "ut").mkdir()
    before, listing = digests(src), list_all(box.work)
    # no kommun of the list, so the export stops there; the summary's name refuses the path
    failed(box.run("export", src, "-o", "ut"), "finns inte i listan över kommuner")
    failed(box.run("summary", src), "kan inte bli en del av ett filnamn")
    assert_unchanged(before)
    assert list_all(box.work) == listing
    assert not Path("/tmp/halsocenter-utanfor").exists()


@pytest.mark.slow
def test_output_names_never_copy_the_input_file_name(box):
    """Issue 21's case: a workbook saved under a person's name and personnummer."""
    src = box.work / "Anna Andersson 811218-9876.xlsx"
    shutil.copy(EXAMPLE, src)
    assert box.run("summary", src).returncode == 0
    assert box.run("export", src, "-o", "ut").returncode == 0
    from halsocenter.live import desktop as excel

    press(excel.rapport, src)
    press(excel.nytt_verksamhetsar, src)
    names = sorted(set(list_all(box.work)) - {src.name})
    assert names == ["Vaggeryd_2023_sammanstallning.xlsx", "Vaggeryd_2023_verksamhetsberattelse.docx",
                     "Vaggeryd_2024.xlsx", "ut", "ut/Halsocenter_Vaggeryd_2023.xlsx"]  # fmt: skip
    assert not [n for n in names if "811218" in n or "Anna" in n]


def test_file_name_rules():
    from halsocenter.core.filenames import UnsafeName, file_name

    assert file_name("Halsocenter_{kommun}_{ar}", ".xlsx", kommun="Upplands Väsby", ar=2024) \
        == "Halsocenter_Upplands_Väsby_2024.xlsx"  # fmt: skip
    assert file_name("{kommun}_{ar}", ".xlsx", kommun="Malung-Sälen", ar=2025) == \
        "Malung-Sälen_2025.xlsx"  # fmt: skip
    assert file_name("{kommun}_{ar}", ".xlsx", kommun="Vaggeryd*?<>|", ar=2025) == \
        "Vaggeryd_2025.xlsx"  # fmt: skip
    for bad in ("..", "../x", "x/..", "a\\b", "C:x", "x\ny", "x\x00y", "NUL", "com1", "   ",
                "***", "K" * 300, "\u202e"):  # fmt: skip
        with pytest.raises(UnsafeName) as err:
            file_name("Halsocenter_{kommun}_{ar}", ".xlsx", kommun=bad, ar=2024)
        assert "Kommunen" in err.value.message and "filnamn" in err.value.message
    for year in (20245, -1, 1999, True, "2024"):
        with pytest.raises(UnsafeName):
            file_name("{kommun}_{ar}", ".xlsx", kommun="Habo", ar=year)


# --------------------------------------------------------------------------- 5. 1904 dates


@pytest.mark.slow
def test_a_1904_workbook_reads_right_and_keeps_its_epoch(box):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from halsocenter.core.stats import compute
    from halsocenter.xlsx.read import read_workbook

    src = box.work / "mac.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    wb.epoch = CALENDAR_MAC_1904
    wb.save(src)
    with zipfile.ZipFile(src) as zf:
        assert b'date1904="1"' in zf.read("xl/workbook.xml")
    ordinary = read_workbook(EXAMPLE)
    mac = read_workbook(src)
    assert mac.tables["remisser"].df["inkom"].equals(ordinary.tables["remisser"].df["inkom"])
    assert compute(mac).figures == compute(ordinary).figures
    before = digests(src)
    for args in (("summary", src, "-o", "kopia.xlsx"), ("rollover", src, "-o", "nasta.xlsx"),
                 ("export", src, "-o", "ut")):  # fmt: skip
        proc = box.run(*args)
        assert proc.returncode == 0, proc.stderr
    assert_unchanged(before)
    copy = box.work / "kopia.xlsx"
    with zipfile.ZipFile(copy) as zf:
        assert b'date1904="1"' in zf.read("xl/workbook.xml")  # the copy keeps the epoch
    rows = pc.CalamineWorkbook.from_path(str(copy)).get_sheet_by_name(C.DATA_SHEET).to_python()
    created = [r[r.index("Skapad") + 1] for r in rows if "Skapad" in r]
    assert created and created[0].year == date.today().year  # not four years late
    remisser = pc.CalamineWorkbook.from_path(str(copy)).get_sheet_by_name(
        C.REMISSER.sheet).to_python()  # fmt: skip
    original = pc.CalamineWorkbook.from_path(str(EXAMPLE)).get_sheet_by_name(
        C.REMISSER.sheet).to_python()  # fmt: skip
    assert remisser == original
    nxt = read_workbook(box.work / "nasta.xlsx")
    assert nxt.year == 2024 and nxt.settings["hc_startdatum"] == ordinary.settings["hc_startdatum"]
    assert read_workbook(copy).tables["remisser"].df["inkom"].equals(
        ordinary.tables["remisser"].df["inkom"])  # fmt: skip


# --------------------------------------------------------------------------- 6. other inputs


@pytest.mark.slow
def test_a_latin1_file_name_is_read(box):
    name = os.fsencode(box.work) + b"/V\xe4rnamo_2024.xlsx"
    shutil.copy(EXAMPLE, name)
    src = Path(os.fsdecode(name))
    before = digests(src)
    proc = box.run("check", src)
    assert proc.returncode == 0 and "Inga fel hittades" in proc.stdout, proc.stderr
    assert box.run("summary", src).returncode == 0
    assert box.run("export", src, "-o", "ut").returncode == 0
    assert_unchanged(before)
    assert "Vaggeryd_2023_sammanstallning.xlsx" in list_all(box.work)


@pytest.mark.slow
def test_a_closed_stdout_ends_quietly_after_the_file_is_written(box):
    src = box.work / "Vaggeryd_2023.xlsx"
    shutil.copy(EXAMPLE, src)
    for args, made in ((("summary", src, "-o", "kopia.xlsx"), "kopia.xlsx"),
                       (("check", src), None)):  # fmt: skip
        proc = subprocess.run(box.command(*args), cwd=box.work, env=box.env, text=True,
                              stderr=subprocess.PIPE, timeout=300,
                              preexec_fn=lambda: os.close(1))  # the shell's `>&-`
        assert "Traceback" not in proc.stderr and proc.stderr == "", proc.stderr
        assert proc.returncode == 0
        if made:
            assert (box.work / made).exists()


@pytest.mark.slow
@pytest.mark.parametrize("year", [20245, -1])
def test_a_year_that_is_no_year_ends_in_a_swedish_message(box, year):
    src = _with_kommun(EXAMPLE, box.work / "arbetsbok.xlsx", "Vaggeryd", year)
    before = digests(src)
    for command, out in (("report", "r.docx"), ("export", "ut"), ("rollover", "nasta.xlsx")):
        failed(box.run(command, src, "-o", out), f"Verksamhetsåret ”{year}”",
               f"mellan {C.MIN_YEAR} och {C.MAX_YEAR}")  # fmt: skip
        assert not (box.work / out).exists()
    proc = box.run("summary", src, "-o", "kopia.xlsx")  # written, and the error listed
    assert proc.returncode == 0 and "1 fel" in proc.stdout, proc.stderr
    rows = pc.CalamineWorkbook.from_path(str(box.work / "kopia.xlsx")).get_sheet_by_name(
        C.CHECK_SHEET).to_python()  # fmt: skip
    assert any("setting_invalid" in r for r in rows)
    assert_unchanged(before)


@pytest.mark.slow
def test_a_300_character_kommun(box):
    kommun = "K" * 300
    src = _with_kommun(EXAMPLE, box.work / "arbetsbok.xlsx", kommun)
    before = digests(src)
    failed(box.run("export", src, "-o", "ut"), "finns inte i listan över kommuner")
    assert not (box.work / "ut").exists()
    proc = box.run("report", src, "-o", "r.docx")  # written, preliminary: the kommun is wrong
    assert proc.returncode == 1 and "preliminär" in proc.stdout.lower(), proc.stdout
    from docx import Document

    assert len(Document(box.work / "r.docx").core_properties.subject) <= 255
    assert_unchanged(before)


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["cp850", "cp1252"])
def test_a_windows_console_shows_every_message(box, encoding):
    src = box.work / "arbetsbok.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    wb[C.REMISSER.sheet]["K5"] = "<30"  # the message lists ≥120 min
    wb.save(src)
    proc = subprocess.run(box.command("check", src, "--alla"), cwd=box.work, capture_output=True,
                          env={**box.env, "PYTHONIOENCODING": encoding}, timeout=300)  # fmt: skip
    assert proc.returncode == 1
    text = proc.stdout.decode(encoding)
    assert ">=120 min" in text and "Träning" in text and "Traceback" not in text
    assert proc.stderr == b""


def test_a_strict_open_xml_workbook_gets_the_right_advice(box):
    src = box.work / "strikt.xlsx"
    with zipfile.ZipFile(EXAMPLE) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith((".xml", ".rels")):
                data = data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                    b"http://purl.oclc.org/ooxml/spreadsheetml/main").replace(
                    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                    b"http://purl.oclc.org/ooxml/officeDocument/relationships")  # fmt: skip
            zout.writestr(info, data)
    before = digests(src)
    for command in ("check", "summary"):
        proc = box.run(command, src)
        failed(proc, "Strict Open XML", "spara den som vanlig Excel-arbetsbok")
        assert "skapa en ny" not in proc.stderr.casefold()
    assert_unchanged(before)


@pytest.mark.slow
def test_new_workbook_only_makes_a_year_its_own_check_accepts(box):
    failed(box.run("new-workbook", "gammal.xlsx", "--kommun", "Habo", "--ar", 2014),
           f"mellan {C.MIN_YEAR} och {C.MAX_YEAR}")  # fmt: skip
    assert not (box.work / "gammal.xlsx").exists()
    assert box.run("new-workbook", "ny.xlsx", "--kommun", "Habo", "--ar", C.MIN_YEAR).returncode == 0
    proc = box.run("check", "ny.xlsx", "--json")
    codes = {f["code"] for f in json.loads(proc.stdout)["findings"]}
    assert "setting_invalid" not in codes and proc.returncode == 0


# --------------------------------------------------------------------------- 7. the region


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    from halsocenter.region.export import export
    from halsocenter.xlsx.read import read_workbook

    folder = tmp_path_factory.mktemp("exporter")
    out = {}
    for kommun in ("Eksjö", "Gislaved", "Vaggeryd"):
        out[kommun] = export(read_workbook(EXAMPLES / f"{kommun}_2024.xlsx"), folder,
                             mask_below=5)  # fmt: skip
    return out


def _region(box, folder: Path) -> tuple[subprocess.CompletedProcess, dict]:
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not
              p.is_symlink()}  # fmt: skip
    proc = box.run("region", folder, "-o", "lan.xlsx", "--json")
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not
            p.is_symlink()} == before  # fmt: skip
    return proc, json.loads(proc.stdout)


@pytest.mark.slow
def test_an_export_without_its_maskerad_column_is_not_used(box, exports):
    folder = box.work / "in"
    folder.mkdir()
    for path in exports.values():
        shutil.copy(path, folder / path.name)
    target = folder / exports["Gislaved"].name
    wb = openpyxl.load_workbook(target)
    ws = wb[C.DATA_SHEET]
    masked = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 6).value]
    assert masked, "the example export must mask something"
    for name in list(ws.tables):
        del ws.tables[name]
    ws.delete_cols(6)
    wb.save(target)
    proc, result = _region(box, folder)
    assert proc.returncode == 1
    [unused] = result["unreadable"]
    assert unused["file"] == target.name and "saknar kolumnen Maskerad" in unused["reason"]
    assert "Gislaved" not in [r["kommun"] for r in result["reported"]]
    county = openpyxl.load_workbook(box.work / "lan.xlsx")[C.DATA_SHEET]
    kommuner = {row[0] for row in county.iter_rows(min_row=2, values_only=True)}
    assert "Gislaved" not in kommuner


@pytest.mark.slow
@pytest.mark.parametrize("value", [99, "3", None])
def test_an_unknown_export_format_is_not_used(box, exports, value):
    folder = box.work / "in"
    folder.mkdir()
    target = shutil.copy(exports["Eksjö"], folder / exports["Eksjö"].name)
    wb = openpyxl.load_workbook(target)
    for row in wb["Info"].iter_rows():
        if row[0].value == "Exportformat":
            row[1].value = value
    wb.save(target)
    proc, result = _region(box, folder)
    assert proc.returncode == 1
    [unused] = result["unreadable"]
    assert "Exportformat" in unused["reason"] and "programmet läser exportformat 1 och 2" in unused[
        "reason"]  # fmt: skip
    assert result["reported"] == []


@pytest.mark.slow
def test_every_entry_not_used_is_listed_with_its_reason(box, exports):
    folder = box.work / "in"
    folder.mkdir()
    shutil.copy(exports["Vaggeryd"], folder / exports["Vaggeryd"].name)
    (folder / "slinga.xlsx").symlink_to("slinga.xlsx")
    (folder / "borta.xlsx").symlink_to("finns_inte.xlsx")
    (folder / "gammal.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (folder / "läsmig.txt").write_text("hej")
    (folder / "undermapp").mkdir()
    proc, result = _region(box, folder)
    assert proc.returncode == 1
    unused = {u["file"]: f"{u['reason']} {u['detail']}" for u in result["unreadable"]}
    assert "slinga" in unused["slinga.xlsx"] and "inte finns" in unused["borta.xlsx"]
    assert ".xls" in unused["gammal.xls"]
    skipped = {s["file"] for s in result["skipped"]}
    assert skipped == {"läsmig.txt", "undermapp"}
    numbers = {e["number"] for e in (*result["unreadable"], *result["skipped"])}
    rows = pc.CalamineWorkbook.from_path(str(box.work / "lan.xlsx")).get_sheet_by_name(
        "Inrapportering").to_python()  # fmt: skip
    at = rows[next(i for i, r in enumerate(rows) if r and r[0] == "År")].index("Fil nr")
    listed = {int(r[at]) for r in rows if len(r) > at and isinstance(r[at], (int, float))}
    assert len(numbers) == 5 and numbers <= listed  # each listed, by its number only


# --------------------------------------------------------------------------- 8. hidden places


@pytest.fixture(scope="module")
def hidden(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("dolt")
    return build_hidden(folder / "Eksjo_2024.xlsx")


def _no_leak(path: Path, numbers: dict) -> list[tuple[str, str]]:
    found = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            text = zf.read(name).decode("utf-8", "replace")
            found += [(place, name) for place, n in numbers.items() if leaks(text, n)]
    return found


@pytest.mark.slow
def test_identity_numbers_where_no_one_looks(box, hidden):
    src = box.work / "Eksjo_2024.xlsx"
    shutil.copy(hidden[0], src)
    numbers = hidden[1]
    before = digests(src)

    proc = box.run("check", src, "--json")
    assert proc.returncode == 1
    findings = json.loads(proc.stdout)["findings"]
    ids = [f for f in findings if f["code"] == "personal_id"]
    for place in PLACES:
        mask = f"{numbers[place.name].short[:4]}**-****"
        assert [f for f in ids if place.place in f["message"] and mask in f["message"]], place
    unread = [f["message"] for f in findings if f["code"] == "hidden_unread"]
    assert all(any(u in m for m in unread) for u in UNREAD_PLACES) and len(unread) == 2
    assert not [t for f in findings for t in (f["message"], str(f["value"]))
                for n in numbers.values() if leaks(t, n)]  # fmt: skip

    for command, out, words in (("export", "ut", "Exporten stoppades"),
                                ("report", "r.docx", "Word-rapporten skapades inte")):  # fmt: skip
        proc = box.run(command, src, "-o", out)
        failed(proc, words)
        assert not (box.work / out).exists()
        assert not [n for n in numbers.values() if leaks(proc.stdout + proc.stderr, n)]

    proc = box.run("summary", src, "-o", "kopia.xlsx")
    assert proc.returncode == 0, proc.stderr
    assert "maskerade i kopian" in " ".join(proc.stdout.split())
    copy = box.work / "kopia.xlsx"
    assert _no_leak(copy, numbers) == []
    again = json.loads(box.run("check", copy, "--json").stdout)["findings"]
    assert not [f for f in again if f["code"] == "personal_id"]
    assert_unchanged(before)


@needs_soffice
@pytest.mark.slow
def test_the_masked_copy_opens_and_prints(box, hidden, tmp_path):
    """The copy whose hidden places were rewritten is still a workbook LibreOffice prints, with
    the masked header on its pages."""
    proc = box.run("summary", hidden[0], "-o", "kopia.xlsx")
    assert proc.returncode == 0, proc.stderr
    pdf = lo_convert(box.work / "kopia.xlsx", "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000
    from halsocenter.xlsx.read import read_workbook

    assert read_workbook(box.work / "kopia.xlsx").year == 2024


def test_hidden_texts_of_a_template_workbook_are_none():
    """The template and the examples hide nothing: no hidden text, nothing unread."""
    from halsocenter.xlsx.hidden_texts import hidden_texts
    from halsocenter.xlsx.inputs import open_package

    for path in (EXAMPLE, EXAMPLES / "Eksjö_2024.xlsx"):
        package, layout = open_package(path)
        found = [t for t in hidden_texts(package, layout) if t.kind == "unread"]
        assert found == []


def test_the_template_check_has_no_warning_about_sheets(tmp_path):
    path = template.write_workbook(template.build_workbook(kommun="Habo", year=2025),
                                   tmp_path / "ny.xlsx")  # fmt: skip
    from halsocenter.core.validate import validate
    from halsocenter.xlsx.read import read_workbook

    wb = read_workbook(path)
    assert wb.sheet_claims == []
    assert not [f for f in validate(wb) if f.code in ("generated_sheet_taken", "hidden_unread")]


def test_planted_numbers_are_distinct():
    numbers = planted_numbers()
    assert len({n.ten for n in numbers.values()}) == len(PLACES) == 20
