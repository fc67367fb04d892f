"""A personnummer hidden anywhere a person can put one in a workbook is found, and nothing that
leaves the hub is written while it is there — tried the way a clumsy or a stubborn user would.

For each hiding place (a text cell in an unusual writing, a number cell, a sheet the template
does not know, a hand-made sheet called Kontroll, a note, a threaded comment, a sheet, table or
defined name, a document property) a real example workbook gets a valid number planted by
openpyxl or by editing the package, and the command line is run on it as a user runs it:

* ``check`` exits 1 with a ``personal_id`` finding naming the place, the number masked;
* ``export`` and ``report`` refuse with a Swedish message naming the place and write nothing;
* ``summary -o`` writes its copy, and its generated sheets show the number masked only (a
  hand-made sheet called Kontroll is the coach's own: the copy is refused until it is renamed);
* the whole number appears in no output, in no writing (digits compared after normalising);
* the input file is byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from halsocenter import cli
from halsocenter.core import contract as C
from halsocenter.core.validate import validate
from halsocenter.xlsx.read import read_workbook
from privacy_builders import PLANTED, Planted, build, leaks, number_for, strings_in


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """rich folds long lines at 80 columns, which could split a number across lines; a wide
    console keeps every message on one line, as a log file would."""
    monkeypatch.setenv("COLUMNS", "1000")
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "_console", None)


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generated_texts(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [str(v) for name in C.GENERATED_SHEETS if name in wb.sheetnames
            for row in wb[name].iter_rows(values_only=True) for v in row if v is not None]  # fmt: skip


def kontroll_rows(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [row for row in wb[C.CHECK_SHEET].iter_rows(values_only=True)]


@pytest.fixture(params=PLANTED, ids=lambda p: p.name)
def planted(request, tmp_path) -> tuple[Planted, Path, object]:
    p: Planted = request.param
    number = number_for(p)
    folder = tmp_path / "in"
    folder.mkdir()
    return p, build(folder / "Eksjo_2024.xlsx", [(p, number)]), number


def assert_place(finding: dict, p: Planted) -> None:
    assert p.place in finding["message"]
    if p.sheet:
        assert (finding["sheet"], finding["cell"]) == (p.sheet, p.cell)


def test_every_command_finds_refuses_and_never_repeats_the_number(planted, tmp_path, capsys):
    p, src, number = planted
    before = digest(src)

    code, out, err = run(capsys, "check", src, "--json")
    assert code == 1, err
    data = json.loads(out)
    found = [f for f in data["findings"] if f["code"] == "personal_id"]
    assert found and all(f["severity"] == "error" for f in found)
    assert any(p.place in f["message"] for f in found), [f["message"] for f in found]
    if p.sheet:
        assert any((f["sheet"], f["cell"]) == (p.sheet, p.cell) for f in found)
    assert not [s for s in strings_in(data) if leaks(s, number)]
    assert any(f"{number.short[:4]}**-****" in f["message"] for f in found)

    code, out, err = run(capsys, "check", src)
    assert code == 1 and "Fel:" in out
    assert not leaks(out, number) and not leaks(err, number)

    export_dir = tmp_path / "export"
    code, out, err = run(capsys, "export", src, "-o", export_dir)
    assert code == cli.EXIT_UNUSABLE
    assert "Exporten stoppades" in err and p.place.split("”")[0] in err
    assert not export_dir.exists() or not list(export_dir.iterdir())
    assert not leaks(out, number) and not leaks(err, number)

    docx = tmp_path / "rapport.docx"
    code, out, err = run(capsys, "report", src, "-o", docx)
    assert code == cli.EXIT_UNUSABLE
    assert "Word-rapporten skapades inte" in err and p.place.split("”")[0] in err
    assert not docx.exists() and not list(tmp_path.glob("*.docx"))
    assert not leaks(out, number) and not leaks(err, number)

    copy = tmp_path / "sammanstallning.xlsx"
    code, out, err = run(capsys, "summary", src, "-o", copy)
    assert not leaks(out, number) and not leaks(err, number)
    if p.sheet and p.sheet.casefold() == C.CHECK_SHEET.casefold():
        # a hand-made sheet called Kontroll is the coach's: never replaced, the copy refused
        assert code == cli.EXIT_UNUSABLE and "byt namn på den" in " ".join(err.split())
        assert not copy.exists()
        assert digest(src) == before
        return
    assert code == 0, err
    rows = kontroll_rows(copy)
    width = len(C.KONTROLL_FINDING_COLUMNS)  # the list of findings, below the summary
    header = next(i for i, r in enumerate(rows) if r[:width] == C.KONTROLL_FINDING_COLUMNS)
    codes = [r[C.KONTROLL_FINDING_COLUMNS.index("Kod")] for r in rows[header + 1:]]
    assert "personal_id" in codes
    assert not [t for t in generated_texts(copy) if leaks(t, number)]

    assert digest(src) == before  # the input is never touched


def test_every_hiding_place_at_once(tmp_path):
    """All the classes planted in one workbook, each with its own number: every one is found
    at its place, and no finding repeats any of them."""
    pairs = [(p, number_for(p)) for p in PLANTED]
    assert len({n.ten for _, n in pairs}) == len(pairs)
    wb = read_workbook(build(tmp_path / "Eksjo_2024.xlsx", pairs))
    findings = [f for f in validate(wb) if f.code == "personal_id"]
    for p, number in pairs:
        mine = [f for f in findings if p.place in f.message
                and f"{number.short[:4]}**-****" in f.message]  # fmt: skip
        assert mine, p.name
        if p.sheet:
            assert (mine[0].sheet, mine[0].cell) == (p.sheet, p.cell)
        shown = [text for f in findings for text in (f.message, str(f.value), str(f.sheet),
                                                      str(f.column))]  # fmt: skip
        assert not [text for text in shown if leaks(text, number)]
    assert len(pairs) == len(PLANTED) >= 20


def test_kontroll_sheet_of_a_previous_run_is_not_taken_for_a_number(tmp_path, capsys):
    """Generated sheets are read too (a hand-made one may carry their names), but the program's
    own Kontroll sheet shows masks only, so a second check finds the same single number."""
    p = PLANTED[0]
    number = number_for(p)
    src = build(tmp_path / "Eksjo_2024.xlsx", [(p, number)])
    copy = tmp_path / "kopia.xlsx"
    assert run(capsys, "summary", src, "-o", copy)[0] == 0
    code, out, _ = run(capsys, "check", copy, "--json")
    found = [f for f in json.loads(out)["findings"] if f["code"] == "personal_id"]
    assert code == 1 and [(f["sheet"], f["cell"]) for f in found] == [("Remisser", "O5")]


def test_a_number_in_a_figure_name_is_masked_on_every_generated_sheet(tmp_path, capsys):
    """An identity number typed as an activity name becomes a Rapportdata dimension and a row of
    Årssammanställning; both show it masked."""
    p = PLANTED[0]
    number = number_for(p)
    src = tmp_path / "Eksjo_2024.xlsx"
    wb = openpyxl.load_workbook(build(src, []))
    ws = wb["Aktiviteter"]
    col = next(c.column for c in ws[1] if c.value == "Aktivitet")
    ws.cell(row=2, column=col, value=f"Grupp {number.short}-{number.serial}")
    wb.save(src)
    copy = tmp_path / "kopia.xlsx"
    assert run(capsys, "summary", src, "-o", copy)[0] == 0
    texts = generated_texts(copy)
    assert any(f"{number.short[:4]}**-****" in t for t in texts)
    assert not [t for t in texts if leaks(t, number)]


def test_live_excel_sees_names_comments_and_properties(tmp_path):
    """The ribbon reads the open book through xlwings: sheet, table and defined names come from
    Excel; notes, threaded comments and properties, which the remote engine cannot read, come
    from the saved file."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    from halsocenter.live.read import read_book
    from xlwings_payload import book_payload

    wanted = [p for p in PLANTED if p.name in (
        "fliknamn", "tabellnamn", "definierat namn", "anteckning (kommentar av gamla slaget)",
        "trådad kommentar", "egenskap Författare", "anpassad egenskap, tal")]  # fmt: skip
    pairs = [(p, number_for(p)) for p in wanted]
    src = build(tmp_path / "Eksjo_2024.xlsx", pairs)
    book = xw.Book(json=book_payload(src, name=str(src)))
    findings = [f for f in validate(read_book(book)) if f.code == "personal_id"]
    for p, number in pairs:
        assert [f for f in findings if p.place in f.message
                and f"{number.short[:4]}**-****" in f.message], p.name  # fmt: skip


