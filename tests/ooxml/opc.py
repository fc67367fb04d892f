"""The package layer (ECMA-376 Part 2, Open Packaging Conventions): parts, content types and
relationships, read without trusting any of them.

Deliberately independent of the product's own package code, so a bug there is not repeated
here and then "confirmed".
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "[Content_Types].xml"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def rels_name(part: str) -> str:
    """The relationships part of ``part`` ('' is the package)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def source_of(rels: str) -> str | None:
    """The part whose relationships ``rels`` holds ('' for the package), None if not a .rels."""
    folder, base = posixpath.split(rels)
    if posixpath.basename(folder) != "_rels" or not base.endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def resolve(source: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str
    """Part name for internal targets, the URI as written for external ones."""
    external: bool


@dataclass
class Package:
    zf: zipfile.ZipFile
    parts: dict[str, str] = field(default_factory=dict)  # lower-cased name -> name
    defaults: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)  # lower-cased name -> type
    _rels: dict[str, list[Rel]] = field(default_factory=dict)

    @classmethod
    def open(cls, zf: zipfile.ZipFile) -> Package:
        pkg = cls(zf)
        for info in zf.infolist():
            if not info.is_dir():
                pkg.parts.setdefault(info.filename.lower(), info.filename)
        if pkg.has(CONTENT_TYPES):
            root = etree.fromstring(pkg.read(CONTENT_TYPES), PARSER)
            for el in root.iter(f"{{{CT_NS}}}Default"):
                pkg.defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
            for el in root.iter(f"{{{CT_NS}}}Override"):
                pkg.overrides[el.get("PartName", "").lstrip("/").lower()] = el.get("ContentType",
                                                                                   "")
        return pkg

    def has(self, part: str) -> bool:
        return part.lower() in self.parts

    def read(self, part: str) -> bytes:
        return self.zf.read(self.parts[part.lower()])

    def content_type(self, part: str) -> str | None:
        base = posixpath.basename(part)
        ext = base.rpartition(".")[2].lower() if "." in base else ""
        return self.overrides.get(part.lower()) or self.defaults.get(ext)

    def rels(self, part: str) -> list[Rel]:
        """The relationships of ``part`` ('' for the package); [] when it has none."""
        if part not in self._rels:
            found = []
            name = rels_name(part)
            if self.has(name):
                root = etree.fromstring(self.read(name), PARSER)
                for el in root.iter(f"{{{PKG_REL}}}Relationship"):
                    external = el.get("TargetMode") == "External"
                    target = el.get("Target", "")
                    found.append(Rel(el.get("Id", ""), el.get("Type", ""),
                                     target if external else resolve(part, target), external))
            self._rels[part] = found
        return self._rels[part]

    def targets(self, part: str, type_suffix: str) -> list[str]:
        """Internal targets of ``part``'s relationships whose type ends with ``type_suffix``."""
        return [r.target for r in self.rels(part)
                if not r.external and r.type.endswith(type_suffix) and self.has(r.target)]

    def main_part(self) -> str | None:
        found = self.targets("", "/officeDocument")
        return self.parts[found[0].lower()] if found else None

    def xml(self, part: str) -> etree._Element:
        return etree.fromstring(self.read(part), PARSER)
