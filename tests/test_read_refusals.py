"""The reader's refusals, in-process and quick (issue 20, the fast tier).

``test_hostile_read.py`` runs the real command on each hostile file in a child process under a
memory limit and is marked slow. The same files are read here by calling the reader directly,
so ``scripts/test --fast`` still checks what each one is answered with: a ``WorkbookError``
naming the file and saying in Swedish what is wrong, or the file read as if it were plain.
Limits that only a huge file passes (cells, shared text, cells without references) are lowered
for a test, so a small file passes them; the slow tests show the real limits hold in bounded
memory and time.
"""

from __future__ import annotations

import os
import random
import socket
import zipfile
from pathlib import Path

import pytest

from halsocenter.core import contract as C
from halsocenter.core.validate import validate
from halsocenter.errors import WorkbookError
from halsocenter.xlsx import sheet_scan
from halsocenter.xlsx.inputs import MAX_FILE_BYTES, Package, read_regular_file
from halsocenter.xlsx.read import read_workbook
from hostile_files import (
    BILLION_LAUGHS,
    EXAMPLE,
    MiB,
    Raw,
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


def refused(path: Path, *words: str) -> WorkbookError:
    """Reading ``path`` is refused with a message naming the file and holding each of ``words``."""
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    message = caught.value.message
    assert path.name in message, message
    for word in words:
        assert word in message, (word, message)
    return caught.value


@pytest.fixture(scope="module")
def plain_remisser():
    """The Remisser table of the untouched example, as the reader gives it."""
    return read_workbook(EXAMPLE).tables["remisser"].df


# --------------------------------------------------------------------------- the file itself


def test_a_fifo_device_socket_or_folder_is_refused_without_being_opened(tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    link = tmp_path / "länk.xlsx"
    link.symlink_to(fifo)
    sock_path = tmp_path / "sock.xlsx"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    folder = tmp_path / "mapp.xlsx"
    folder.mkdir()
    try:
        for path in (fifo, link, Path("/dev/zero"), sock_path):
            error = refused(path, "ingen vanlig fil", "kan inte läsas som arbetsbok")
            assert error.kind == "not_file"
        assert refused(folder, "är en mapp").kind == "not_workbook"
    finally:
        sock.close()


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = tmp_path / "jätte.xlsx"
    with big.open("wb") as fh:
        fh.write(EXAMPLE.read_bytes())
        fh.truncate(MAX_FILE_BYTES + MiB)  # sparse: the size is real, reading it would be slow
    error = refused(big, "21 MB", "större än gränsen på 20 MB")
    assert error.kind == "too_big"
    small = tmp_path / "liten.xlsx"
    small.write_bytes(bytes(200_000))
    with pytest.raises(WorkbookError, match="0,2 MB, större än gränsen på 0,1 MB"):
        read_regular_file(small, limit=100_000)


# --------------------------------------------------------------------------- the zip


def test_too_many_parts_are_refused_before_the_zip_is_opened(tmp_path):
    parts = read_parts(EXAMPLE)
    many = write_zip(tmp_path / "delar.xlsx", {**parts, **{f"xl/media/x{i}.bin": b"x"
                                                            for i in range(2100)}})  # fmt: skip
    assert refused(many, "fler än 2\u00a0000 delar").kind == "corrupt"


@pytest.mark.parametrize("declared", ["ärlig", "ljuger"])
def test_a_part_inflating_to_gigabytes_is_refused(tmp_path, declared):
    """A sheet that says it inflates to 2 GB is a zip bomb by its ratio; one that lies about its
    size is refused when it inflates past what it declared."""
    parts = read_parts(EXAMPLE)
    bomb = whitespace_bomb(2048 * MiB)
    if declared == "ljuger":
        bomb = lying(bomb, 100_000)
    path = write_zip(tmp_path / "bomb.xlsx", {**parts, sheet_part(parts, "Remisser"): bomb})
    assert path.stat().st_size < 3 * MiB
    if declared == "ärlig":
        refused(path, "2\u00a0048 MB", "mer än 100 gånger", "zip-bomb")
    else:
        refused(path, "skadad", "stämmer inte med sin angivna storlek eller kontrollsumma")


def test_a_part_that_is_no_deflate_stream_or_has_the_wrong_checksum_is_refused(tmp_path):
    parts = read_parts(EXAMPLE)
    remisser = sheet_part(parts, "Remisser")
    garbage = write_zip(tmp_path / "skräp.xlsx", {**parts, remisser: Raw(
        b"\xff" * 200, 0, 1000)})  # fmt: skip
    refused(garbage, f"delen {remisser} stämmer inte med sin angivna storlek")
    data = parts[remisser]
    wrong_crc = write_zip(tmp_path / "crc.xlsx", {**parts, remisser: Raw(
        data, 12345, len(data), zipfile.ZIP_STORED)})  # fmt: skip
    refused(wrong_crc, "kontrollsumma")


def test_a_part_over_64_megabytes_is_refused_from_the_directory(tmp_path):
    parts = read_parts(EXAMPLE)
    noise = random.Random(14).randbytes(20_000)  # packs about 40 times: no bomb, just big
    big = repeated(b"<x>", (noise * 53)[:MiB], 80, b"</x>")
    path = write_zip(tmp_path / "stor.xlsx", {**parts, "xl/worksheets/sheet99.xml": big})
    error = refused(path, "blir 80 MB uppackad", "64 MB per del")
    assert error.kind == "too_big"


@pytest.mark.parametrize("part", ["[Content_Types].xml", "docProps/core.xml", "xl/workbook.xml",
                                  "xl/styles.xml", "Remisser"])
def test_a_dtd_in_any_part_is_refused(tmp_path, part):
    parts = read_parts(EXAMPLE)
    name = sheet_part(parts, part) if part == "Remisser" else part
    parts[name] = with_dtd(parts[name])
    path = write_zip(tmp_path / "dtd.xlsx", parts)
    refused(path, "skadad", f"delen {name} innehåller en DTD")


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_a_dtd_in_a_wide_encoded_part_is_refused_too(tmp_path, codec):
    parts = read_parts(EXAMPLE)
    parts["customXml/item1.xml"] = ('<?xml version="1.0"?>' + BILLION_LAUGHS + "<a>&lol9;</a>"
                                    ).encode(codec)  # fmt: skip
    refused(write_zip(tmp_path / "bred.xlsx", parts), "customXml/item1.xml", "DTD")


def test_xml_not_in_utf8_or_not_well_formed_is_damaged(tmp_path):
    parts = read_parts(EXAMPLE)
    wb = parts["xl/workbook.xml"]
    utf16 = write_zip(tmp_path / "utf16.xlsx", {**parts, "xl/workbook.xml": wb.decode().replace(
        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")})  # fmt: skip
    refused(utf16, "skadad", "är inte kodad i UTF-8")
    cut = write_zip(tmp_path / "trasig.xlsx", {**parts, "xl/workbook.xml": wb[:-40]})
    refused(cut, "skadad", "är inte giltig XML")


def test_a_sheet_calamine_cannot_parse_is_damaged(tmp_path):
    parts = read_parts(EXAMPLE)
    remisser = sheet_part(parts, "Remisser")
    path = write_zip(tmp_path / "halv.xlsx", {**parts, remisser: parts[remisser][:-200]})
    assert refused(path, "skadad och kan inte läsas").kind == "corrupt"


def test_a_sheet_read_cell_by_cell_that_is_not_well_formed_is_damaged(tmp_path):
    """Cells without a reference send a sheet to the streaming parser; XML that breaks off
    there is a damaged file, not a crash."""
    parts = read_parts(EXAMPLE)
    dense_sheet(parts, "Berättelse", range(200, 202), "AB", "<c><v>{n}</v></c>")
    name = sheet_part(parts, "Berättelse")
    parts[name] = parts[name].replace(b"</sheetData>", b"<row><c><v>1</c></row></sheetData>")
    refused(write_zip(tmp_path / "ofullständig.xlsx", parts), "skadad", "en XML-del",
            "är inte giltig XML")  # fmt: skip


def test_a_zip_with_something_before_or_after_it_is_read_from_the_checked_bytes(tmp_path,
                                                                                plain_remisser):  # fmt: skip
    """A zip that is not laid out plainly (data before it, a comment after it) is read from the
    verified parts, and reads as the plain file does."""
    junk = tmp_path / "skräp.xlsx"
    junk.write_bytes(b"MZ" + bytes(1000) + EXAMPLE.read_bytes())
    comment = tmp_path / "kommentar.xlsx"
    with zipfile.ZipFile(comment, "w") as out, zipfile.ZipFile(EXAMPLE) as src:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.comment = b"en kommentar efter arkivet"
    assert Package.open(EXAMPLE).plain
    for path in (junk, comment):
        assert not Package.open(path).plain
        wb = read_workbook(path)
        assert wb.tables["remisser"].df.equals(plain_remisser), path.name


# --------------------------------------------------------------------------- the limits on cells


def test_more_cells_than_the_limit_are_refused_naming_the_limit(tmp_path, monkeypatch):
    parts = read_parts(EXAMPLE)
    dense_sheet(parts, "Berättelse", range(200, 260), "DEFGHIJKLM", '<c r="{ref}"><v>{n}</v></c>')
    path = write_zip(tmp_path / "för_många.xlsx", parts)
    read_workbook(path)  # 600 cells more: far within the real limit
    monkeypatch.setattr(sheet_scan, "MAX_CELLS", 500)
    error = refused(path, "kan inte läsas", "fler än 500 ifyllda celler")
    assert error.kind == "too_big"


def test_cells_without_references_are_read_cell_by_cell_up_to_their_own_limit(
        tmp_path, monkeypatch, plain_remisser):  # fmt: skip
    """A sheet whose cells carry no reference cannot be cut at its cells: it is parsed cell by
    cell, which has a limit of its own (lowered here to 300 cells)."""
    monkeypatch.setattr(sheet_scan, "MAX_SCAN_CELLS", 300)

    def without_references(name: str, rows: int) -> Path:
        parts = read_parts(EXAMPLE)
        dense_sheet(parts, "Berättelse", range(200, 200 + rows), "DEFGHIJKLM", "<c><v>{n}</v></c>")
        return write_zip(tmp_path / name, parts)

    within = without_references("utan_ref.xlsx", 12)  # 120 cells
    assert read_workbook(within).tables["remisser"].df.equals(plain_remisser)
    refused(without_references("utan_ref_för_många.xlsx", 40), "cellreferens",
            "spara om filen i Excel")  # 400 cells  # fmt: skip


def test_one_long_text_referred_to_by_many_cells_is_refused(tmp_path, monkeypatch):
    """Each reference to a shared string becomes its own copy when read: the characters the
    cells refer to are counted, not the characters stored."""
    parts = read_parts(EXAMPLE)
    add_shared_strings(parts, ["kort", "Lång text. " * 300])
    set_cells(parts, "Berättelse", {f"C{r}": ("s", 1) for r in range(2, 42)})
    path = write_zip(tmp_path / "kopior.xlsx", parts)
    assert read_workbook(path)  # 40 × 3,300 characters: far within the real limit
    monkeypatch.setattr(sheet_scan, "MAX_SHARED_TEXT", 100_000)
    refused(path, "samma långa text i många celler")


# --------------------------------------------------------------------------- values


def _column(spec: C.Table, key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(spec.keys.index(key) + 1)


def test_numbers_out_of_range_give_findings_naming_the_cell(tmp_path):
    deltagare, timmar = _column(C.AKTIVITETER, "deltagare"), _column(C.AKTIVITETER, "timmar")
    path = build(tmp_path / "tal.xlsx", cells={C.AKTIVITETER.sheet: {
        f"{deltagare}2": 1e19, f"{timmar}3": ("raw", "<v>INF</v>"),
        f"{timmar}4": ("raw", "<v>-inf</v>"), f"{deltagare}5": ("raw", "<v>NaN</v>")}})
    findings = validate(read_workbook(path))
    bad = {f.cell: f for f in findings if f.code.startswith("invalid_")}
    assert set(bad) == {f"{deltagare}2", f"{timmar}3", f"{timmar}4"}  # NaN is an empty cell
    assert bad[f"{deltagare}2"].sheet == C.AKTIVITETER.sheet
    assert "för stort" in bad[f"{deltagare}2"].message
    assert "Deltagare" in bad[f"{deltagare}2"].message
    assert all("inget tal" in bad[c].message for c in (f"{timmar}3", f"{timmar}4"))
    assert all(f.severity == "error" for f in bad.values())


def test_control_characters_and_text_over_excels_limit_are_warnings(tmp_path):
    kommentar = _column(C.REMISSER, "kommentar")
    long_text = "Mycket lång kommentar. " * 2000
    path = build(tmp_path / "text.xlsx", cells={C.REMISSER.sheet: {
        f"{kommentar}2": ("raw", "<is><t>F\u00f6re_x0001_efter_x005F_x0041_</t></is>", "inlineStr"),
        f"{kommentar}3": "ettFFFEtvå", f"{kommentar}4": long_text}}, raw_text={"FFFE": "\ufffe"})
    wb = read_workbook(path)
    warned = {(f.code, f.cell): f for f in wb.problems}
    assert {("text_not_xml", f"{kommentar}2"), ("text_not_xml", f"{kommentar}3"),
            ("text_too_long", f"{kommentar}4")} <= set(warned)  # fmt: skip
    assert all(f.severity == "warning" for f in warned.values())
    comments = wb.tables["remisser"].df["kommentar"].tolist()
    assert "Föreefter_x0041_" in comments and "etttvå" in comments
    assert max(len(c) for c in comments if isinstance(c, str)) == 32767
    assert all("\ufffe" not in t.value and "\x01" not in t.value for t in wb.texts)
