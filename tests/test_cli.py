"""The command line as a user meets it: real processes, Swedish messages, exit codes, and never a
traceback or a write when the input is unusable."""

from __future__ import annotations

import json
import subprocess
import sys
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
