"""Text as Excel stores it: ``_xHHHH_`` escapes, characters XML cannot hold, the 32,767 limit.

Excel writes a character that XML cannot hold (most control characters, U+FFFE, U+FFFF, a lone
surrogate) as ``_xHHHH_`` and escapes a literal ``_xHHHH_`` typed by a person by writing its
underscore as ``_x005F_``. python-calamine decodes the escapes of U+0000–U+00FF the same way
(``unescape`` below does exactly what it does, for the cells our own bounded reader handles).
What comes out can still hold characters that no XML file may contain, and a cell written by
some other program can be longer than Excel's limit: ``clean`` drops the former (an escape of a
character XML cannot hold is dropped too, so the result is what Excel would show minus what it
could never save) and cuts the latter, and the reader reports both as warnings.
"""

from __future__ import annotations

import re

EXCEL_MAX_CHARS = 32_767
"""The most characters an Excel cell can hold."""

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""The characters XML 1.0 cannot hold: the one filter every writer uses (openpyxl's own list,
``ILLEGAL_CHARACTERS_RE``, lacks lone surrogates, U+FFFE and U+FFFF)."""

_ESCAPE = re.compile(r"_x00([0-9A-Fa-f]{2})_")
_NOT_XML = re.compile(NOT_IN_XML.pattern + r"|_x(?:[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF])_")
"""A character XML 1.0 cannot hold, or Excel's escape of one that calamine leaves as text."""


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot hold."""
    return NOT_IN_XML.sub("", text)


def unescape(raw: str) -> str:
    """Decode Excel's ``_x00HH_`` escapes as python-calamine does (left to right, once)."""
    if "_x00" not in raw:
        return raw
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), raw)


def escape(text: str) -> str:
    """Excel's escaping of ``text`` for a cell (the inverse of ``unescape`` followed by
    ``clean`` for every character XML can hold)."""
    out = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if ch == "_" and _looks_escaped(text, i):
            out.append("_x005F_")
        elif (code < 0x20 and ch not in "\t\n") or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            out.append(f"_x{code:04X}_")
        else:
            out.append(ch)
    return "".join(out)


def _looks_escaped(text: str, i: int) -> bool:
    return re.match(r"_x[0-9A-Fa-f]{4}_", text[i:i + 7]) is not None


def suspect(texts: list[str]) -> bool:
    """Whether any of ``texts`` needs ``clean``: one pass over the distinct texts joined (a
    sheet repeats its list values thousands of times), no Python call per cell."""
    if not texts:
        return False
    distinct = dict.fromkeys(texts)
    if max(map(len, distinct)) > EXCEL_MAX_CHARS:
        return True
    return _NOT_XML.search("\n".join(distinct)) is not None


def clean(text: str) -> tuple[str, bool, bool]:
    """``text`` without characters XML cannot hold and cut at Excel's limit, and whether
    anything was dropped or cut."""
    cleaned = _NOT_XML.sub("", text)
    dropped = cleaned != text
    cut = len(cleaned) > EXCEL_MAX_CHARS
    return (cleaned[:EXCEL_MAX_CHARS] if cut else cleaned), dropped, cut
