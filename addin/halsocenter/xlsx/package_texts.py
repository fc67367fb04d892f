"""Text a person can put in a workbook outside its cells, for the identity-number guard.

A personnummer hides as easily in a cell comment, a sheet or table name, a defined name or the
document properties (Arkiv > Info > Egenskaper) as in a cell, and those travel with every copy
of the file. This module lists them as ``PackageText`` items from the already-open package:

* cell comments: notes (``xl/comments*.xml``) and threaded comments
  (``xl/threadedComments/*.xml``), found through each sheet's relationships, with their authors;
* sheet names, table names (and display names), defined names and what they refer to;
* document properties: ``docProps/core.xml``, ``app.xml`` and ``custom.xml``.

Every part is read through ``read_part`` and parsed through ``parse_part``, so the hardened
package reader can take over both in one place. A part that is missing or cannot be parsed adds
nothing here (the workbook reader reports a damaged package on its own).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from halsocenter.core.model import (
    AUTHOR,
    COMMENT,
    DEFINED_NAME,
    PROPERTY,
    SHEET_NAME,
    TABLE_NAME,
    PackageText,
)
from halsocenter.errors import WorkbookError
from halsocenter.xlsx import safe_xml
from halsocenter.xlsx.layout import NS, Layout

THREADED_NS = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
CORE_PROPERTIES = "/metadata/core-properties"
EXTENDED_PROPERTIES = "/extended-properties"
CUSTOM_PROPERTIES = "/custom-properties"
DEFAULT_PROPERTY_PARTS = {CORE_PROPERTIES: "docProps/core.xml",
                          EXTENDED_PROPERTIES: "docProps/app.xml",
                          CUSTOM_PROPERTIES: "docProps/custom.xml"}  # fmt: skip

PROPERTIES_PLACE = "Arbetsbokens egenskaper"
PROPERTY_LABELS = {
    # core.xml (Dublin Core and OPC), as Excel's Arkiv > Info names them
    "title": "Rubrik", "subject": "Ämne", "creator": "Författare", "keywords": "Taggar",
    "description": "Kommentarer", "lastModifiedBy": "Senast ändrad av", "category": "Kategorier",
    "contentStatus": "Status", "identifier": "Identifierare", "language": "Språk",
    "version": "Version", "revision": "Revision", "created": "Skapad", "modified": "Ändrad",
    "lastPrinted": "Senast utskriven",
    # app.xml
    "Company": "Företag", "Manager": "Chef", "HyperlinkBase": "Hyperlänkbas",
    "Application": "Program", "AppVersion": "Programversion", "Template": "Mall",
    "TitlesOfParts": "Delarnas namn", "HeadingPairs": "Delarnas rubriker",
}  # fmt: skip
_NUMERIC_VARIANTS = {"i1", "i2", "i4", "i8", "int", "ui1", "ui2", "ui4", "ui8", "uint", "r4",
                     "r8", "decimal"}  # fmt: skip


# --------------------------------------------------------------------------- reading parts


def read_part(zf, name: str) -> bytes | None:
    """The bytes of one part, or None when the package has no such part. The one place this
    module reads from the package (a verified ``inputs.Package`` for a file)."""
    try:
        return zf.read(name)
    except KeyError:
        return None


def parse_part(zf, name: str):
    """One part as XML, or None when it is missing or not XML. The one place this module
    parses: the hardened parser of ``safe_xml`` (no DTD, no entities, no network)."""
    return safe_xml.parse_or_none(read_part(zf, name))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text_of(element) -> str:
    return "".join(element.itertext())


def _elements(parent) -> list:
    """The child elements (lxml also yields comments and processing instructions)."""
    return [child for child in parent if isinstance(child.tag, str)]


# --------------------------------------------------------------------------- the parts


def sheet_and_table_names(sheet_order: Iterable[str],
                          tables: Iterable[tuple[str, str]]) -> list[PackageText]:  # fmt: skip
    """Sheet names, and table names as (sheet, name) pairs."""
    out = [PackageText(SHEET_NAME, f"Fliknamnet ”{sheet}”", sheet, sheet) for sheet in sheet_order]
    out += [PackageText(TABLE_NAME, f"{sheet}, tabellnamnet ”{name}”", name, sheet)
            for sheet, name in tables]  # fmt: skip
    return out


def defined_names(names: Iterable[tuple[str, str | None]]) -> list[PackageText]:
    """Each defined name and the formula it refers to, as (name, formula) pairs."""
    out = []
    for name, formula in names:
        place = f"Det definierade namnet ”{name}”"
        out.append(PackageText(DEFINED_NAME, place, name))
        if formula:
            out.append(PackageText(DEFINED_NAME, f"{place} (vad namnet refererar till)", formula))
    return out


def _tables(zf, layout: Layout, names: set[str]) -> list[tuple[str, str]]:
    out = []
    for sheet, part in layout.sheet_parts.items():
        for target in layout._rels(part, names, kind="/table").values():
            table = parse_part(zf, target)
            if table is None:
                continue
            for key in ("name", "displayName"):
                value = table.get(key)
                if value and (sheet, value) not in out:
                    out.append((sheet, value))
    return out


def _defined_names(zf) -> list[tuple[str, str | None]]:
    workbook = parse_part(zf, "xl/workbook.xml")
    if workbook is None:
        return []
    return [(dn.get("name") or "", dn.text)
            for dn in workbook.iterfind("m:definedNames/m:definedName", NS)]  # fmt: skip


def _roots(zf, layout: Layout, part: str, names: set[str], kind: str) -> Iterator:
    """The parsed parts ``part`` points to by relationships of ``kind``; a missing or broken
    one is passed over."""
    for target in layout._rels(part, names, kind=kind).values():
        root = parse_part(zf, target)
        if root is not None:
            yield root


def _threads(zf, layout: Layout, part: str, names: set[str]) -> Iterator[tuple[str, str, str]]:
    """(cell, person id, text) of each threaded comment and reply of one sheet, in order."""
    for root in _roots(zf, layout, part, names, "/threadedComment"):
        for c in root.iter(f"{{{THREADED_NS}}}threadedComment"):
            text = "".join(_text_of(t) for t in c.iter(f"{{{THREADED_NS}}}text"))
            yield c.get("ref") or "", c.get("personId") or "", text


def _people(zf, layout: Layout, names: set[str]) -> dict[str, str]:
    """The threaded comments' authors: person id to display name."""
    return {p.get("id") or "": p.get("displayName") or ""
            for root in _roots(zf, layout, "xl/workbook.xml", names, "/person")
            for p in root.iter(f"{{{THREADED_NS}}}person")}  # fmt: skip


