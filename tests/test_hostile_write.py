"""Writing as a hostile or clumsy user meets it: the real command in a subprocess, trying to make
it write over what it reads, over someone else's file, half a file, a file left behind, a cache
in the home folder, or a formula out of text.

Every test runs the CLI with HOME set to an empty folder and TMPDIR to another, and checks the
exit code, the Swedish message, that every input is byte-identical afterwards, that the folders
hold exactly what they should (no temporary or partial file) and that HOME and TMPDIR are empty.

How the hard cases are made: concurrency and interruption run the command through
``hold_write.py`` (it waits, with its finished temporary file beside the target, just before
moving it into place), so six processes really race for one name and a signal lands while a
temporary copy of the coach's data exists. A full disk is a real ENOSPC on
a 64 KB tmpfs mounted in a private mount namespace (root only), and EFBIG through RLIMIT_FSIZE
(everyone). Permission denied is a folder without write permission (for root: with
CAP_DAC_OVERRIDE dropped from the child's bounding set, so the permission bits apply).
"""

from __future__ import annotations

import copy
import ctypes
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLES
from halsocenter import atomic
from halsocenter.core import contract as C
from halsocenter.xlsx import template
from hold_write import HOLD_MESSAGE
from hold_write import SCRIPT as HOLD_WRITE

os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # xlwings' remote engine; tests only

CLI = [sys.executable, "-m", "halsocenter"]
EXAMPLE = EXAMPLES / "Vaggeryd_2023.xlsx"
EXPORT_NAME = "Halsocenter_Vaggeryd_2023.xlsx"

DDE = "=cmd|' /C calc'!A0"
FORMULA_TEXTS = (DDE, "=HYPERLINK(\"http://example.com\",\"klicka\")", "+SUM(1,2)", "-1+2",
                 "@SUM(A1:A2)", "\t=1+1", "\r=2+2")  # fmt: skip
"""Text that a spreadsheet would take for a formula, one per dangerous first character."""
PARSED_TEXTS = tuple(t.strip() for t in FORMULA_TEXTS)
"""The same texts as the reader hands them on (surrounding whitespace removed): what reaches
the export file, the generated sheets and the county workbook."""


# --------------------------------------------------------------------------- the sandbox


class Sandbox:
    """An empty HOME and TMPDIR for the command, a work folder, and the checks every test ends
    with."""

    def __init__(self, root: Path):
        self.home, self.tmp, self.work = root / "home", root / "tmp", root / "work"
        for p in (self.home, self.tmp, self.work):
            p.mkdir()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("XDG_", "HALSOCENTER_")) and k != "MPLCONFIGDIR"}  # fmt: skip
        self.env = {**env, "HOME": str(self.home), "TMPDIR": str(self.tmp)}

    def command(self, *args) -> list[str]:
        return [*CLI, *map(str, args)]

    def run(self, *args, env: dict | None = None, timeout: int = 300,
            **kwargs) -> subprocess.CompletedProcess:  # fmt: skip
        proc = subprocess.run(self.command(*args), capture_output=True, text=True,
                              cwd=kwargs.pop("cwd", self.work), env={**self.env, **(env or {})},
                              timeout=timeout, **kwargs)  # fmt: skip
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        return proc

    def start(self, *args, hold: float) -> subprocess.Popen:
        """Start a command that waits ``hold`` seconds with its finished temporary file."""
        return subprocess.Popen([sys.executable, str(HOLD_WRITE), str(hold), *map(str, args)],
                                cwd=self.work, text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env)  # fmt: skip

    def assert_clean(self) -> None:
        """Nothing in HOME (no caches) and nothing left in TMPDIR."""
        assert list_all(self.home) == []
        assert list_all(self.tmp) == []


def wait_for_hold(proc: subprocess.Popen) -> None:
    """Read the command's stderr until it says its temporary file is finished."""
    for _ in range(50):
        line = proc.stderr.readline()
        if HOLD_MESSAGE in line:
            return
        assert line, "the command ended before it wrote anything"
    raise AssertionError("no hold message")


@pytest.fixture
def box(tmp_path) -> Sandbox:
    sandbox = Sandbox(tmp_path)
    yield sandbox
    sandbox.assert_clean()


