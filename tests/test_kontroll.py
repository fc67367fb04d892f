"""The Kontroll sheet: one row per group of findings, then each finding with a link, capped per
group; row heights that fit the wrapped text; the rule in Swedish. Checked on files written by
the real writer and the real CLI, read back with openpyxl and rendered by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import lo_convert, needs_soffice
from examples import example_tables
from halsocenter.core import contract as C
from halsocenter.core import messages as M
from halsocenter.core.model import Finding
from halsocenter.core.stats import compute
from halsocenter.core.swedish import number
from halsocenter.core.validate import validate
from halsocenter.sheets import content as S
from halsocenter.sheets import kontroll as K
from halsocenter.sheets import writer as W
from halsocenter.xlsx import textfit as T
from halsocenter.xlsx.read import workbook_data
from ooxml import validate_package
from planted import SHORT, write_planted_workbook
from test_sheets import findings as hand_findings

CLI = [sys.executable, "-m", "halsocenter"]
CARLITO = Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf")
LINE_PT = 15.0  # a line of Calibri 11 in Excel: its default row height


def rows_of(ws, block: K.Block) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows(min_row=block.top,
                                                           max_row=block.bottom,
                                                           max_col=len(K.WIDTHS))]  # fmt: skip


# --------------------------------------------------------------------------- the layout


def test_layout_reads_from_counts_to_groups_to_findings():
    layout = K.kontroll_layout(hand_findings(), ("Start", "Remisser", "Plan", "Närvaro"),
                               kommun="Vaggeryd", year=2023)  # fmt: skip
    assert layout.block("title").rows[0].values == ("Kontroll av arbetsboken – Hälsocenter "
                                                    "Vaggeryd 2023",)  # fmt: skip
    head = [r.values for r in layout.block("head").rows]
    assert head[:3] == [("Fel", 3), ("Varning", 2), ("Information", 1)]
    assert "3 fel" in head[3][0]
    summary = layout.block("summary").rows
    assert summary[1].values == C.KONTROLL_GROUP_COLUMNS and summary[1].kind == "header"
    assert [r.severity for r in summary[2:]] == ["error"] * 3 + ["warning"] * 2 + ["info"]
    listed = layout.block("findings").rows
    assert listed[1].values == C.KONTROLL_FINDING_COLUMNS
    assert len(listed) - 2 == 6
    by_code = {r.values[-1]: r for r in listed[2:]}
    assert by_code["personal_id"].link == "'Remisser'!O12"
    assert by_code["personal_id"].values[7] == M.RULES["personal_id"].name == "Personnummer"
    assert by_code["plan_empty"].link is None  # no cell
    assert by_code["excel_error"].link is None  # the sheet is not in the workbook
    assert by_code["date_order"].values[5] == "2023-01-03"
    assert layout.block("findings").top > layout.block("summary").bottom


def test_layout_without_findings():
    layout = K.kontroll_layout([])
    assert [r.values[1] for r in layout.block("head").rows[:3]] == [0, 0, 0]
    assert layout.block("head").rows[3].values[0].startswith("Inga fel")
    assert [r.kind for r in layout.block("summary").rows] == ["heading", "header"]
    assert layout.filter_ref.endswith(str(layout.block("findings").top + 2))


def test_each_group_is_capped_with_a_count_of_the_rest():
    fs = [Finding("list_value_unknown", "error", "Remisser", r, "Träning start", f"K{r}", "<30",
                  f"rad {r}") for r in range(2, 352)]  # fmt: skip
    fs += [Finding("duplicate_row", "warning", "Uppföljningar", r, "Löpnummer", f"A{r}", None,
                   f"dubblett {r}") for r in range(2, 12)]  # fmt: skip
    layout = K.kontroll_layout(fs, per_group=100)
    listed = layout.block("findings").rows[2:]
    first = K.FIRST_LISTED
    # the first of each kind, a row that points on; then the rest of each kind, each capped
    assert [r.kind for r in listed] == (["finding"] * first + ["later"]) * 2 + ["rest"] + (
        ["finding"] * (100 - first) + ["more"] + ["finding"] * (10 - first))
    assert listed[first].values[6] == K.later_text(350 - first)
    assert listed[2 * first + 2].values[0] == K.TITLE_REST
    rest = listed[2 * first + 3:]
    assert rest[100 - first].values[6] == "… och 250 till av samma slag"
    shown = [r.values[2] for r in listed[:first]] + [r.values[2] for r in rest[:100 - first]]
    assert shown == list(range(2, 102))  # the first 100 of the kind, once each
    assert listed[first].severity == "error" and rest[-1].severity == "warning"
    assert layout.rest_row == layout.block("findings").top + 2 + 2 * first + 2
    assert layout.page_breaks[-1] == layout.rest_row - 1


def test_row_heights_grow_with_the_text():
    short = (None,) * 6 + ("Kort text.",)
    long = (None,) * 6 + ("Ett längre meddelande som inte ryms på en rad " * 6,)
    assert K.row_height(short) is None
    assert K.row_height(long) == T.wrapped_lines(long[6], K.WIDTHS[6]) * T.LINE_PT > 30
    assert T.wrapped_lines("ord " * 40, 20) > T.wrapped_lines("ord " * 40, 60)
    assert T.wrapped_lines("a\nb\nc", 60) == 3
    assert T.wrapped_lines("W" * 50, 10) >= 50 * T.text_px("W") // (10 * T.PX_PER_WIDTH)


# --------------------------------------------------------------------------- the file writer


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> tuple[Path, list[Finding]]:
    """The Vaggeryd 2023 example with mistakes typed into it, and its generated sheets."""
    tables, settings = example_tables("Vaggeryd", 2023)
    for row in tables["remisser"][:30]:
        row["traning_start"] = "<30"
    tables["remisser"][40]["kommentar"] = "Ring 19121212-1212 om ny tid"
    followups = tables["uppfoljningar"]
    for row in followups[:4]:
        row["datum"] = row["datum"].replace(year=2024)
    tables["uppfoljningar"] = followups + [dict(r) for r in followups[10:16]]
    wb = workbook_data(tables, settings)
    findings = validate(wb)
    generated = W.build_generated(compute(wb), findings,
                                  sheet_names_in_input=tuple(t.sheet for t in C.TABLES))
    path = tmp_path_factory.mktemp("kontroll") / "kontroll.xlsx"
    generated.save(path)
    return path, findings


def test_file_writer_places_the_layout(real):
    path, findings = real
    ws = openpyxl.load_workbook(path)[C.CHECK_SHEET]
    layout = K.kontroll_layout(findings, tuple(t.sheet for t in C.TABLES), kommun="Vaggeryd",
                               year=2023)  # fmt: skip
    for name in ("summary", "findings"):
        block = layout.block(name)
        got = rows_of(ws, block)
        want = [list(r.values) + [None] * (len(K.WIDTHS) - len(r.values)) for r in block.rows]
        assert got == want, name
        for r, row in enumerate(block.rows, block.top):
            link = ws.cell(r, K.LINK_COL).hyperlink
            assert (link.location if link else None) == row.link
            if row.severity in S.KONTROLL_FILLS and row.kind != "header":
                assert ws.cell(r, 1).fill.fgColor.rgb.endswith(S.KONTROLL_FILLS[row.severity])
    summary = layout.block("summary")
    top = ws.cell(summary.top + 2, 1).row
    assert ws.cell(top, 3).value == 30 and ws.cell(top, 6).value.startswith("K2:K31")
    assert ws.cell(top, 8).value == "Värdet finns inte i listan"
    assert ws.auto_filter.ref == layout.filter_ref
    assert ws.print_area == f"'{C.CHECK_SHEET}'!$A$1:$H${layout.last_row}"  # Kod is not printed
    assert [ws.column_dimensions[chr(65 + i)].width for i in range(len(K.WIDTHS))] == list(
        K.WIDTHS)
    for row in ws.iter_rows(min_row=summary.top):  # what a person typed stays text
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                assert cell.data_type == "s"



def test_the_row_after_a_capped_group_counts_the_rest_in_italics(tmp_path):
    """In the file, a group of more than ``PER_GROUP`` findings ends with one italic row
    saying how many more of the same kind there are (the filter shows them all on the sheet
    named in the row above)."""
    tables, settings = example_tables("Vaggeryd", 2023)
    for row in tables["remisser"]:
        row["traning_start"] = "<30"
    wb = workbook_data(tables, settings)
    findings = validate(wb)
    many = sum(f.code == "list_value_unknown" for f in findings)
    assert many > K.PER_GROUP
    generated = W.build_generated(compute(wb), findings)
    path = tmp_path / "kontroll.xlsx"
    generated.save(path)
    ws = openpyxl.load_workbook(path)[C.CHECK_SHEET]
    more = [row for row in ws.iter_rows() if str(row[6].value or "").startswith("… och ")
            and str(row[6].value).endswith("av samma slag")]
    assert [row[6].value for row in more] == [
        f"… och {number(many - K.PER_GROUP)} till av samma slag"]
    assert all(cell.font.i for cell in more[0][:K.PRINT_COLS])  # the code column keeps its look


def _wrapped_lines_measured(text: str, width: float) -> int:
    """Lines ``text`` needs in a column, measured with Carlito (the font LibreOffice draws
    Calibri with) -- a measure independent of the writer's own width table."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(CARLITO), 11 * 96 / 72)
    room = width * T.PX_PER_WIDTH - 4
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            px = font.getlength(word)
            if used and used + font.getlength(" ") + px <= room:
                used += font.getlength(" ") + px
            else:
                lines += 1 if used else 0
                used = px
    return lines


