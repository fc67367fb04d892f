"""Proof that a file is still exactly what this program wrote, so only such a file is replaced.

A command that replaces its own earlier output (``summary``, ``report``, ``export``,
``region``) must never destroy what a person made: a report someone added a paragraph to in
Word or LibreOffice Writer, a summary copy a coach typed into, a county workbook an analyst
annotated. A name or a hidden mark cannot tell those apart from our file -- a mark survives
every edit. So every such output is **sealed** when it is written:

* the package's parts are listed in order with their size and CRC-32 (every part but one: the
  custom document properties part, ``docProps/custom.xml``), and that part's own bytes are
  added with the seal's digest left empty; SHA-256 over the list is the digest;
* the digest is stored in that part as the custom document property ``SEAL_PROPERTY``
  (Arkiv > Egenskaper > Anpassad in Office), ``<kind>:<digest>``, written last.

``owner_kind(path)`` recomputes the digest from the file on disk (every part's CRC checked by
reading it, within bounds) and returns the kind only when it matches. Word, Excel and
LibreOffice rewrite every part they save, and any edit changes a part's CRC and size, so an
edited file is never taken for ours; a copy made byte for byte still is, since it is exactly
what was written. The digest is written in the letters a–p (hexadecimal moved to letters), so
the identity-number guard that reads document properties never sees digits in it.

The region's archive is an SQLite file, not a package: its seal is a row of the table
``SEAL_TABLE`` holding a SHA-256 over the database's content as ``iterdump`` gives it (every
table but the seal's, in order) and its ``user_version`` and ``application_id``. A row added,
changed or removed with any SQLite browser changes that digest.

The zip is written with ``RawZipWriter``: entries copied from another zip keep their
compressed bytes, so sealing a 30 MB summary copy costs a copy, not a recompression. The
package writer (``xlsx.package``) uses it too.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import re
import shutil
import sqlite3
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

SEAL_PROPERTY = "Halsocenter-utdata"
"""Name of the custom document property that carries the seal."""
SEAL_PART = "docProps/custom.xml"
CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
RT_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
"""The format id Office gives every user-defined custom property."""
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
"""Date stamp of entries this program writes: the same content gives the same bytes."""

MAX_FILE = 256 << 20
"""An existing file bigger than this is not checked (none of our outputs comes near it)."""
MAX_ENTRIES = 10_000
MAX_TOTAL = 1 << 30
"""Bytes inflated while checking an existing file's parts."""
MAX_SMALL_PART = 4 << 20
"""The relationship, content-type and custom-property parts are read whole only this far."""
DIGEST_LETTERS = 32
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_blank_text=False)  # fmt: skip


SQLITE_HEADER = b"SQLite format 3\x00"
SEAL_TABLE = "halsocenter_sigill"
"""The archive's seal: one row, ``<kind>:<digest>``."""


class NotOurs(Exception):
    """The file is no sealed output of this program (or could not be checked)."""


# --------------------------------------------------------------------------- raw zip writing

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_LIMIT = 0xFFFFFFFF


class NeedsZip64(Exception):
    """The zip grew past the classic limits; the caller writes it with ``zipfile`` instead."""


@dataclass
class Entry:
    """One entry as written: enough for the central directory and for the seal's digest."""

    name: bytes
    flags: int
    method: int
    dostime: int
    dosdate: int
    crc: int
    csize: int
    usize: int
    offset: int
    create_version: int = 20
    create_system: int = 0
    external_attr: int = 0

    @property
    def filename(self) -> str:
        return self.name.decode("utf-8" if self.flags & 0x800 else "cp437")


def dos_time(date_time: tuple) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


