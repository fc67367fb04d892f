"""Text a workbook holds where no one looks, for the identity-number guard -- and masked copies.

Besides cells, comments, names and document properties (``package_texts``), a person can leave
a personnummer in places nobody sees while working: a sheet's header or footer, a text box or a
picture's alternative text, a chart's title or labels (and the values a chart keeps cached), a
data validation's input or error message or its list, a hyperlink's address or tooltip, custom
XML data, a custom number format's literal text, a defined name's comment. Every copy of the
file carries them on. This module finds each of them in the package, as a ``PackageText`` with a
Swedish place that says where to look, and can give a part back with every identity number in
those places masked (``masked_parts``), for the copies the program makes.

Two kinds of content are not read, and are reported as such instead (``UNREAD``): a pivot
table's cache (the data the pivot table saved, which can be a copy of whole tables) and embedded
objects (a pasted Word document, a packaged file). A region cannot trust what it has not read.

Sheets are read without their cell data: what matters here (``headerFooter``,
``dataValidations``, ``hyperlinks``, ``extLst``) comes after ``sheetData``, so the sheet is cut
into its root tag and what follows the cells (``sheet_rest``), a few kilobytes whatever the
number of rows. Every part is parsed with the hardened parser (``safe_xml``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from halsocenter.core.model import HIDDEN, UNREAD, PackageText
from halsocenter.core.privacy import identity_hits, mask_identity
from halsocenter.xlsx import safe_xml
from halsocenter.xlsx.layout import MAIN, REL_NS, Layout, rels_name

X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
THREADED = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

HEADER_LABELS = {
    "oddHeader": "sidhuvud", "oddFooter": "sidfot",
    "evenHeader": "sidhuvud för jämna sidor", "evenFooter": "sidfot för jämna sidor",
    "firstHeader": "sidhuvud för första sidan", "firstFooter": "sidfot för första sidan",
}  # fmt: skip
VALIDATION_ATTRS = {
    "promptTitle": "inmatningsmeddelandets rubrik", "prompt": "inmatningsmeddelande",
    "errorTitle": "felmeddelandets rubrik", "error": "felmeddelande",
}  # fmt: skip
LINK_ATTRS = {"location": "plats i dokumentet", "display": "text som visas",
              "tooltip": "skärmtips"}  # fmt: skip
SHAPE_ATTRS = {"descr": "alternativtext", "title": "rubrik för alternativtext", "name": "namn"}
INSPECT = "Arkiv > Info > Sök efter problem > Granska dokument"
"""Where Excel removes hidden data (Dokumentkontroll)."""

_SHEET_ROOT = re.compile(rb"<(?:[\w.-]+:)?worksheet\b[^>]*>")
_CELLS_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>|<(?:[\w.-]+:)?sheetData\b[^>]*/>")


# --------------------------------------------------------------------------- sheets without cells


def sheet_rest(data: bytes) -> tuple[int, bytes] | None:
    """Where a sheet's cells end, and the sheet without them: its root tag and everything after
    ``sheetData``, closed. None when the part does not look like a worksheet."""
    root = _SHEET_ROOT.search(data, 0, 1 << 16)
    if root is None:
        return None
    end = None
    start = max(0, len(data) - (1 << 20))
    for found in _CELLS_END.finditer(data, start):
        end = found
    if end is None:
        for found in _CELLS_END.finditer(data):  # a sheet with much after its cells
            end = found
    if end is None:
        return None
    return end.end(), root.group(0) + data[end.end():]


# --------------------------------------------------------------------------- places


@dataclass
class Spot:
    """One text in a part: where it is (``place``, Swedish), and how to read and set it."""

    place: str
    get: Callable[[], str | None]
    put: Callable[[str], None]
    sheet: str | None = None
    cell: str | None = None


def _attr(el, name: str, place: str, sheet=None, cell=None) -> Spot:
    return Spot(place, lambda: el.get(name), lambda v: el.set(name, v), sheet, cell)


def _text(el, place: str, sheet=None, cell=None) -> Spot:
    def put(v: str) -> None:
        el.text = v

    return Spot(place, lambda: el.text, put, sheet, cell)


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _sheet_spots(root, sheet: str) -> Iterator[Spot]:
    for hf in root.iter(f"{{{MAIN}}}headerFooter"):
        for child in hf:
            label = HEADER_LABELS.get(_local(child))
            if label:
                yield _text(child, f"{sheet}, {label} (Sidlayout > Skriv ut rubriker > "
                                   "Sidhuvud/sidfot)", sheet)  # fmt: skip
    for dv in [*root.iter(f"{{{MAIN}}}dataValidation"), *root.iter(f"{{{X14}}}dataValidation")]:
        sqref = dv.get("sqref") or "".join(t.text or "" for t in dv.iter(f"{{{XM}}}sqref"))
        where = f"{sheet}, dataverifieringen i {sqref.strip() or '?'}"
        for attr, label in VALIDATION_ATTRS.items():
            yield _attr(dv, attr, f"{where} ({label}; Data > Dataverifiering)", sheet)
        for formula in dv.iter(f"{{{MAIN}}}formula1", f"{{{MAIN}}}formula2", f"{{{XM}}}f"):
            yield _text(formula, f"{where} (listan eller villkoret; Data > Dataverifiering)",
                        sheet)  # fmt: skip
    for link in root.iter(f"{{{MAIN}}}hyperlink"):
        ref = link.get("ref") or "?"
        for attr, label in LINK_ATTRS.items():
            yield _attr(link, attr, f"{sheet}, länken i cell {ref} ({label})", sheet, ref)


def _drawing_spots(root, where: str, sheet: str | None) -> Iterator[Spot]:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = _local(el)
        if name == "cNvPr":
            for attr, label in SHAPE_ATTRS.items():
                yield _attr(el, attr, f"{where}, en figur eller bild ({label})", sheet)
        elif name == "t" and etree.QName(el).namespace == A_NS:
            yield _text(el, f"{where}, text i en textruta eller figur", sheet)


def _chart_spots(root, where: str, sheet: str | None) -> Iterator[Spot]:
    for el in root.iter(f"{{{A_NS}}}t", f"{{{C_NS}}}v"):
        what = "rubrik eller etikett" if etree.QName(el).namespace == A_NS else \
            "värden som diagrammet sparat"  # fmt: skip
        yield _text(el, f"{where}, ett diagram ({what})", sheet)


def _custom_xml_spots(root, part: str) -> Iterator[Spot]:
    where = f"Anpassade XML-data ({posixpath.basename(part)}; tas bort med {INSPECT})"
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        yield _text(el, where)
        for attr in el.attrib:
            yield _attr(el, attr, where)


def _style_spots(root) -> Iterator[Spot]:
    for fmt in root.iter(f"{{{MAIN}}}numFmt"):
        yield _attr(fmt, "formatCode", "Ett anpassat talformat (Format > Formatera celler > "
                                       "Tal > Anpassat)")  # fmt: skip


def _name_comment_spots(root) -> Iterator[Spot]:
    for dn in root.iter(f"{{{MAIN}}}definedName"):
        yield _attr(dn, "comment", f"Kommentaren till det definierade namnet ”{dn.get('name')}” "
                                   "(Formler > Namnhanteraren)")  # fmt: skip


def _all_text_spots(root, tags: tuple[str, ...], where: str) -> Iterator[Spot]:
    """Every element of ``tags`` (Clark names) with text: the comment and property parts, which
    ``package_texts`` scans, masked in copies all the same."""
    for el in root.iter(*tags):
        yield _text(el, where)


def _property_spots(root, where: str) -> Iterator[Spot]:
    """Document properties: each property's own text (not the sheet list Excel keeps in
    app.xml, which must match the sheet names)."""
    for el in root.iter():
        if not isinstance(el.tag, str) or len(el) or _local(el) in ("lpstr", "i4") and any(
                _local(a) in ("TitlesOfParts", "HeadingPairs") for a in el.iterancestors()):
            continue
        if etree.QName(el).namespace == VT and _local(el) != "lpwstr":
            yield Spot(where, lambda el=el: el.text, lambda v, el=el: _as_text(el, v))
        else:
            yield _text(el, where)


def _as_text(el, value: str) -> None:
    """A custom property that held a number (an identity number typed as one) keeps the mask as
    text: a number property cannot hold it."""
    el.tag = f"{{{VT}}}lpwstr"
    el.text = value


def _link_target_spots(root, sheet: str, refs: dict[str, str]) -> Iterator[Spot]:
    for rel in root.iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("Type", "").endswith("/hyperlink"):
            ref = refs.get(rel.get("Id", ""), "?")
            yield _attr(rel, "Target", f"{sheet}, länken i cell {ref} (adressen)", sheet, ref)


# --------------------------------------------------------------------------- the package


class Hidden:
    """The hidden places of one package (a verified ``inputs.Package``, or anything with
    ``namelist()`` and ``read(name)``) and its ``Layout``."""

    def __init__(self, zf, layout: Layout):
        self.zf = zf
        self.layout = layout
        self.names = set(zf.namelist())
        self.by_lower = {n.lower(): n for n in self.names}

    def _has(self, part: str) -> bool:
        return part.lower() in self.by_lower

    def _read(self, part: str) -> bytes | None:
        try:
            return self.zf.read(self.by_lower[part.lower()])
        except KeyError:
            return None

    def _rest(self, part: str) -> tuple[int, bytes] | None:
        keep = getattr(self.zf, "sheet_rest", None)
        if keep is not None:
            return keep(part)
        data = self._read(part)
        return sheet_rest(data) if data is not None else None

    def _parse(self, data: bytes | None):
        return safe_xml.parse_or_none(data)

    # ---------------------------------------------------------------- which parts

    def _owners(self) -> dict[str, str]:
        """Drawing and chart parts -> the sheet that shows them (through the relationships)."""
        owners: dict[str, str] = {}
        todo = [(part, sheet) for sheet, part in self.layout.sheet_parts.items()]
        while todo:
            part, sheet = todo.pop()
            for target in self.layout._rels(part, self.names).values():
                if target not in owners and self._has(target):
                    owners[target] = sheet
                    todo.append((target, sheet))
        return owners

    def copied_only(self) -> Iterator[tuple[str, Callable[[object], Iterator[Spot]]]]:
        """Parts whose texts ``package_texts`` scans (comments, document properties): not read
        again here, but masked in a copy like the hidden places."""
        for part in self.layout.sheet_parts.values():
            for kind in ("/comments", "/threadedComment"):
                for target in self.layout._rels(part, self.names, kind=kind).values():
                    if self._has(target):
                        yield target, lambda root: _all_text_spots(
                            root, (f"{{{MAIN}}}t", f"{{{MAIN}}}author", f"{{{THREADED}}}text"),
                            "")  # fmt: skip
        for target in self.layout._rels("xl/workbook.xml", self.names, kind="/person").values():
            if self._has(target):
                yield target, lambda root: (_attr(el, "displayName", "") for el in root.iter(
                    f"{{{THREADED}}}person"))  # fmt: skip
        for kind in ("/core-properties", "/extended-properties", "/custom-properties"):
            for target in self.layout._rels("", self.names, kind=kind).values():
                if self._has(target):
                    yield target, lambda root: _property_spots(root, "")

    def parts(self) -> Iterator[tuple[str, Callable[[object], Iterator[Spot]], str | None]]:
        """(part, how to find its spots, sheet) for every part with hidden places."""
        owners = self._owners()
        for sheet, part in self.layout.sheet_parts.items():
            yield part, lambda root, s=sheet: _sheet_spots(root, s), sheet
            rels = rels_name(part)
            if self._has(rels):
                yield rels, lambda root, s=sheet, p=part: _link_target_spots(
                    root, s, self._link_refs(p)), sheet  # fmt: skip
        for name in sorted(self.names):
            low = name.lower()
            sheet = owners.get(name)
            where = sheet or "Arbetsboken"
            if low.startswith("xl/drawings/") and low.endswith(".xml"):
                yield name, lambda root, w=where, s=sheet: _drawing_spots(root, w, s), sheet
            elif low.startswith("xl/charts/chart") and low.endswith(".xml"):
                yield name, lambda root, w=where, s=sheet: _chart_spots(root, w, s), sheet
            elif low.startswith("customxml/item") and not low.startswith(
                    "customxml/itemprops") and low.endswith(".xml"):  # fmt: skip
                yield name, lambda root, p=name: _custom_xml_spots(root, p), None
        if self._has("xl/styles.xml"):
            yield "xl/styles.xml", _style_spots, None
        if self._has("xl/workbook.xml"):
            yield "xl/workbook.xml", _name_comment_spots, None

    def _link_refs(self, part: str) -> dict[str, str]:
        rest = self._rest(part)
        root = self._parse(rest[1]) if rest else None
        if root is None:
            return {}
        return {link.get(f"{{{REL_NS}}}id"): link.get("ref") or "?"
                for link in root.iter(f"{{{MAIN}}}hyperlink") if link.get(f"{{{REL_NS}}}id")}

    def _root(self, part: str):
        if part in self.layout.sheet_parts.values():
            rest = self._rest(part)
            return self._parse(rest[1]) if rest else None
        return self._parse(self._read(part))

    # ---------------------------------------------------------------- reading and masking

    def texts(self) -> list[PackageText]:
        """Every non-empty text in a hidden place, and a note per part that is not read."""
        out = []
        for part, spots, _ in self.parts():
            root = self._root(part)
            if root is None:
                continue
            for spot in spots(root):
                value = spot.get()
                if value and value.strip():
                    out.append(PackageText(HIDDEN, spot.place, value, spot.sheet, spot.cell))
        return out + self.unread()

    def unread(self) -> list[PackageText]:
        """Pivot caches and embedded objects: listed as not read."""
        out = []
        caches = sorted(n for n in self.names if n.lower().startswith("xl/pivotcache/")
                        and n.lower().endswith(".xml") and "/_rels/" not in n.lower())  # fmt: skip
        if caches:
            out.append(PackageText(UNREAD, "Pivottabellernas sparade data (pivotcache)", None))
        for name in sorted(self.names):
            if name.lower().startswith("xl/embeddings/"):
                out.append(PackageText(UNREAD, f"Ett inbäddat objekt "
                                               f"({posixpath.basename(name)})", None))  # fmt: skip
        return out

    def masked_parts(self) -> dict[str, bytes]:
        """Part name -> the part with every identity number in a hidden place masked, for the
        parts that hold one (sheets keep their cells exactly as they were)."""
        out: dict[str, bytes] = {}
        every = [*self.parts(), *((part, spots, None) for part, spots in self.copied_only())]
        for part, spots, _ in every:
            root = self._root(part)
            if root is None:
                continue
            changed = False
            for spot in spots(root):
                value = spot.get()
                if value and identity_hits(value):
                    spot.put(mask_identity(value))
                    changed = True
            if changed:
                out[self.by_lower[part.lower()]] = self._serialized(part, root)
        return out

    def _serialized(self, part: str, root) -> bytes:
        if part not in self.layout.sheet_parts.values():
            return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        data = self._read(part)
        cut, _ = sheet_rest(data)
        closing = f"</{root.prefix + ':' if root.prefix else ''}worksheet>".encode()
        return data[:cut] + b"".join(etree.tostring(child) for child in root) + closing


@dataclass(frozen=True)
class CellLink:
    """A hyperlink on one cell: an address (``target``) or a place in the workbook
    (``location``), with its shown text and tip."""

    sheet: str
    cell: str
    target: str | None = None
    location: str | None = None
    display: str | None = None
    tooltip: str | None = None

    @property
    def address(self) -> str:
        """What the link leads to, as a person reads it."""
        return self.target or f"#{self.location or ''}"


def cell_links(zf, layout: Layout) -> list[CellLink]:
    """Every cell's hyperlink, for a copy that keeps them (``upgrade``)."""
    hidden = Hidden(zf, layout)
    out = []
    for sheet, part in layout.sheet_parts.items():
        rest = hidden._rest(part)
        root = hidden._parse(rest[1]) if rest else None
        if root is None:
            continue
        rels = hidden._parse(hidden._read(rels_name(part))) if hidden._has(rels_name(part)) \
            else None  # fmt: skip
        targets = {} if rels is None else {
            r.get("Id"): r.get("Target") for r in rels.iter(f"{{{PKG_REL}}}Relationship")
            if r.get("TargetMode") == "External"}  # fmt: skip
        for link in root.iter(f"{{{MAIN}}}hyperlink"):
            ref = (link.get("ref") or "").split(":")[0]
            if not ref:
                continue
            out.append(CellLink(sheet, ref, targets.get(link.get(f"{{{REL_NS}}}id")),
                                link.get("location"), link.get("display"),
                                link.get("tooltip")))  # fmt: skip
    return out


def hidden_texts(zf, layout: Layout) -> list[PackageText]:
    return Hidden(zf, layout).texts()


def masked_parts(zf, layout: Layout) -> dict[str, bytes]:
    return Hidden(zf, layout).masked_parts()


__all__ = ["CellLink", "Hidden", "cell_links", "hidden_texts", "masked_parts", "sheet_rest"]
