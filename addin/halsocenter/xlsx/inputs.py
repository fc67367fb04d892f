"""Opening an input file without trusting it: regular files only, bounded size, a zip checked
before anything is inflated, and every part verified before any reader sees it.

Workbooks arrive from many hands and the region's folder may hold anything: a FIFO or a device
(a reader would block or never finish), a 2 GB file, a zip whose parts inflate to gigabytes and
whose declared sizes lie, XML with entity bombs. Every reader of an input — python-calamine, our
own XML parsing, the package copier behind ``summary``, openpyxl behind ``rollover`` and
``upgrade``, the region's reader — starts from a ``Package`` made here:

1. Only a regular file is opened, without blocking, and only up to ``MAX_FILE_BYTES``. The whole
   file is read into memory once, so what is checked is exactly what is used afterwards.
2. The zip directory is checked before anything is inflated: number of parts, duplicate names,
   encryption and compression method, each part's declared size and compression ratio, and the
   sum of the declared sizes.
3. Every part is inflated once with zlib, never to more than its declared size (plus one byte to
   see a lie), and must end exactly there with the right CRC: a part that inflates further than
   it says is refused, so no later reader (zipfile trusts the declared size only for the output
   it returns, not for what it inflates) can be made to inflate more than was checked.
4. Every part is searched for a DTD or entity declaration (``safe_xml``), refused as damaged.

What passes is a ``Package``: the file's bytes and the verified bytes of its XML parts.
python-calamine sees only what was verified (``Package.calamine``): a zip laid out plainly, still
the file that was checked, is handed to it as the file (no zip reader can take such a zip
differently); anything else, and a package whose sheets were cut down (``sheet_scan``), is read
from a stored zip assembled in memory over the verified bytes. openpyxl and the package copier
read the same verified bytes (``Package.raw``).

TOCTOU: a plain file is opened again by calamine after a check of its identity (device, inode,
size, modification time); a local process racing to swap the file in between is outside what
this guards against (it could hand the program any file directly).

The limits are far above any real workbook (the largest real ones are under 1 MB; a hub with
50,000 referrals a year, the benchmark workbook, is 4 MB with 48 MB of XML) and far below what
would take the process past 1 GB of memory.
"""

from __future__ import annotations

import bisect
import errno
import io
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lxml import etree

from halsocenter.core.swedish import whole
from halsocenter.errors import WorkbookError
from halsocenter.xlsx import safe_xml
from halsocenter.xlsx.layout import Layout

MiB = 1 << 20
MAX_FILE_BYTES = 20 * MiB
"""A bigger file is refused unread (the largest real workbook is under 1 MB; 50,000 referrals
make 4 MB)."""
MAX_PARTS = 2000
"""Zip entries (a workbook with 100 sheets, each with a table, drawing and comments, has ~600)."""
MAX_PART_BYTES = 64 * MiB
"""Uncompressed size of one part (the Remisser sheet of 50,000 referrals is 31 MiB)."""
MAX_TOTAL_BYTES = 160 * MiB
"""Uncompressed size of all parts together (the 50,000-referral workbook has 48 MiB)."""
MAX_RATIO = 100
"""Compression ratio of one part, checked for parts over ``RATIO_FLOOR`` (Excel's XML packs
10–20 times; a part packing over 100 times is made to explode, a "zip bomb")."""
RATIO_FLOOR = MiB
_CHUNK = MiB

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0"


def _mb(n: int) -> str:
    return whole(n / MiB) if n >= MiB else f"{n / MiB:.1f}".replace(".", ",")


# --------------------------------------------------------------------------- the file itself


