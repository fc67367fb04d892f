"""Write a VBA project storage per [MS-OVBA]: compression, dir stream, PROJECT streams.

The project is written so that Excel compiles it from source: ``_VBA_PROJECT`` carries version
0xFFFF and no performance cache, and every module stream holds only compressed source text
(``MODULEOFFSET`` 0). Nothing here depends on Excel, so the add-in builds on any OS.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from halsocenter.xlam import cfb

CODE_PAGE = 1252
CODEC = "cp1252"
LCID = 0x0409
CHUNK = 4096

STANDARD = "standard"
CLASS = "class"
DOCUMENT = "document"

#: VB_Base of an Excel workbook / worksheet document module and of a class module.
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

#: Registered type libraries every Excel project references (VBA and Excel are implicit).
#: Office is needed for ``IRibbonControl`` in the ribbon callbacks.
REFERENCES: tuple[tuple[str, str], ...] = (
    (
        "stdole",
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
        r"C:\Windows\System32\stdole2.tlb#OLE Automation",
    ),
    (
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
        r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"
        r"#Microsoft Office 16.0 Object Library",
    ),
)

HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"


# --------------------------------------------------------------------------- compression


def _copy_token_help(difference: int) -> tuple[int, int]:
    """(bit count of the offset, maximum match length) for a position in a chunk (2.4.1.3.19.1)."""
    bit_count = max((difference - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _match_length(data: bytes, candidate: int, current: int, limit: int, beat: int) -> int:
    """Length of the common run at ``candidate`` and ``current`` if it exceeds ``beat``, else 0.

    Overlapping runs are allowed (the decompressor copies byte by byte from its own output,
    which equals ``data``), so slices of the input compare exactly what it will copy.
    """
    if (
        beat >= limit
        or data[candidate : candidate + beat + 1] != data[current : current + beat + 1]
    ):
        return 0
    low, high = beat + 1, limit  # low is known to match; binary search the longest
    while low < high:
        mid = (low + high + 1) // 2
        if data[candidate : candidate + mid] == data[current : current + mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """One CompressedChunk (header + data) for ``data[start:end]`` (2.4.1.3.7)."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    indexed = start  # positions < indexed are in ``heads``
    current = start
    while current < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if current >= end:
                break
            while indexed < current:
                heads.setdefault(data[indexed : indexed + 3], []).append(indexed)
                indexed += 1
            bit_count, max_length = _copy_token_help(current - start)
            limit = min(max_length, end - current)
            best_length, best_at = 0, 0
            if limit >= 3:
                for candidate in reversed(heads.get(data[current : current + 3], ())):
                    length = _match_length(data, candidate, current, limit, max(best_length, 2))
                    if length:
                        best_length, best_at = length, candidate
                        if length == limit:
                            break
            if best_length >= 3:
                token = ((current - best_at - 1) << (16 - bit_count)) | (best_length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                current += best_length
            else:
                out.append(data[current])
                current += 1
        out[flag_at] = flags
    if len(out) > CHUNK:
        # Raw chunk (2.4.1.3.10): always 4096 bytes; a short last chunk is padded with 0x00.
        raw = data[start:end] + b"\x00" * (CHUNK - (end - start))
        return struct.pack("<H", 0x3000 | (CHUNK - 1)) + raw
    return struct.pack("<H", 0xB000 | (len(out) + 2 - 3)) + bytes(out)


def compress(data: bytes) -> bytes:
    """CompressedContainer for ``data`` per [MS-OVBA] 2.4.1.3.6.

    Matches are the longest within the chunk (closest on ties), found through a hash of
    3-byte prefixes. A chunk that does not shrink is stored raw, as the spec requires.
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data, start, min(start + CHUNK, len(data)))
    return bytes(out)


# --------------------------------------------------------------------------- data encryption


def encrypt(project_id: str, data: bytes, seed: int) -> bytes:
    """Data Encryption per [MS-OVBA] 2.4.3.2 (used for CMG, DPB and GC in PROJECT)."""
    version = 2
    key = sum(project_id.encode(CODEC)) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ key])
    unencrypted1, encrypted1, encrypted2 = key, seed ^ key, seed ^ version
    ignored = bytes([0x07] * ((seed & 6) // 2))
    for byte in ignored + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    return bytes(out)


def decrypt(blob: bytes) -> bytes:
    """Inverse of :func:`encrypt` ([MS-OVBA] 2.4.3.3); returns the Data bytes."""
    seed, version_enc, key_enc = blob[0], blob[1], blob[2]
    if seed ^ version_enc != 2:
        raise ValueError("okänd krypteringsversion")
    unencrypted1, encrypted1, encrypted2 = seed ^ key_enc, key_enc, version_enc
    plain = bytearray()
    for enc in blob[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack("<I", plain[ignored : ignored + 4])
    data = bytes(plain[ignored + 4 :])
    if len(data) != length:
        raise ValueError("fel längd i krypterade data")
    return data


# --------------------------------------------------------------------------- modules


@dataclass(frozen=True)
class Module:
    """A VBA module as stored in the project: ``source`` includes its Attribute lines."""

    name: str
    kind: str  # STANDARD, CLASS or DOCUMENT
    source: str

    def stored_source(self) -> bytes:
        """Source in the module code page with CRLF line ends, as VBE stores it."""
        text = "\r\n".join(self.source.replace("\r\n", "\n").split("\n"))
        if not text.endswith("\r\n"):
            text += "\r\n"
        return text.encode(CODEC)


def document_module(name: str, base: str) -> Module:
    """An empty document module (ThisWorkbook or a sheet) with VBE's default attributes."""
    lines = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    return Module(name, DOCUMENT, "\r\n".join(lines) + "\r\n")


def _vb_name(source: str) -> str:
    for line in source.splitlines():
        if line.startswith("Attribute VB_Name = "):
            return line.split("=", 1)[1].strip().strip('"')
    raise ValueError("modulen saknar Attribute VB_Name")


def standard_module(bas_text: str) -> Module:
    """A standard module from an exported ``.bas`` text (which starts with its VB_Name)."""
    return Module(_vb_name(bas_text), STANDARD, bas_text)


def class_module(cls_text: str) -> Module:
    """A class module from an exported ``.cls`` text, converted to the form VBE stores.

    Export adds a ``VERSION 1.0 CLASS`` / ``BEGIN`` ... ``END`` header and leaves out VB_Base,
    VB_TemplateDerived and VB_Customizable; the stored form is the other way round.
    """
    lines = cls_text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        end = lines.index("END")
        lines = lines[end + 1 :]
    out: list[str] = []
    for line in lines:
        out.append(line)
        if line.startswith("Attribute VB_Name = "):
            out.append(f'Attribute VB_Base = "{CLASS_BASE}"')
        elif line.startswith("Attribute VB_Exposed = "):
            out += ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"]
    text = "\r\n".join(out)
    return Module(_vb_name(text), CLASS, text)


# --------------------------------------------------------------------------- streams


def _record(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _text_record(rec_id: int, text: str, unicode_id: int) -> bytes:
    """A record holding a string twice: in the code page, then as UTF-16 under ``unicode_id``."""
    return _record(rec_id, text.encode(CODEC)) + _record(unicode_id, text.encode("utf-16-le"))


def dir_stream(project_name: str, modules: Sequence[Module]) -> bytes:
    """The uncompressed ``dir`` stream (2.3.4.2): project information, references, modules."""
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: 32-bit Windows
    out += _record(0x0002, struct.pack("<I", LCID))  # PROJECTLCID
    out += _record(0x0014, struct.pack("<I", LCID))  # PROJECTLCIDINVOKE
    out += _record(0x0003, struct.pack("<H", CODE_PAGE))  # PROJECTCODEPAGE
    out += _record(0x0004, project_name.encode(CODEC))  # PROJECTNAME
    out += _text_record(0x0005, "", 0x0040)  # PROJECTDOCSTRING
    out += _text_record(0x0006, "", 0x003D)  # PROJECTHELPFILEPATH (both copies empty)
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    # PROJECTVERSION: Reserved (=4, in the size position), VersionMajor, VersionMinor
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)
    out += _text_record(0x000C, "", 0x003C)  # PROJECTCONSTANTS
    for name, libid in REFERENCES:
        out += _text_record(0x0016, name, 0x003E)  # REFERENCENAME
        raw = libid.encode(CODEC)
        registered = struct.pack("<I", len(raw)) + raw + struct.pack("<IH", 0, 0)
        out += _record(0x000D, registered)  # REFERENCEREGISTERED
    out += _record(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _record(0x0019, module.name.encode(CODEC))  # MODULENAME
        out += _record(0x0047, module.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _text_record(0x001A, module.name, 0x0032)  # MODULESTREAMNAME
        out += _text_record(0x001C, "", 0x0048)  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: no performance cache
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        out += _record(0x0021 if module.kind == STANDARD else 0x0022, b"")  # MODULETYPE
        out += _record(0x002B, b"")  # module terminator
    out += _record(0x0010, b"")  # dir terminator
    return bytes(out)


def project_stream(project_name: str, project_id: str, modules: Sequence[Module]) -> bytes:
    """The ``PROJECT`` stream (2.3.1): module list, name, protection state, host extender."""
    lines = [f'ID="{project_id}"']
    for module in modules:
        if module.kind == DOCUMENT:
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == CLASS:
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    # Unprotected, no password, visible. Seeds are fixed so the build is deterministic.
    for key, data in (("CMG", b"\x00\x00\x00\x00"), ("DPB", b"\x00"), ("GC", b"\xff")):
        seed = hashlib.sha256(f"{project_id}{key}".encode()).digest()[0]
        lines.append(f'{key}="{encrypt(project_id, data, seed).hex().upper()}"')
    lines += ["", "[Host Extender Info]", HOST_EXTENDER, "", "[Workspace]"]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    return ("\r\n".join(lines) + "\r\n").encode(CODEC)


def project_wm_stream(modules: Sequence[Module]) -> bytes:
    """The ``PROJECTwm`` stream (2.3.3): each module name in the code page and in UTF-16."""
    out = bytearray()
    for module in modules:
        out += module.name.encode(CODEC) + b"\x00"
        out += module.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


#: ``_VBA_PROJECT`` (2.3.4.1): Reserved1 0x61CC, Version 0xFFFF, Reserved2 0x00, Reserved3.
VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000)


def vba_project_bin(project_name: str, project_id: str, modules: Sequence[Module]) -> bytes:
    """The complete ``vbaProject.bin`` (a compound file) for ``modules``."""
    names = [m.name for m in modules]
    if len(set(n.lower() for n in names)) != len(names) or project_name.lower() in map(
        str.lower, names
    ):
        raise ValueError("modulnamn och projektnamn måste vara unika")
    streams = {
        "PROJECT": project_stream(project_name, project_id, modules),
        "PROJECTwm": project_wm_stream(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": compress(dir_stream(project_name, modules)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(module.stored_source())
    return cfb.write(streams)
