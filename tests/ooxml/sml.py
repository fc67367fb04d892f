"""SpreadsheetML rules Excel enforces that no schema expresses.

Each check reads the parts itself and reports what Excel would "repair": sheet names and ids,
table names, ids and header cells, defined names (valid, not cell-like, pointing at sheets),
rows and cells in order, merged ranges that do not overlap, style and shared-string indexes in
range, and the sheet list in ``docProps/app.xml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from .opc import Package

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
R_ID = f"{{{REL}}}id"
FIRST_CUSTOM_NUMFMT = 164
BAD_SHEET_CHARS = set("[]:*?/\\")
TABLE_DXF_ATTRS = ("headerRowDxfId", "dataDxfId", "totalsRowDxfId", "headerRowBorderDxfId",
                   "tableBorderDxfId", "totalsRowBorderDxfId")
# 'Sheet name'!A1 or Sheet!A1 (not [1]Sheet!A1, an external book)
SHEET_REF = re.compile(r"(?<![\]\w.])(?:'((?:[^']|'')+)'|([^\W\d][\w.]*))!", re.UNICODE)

NAME = re.compile(r"[^\W\d][\w.\\]*|\\[\w.\\]*", re.UNICODE)
LOOKS_LIKE_CELL = re.compile(r"(?:[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|[RrCc])")

Report = Callable[[str, str, str], None]


def q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int, int, int]:
    """'B3:D10' -> (col1, row1, col2, row2)."""
    cells = []
    for part in ref.replace("$", "").split(":"):
        m = re.fullmatch(r"([A-Z]{1,3})(\d+)", part)
        if not m:
            raise ValueError(ref)
        cells.append((col_number(m[1]), int(m[2])))
    (c1, r1), (c2, r2) = cells[0], cells[-1]
    return c1, r1, c2, r2


def cell_ref(col: int, row: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _text(el: etree._Element | None) -> str:
    return "".join(el.itertext()) if el is not None else ""


class _Styles:
    def __init__(self, root: etree._Element | None):
        def count(tag: str, child: str) -> int:
            parent = root.find(q(tag)) if root is not None else None
            return len(parent.findall(q(child))) if parent is not None else 0

        self.root = root
        self.xfs = count("cellXfs", "xf")
        self.style_xfs = count("cellStyleXfs", "xf")
        self.fonts = count("fonts", "font")
        self.fills = count("fills", "fill")
        self.borders = count("borders", "border")
        self.dxfs = count("dxfs", "dxf")
        self.numfmts = {int(el.get("numFmtId", "-1"))
                        for el in root.iter(q("numFmt"))} if root is not None else set()


def check(pkg: Package, report: Report) -> None:
    workbook = pkg.main_part()
    if workbook is None:
        return
    wb = pkg.xml(workbook)
    if wb.tag != q("workbook"):
        return
    rels = {r.id: r for r in pkg.rels(workbook)}

    styles_part = next(iter(pkg.targets(workbook, "/styles")), None)
    styles = _Styles(pkg.xml(styles_part) if styles_part else None)
    if styles_part:
        _check_styles(styles, styles_part, report)
    strings_part = next(iter(pkg.targets(workbook, "/sharedStrings")), None)
    n_strings = 0
    strings: list[str] = []
    if strings_part:
        sst = pkg.xml(strings_part)
        items = sst.findall(q("si"))
        strings = [_text(si.find(q("t"))) if si.find(q("t")) is not None
                   else "".join(_text(r.find(q("t"))) for r in si.findall(q("r")))
                   for si in items]
        n_strings = len(items)
        if sst.get("uniqueCount") is not None and int(sst.get("uniqueCount")) != n_strings:
            report(strings_part, "shared-string", f"uniqueCount {sst.get('uniqueCount')} but "
                   f"{n_strings} strings")

    # sheets: names, ids, parts
    sheets: list[tuple[str, str | None]] = []
    seen_names: set[str] = set()
    seen_ids: set[str] = set()
    for el in wb.iterfind(f"{q('sheets')}/{q('sheet')}"):
        name, sid = el.get("name", ""), el.get("sheetId", "")
        if not 1 <= len(name) <= 31 or BAD_SHEET_CHARS & set(name) or name[:1] == "'" \
                or name[-1:] == "'" or name.casefold() == "history":
            report(workbook, "sheet", f"sheet name {name!r} is not allowed in Excel")
        if name.casefold() in seen_names:
            report(workbook, "sheet", f"sheet name {name!r} is used twice")
        if sid in seen_ids or not sid.isdigit() or int(sid) < 1:
            report(workbook, "sheet", f"sheet {name!r} has sheetId {sid!r} (duplicate or bad)")
        seen_names.add(name.casefold())
        seen_ids.add(sid)
        rel = rels.get(el.get(R_ID, ""))
        if rel is None or rel.external or not pkg.has(rel.target):
            report(workbook, "sheet", f"sheet {name!r} points at no part")
            sheets.append((name, None))
        else:
            sheets.append((name, rel.target if rel.type.endswith("/worksheet") else None))
    sheet_names = [n for n, _ in sheets]

    # defined names
    scopes: set[tuple[str, str]] = set()
    for dn in wb.iterfind(f"{q('definedNames')}/{q('definedName')}"):
        name, local = dn.get("name", ""), dn.get("localSheetId")
        plain = name.removeprefix("_xlnm.")
        if not NAME.fullmatch(plain) or LOOKS_LIKE_CELL.fullmatch(plain) or len(name) > 255:
            report(workbook, "defined-name", f"{name!r} is not a valid name in Excel")
        key = (name.casefold(), local or "")
        if key in scopes:
            report(workbook, "defined-name", f"defined name {name!r} is defined twice in one scope")
        scopes.add(key)
        if local is not None and not (local.isdigit() and int(local) < len(sheets)):
            report(workbook, "defined-name", f"{name!r} has localSheetId {local} but there are "
                   f"{len(sheets)} sheets")
        formula = dn.text or ""
        if "#REF!" in formula:
            report(workbook, "defined-name", f"{name!r} points at #REF!")
        for m in SHEET_REF.finditer(formula):
            target = m[1].replace("''", "'") if m[1] else m[2]
            if target.casefold() not in {n.casefold() for n in sheet_names}:
                report(workbook, "defined-name", f"{name!r} points at missing sheet {target!r}")

    # worksheets: style and string indexes, tables
    table_ids: dict[str, str] = {}
    table_names: dict[str, str] = {}
    defined = {n for n, _ in scopes}
    for name, part in sheets:
        if part is None:
            continue
        ws = pkg.xml(part)
        cells: dict[tuple[int, int], etree._Element] = {}
        last_row = 0
        for row in ws.iterfind(f"{q('sheetData')}/{q('row')}"):
            r = int(row.get("r", last_row + 1))
            if r <= last_row:
                report(part, "cell-order", f"row {r} comes after row {last_row}")
            last_row, last_col = r, 0
            if row.get("s") is not None and int(row.get("s")) >= styles.xfs:
                report(part, "style", f"row {row.get('r')} has style {row.get('s')} of "
                       f"{styles.xfs}")
            for c in row.iterfind(q("c")):
                ref = c.get("r", "")
                if c.get("s") is not None and int(c.get("s")) >= styles.xfs:
                    report(part, "style", f"cell {ref} has style {c.get('s')}; styles.xml has "
                           f"{styles.xfs} cell formats")
                if c.get("t") == "s":
                    v = c.findtext(q("v"))
                    if v is None or not v.isdigit() or int(v) >= n_strings:
                        report(part, "shared-string", f"cell {ref} names shared string {v!r} "
                               f"of {n_strings}")
                m = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
                if m:
                    col = col_number(m[1])
                    if int(m[2]) != r or col <= last_col:
                        report(part, "cell-order", f"cell {ref} is out of place in row {r}")
                    last_col = col
                    cells[(col, int(m[2]))] = c
        merged: list[tuple[str, tuple[int, int, int, int]]] = []
        for mc in ws.iterfind(f"{q('mergeCells')}/{q('mergeCell')}"):
            area = split_ref(mc.get("ref", ""))
            for other_ref, other in merged:
                if area[0] <= other[2] and other[0] <= area[2] and area[1] <= other[3] \
                        and other[1] <= area[3]:
                    report(part, "merge", f"merged ranges {other_ref} and {mc.get('ref')} overlap")
            merged.append((mc.get("ref", ""), area))
        for col in ws.iterfind(f"{q('cols')}/{q('col')}"):
            if col.get("style") is not None and int(col.get("style")) >= styles.xfs:
                report(part, "style", f"column {col.get('min')} has style {col.get('style')}")
        for rule in ws.iter(q("cfRule")):
            if rule.get("dxfId") is not None and int(rule.get("dxfId")) >= styles.dxfs:
                report(part, "style", f"conditional format dxfId {rule.get('dxfId')} of "
                       f"{styles.dxfs}")
        for table_part in pkg.targets(part, "/table"):
            _check_table(pkg, table_part, name, cells, strings, styles, table_ids, table_names,
                         defined, report)

    _check_app(pkg, sheets, report)


def _check_styles(styles: _Styles, part: str, report: Report) -> None:
    root = styles.root

    def xf_ok(xf: etree._Element, where: str, with_parent: bool) -> None:
        for attr, limit in (("fontId", styles.fonts), ("fillId", styles.fills),
                            ("borderId", styles.borders)):
            if xf.get(attr) is not None and int(xf.get(attr)) >= limit:
                report(part, "style", f"{where} has {attr} {xf.get(attr)} of {limit}")
        if with_parent and xf.get("xfId") is not None and int(xf.get("xfId")) >= styles.style_xfs:
            report(part, "style", f"{where} has xfId {xf.get('xfId')} of {styles.style_xfs}")
        fmt = int(xf.get("numFmtId", "0"))
        if fmt >= FIRST_CUSTOM_NUMFMT and fmt not in styles.numfmts:
            report(part, "style", f"{where} uses number format {fmt}, which is not defined")

    for i, xf in enumerate(root.iterfind(f"{q('cellXfs')}/{q('xf')}")):
        xf_ok(xf, f"cellXfs[{i}]", True)
    for i, xf in enumerate(root.iterfind(f"{q('cellStyleXfs')}/{q('xf')}")):
        xf_ok(xf, f"cellStyleXfs[{i}]", False)
    for cs in root.iterfind(f"{q('cellStyles')}/{q('cellStyle')}"):
        if int(cs.get("xfId", "0")) >= styles.style_xfs:
            report(part, "style", f"cell style {cs.get('name')!r} has xfId {cs.get('xfId')}")
    for el in root.iter(q("tableStyleElement")):
        if el.get("dxfId") is not None and int(el.get("dxfId")) >= styles.dxfs:
            report(part, "style", f"table style element dxfId {el.get('dxfId')} of {styles.dxfs}")
    for parent, child in (("cellXfs", "xf"), ("cellStyleXfs", "xf"), ("fonts", "font"),
                          ("fills", "fill"), ("borders", "border"), ("dxfs", "dxf"),
                          ("numFmts", "numFmt"), ("cellStyles", "cellStyle")):
        el = root.find(q(parent))
        if el is not None and el.get("count") is not None \
                and int(el.get("count")) != len(el.findall(q(child))):
            report(part, "style", f"{parent} count={el.get('count')} but "
                   f"{len(el.findall(q(child)))} entries")


def _check_table(pkg: Package, part: str, sheet: str, cells, strings: list[str],
                 styles: _Styles, ids: dict[str, str], names: dict[str, str], defined: set[str],
                 report: Report) -> None:
    t = pkg.xml(part)
    tid, name = t.get("id", ""), t.get("displayName") or t.get("name") or ""
    if tid in ids:
        report(part, "table", f"table id {tid} is also used by {ids[tid]}")
    ids[tid] = part
    for key in {t.get("name"), t.get("displayName")} - {None}:
        if key.casefold() in names and names[key.casefold()] != part:
            report(part, "table", f"table name {key!r} is also used by {names[key.casefold()]}")
        names[key.casefold()] = part
        if key.casefold() in defined:
            report(part, "table", f"table name {key!r} is also a defined name")
    try:
        c1, r1, c2, r2 = split_ref(t.get("ref", ""))
    except ValueError:
        report(part, "table", f"table {name!r} has ref {t.get('ref')!r}")
        return
    columns = t.findall(f"{q('tableColumns')}/{q('tableColumn')}")
    if len(columns) != c2 - c1 + 1:
        report(part, "table", f"table {name!r} spans {c2 - c1 + 1} columns but lists "
               f"{len(columns)}")
    col_names = [c.get("name", "") for c in columns]
    if len({n.casefold() for n in col_names}) != len(col_names):
        report(part, "table", f"table {name!r} has duplicate column names")
    if len({c.get("id") for c in columns}) != len(columns):
        report(part, "table", f"table {name!r} has duplicate column ids")
    for attr in TABLE_DXF_ATTRS:
        for el in [t, *columns]:
            if el.get(attr) is not None and int(el.get(attr)) >= styles.dxfs:
                report(part, "style", f"table {name!r} {attr}={el.get(attr)} of {styles.dxfs}")
    if t.get("headerRowCount", "1") != "0":
        for i, column in enumerate(col_names):
            c = cells.get((c1 + i, r1))
            if c is None:
                shown = ""
            elif c.get("t") == "s":
                v = c.findtext(q("v"))
                shown = strings[int(v)] if v and v.isdigit() and int(v) < len(strings) else ""
            elif c.get("t") == "inlineStr":
                shown = "".join(c.find(q("is")).itertext()) if c.find(q("is")) is not None else ""
            else:
                shown = c.findtext(q("v")) or ""
            if shown != column:
                report(part, "table", f"table {name!r}: header cell {sheet}!{cell_ref(c1 + i, r1)}"
                       f" is {shown!r}, the column is named {column!r}")
    auto = t.find(q("autoFilter"))
    if auto is not None and auto.get("ref"):
        a1, ar1, a2, ar2 = split_ref(auto.get("ref"))
        if (a1, ar1) != (c1, r1) or a2 != c2 or ar2 > r2:
            report(part, "table", f"table {name!r}: autoFilter {auto.get('ref')} is not the "
                   f"table's range {t.get('ref')}")


def _check_app(pkg: Package, sheets: list[tuple[str, str | None]], report: Report) -> None:
    part = next(iter(pkg.targets("", "/extended-properties")), None)
    if part is None:
        return
    root = pkg.xml(part)
    pairs = root.find(f"{{{EP}}}HeadingPairs/{{{VT}}}vector")
    titles = root.find(f"{{{EP}}}TitlesOfParts/{{{VT}}}vector")
    if pairs is None and titles is None:
        return
    if pairs is None or titles is None:
        report(part, "app", "HeadingPairs and TitlesOfParts must come together")
        return
    variants = [v[0] for v in pairs.findall(f"{{{VT}}}variant") if len(v)]
    counts = [int(v.text or 0) for v in variants[1::2]]
    names = [el.text or "" for el in titles]
    for vector in (pairs, titles):
        if int(vector.get("size", "-1")) != len(vector):
            report(part, "app", f"vector size {vector.get('size')} but {len(vector)} items")
    if sum(counts) != len(names):
        report(part, "app", f"HeadingPairs count {sum(counts)} titles, TitlesOfParts has "
               f"{len(names)}")
        return
    groups, at = [], 0
    for n in counts:
        groups.append(names[at:at + n])
        at += n
    worksheets = [n for n, p in sheets if p is not None]
    all_names = {n for n, _ in sheets}
    listed = next((g for g in groups if g and set(g) <= all_names), None)
    if listed is None or listed != worksheets:
        report(part, "app", f"sheet list {listed} is not the workbook's sheets {worksheets}")