def list_all(folder: Path) -> list[str]:
    """Every entry below ``folder`` (hidden ones too), relative, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def digests(*paths: Path) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def assert_unchanged(before: dict[Path, str]) -> None:
    assert digests(*before) == before


def no_temp(names: list[str]) -> bool:
    return not any(atomic.TEMP_TAG in n or n.endswith(".tmp") for n in names)


def failed(proc, *words: str) -> None:
    """Exit code 2 and a Swedish message holding each of ``words``."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    message = " ".join(proc.stderr.split())
    for word in words:
        assert word in message, (word, message)
    assert "oväntat fel" not in message


# --------------------------------------------------------------------------- builders


def plain_text(wb: openpyxl.Workbook) -> openpyxl.Workbook:
    """Store every formula-looking string as a plain string cell (no quote prefix), as a file
    written by another program or with pasted text holds it."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r":
                    cell.data_type = "s"
                    cell.quotePrefix = False
    return wb


def hostile_workbook(path: Path, year: int = 2024) -> Path:
    """A valid coach workbook whose texts (Kontaktperson, plan, comments, an own sheet) all look
    like formulas."""
    t = FORMULA_TEXTS
    wb = template.build_workbook(kommun="Vaggeryd", year=year, startdatum=date(2021, 10, 25),
                                 kontakt=DDE)  # fmt: skip
    template.fill_table(wb, C.REMISSER, [
        {"lopnummer": f"{year}-001", "inkom": date(year, 3, 1), "typ": "FaR",
         "remittent": "Vårdcentral", "kon": "Kvinna", "aldersgrupp": "45–64",
         "fokus": "Fysisk aktivitet", "utfall": C.UTFALL_VANTAR, "kommentar": t[1]},
        {"lopnummer": f"{year}-002", "inkom": date(year, 11, 20), "typ": "FaR",
         "remittent": "Vårdcentral", "kon": "Man", "aldersgrupp": "65–79",
         "fokus": "Matvanor", "utfall": C.UTFALL_VANTAR, "kommentar": t[2]},
    ])  # fmt: skip
    focus = C.LIST_BY_KEY["fokusomrade"].values
    template.fill_table(wb, C.PLAN, [
        {"fokusomrade": focus[i % len(focus)], "aktivitet": text, "status": C.STATUS_PAGAR,
         "uppfoljning": text, "framtidsplan": text}
        for i, text in enumerate(t)])  # fmt: skip
    own = wb.create_sheet("Egna anteckningar")
    for i, text in enumerate(t, start=1):
        own.cell(row=i, column=1, value=text)
    return template.write_workbook(plain_text(wb), path)


def hostile_v0_workbook(path: Path) -> Path:
    """The pilot-layout workbook (template version 0) with formula-looking text typed in it."""
    from test_upgrade import build_v0_workbook

    wb = build_v0_workbook()
    kontakt = next(nc for nc in C.NAMED_CELLS if nc.name == "hc_kontakt")
    wb[C.START_SHEET][kontakt.cell] = DDE
    plan = wb[C.PLAN.sheet]
    plan["B2"], plan["D2"], plan["E2"] = FORMULA_TEXTS[0], FORMULA_TEXTS[2], FORMULA_TEXTS[3]
    wb[C.REMISSER.sheet]["M2"] = FORMULA_TEXTS[4]  # Kommentar
    wb[C.REMISSER.sheet]["N3"] = FORMULA_TEXTS[1]  # the coach's own column
    wb["Anteckningar"]["A4"] = FORMULA_TEXTS[5]
    return template.write_workbook(plain_text(wb), path)


def formula_cells(path: Path) -> list[tuple[str, str, object]]:
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate, c.value) for ws in wb.worksheets
            for row in ws.iter_rows() for c in row if c.data_type == "f"]  # fmt: skip


def string_values(path: Path) -> set[str]:
    wb = openpyxl.load_workbook(path)
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "s" and isinstance(c.value, str)}  # fmt: skip


def assert_text_stays_text(path: Path, texts) -> None:
    """No formula anywhere in ``path``, and every one of ``texts`` is there as a string cell
    with its value unchanged."""
    assert formula_cells(path) == []
    found = string_values(path)
    missing = [t for t in texts if t not in found]
    assert missing == []


@pytest.fixture
def coach(box) -> Path:
    """The Vaggeryd example named like its own export file, in the work folder."""
    path = box.work / EXPORT_NAME
    shutil.copy(EXAMPLE, path)
    return path


# --------------------------------------------------------------------------- never over an input


@pytest.mark.slow
@pytest.mark.parametrize("route", ["same name, same folder", "symlinked workbook",
                                   "symlinked folder", "hard link", "dot-dot"])  # fmt: skip
def test_export_never_writes_over_its_own_input(box, coach, route):
    args = {"same name, same folder": (coach, "-o", "."),
            "dot-dot": (coach, "-o", f"../{box.work.name}/./")}.get(route)
    extra = []
    if route == "symlinked workbook":
        link = box.work / "min_arbetsbok.xlsx"
        link.symlink_to(coach.name)
        extra.append(link)
        args = (link, "-o", ".")
    elif route == "symlinked folder":
        link = box.work.parent / "genvag"
        link.symlink_to(box.work, target_is_directory=True)
        args = (coach, "-o", link)
    elif route == "hard link":  # the input, hard-linked under the export name in another folder
        (box.work / "ut").mkdir()
        os.link(coach, box.work / "ut" / EXPORT_NAME)
        moved = box.work / "Vaggeryd_2023.xlsx"
        os.rename(coach, moved)
        args = (moved, "-o", "ut")
    inputs = [p for p in box.work.rglob("*.xlsx") if not p.is_symlink()]
    before, listing = digests(*inputs), list_all(box.work)
    failed(box.run("export", *args), "samma fil som indata", "skriver aldrig över")
    assert_unchanged(before)
    assert list_all(box.work) == listing


@pytest.mark.slow
@pytest.mark.parametrize("command", ["summary", "report", "rollover", "upgrade"])
@pytest.mark.parametrize("route", ["itself", "dot-dot", "symlink", "hard link"])
def test_no_command_writes_over_its_input(box, coach, command, route):
    if command == "upgrade":  # a workbook that needs upgrading
        coach.unlink()
        coach = hostile_v0_workbook(coach)
    target = {"itself": coach, "dot-dot": box.work / "x" / ".." / coach.name}.get(route)
    if route == "symlink":
        target = box.work / "pekare.xlsx"
        target.symlink_to(coach)
    elif route == "hard link":
        target = box.work / "kopia.xlsx"
        os.link(coach, target)
    before, listing = digests(coach), list_all(box.work)
    failed(box.run(command, coach, "-o", target), "samma fil som indata")
    assert_unchanged(before)
    assert list_all(box.work) == listing


@pytest.mark.slow
@pytest.mark.parametrize("out", ["lan.xlsm", "lan.xlsx", "sub/../lan.xlsx", "undermapp/lan.xlsx",
                                 EXPORT_NAME])  # fmt: skip
def test_region_output_inside_the_folder_it_reads_is_refused(box, out):
    folder = box.work / "inkommet"
    folder.mkdir()
    (folder / "undermapp").mkdir()
    shutil.copy(EXAMPLE, folder / EXPORT_NAME)
    before, listing = digests(folder / EXPORT_NAME), list_all(box.work)
    proc = box.run("region", folder, "-o", folder / out)
    if out == EXPORT_NAME:  # one of the files it reads: said as such
        failed(proc, "samma fil som indata")
    else:
        failed(proc, "ligger i mappen", "som läses in")
    assert_unchanged(before)
    assert list_all(box.work) == listing


@pytest.mark.slow
def test_region_output_hard_linked_to_a_file_it_reads_is_refused(box):
    folder = box.work / "inkommet"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXPORT_NAME)
    os.link(folder / EXPORT_NAME, box.work / "lan.xlsx")
    before = digests(folder / EXPORT_NAME)
    failed(box.run("region", folder, "-o", box.work / "lan.xlsx"), "samma fil som indata")
    assert_unchanged(before)


# --------------------------------------------------------------------------- existing outputs


@pytest.mark.slow
def test_six_simultaneous_rollovers_to_one_name_write_exactly_once(box, coach):
    """All six pass the early check and finish their file; the exclusive link lets one in."""
    before = digests(coach)
    procs = [box.start("rollover", coach, "-o", "nasta.xlsx", hold=3) for _ in range(6)]
    results = [(p.returncode, out, err) for p in procs
               for out, err in [p.communicate(timeout=300)]]  # fmt: skip
    codes = sorted(rc for rc, _, _ in results)
    assert codes == [0, 2, 2, 2, 2, 2], results
    losers = [" ".join(err.split()) for rc, _, err in results if rc == 2]
    assert all("finns redan" in m and "oväntat" not in m for m in losers)
    reached_commit = sum(HOLD_MESSAGE in err for _, _, err in results)
    assert reached_commit >= 2  # the race was real: more than the winner had a finished file
    assert_unchanged(before)
    assert list_all(box.work) == sorted([coach.name, "nasta.xlsx"])
    from halsocenter.xlsx.read import read_workbook

    assert read_workbook(box.work / "nasta.xlsx").year == 2024


@pytest.mark.slow
@pytest.mark.parametrize("command", ["new-workbook", "rollover", "upgrade"])
def test_commands_that_make_a_new_workbook_never_replace_a_file(box, coach, command):
    existing = box.work / "finns.xlsx"
    existing.write_bytes(b"mitt eget")
    args = {"new-workbook": ("new-workbook", existing, "--kommun", "Habo", "--ar", 2025)}.get(
        command, (command, hostile_v0_workbook(box.work / "v0.xlsx") if command == "upgrade"
                  else coach, "-o", existing))  # fmt: skip
    failed(box.run(*args), "finns redan")
    assert existing.read_bytes() == b"mitt eget"
    assert no_temp(list_all(box.work))


def _earlier(box, coach, command) -> tuple[tuple, Path]:
    """Run ``command`` once; returns its arguments and the output it wrote."""
    if command == "export":
        (box.work / "ut").mkdir()
        args, out = ("export", coach, "-o", "ut"), box.work / "ut" / EXPORT_NAME
    elif command == "region":
        (box.work / "in").mkdir()
        shutil.copy(coach, box.work / "in" / EXPORT_NAME)
        args, out = ("region", "in", "-o", "lan.xlsx"), box.work / "lan.xlsx"
    else:
        out = box.work / ("rapport.docx" if command == "report" else "summa.xlsx")
        args = (command, coach, "-o", out.name)
    proc = box.run(*args)
    assert proc.returncode == 0, proc.stderr
    return args, out


@pytest.mark.slow
@pytest.mark.parametrize("command", ["summary", "report", "export", "region"])
def test_an_earlier_output_is_replaced(box, coach, command):
    args, out = _earlier(box, coach, command)
    listing = list_all(box.work)
    first = out.stat().st_ino
    proc = box.run(*args)
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_ino != first  # a new file moved into place
    assert atomic.output_kind(out) == atomic.REPLACE_POLICY[command][0]
    assert list_all(box.work) == listing


@pytest.mark.slow
@pytest.mark.parametrize("command", ["summary", "report", "export", "region"])
def test_a_write_protected_earlier_output_is_refused(box, coach, command):
    args, out = _earlier(box, coach, command)
    out.chmod(0o444)
    before, listing = digests(out, coach), list_all(box.work)
    failed(box.run(*args), "skrivskyddad", out.name)
    assert_unchanged(before)
    assert list_all(box.work) == listing


@pytest.mark.slow
@pytest.mark.parametrize("command", ["summary", "report", "export", "region"])
def test_a_file_the_program_did_not_write_is_never_replaced(box, coach, command):
    """Another coach's workbook (or a Word file someone saved) where the output would go."""
    args, out = _earlier(box, coach, command)
    if command == "report":  # Word records who saved the file last
        with zipfile.ZipFile(out) as src:
            parts = {i.filename: src.read(i.filename) for i in src.infolist()}
        parts["docProps/core.xml"] = parts["docProps/core.xml"].replace(
            b"<cp:lastModifiedBy>halsocenter</cp:lastModifiedBy>",
            b"<cp:lastModifiedBy>Anna Coach</cp:lastModifiedBy>")
        with zipfile.ZipFile(out, "w") as dst:
            for name, data in parts.items():
                dst.writestr(name, data)
    else:
        shutil.copy(EXAMPLE, out)  # a coach's workbook under the output's name
    before, listing = digests(out, coach), list_all(box.work)
    failed(box.run(*args), "finns redan", "skrivs inte över")
    assert_unchanged(before)
    assert list_all(box.work) == listing