def comments(zf, layout: Layout, names: set[str] | None = None,
             ) -> list[PackageText]:  # fmt: skip
    """Notes and threaded comments of every sheet, with their authors."""
    names = names if names is not None else set(zf.namelist())
    out: list[PackageText] = []
    authors = set(_people(zf, layout, names).values())
    for sheet, part in layout.sheet_parts.items():
        for root in _roots(zf, layout, part, names, "/comments"):
            authors.update(_text_of(a) for a in root.iterfind("m:authors/m:author", NS))
            for c in root.iterfind("m:commentList/m:comment", NS):
                text = "".join(_text_of(t) for t in c.iterfind("m:text", NS))
                ref = c.get("ref")
                out.append(PackageText(COMMENT, f"{sheet}, anteckning i cell {ref}", text,
                                       sheet, ref))  # fmt: skip
        for ref, _, text in _threads(zf, layout, part, names):
            out.append(PackageText(COMMENT, f"{sheet}, kommentar i cell {ref}", text, sheet,
                                   ref or None))  # fmt: skip
    out += [PackageText(AUTHOR, f"Kommentarsförfattaren ”{a}”", a) for a in sorted(authors) if a]
    return out


@dataclass(frozen=True)
class CellNote:
    """A note (comment of the old kind) or a threaded comment with its replies, on one cell."""

    sheet: str
    cell: str
    text: str
    author: str = ""


def cell_notes(zf, layout: Layout) -> list[CellNote]:
    """Every cell's note or comment thread, for a copy that keeps them (``upgrade``). A cell with
    a threaded comment gets the thread (each entry with its author), not the placeholder note
    Excel keeps beside it for older versions."""
    names = set(zf.namelist())
    people = _people(zf, layout, names)
    out: dict[tuple[str, str], CellNote] = {}
    for sheet, part in layout.sheet_parts.items():
        threads: dict[str, list[str]] = {}
        for ref, person, text in _threads(zf, layout, part, names):
            who = people.get(person, "")
            threads.setdefault(ref, []).append(f"{who}: {text}" if who else text)
        for ref, entries in threads.items():
            if ref:
                out[sheet, ref] = CellNote(sheet, ref, "\n".join(entries))
        for root in _roots(zf, layout, part, names, "/comments"):
            authors = [_text_of(a) for a in root.iterfind("m:authors/m:author", NS)]
            for c in root.iterfind("m:commentList/m:comment", NS):
                ref = c.get("ref") or ""
                if not ref or (sheet, ref) in out:
                    continue
                text = "".join(_text_of(t) for t in c.iterfind("m:text", NS))
                index = c.get("authorId") or ""
                author = authors[int(index)] if index.isdigit() and int(index) < len(authors) else ""
                out[sheet, ref] = CellNote(sheet, ref, text, author)
    return list(out.values())


