"""[MS-CFB] rules for a compound file (``vbaProject.bin``), checked the way a strict reader would.

Excel refuses a VBA project whose container it cannot read, and some readers are strict where
others guess. This reads the header, FAT, mini FAT and directory itself and reports every
deviation from [MS-CFB] (section numbers in the messages), then opens the file with olefile
with defects raised rather than logged.
"""

from __future__ import annotations

import io
import struct

import olefile

SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
MAXREGSECT = 0xFFFFFFFA
DIFSECT, FATSECT, ENDOFCHAIN, FREESECT = 0xFFFFFFFC, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF
UNUSED, STORAGE, STREAM, ROOT = 0, 1, 2, 5
RED, BLACK = 0, 1
DIR_ENTRY = struct.Struct("<64sHBBIII16sIQQIQ")


def _key(name: str) -> tuple[int, str]:
    """2.6.4: siblings compare by name length, then by the upper-cased name."""
    return len(name), name.upper()


def check(data: bytes) -> list[str]:
    """Every [MS-CFB] violation found in ``data`` (empty when the file is sound)."""
    problems: list[str] = []
    try:
        _check(data, problems)
    except (struct.error, IndexError, ValueError) as exc:
        problems.append(f"unreadable compound file: {exc}")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
        for path in ole.listdir(streams=True, storages=False):
            name = "/".join(path)
            if len(ole.openstream(path).read()) != ole.get_size(name):
                problems.append(f"olefile: stream {name} reads short")
        ole.close()
    except Exception as exc:  # olefile raises plain Exceptions for defects
        problems.append(f"olefile (strict): {exc}")
    return problems


