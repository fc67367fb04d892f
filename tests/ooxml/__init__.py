"""Check an Office package (.xlsx, .xlam, .docx) the way Excel and Word would, without Office.

``validate_package(path)`` returns every problem found, each naming its part and rule:

* package: a content type for every part, relationships that resolve (no dangling internal
  targets, external ones marked External, unique ids), ``r:`` references that name an existing
  relationship, no part unreachable from the package relationships;
* schema: every XML part after markup compatibility (``mce.py``) against the vendored ECMA-376
  schemas (``schema.py``, ``schemas/README.md``); a part whose root namespace has no schema is
  reported unless it is a known Microsoft extension part (listed in ``EXTENSION_PARTS``);
* SpreadsheetML, WordprocessingML, ribbon and [MS-CFB] rules (``sml.py``, ``wml.py``,
  ``ribbon.py``, ``cfbcheck.py``), and a VBA project that oletools can read ([MS-OVBA]).

A test tool, not product code: it is deliberately independent of ``halsocenter``.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import cfbcheck, mce, ribbon, schema, sml, wml
from .opc import CONTENT_TYPES, PARSER, Package, rels_name, source_of

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
EXTENSION_PARTS = {
    "http://schemas.microsoft.com/office/drawing/2012/chartStyle":
        "chart style and colour parts (Office 2013); [MS-ODRAWXML] has their schema",
}
"""Root namespaces of Microsoft extension parts with no vendored schema: not an error, but
listed in ``skipped`` so a caller sees what went unvalidated."""
_OD = "application/vnd.openxmlformats-officedocument."
_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_WML = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WORKBOOK = (_SML, "workbook")
ROOTS = {
    _OD + "spreadsheetml.sheet.main+xml": _WORKBOOK,
    _OD + "spreadsheetml.template.main+xml": _WORKBOOK,
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": _WORKBOOK,
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": _WORKBOOK,
    _OD + "spreadsheetml.worksheet+xml": (_SML, "worksheet"),
    _OD + "spreadsheetml.chartsheet+xml": (_SML, "chartsheet"),
    _OD + "spreadsheetml.styles+xml": (_SML, "styleSheet"),
    _OD + "spreadsheetml.sharedStrings+xml": (_SML, "sst"),
    _OD + "spreadsheetml.table+xml": (_SML, "table"),
    _OD + "spreadsheetml.calcChain+xml": (_SML, "calcChain"),
    _OD + "drawing+xml": ("http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
                          "wsDr"),
    _OD + "drawingml.chart+xml": ("http://schemas.openxmlformats.org/drawingml/2006/chart",
                                  "chartSpace"),
    _OD + "theme+xml": ("http://schemas.openxmlformats.org/drawingml/2006/main", "theme"),
    _OD + "wordprocessingml.document.main+xml": (_WML, "document"),
    _OD + "wordprocessingml.template.main+xml": (_WML, "document"),
    _OD + "wordprocessingml.styles+xml": (_WML, "styles"),
    _OD + "wordprocessingml.settings+xml": (_WML, "settings"),
    _OD + "wordprocessingml.numbering+xml": (_WML, "numbering"),
    _OD + "wordprocessingml.footer+xml": (_WML, "ftr"),
    _OD + "wordprocessingml.header+xml": (_WML, "hdr"),
    _OD + "wordprocessingml.fontTable+xml": (_WML, "fonts"),
    _OD + "wordprocessingml.webSettings+xml": (_WML, "webSettings"),
    _OD + "extended-properties+xml": (
        "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties", "Properties"),
    "application/vnd.openxmlformats-package.core-properties+xml": (
        "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "coreProperties"),
    _OD + "custom-properties+xml": (
        "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties", "Properties"),
}
"""Content type -> the root element its part must have (ECMA-376 Part 1, Annex/§ 11-15)."""
REL_TYPES = {
    "officeDocument": {ct for ct, root in ROOTS.items()
                       if root in (_WORKBOOK, (_WML, "document"))},
    "worksheet": {_OD + "spreadsheetml.worksheet+xml"},
    "sharedStrings": {_OD + "spreadsheetml.sharedStrings+xml"},
    "table": {_OD + "spreadsheetml.table+xml"},
    "drawing": {_OD + "drawing+xml"},
    "chart": {_OD + "drawingml.chart+xml"},
    "theme": {_OD + "theme+xml"},
    "styles": {_OD + "spreadsheetml.styles+xml", _OD + "wordprocessingml.styles+xml"},
    "footer": {_OD + "wordprocessingml.footer+xml"},
    "header": {_OD + "wordprocessingml.header+xml"},
    "settings": {_OD + "wordprocessingml.settings+xml"},
    "numbering": {_OD + "wordprocessingml.numbering+xml"},
    "extended-properties": {_OD + "extended-properties+xml"},
    "core-properties": {"application/vnd.openxmlformats-package.core-properties+xml"},
    "custom-properties": {_OD + "custom-properties+xml"},
    "vbaProject": {"application/vnd.ms-office.vbaProject"},
}
"""Relationship type (last path segment) -> content types its target may have."""
NOT_XML = ("application/vnd.openxmlformats-officedocument.vmlDrawing",)
"""VML is legacy markup that Excel itself writes as non-well-formed XML; Office reads it
leniently and so does no schema."""


@dataclass(frozen=True)
class Problem:
    part: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.part}: [{self.rule}] {self.message}"


def _is_xml(pkg: Package, part: str) -> bool:
    ctype = pkg.content_type(part) or ""
    if ctype in NOT_XML:
        return False
    return part.endswith(".rels") or ctype.endswith("+xml") or ctype in ("application/xml",
                                                                         "text/xml")


def validate_package(path: str | Path, skipped: list[str] | None = None) -> list[Problem]:
    """Every problem Excel or Word would have with the package at ``path``.

    Parts that could not be schema-validated (see ``EXTENSION_PARTS``) are appended to
    ``skipped`` when it is given."""
    problems: list[Problem] = []

    def report(part: str, rule: str, message: str) -> None:
        problems.append(Problem(part, rule, message))

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return [Problem(str(path), "package", f"not a zip package: {exc}")]
    with zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
        lowered = [n.lower() for n in names]
        if len(set(lowered)) != len(lowered):
            report("", "package", "two zip entries differ only in case")
        pkg = Package.open(zf)
        if not pkg.has(CONTENT_TYPES):
            report(CONTENT_TYPES, "content-type", "the package has no [Content_Types].xml")
            return problems
        _check_package(pkg, names, report)
        for part in names:
            if part == CONTENT_TYPES or _is_xml(pkg, part):
                _check_xml(pkg, part, report, skipped)
            if part.lower().endswith("vbaproject.bin"):
                problems_before = len(problems)
                for message in cfbcheck.check(pkg.read(part)):
                    report(part, "cfb", message)
                if len(problems) == problems_before:
                    _check_vba(pkg.read(part), part, report)
        try:
            sml.check(pkg, report)
            wml.check(pkg, report)
        except (etree.XMLSyntaxError, ValueError, KeyError) as exc:
            report("", "package", f"could not read the document structure: {exc}")
    return problems


def _check_vba(data: bytes, part: str, report) -> None:
    """[MS-OVBA]: the project's dir stream and every module decompress and read back."""
    from oletools.olevba import VBA_Parser

    try:
        parser = VBA_Parser("vbaProject.bin", data=data)
        modules = list(parser.extract_all_macros())
        parser.close()
    except Exception as exc:  # olevba raises many kinds for a broken project
        report(part, "vba", f"the VBA project cannot be read: {exc}")
        return
    if not modules:
        report(part, "vba", "the VBA project has no modules")


