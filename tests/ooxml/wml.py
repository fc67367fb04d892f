"""WordprocessingML rules Word relies on that no schema expresses."""

from __future__ import annotations

from collections.abc import Callable

from .opc import Package

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
Report = Callable[[str, str, str], None]


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _style_ids(pkg: Package, part: str) -> set[str]:
    return {s.get(q("styleId"), "") for s in pkg.xml(part).iter(q("style"))}


def check(pkg: Package, report: Report) -> None:
    document = pkg.main_part()
    if document is None:
        return
    root = pkg.xml(document)
    if root.tag != q("document"):
        return

    styles = next(iter(pkg.targets(document, "/styles")), None)
    ids = _style_ids(pkg, styles) if styles else set()
    # Word 2010 keeps a second copy of the styles; one that disagrees is "unreadable content"
    for effects in pkg.targets(document, "/stylesWithEffects"):
        if _style_ids(pkg, effects) != ids:
            report(effects, "styles", "stylesWithEffects.xml does not list the same styles as "
                   "styles.xml (a stale copy; drop the part or keep it in step)")

    parts = [document, *pkg.targets(document, "/header"), *pkg.targets(document, "/footer")]
    for part in parts:
        for tag in ("pStyle", "rStyle", "tblStyle"):
            for el in pkg.xml(part).iter(q(tag)):
                if el.get(q("val")) not in ids:
                    report(part, "styles", f"w:{tag} names style {el.get(q('val'))!r}, which "
                           "styles.xml does not define")

    for sect in root.iter(q("sectPr")):
        if sect.find(q("titlePg")) is None:
            continue
        for kind in ("header", "footer"):
            refs = {r.get(q("type"), "default") for r in sect.findall(q(f"{kind}Reference"))}
            if "default" in refs and "first" not in refs:
                report(document, "section", f"titlePg is set but the section has no first-page "
                       f"{kind} (only a default one)")