class RawZipWriter:
    """Writes a zip whose copied entries keep their compressed bytes (zipfile cannot)."""

    def __init__(self, out):
        self.out = out
        self.entries: list[Entry] = []

    def _header(self, entry: Entry) -> None:
        if entry.offset >= _LIMIT or entry.csize >= _LIMIT or entry.usize >= _LIMIT:
            raise NeedsZip64
        version = 20 if entry.method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) else 63
        self.out.write(_LOCAL.pack(b"PK\x03\x04", version, 0, entry.flags, entry.method,
                                   entry.dostime, entry.dosdate, entry.crc, entry.csize,
                                   entry.usize, len(entry.name), 0))  # fmt: skip
        self.out.write(entry.name)
        self.entries.append(entry)

    def copy(self, src_fh, info: zipfile.ZipInfo) -> None:
        """Copy ``info``'s entry from the zip open as ``src_fh``, compressed bytes as they are."""
        src_fh.seek(info.header_offset)
        fields = _LOCAL.unpack(src_fh.read(_LOCAL.size))
        name = src_fh.read(fields[10])
        src_fh.seek(fields[11], os.SEEK_CUR)
        entry = Entry(name, info.flag_bits & ~0x08, info.compress_type, *dos_time(info.date_time),
                      info.CRC, info.compress_size, info.file_size, self.out.tell(),
                      info.create_version, info.create_system, info.external_attr)  # fmt: skip
        self._header(entry)
        remaining = info.compress_size
        while remaining:
            chunk = src_fh.read(min(remaining, 1 << 20))
            if not chunk:
                raise zipfile.BadZipFile(f"Zip-posten {info.filename} är avkortad.")
            self.out.write(chunk)
            remaining -= len(chunk)

    def write(self, name: str, data: bytes) -> None:
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = comp.compress(data) + comp.flush()
        raw = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800
        entry = Entry(raw, flags, zipfile.ZIP_DEFLATED, *dos_time(FIXED_DATE_TIME),
                      zlib.crc32(data), len(packed), len(data), self.out.tell())  # fmt: skip
        self._header(entry)
        self.out.write(packed)

    def close(self) -> None:
        start = self.out.tell()
        if len(self.entries) >= 0xFFFF or start >= _LIMIT:
            raise NeedsZip64
        for e in self.entries:
            version = 20 if e.method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) else 63
            self.out.write(_CENTRAL.pack(b"PK\x01\x02", max(e.create_version, 20),
                                         e.create_system, version, 0, e.flags, e.method,
                                         e.dostime, e.dosdate, e.crc, e.csize, e.usize,
                                         len(e.name), 0, 0, 0, 0, e.external_attr,
                                         e.offset))  # fmt: skip
            self.out.write(e.name)
        size = self.out.tell() - start
        if start + size >= _LIMIT:
            raise NeedsZip64
        self.out.write(_END.pack(b"PK\x05\x06", 0, 0, len(self.entries), len(self.entries),
                                 size, start, 0))  # fmt: skip


# --------------------------------------------------------------------------- the digest


def _line(name: str, size: int, crc: int) -> bytes:
    return f"{name}\0{size}\0{crc:08x}\n".encode("utf-8", "surrogateescape")


def _digest(lines: list[bytes]) -> str:
    full = hashlib.sha256(b"".join(lines)).hexdigest()
    return full[:DIGEST_LETTERS].translate(_LETTERS)


def _seal_line(name: str, blanked: bytes) -> bytes:
    return f"{name}\0{hashlib.sha256(blanked).hexdigest()}\n".encode("utf-8", "surrogateescape")


def _value(kind: str, digest: str) -> str:
    return f"{kind}:{digest}"


# --------------------------------------------------------------------------- the parts we touch


def _parse(data: bytes) -> etree._Element:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise NotOurs("DTD")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotOurs(str(exc)) from None


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _custom_part(rels: bytes | None) -> str:
    """Where the package keeps its custom properties: the target of the package relationship,
    else ``SEAL_PART``."""
    if rels:
        for el in _parse(rels).iter(f"{{{PKG_REL}}}Relationship"):
            if el.get("Type") == RT_CUSTOM and el.get("TargetMode") != "External":
                target = el.get("Target", "").lstrip("/")
                if target and ".." not in target:
                    return target
    return SEAL_PART


def _with_relationship(rels: bytes | None, part: str) -> bytes:
    root = _parse(rels) if rels else etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={
        None: PKG_REL})  # fmt: skip
    rels_el = list(root.iter(f"{{{PKG_REL}}}Relationship"))
    if any(el.get("Type") == RT_CUSTOM for el in rels_el):
        return _serialize(root)
    used = {el.get("Id") for el in rels_el}
    n = 1
    while f"rId{n}" in used:
        n += 1
    etree.SubElement(root, f"{{{PKG_REL}}}Relationship", Id=f"rId{n}", Type=RT_CUSTOM,
                     Target=part)  # fmt: skip
    return _serialize(root)


