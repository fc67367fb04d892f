"""Rules for a ribbon customization part (customUI, Office 2010 namespace).

Microsoft publishes the rules as the customUI14 schema in [MS-CUSTOMUI2]; that schema is not
available from any package registry we can reach, so it is not vendored. These checks encode
[MS-CUSTOMUI2] for the elements the add-in uses — where each may stand, which attributes it
takes, which are required, the ST_UniqueID form of ids and the 1024-character limits — and
report any other element as unchecked, so a new kind of control gets a rule before it ships.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

CUSTOM_UI_2009 = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOM_UI_2006 = "http://schemas.microsoft.com/office/2006/01/customui"
ID_ATTRS = ("id", "idMso", "idQ")
CONTROL = {"id", "idMso", "idQ", "tag", "label", "getLabel", "visible", "getVisible", "keytip",
           "getKeytip", "insertAfterMso", "insertBeforeMso", "insertAfterQ", "insertBeforeQ"}
BUTTON = CONTROL | {"size", "getSize", "imageMso", "image", "getImage", "onAction", "screentip",
                    "getScreentip", "supertip", "getSupertip", "enabled", "getEnabled",
                    "showLabel", "getShowLabel", "showImage", "getShowImage", "description",
                    "getDescription"}
# element -> (allowed parents, allowed attributes, needs one of ID_ATTRS)
RULES: dict[str, tuple[set[str], set[str], bool]] = {
    "customUI": (set(), {"onLoad", "loadImage"}, False),
    "ribbon": ({"customUI"}, {"startFromScratch"}, False),
    "tabs": ({"ribbon"}, set(), False),
    "tab": ({"tabs"}, CONTROL, True),
    "group": ({"tab"}, CONTROL | {"image", "imageMso", "getImage", "screentip", "supertip",
                                  "autoScale", "centerVertically"}, True),
    "button": ({"group"}, BUTTON, True),
    "separator": ({"group"}, {"id", "idQ", "tag", "visible", "getVisible", "insertAfterMso",
                              "insertBeforeMso", "insertAfterQ", "insertBeforeQ"}, True),
}
UNIQUE_ID = re.compile(r"[A-Za-z_][\w.\-]{0,1023}")  # ST_UniqueID: an NCName, 1-1024 chars
LONG_TEXT = ("label", "screentip", "supertip", "description")

Report = Callable[[str, str, str], None]


def check(part: str, root: etree._Element, report: Report) -> None:
    ns = etree.QName(root).namespace
    if ns not in (CUSTOM_UI_2009, CUSTOM_UI_2006):
        report(part, "ribbon", f"root is not customUI: {root.tag}")
        return
    ids: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        qn = etree.QName(el)
        if qn.namespace != ns:
            report(part, "ribbon", f"{el.tag} is not in the customUI namespace")
            continue
        rule = RULES.get(qn.localname)
        if rule is None:
            report(part, "ribbon", f"<{qn.localname}> is not covered by these rules; add one")
            continue
        parents, attrs, needs_id = rule
        parent = el.getparent()
        if parents and (parent is None or etree.QName(parent).localname not in parents):
            report(part, "ribbon", f"<{qn.localname}> cannot stand in "
                   f"<{etree.QName(parent).localname if parent is not None else ''}>")
        for attr in el.attrib:
            if attr not in attrs:
                report(part, "ribbon", f"<{qn.localname}> has no attribute {attr!r}")
        given = [a for a in ID_ATTRS if el.get(a) is not None]
        if needs_id and len(given) != 1:
            report(part, "ribbon", f"<{qn.localname}> needs exactly one of id, idMso, idQ")
        if el.get("id") is not None:
            if not UNIQUE_ID.fullmatch(el.get("id")):
                report(part, "ribbon", f"id {el.get('id')!r} is not an ST_UniqueID")
            if el.get("id") in ids:
                report(part, "ribbon", f"id {el.get('id')!r} is used twice")
            ids.add(el.get("id"))
        for attr in LONG_TEXT:
            if len(el.get(attr) or "") > 1024:
                report(part, "ribbon", f"{attr} of {el.get('id')!r} is over 1024 characters")
        if el.get("size") not in (None, "normal", "large"):
            report(part, "ribbon", f"size {el.get('size')!r} is not normal or large")
        if qn.localname == "button" and el.get("onAction") is None and el.get("idMso") is None:
            report(part, "ribbon", f"button {el.get('id')!r} has no onAction")
        if el.get("image") is not None and el.get("imageMso") is not None:
            report(part, "ribbon", f"{el.get('id')!r} has both image and imageMso")