@pytest.mark.skipif(not CARLITO.exists(), reason="typsnittet Carlito saknas")
def test_row_heights_fit_the_wrapped_text(real):
    path, findings = real
    ws = openpyxl.load_workbook(path)[C.CHECK_SHEET]
    layout = K.kontroll_layout(findings, kommun="Vaggeryd", year=2023)
    checked = 0
    for name in ("summary", "findings"):
        block = layout.block(name)
        for r in range(block.top + 2, block.bottom + 1):
            needed = max(_wrapped_lines_measured(str(ws.cell(r, c).value or ""),
                                                 K.WIDTHS[c - 1]) for c in K.WRAPPED)  # fmt: skip
            height = ws.row_dimensions[r].height
            if needed == 1:
                continue
            checked += 1
            assert height is not None and height >= needed * LINE_PT, (r, needed, height)
            if name == "summary":  # and not much more than needed
                assert height <= (needed + 1) * LINE_PT, (r, needed, height)
    assert checked > 20


@pytest.mark.slow
def test_summary_command_caps_each_group_in_the_file(tmp_path):
    src = write_planted_workbook(tmp_path / "Vaggeryd_2024.xlsx")
    out = tmp_path / "med_kontroll.xlsx"
    proc = subprocess.run([*CLI, "summary", str(src), "-o", str(out)], capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(out)[C.CHECK_SHEET]
    values = [[c.value for c in row] for row in ws.iter_rows(max_col=len(K.WIDTHS))]
    header_rows = [i for i, r in enumerate(values, 1) if tuple(r) in (C.KONTROLL_GROUP_COLUMNS,
                                                                      C.KONTROLL_FINDING_COLUMNS)]
    assert len(header_rows) == 2
    first_group = values[header_rows[0]]
    assert first_group[:3] == ["Fel", "Remisser", SHORT]
    assert first_group[4] == "K2" and first_group[5] == "K2:K2501"
    assert ws.cell(header_rows[0] + 1, K.LINK_COL).hyperlink.location == "'Remisser'!K2"
    listed = values[header_rows[1]:]
    short = [r for r in listed if r[5] == "<30"]
    assert len(short) == K.PER_GROUP
    after = listed[listed.index(short[-1]) + 1]
    assert after[6] == f"… och {number(SHORT - K.PER_GROUP)} till av samma slag"
    assert len(values) < 2_000  # not one row per finding
    skipped: list[str] = []
    assert [str(p) for p in validate_package(out, skipped)] == [] and not skipped  # Office


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_shows_every_wrapped_message_whole(real, tmp_path):
    """LibreOffice clips what does not fit a row: every word of every summary message must be
    on the printed page."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext saknas")
    path, findings = real
    pdf = lo_convert(path, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    start = text.index(K.TITLE_SUMMARY.split(" – ")[0])
    section = text[start:text.index(K.TITLE_FINDINGS.split(" (")[0], start)]

    def words(t: str) -> list[str]:  # a line may also break after a hyphen
        return t.replace("-", "- ").split()

    shown = set(words(section))
    layout = K.kontroll_layout(findings)
    messages = [r.values[6] for r in layout.block("summary").rows[2:]]
    assert messages
    for message in messages:
        missing = [w for w in words(message) if w not in shown]
        assert not missing, (message, missing)