# --------------------------------------------------------------------------- the wrong kind of path


@pytest.mark.slow
def test_export_to_a_file_instead_of_a_folder(box, coach):
    other = box.work / "lista.txt"
    other.write_text("inte en mapp")
    before = digests(coach, other)
    failed(box.run("export", coach, "-o", other), "lista.txt är en fil, inte en mapp")
    assert_unchanged(before)
    assert list_all(box.work) == sorted([coach.name, other.name])


@pytest.mark.slow
@pytest.mark.parametrize("command", ["summary", "report", "rollover", "region"])
def test_a_folder_where_a_file_is_expected(box, coach, command):
    (box.work / "mapp.xlsx").mkdir()
    (box.work / "mapp.docx").mkdir()
    (box.work / "in").mkdir()
    shutil.copy(coach, box.work / "in" / "a.xlsx")
    out = "mapp.docx" if command == "report" else "mapp.xlsx"
    source = "in" if command == "region" else coach
    listing = list_all(box.work)
    failed(box.run(command, source, "-o", out), f"{out} är en mapp")
    assert list_all(box.work) == listing


@pytest.mark.slow
@pytest.mark.parametrize("command", ["new-workbook", "summary", "report", "export", "rollover",
                                     "region"])  # fmt: skip
def test_a_missing_folder_is_not_created(box, coach, command):
    (box.work / "in").mkdir()
    shutil.copy(coach, box.work / "in" / "a.xlsx")
    missing = box.work / "saknas" / "djupt"
    out = missing if command == "export" else missing / (
        "r.docx" if command == "report" else "ut.xlsx")
    args = {"new-workbook": ("new-workbook", out, "--kommun", "Habo", "--ar", 2025),
            "region": ("region", "in", "-o", out)}.get(command, (command, coach, "-o", out))
    listing = list_all(box.work)
    failed(box.run(*args), "finns inte")
    assert list_all(box.work) == listing