def _check(data: bytes, problems: list[str]) -> None:
    def bad(msg: str) -> None:
        problems.append(msg)

    if data[:8] != SIGNATURE:
        bad("2.2: header signature is wrong")
        return
    (minor, major, order, shift, mini_shift, n_dir_sectors, n_fat, first_dir, txn, cutoff,
     first_minifat, n_minifat, first_difat, n_difat) = struct.unpack_from("<HHHHH6xIIIIIIIII", data,
                                                                        24)
    difat = list(struct.unpack_from("<109I", data, 76))
    if major not in (3, 4) or minor != 0x3E:
        bad(f"2.2: version {major}.{minor:#x} (expected 3 or 4 with minor 0x3E)")
    if order != 0xFFFE:
        bad("2.2: byte order mark is not 0xFFFE")
    if (major, shift) not in ((3, 9), (4, 12)):
        bad(f"2.2: sector shift {shift} does not match major version {major}")
    if mini_shift != 6:
        bad("2.2: mini sector shift is not 6")
    if major == 3 and n_dir_sectors != 0:
        bad("2.2: number of directory sectors must be 0 in version 3")
    if txn != 0:
        bad("2.2: transaction signature must be 0")
    if cutoff != 4096:
        bad("2.2: mini stream cutoff is not 4096")
    size = 1 << shift
    if len(data) % size:
        bad("2.1: file length is not a whole number of sectors")
    n_sectors = (len(data) - size) // size  # the header fills sector -1

    def sector(i: int) -> bytes:
        if i >= n_sectors:
            raise ValueError(f"sector {i} is past the end of the file")
        return data[(i + 1) * size:(i + 2) * size]

    # FAT sectors: the header's 109 DIFAT slots, then the DIFAT chain
    fat_sectors = [s for s in difat[:n_fat]]
    if any(s != FREESECT for s in difat[n_fat:]):
        bad("2.2: unused header DIFAT slots must be FREESECT")
    difat_chain = []
    nxt = first_difat
    per = size // 4
    while nxt not in (ENDOFCHAIN, FREESECT) and len(difat_chain) <= n_sectors:
        difat_chain.append(nxt)
        ids = struct.unpack(f"<{per}I", sector(nxt))
        fat_sectors += [s for s in ids[:-1] if s != FREESECT]
        nxt = ids[-1]
    if len(difat_chain) != n_difat:
        bad(f"2.5: {len(difat_chain)} DIFAT sectors chained, header says {n_difat}")
    if len(fat_sectors) != n_fat:
        bad(f"2.2: {len(fat_sectors)} FAT sectors listed, header says {n_fat}")
    fat: list[int] = []
    for s in fat_sectors:
        fat += struct.unpack(f"<{per}I", sector(s))
    if len(fat) < n_sectors:
        bad("2.3: the FAT does not cover every sector of the file")
        return
    for s in fat_sectors:
        if fat[s] != FATSECT:
            bad(f"2.3: FAT sector {s} is not marked FATSECT")
    for s in difat_chain:
        if fat[s] != DIFSECT:
            bad(f"2.3: DIFAT sector {s} is not marked DIFSECT")
    for s in range(n_sectors, len(fat)):
        if fat[s] != FREESECT:
            bad(f"2.3: FAT entry {s} beyond the end of the file is not FREESECT")
            break
    owner: dict[int, str] = {s: "FAT" for s in fat_sectors} | {s: "DIFAT" for s in difat_chain}

    def chain(start: int, what: str) -> list[int]:
        out: list[int] = []
        at = start
        while at != ENDOFCHAIN:
            if at > MAXREGSECT or at >= n_sectors:
                bad(f"2.3: {what} chain reaches invalid sector {at:#x}")
                break
            if at in owner:
                bad(f"2.3: sector {at} of {what} is also used by {owner[at]}")
                break
            owner[at] = what
            out.append(at)
            at = fat[at]
        return out

    dir_chain = chain(first_dir, "directory")
    raw_dir = b"".join(sector(s) for s in dir_chain)
    minifat_chain = chain(first_minifat, "mini FAT") if first_minifat != ENDOFCHAIN else []
    if len(minifat_chain) != n_minifat:
        bad(f"2.2: mini FAT has {len(minifat_chain)} sectors, header says {n_minifat}")
    minifat: list[int] = []
    for s in minifat_chain:
        minifat += struct.unpack(f"<{per}I", sector(s))

    entries = []
    for i in range(len(raw_dir) // 128):
        (name_raw, name_len, kind, color, left, right, child, _clsid, _state, _created, _modified,
         start, stream_size) = DIR_ENTRY.unpack_from(raw_dir, i * 128)
        name = name_raw[:max(name_len - 2, 0)].decode("utf-16-le", "replace")
        entries.append((name, name_len, kind, color, left, right, child, start, stream_size))
    if not entries or entries[0][2] != ROOT or entries[0][0] != "Root Entry":
        bad("2.6.2: the first directory entry is not the root storage 'Root Entry'")
        return

    for sid, (name, name_len, kind, color, left, right, child, start, stream_size) in \
            enumerate(entries):
        where = f"directory entry {sid} ({name!r})"
        if kind == UNUSED:
            if (left, right, child) != (NOSTREAM,) * 3 or name_len:
                bad(f"2.6.3: unused {where} is not cleared")
            continue
        if kind not in (STORAGE, STREAM, ROOT):
            bad(f"2.6.1: {where} has object type {kind}")
        if name_len % 2 or not 2 <= name_len <= 64:
            bad(f"2.6.3: {where} has name length {name_len}")
        if color not in (RED, BLACK):
            bad(f"2.6.3: {where} has colour {color}")
        if major == 3 and stream_size >> 32:
            bad(f"2.6.3: {where} has a size over 4 GB in a version 3 file")
        if kind == STORAGE and (start != 0 or stream_size != 0):
            bad(f"2.6.3: storage {where} must have starting sector 0 and size 0, "
                f"has {start:#x} and {stream_size}")
        if kind == STREAM and child != NOSTREAM:
            bad(f"2.6.3: stream {where} has a child")

    # the mini stream lives in the root entry's FAT chain
    root = entries[0]
    mini_chain = chain(root[7], "mini stream") if root[7] != ENDOFCHAIN else []
    if len(mini_chain) != -(-root[8] // size):
        bad(f"2.6.3: mini stream has {len(mini_chain)} sectors for {root[8]} bytes")
    mini_owner: dict[int, str] = {}
    for name, _n, kind, *_rest, start, stream_size in entries:
        if kind != STREAM:
            continue
        if stream_size < cutoff:
            count, at, seen = -(-stream_size // 64), start, 0
            while at != ENDOFCHAIN and seen <= len(minifat):
                if at >= len(minifat) or at * 64 >= root[8]:
                    bad(f"2.4: mini chain of stream {name!r} leaves the mini stream")
                    break
                if at in mini_owner:
                    bad(f"2.4: mini sector {at} of {name!r} is also used by {mini_owner[at]}")
                    break
                mini_owner[at] = name
                seen += 1
                at = minifat[at]
            if seen != count:
                bad(f"2.4: stream {name!r} of {stream_size} bytes has {seen} mini sectors, "
                    f"needs {count}")
        else:
            got = chain(start, f"stream {name!r}")
            if len(got) != -(-stream_size // size):
                bad(f"2.3: stream {name!r} of {stream_size} bytes has {len(got)} sectors")
    for at in range(len(minifat)):
        if at not in mini_owner and minifat[at] != FREESECT:
            bad(f"2.4: mini FAT entry {at} is used by no stream")
            break
    for s in range(n_sectors):
        if s not in owner and fat[s] != FREESECT:
            bad(f"2.3: sector {s} is allocated but belongs to no chain")
            break

    # 2.6.4: every storage's children form a red-black tree ordered by _key
    reached: set[int] = set()

    def tree(sid: int, low, high) -> int:
        """Black height of the subtree at ``sid``; reports order and colour violations."""
        if sid == NOSTREAM:
            return 1
        if sid >= len(entries) or sid in reached:
            bad(f"2.6.4: directory tree reaches entry {sid} twice or out of range")
            return 1
        reached.add(sid)
        name, _n, kind, color, left, right, child, *_ = entries[sid]
        key = _key(name)
        if (low is not None and key <= low) or (high is not None and key >= high):
            bad(f"2.6.4: {name!r} is out of order among its siblings")
        for side in (left, right):
            if color == RED and side != NOSTREAM and side < len(entries) \
                    and entries[side][3] == RED:
                bad(f"2.6.4: red {name!r} has a red child")
        hl, hr = tree(left, low, key), tree(right, key, high)
        if hl != hr:
            bad(f"2.6.4: black heights differ under {name!r}")
        if kind in (STORAGE, ROOT):
            storage(sid)
        return hl + (color == BLACK)

    def storage(sid: int) -> None:
        top = entries[sid][6]
        if top != NOSTREAM and top < len(entries) and entries[top][3] != BLACK:
            bad(f"2.6.4: the tree under {entries[sid][0]!r} has a red root")
        tree(top, None, None)

    reached.add(0)
    storage(0)
    for sid, entry in enumerate(entries):
        if entry[2] != UNUSED and sid not in reached:
            bad(f"2.6: directory entry {sid} ({entry[0]!r}) is in no storage's tree")
