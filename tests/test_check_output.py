"""`halsocenter check` on a workbook with thousands of findings, as a real process with its output
piped: one screen by default, everything with --alla and --json, quiet under `head`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from halsocenter.core import contract as C
from halsocenter.core.validate import validate
from halsocenter.xlsx.read import read_workbook
from planted import DUPLICATED, LATE, SHORT, TYPOS, write_planted_workbook

CLI = [sys.executable, "-m", "halsocenter"]
PIPE_SIZE = 4096
"""A pipe as small as Linux allows, so what the command writes cannot all fit in it before the
reader leaves (some machines give pipes a megabyte)."""


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Path, list]:
    path = write_planted_workbook(tmp_path_factory.mktemp("planted") / "Vaggeryd_2024.xlsx")
    return path, validate(read_workbook(path))


def check(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "check", str(path), *args], capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def test_the_planted_mistakes_give_thousands_of_findings(planted):
    _, findings = planted
    codes = Counter(f.code for f in findings)
    assert codes["list_value_unknown"] == SHORT + TYPOS
    assert codes["duplicate_row"] >= DUPLICATED and codes["date_out_of_year"] >= LATE
    assert len(findings) > 2_500


def test_check_prints_one_screen_however_many_findings(planted):
    path, findings = planted
    proc = check(path)
    assert proc.returncode == 1 and proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert len(lines) <= 50
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    assert lines[0] == (f"Kontroll av {path.name}: {errors:,} fel".replace(",", "\u00a0")
                        + f", {warnings} varningar och 0 information.")
    # the systematic mistake comes first, told once, with its cells
    assert lines[1] == ("Fel: Remisser, kolumn Träning start: 2\u00a0500 celler har ”<30” som "
                        "inte finns i listan (K2:K2501)")
    # sixty different wrong values in one column: one line, a few values as examples
    assert lines[2] == ("Fel: Remisser, kolumn Fokus: 60 celler har värden som inte finns i "
                        "listan, t.ex. ”Fysisk aktivitet 1”, ”Fysisk aktivitet 2”, ”Fysisk "
                        "aktivitet 3”\u00a0… (G2502:G2561)")
    assert "--alla" in lines[-1] and "--json" in lines[-1] and C.CHECK_SHEET in lines[-1]
    # errors before warnings
    kinds = [line.split(":")[0] for line in lines[1:] if line.startswith(("Fel:", "Varning:"))]
    assert kinds == sorted(kinds, key=["Fel", "Varning"].index)


def test_long_lines_are_not_wrapped_when_piped(planted):
    path, _ = planted
    lines = check(path).stdout.splitlines()
    long = [line for line in lines if len(line) > 120]
    assert long, "the group lines are longer than a terminal"
    assert all(line.startswith(("Fel: ", "Varning: ", "Se ", "… och ", "Kontroll av "))
               for line in lines)  # no continuation lines


def test_alla_prints_every_finding(planted):
    path, findings = planted
    proc = check(path, "--alla")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    body = lines[1:]
    assert len(body) == len(findings)
    for line, f in zip(body, findings, strict=True):
        assert line == f"{C.SEVERITY_LABELS[f.severity]}: {f.message} ({f.cell})"


def test_json_holds_every_finding_and_adds_the_groups(planted):
    path, findings = planted
    proc = check(path, "--json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert list(data) == ["findings", "counts", "groups"]
    assert data["findings"] == [f.as_dict() for f in findings]
    assert data["counts"] == {"error": sum(f.severity == "error" for f in findings),
                              "warning": sum(f.severity == "warning" for f in findings),
                              "info": 0}  # fmt: skip
    assert sum(g["count"] for g in data["groups"]) == len(findings)
    top = data["groups"][0]
    assert (top["code"], top["value"], top["count"], top["ranges"]) == (
        "list_value_unknown", "<30", SHORT, ["K2:K2501"])


@pytest.mark.parametrize("args", [(), ("--alla",), ("--json",)])
def test_output_piped_to_head_ends_quietly(planted, args):
    """What `halsocenter check … | head -n 3` does: the reader takes three lines and leaves."""
    path, _ = planted
    proc = subprocess.Popen([*CLI, "check", str(path), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, pipesize=PIPE_SIZE)  # fmt: skip
    head = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    code = proc.wait(timeout=300)
    assert all(head)
    assert stderr == "", stderr  # no BrokenPipeError, no "Exception ignored"
    assert code in (0, 1, 141)  # finished before the reader left, or ended as `yes | head` does


def test_head_closing_early_gives_the_sigpipe_exit(planted):
    path, _ = planted
    proc = subprocess.Popen([*CLI, "check", str(path), "--alla"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, pipesize=PIPE_SIZE)  # fmt: skip
    proc.stdout.readline()
    proc.stdout.close()  # long before 2,600 lines are written
    assert proc.wait(timeout=300) == 141
    assert proc.stderr.read() == b""


def test_the_command_ends_at_once_but_lets_a_profiler_write(tmp_path, planted):
    path, _ = planted
    proc = subprocess.run([*CLI, "check", str(path), "--json"], capture_output=True, timeout=300)
    assert proc.returncode == 1 and proc.stdout.endswith(b"}\n")  # flushed before os._exit
    out = tmp_path / "check.prof"
    proc = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "halsocenter",
                           "--version"], capture_output=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0 and out.stat().st_size > 0


def test_more_groups_than_a_screen_end_with_how_many_are_left():
    import io

    from rich.console import Console

    from halsocenter.cli import CHECK_LINES, _print_findings
    from halsocenter.core.model import Finding

    findings = [Finding("required_missing", "warning", "Plan", r, f"Kolumn {i}", f"B{r}", None,
                        f"Plan, rad {r}, kolumn Kolumn {i}: tom")
                for i in range(120) for r in (2, 3)]  # fmt: skip
    buf = io.StringIO()
    _print_findings(findings, "Kontroll", console=Console(file=buf, width=200))
    lines = buf.getvalue().splitlines()
    assert len(lines) <= CHECK_LINES
    shown = [line for line in lines if line.startswith("Varning: Plan, kolumn Kolumn ")]
    assert len(shown) == CHECK_LINES - 4
    left = 120 - len(shown)
    assert f"… och {left} grupper till med {2 * left} kontrollpunkter." in lines
    assert "--alla" in lines[-1]