def test_package_texts_of_a_damaged_part_add_nothing(tmp_path):
    """A comments part that is not XML is skipped by the guard; the reader still reads."""
    p = next(p for p in PLANTED if p.name.startswith("anteckning"))
    src = build(tmp_path / "Eksjo_2024.xlsx", [(p, number_for(p))])
    with zipfile.ZipFile(src) as zf:
        part = next(n for n in zf.namelist() if re.fullmatch(r"xl/comments/?comment\d*\.xml", n)
                    or re.fullmatch(r"xl/comments\d+\.xml", n))  # fmt: skip
    from privacy_builders import zip_edit

    zip_edit(src, {part: lambda _: b"<not xml"})
    wb = read_workbook(src)
    assert not [t for t in wb.package_texts if t.kind == "comment"]


def test_a_cell_that_looks_like_console_markup_is_printed_as_text(tmp_path, capsys):
    """Findings quote cells; "[/red]" typed in a list column once crashed the check's table."""
    src = build(tmp_path / "Eksjo_2024.xlsx", [])
    wb = openpyxl.load_workbook(src)
    wb["Remisser"]["C5"] = "[/red] [bold]FaR"
    wb.save(src)
    code, out, err = run(capsys, "check", src)
    assert code == 1 and "[/red] [bold]FaR" in out and "oväntat" not in err
