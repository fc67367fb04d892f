"""Reading any file in bounded memory and time (issue 14, reading side).

Each test builds a broken or hostile file from a real example workbook (``hostile_files``), runs
the real command in a child process under an address-space limit of 1.5 GB and a timeout, and
asserts what a person would see: the exit code, the Swedish message naming the file (and cell
where there is one), that the input is byte-identical afterwards, that nothing was written
beside it, and that the child's own peak memory stayed under 1 GB. "Ett oväntat fel" (a bug)
must never appear.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import resource
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from conftest import EXAMPLES, ROOT
from halsocenter.core import contract as C
from halsocenter.core.a1 import split_range as split_ref
from halsocenter.core.swedish import number
from halsocenter.xlsx.sheet_scan import GAP_ROWS
from hostile_files import (
    BILLION_LAUGHS,
    EXAMPLE,
    MiB,
    add_shared_strings,
    build,
    dense_sheet,
    lying,
    read_parts,
    repeated,
    set_cells,
    sheet_part,
    whitespace_bomb,
    with_dtd,
    write_zip,
)

ADDRESS_SPACE = 1536 * MiB
"""The child may not map more: a reader that tries to allocate gigabytes fails, visibly."""
PEAK_LIMIT_KB = 1024 * 1024
"""The goal: at most 1 GB resident, measured by the child itself (VmHWM)."""
TIMEOUT = 120
"""Generous for a loaded CI machine; an endless read (a FIFO) would never finish at all."""
PEAK = ROOT / "scripts" / "peak_memory.py"
UNEXPECTED = "oväntat fel"


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak_kb: int
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(*args, cwd: Path | None = None) -> Run:
    """``python -m halsocenter *args`` in a child with the limits above."""
    peak_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"hc_peak_{os.getpid()}_{time.time_ns()}"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("HALSOCENTER_DEBUG", None)
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, str(PEAK), str(peak_file), "-m", "halsocenter",
                               *map(str, args)], capture_output=True, text=True, cwd=cwd,
                              timeout=TIMEOUT, preexec_fn=_limits, env=env)  # fmt: skip
        peak = int(peak_file.read_text() or 0) if peak_file.exists() else 0
    finally:
        peak_file.unlink(missing_ok=True)
    return Run(proc.returncode, proc.stdout, proc.stderr, peak, time.perf_counter() - start)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_refused(result: Run, *words: str, code: int = 2) -> None:
    assert result.code == code, result.text
    assert "Traceback" not in result.text and UNEXPECTED not in result.text, result.text
    for word in words:
        assert word in result.text, (word, result.text)
    assert 0 < result.peak_kb < PEAK_LIMIT_KB, result.peak_kb


def assert_untouched(path: Path, before: str, folder: Path, files: list[str]) -> None:
    assert digest(path) == before
    assert listing(folder) == files


@pytest.fixture
def workdir(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


def every_command(path: Path, folder: Path) -> list[tuple[str, Run]]:
    """The commands that read a workbook, each told to write beside it."""
    return [
        ("check", run("check", path)),
        ("summary", run("summary", path, "-o", folder / "ut.xlsx")),
        ("report", run("report", path, "-o", folder / "ut.docx")),
        ("export", run("export", path, "-o", folder)),
        ("rollover", run("rollover", path, "-o", folder / "nasta.xlsx")),
        ("upgrade", run("upgrade", path, "-o", folder / "ny.xlsx")),
    ]


# --------------------------------------------------------------------------- 1. regular files


@pytest.mark.slow
def test_a_fifo_device_socket_or_folder_is_answered_at_once(workdir):
    fifo = workdir / "pipe.xlsx"
    os.mkfifo(fifo)
    link = workdir / "länk.xlsx"
    link.symlink_to(fifo)
    sock_path = workdir / "sock.xlsx"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    folder = workdir / "mapp.xlsx"
    folder.mkdir()
    try:
        files = listing(workdir)
        for path in (fifo, link, Path("/dev/zero"), sock_path):
            result = run("check", path)
            assert_refused(result, path.name, "ingen vanlig fil")
            assert result.seconds < TIMEOUT / 2
        assert_refused(run("check", folder), "mapp")
        for command, result in every_command(fifo, workdir)[1:]:
            assert_refused(result, "ingen vanlig fil"), command
        assert listing(workdir) == files
    finally:
        sock.close()


@pytest.mark.slow
def test_a_file_over_the_size_limit_is_refused_unread(workdir):
    big = workdir / "jätte.xlsx"
    with big.open("wb") as fh:
        fh.write(EXAMPLE.read_bytes())
        fh.truncate(21 * MiB)  # sparse: the size is real, reading it would be slow
    before, files = digest(big), listing(workdir)
    result = run("check", big)
    assert_refused(result, "jätte.xlsx", "20 MB")
    assert_untouched(big, before, workdir, files)


# --------------------------------------------------------------------------- 2. zip bombs


@pytest.mark.slow
@pytest.mark.parametrize("declared", ["ärlig", "ljuger"])
def test_a_part_inflating_to_gigabytes_of_whitespace_is_refused(workdir, declared):
    parts = read_parts(EXAMPLE)
    remisser = sheet_part(parts, "Remisser")
    bomb = whitespace_bomb(2048 * MiB)
    if declared == "ljuger":
        bomb = lying(bomb, 100_000)
    path = write_zip(workdir / "bomb.xlsx", {**parts, remisser: bomb})
    assert path.stat().st_size < 3 * MiB
    before, files = digest(path), listing(workdir)
    for command, result in every_command(path, workdir):
        expected = "zip-bomb" if declared == "ärlig" else "angivna storlek"
        assert_refused(result, "bomb.xlsx", expected), command
        assert result.seconds < 30, command
    assert_untouched(path, before, workdir, files)


@pytest.mark.slow
def test_a_one_gigabyte_string_in_shared_strings_never_reaches_calamine(workdir):
    parts = read_parts(EXAMPLE)
    add_shared_strings(parts, [])
    head = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
    parts["xl/sharedStrings.xml"] = repeated(head, b"A" * MiB, 1024, b"</t></si></sst>")
    set_cells(parts, "Remisser", {"O2": ("s", 0)})
    path = write_zip(workdir / "sträng.xlsx", parts)
    assert path.stat().st_size < 2 * MiB
    before, files = digest(path), listing(workdir)
    assert_refused(run("check", path), "sträng.xlsx", "zip-bomb")
    assert_refused(run("summary", path, "-o", workdir / "ut.xlsx"), "sträng.xlsx")
    assert_untouched(path, before, workdir, files)


@pytest.mark.slow
def test_one_long_text_referred_to_by_many_cells_is_refused(workdir):
    """Each reference to a shared string becomes its own copy in calamine and in Python: 32,000
    characters in 40,000 cells would be 1.3 billion characters from a 300 kB file."""
    parts = read_parts(EXAMPLE)
    add_shared_strings(parts, ["Lång text. " * 2900])
    set_cells(parts, "Berättelse", {f"C{r}": ("s", 0) for r in range(2, 40_002)})
    path = write_zip(workdir / "kopior.xlsx", parts)
    before, files = digest(path), listing(workdir)
    result = run("check", path)
    assert_refused(result, "kopior.xlsx", "samma långa text i många celler")
    assert_untouched(path, before, workdir, files)


@pytest.mark.slow
def test_too_many_parts_and_too_big_parts_are_refused_before_inflating(workdir):
    parts = read_parts(EXAMPLE)
    many = write_zip(workdir / "delar.xlsx", {**parts, **{f"xl/media/x{i}.bin": b"x"
                                                            for i in range(2100)}})  # fmt: skip
    assert_refused(run("check", many), "delar.xlsx", "2\u00a0000 delar")
    noise = random.Random(14).randbytes(20_000)  # packs about 40 times: no bomb, just big
    big = repeated(b"<x>", (noise * 53)[:MiB], 80, b"</x>")
    assert big.size > 64 * MiB and big.size < 60 * len(big.packed)
    path = write_zip(workdir / "stor.xlsx", {**parts, "xl/worksheets/sheet99.xml": big})
    assert_refused(run("check", path), "stor.xlsx", "64 MB per del")


# --------------------------------------------------------------------------- 3. DTDs


@pytest.mark.slow
@pytest.mark.parametrize("part", ["[Content_Types].xml", "docProps/core.xml", "xl/workbook.xml",
                                  "xl/styles.xml", "Remisser"])
def test_a_dtd_in_any_part_is_refused_and_never_copied(workdir, part):
    parts = read_parts(EXAMPLE)
    name = sheet_part(parts, part) if part == "Remisser" else part
    parts[name] = with_dtd(parts[name])
    path = write_zip(workdir / "dtd.xlsx", parts)
    before, files = digest(path), listing(workdir)
    for command, result in every_command(path, workdir):
        assert_refused(result, "dtd.xlsx", "skadad", "DTD"), command
    assert_untouched(path, before, workdir, files)


@pytest.mark.slow
@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_a_dtd_in_a_wide_encoded_part_nobody_parses_is_refused_too(workdir, codec):
    """Custom XML parts may be UTF-16; a part the program never parses is still copied by
    ``summary``, so its DTD is found whatever the encoding."""
    parts = read_parts(EXAMPLE)
    parts["customXml/item1.xml"] = ('<?xml version="1.0"?>' + BILLION_LAUGHS + "<a>&lol9;</a>"
                                    ).encode(codec)  # fmt: skip
    path = write_zip(workdir / "bred.xlsx", parts)
    before, files = digest(path), listing(workdir)
    assert_refused(run("summary", path, "-o", workdir / "ut.xlsx"), "bred.xlsx", "DTD")
    assert_untouched(path, before, workdir, files)


@pytest.mark.slow
def test_a_zip_with_something_before_or_after_it_is_read_from_the_checked_bytes(workdir, baseline):
    """A zip that is not laid out plainly (data before it, a comment after it) is one that two
    zip readers might take differently; calamine then reads the verified parts, not the file."""
    from halsocenter.xlsx.inputs import Package

    junk = workdir / "skräp.xlsx"
    junk.write_bytes(b"MZ" + bytes(1000) + EXAMPLE.read_bytes())
    comment = workdir / "kommentar.xlsx"
    with zipfile.ZipFile(comment, "w") as out, zipfile.ZipFile(EXAMPLE) as src:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.comment = b"en kommentar efter arkivet"
    for path in (junk, comment):
        assert not Package.open(path).plain
        result, data = check_json(path)
        assert result.code == baseline["code"] and data["counts"] == baseline["counts"], path
    assert Package.open(EXAMPLE).plain


@pytest.mark.slow
def test_xml_not_in_utf8_or_not_well_formed_is_damaged(workdir):
    parts = read_parts(EXAMPLE)
    wb = parts["xl/workbook.xml"]
    utf16 = write_zip(workdir / "utf16.xlsx", {**parts, "xl/workbook.xml": wb.decode().replace(
        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")})  # fmt: skip
    assert_refused(run("check", utf16), "utf16.xlsx", "skadad")
    broken = write_zip(workdir / "trasig.xlsx", {**parts, "xl/workbook.xml": wb[:-40]})
    assert_refused(run("check", broken), "trasig.xlsx", "skadad")


# --------------------------------------------------------------------------- 4. far cells


def check_json(path: Path) -> tuple[Run, dict]:
    result = run("check", path, "--json")
    assert "Traceback" not in result.text and UNEXPECTED not in result.text, result.text
    return result, (json.loads(result.out) if result.out.strip() else {})


@pytest.fixture(scope="module")
def baseline() -> dict:
    """What ``check`` says about the untouched example."""
    result, data = check_json(EXAMPLE)
    assert result.code in (0, 1)
    return {"code": result.code, "counts": data["counts"]}


@pytest.mark.slow
@pytest.mark.parametrize("sheet,ref", [("Listor", "XFD1048576"), ("Berättelse", "AMJ50000"),
                                       ("Remisser", "XFD1048576")])
def test_a_stray_character_far_away_costs_nothing(workdir, baseline, sheet, ref):
    path = build(workdir / "långt.xlsx", cells={sheet: {ref: "x"}})
    before = digest(path)
    result, data = check_json(path)
    assert result.code == baseline["code"] and data["counts"] == baseline["counts"]
    assert result.peak_kb < PEAK_LIMIT_KB
    out = workdir / "ut.xlsx"
    summary = run("summary", path, "-o", out)
    assert summary.code == 0, summary.text
    assert summary.peak_kb < PEAK_LIMIT_KB
    assert digest(path) == before and listing(workdir) == ["långt.xlsx", "ut.xlsx"]
    again, _ = check_json(out)  # the output still holds the far cell: readable just the same
    assert again.code == baseline["code"]


@pytest.mark.slow
def test_an_identity_number_in_a_far_cell_is_still_found(workdir):
    path = build(workdir / "pnr.xlsx", cells={"Listor": {"XFD1048576": "Ring 811218-9876"}})
    result, data = check_json(path)
    assert result.code == 1
    hits = [f for f in data["findings"] if f["code"] == "personal_id"]
    assert [(f["sheet"], f["cell"]) for f in hits] == [("Listor", "XFD1048576")]
    assert "811218-9876" not in result.text
    files = listing(workdir)
    refused = run("export", path, "-o", workdir)
    assert_refused(refused, "personnummer")
    assert listing(workdir) == files


def _referral(row: int, number: str) -> dict[str, object]:
    """A complete referral row in the example's Remisser layout (columns in contract order)."""
    values = {"lopnummer": number, "inkom": 45330, "typ": "FaR", "remittent": "Vårdcentral",
              "kon": "Kvinna", "aldersgrupp": "45–64", "fokus": "Fysisk aktivitet",
              "utfall": "Väntar"}  # fmt: skip
    return {f"{get_column_letter(i + 1)}{row}": values[key]
            for i, key in enumerate(C.REMISSER.keys) if key in values}  # fmt: skip


