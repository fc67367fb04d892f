"""Builders of broken and hostile inputs, made from the real example workbooks by zip surgery.

Nothing here goes through openpyxl or another library that would tidy the file up: parts are
edited as bytes (or with lxml for cell edits) and the zip is written by hand, so entries can
declare sizes that lie, hold gigabytes of whitespace in a megabyte, or carry a DTD.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from conftest import EXAMPLES

EXAMPLE = EXAMPLES / "Vaggeryd_2024.xlsx"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MiB = 1 << 20

BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
)


# --------------------------------------------------------------------------- zip writing


@dataclass
class Raw:
    """An entry written exactly as given: an already deflated stream and what it declares."""

    packed: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED


def read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write_zip(path: Path, parts: dict[str, bytes | Raw]) -> Path:
    """A zip of ``parts`` in order; bytes are deflated here, ``Raw`` entries go in as they are."""
    local, central = [], []
    offset = 0
    for name, content in parts.items():
        if isinstance(content, Raw):
            entry = content
        else:
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            entry = Raw(comp.compress(content) + comp.flush(), zlib.crc32(content), len(content))
        encoded = name.encode()
        fields = (20, 0x800, entry.method, 0, 0x21, entry.crc, len(entry.packed), entry.size,
                  len(encoded), 0)  # fmt: skip
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset)
                       + encoded)  # fmt: skip
        local.append(header + entry.packed)
        offset += len(header) + len(entry.packed)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                      len(directory), offset, 0)  # fmt: skip
    path.write_bytes(b"".join(local) + directory + end)
    return path


def _gf2_times(matrix: list[int], vector: int) -> int:
    out, i = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[i]
        vector >>= 1
        i += 1
    return out


def _square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A+B from the CRCs of A and B and B's length (zlib's crc32_combine: the
    effect of ``len2`` zero bytes on ``crc1`` as a power of a 32×32 bit matrix)."""
    matrix = [0xEDB88320] + [1 << i for i in range(31)]  # one zero bit
    for _ in range(3):
        matrix = _square(matrix)  # one zero byte
    while len2:
        if len2 & 1:
            crc1 = _gf2_times(matrix, crc1)
        len2 >>= 1
        if len2:
            matrix = _square(matrix)
    return crc1 ^ crc2


def repeated(prefix: bytes, block: bytes, times: int, suffix: bytes) -> Raw:
    """``prefix + block * times + suffix`` deflated without ever building it: after a full
    flush a block compresses to the same self-contained bytes, so they are repeated."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = comp.compress(prefix) + comp.flush(zlib.Z_FULL_FLUSH)
    body = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.compress(suffix) + comp.flush()
    body_crc, body_len = 0, 0  # CRC of block * times by doubling
    base_crc, base_len, n = zlib.crc32(block), len(block), times
    while n:
        if n & 1:
            body_crc = crc32_combine(body_crc, base_crc, base_len)
            body_len += base_len
        base_crc = crc32_combine(base_crc, base_crc, base_len)
        base_len *= 2
        n >>= 1
    crc = crc32_combine(zlib.crc32(prefix), body_crc, body_len)
    crc = crc32_combine(crc, zlib.crc32(suffix), len(suffix))
    packed = head + body * times + tail
    return Raw(packed, crc, len(prefix) + len(block) * times + len(suffix))


# --------------------------------------------------------------------------- where things are


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    wb = etree.fromstring(parts["xl/workbook.xml"])
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    for el in wb.iter(f"{{{MAIN}}}sheet"):
        if el.get("name") == sheet:
            target = targets[el.get(f"{{{REL}}}id")]
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
    raise KeyError(sheet)


# --------------------------------------------------------------------------- edits


def set_cells(parts: dict[str, bytes], sheet: str, cells: dict[str, object]) -> None:
    """Put values into cells of ``sheet`` (in place, rows and cells kept in order): text as an
    inline string, numbers as numbers, ``("s", i)`` as shared string ``i``, ``("raw", xml)``
    or ``("raw", xml, type)`` as the cell's inner XML (and ``t`` attribute)."""
    name = sheet_part(parts, sheet)
    root = etree.fromstring(parts[name])
    data = root.find(f"{{{MAIN}}}sheetData")
    rows = {int(r.get("r")): r for r in data.findall(f"{{{MAIN}}}row")}
    by_row: dict[int, dict[str, object]] = {}
    for ref, value in cells.items():
        by_row.setdefault(int(re.fullmatch(r"[A-Z]+(\d+)", ref)[1]), {})[ref] = value
    for number in sorted(by_row):
        row_el = rows.setdefault(number, etree.Element(f"{{{MAIN}}}row", r=str(number)))
        for ref, value in by_row[number].items():
            for old in row_el.findall(f"{{{MAIN}}}c"):
                if old.get("r") == ref:
                    row_el.remove(old)
            _insert_in_order(row_el, _cell(ref, value))
    for number in sorted(rows):  # rows in order, the new ones among them
        data.append(rows[number])
    parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _cell(ref: str, value: object):
    cell = etree.Element(f"{{{MAIN}}}c", r=ref)
    if isinstance(value, tuple) and value[0] == "s":
        cell.set("t", "s")
        etree.SubElement(cell, f"{{{MAIN}}}v").text = str(value[1])
    elif isinstance(value, tuple) and value[0] == "raw":
        if len(value) > 2:
            cell.set("t", value[2])
        cell.extend(etree.fromstring(f'<x xmlns="{MAIN}">{value[1]}</x>'))
    elif isinstance(value, str):
        cell.set("t", "inlineStr")
        inline = etree.SubElement(cell, f"{{{MAIN}}}is")
        etree.SubElement(inline, f"{{{MAIN}}}t").text = value
    else:
        etree.SubElement(cell, f"{{{MAIN}}}v").text = repr(value) if isinstance(
            value, float) else str(value)
    return cell