def _with_content_type(types: bytes, part: str) -> bytes:
    root = _parse(types)
    wanted = "/" + part
    for el in root.iter(f"{{{CT_NS}}}Override"):
        if el.get("PartName", "").lower() == wanted.lower():
            el.set("ContentType", CT_CUSTOM)
            return _serialize(root)
    etree.SubElement(root, f"{{{CT_NS}}}Override", PartName=wanted, ContentType=CT_CUSTOM)
    return _serialize(root)


def _custom_xml(existing: bytes | None, value: str) -> bytes:
    """The custom properties part with the seal property set to ``value`` (every other property
    kept as it was; an earlier seal replaced)."""
    if existing:
        root = _parse(existing)
    else:
        root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    props = [el for el in root if isinstance(el.tag, str)]
    for el in props:
        if el.get("name") == SEAL_PROPERTY:
            root.remove(el)
    pids = [int(el.get("pid")) for el in props if (el.get("pid") or "").isdigit()]
    prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=FMTID,
                            pid=str(max([1, *pids]) + 1), name=SEAL_PROPERTY)  # fmt: skip
    etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    return _serialize(root)


_SEALED = re.compile(rb"([a-z]+):([a-p]{%d})" % DIGEST_LETTERS)


def _found_seal(custom: bytes) -> tuple[str, str]:
    """(kind, digest) of the seal property in a custom properties part."""
    for el in _parse(custom):
        if isinstance(el.tag, str) and el.get("name") == SEAL_PROPERTY:
            text = "".join(el.itertext()).strip()
            found = _SEALED.fullmatch(text.encode("ascii", "replace"))
            if found:
                return found.group(1).decode(), found.group(2).decode()
    raise NotOurs("no seal")


# --------------------------------------------------------------------------- sealing


def seal(src: str | os.PathLike, out, kind: str) -> None:
    """Write to ``out`` (a binary file) the package at ``src`` sealed as ``kind``: every entry
    copied as it is except the content types, the package relationships and the custom
    properties part, which gain the seal; the custom properties part comes last. An SQLite
    database (the archive) is sealed in place and then copied."""
    with open(src, "rb") as fh:
        database = fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    if database:
        _seal_database(Path(src), kind)
        with open(src, "rb") as fh:
            shutil.copyfileobj(fh, out, 1 << 20)
        return
    with open(src, "rb") as fh, zipfile.ZipFile(fh) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        names = {i.filename for i in infos}
        rels = zf.read(PACKAGE_RELS) if PACKAGE_RELS in names else None
        part = _custom_part(rels)
        custom = zf.read(part) if part in names else None
        changed = {PACKAGE_RELS: _with_relationship(rels, part),
                   CONTENT_TYPES: _with_content_type(zf.read(CONTENT_TYPES), part)}  # fmt: skip
        try:
            _write_sealed(fh, zf, infos, changed, part, custom, kind, out, raw=True)
        except NeedsZip64:
            out.seek(0)
            out.truncate()
            _write_sealed(fh, zf, infos, changed, part, custom, kind, out, raw=False)


def _write_sealed(fh, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], changed: dict,
                  part: str, custom: bytes | None, kind: str, out, *, raw: bool) -> None:  # fmt: skip
    lines: list[bytes] = []
    writer = RawZipWriter(out) if raw else zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                            allowZip64=True)  # fmt: skip
    for info in infos:
        if info.filename == part:
            continue
        if info.filename in changed:
            data = changed[info.filename]
            if raw:
                writer.write(info.filename, data)
            else:
                writer.writestr(zipfile.ZipInfo(info.filename, FIXED_DATE_TIME), data)
            lines.append(_line(info.filename, len(data), zlib.crc32(data)))
        elif raw:
            writer.copy(fh, info)
            lines.append(_line(info.filename, info.file_size, info.CRC))
        else:
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            copy.compress_type = info.compress_type
            with zf.open(info) as reader, writer.open(copy, "w", force_zip64=True) as dst:
                shutil.copyfileobj(reader, dst, 1 << 20)
            lines.append(_line(info.filename, info.file_size, info.CRC))
    blanked = _custom_xml(custom, _value(kind, ""))
    digest = _digest([*lines, _seal_line(part, blanked)])
    sealed = _custom_xml(custom, _value(kind, digest))
    if raw:
        writer.write(part, sealed)
    else:
        writer.writestr(zipfile.ZipInfo(part, FIXED_DATE_TIME), sealed)
    writer.close()


