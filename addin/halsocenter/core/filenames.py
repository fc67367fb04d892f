"""File names built from what a workbook says: the one function they all go through.

The export file, the Word report the buttons write, the summary copy's default name and next
year's workbook are named from the workbook's Kommun and year, never from the input file's name
(which may hold a person's name or personnummer). What a coach types in Kommun is data, though:
``../../x``, ``C:\\Users\\x``, ``CON``, three hundred characters or a line break would otherwise
become a path. ``file_name`` therefore

* keeps letters, digits and the characters in ``SAFE``; a space becomes ``_`` (the names read
  ``Halsocenter_Vaggeryd_2024.xlsx``), any other character too, and runs of them are one ``_``;
* refuses, with a Swedish message naming the field, ``..``, a path separator or drive colon,
  control characters and line breaks, a name Windows reserves for a device (CON, NUL, COM1 …),
  a name with no letter or digit left, and a name longer than ``MAX_NAME`` characters;
* takes the year only as a whole number in the contract's range (``C.MIN_YEAR``–``C.MAX_YEAR``).

The result is a bare file name: no folder part can survive it. ``atomic.data_path`` joins it to
the chosen folder and checks that it lands there.
"""

from __future__ import annotations

import re
import unicodedata

from halsocenter.core import contract as C
from halsocenter.core.region_config import DEFAULT, Region
from halsocenter.errors import UserError

MAX_NAME = 100
"""Characters of a whole file name, extension included (Windows allows 255, but a folder path
in front of it counts against the 260 of older programs)."""
SAFE = "-_.,()&'+"
"""Characters kept besides letters and digits."""
RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$",
                      *(f"COM{i}" for i in "0123456789¹²³"),
                      *(f"LPT{i}" for i in "0123456789¹²³")})  # fmt: skip
"""Device names Windows will not give a file, whatever the extension."""
LABELS = {"kommun": "Kommunen", "ar": "Verksamhetsåret", "text": "Namnet"}
"""How a message names each field of a template."""

_SEPARATORS = re.compile(r"[/\\:]")
_OTHER = re.compile(r"_+")


class UnsafeName(UserError):
    """A file name cannot be made from a value; ``message`` says which value and why."""


def _shown(value: object) -> str:
    from halsocenter.core.privacy import mask_text

    text = mask_text(str(value))
    text = "".join(ch if ch.isprintable() else "␣" for ch in text)
    return text if len(text) <= 40 else text[:39] + "…"


def _refuse(label: str, value: object, reason: str) -> UnsafeName:
    return UnsafeName(f"{LABELS.get(label, label)} ”{_shown(value)}” kan inte bli en del av ett "
                      f"filnamn: {reason}. Rätta värdet på fliken {C.START_SHEET} och försök "
                      "igen.")  # fmt: skip


def _year(value: object) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool)
    if not ok or not C.MIN_YEAR <= value <= C.MAX_YEAR + 1:  # next year's workbook: + 1
        raise _refuse("ar", value, f"ett verksamhetsår skrivs med fyra siffror, mellan "
                                   f"{C.MIN_YEAR} och {C.MAX_YEAR}")  # fmt: skip
    return str(value)


def _part(label: str, value: object) -> str:
    text = unicodedata.normalize("NFC", str(value if value is not None else "")).strip()
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text):
        raise _refuse(label, value, "det innehåller styrtecken eller radbrytningar")
    if ".." in text:
        raise _refuse(label, value, "det innehåller ”..”, som i en sökväg")
    if _SEPARATORS.search(text):
        raise _refuse(label, value, "det innehåller snedstreck eller kolon, som i en sökväg")
    kept = "".join(ch if ch.isalnum() or ch in SAFE else "_" for ch in text)
    kept = _OTHER.sub("_", kept).strip("_.-' ")
    if not any(ch.isalnum() for ch in kept):
        raise _refuse(label, value, "det har inga bokstäver eller siffror")
    if kept.upper() in RESERVED:
        raise _refuse(label, value, "det är ett namn som Windows reserverar för en enhet "
                                    "(CON, NUL, COM1 …)")  # fmt: skip
    return kept


def file_name(template: str, suffix: str, **fields: object) -> str:
    """``template`` (``"Halsocenter_{kommun}_{ar}"``) filled with ``fields`` made safe, plus
    ``suffix`` (``".xlsx"``). ``ar`` is a year; every other field is text. Raises
    ``UnsafeName`` (a Swedish message) for a value that cannot be part of a file name."""
    safe = {key: _year(value) if key == "ar" else _part(key, value)
            for key, value in fields.items()}  # fmt: skip
    name = template.format(**safe) + suffix
    stem = name.split(".", 1)[0].upper()
    if stem in RESERVED or stem.rstrip("_") in RESERVED:
        label, value = next(iter(fields.items()))
        raise _refuse(label, value, "det blir ett namn som Windows reserverar för en enhet "
                                    "(CON, NUL, COM1 …)")  # fmt: skip
    if len(name) > MAX_NAME:
        label, value = max(fields.items(), key=lambda kv: len(str(kv[1])))
        raise _refuse(label, value, f"det är för långt ({len(str(value))} tecken; hela "
                                    f"filnamnet får vara högst {MAX_NAME} tecken)")  # fmt: skip
    return name


def kommun_for_name(kommun: object, region: Region = DEFAULT) -> object:
    """The region's own spelling of a kommun the workbook names (``vaggeryd `` →
    ``Vaggeryd``), or the value as typed for any other (checked by ``file_name``)."""
    return region.named(kommun) or kommun