def _drop_file_permission_override() -> None:
    """In the child: lose CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so root meets the same
    permission bits as a coach does (no effect for an ordinary user)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX-rättigheter")
@pytest.mark.parametrize("command", ["summary", "export", "rollover"])
def test_permission_denied_in_the_output_folder(box, coach, command):
    locked = box.work / "last"
    locked.mkdir()
    out = locked if command == "export" else locked / "ut.xlsx"
    locked.chmod(0o555)
    try:
        proc = subprocess.run(box.command(command, coach, "-o", out), capture_output=True,
                              text=True, cwd=box.work, env=box.env, timeout=300,
                              preexec_fn=_drop_file_permission_override)  # fmt: skip
        assert list_all(locked) == []
    finally:
        locked.chmod(0o755)
    failed(proc, "behörighet", str(locked))


# --------------------------------------------------------------------------- disk full


@pytest.mark.slow
def test_disk_full_on_a_small_tmpfs(box, coach):
    """A real ENOSPC: the output folder is a 64 KB tmpfs in a private mount namespace."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("kräver root och unshare för att montera en liten tmpfs")
    full = box.work / "liten"
    full.mkdir()
    script = ('mount -t tmpfs -o size=64k tmpfs "$1" || exit 97; shift; "$@"; rc=$?; '
              'echo "LISTING:$(ls -A "$OUT")"; exit $rc')
    cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
           str(full), *box.command("summary", coach, "-o", full / "ut.xlsx")]  # fmt: skip
    before = digests(coach)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=box.work,
                          env={**box.env, "OUT": str(full)}, timeout=300)  # fmt: skip
    if proc.returncode == 97:
        pytest.skip("tmpfs kunde inte monteras här")
    failed(proc, "Disken är full", "ut.xlsx", "inget skrevs")
    assert "LISTING:\n" in proc.stdout + "\n"  # nothing at all was left on the full disk
    assert_unchanged(before)