def read_regular_file(path: str | os.PathLike, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``: a regular file (symbolic links followed) of at most ``limit``
    bytes, opened without blocking. Anything else is a ``WorkbookError`` naming the file."""
    return _read_regular(Path(path), limit)[0]


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _cannot_open(path: Path, exc: OSError) -> WorkbookError:
    """Why ``path`` cannot be opened, in Swedish (the system's own words are English)."""
    if exc.errno == errno.ELOOP:
        why = "den är en genväg (symbolisk länk) som leder runt i en slinga"
    elif isinstance(exc, FileNotFoundError) and os.path.islink(path):
        why = "den är en genväg (symbolisk länk) till en fil som inte finns"
    elif isinstance(exc, FileNotFoundError):
        return WorkbookError(f"Filen {path} finns inte.", kind="not_found", path=path)
    elif isinstance(exc, PermissionError):
        why = "du saknar behörighet att läsa den"
    elif exc.errno == errno.ENAMETOOLONG:
        why = "namnet är för långt för filsystemet"
    else:
        why = f"systemet svarar ”{exc.strerror or exc}”"
    return WorkbookError(f"Filen {path} kan inte öppnas: {why}.", kind="not_file", path=path)


def _read_regular(path: Path, limit: int) -> tuple[bytes, tuple[int, int, int, int]]:
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:
        if isinstance(exc, ValueError):  # a NUL in the name
            exc = OSError(errno.ENOENT, "ogiltigt filnamn")
        raise _cannot_open(path, exc) from None
    _refuse_kind(path, st)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _cannot_open(path, exc) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())  # what was opened, not what the name pointed at before
        _refuse_kind(path, st)
        _refuse_size(path, st.st_size, limit)
        data = fh.read(limit + 1)
    _refuse_size(path, len(data), limit)
    return data, _identity(st)


def _refuse_kind(path: Path, st: os.stat_result) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise WorkbookError(f"{path} är en mapp, inte en arbetsbok.", kind="not_workbook",
                            path=path)  # fmt: skip
    if not stat.S_ISREG(st.st_mode):
        raise WorkbookError(
            f"{path} är ingen vanlig fil (utan t.ex. en enhet, en namngiven pipe eller en socket) "
            "och kan inte läsas som arbetsbok.", kind="not_file", path=path)


def _refuse_size(path: Path, size: int, limit: int) -> None:
    if size > limit:
        raise WorkbookError(
            f"{path.name} är {_mb(size)} MB, större än gränsen på {_mb(limit)} MB för en fil "
            "som programmet läser. En Hälsocenter-arbetsbok är normalt under 1 MB; kontrollera "
            "att det är rätt fil.", kind="too_big", path=path)


# --------------------------------------------------------------------------- the package


def _damaged(path: Path, detail: str, kind: str = "corrupt") -> WorkbookError:
    return WorkbookError(f"{path.name} är skadad och kan inte läsas: {detail}.", kind=kind,
                         path=path)  # fmt: skip


def _looks_like_xml(data: bytes) -> bool:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or data.startswith(safe_xml.NOT_UTF8_STARTS)


class Package:
    """A verified OPC package (the zip inside an .xlsx): its bytes, its directory and the bytes
    of every XML part. Part names compare case-insensitively, as OPC says."""

    def __init__(self, path: Path, raw: bytes, infos: list[zipfile.ZipInfo],
                 parts: dict[str, bytes], identity: tuple | None = None):  # fmt: skip
        self.path = path
        self.raw = raw
        self.infos = infos
        self.parts = parts
        self._by_lower = {i.filename.lower(): i for i in infos}
        self._identity = identity
        self._rest: dict[str, tuple[int, bytes] | None] = {}
        self.plain = _is_plain(raw, infos)
        """The zip has nothing any reader could take differently: entries one after the other
        from the start, local headers equal to the directory, one end record, no comment."""

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | os.PathLike) -> Package:
        path = Path(path)
        raw, identity = _read_regular(path, MAX_FILE_BYTES)
        _refuse_non_zip(path, raw)
        if raw.count(b"PK\x01\x02") > MAX_PARTS:  # before zipfile builds one object per entry
            raise _damaged(path, f"den består av fler än {whole(MAX_PARTS)} delar")
        try:
            zf = zipfile.ZipFile(io.BytesIO(raw))
            infos = zf.infolist()
        except zipfile.BadZipFile:
            raise _not_a_zip(path, raw) from None
        except (zipfile.LargeZipFile, EOFError, OSError, ValueError, struct.error,
                UnicodeDecodeError):  # fmt: skip
            raise _damaged(path, "zip-strukturen är trasig") from None
        _check_directory(path, infos)
        parts: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            data = _inflate(path, raw, info)
            if safe_xml.has_dtd(data):
                raise _damaged(path, f"delen {info.filename} innehåller en DTD eller "
                                     "entitetsdeklaration (<!DOCTYPE/<!ENTITY), något Excel aldrig "
                                     "skriver")  # fmt: skip
            if _looks_like_xml(data):
                parts[info.filename] = data
        return cls(path, raw, infos, parts, identity)

    # ------------------------------------------------------------------ reading parts

    def has(self, name: str) -> bool:
        return name.lower() in self._by_lower

    def name(self, name: str) -> str:
        """The part's name as stored (``KeyError`` when absent)."""
        return self._by_lower[name.lower()].filename

    def namelist(self) -> list[str]:
        return [i.filename for i in self.infos]

    def infolist(self) -> list[zipfile.ZipInfo]:
        return list(self.infos)

    def read(self, name: str) -> bytes:
        """The verified bytes of a part (``KeyError`` when absent)."""
        info = self._by_lower[name.lower()]
        data = self.parts.get(info.filename)
        return data if data is not None else _inflate(self.path, self.raw, info)

    def xml(self, name: str) -> etree._Element:
        """The root element of an XML part, parsed with the hardened parser."""
        try:
            return safe_xml.parse(self.read(name))
        except safe_xml.UnsafeXml as exc:
            raise _damaged(self.path, f"delen {name} {exc}") from None

    def zipfile(self) -> zipfile.ZipFile:
        """The verified bytes as a ``zipfile.ZipFile`` (for copying entries as they are)."""
        return zipfile.ZipFile(io.BytesIO(self.raw))

    def release(self, names) -> None:
        """Drop the inflated bytes of parts no longer needed (read again, verified, if asked);
        a worksheet keeps what follows its cells (``sheet_rest``), which the hidden-place scan
        reads, so a big sheet is not inflated a second time for it."""
        from halsocenter.xlsx.hidden_texts import sheet_rest

        for name in names:
            data = self.parts.pop(self.name(name), None)
            if data is not None:
                self._rest[self.name(name)] = sheet_rest(data)

    def sheet_rest(self, name: str) -> tuple[int, bytes] | None:
        """A worksheet without its cells (``hidden_texts.sheet_rest``), kept when the part's
        bytes were released."""
        from halsocenter.xlsx.hidden_texts import sheet_rest

        stored = self.name(name)
        if stored in self._rest:
            return self._rest[stored]
        return sheet_rest(self.read(stored))

    def calamine(self, replace: dict[str, bytes] | None = None):
        """A python-calamine workbook over exactly the verified parts (``replace`` swaps a
        part's bytes). A plain zip that is still the file that was checked is handed to
        calamine as the file (fastest, and calamine's zip reader cannot see anything else in
        it); otherwise calamine reads a stored zip assembled in memory over the verified bytes."""
        import python_calamine as pc

        try:
            if not replace and self.plain and self._unchanged():
                if _portable(self.path):
                    return pc.CalamineWorkbook.from_path(str(self.path))
                return pc.CalamineWorkbook.from_filelike(io.BytesIO(self.raw))
            parts = {i.filename: self.read(i.filename) for i in self.infos
                     if i.filename in self.parts or i.filename.lower().endswith((".xml", ".rels"))}
            parts.update(replace or {})
            crcs = {i.filename: i.CRC for i in self.infos if i.filename not in (replace or {})}
            return pc.CalamineWorkbook.from_filelike(StoredZip(parts, crcs))
        except (pc.CalamineError, pc.XmlError, pc.ZipError) as exc:
            raise _damaged(self.path, f"Excel-innehållet går inte att tolka ({exc})") from None

    def _unchanged(self) -> bool:
        try:
            return self._identity is not None and _identity(os.stat(self.path)) == self._identity
        except OSError:
            return False


