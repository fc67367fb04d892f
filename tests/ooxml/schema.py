"""The OOXML schema set, compiled once: ECMA-376 XSDs plus the Transitional additions we rely on.

The vendored schemas (``schemas/README.md`` says where they come from) split one namespace over
many files and import the same namespace from several of them with different schemaLocations.
libxml2 honours only the first import of a namespace, so loading them as they are loses types.
The loader therefore serves one in-memory *adapter* per namespace that includes all of that
namespace's files, and points every import at it. Nothing is fetched from the network.

ECMA-376 1st edition is the base ISO/IEC 29500 Transitional was made from; ``TRANSITIONAL``
patches in, at load time, the few Transitional additions that Office writes and our files carry.
Each names its element and the subclause family of ISO/IEC 29500-1 (Part 1) it is defined in, so
the list can be checked against the standard.
"""

from __future__ import annotations

import functools
import posixpath
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent / "schemas"
XSD = "http://www.w3.org/2001/XMLSchema"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def _q(name: str) -> str:
    return f"{{{XSD}}}{name}"


def _on_off_attribute(name: str) -> etree._Element:
    return etree.Element(_q("attribute"), name=name, type="ST_OnOff", use="optional")


def _patch_tbl_look(doc: etree._Element) -> None:
    """tblLook (Part 1, 17.4; its hex ``val`` is kept by Part 4): Transitional gives ``w:tblLook`` a type of its own, CT_TblLook, with six
    on/off attributes next to the 1st edition's hex ``w:val`` (Word 2010 and later write both)."""
    look = etree.SubElement(doc, _q("complexType"), name="CT_TblLook")
    for name in ("firstRow", "lastRow", "firstColumn", "lastColumn", "noHBand", "noVBand"):
        look.append(_on_off_attribute(name))
    look.append(etree.Element(_q("attribute"), name="val", type="ST_ShortHexNumber",
                              use="optional"))
    for el in doc.iter(_q("element")):
        if el.get("name") == "tblLook":
            el.set("type", "CT_TblLook")


def _patch_compat(doc: etree._Element) -> None:
    """compatSetting (Part 1, 17.15.3): Transitional ends ``w:compat`` with any number of
    ``w:compatSetting`` (name, uri, val), which is how Word 2010 and later record their mode."""
    setting = etree.fromstring(
        f'<xsd:complexType xmlns:xsd="{XSD}" name="CT_CompatSetting">'
        '<xsd:attribute name="name" type="ST_String"/>'
        '<xsd:attribute name="uri" type="ST_String"/>'
        '<xsd:attribute name="val" type="ST_String"/></xsd:complexType>')
    doc.append(setting)
    seq = doc.find(f"{_q('complexType')}[@name='CT_Compat']/{_q('sequence')}")
    seq.append(etree.Element(_q("element"), name="compatSetting", type="CT_CompatSetting",
                             minOccurs="0", maxOccurs="unbounded"))


def _patch_math_on_off(doc: etree._Element) -> None:
    """ST_OnOff (Part 1, 22.9.2): Transitional math uses the shared on/off type, so ``0``,
    ``1``, ``true`` and ``false`` join the 1st edition's ``on``/``off``."""
    restriction = doc.find(f"{_q('simpleType')}[@name='ST_OnOff']/{_q('restriction')}")
    present = {e.get("value") for e in restriction.findall(_q("enumeration"))}
    for value in ("0", "1", "true", "false"):
        if value not in present:
            restriction.append(etree.Element(_q("enumeration"), value=value))


def _patch_table_caption(doc: etree._Element) -> None:
    """tblCaption and tblDescription (Part 1, 17.4): a table's title and description for
    assistive technology, after ``tblLook`` in the table properties."""
    seq = doc.find(f"{_q('complexType')}[@name='CT_TblPrBase']/{_q('sequence')}")
    for name in ("tblCaption", "tblDescription"):
        seq.append(etree.Element(_q("element"), name=name, type="CT_String", minOccurs="0"))


def _patch_drawing_title(doc: etree._Element) -> None:
    """cNvPr/docPr ``title`` (Part 1, 20.1.2.2): a drawing's title next to its ``descr``
    (alternative text), both read by screen readers."""
    ct = doc.find(f"{_q('complexType')}[@name='CT_NonVisualDrawingProps']")
    ct.append(etree.Element(_q("attribute"), name="title", type="xsd:string", use="optional",
                            default=""))


TRANSITIONAL = {
    "wml.xsd": (_patch_tbl_look, _patch_compat, _patch_table_caption),
    "shared-math.xsd": (_patch_math_on_off,),
    "dml-documentProperties.xsd": (_patch_drawing_title,),
}
"""File -> patches applied after loading (the files on disk stay as published)."""


class _Resolver(etree.Resolver):
    def __init__(self, files: dict[str, Path], adapters: dict[str, str]):
        super().__init__()
        self.files = files
        self.adapters = adapters  # adapter file name -> namespace

    def resolve(self, url, pubid, context):
        name = posixpath.basename(url or "")
        if name in self.adapters:
            ns = self.adapters[name]
            includes = "".join(f'<xsd:include schemaLocation="{f}"/>'
                               for f, p in sorted(self.files.items()) if _namespace(p) == ns)
            text = f'<xsd:schema xmlns:xsd="{XSD}" targetNamespace="{ns}">{includes}</xsd:schema>'
            return self.resolve_string(text, context, base_url=str(HERE / name))
        if name in self.files:
            doc = _load(self.files[name])
            return self.resolve_string(etree.tostring(doc), context,
                                       base_url=str(HERE / name))
        raise etree.XMLSchemaParseError(f"schema {url!r} is not vendored")


@functools.cache
def _namespace(path: Path) -> str:
    return etree.parse(str(path)).getroot().get("targetNamespace", "")


@functools.cache
def _adapter_names() -> dict[str, str]:
    namespaces = sorted({_namespace(p) for p in _files().values()})
    return {ns: f"adapter-{i}.xsd" for i, ns in enumerate(namespaces)}


def _load(path: Path) -> etree._Element:
    doc = etree.parse(str(path)).getroot()
    for patch in TRANSITIONAL.get(path.name, ()):
        patch(doc)
    adapters = _adapter_names()
    for imp in doc.iter(_q("import")):
        ns = imp.get("namespace")
        if ns in adapters:
            imp.set("schemaLocation", adapters[ns])
    return doc


@functools.cache
def _files() -> dict[str, Path]:
    return {p.name: p for p in sorted(HERE.rglob("*.xsd"))}


@functools.cache
def schema() -> etree.XMLSchema:
    """Every vendored namespace in one XMLSchema (compiled once per process)."""
    adapters = _adapter_names()
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_Resolver(_files(), {v: k for k, v in adapters.items()}))
    imports = "".join(f'<xsd:import namespace="{ns}" schemaLocation="{name}"/>'
                      for ns, name in adapters.items())
    root = etree.fromstring(
        f'<xsd:schema xmlns:xsd="{XSD}" targetNamespace="urn:x-halsocenter-tests:all">'
        f"{imports}</xsd:schema>".encode(), parser, base_url=str(HERE / "all.xsd"))
    return etree.XMLSchema(etree.ElementTree(root))


@functools.cache
def namespaces() -> frozenset[str]:
    """Namespaces the schema set defines: what this 'consumer' understands."""
    return frozenset(_adapter_names())