@pytest.mark.slow
def test_file_too_large_for_the_account_limit(box, coach):
    """EFBIG through RLIMIT_FSIZE: the command ignores SIGXFSZ and says what happened."""
    out = box.work / "r.docx"

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (120_000, 120_000))

    before = digests(coach)
    proc = subprocess.run(box.command("report", coach, "-o", out), capture_output=True,
                          text=True, cwd=box.work, env=box.env, timeout=300,
                          preexec_fn=limit)  # fmt: skip
    failed(proc, "r.docx", "större än", "Inget skrevs")
    assert_unchanged(before)
    assert list_all(box.work) == [coach.name]


# --------------------------------------------------------------------------- interruptions


@pytest.mark.slow
@pytest.mark.parametrize(("command", "sig"), [("summary", signal.SIGTERM),
                                              ("summary", signal.SIGINT),
                                              ("export", signal.SIGTERM),
                                              ("report", signal.SIGINT)])  # fmt: skip
def test_an_interrupted_write_leaves_nothing_behind(box, coach, command, sig):
    (box.work / "ut").mkdir()
    out = {"export": "ut", "report": "ut/r.docx"}.get(command, "ut/s.xlsx")
    before = digests(coach)
    proc = box.start(command, coach, "-o", out, hold=120)
    wait_for_hold(proc)  # the temporary copy exists now
    temps = list_all(box.work / "ut")
    assert len(temps) == 1 and temps[0].startswith(atomic.temp_prefix().split("-")[0])
    assert list_all(box.tmp)  # the private scratch folder of the run
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig if sig == signal.SIGTERM else proc.returncode == 130
    assert "Avbrutet" in err and "Traceback" not in err
    assert list_all(box.work / "ut") == []
    assert_unchanged(before)


