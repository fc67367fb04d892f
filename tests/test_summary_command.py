"""`halsocenter summary` end to end on the bundled examples: what a person typed is untouched,
the generated sheets are added, and running it again on its own output replaces only them."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import python_calamine as pc

from halsocenter.core import contract as C
from halsocenter.xlsx.read import read_workbook


def sheet_values(path: Path) -> dict[str, list]:
    book = pc.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names}  # fmt: skip


def summary(src: Path, dst: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "halsocenter", "summary", str(src), "-o",
                           str(dst)], capture_output=True, text=True, timeout=300)  # fmt: skip


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def vaggeryd(examples) -> Path:
    return next(p for p in examples if p.name == "Vaggeryd_2023.xlsx")


def test_input_sheets_are_equal_in_value_and_the_input_file_is_untouched(vaggeryd, tmp_path):
    before = digest(vaggeryd)
    out = tmp_path / "ut.xlsx"
    proc = summary(vaggeryd, out)
    assert proc.returncode == 0, proc.stderr
    assert digest(vaggeryd) == before
    original, result = sheet_values(vaggeryd), sheet_values(out)
    assert list(result) == list(original) + list(C.GENERATED_SHEETS)
    for name, rows in original.items():
        assert result[name] == rows, name


def test_input_parts_are_copied_byte_for_byte(vaggeryd, tmp_path):
    out = tmp_path / "ut.xlsx"
    assert summary(vaggeryd, out).returncode == 0
    rewritten = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                 "xl/styles.xml", "docProps/app.xml",
                 "_rels/.rels", "docProps/custom.xml"}  # fmt: skip  (the last two: the seal)
    with zipfile.ZipFile(vaggeryd) as a, zipfile.ZipFile(out) as b:
        names_b = set(b.namelist())
        for name in a.namelist():
            if name in rewritten:
                continue
            assert name in names_b, name
            assert a.read(name) == b.read(name), name


@pytest.mark.slow
def test_summary_of_its_own_output_replaces_only_the_generated_sheets(vaggeryd, tmp_path):
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    assert summary(vaggeryd, first).returncode == 0
    assert summary(first, second).returncode == 0
    a, b = sheet_values(first), sheet_values(second)
    assert list(a) == list(b)
    assert b[C.DATA_SHEET][1:] and [r[:5] for r in a[C.DATA_SHEET]] == [
        r[:5] for r in b[C.DATA_SHEET]]
    for name in a:
        if name not in C.GENERATED_SHEETS:
            assert a[name] == b[name], name
    wb = read_workbook(second)  # still a valid coach workbook
    assert wb.kommun == "Vaggeryd" and wb.year == 2023


def test_rapportdata_in_the_output_holds_the_seed_figures(vaggeryd, tmp_path):
    out = tmp_path / "ut.xlsx"
    assert summary(vaggeryd, out).returncode == 0
    rows = sheet_values(out)[C.DATA_SHEET]
    header = rows[0][:5]
    assert tuple(header) == C.RAPPORTDATA_COLUMNS
    totals = {r[2]: r[4] for r in rows[1:] if r[2] and r[3] in ("", None)}
    assert totals["remisser_far"] == 81
    assert totals["forsta_samtal"] == 89
    assert totals["far_sedan_start"] == 167
    assert totals["forsta_samtal_sedan_start"] == 152
    assert totals["styrgruppsmoten"] == 4
