"""Add the generated sheets to a copy of a coach's workbook without re-saving the rest of it.

openpyxl cannot be used to load and re-save the coach's file: it silently drops what it does not
model (x14 data validations in ``extLst``, some charts, comments, custom XML, ...) and loading a
big workbook takes far longer than the whole summary may. So this module works on the OPC
package (the zip) directly:

* every part of the input that does not have to change is copied as the same compressed zip
  entry bytes (no decompression, no recompression), so sheets, styles of input cells, data
  validations, charts, images and comments stay exactly as they were;
* the generated sheets (from a small workbook that someone built with openpyxl) are added as new
  parts with fresh, non-colliding names, together with their drawings, charts, images and tables;
  a sheet of the same name in the input is replaced at its position and the parts only it used
  are removed;
* only the parts that must list the new sheets are rewritten: ``[Content_Types].xml``, the
  workbook part and its rels, the sheet list in ``docProps/app.xml``, ``styles.xml`` (entries
  are only appended, never changed, and only when the input lacks an identical one, so running
  again on the output adds nothing) and, when
  a replaced sheet had formulas in it, ``calcChain.xml`` is dropped (it is a cache Excel rebuilds;
  a chain naming cells that no longer hold formulas is what makes Excel "repair" a file).

Strings of the generated sheets are written as inline strings (``t="inlineStr"``) rather than
appended to the input's shared-string table: that table can be the biggest part of a large
workbook, and appending would mean decompressing, rewriting and recompressing it on every run.
Excel, LibreOffice, openpyxl and python-calamine all read inline strings; Excel turns them into
shared strings the next time the coach saves.

lxml (already installed as a dependency of python-docx) is used instead of xml.etree because it
keeps namespace prefixes as written; xml.etree renames them (``ns0:``), which breaks the
``mc:Ignorable="x14ac xr"`` lists Excel puts in workbook.xml and styles.xml.

The input is opened as a verified ``inputs.Package`` (regular file, size, zip and DTD checks, the
same a read does), and its parts are copied from exactly the bytes that were checked: a file the
reader refuses is never copied into an output, whichever command gets there.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import zipfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from halsocenter.atomic import Output, atomic_write
from halsocenter.core.parse import norm_header
from halsocenter.errors import WorkbookError
from halsocenter.ownership import FIXED_DATE_TIME, NeedsZip64, RawZipWriter
from halsocenter.xlsx import safe_xml
from halsocenter.xlsx.inputs import Package
from halsocenter.xlsx.layout import MAIN, PKG_REL, R_ID, REL_NS, rels_name, resolve
from halsocenter.xlsx.safe_xml import parser

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RT_OFFICE_DOC = REL_NS + "/officeDocument"
RT_WORKSHEET = REL_NS + "/worksheet"
RT_STYLES = REL_NS + "/styles"
RT_SHARED_STRINGS = REL_NS + "/sharedStrings"
RT_CALC_CHAIN = REL_NS + "/calcChain"
RT_TABLE = REL_NS + "/table"
RT_EXTENDED_PROPS = REL_NS + "/extended-properties"
EP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"

CONTENT_TYPES = "[Content_Types].xml"
FIRST_CUSTOM_NUMFMT = 164
STYLE_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
               "dxfs", "tableStyles", "colors", "extLst")  # fmt: skip
TABLE_DXF_ATTRS = ("headerRowDxfId", "dataDxfId", "totalsRowDxfId", "headerRowBorderDxfId",
                   "tableBorderDxfId", "totalsRowBorderDxfId")  # fmt: skip

_PARSER = parser()
"""The hardened parser: no entities, no DTD, no network, libxml2's size limits."""


def _q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


def _parse(data: bytes) -> etree._Element:
    return safe_xml.parse(data)


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------- part names & rels


