"""Markup compatibility (ECMA-376 Part 3) as a consumer applies it before validating.

A consumer *understands* a set of namespaces (here: those the schema set defines). For the
rest, Part 3 says what to do, and Office does it:

* ``mc:AlternateContent``: take the first ``mc:Choice`` whose ``Requires`` prefixes are all
  understood, else ``mc:Fallback``, else nothing (10.2.1).
* An element or attribute in a namespace that is not understood: ignored if the namespace is
  listed in an in-scope ``mc:Ignorable`` (10.1.1) — for an element listed in
  ``mc:ProcessContent`` its children stay (10.1.2) — otherwise the document is in error.
* ``mc:MustUnderstand`` naming a namespace that is not understood is an error (10.1.4).
* The ``mc:`` attributes themselves are removed.

The content of an extension element (``<ext uri="...">`` in an ``extLst``) is left alone: it is
an opaque, lax-validated extension point whose content a consumer skips by its ``uri``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lxml import etree

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ALWAYS_UNDERSTOOD = frozenset({MC, XML_NS, XSI})


def _ns(qname: str) -> str | None:
    return qname[1:].split("}", 1)[0] if qname.startswith("{") else None


def _prefixes(el: etree._Element, attr: str) -> set[str | None]:
    value = el.get(f"{{{MC}}}{attr}")
    return {el.nsmap.get(p) for p in value.split()} if value else set()


def _requires(branch: etree._Element) -> set[str | None]:
    return {branch.nsmap.get(p) for p in (branch.get("Requires") or "").split()}


def _qnames(el: etree._Element, attr: str) -> set[tuple[str | None, str]]:
    """``mc:ProcessContent="w14:foo x:*"`` -> {(namespace, local name or '*')}."""
    value = el.get(f"{{{MC}}}{attr}")
    out = set()
    for item in (value or "").split():
        prefix, _, local = item.partition(":")
        out.add((el.nsmap.get(prefix), local))
    return out


def apply(root: etree._Element, understood: Iterable[str],
          error: Callable[[str], None]) -> etree._Element:
    """Apply markup compatibility to ``root`` in place; report violations through ``error``."""
    known = set(understood) | ALWAYS_UNDERSTOOD

    def choose(alt: etree._Element) -> etree._Element | None:
        for branch in alt:
            if not isinstance(branch.tag, str):
                continue
            local = etree.QName(branch).localname
            if local == "Choice":
                required = _requires(branch)
                if None in required:
                    error(f"mc:Choice Requires names an undeclared prefix in {root.tag}")
                if required <= known:
                    return branch
            elif local == "Fallback":
                return branch
        return None

    def walk(el: etree._Element, ignorable: set, process: set) -> None:
        ignorable = ignorable | _prefixes(el, "Ignorable")
        process = process | _qnames(el, "ProcessContent")
        for ns in _prefixes(el, "MustUnderstand") - known:
            error(f"mc:MustUnderstand names {ns}, which is not understood")
        for name in list(el.attrib):
            ns = _ns(name)
            if ns == MC:
                del el.attrib[name]
            elif ns is not None and ns not in known:
                if ns in ignorable:
                    del el.attrib[name]
                else:
                    error(f"attribute {name} on {el.tag} is neither understood nor ignorable")
        if etree.QName(el).localname == "ext" and el.getparent() is not None \
                and etree.QName(el.getparent()).localname == "extLst":
            return
        for child in list(el):  # a snapshot: children are replaced while walking
            if isinstance(child.tag, str):
                handle(el, child, ignorable, process)

    def replace(child: etree._Element, nodes: list[etree._Element]) -> None:
        for node in reversed(nodes):
            child.addnext(node)
        child.getparent().remove(child)

    def handle(el: etree._Element, child: etree._Element, ignorable: set, process: set) -> None:
        ns = _ns(child.tag)
        if ns == MC and etree.QName(child).localname == "AlternateContent":
            chosen = choose(child)
            nodes = list(chosen) if chosen is not None else []
            replace(child, nodes)
            for node in nodes:  # the chosen content is processed in its new place
                if isinstance(node.tag, str):
                    handle(el, node, ignorable, process)
            return
        if ns is not None and ns not in known:
            if ns not in ignorable:
                error(f"element {child.tag} is neither understood nor ignorable")
                return
            local = etree.QName(child).localname
            if (ns, local) in process or (ns, "*") in process:
                nodes = list(child)
                replace(child, nodes)
                for node in nodes:
                    if isinstance(node.tag, str):
                        handle(el, node, ignorable, process)
            else:
                el.remove(child)
            return
        walk(child, ignorable, process)

    if _ns(root.tag) not in known:
        error(f"root element {root.tag} is not in an understood namespace")
        return root
    walk(root, set(), set())
    return root