def _portable(path: Path) -> bool:
    """Whether python-calamine can open ``path`` by name: its name must be valid UTF-8 (a
    Latin-1 file name on Linux arrives with undecodable bytes, which calamine cannot take)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_plain(raw: bytes, infos: list[zipfile.ZipInfo]) -> bool:
    end = len(raw) - 22
    if end < 0 or raw.count(b"PK\x05\x06") != 1 or raw[end:end + 4] != b"PK\x05\x06":
        return False
    _, _, _, _, count, cd_size, cd_offset, comment = struct.unpack_from("<4s4H2LH", raw, end)
    if comment or count != len(infos) or cd_offset + cd_size != end:
        return False
    offset = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset != offset:
            return False
        try:
            (sig, _, flags, method, _, _, crc, csize, usize, name_len,
             extra_len) = _LOCAL_HEADER.unpack_from(raw, offset)  # fmt: skip
        except struct.error:
            return False
        sizes = (info.CRC, info.compress_size, info.file_size)
        described = flags & 0x08 and (crc, csize, usize) == (0, 0, 0)  # a data descriptor follows
        if sig != b"PK\x03\x04" or method != info.compress_type or (
                not described and (crc, csize, usize) != sizes):  # fmt: skip
            return False
        offset += _LOCAL_HEADER.size + name_len + extra_len + info.compress_size
        if flags & 0x08:  # optional signature, then CRC and both sizes
            start = offset + 4 if raw[offset:offset + 4] == b"PK\x07\x08" else offset
            if raw[start:start + 12] != struct.pack("<3L", *sizes):
                return False
            offset = start + 12
    return offset == cd_offset


def _refuse_non_zip(path: Path, raw: bytes) -> None:
    """An old .xls, a password-protected workbook (both compound files) or no zip at all."""
    if raw.startswith(_CFB_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in raw[: 1 << 20]:
            raise WorkbookError(
                f"{path.name} är lösenordsskyddad. Ta bort lösenordet i Excel (Arkiv > Info > "
                "Skydda arbetsbok) och försök igen.", kind="password", path=path)
        raise WorkbookError(
            f"{path.name} är i det gamla .xls-formatet. Spara den som Excel-arbetsbok (.xlsx).",
            kind="not_workbook", path=path)


def _not_a_zip(path: Path, raw: bytes) -> WorkbookError:
    if raw.startswith(b"PK"):
        return WorkbookError(f"{path.name} är skadad eller ofullständig (trasig zip-fil).",
                             kind="corrupt", path=path)  # fmt: skip
    return WorkbookError(f"{path.name} är ingen Excel-arbetsbok (.xlsx).", kind="not_workbook",
                         path=path)  # fmt: skip


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Everything that can be judged before inflating a single byte."""
    if len(infos) > MAX_PARTS:
        raise _damaged(path, f"den består av {whole(len(infos))} delar, fler än gränsen "
                             f"{whole(MAX_PARTS)}")
    seen: set[str] = set()
    total = 0
    for info in infos:
        key = info.filename.lower()
        if key in seen:
            raise _damaged(path, f"delen {info.filename} finns två gånger")
        seen.add(key)
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                               zipfile.ZIP_DEFLATED):
            raise _damaged(path, f"delen {info.filename} är krypterad eller packad på ett sätt "
                                 "som Excel inte använder")  # fmt: skip
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookError(
                f"{path.name} kan inte läsas: delen {info.filename} skulle packas upp från "
                f"{whole(info.compress_size / 1024)} kB till {_mb(info.file_size)} MB, mer än "
                f"{MAX_RATIO} gånger. Så packar inte Excel; filen är skadad eller gjord för att "
                "skada (en så kallad zip-bomb).", kind="corrupt", path=path)
        if info.file_size > MAX_PART_BYTES:
            raise WorkbookError(
                f"{path.name} kan inte läsas: delen {info.filename} blir {_mb(info.file_size)} MB "
                f"uppackad, mer än gränsen på {_mb(MAX_PART_BYTES)} MB per del.", kind="too_big",
                path=path)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise WorkbookError(
            f"{path.name} kan inte läsas: uppackad blir den {_mb(total)} MB, mer än gränsen på "
            f"{_mb(MAX_TOTAL_BYTES)} MB.", kind="too_big", path=path)