def _relative(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


@dataclass
class _Rel:
    id: str
    type: str
    target: str | None
    """Zip name of the target part; None for an external target."""


class _Package:
    """Read-side view of one OPC zip: parts, their relationships and content types."""

    def __init__(self, zf: zipfile.ZipFile, overrides: dict[str, bytes] | None = None):
        self.zf = zf
        self.replaced = dict(overrides or {})
        """Parts read as these bytes instead (the input's parts with identity numbers in hidden
        places masked, ``hidden_texts.masked_parts``)."""
        self.infos = zf.infolist()
        self.by_lower = {i.filename.lower(): i.filename for i in self.infos}
        self._rels: dict[str, list[_Rel]] = {}
        if not self.has(CONTENT_TYPES):
            raise ValueError("Filen är ingen Excel-arbetsbok ([Content_Types].xml saknas).")
        ct = _parse(self.read(CONTENT_TYPES))
        self.defaults = {el.get("Extension", "").lower(): el.get("ContentType")
                         for el in ct.iter(f"{{{CT_NS}}}Default")}  # fmt: skip
        self.overrides = {el.get("PartName", "").lstrip("/").lower(): el.get("ContentType")
                          for el in ct.iter(f"{{{CT_NS}}}Override")}  # fmt: skip
        main = [r for r in self.rels("") if r.type == RT_OFFICE_DOC and r.target]
        if not main or not self.has(main[0].target):
            raise ValueError("Filen är ingen Excel-arbetsbok (arbetsboksdelen saknas).")
        self.workbook = self.name(main[0].target)

    def has(self, part: str) -> bool:
        return part.lower() in self.by_lower

    def name(self, part: str) -> str:
        return self.by_lower[part.lower()]

    def read(self, part: str) -> bytes:
        name = self.name(part)
        return self.replaced[name] if name in self.replaced else self.zf.read(name)

    def content_type(self, part: str) -> str | None:
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        return self.overrides.get(part.lower()) or self.defaults.get(ext)

    def rels(self, part: str) -> list[_Rel]:
        if part not in self._rels:
            found: list[_Rel] = []
            rn = rels_name(part)
            if self.has(rn):
                for el in _parse(self.read(rn)).iter(f"{{{PKG_REL}}}Relationship"):
                    external = el.get("TargetMode") == "External"
                    target = None if external else resolve(part, el.get("Target", ""))
                    if target is not None and self.has(target):
                        target = self.name(target)
                    found.append(_Rel(el.get("Id", ""), el.get("Type", ""), target))
            self._rels[part] = found
        return self._rels[part]

    def closure(self, starts: Iterable[str], skip: set[tuple[str, str]] = frozenset()) -> list[str]:
        """Parts reachable from ``starts`` through internal relationships, in discovery order.

        ``skip`` holds (source part, relationship id) edges not to follow."""
        seen: dict[str, None] = {}
        todo = [s for s in starts]
        while todo:
            part = todo.pop(0)
            if part in seen:
                continue
            seen[part] = None
            for rel in self.rels(part):
                if rel.target and self.has(rel.target) and (part, rel.id) not in skip:
                    todo.append(rel.target)
        return list(seen)


def _allocate(part: str, taken: set[str]) -> str:
    """A free name like ``part`` (``xl/charts/chart7.xml`` -> the first free ``chartN.xml``)."""
    folder, base = posixpath.split(part)
    stem, ext = posixpath.splitext(base)
    stem = re.sub(r"\d+$", "", stem) or "part"
    n = 1
    while True:
        candidate = posixpath.join(folder, f"{stem}{n}{ext}")
        # a stray rels part of that name in the input would otherwise be written twice
        if candidate.lower() not in taken and rels_name(candidate).lower() not in taken:
            taken.update((candidate.lower(), rels_name(candidate).lower()))
            return candidate
        n += 1


def _free_id(prefix: str, used: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    used.add(f"{prefix}{n}")
    return f"{prefix}{n}"


# --------------------------------------------------------------------------- styles


def _canon(el: etree._Element) -> tuple:
    """Structural identity of a style entry (attribute order and whitespace ignored)."""
    children = tuple(_canon(c) for c in el if isinstance(c.tag, str))
    return (el.tag, tuple(sorted(el.attrib.items())), (el.text or "").strip(), children)


def _child(root: etree._Element, tag: str, create: bool) -> etree._Element | None:
    found = root.find(_q(tag))
    if found is not None or not create:
        return found
    new = etree.Element(_q(tag))
    new.set("count", "0")
    later = STYLE_ORDER[STYLE_ORDER.index(tag) + 1:]
    for i, existing in enumerate(root):
        if isinstance(existing.tag, str) and etree.QName(existing).localname in later:
            root.insert(i, new)
            break
    else:
        root.append(new)
    return new


def _items(parent: etree._Element | None, tag: str) -> list[etree._Element]:
    return [] if parent is None else parent.findall(_q(tag))


@dataclass
class _StyleMap:
    """Generated style index -> index in the result (identity when the input had no styles)."""

    xfs: dict[int, int] | None = None
    dxfs: dict[int, int] | None = None

    def xf(self, i: int) -> int:
        return i if self.xfs is None else self.xfs.get(i, 0)

    def dxf(self, i: int) -> int:
        return i if self.dxfs is None else self.dxfs.get(i, 0)


def _merge_styles(dst: etree._Element, gen: etree._Element) -> tuple[_StyleMap, bool]:
    """Append to ``dst`` (the input's styleSheet) what the generated cells need.

    Existing entries are never touched, so every input cell keeps its look; an entry equal to
    one already present is reused instead of appended. Returns the index maps and whether
    ``dst`` changed."""
    changed = False

    known: dict[str, tuple[etree._Element, dict[tuple, int], int]] = {}

    def add(collection: str, tag: str, entry: etree._Element) -> int:
        nonlocal changed
        if collection not in known:  # index once: bloated workbooks have 60,000 cellXfs
            parent = _child(dst, collection, create=True)
            index: dict[tuple, int] = {}
            items = _items(parent, tag)
            for i, existing in enumerate(items):
                index.setdefault(_canon(existing), i)
            known[collection] = (parent, index, len(items))
        parent, index, size = known[collection]
        key = _canon(entry)
        if key in index:
            return index[key]
        parent.append(entry)
        index[key] = size
        known[collection] = (parent, index, size + 1)
        parent.set("count", str(size + 1))
        changed = True
        return size

    # number formats: built-in ids are universal; custom ones matched by format code
    dst_fmts = {el.get("formatCode"): int(el.get("numFmtId"))
                for el in _items(_child(dst, "numFmts", False), "numFmt")}  # fmt: skip
    next_fmt = max([FIRST_CUSTOM_NUMFMT - 1, *dst_fmts.values()]) + 1
    fmt_map: dict[int, int] = {}
    for el in _items(_child(gen, "numFmts", False), "numFmt"):
        gid, code = int(el.get("numFmtId")), el.get("formatCode")
        if gid < FIRST_CUSTOM_NUMFMT:
            continue
        if code not in dst_fmts:
            new = etree.Element(_q("numFmt"), numFmtId=str(next_fmt), formatCode=code)
            add("numFmts", "numFmt", new)
            dst_fmts[code] = next_fmt
            next_fmt += 1
        fmt_map[gid] = dst_fmts[code]

    def remap_fmt(el: etree._Element) -> None:
        if el.get("numFmtId") is not None:
            fid = int(el.get("numFmtId"))
            el.set("numFmtId", str(fmt_map.get(fid, fid)))

    maps: dict[str, dict[int, int]] = {}
    for collection, tag in (("fonts", "font"), ("fills", "fill"), ("borders", "border")):
        maps[collection] = {i: add(collection, tag, _copy(el))
                            for i, el in enumerate(_items(_child(gen, collection, False), tag))}

    def remap_xf(el: etree._Element) -> etree._Element:
        el = _copy(el)
        remap_fmt(el)
        for attr, collection in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            if el.get(attr) is not None:
                el.set(attr, str(maps[collection].get(int(el.get(attr)), 0)))
        return el

    # cell styles: a named style the input already has (same name, or the same built-in style
    # such as Normal under another name) keeps the input's definition
    def style_keys(cs: etree._Element) -> list[tuple[str, str]]:
        keys = [("name", cs.get("name", "").casefold())]
        return keys + ([("builtin", cs.get("builtinId"))] if cs.get("builtinId") else [])

    dst_named: dict[tuple[str, str], int] = {}
    for cs in _items(_child(dst, "cellStyles", False), "cellStyle"):
        for key in style_keys(cs):
            dst_named.setdefault(key, int(cs.get("xfId", "0")))
    gen_named = {int(cs.get("xfId", "0")): cs
                 for cs in _items(_child(gen, "cellStyles", False), "cellStyle")}  # fmt: skip
    style_xf: dict[int, int] = {}
    for i, el in enumerate(_items(_child(gen, "cellStyleXfs", False), "xf")):
        named = gen_named.get(i)
        match = next((dst_named[k] for k in style_keys(named) if k in dst_named), None) if (
            named is not None) else None  # fmt: skip
        if match is not None:
            style_xf[i] = match
            continue
        style_xf[i] = add("cellStyleXfs", "xf", remap_xf(el))
        if named is not None:
            new = _copy(named)
            new.set("xfId", str(style_xf[i]))
            add("cellStyles", "cellStyle", new)
            for key in style_keys(named):
                dst_named[key] = style_xf[i]

    result = _StyleMap({}, {})
    for i, el in enumerate(_items(_child(gen, "cellXfs", False), "xf")):
        xf = remap_xf(el)
        if xf.get("xfId") is not None:
            xf.set("xfId", str(style_xf.get(int(xf.get("xfId")), 0)))
        result.xfs[i] = add("cellXfs", "xf", xf)
    for i, el in enumerate(_items(_child(gen, "dxfs", False), "dxf")):
        dxf = _copy(el)
        for fmt in dxf.iter(_q("numFmt")):
            remap_fmt(fmt)
        result.dxfs[i] = add("dxfs", "dxf", dxf)
    return result, changed


def _copy(el: etree._Element) -> etree._Element:
    new = etree.fromstring(etree.tostring(el), _PARSER)
    new.tail = None
    return new


# --------------------------------------------------------------------------- the merge


@dataclass
class _Plan:
    """What the output holds: rewritten input parts, removed input parts, added parts."""

    changed: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    added: list[tuple[str, bytes]] = field(default_factory=list)


def _calc_chain_sheet_ids(data: bytes) -> set[str]:
    ids, current = set(), "0"
    for el in _parse(data).iter(_q("c")):
        current = el.get("i", current)
        ids.add(current)
    return ids


def _sheet_entries(pkg: _Package, wb: etree._Element) -> list[tuple[etree._Element, str | None]]:
    rels = {r.id: r for r in pkg.rels(pkg.workbook)}
    out = []
    for el in wb.find(_q("sheets")).findall(_q("sheet")):
        rel = rels.get(el.get(R_ID, ""))
        out.append((el, rel.target if rel and rel.target and pkg.has(rel.target) else None))
    return out


_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s/>]")
_TAB_SELECTED = re.compile(
    rb"""(<(?:[\w.-]+:)?sheetView\b[^>]*?)\s+tabSelected\s*=\s*(["'])(?:1|true)\2""")
HEAD_LIMIT = 1 << 20
"""How far into a sheet part its sheetViews may start (they come before the cell data)."""


def _deselected(pkg: _Package, part: str) -> bytes | None:
    """The sheet part without ``tabSelected`` on its views, or None when it had none.

    Only the head before ``sheetData`` is searched and changed; the cells are passed through as
    bytes, so a big selected sheet costs one inflate and deflate, not an XML parse."""
    head = b""
    with pkg.zf.open(pkg.name(part)) as fh:
        while len(head) < HEAD_LIMIT:
            chunk = fh.read(1 << 16)
            head += chunk
            if not chunk or _SHEET_DATA.search(head):
                break
    found = _SHEET_DATA.search(head)
    end = found.start() if found else len(head)
    if not _TAB_SELECTED.search(head, 0, end):
        return None
    data = pkg.read(part)
    return _TAB_SELECTED.sub(rb"\1", data[:end]) + data[end:]


def _workbook_view(wb: etree._Element) -> etree._Element:
    """The workbook's first window, created (before the sheet list) when it has none."""
    views = wb.find(_q("bookViews"))
    if views is None:
        views = etree.Element(_q("bookViews"))
        wb.find(_q("sheets")).addprevious(views)
    view = views.find(_q("workbookView"))
    if view is None:
        view = etree.SubElement(views, _q("workbookView"))
    return view


class SheetInTheWay(ValueError):
    """A sheet of the input has a generated sheet's name but is not one the caller may
    replace (a coach's own sheet, or the program's sheet changed since)."""


def _plan(src: _Package, gen: _Package, activate: str | None = None,
          replaces: Collection[str] | None = None) -> _Plan:  # fmt: skip
    plan = _Plan()
    wb_part = src.workbook
    wb = _parse(src.read(wb_part))
    if wb.tag != _q("workbook") or wb.find(_q("sheets")) is None:
        raise ValueError("Arbetsboksdelen har ett okänt format (Strict OOXML stöds inte).")
    wb_rels_name = src.name(rels_name(wb_part))
    wb_rels = _parse(src.read(wb_rels_name))
    new_rels: list[tuple[str, str, str]] = []  # (id, type, target part)
    added_types: dict[str, str | None] = {}

    gwb = _parse(gen.read(gen.workbook))
    gen_sheets = _sheet_entries(gen, gwb)
    names = [el.get("name", "") for el, _ in gen_sheets]
    if len({n.casefold() for n in names}) != len(names):
        raise ValueError("De genererade bladen har dubbla namn.")
    if any(part is None for _, part in gen_sheets):
        raise ValueError("Den genererade arbetsboken saknar en bladdel.")

    src_sheets = _sheet_entries(src, wb)
    if replaces is None:  # the package-level default: a sheet of the same name is replaced
        position = {el.get("name", "").casefold(): i for i, (el, _) in enumerate(src_sheets)}
    else:  # only the sheets the caller proved to be the program's own; no other is touched
        position = {el.get("name", "").casefold(): i for i, (el, _) in enumerate(src_sheets)
                    if el.get("name", "") in replaces}  # fmt: skip
        kept = {norm_header(el.get("name", "")): el.get("name", "")
                for el, _ in src_sheets if el.get("name", "") not in replaces}  # fmt: skip
        clash = [kept[norm_header(n)] for n in names if norm_header(n) in kept]
        if clash:
            raise SheetInTheWay(f"fliken ”{clash[0]}” har samma namn som en flik programmet "
                                "skapar men är inte programmets egen")  # fmt: skip
    dst_index: list[int] = []
    for name in names:
        if name.casefold() in position:
            dst_index.append(position[name.casefold()])
        else:
            dst_index.append(len(src_sheets) + sum(i >= len(src_sheets) for i in dst_index))
    replaced = {i for i in dst_index if i < len(src_sheets)}

    # parts used only by the replaced sheets go, together with their rels parts
    drop_rids = {src_sheets[i][0].get(R_ID, "") for i in replaced}
    keep = set(src.closure([""], {(wb_part, rid) for rid in drop_rids}))
    old_parts = [part for i in sorted(replaced) if (part := src_sheets[i][1])]
    gone = [p for p in src.closure(old_parts) if p not in keep]
    replaced_ids = {src_sheets[i][0].get("sheetId") for i in replaced}
    for rel in src.rels(wb_part):
        if (rel.type == RT_CALC_CHAIN and rel.target and src.has(rel.target)
                and replaced_ids & _calc_chain_sheet_ids(src.read(rel.target))):  # fmt: skip
            gone.append(rel.target)
            drop_rids.add(rel.id)
    for part in gone:
        plan.removed.add(part)
        if src.has(rels_name(part)):
            plan.removed.add(src.name(rels_name(part)))
    taken = {i.filename.lower() for i in src.infos} - {p.lower() for p in plan.removed}
    used_rids = {el.get("Id") for el in wb_rels} - drop_rids

    # styles: append what the generated cells need to the input's styles
    styles = _workbook_target(src, RT_STYLES)
    gen_styles = _workbook_target(gen, RT_STYLES)
    style_map = _StyleMap()
    if gen_styles and styles:
        merged = _parse(src.read(styles))
        style_map, changed = _merge_styles(merged, _parse(gen.read(gen_styles)))
        if changed:
            plan.changed[styles] = _serialize(merged)
    elif gen_styles:
        target = _allocate("xl/styles.xml", taken)
        plan.added.append((target, gen.read(gen_styles)))
        added_types[target] = gen.content_type(gen_styles)
        new_rels.append((_free_id("rId", used_rids), RT_STYLES, target))

    shared = _shared_strings(gen)
    table_ids, table_names = _tables_in_use(src, wb, plan.removed)
    view = wb.find(f"{_q('bookViews')}/{_q('workbookView')}")
    active = int(view.get("activeTab", "0")) if view is not None else 0
    wanted = [i for i, n in enumerate(names) if activate and n.casefold() == activate.casefold()]
    if wanted:  # open on a generated sheet: make it the active tab and the only selected one
        active = dst_index[wanted[0]]
        view = _workbook_view(wb)
        view.set("activeTab", str(active))
        if int(view.get("firstSheet", "0")) > active:
            view.set("firstSheet", str(active))
        for i, (_, part) in enumerate(src_sheets):
            if i not in replaced and part and part not in plan.removed:
                data = _deselected(src, part)
                if data is not None:
                    plan.changed[part] = data

    # the generated sheets and everything they reach, under fresh names
    renamed: dict[str, str] = {}
    for _, part in gen_sheets:
        for p in gen.closure([part]):
            if p not in renamed:
                renamed[p] = _allocate(p, taken)
    sheet_at = {part: dst_index[i] for i, (_, part) in enumerate(gen_sheets)}
    for p, new_name in renamed.items():
        data = gen.read(p)
        if p in sheet_at:
            data = _rewrite_sheet(data, style_map, shared, selected=sheet_at[p] == active)
        elif gen.content_type(p) == CT_TABLE:
            data = _rewrite_table(data, style_map, table_ids, table_names)
        plan.added.append((new_name, data))
        added_types[new_name] = gen.content_type(p)
        if gen.rels(p):
            root = _parse(gen.read(rels_name(p)))
            for el, rel in zip(root.iter(f"{{{PKG_REL}}}Relationship"), gen.rels(p), strict=True):
                if rel.target is not None and rel.target in renamed:
                    el.set("Target", _relative(new_name, renamed[rel.target]))
            plan.added.append((rels_name(new_name), _serialize(root)))

    # workbook.xml: the sheet list and the defined names
    sheets_el = wb.find(_q("sheets"))
    # ids after the kept sheets' ones, so that runs on their own output give the same workbook
    next_sheet_id = max((int(el.get("sheetId", "0")) for i, (el, _) in enumerate(src_sheets)
                         if i not in replaced), default=0) + 1  # fmt: skip
    gen_types = {r.target: r.type for r in gen.rels(gen.workbook)}
    for (gel, part), index in zip(gen_sheets, dst_index, strict=True):
        rid = _free_id("rId", used_rids)
        new_rels.append((rid, gen_types[part], renamed[part]))
        new = etree.Element(_q("sheet"), nsmap={"r": REL_NS})
        new.set("name", gel.get("name"))
        new.set("sheetId", str(next_sheet_id))
        next_sheet_id += 1
        if gel.get("state") in ("hidden", "veryHidden"):
            new.set("state", gel.get("state"))
        new.set(R_ID, rid)
        if index < len(src_sheets):
            sheets_el.replace(src_sheets[index][0], new)
        else:
            sheets_el.append(new)
    _merge_defined_names(wb, gwb, replaced, dst_index)
    plan.changed[wb_part] = _serialize(wb)
    old_names = [el.get("name", "") for el, _ in src_sheets]
    new_names = [el.get("name", "") for el in sheets_el.findall(_q("sheet"))]
    app = _app_properties(src, old_names, new_names)
    if app is not None:
        plan.changed[app[0]] = app[1]

    for el in list(wb_rels):
        if el.get("Id") in drop_rids:
            wb_rels.remove(el)
    for rid, rtype, target in new_rels:
        etree.SubElement(wb_rels, f"{{{PKG_REL}}}Relationship", Id=rid, Type=rtype,
                         Target=_relative(wb_part, target))  # fmt: skip
    plan.changed[wb_rels_name] = _serialize(wb_rels)

    # content types: forget removed parts, declare added ones the defaults do not cover
    ct = _parse(src.read(CONTENT_TYPES))
    removed = {p.lower() for p in plan.removed}
    for el in ct.findall(f"{{{CT_NS}}}Override"):
        if el.get("PartName", "").lstrip("/").lower() in removed:
            ct.remove(el)
    for name, ctype in added_types.items():
        ext = posixpath.splitext(name)[1].lstrip(".").lower()
        if ctype and src.defaults.get(ext) != ctype:
            etree.SubElement(ct, f"{{{CT_NS}}}Override", PartName="/" + name, ContentType=ctype)
    plan.changed[src.name(CONTENT_TYPES)] = _serialize(ct)
    return plan


def _app_properties(pkg: _Package, old: list[str], new: list[str]) -> tuple[str, bytes] | None:
    """``docProps/app.xml`` with its sheet list (TitlesOfParts/HeadingPairs) made ``new``.

    Excel lists the sheets there as one group of titles (named "Worksheets", "Kalkylblad", ...
    in the author's language) next to groups such as named ranges. The group whose titles were
    the old sheets gets the new ones; other groups are kept. None when there is nothing to fix.
    """
    part = next((r.target for r in pkg.rels("") if r.type == RT_EXTENDED_PROPS
                 and r.target and pkg.has(r.target)), None)  # fmt: skip
    if part is None:
        return None
    root = _parse(pkg.read(part))
    pairs = root.find(f"{{{EP_NS}}}HeadingPairs/{{{VT_NS}}}vector")
    titles = root.find(f"{{{EP_NS}}}TitlesOfParts/{{{VT_NS}}}vector")
    if pairs is None or titles is None:
        return None
    variants = [v[0] for v in pairs.findall(f"{{{VT_NS}}}variant") if len(v)]
    names = [el.text or "" for el in titles]
    groups, at = [], 0
    for label, count in zip(variants[::2], variants[1::2], strict=False):
        n = int(count.text or 0)
        groups.append([label.text or "", names[at:at + n]])
        at += n
    if at != len(names):
        return None  # not a list Excel wrote: leave it to Excel
    sheets = next((g for g in groups if g[1] and set(g[1]) <= set(old)), None)
    if sheets is None:
        return None
    # sheets listed in another group (chart sheets under "Charts") stay there
    elsewhere = {n for g in groups if g is not sheets for n in g[1]} & set(old)
    listed = [n for n in new if n not in elsewhere]
    if sheets[1] == listed:
        return None
    sheets[1] = listed
    for variant, (_, items) in zip(variants[1::2], groups, strict=True):
        variant.text = str(len(items))
    titles[:] = []
    for _, items in groups:
        for name in items:
            etree.SubElement(titles, f"{{{VT_NS}}}lpstr").text = name
    titles.set("size", str(len(titles)))
    return pkg.name(part), _serialize(root)


def _workbook_target(pkg: _Package, rtype: str) -> str | None:
    return next((r.target for r in pkg.rels(pkg.workbook)
                 if r.type == rtype and r.target and pkg.has(r.target)), None)  # fmt: skip


def _tables_in_use(src: _Package, wb: etree._Element, removed: set[str]
                   ) -> tuple[set[int], set[str]]:  # fmt: skip
    """Ids and names (casefolded, with defined names: one namespace) of the kept tables."""
    ids: set[int] = set()
    names = {dn.get("name", "").casefold() for dn in wb.iter(_q("definedName"))}
    for info in src.infos:
        if info.filename in removed or src.content_type(info.filename) != CT_TABLE:
            continue
        root = _parse(src.read(info.filename))
        ids.add(int(root.get("id", "0")))
        names |= {root.get("name", "").casefold(), root.get("displayName", "").casefold()}
    return ids, names


def _merge_defined_names(wb: etree._Element, gwb: etree._Element, replaced: set[int],
                         dst_index: list[int]) -> None:  # fmt: skip
    """Drop the replaced sheets' local names, add the generated workbook's names.

    Local names (print area, print titles, filter ranges) move to the sheet's index in the
    result; a global name the input already has is left as the input has it."""
    names_el = wb.find(_q("definedNames"))
    gnames = gwb.find(_q("definedNames"))
    if names_el is None:
        if gnames is None or not len(gnames):
            return
        names_el = etree.Element(_q("definedNames"))
        anchor = wb.find(_q("sheets"))
        for tag in ("functionGroups", "externalReferences"):
            if wb.find(_q(tag)) is not None:
                anchor = wb.find(_q(tag))
        anchor.addnext(names_el)
    for el in list(names_el):
        if el.get("localSheetId") is not None and int(el.get("localSheetId")) in replaced:
            names_el.remove(el)
    existing_global = {el.get("name", "").casefold() for el in names_el
                       if el.get("localSheetId") is None}  # fmt: skip
    for el in [] if gnames is None else gnames:
        if not isinstance(el.tag, str):
            continue
        new = _copy(el)
        if new.get("localSheetId") is not None:
            new.set("localSheetId", str(dst_index[int(new.get("localSheetId"))]))
        elif new.get("name", "").casefold() in existing_global:
            continue
        names_el.append(new)
    if not len(names_el):
        wb.remove(names_el)


def _shared_strings(gen: _Package) -> list[etree._Element]:
    target = _workbook_target(gen, RT_SHARED_STRINGS)
    return _parse(gen.read(target)).findall(_q("si")) if target else []


def _rewrite_sheet(data: bytes, styles: _StyleMap, shared: list[etree._Element],
                   selected: bool) -> bytes:  # fmt: skip
    """Remap style indices, turn shared strings into inline strings, fix tab selection."""
    root = _parse(data)
    for c in root.iter(_q("c")):
        if c.get("s") is not None:
            c.set("s", str(styles.xf(int(c.get("s")))))
        if c.get("t") == "s":
            v = c.find(_q("v"))
            si = shared[int(v.text)] if v is not None and v.text else None
            if v is not None:
                c.remove(v)
            c.set("t", "inlineStr")
            inline = etree.SubElement(c, _q("is"))
            for part in [] if si is None else si:
                inline.append(_copy(part))
            if not len(inline):
                etree.SubElement(inline, _q("t"))
    for row in root.iter(_q("row")):
        if row.get("s") is not None:
            row.set("s", str(styles.xf(int(row.get("s")))))
    for col in root.iter(_q("col")):
        if col.get("style") is not None:
            col.set("style", str(styles.xf(int(col.get("style")))))
    for rule in root.iter(_q("cfRule")):
        if rule.get("dxfId") is not None:
            rule.set("dxfId", str(styles.dxf(int(rule.get("dxfId")))))
    # a second selected tab would group the sheets, and a coach's typing would go to both
    for i, view in enumerate(root.iter(_q("sheetView"))):
        if selected and i == 0:
            view.set("tabSelected", "1")
        elif view.get("tabSelected") is not None:
            del view.attrib["tabSelected"]
    return _serialize(root)


def _rewrite_table(data: bytes, styles: _StyleMap, ids: set[int], names: set[str]) -> bytes:
    root = _parse(data)
    new_id = max(ids, default=0) + 1
    ids.add(new_id)
    root.set("id", str(new_id))
    name = root.get("displayName") or root.get("name") or "Tabell"
    unique, n = name, 1
    while unique.casefold() in names:
        n += 1
        unique = f"{name}_{n}"
    names.add(unique.casefold())
    root.set("name", unique)
    root.set("displayName", unique)
    for el in root.iter():
        for attr in TABLE_DXF_ATTRS:
            if el.get(attr) is not None:
                el.set(attr, str(styles.dxf(int(el.get(attr)))))
    return _serialize(root)


# --------------------------------------------------------------------------- zip writing


def _write_raw(src: bytes, src_infos: list[zipfile.ZipInfo], plan: _Plan, out) -> None:
    writer = RawZipWriter(out)
    with io.BytesIO(src) as fh:
        for info in src_infos:
            if info.filename in plan.removed:
                continue
            if info.filename in plan.changed:
                writer.write(info.filename, plan.changed[info.filename])
            else:
                writer.copy(fh, info)
    for name, data in plan.added:
        writer.write(name, data)
    writer.close()


def _write_recompressed(zf: zipfile.ZipFile, plan: _Plan, out) -> None:
    """Fallback for packages over the classic zip limits: zipfile writes Zip64 itself."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as dst:
        for info in zf.infolist():
            if info.filename in plan.removed:
                continue
            if info.filename in plan.changed:
                dst.writestr(zipfile.ZipInfo(info.filename, FIXED_DATE_TIME),
                             plan.changed[info.filename], zipfile.ZIP_DEFLATED)  # fmt: skip
                continue
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            with zf.open(info) as reader, dst.open(copy, "w", force_zip64=True) as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
        for name, data in plan.added:
            dst.writestr(zipfile.ZipInfo(name, FIXED_DATE_TIME), data, zipfile.ZIP_DEFLATED)


# --------------------------------------------------------------------------- public


def _generated_bytes(generated) -> bytes:
    if isinstance(generated, bytes | bytearray):
        return bytes(generated)
    if isinstance(generated, str | os.PathLike):
        return Path(generated).read_bytes()
    buf = io.BytesIO()
    generated.save(buf)
    return buf.getvalue()


def write_with_sheets(src: Path, generated, dst: Path | Output, package: Package | None = None,
                      *, activate: str | None = None,
                      replaces: Collection[str] | None = None,
                      masked: dict[str, bytes] | None = None) -> None:  # fmt: skip
    """Write ``dst``: a copy of ``src`` with every sheet of ``generated`` added or replaced.

    ``generated`` is an openpyxl Workbook, the bytes of an .xlsx, or a path to one. A sheet
    whose name (ignoring case) is in ``src`` replaces that sheet at its position; the others are
    appended. ``replaces``, when given, names the input sheets that may be replaced (the ones
    proved to be the program's own, ``core.sheetmarks``); any other input sheet whose name a
    generated sheet has (ignoring case and spacing) stops the copy (``SheetInTheWay``) and
    nothing is written. ``masked`` gives input parts new bytes (the same part with identity
    numbers in hidden places masked); every other input part is copied as it is. ``activate``
    names a generated sheet the file opens on: it becomes the active and
    only selected tab (input sheets lose ``tabSelected``, nothing else). Every other part of
    ``src`` is copied as the same zip entry bytes. ``src`` is never modified; ``dst`` is
    written atomically under its ``Output`` rules (a plain path may replace an existing file);
    ``dst`` being ``src`` is an ``OutputError``. ``package`` is ``src`` already opened and
    verified, if the caller has it; else it is opened here (a ``WorkbookError`` for a file that
    cannot be used, before anything is written)."""
    src = Path(src)
    dst = Output.of(dst).reading(src)
    dst.check()
    package = package or Package.open(src)
    gen_data = _generated_bytes(generated)
    try:  # zipfile over the verified bytes: every entry was checked to inflate as it says
        with package.zipfile() as szf, zipfile.ZipFile(io.BytesIO(gen_data)) as gzf:
            plan = _plan(_Package(szf, masked), _Package(gzf), activate, replaces)
            for part, data in (masked or {}).items():
                if part not in plan.removed:
                    plan.changed.setdefault(part, data)
    except SheetInTheWay:
        raise
    except (ValueError, KeyError) as exc:  # safe_xml.UnsafeXml is a ValueError
        reason = str(exc).strip("'").rstrip(".")
        raise WorkbookError(f"{src.name} är skadad och kan inte kopieras: {reason}.",
                            kind="corrupt", path=src) from None  # fmt: skip

    def write(tmp: Path) -> None:
        with tmp.open("wb") as out, package.zipfile() as szf:
            try:
                _write_raw(package.raw, package.infolist(), plan, out)
            except NeedsZip64:
                out.seek(0)
                out.truncate()
                _write_recompressed(szf, plan, out)
            out.flush()
            os.fsync(out.fileno())

    atomic_write(dst, write)
