"""A minimal Compound File Binary writer ([MS-CFB] version 3, 512-byte sectors).

Enough for a ``vbaProject.bin``: nested storages and streams, the mini stream for streams
under 4096 bytes, and red-black directory trees. The output is deterministic (no timestamps,
fixed layout): header, FAT, directory, mini FAT, mini stream, then the large streams.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRIES_PER_SECTOR = SECTOR // 128
IDS_PER_SECTOR = SECTOR // 4
MAX_HEADER_DIFAT = 109

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    """Sibling order of [MS-CFB] 2.6.4: shorter names first, then by upper-cased name."""
    return len(name), name.upper()


def _tree(entries: list[_Entry], depth: int, height: int, perfect: bool) -> int:
    """Link sorted ``entries`` into a balanced tree; return the root's stream id.

    Subtree sizes differ by at most one, so every level but the deepest is full. Colouring
    the deepest level red (unless the tree is perfect) gives every root-to-leaf path the same
    number of black nodes and never two reds in a row: a valid red-black tree.
    """
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    node = entries[mid]
    node.left = _tree(entries[:mid], depth + 1, height, perfect)
    node.right = _tree(entries[mid + 1 :], depth + 1, height, perfect)
    node.color = RED if depth == height and not perfect else BLACK
    return node.sid


def _link(storage: _Entry) -> None:
    kids = sorted(storage.children.values(), key=lambda e: _sort_key(e.name))
    n = len(kids)
    height = n.bit_length() - 1  # depth of the deepest level
    storage.child = _tree(kids, 0, height, (n + 1) & n == 0)
    for kid in kids:
        if kid.kind == STORAGE:
            _link(kid)


def _walk(entry: _Entry) -> list[_Entry]:
    out = [entry]
    for kid in sorted(entry.children.values(), key=lambda e: _sort_key(e.name)):
        out += _walk(kid)
    return out


def _dir_entry(e: _Entry) -> bytes:
    raw = e.name.encode("utf-16-le")
    if len(raw) > 62:
        raise ValueError(f"namnet {e.name!r} är för långt för en CFB-post")
    name = raw + b"\x00\x00"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        e.kind,
        e.color,
        e.left,
        e.right,
        e.child,
        b"\x00" * 16,
        0,
        0,
        0,
        e.start,
        e.size,
    )


def _unused_entry() -> bytes:
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        b"",
        0,
        0,
        0,
        NOSTREAM,
        NOSTREAM,
        NOSTREAM,
        b"\x00" * 16,
        0,
        0,
        0,
        0,
        0,
    )


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\x00" * (-len(data) % size)


def write(streams: Mapping[str, bytes]) -> bytes:
    """A compound file holding ``streams``; keys are paths like ``"VBA/dir"``."""
    root = _Entry("Root Entry", ROOT)
    for path, data in streams.items():
        *folders, leaf = path.split("/")
        node = root
        for folder in folders:
            # [MS-CFB] 2.6.3: a storage object's starting sector and size are all zeroes.
            node = node.children.setdefault(folder.upper(), _Entry(folder, STORAGE, start=0))
            if node.kind != STORAGE or node.name != folder:
                raise ValueError(f"{path!r} krockar med en annan post")
        if leaf.upper() in node.children:
            raise ValueError(f"{path!r} finns redan")
        node.children[leaf.upper()] = _Entry(leaf, STREAM, bytes(data))
    entries = _walk(root)
    for sid, entry in enumerate(entries):
        entry.sid = sid
    _link(root)

    streams_list = [e for e in entries if e.kind == STREAM]
    small = [e for e in streams_list if len(e.data) < MINI_CUTOFF]
    large = [e for e in streams_list if len(e.data) >= MINI_CUTOFF]

    # Mini stream and mini FAT.
    mini_fat: list[int] = []
    mini_stream = bytearray()
    for e in small:
        e.size = len(e.data)
        count = -(-e.size // MINI_SECTOR)
        if count == 0:
            e.start = ENDOFCHAIN
            continue
        e.start = len(mini_fat)
        mini_fat += [0] * count
        _chain(mini_fat, e.start, count)
        mini_stream += _pad(e.data, MINI_SECTOR)

    n_dir = -(-len(entries) // ENTRIES_PER_SECTOR)
    n_minifat = -(-len(mini_fat) * 4 // SECTOR)
    n_mini = -(-len(mini_stream) // SECTOR)
    n_large = [-(-len(e.data) // SECTOR) for e in large]
    content = n_dir + n_minifat + n_mini + sum(n_large)
    n_fat = 1
    while n_fat * IDS_PER_SECTOR < content + n_fat:
        n_fat += 1
    if n_fat > MAX_HEADER_DIFAT:
        raise ValueError("filen är för stor för den här CFB-skrivaren (högst 109 FAT-sektorer)")

    fat = [FREESECT] * (n_fat * IDS_PER_SECTOR)
    for i in range(n_fat):
        fat[i] = FATSECT
    at = n_fat
    dir_start = at
    _chain(fat, at, n_dir)
    at += n_dir
    minifat_start = at if n_minifat else ENDOFCHAIN
    _chain(fat, at, n_minifat)
    at += n_minifat
    root.start = at if n_mini else ENDOFCHAIN
    root.size = len(mini_stream)
    _chain(fat, at, n_mini)
    at += n_mini
    for e, count in zip(large, n_large, strict=True):
        e.start, e.size = at, len(e.data)
        _chain(fat, at, count)
        at += count

    dir_bytes = b"".join(_dir_entry(e) for e in entries)
    dir_bytes += _unused_entry() * (n_dir * ENTRIES_PER_SECTOR - len(entries))

    difat = list(range(n_fat)) + [FREESECT] * (MAX_HEADER_DIFAT - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"\x00" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,  # number of directory sectors: always 0 in version 3
        n_fat,
        dir_start,
        0,
        MINI_CUTOFF,
        minifat_start,
        n_minifat,
        ENDOFCHAIN,
        0,
    ) + struct.pack(f"<{MAX_HEADER_DIFAT}I", *difat)
    assert len(header) == SECTOR

    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    mini_fat_bytes += struct.pack("<I", FREESECT) * (n_minifat * IDS_PER_SECTOR - len(mini_fat))
    body = [
        struct.pack(f"<{len(fat)}I", *fat),
        dir_bytes,
        mini_fat_bytes,
        _pad(bytes(mini_stream), SECTOR),
        *(_pad(e.data, SECTOR) for e in large),
    ]
    return header + b"".join(body)