def _inflate(path: Path, raw: bytes, info: zipfile.ZipInfo) -> bytes:
    """The part's bytes, inflated to at most its declared size; it must end exactly there and
    match its CRC."""
    start = info.header_offset
    try:
        sig, _, _, _, _, _, _, _, _, name_len, extra_len = _LOCAL_HEADER.unpack_from(raw, start)
    except struct.error:
        raise _lie(path, info) from None
    begin = start + _LOCAL_HEADER.size + name_len + extra_len
    end = begin + info.compress_size
    if sig != b"PK\x03\x04" or end > len(raw):
        raise _lie(path, info)
    packed = memoryview(raw)[begin:end]
    if info.compress_type == zipfile.ZIP_STORED:
        data = bytes(packed)
        ok = len(data) == info.file_size
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            data = inflater.decompress(packed, info.file_size + 1)
        except zlib.error:
            raise _lie(path, info) from None
        ok = len(data) == info.file_size and inflater.eof
    if not ok or zlib.crc32(data) != info.CRC:
        raise _lie(path, info)
    return data


def _lie(path: Path, info: zipfile.ZipInfo) -> WorkbookError:
    return _damaged(path, f"delen {info.filename} stämmer inte med sin angivna storlek eller "
                          "kontrollsumma")  # fmt: skip