@pytest.mark.slow
def test_the_next_run_removes_what_a_killed_run_left(box, coach):
    """SIGKILL cannot be caught: the temporary file beside the output and the scratch folder
    (with openpyxl's temporary sheets) stay — until the next run that writes there."""
    (box.work / "ut").mkdir()
    proc = box.start("rollover", coach, "-o", "ut/nasta.xlsx", hold=120)
    wait_for_hold(proc)
    proc.kill()
    proc.wait(timeout=60)
    left = list_all(box.work / "ut")
    assert len(left) == 1 and f"-{proc.pid}-" in left[0]
    assert any(f"-{proc.pid}-" in name for name in list_all(box.tmp))
    # ours but not stale: a live process on this host (this test) and a fresh foreign host
    host = atomic.temp_prefix().split("-")[1]
    alive = box.work / "ut" / f".~{atomic.TEMP_TAG}-{host}-{os.getpid()}-levande.tmp"
    foreign = box.work / "ut" / f".~{atomic.TEMP_TAG}-00000000-1-annan.tmp"
    old = box.work / "ut" / f".~{atomic.TEMP_TAG}-00000000-2-gammal.tmp"
    lookalike = box.work / "ut" / ".~halsocenter-anteckning.tmp"
    for p in (alive, foreign, old, lookalike):
        p.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))

    proc = box.run("new-workbook", "ut/ny.xlsx", "--kommun", "Habo", "--ar", 2025)
    assert proc.returncode == 0, proc.stderr
    assert list_all(box.work / "ut") == sorted([alive.name, foreign.name, lookalike.name,
                                                "ny.xlsx"])  # fmt: skip
    for p in (alive, foreign, lookalike):
        p.unlink()


# --------------------------------------------------------------------------- nothing outside


@pytest.mark.slow
@pytest.mark.parametrize("command", ["check", "summary", "report", "export", "region",
                                     "rollover", "addin", "new-workbook"])  # fmt: skip
def test_home_and_temp_stay_empty(box, coach, command):
    """The sandbox fixture asserts HOME and TMPDIR are empty after each command; matplotlib's
    and fontconfig's caches and openpyxl's temporary sheets go to a private folder."""
    (box.work / "ut").mkdir()
    args = {
        "check": ("check", coach), "export": ("export", coach, "-o", "ut"),
        "region": ("region", "ut", "-o", "lan.xlsx"), "addin": ("addin", "build", "-o", "a.xlam"),
        "new-workbook": ("new-workbook", "ny.xlsx", "--kommun", "Habo", "--ar", 2025),
    }.get(command, (command, coach, "-o", "ut/x.docx" if command == "report" else "ut/x.xlsx"))
    if command == "region":
        shutil.copy(coach, box.work / "ut" / "a.xlsx")
    proc = box.run(*args)
    assert proc.returncode in (0, 1), proc.stderr
    assert no_temp(list_all(box.work))


# --------------------------------------------------------------------------- text stays text