def _property_parts(layout: Layout, names: set[str]) -> dict[str, str]:
    found = dict(DEFAULT_PROPERTY_PARTS)
    for rel_kind in DEFAULT_PROPERTY_PARTS:
        for target in layout._rels("", names, kind=rel_kind).values():
            found[rel_kind] = target
    return found


def _variant(element) -> str | float | int | None:
    """A custom property's value: a number for numeric variant types, text otherwise."""
    for child in _elements(element):
        text = _text_of(child).strip()
        if _local(child.tag) in _NUMERIC_VARIANTS:
            try:
                number = float(text)
            except ValueError:
                return text
            return int(number) if number.is_integer() else number
        return text
    return None


def properties(zf, layout: Layout, names: set[str] | None = None,
               ) -> list[PackageText]:  # fmt: skip
    """Every document property with a value: core, extended (app) and custom."""
    names = names if names is not None else set(zf.namelist())
    parts = _property_parts(layout, names)
    out: list[PackageText] = []

    def add(label: str, value) -> None:
        if value not in (None, ""):
            out.append(PackageText(PROPERTY, f"{PROPERTIES_PLACE} ({label})", value))

    for kind in (CORE_PROPERTIES, EXTENDED_PROPERTIES):
        root = parse_part(zf, parts[kind])
        if root is None:
            continue
        for element in _elements(root):
            name = _local(element.tag)
            add(PROPERTY_LABELS.get(name, name), _text_of(element).strip())
    root = parse_part(zf, parts[CUSTOM_PROPERTIES])
    if root is not None:
        for element in _elements(root):
            name = element.get("name") or ""
            add(f"anpassad egenskap ”{name}”", _variant(element))
            add("namn på anpassad egenskap", name)
    return out


# --------------------------------------------------------------------------- entry points


def from_package(zf, layout: Layout) -> list[PackageText]:
    """Everything outside the cells of a saved workbook, the hidden places included
    (``hidden_texts``: headers and footers, text boxes, charts, data validations, hyperlinks,
    custom XML, number formats, defined-name comments; pivot caches and embedded objects as
    not read)."""
    from halsocenter.xlsx.hidden_texts import hidden_texts

    names = set(zf.namelist())
    return (sheet_and_table_names(layout.sheet_order, _tables(zf, layout, names))
            + defined_names(_defined_names(zf)) + comments(zf, layout, names)
            + properties(zf, layout, names) + hidden_texts(zf, layout))  # fmt: skip


def collect(layout) -> list[PackageText]:
    """What the workbook reader calls: a package ``Layout`` is read here; the live-Excel layout
    brings its own ``package_texts()`` (what Excel itself can tell)."""
    live: Callable[[], list[PackageText]] | None = getattr(layout, "package_texts", None)
    if live is not None:
        return live()
    return from_package(layout.zf, layout)


def saved_file_parts(path, *, with_comments: bool) -> list[PackageText]:
    """Document properties, the hidden places (``hidden_texts``) and, if asked, comments of the
    workbook as last saved at ``path``,
    for the live-Excel reader, which has no way to ask Excel for them; nothing when the file
    cannot be opened."""
    from halsocenter.xlsx.inputs import (
        open_package,  # the same guard as every other reader of a file
    )

    try:
        from halsocenter.xlsx.hidden_texts import hidden_texts

        package, layout = open_package(path)
        names = set(package.namelist())
        found = properties(package, layout, names) + hidden_texts(package, layout)
        if with_comments:
            found = comments(package, layout, names) + found
        return found
    except (WorkbookError, KeyError, ValueError):
        return []


__all__ = ["collect", "comments", "defined_names", "from_package", "parse_part", "properties",
           "read_part", "saved_file_parts", "sheet_and_table_names"]  # fmt: skip