@pytest.mark.parametrize("bounded", [False, True], ids=["grid", "bounded"])
def test_rows_typed_below_a_table_count_until_a_long_gap(tmp_path, bounded):
    """Rows typed under a table (not inside its range) are the coach's data; a row more than
    GAP_ROWS empty rows further down is a stray cell and is reported, not counted. The same
    whether calamine reads the whole sheet or the bounded reader has to step in."""
    from halsocenter.xlsx.inputs import open_package
    from halsocenter.xlsx.read import read_workbook

    _, layout = open_package(EXAMPLE)
    end = split_ref(layout.tables[C.REMISSER.name.casefold()][1])[3]
    cells = {**_referral(end + 1, "2024-9001"), **_referral(end + 400, "2024-9002"),
             **_referral(end + 400 + GAP_ROWS + 1, "2024-9003")}
    if bounded:
        cells["XFD1048576"] = "x"
    path = build(tmp_path / "under.xlsx", cells={C.REMISSER.sheet: cells})
    wb = read_workbook(path)
    numbers = set(wb.tables["remisser"].df["lopnummer"])
    assert {"2024-9001", "2024-9002"} <= numbers and "2024-9003" not in numbers
    stray = [f for f in wb.problems if f.code == "stray_below_table"]
    assert [(f.sheet, f.cell) for f in stray] == [(C.REMISSER.sheet, f"A{end + 400 + GAP_ROWS + 1}")]
    assert "räknas inte" in stray[0].message and stray[0].severity == "warning"
    if bounded:
        assert any(t.cell == "XFD1048576" for t in wb.texts)