def _database_digest(db: sqlite3.Connection) -> str:
    h = hashlib.sha256()
    for pragma in ("user_version", "application_id"):
        h.update(f"{pragma}={db.execute(f'PRAGMA {pragma}').fetchone()[0]}\n".encode())
    quoted = f'"{SEAL_TABLE}"'
    for line in db.iterdump():
        if SEAL_TABLE in line.split("(", 1)[0] or line.startswith(f"INSERT INTO {quoted}"):
            continue  # the seal itself
        h.update(line.encode("utf-8", "surrogatepass") + b"\n")
    return h.hexdigest()[:DIGEST_LETTERS].translate(_LETTERS)


def _seal_database(path: Path, kind: str) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(f"DROP TABLE IF EXISTS {SEAL_TABLE}")
        db.execute(f"CREATE TABLE {SEAL_TABLE} (varde TEXT NOT NULL)")
        db.execute(f"INSERT INTO {SEAL_TABLE} VALUES (?)", (_value(kind, _database_digest(db)),))
    finally:
        db.close()


def _checked_database(path: Path) -> str:
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    db = sqlite3.connect(uri, uri=True)
    try:
        rows = db.execute(f"SELECT varde FROM {SEAL_TABLE}").fetchall()
        if len(rows) != 1 or not isinstance(rows[0][0], str):
            raise NotOurs("no seal")
        kind, _, digest = rows[0][0].partition(":")
        if not hmac.compare_digest(_database_digest(db), digest):
            raise NotOurs("changed")
        return kind
    except sqlite3.Error as exc:
        raise NotOurs("not a database of ours") from exc
    finally:
        db.close()


# --------------------------------------------------------------------------- checking


def owner_kind(path: str | os.PathLike) -> str | None:
    """The kind of our output the file at ``path`` still exactly is, or None: not sealed by
    this program, changed since (by anyone, anything), or not checkable within the bounds."""
    try:
        return _checked(Path(path))
    except (NotOurs, OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, KeyError,
            EOFError, RuntimeError, zlib.error, struct.error, UnicodeDecodeError):  # fmt: skip
        return None


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_SMALL_PART:
        raise NotOurs("part too big")
    return zf.read(info)


def _checked(path: Path) -> str:
    if not path.is_file():
        raise NotOurs("not a file to check")
    with open(path, "rb") as fh:
        if fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
            return _checked_database(path)
    if path.stat().st_size > MAX_FILE:
        raise NotOurs("not a file to check")
    data = path.read_bytes()  # one read: what is checked is one state of the file
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_TOTAL:
            raise NotOurs("too big")
        by_name = {i.filename: i for i in infos}
        if len(by_name) != len(infos):
            raise NotOurs("a part twice")
        rels = by_name.get(PACKAGE_RELS)
        part = _custom_part(_read_small(zf, rels) if rels else None)
        if part not in by_name:
            raise NotOurs("no custom properties")
        custom = _read_small(zf, by_name[part])
        kind, digest = _found_seal(custom)
        blanked = custom.replace(_value(kind, digest).encode(), _value(kind, "").encode(), 1)
        lines = []
        for info in infos:
            if info.filename == part:
                lines.append(_seal_line(part, blanked))
                continue
            with zf.open(info) as reader:  # zipfile checks the CRC when the entry ends
                while reader.read(1 << 20):
                    pass
            lines.append(_line(info.filename, info.file_size, info.CRC))
    if not hmac.compare_digest(_digest(lines), digest):
        raise NotOurs("changed")
    return kind