def _col_number(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group():
        n = n * 26 + ord(ch) - 64
    return n


def _insert_in_order(row_el, cell) -> None:
    for other in row_el.findall(f"{{{MAIN}}}c"):
        if _col_number(other.get("r")) > _col_number(cell.get("r")):
            other.addprevious(cell)
            return
    row_el.append(cell)


def add_shared_strings(parts: dict[str, bytes], strings: list[str] | bytes) -> None:
    """Give the package a shared-string part (the examples, written by openpyxl, have none)."""
    if isinstance(strings, bytes):
        xml = strings
    else:
        items = "".join(f'<si><t xml:space="preserve">{_escape(s)}</t></si>' for s in strings)
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN}" '
               f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>').encode()
    parts["xl/sharedStrings.xml"] = xml
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdSst" Type="{REL}/sharedStrings" '
        f'Target="sharedStrings.xml"/></Relationships>'.encode())  # fmt: skip
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def with_dtd(data: bytes, doctype: str = BILLION_LAUGHS) -> bytes:
    """The part with a DOCTYPE (entity declarations) after its XML declaration, and an entity
    reference in its root so a parser that expands entities would explode."""
    decl_end = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
    body = data[decl_end:]
    root_end = body.find(b">") + 1
    return data[:decl_end] + doctype.encode() + body[:root_end] + b"&lol9;" + body[root_end:]


def whitespace_bomb(size: int) -> Raw:
    """A sheet part that inflates to ``size`` bytes, nearly all whitespace inside the root."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    return repeated(head, b" " * MiB, size // MiB, b"</sheetData></worksheet>")


def lying(entry: Raw, declared: int) -> Raw:
    """The same stream declaring a smaller size, with the CRC of what that size would hold."""
    data = zlib.decompressobj(-15).decompress(entry.packed, declared)
    return Raw(entry.packed, zlib.crc32(data), declared)


def build(dst: Path, src: Path = EXAMPLE, cells: dict[str, dict[str, object]] | None = None,
          raw_text: dict[str, str] | None = None) -> Path:
    """Copy ``src`` to ``dst`` with ``cells`` ({sheet: {ref: value}}) set, then each key of
    ``raw_text`` replaced by its value in the sheets' bytes (for characters no XML library will
    write, such as U+FFFE)."""
    parts: dict[str, bytes | Raw] = read_parts(src)
    for sheet, values in (cells or {}).items():
        set_cells(parts, sheet, values)
        name = sheet_part(parts, sheet)
        for old, new in (raw_text or {}).items():
            parts[name] = parts[name].replace(old.encode(), new.encode("utf-8", "surrogatepass"))
    return write_zip(dst, parts)


def dense_sheet(parts: dict[str, bytes], sheet: str, rows: range, cols: str,
                cell: str) -> None:  # fmt: skip
    """Append ``rows`` (below the sheet's own) with columns ``cols`` (letters) filled with
    ``cell``, a format string of the cell's XML taking ``ref`` and ``n`` (a running number): the
    densest sheet a file within the limits can hold, written as bytes (no XML library would be
    quick enough)."""
    name = sheet_part(parts, sheet)
    head, _, tail = parts[name].partition(b"</sheetData>")
    out, n = [], 0
    for r in rows:
        cells = []
        for c in cols:
            cells.append(cell.format(ref=f"{c}{r}", n=n))
            n += 1
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    parts[name] = head + "".join(out).encode() + b"</sheetData>" + tail