@pytest.mark.slow
def test_formula_text_stays_text_in_summary_export_and_rollover(box):
    src = hostile_workbook(box.work / "Vaggeryd_2024.xlsx")
    before = digests(src)
    (box.work / "ut").mkdir()
    for args in (("summary", src, "-o", "ut/summa.xlsx"), ("export", src, "-o", "ut"),
                 ("rollover", src, "-o", "ut/nasta.xlsx")):  # fmt: skip
        proc = box.run(*args)
        assert proc.returncode == 0, proc.stderr
    assert_unchanged(before)
    # the summary copy: the coach's cells copied as they are, the generated sheets from the data
    assert_text_stays_text(box.work / "ut" / "summa.xlsx", FORMULA_TEXTS + PARSED_TEXTS)
    assert_text_stays_text(box.work / "ut" / "Halsocenter_Vaggeryd_2024.xlsx", PARSED_TEXTS)
    rolled = box.work / "ut" / "nasta.xlsx"
    # carried: Kontaktperson, the open referrals' comments, the plan's activities, own sheet
    assert_text_stays_text(rolled, FORMULA_TEXTS)
    kontakt = openpyxl.load_workbook(rolled)[C.START_SHEET]
    cell = next(c for row in kontakt.iter_rows() for c in row if c.value == DDE)
    assert cell.data_type == "s" and cell.quotePrefix  # and stays text when edited in Excel


@pytest.mark.slow
def test_formula_text_stays_text_in_upgrade(box):
    src = hostile_v0_workbook(box.work / "pilot.xlsx")
    before = digests(src)
    proc = box.run("upgrade", src, "-o", "ny.xlsx")
    assert proc.returncode == 0, proc.stderr
    assert_unchanged(before)
    assert_text_stays_text(box.work / "ny.xlsx", (DDE, *FORMULA_TEXTS[:6]))


@pytest.mark.slow
def test_a_real_formula_without_a_cached_value_is_copied_as_its_text(box):
    """Decided: rows move in the new workbook, so a formula is copied as the value Excel last
    calculated, and one never calculated as its text — it never runs."""
    wb = openpyxl.load_workbook(hostile_v0_workbook(box.work / "pilot.xlsx"))
    wb["Anteckningar"]["C5"] = "=SUM(1,2)"  # a real formula, never calculated
    wb.save(box.work / "pilot.xlsx")
    proc = box.run("upgrade", "pilot.xlsx", "-o", "ny.xlsx")
    assert proc.returncode == 0, proc.stderr
    notes = openpyxl.load_workbook(box.work / "ny.xlsx")["Anteckningar"]
    assert notes["C5"].value == "=SUM(1,2)" and notes["C5"].data_type == "s"


@pytest.mark.slow
def test_formula_text_stays_text_in_the_county_workbook(box):
    src = hostile_workbook(box.work / "Vaggeryd_2024.xlsx")
    (box.work / "in").mkdir()
    assert box.run("export", src, "-o", "in").returncode == 0
    os.rename(box.work / "in" / "Halsocenter_Vaggeryd_2024.xlsx", box.work / "in" / "=2+3.xlsx")
    proc = box.run("region", "in", "-o", "lan.xlsx")
    assert proc.returncode in (0, 1), proc.stderr  # 1: Vaggeryd's figures are worth a look
    county = box.work / "lan.xlsx"
    assert formula_cells(county) == []
    assert not any("=2+3" in t for t in string_values(county))  # no file name is written
    plans = openpyxl.load_workbook(county)["Planer"]
    shown = "\n".join(c.value for row in plans.iter_rows() for c in row
                      if c.data_type == "s" and isinstance(c.value, str))  # fmt: skip
    for text in PARSED_TEXTS:  # the plan is there as text, not an empty formula cell
        assert text in shown, text


def test_formula_text_stays_text_in_the_template(tmp_path):
    path = template.write_workbook(plain_text(template.build_workbook(
        kommun="Habo", year=2025, kontakt=DDE)), tmp_path / "ny.xlsx")
    assert_text_stays_text(path, (DDE,))
    from halsocenter.xlsx.read import read_workbook

    assert read_workbook(path).settings["hc_kontakt"] == DDE