def test_both_bounded_ways_read_a_sheet_alike(tmp_path, monkeypatch):
    """A sheet with a far cell is cut at its cells (``trim``) when every cell tag is written as
    Excel writes it, else parsed cell by cell (``scan``): both give the reader the same."""
    from halsocenter.xlsx import sheet_scan
    from halsocenter.xlsx.read import read_workbook

    path = build(tmp_path / "långt.xlsx", cells={"Remisser": {"XFD1048576": "Ring 811218-9876"}})
    cut = read_workbook(path)
    monkeypatch.setattr(sheet_scan, "trim", lambda *args, **kw: None)
    parsed = read_workbook(path)
    for key, table in cut.tables.items():
        assert table.raw.equals(parsed.tables[key].raw), key
    assert sorted(cut.texts) == sorted(parsed.texts)
    assert any(t.cell == "XFD1048576" for t in cut.texts)


@pytest.mark.slow
def test_the_biggest_workbook_within_the_limits_is_read_under_one_gigabyte(workdir):
    """Text cells are the dearest (each one a string and a text record for the checks): as
    many as the limit allows are read under 1 GB; a few more are refused before reading."""
    from halsocenter.xlsx.sheet_scan import MAX_CELLS

    letters = "DEFGHIJKLMNOPQRSTUVWXY"
    rows = (MAX_CELLS - 20_000) // len(letters)
    for name, extra in (("för_många.xlsx", 40_000 // len(letters) + 1), ("största.xlsx", 0)):
        parts = read_parts(EXAMPLE)
        dense_sheet(parts, "Berättelse", range(200, 200 + rows + extra), letters,
                    '<c r="{ref}" t="str"><v>t{n}</v></c>')
        path = write_zip(workdir / name, parts)
        assert path.stat().st_size < 20 * MiB
        result = run("check", path, "--json")
        if extra:
            assert_refused(result, name, "ifyllda celler")
        else:
            assert result.code in (0, 1), result.text
            assert result.peak_kb < PEAK_LIMIT_KB and UNEXPECTED not in result.text


@pytest.mark.slow
def test_a_table_with_every_cell_wrong_is_answered_in_bounded_memory_and_time(workdir):
    """As many wrong cells as the reader reads, all in Remisser (every date, list value and
    count unreadable or unknown): over a million findings. The first ``FindingList.LIMIT``
    are listed one by one, the rest counted per column; the counts stay exact, the screen
    output one screen, memory under 1 GB and the time within the goal of 30 s (allowing a
    slow CI machine twice that)."""
    from halsocenter.core.model import FindingList
    from halsocenter.xlsx.sheet_scan import MAX_CELLS

    letters = "ABCDEFGHIJKLMNO"  # every Remisser column
    rows = (MAX_CELLS - 40_000) // len(letters)
    parts = read_parts(EXAMPLE)
    dense_sheet(parts, "Remisser", range(400, 400 + rows), letters,
                '<c r="{ref}" t="str"><v>x{n}</v></c>')
    path = write_zip(workdir / "allt_fel.xlsx", parts)
    before = digest(path)
    result, data = check_json(path)
    assert result.code == 1 and result.peak_kb < PEAK_LIMIT_KB, result.peak_kb
    assert result.seconds < 60, result.seconds
    listed = [f for f in data["findings"] if "count" not in f]
    unlisted = [f for f in data["findings"] if "count" in f]
    assert len(listed) <= FindingList.LIMIT and unlisted
    assert data["counts"]["error"] == len([f for f in listed if f["severity"] == "error"]) + sum(
        f["count"] for f in unlisted if f["severity"] == "error")
    assert data["counts"]["error"] > 1_000_000
    assert all("listas inte en och en" in f["message"] for f in unlisted)
    assert len(data["groups"]) <= 20  # one per column and rule, not one per wrong value
    screen = run("check", path)
    assert screen.code == 1 and len(screen.out.splitlines()) <= 55
    assert number(data["counts"]["error"]) in screen.out
    assert digest(path) == before


@pytest.mark.slow
def test_a_sheet_without_cell_references_is_read_cell_by_cell_within_bounds(workdir):
    from halsocenter.xlsx.sheet_scan import MAX_SCAN_CELLS

    letters = "DEFGHIJKLMNOPQRSTUVWXY"
    for name, count in (("utan_ref.xlsx", MAX_SCAN_CELLS - 10_000),
                        ("utan_ref_för_många.xlsx", MAX_SCAN_CELLS + 10_000)):  # fmt: skip
        parts = read_parts(EXAMPLE)
        dense_sheet(parts, "Berättelse", range(200, 200 + count // len(letters)), letters,
                    "<c><v>{n}</v></c>")
        path = write_zip(workdir / name, parts)
        result = run("check", path)
        if count > MAX_SCAN_CELLS:
            assert_refused(result, name, "cellreferens")
        else:
            assert result.code in (0, 1) and result.peak_kb < PEAK_LIMIT_KB, result.text
            assert UNEXPECTED not in result.text


# --------------------------------------------------------------------------- 5. values


def _column(spec: C.Table, key: str) -> str:
    return get_column_letter(spec.keys.index(key) + 1)


@pytest.mark.slow
def test_numbers_out_of_range_give_findings_naming_the_cell(workdir):
    deltagare, timmar = _column(C.AKTIVITETER, "deltagare"), _column(C.AKTIVITETER, "timmar")
    path = build(workdir / "tal.xlsx", cells={C.AKTIVITETER.sheet: {
        f"{deltagare}2": 1e19, f"{timmar}3": ("raw", "<v>INF</v>"),
        f"{timmar}4": ("raw", "<v>-inf</v>"), f"{deltagare}5": ("raw", "<v>NaN</v>")}})
    before, files = digest(path), listing(workdir)
    result, data = check_json(path)
    assert result.code == 1
    bad = {f["cell"]: f for f in data["findings"] if f["code"].startswith("invalid_")}
    assert set(bad) == {f"{deltagare}2", f"{timmar}3", f"{timmar}4"}
    assert bad[f"{deltagare}2"]["sheet"] == C.AKTIVITETER.sheet
    assert "för stort" in bad[f"{deltagare}2"]["message"] and "Deltagare" in bad[
        f"{deltagare}2"]["message"]
    for command, refused in every_command(path, workdir)[1:]:
        if command == "upgrade":  # already the current template: nothing to move, nothing written
            assert refused.code == 0 and "Ingen uppgradering behövs" in refused.text, refused.text
            continue
        assert_refused(refused, f"rad 2, kolumn {C.AKTIVITETER.column('deltagare').header}"
                       ), command  # fmt: skip
    assert_untouched(path, before, workdir, files)


@pytest.mark.slow
def test_control_characters_and_text_over_excels_limit_are_warnings(workdir):
    kommentar = _column(C.REMISSER, "kommentar")
    long_text = "Mycket lång kommentar. " * 2000
    path = build(workdir / "text.xlsx", cells={C.REMISSER.sheet: {
        f"{kommentar}2": ("raw", "<is><t>F\u00f6re_x0001_efter_x005F_x0041_</t></is>", "inlineStr"),
        f"{kommentar}3": "ettFFFEtvå", f"{kommentar}4": long_text}}, raw_text={"FFFE": "\ufffe"})
    result, data = check_json(path)
    assert result.code == 0 or result.code == 1
    warned = {(f["code"], f["cell"]) for f in data["findings"]}
    assert ("text_not_xml", f"{kommentar}2") in warned
    assert ("text_not_xml", f"{kommentar}3") in warned
    assert ("text_too_long", f"{kommentar}4") in warned
    export = run("export", path, "-o", workdir)
    assert export.code == 0, export.text
    written = next(workdir.glob("Halsocenter_*.xlsx"))
    with zipfile.ZipFile(written) as zf:
        assert not any(b"\x01" in zf.read(n) or "\ufffe".encode() in zf.read(n)
                       for n in zf.namelist())  # fmt: skip


# --------------------------------------------------------------------------- 6. the region


@pytest.mark.slow
def test_one_bad_file_among_good_exports_is_listed_and_the_county_is_built(tmp_path):
    from halsocenter.region.export import export
    from halsocenter.xlsx.read import read_workbook

    folder = tmp_path / "kommuner"
    folder.mkdir()
    for example in ("Vaggeryd_2024.xlsx", "Eksjö_2024.xlsx"):
        export(read_workbook(EXAMPLES / example), folder)
    good = sorted(p.name for p in folder.iterdir())
    parts = read_parts(folder / good[0])
    data_part = sheet_part(parts, "Rapportdata")
    write_zip(folder / "Halsocenter_Bomb_2024.xlsx", {**parts, data_part: whitespace_bomb(
        2048 * MiB)})  # fmt: skip
    write_zip(folder / "Halsocenter_Dtd_2024.xlsx", {
        **parts, "docProps/core.xml": with_dtd(parts["docProps/core.xml"])})  # fmt: skip
    far = dict(parts)
    set_cells(far, "Rapportdata", {"XFD1048576": "x"})
    write_zip(folder / "Halsocenter_Langt_2024.xlsx", far)
    os.mkfifo(folder / "Halsocenter_Pipe_2024.xlsx")
    before = {p.name: digest(p) for p in folder.iterdir() if p.is_file()}
    out = tmp_path / "lan.xlsx"
    result = run("region", folder, "-o", out, "--json")
    assert result.code == 1 and out.exists(), result.text  # 1: files that need looking at
    assert UNEXPECTED not in result.text and result.peak_kb < PEAK_LIMIT_KB
    summary = json.loads(result.out)
    assert sorted(r["file"] for r in summary["reported"]) == good
    # the reader's own message (naming the file) for whoever runs the command ...
    reasons = {u["file"]: u["detail"] for u in summary["unreadable"]}
    assert "zip-bomb" in reasons["Halsocenter_Bomb_2024.xlsx"]
    assert "DTD" in reasons["Halsocenter_Dtd_2024.xlsx"]
    assert "långt utanför" in reasons["Halsocenter_Langt_2024.xlsx"]
    assert all(name in reason for name, reason in reasons.items())
    # ... and the county's own words, naming nothing read, for the county workbook
    assert not any(name in u["reason"] for u in summary["unreadable"] for name in reasons)
    numbers = {u["number"] for u in summary["unreadable"]}
    assert {p.name: digest(p) for p in folder.iterdir() if p.is_file()} == before
    from openpyxl import load_workbook

    listed = [row for row in load_workbook(out, read_only=True)["Inrapportering"].iter_rows(
        values_only=True) if row[2] == "Kunde inte läsas"]  # fmt: skip
    assert {row[4] for row in listed} == numbers and len(numbers) == len(reasons)


# --------------------------------------------------------------------------- properties


def _tiny_book(cells: str, shared: list[str] | None = None) -> bytes:
    """A minimal package with one sheet holding ``cells`` (row XML), built in memory."""
    from halsocenter.xlsx.inputs import StoredZip

    parts = {
        "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
        b'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" '
        b'ContentType="application/xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
        f'<Relationship Id="r1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
        f"</Relationships>".encode(),
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
        f'xmlns:r="{RELS}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
        f"</workbook>".encode(),
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
        f'xmlns="{PKG}"><Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/s.xml"/>'
        f"</Relationships>".encode(),
        "xl/worksheets/s.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f"<sheetData>{cells}</sheetData></worksheet>".encode(),
    }
    if shared is not None:
        items = "".join(f'<si><t xml:space="preserve">{t}</t></si>' for t in shared)
        parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns='
                                         f'"{MAIN}">{items}</sst>').encode()  # fmt: skip
    stored = StoredZip(parts)
    return stored.read()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
any_text = st.lists(st.text(st.characters(codec="utf-8"), max_size=5) | st.sampled_from(
    ["_x0001_", "_x005F_", "_x00e5_", "_x1234_", "\r", "\x00", "\x1f", "\ufffe", "\uffff",
     "\ud83d", "_x"]), max_size=8).map("".join)  # fmt: skip
"""Any text a cell may hold, with what Excel must escape: control characters, U+FFFE, a lone
surrogate, and text that looks like an escape itself."""


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@settings(max_examples=200)
@given(text=any_text)
def test_excel_escapes_decode_as_calamine_and_the_bounded_reader_agree(text):
    """Whatever a person typed, written the way Excel writes it, reads back as that text minus
    the characters no file may hold, in the grid (calamine) and the bounded reader alike."""
    import python_calamine as pc

    from halsocenter.xlsx import sheet_scan, xltext

    stored = xltext.escape(text)
    row = (f'<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">{_xml_text(stored)}'
           f'</t></is></c><c r="B1" t="s"><v>0</v></c></row>')  # fmt: skip
    data = _tiny_book(row, shared=[_xml_text(stored)])
    grid = pc.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("S").to_python()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/s.xml")
    sst = sheet_scan.SharedStrings(zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml"))
    scanned = sheet_scan.scan(sheet, sst, lambda positions: []).outside
    expected = "".join(ch for ch in text if xltext.clean(ch)[0] == ch)
    values = [grid[0][0] if grid else "", grid[0][1] if grid else "", *(v for _, _, v in scanned)]
    for value in values:
        if not text:
            continue
        assert value == xltext.unescape(stored)
        assert xltext.clean(value)[0] == expected


def _corrupt(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    buf = bytearray(data)
    for position, value in edits:
        buf[position % len(buf)] = value
    return bytes(buf)


@pytest.mark.slow
@settings(max_examples=80)
@given(edits=st.lists(st.tuples(st.integers(0, 1 << 30), st.integers(0, 255)), min_size=1,
                      max_size=8),
       part=st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                             "Remisser", "Listor", "xl/tables/table1.xml", "zip"]))  # fmt: skip
def test_random_damage_to_a_real_workbook_gives_only_a_workbook_error(tmp_path_factory, edits,
                                                                      part):  # fmt: skip
    """Bytes changed anywhere (in the zip itself, or inside one part that is then packed again)
    make the reader either read the file or say it is unusable — never anything else."""
    from halsocenter.errors import WorkbookError
    from halsocenter.xlsx.read import read_workbook

    folder = tmp_path_factory.mktemp("skadad")
    path = folder / "skadad.xlsx"
    if part == "zip":
        path.write_bytes(_corrupt(EXAMPLE.read_bytes(), edits))
    else:
        parts = read_parts(EXAMPLE)
        name = sheet_part(parts, part) if part in ("Remisser", "Listor") else part
        parts[name] = _corrupt(parts[name], edits)
        write_zip(path, parts)
    try:
        wb = read_workbook(path)
    except WorkbookError as exc:
        assert exc.message and path.name in exc.message
    else:
        assert wb.sheet_names