def _check_package(pkg: Package, names: list[str], report) -> None:
    for part in names:
        if part == CONTENT_TYPES:
            continue
        if pkg.content_type(part) is None:
            report(part, "content-type", "no Default or Override content type covers this part")
    for override in pkg.overrides:
        if not pkg.has(override):
            report("/" + override, "content-type", "an Override names a part that does not exist")
    reached = {""}
    todo = [""]
    while todo:
        part = todo.pop()
        seen_ids: set[str] = set()
        for rel in pkg.rels(part):
            if rel.id in seen_ids:
                report(rels_name(part), "relationship", f"relationship id {rel.id} is used twice")
            seen_ids.add(rel.id)
            if rel.external:
                if not rel.target.strip():
                    report(rels_name(part), "relationship", f"{rel.id} has an empty external "
                           "target")
                continue
            kind = rel.type.rsplit("/", 1)[-1]
            if "://" in rel.target or not pkg.has(rel.target):
                report(rels_name(part), "relationship",
                       f"{rel.id} ({kind}) points at missing {rel.target}")
                continue
            expected = REL_TYPES.get(kind)
            if expected and pkg.content_type(rel.target) not in expected:
                report(rels_name(part), "relationship", f"{rel.id} ({kind}) targets "
                       f"{rel.target} of content type {pkg.content_type(rel.target)}")
            target = pkg.parts[rel.target.lower()]
            if target not in reached:
                reached.add(target)
                todo.append(target)
    for part in names:
        source = source_of(part)
        if source is not None:
            if source and not pkg.has(source):
                report(part, "relationship", f"relationships of {source}, which does not exist")
            continue
        if part != CONTENT_TYPES and part not in reached:
            report(part, "package", "no relationship reaches this part")


def _check_xml(pkg: Package, part: str, report, skipped: list[str] | None) -> None:
    try:
        root = etree.fromstring(pkg.read(part), PARSER)
    except etree.XMLSyntaxError as exc:
        report(part, "xml", f"not well-formed: {exc}")
        return
    # r:id, r:embed, ... must name a relationship of this very part
    rel_ids = {r.id for r in pkg.rels(part)}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            if name.startswith(f"{{{REL_NS}}}") and value and value not in rel_ids:
                report(part, "relationship", f"{etree.QName(el).localname}/@r:"
                       f"{etree.QName(name).localname}={value} names no relationship")
    ns = etree.QName(root).namespace
    expected = ROOTS.get(pkg.content_type(part) or "")
    if expected and (ns, etree.QName(root).localname) != expected:
        report(part, "content-type", f"content type {pkg.content_type(part)} needs root "
               f"{{{expected[0]}}}{expected[1]}, the part has {root.tag}")
    if ns in (ribbon.CUSTOM_UI_2009, ribbon.CUSTOM_UI_2006):
        ribbon.check(part, root, report)
        if skipped is not None:
            skipped.append(f"{part} (ribbon rules, see ribbon.py)")
        return
    if ns not in schema.namespaces():
        if ns in EXTENSION_PARTS:
            if skipped is not None:
                skipped.append(part)
        else:
            report(part, "schema", f"no schema for root namespace {ns}")
        return
    mce.apply(root, schema.namespaces(), lambda msg: report(part, "mce", msg))
    # Excel writes xml:space="preserve" on SpreadsheetML <t>, which the schemas (typed as a
    # simple string) do not declare; Excel and the Open XML SDK accept it, so it is not counted.
    for el in root.iter(f"{{{SML}}}t"):
        el.attrib.pop(XML_SPACE, None)
    validator = schema.schema()
    if not validator.validate(root):
        for error in validator.error_log:
            report(part, "schema", f"line {error.line}: {error.message}")


__all__ = ["Problem", "validate_package"]