# --------------------------------------------------------------------------- for the readers


def open_package(path: str | os.PathLike, package: Package | None = None
                 ) -> tuple[Package, Layout]:  # fmt: skip
    """The verified package of an .xlsx file and where its sheets, tables and names are
    (``package``: the file already opened, if the caller has it). No pandas: the region's
    export files are read without it."""
    path = Path(path)
    with as_workbook_error(path):
        package = package or Package.open(path)
        _refuse_strict(path, package)
        if not package.has("xl/workbook.xml"):
            raise WorkbookError(f"{path.name} är ingen Excel-arbetsbok (.xlsx).",
                                kind="not_workbook", path=path)  # fmt: skip
        return package, Layout(package)


STRICT_NS = b"http://purl.oclc.org/ooxml/"
"""Namespaces and relationship types of Strict Open XML start so (Transitional, what Excel
saves as "Excel-arbetsbok", uses schemas.openxmlformats.org)."""


def _refuse_strict(path: Path, package: Package) -> None:
    """A workbook saved as "Strict Open XML-kalkylblad": the same data in other namespaces,
    which no reader here takes. The person is told how to save it as an ordinary workbook."""
    head = b""
    for part in ("_rels/.rels", "xl/workbook.xml"):
        if package.has(part):
            head += package.read(part)[:4096]
    if STRICT_NS in head:
        raise WorkbookError(
            f"{path.name} är sparad som Strict Open XML-kalkylblad, ett format som programmet "
            "inte läser. Öppna den i Excel och spara den som vanlig Excel-arbetsbok (Arkiv > "
            "Spara som > filformat Excel-arbetsbok (*.xlsx)), och försök sedan igen.",
            kind="strict", path=path)


@contextmanager
def as_workbook_error(path: Path) -> Iterator[None]:
    """What a damaged file raises on the way (an XML part refused, python-calamine's errors, a
    missing part or an unreadable number in the XML), as the WorkbookError a person reads."""
    import python_calamine as pc

    try:
        yield
    except WorkbookError:
        raise
    except safe_xml.UnsafeXml as exc:
        raise WorkbookError(f"{path.name} är skadad och kan inte läsas: en XML-del {exc}.",
                            kind="corrupt", path=path) from None  # fmt: skip
    except (pc.CalamineError, KeyError, ValueError, pc.XmlError, pc.ZipError) as exc:
        raise WorkbookError(f"{path.name} är skadad och kan inte läsas ({type(exc).__name__}).",
                            kind="corrupt", path=path) from exc  # fmt: skip


# --------------------------------------------------------------------------- calamine's view


class StoredZip(io.RawIOBase):
    """A read-only, seekable file that is a stored (uncompressed) zip of ``parts``, assembled
    on the fly over the parts' own bytes, so nothing is copied or compressed."""

    def __init__(self, parts: dict[str, bytes], crcs: dict[str, int] | None = None):
        super().__init__()
        crcs = crcs or {}
        self._pieces: list[bytes] = []
        self._starts: list[int] = []
        central: list[bytes] = []
        offset = 0
        for name, data in parts.items():
            encoded = name.encode("utf-8")
            crc = crcs.get(name)
            crc = zlib.crc32(data) if crc is None else crc
            flags = 0 if name.isascii() else 0x800
            fields = (20, flags, 0, 0, 0x21, crc, len(data), len(data), len(encoded), 0)
            header = struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded
            central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0,
                                       offset) + encoded)  # fmt: skip
            for piece in (header, data):
                self._starts.append(offset)
                self._pieces.append(piece)
                offset += len(piece)
        directory = b"".join(central)
        end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                          len(directory), offset, 0)  # fmt: skip
        for piece in (directory, end):
            self._starts.append(offset)
            self._pieces.append(piece)
            offset += len(piece)
        self._size = offset
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._size - self._pos
        out = []
        while size > 0 and self._pos < self._size:
            i = bisect.bisect_right(self._starts, self._pos) - 1
            piece, skip = self._pieces[i], self._pos - self._starts[i]
            chunk = piece[skip:skip + size]
            out.append(chunk)
            self._pos += len(chunk)
            size -= len(chunk)
        return b"".join(out)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
