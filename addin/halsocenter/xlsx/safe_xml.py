"""The one way XML from an input file is parsed: no DTD, no entities, no network, no huge trees.

Every XML part read from a file someone gave us (workbook, relationships, tables, shared strings,
comments, document properties, sheets on the bounded path) goes through ``parse`` or
``iterparse`` here. A DOCTYPE or ENTITY declaration is refused before any parser sees the bytes:
Excel never writes one, and entity expansion (billion laughs, external entities reaching files or
the network) is the classic way to make an XML reader hurt. The parser itself resolves no
entities, loads no DTD, never touches the network and keeps libxml2's limits on the size of one
text node and on nesting depth (``huge_tree`` stays off).

lxml is imported when the first part is parsed, not with this module: reading the workbook open
in Excel (``live.read``, xlwings Lite) parses no XML and so never loads it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False,
                      dtd_validation=False, huge_tree=False)  # fmt: skip


@cache
def parser() -> etree.XMLParser:
    """The one parser (made on first use); also keeps namespace prefixes as written (package.py
    relies on that)."""
    from lxml import etree

    return etree.XMLParser(**PARSER_OPTIONS)

NOT_UTF8_STARTS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"<\x00", b"\x00<")


class UnsafeXml(ValueError):
    """An XML part that is refused before or while parsing; ``str()`` says why, in Swedish."""


def has_dtd(data: bytes) -> bool:
    """Whether ``data`` holds a DOCTYPE or ENTITY declaration: one scan for ``<!`` in the common
    case (Excel's XML has none); a part that starts like UTF-16 or UTF-32 is decoded first."""
    if b"\x00" in data[:4] or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return any(word in data.decode(codec, "ignore") for codec in _WIDE for word in _WORDS)
    return b"<!" in data and any(word.encode() in data for word in _WORDS)


_WORDS = ("<!DOCTYPE", "<!ENTITY")
_WIDE = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


def check(data: bytes) -> None:
    """Refuse a part with a DTD or in an encoding other than UTF-8 (Excel writes only UTF-8;
    the byte-level checks elsewhere rely on it)."""
    if has_dtd(data):
        raise UnsafeXml("innehåller en DTD eller entitetsdeklaration")
    if data.startswith(NOT_UTF8_STARTS):
        raise UnsafeXml("är inte kodad i UTF-8")
    head = data[:200]
    if head.startswith(b"<?xml"):
        decl = head[: head.find(b"?>") + 1 or len(head)].lower()
        if b"encoding" in decl and not any(f"encoding={q}{name}{q}".encode() in decl.replace(b" ", b"")
                                           for name in ("utf-8", "utf8") for q in "\"'"):  # fmt: skip
            raise UnsafeXml("är inte kodad i UTF-8")


def parse(data: bytes) -> etree._Element:
    """The root element of an XML part; ``UnsafeXml`` when it is refused or not well-formed."""
    from lxml import etree

    check(data)
    try:
        return etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"är inte giltig XML ({exc.msg})") from None


def parse_or_none(data: bytes | None) -> etree._Element | None:
    """``parse`` for the places that read what they can and pass over the rest (the hidden
    texts): None for a missing part, a refused one or one that is not XML."""
    if data is None:
        return None
    try:
        return parse(data)
    except UnsafeXml:
        return None


def iterparse(data: bytes, events=("end",), tag=None) -> Iterator[tuple[str, etree._Element]]:
    """``lxml.etree.iterparse`` over a part with the same protections as ``parse``."""
    from lxml import etree

    check(data)
    try:
        yield from etree.iterparse(io.BytesIO(data), events=events, tag=tag, **PARSER_OPTIONS)
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"är inte giltig XML ({exc.msg})") from None
