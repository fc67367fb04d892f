"""Where things are in an .xlsx package: sheet parts, Excel tables and defined names.

Plain zip + XML, no pandas, so writers that only need the layout stay quick to import. The
package is anything with ``namelist()`` and ``read(name)``: a verified ``inputs.Package`` for an
input, a ``zipfile.ZipFile`` for a workbook we wrote ourselves; the XML is parsed with the
hardened parser either way.
"""

from __future__ import annotations

import posixpath
from functools import cached_property
from urllib.parse import unquote

from halsocenter.xlsx.safe_xml import parse

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"m": MAIN, "r": REL_NS, "pr": PKG_REL}
R_ID = f"{{{REL_NS}}}id"


def resolve(source: str, target: str) -> str:
    """The part a relationship of ``source`` points at (``%``-escapes and fragments handled)."""
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def rels_name(part: str) -> str:
    """The relationships part of ``part`` ('' is the package itself)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


class Layout:
    """Where things are in the package: sheet parts, tables (with ``totals_rows``, both read on
    first use of ``tables``) and defined names."""

    def __init__(self, zf):
        self.zf = zf
        names = set(zf.namelist())
        wb_xml = parse(zf.read("xl/workbook.xml"))
        rels = self._rels("xl/workbook.xml", names)
        self.sheet_parts: dict[str, str] = {}
        self.sheet_order: list[str] = []
        for sheet in wb_xml.iterfind("m:sheets/m:sheet", NS):
            name = sheet.get("name")
            if not name:
                raise ValueError("ett blad saknar namn")
            self.sheet_order.append(name)
            target = rels.get(sheet.get(R_ID))
            if target:
                self.sheet_parts[name] = target
        pr = wb_xml.find("m:workbookPr", NS)
        self.date1904 = pr is not None and pr.get("date1904", "").strip().lower() in ("1", "true")
        """Dates count from 1904 (a Mac Excel setting); readers that convert serials use it."""
        self.defined_names: dict[str, str] = {}
        self.local_names: dict[str, dict[str, str]] = {}
        """Sheet -> its own (sheet-level) defined names, casefolded name -> value."""
        for dn in wb_xml.iterfind("m:definedNames/m:definedName", NS):
            if not dn.text or not dn.get("name"):
                continue
            local = dn.get("localSheetId")
            if local is None:
                self.defined_names[dn.get("name").casefold()] = dn.text
            elif local.isdigit() and int(local) < len(self.sheet_order):
                sheet = self.sheet_order[int(local)]
                self.local_names.setdefault(sheet, {})[dn.get("name").casefold()] = dn.text
        self._names = names

    @cached_property
    def tables(self) -> dict[str, tuple[str, str]]:
        """Casefolded table name (and display name) -> (sheet, ref); read on first use, so a
        reader that needs only the sheets (the region's export files) parses no table part."""
        return self._tables[0]

    @cached_property
    def totals_rows(self) -> dict[str, int]:
        """Casefolded table name -> rows of its totals row (tables showing one)."""
        return self._tables[1]

    @cached_property
    def _tables(self) -> tuple[dict[str, tuple[str, str]], dict[str, int]]:
        tables: dict[str, tuple[str, str]] = {}
        totals: dict[str, int] = {}
        for sheet, part in self.sheet_parts.items():
            for target in self._rels(part, self._names, kind="/table").values():
                if target in self._names:
                    t = parse(self.zf.read(target))
                    for key in ("name", "displayName"):
                        if t.get(key) and t.get("ref"):
                            tables[t.get(key).casefold()] = (sheet, t.get("ref"))
                            if int(t.get("totalsRowCount") or 0):
                                totals[t.get(key).casefold()] = int(t.get("totalsRowCount"))
        return tables, totals

    def _rels(self, part: str, names: set[str], kind: str | None = None) -> dict[str, str]:
        path = rels_name(part)
        if path not in names:
            return {}
        out = {}
        for rel in parse(self.zf.read(path)).iterfind("pr:Relationship", NS):
            if kind and not rel.get("Type", "").endswith(kind):
                continue
            if rel.get("TargetMode") == "External":
                continue
            out[rel.get("Id")] = resolve(part, rel.get("Target", ""))
        return out
