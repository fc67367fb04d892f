"""The command line as a user meets it: real processes, Swedish messages, exit codes, and never a
traceback or a write when the input is unusable."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from halsocenter.core import contract as C
from halsocenter.xlsx import template

CLI = [sys.executable, "-m", "halsocenter"]


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=300)  # fmt: skip


def assert_no_traceback(proc):
    assert "Traceback" not in proc.stdout + proc.stderr


def test_new_workbook_creates_a_template_for_kommun_and_year(tmp_path):
    out = tmp_path / "Habo_2025.xlsx"
    proc = run("new-workbook", out, "--kommun", "habo", "--ar", 2025)
    assert proc.returncode == 0, proc.stderr
    from halsocenter.xlsx.read import read_workbook

    wb = read_workbook(out)
    assert (wb.kommun, wb.year) == ("Habo", 2025)


def test_new_workbook_refuses_unknown_kommun_and_existing_file(tmp_path):
    proc = run("new-workbook", tmp_path / "x.xlsx", "--kommun", "Göteborg", "--ar", 2025)
    assert proc.returncode == 2 and "Okänd kommun" in proc.stderr
    assert not (tmp_path / "x.xlsx").exists()
    existing = tmp_path / "finns.xlsx"
    existing.write_bytes(b"mitt")
    proc = run("new-workbook", existing, "--kommun", "Habo", "--ar", 2025)
    assert proc.returncode == 2 and "finns redan" in proc.stderr
    assert existing.read_bytes() == b"mitt"
    assert_no_traceback(proc)


@pytest.fixture
def junk(tmp_path) -> dict[str, Path]:
    text = tmp_path / "text.xlsx"
    text.write_text("ingen arbetsbok")
    wb = template.build_workbook(kommun="Eksjö", year=2024)
    good = tmp_path / "good.xlsx"
    wb.save(good)
    trunc = tmp_path / "trunc.xlsx"
    trunc.write_bytes(good.read_bytes()[:2000])
    plain = tmp_path / "plain.xlsx"
    import openpyxl

    openpyxl.Workbook().save(plain)
    secret = tmp_path / "secret.xlsx"
    with good.open("rb") as src, secret.open("wb") as dst:
        OOXMLFile(src).encrypt("hemligt", dst)
    good.unlink()
    return {"text": text, "trunc": trunc, "plain": plain, "missing": tmp_path / "nope.xlsx",
            "password": secret}


@pytest.mark.parametrize("case", ["text", "trunc", "plain", "missing", "password"])
def test_junk_input_gives_swedish_message_exit_2_and_writes_nothing(junk, tmp_path, case):
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run("check", junk[case])
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert any(word in proc.stderr for word in ("arbetsbok", "skadad", "finns inte", "mallen",
                                                "lösenordsskyddad"))
    proc = run("summary", junk[case], "-o", tmp_path / "ut.xlsx")
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_summary_never_writes_over_its_input(tmp_path):
    wb = template.build_workbook(kommun="Eksjö", year=2024)
    path = tmp_path / "bok.xlsx"
    wb.save(path)
    before = path.read_bytes()
    proc = run("summary", path, "-o", path)
    assert proc.returncode == 2 and "samma fil" in proc.stderr
    assert path.read_bytes() == before


def test_text_in_a_date_column_refuses_summary_and_names_the_cell(tmp_path):
    wb = template.build_workbook(kommun="Eksjö", year=2024)
    template.fill_table(wb, C.REMISSER, [{"lopnummer": "2024-001", "inkom": "i våras",
                                          "typ": "FaR", "remittent": "Vårdcentral",
                                          "utfall": "Väntar"}])  # fmt: skip
    path = tmp_path / "bok.xlsx"
    wb.save(path)
    out = tmp_path / "ut.xlsx"
    proc = run("summary", path, "-o", out)
    assert proc.returncode == 2
    assert "Remisser" in proc.stderr and "Inkom" in proc.stderr and "B2" in proc.stdout + proc.stderr
    assert not out.exists()
    check = run("check", path, "--json")
    assert check.returncode == 1
    data = json.loads(check.stdout)
    assert data["counts"]["error"] >= 1
    assert any(f["cell"] == "B2" and f["sheet"] == "Remisser" for f in data["findings"])
    assert set(data["findings"][0]) == {"code", "severity", "sheet", "row", "column", "cell",
                                        "value", "message"}


def test_version_and_swedish_help():
    proc = run("--help")
    assert proc.returncode == 0 and "Kontrollera arbetsboken" in proc.stdout
    assert str(C.TEMPLATE_VERSION) in run("--version").stdout


# --------------------------------------------------------------------------- polish (issue 16)


def test_a_misspelled_option_shows_the_commands_own_usage(tmp_path):
    proc = run("export", tmp_path / "bok.xlsx", "-o", tmp_path, "--maskera-undr", "5")
    assert proc.returncode == 2
    assert "Användning: halsocenter export" in proc.stderr
    assert "okända argument: --maskera-undr 5 (menade du --maskera-under?)" in proc.stderr
    assert "KOMMANDO" not in proc.stderr  # not the top-level usage
    assert_no_traceback(proc)


@pytest.mark.parametrize("content", [(), ("anteckningar.txt", "gammal.xls", ".dold.xlsx")])
def test_region_on_a_folder_without_workbooks_is_an_error(tmp_path, content):
    folder = tmp_path / "inkommet"
    folder.mkdir()
    for name in content:
        (folder / name).write_text("x")
    proc = run("region", folder, "-o", tmp_path / "lan.xlsx")
    assert proc.returncode == 2
    assert "innehåller inga .xlsx-filer" in proc.stderr
    assert not (tmp_path / "lan.xlsx").exists()


def test_export_refusal_tells_a_command_line_user_to_run_check(tmp_path):
    wb = template.build_workbook(kommun="Eksjö", year=2024)
    template.fill_table(wb, C.REMISSER, [{"lopnummer": "2024-001", "inkom": "2024-03-01",
                                          "typ": "FaR", "remittent": "Vårdcentral",
                                          "utfall": "Väntar",
                                          "kommentar": "Ring 19121212-1212"}])  # fmt: skip
    path = template.write_workbook(wb, tmp_path / "bok.xlsx")
    proc = run("export", path, "-o", tmp_path)
    message = " ".join(proc.stderr.split())
    assert proc.returncode == 2 and "Exporten stoppades" in message
    assert f"halsocenter check {path}" in message
    assert "fliken Kontroll" not in message  # a command-line user has no Kontroll sheet
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bok.xlsx"]


def test_upgrade_of_a_current_workbook_says_so_and_writes_nothing(tmp_path):
    path = template.write_template(tmp_path / "bok.xlsx", kommun="Habo", year=2025)
    proc = run("upgrade", path, "-o", tmp_path / "ny.xlsx")
    assert proc.returncode == 0
    assert "följer redan mallversion" in " ".join(proc.stdout.split())
    assert not (tmp_path / "ny.xlsx").exists()


def test_a_renamed_tab_is_read_through_its_table_as_the_readme_says(tmp_path):
    import openpyxl

    path = template.write_template(tmp_path / "bok.xlsx", kommun="Habo", year=2025)
    wb = openpyxl.load_workbook(path)
    wb[C.REMISSER.sheet].title = "Remisser 2025"
    wb.save(path)
    assert run("check", path).returncode == 0
    ws = wb["Remisser 2025"]
    del ws.tables[C.REMISSER.name]  # renamed and no table left: named in the message
    wb.save(path)
    proc = run("check", path)
    assert proc.returncode == 2 and f"Fliken ”{C.REMISSER.sheet}”" in proc.stderr


def test_paths_that_look_like_markup_are_printed_as_they_are(tmp_path):
    """A folder may be called ``[`` with a subfolder ``bold]``: the path holds ``[/bold]``, which
    the console must print, not read as the end of bold text."""
    folder = tmp_path / "[" / "bold]"
    folder.mkdir(parents=True)
    wb = template.write_template(folder / "Vaggeryd_2025.xlsx", kommun="Vaggeryd", year=2025)
    proc = run("summary", str(wb), "-o", str(folder / "ut.xlsx"))
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert "[/bold]/ut.xlsx" in " ".join(proc.stdout.split())
    assert (folder / "ut.xlsx").exists()


# --------------------------------------------------------------------------- in-process

# The tests above start the command line as a person does, in a child process. Those below call
# ``cli.main`` in this process: the same commands, quick, and seen by coverage (issue 20).


@pytest.fixture
def here(monkeypatch, capsys):
    """``here(*args)``: (exit code, what was printed) of ``halsocenter *args`` run in-process,
    on a wide console (one message per line)."""
    from halsocenter import cli

    monkeypatch.setenv("COLUMNS", "1000")
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "_console", None)

    def run_here(*args) -> tuple[int, str]:
        code = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        text = captured.out + captured.err
        assert "Traceback" not in text and "oväntat fel" not in text, text
        return code, " ".join(text.split())

    return run_here


def test_the_report_command_says_what_it_wrote(tmp_path, here):
    from halsocenter.atomic import KIND_REPORT, output_kind

    book = template.write_template(tmp_path / "Habo_2025.xlsx", kommun="Habo", year=2025)
    report = tmp_path / "rapport.docx"
    assert here("report", book, "-o", report) == (0, f"Skrev {report}.")
    assert output_kind(report) == KIND_REPORT


def test_the_other_writing_commands_say_what_they_wrote(tmp_path, here):
    from halsocenter.atomic import KIND_EXPORT, output_kind
    from halsocenter.xlsx.read import read_workbook

    book = tmp_path / "Habo_2025.xlsx"
    assert here("new-workbook", book, "--kommun", "habo", "--ar", 2025) == (
        0, f"Skapade {book} för Habo 2025.")  # fmt: skip
    folder = tmp_path / "till_regionen"  # made when the file is written
    code, text = here("export", book, "-o", folder)
    exported = folder / "Halsocenter_Habo_2025.xlsx"
    assert (code, text) == (0, f"Skrev {exported}.") and output_kind(exported) == KIND_EXPORT
    nxt = tmp_path / "Habo_2026.xlsx"
    assert here("rollover", book, "-o", nxt) == (0, f"Skrev {nxt}.")
    assert read_workbook(nxt).year == 2026
    xlam = tmp_path / "halsocenter.xlam"
    assert here("addin", "build", "-o", xlam) == (0, f"Byggde {xlam}.")
    with zipfile.ZipFile(xlam) as zf:
        assert "xl/vbaProject.bin" in zf.namelist()


def test_upgrade_of_a_pilot_workbook_names_the_template_version(tmp_path, here):
    from halsocenter.xlsx.read import read_workbook
    from test_upgrade import build_v0_workbook

    pilot = tmp_path / "pilot.xlsx"
    build_v0_workbook().save(pilot)
    new = tmp_path / "ny.xlsx"
    assert here("upgrade", pilot, "-o", new) == (
        0, f"Skrev {new} (mallversion {C.TEMPLATE_VERSION}).")  # fmt: skip
    assert read_workbook(new).version == C.TEMPLATE_VERSION


def test_export_to_a_file_or_into_a_missing_folder_is_refused(tmp_path, here):
    book = template.write_template(tmp_path / "Habo_2025.xlsx", kommun="Habo", year=2025)
    a_file = tmp_path / "fil.txt"
    a_file.write_text("x")
    code, text = here("export", book, "-o", a_file)
    assert code == 2 and f"{a_file} är en fil, inte en mapp" in text
    deep = tmp_path / "saknas" / "ut"
    code, text = here("export", book, "-o", deep)
    assert code == 2 and f"Mappen {deep.parent} finns inte, så mappen ut kan inte skapas" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Habo_2025.xlsx", "fil.txt"]


@pytest.mark.parametrize(("error", "said"), [
    (OSError(28, "No space left on device", "/data/x.xlsx"),
     "Disken är full eller filen blev för stor (/data/x.xlsx)"),
    (PermissionError(13, "Permission denied", "/data/x.xlsx"),
     "Filen /data/x.xlsx är låst eller skrivskyddad. Stäng den i Excel"),
    (FileNotFoundError(2, "No such file or directory", "/data/saknas"),
     "Filen eller mappen /data/saknas finns inte."),
    (IsADirectoryError(21, "Is a directory", "/data/mapp"), "/data/mapp är en mapp, inte en fil."),
])  # fmt: skip
def test_an_operating_system_failure_is_told_in_swedish_with_exit_2(tmp_path, here, monkeypatch,
                                                                     error, said):  # fmt: skip
    from halsocenter import cli

    def fails(path):
        raise error

    monkeypatch.setattr(cli, "read_workbook", fails)
    code, text = here("check", tmp_path / "bok.xlsx")
    assert code == 2 and said in text


def test_an_unknown_failure_is_a_bug_report_not_a_traceback(tmp_path, monkeypatch, capsys):
    from halsocenter import cli

    def fails(path):
        raise RuntimeError("trasigt")

    monkeypatch.setattr(cli, "read_workbook", fails)
    monkeypatch.delenv("HALSOCENTER_DEBUG", raising=False)
    assert cli.main(["check", str(tmp_path / "bok.xlsx")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Ett oväntat fel inträffade (RuntimeError: trasigt)" in err and "Traceback" not in err


@pytest.mark.parametrize("how", ["Ctrl+C", "SIGTERM"])
def test_an_interrupted_command_says_so_and_exits_like_a_killed_process(tmp_path, monkeypatch,
                                                                         capsys, how):  # fmt: skip
    """Ctrl+C exits 130; SIGTERM (caught by the command's own handler, which turns it into an
    exception so clean-up runs) exits 128 + 15."""
    import signal

    from halsocenter import cli

    def interrupted(path):
        if how == "Ctrl+C":
            raise KeyboardInterrupt
        assert signal.getsignal(signal.SIGTERM) is cli._terminate  # never kill the test run
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(cli, "read_workbook", interrupted)
    before = signal.getsignal(signal.SIGTERM)
    code = cli.main(["check", str(tmp_path / "bok.xlsx")])
    assert code == (130 if how == "Ctrl+C" else 128 + signal.SIGTERM)
    assert "Avbrutet. Tillfälliga filer är borttagna" in " ".join(capsys.readouterr().err.split())
    assert signal.getsignal(signal.SIGTERM) is before  # the handler is put back