def test_formula_text_stays_text_in_live_excel(tmp_path):
    """The ribbon's writers through xlwings' own remote engine: every formula-looking text
    (the plan on Årssammanställning, findings on Kontroll) is sent with Excel's text prefix."""
    import xlwings as xw

    from halsocenter.live import desktop as excel
    from xlwings_payload import book_payload

    src = hostile_workbook(tmp_path / "Vaggeryd_2024.xlsx")
    payload = book_payload(src)
    sent = []
    for button in (excel.arssammanstallning, excel.kontrollera):
        book = xw.Book(json=copy.deepcopy(payload))
        button(book)
        for action in book.json()["actions"]:
            if action["func"] == "setValues":
                sent += [v for row in action["values"] for v in row if isinstance(v, str)]
    raw = [v for v in sent if v and v[0] in "=+-@\t\r"]
    assert raw == []  # nothing Excel would take for a formula
    for text in PARSED_TEXTS:
        assert "'" + text in sent, text


# --------------------------------------------------------------------------- the ribbon


def press(button, path: Path) -> list[dict]:
    """Press a ribbon button on the saved workbook ``path`` through xlwings' remote engine;
    returns the alerts (message, title, buttons, mode, callback)."""
    import xlwings as xw

    from xlwings_payload import book_payload

    book = xw.Book(json=book_payload(path, name=str(path)))
    button(book)
    return [a["args"] for a in book.json()["actions"] if a["func"] == "alert"]


def test_ribbon_export_never_writes_over_the_workbook_itself(tmp_path):
    from halsocenter.live import desktop as excel

    path = shutil.copy(EXAMPLE, tmp_path / EXPORT_NAME)
    before, listing = digests(path), list_all(tmp_path)
    (message, _, _, mode, _), = press(excel.exportera, path)
    assert mode == "critical" and "samma fil som indata" in message
    assert "Spara arbetsboken under ett annat namn" in message
    assert_unchanged(before)
    assert list_all(tmp_path) == listing


def test_ribbon_export_and_report_never_replace_another_file(tmp_path):
    """Next to the workbook, a colleague's workbook happens to carry the export file's name and
    the Word report has been edited and saved: both stay as they are."""
    from halsocenter.live import desktop as excel

    path = shutil.copy(EXAMPLE, tmp_path / "Vaggeryd_2023.xlsx")
    other = shutil.copy(EXAMPLE, tmp_path / EXPORT_NAME)
    report = tmp_path / "Vaggeryd_2023_verksamhetsberattelse.docx"
    from docx import Document

    edited = Document()
    edited.add_paragraph("Min egen text")
    edited.core_properties.last_modified_by = "Anna Coach"
    edited.save(report)
    before, listing = digests(path, other, report), list_all(tmp_path)
    for button in (excel.exportera, excel.rapport):
        (message, _, _, mode, _), = press(button, path)
        assert mode == "critical" and "finns redan" in message and "skrivs inte över" in message
    assert_unchanged(before)
    assert list_all(tmp_path) == listing


def test_ribbon_export_replaces_its_own_earlier_file(tmp_path):
    from halsocenter.live import desktop as excel

    path = shutil.copy(EXAMPLE, tmp_path / "Vaggeryd_2023.xlsx")
    out = tmp_path / EXPORT_NAME
    for _ in range(2):
        (message, _, _, mode, _), = press(excel.exportera, path)
        assert mode == "info" and str(out) in message
        assert "fliken Kontroll" not in message and "halsocenter check" not in message
    assert atomic.output_kind(out) == atomic.KIND_EXPORT
    assert list_all(tmp_path) == sorted([path.name, out.name])


@pytest.mark.slow
def test_export_makes_its_own_folder_only_when_it_writes(box, coach):
    """The export folder (-o MAPP) is made when the file is written, inside a folder that
    exists; a refused export leaves no empty folder behind."""
    proc = box.run("export", coach, "-o", "till_regionen")
    assert proc.returncode == 0, proc.stderr
    assert list_all(box.work / "till_regionen") == [EXPORT_NAME]
    wb = template.build_workbook(kommun="Habo", year=2024)
    template.fill_table(wb, C.REMISSER, [{"lopnummer": "2024-001", "inkom": date(2024, 3, 1),
                                          "typ": "FaR", "remittent": "Vårdcentral",
                                          "utfall": C.UTFALL_VANTAR,
                                          "kommentar": "Ring 19121212-1212"}])  # fmt: skip
    refused = template.write_workbook(wb, box.work / "habo.xlsx")
    proc = box.run("export", refused, "-o", "nytt")
    failed(proc, "Exporten stoppades", "halsocenter check")
    assert not (box.work / "nytt").exists()
