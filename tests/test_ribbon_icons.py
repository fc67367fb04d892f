"""Every ribbon icon is one of Excel's own control ids, so it shows in every Excel we support.

An ``imageMso`` that Excel does not know leaves the button without an icon, and with "Show add-in
user interface errors" on, Excel reports the ribbon as faulty.

Source of the ids below: Microsoft's "Office Fluent UI command identifiers", published by
OfficeDev as github.com/OfficeDev/office-fluent-ui-command-identifiers, files
``Office 2013/excelcontrols.xlsx``, ``Office 2016/excelcontrols.xlsx`` and
``Microsoft 365/Current Channel/excelcontrols.xlsx`` (commit 9a4944b, 2024-03-18), column
"Control Name". Each id here was looked up in all three; the table gives its row in the
Microsoft 365 list (control type, tab, group).
"""

from __future__ import annotations

from lxml import etree

from halsocenter.xlam import build as addin

EXCEL_CONTROL_IDS = {
    "DataValidation": "button, TabData / GroupDataTools",
    "ChartInsert": "button, not on the ribbon (Insert Chart)",
    "FileNew": "button, not on the ribbon (New)",
    "FileSendAsAttachment": "button, not on the ribbon (FileSendMenu)",
    "FunctionsDateTimeInsertGallery": "gallery, TabFormulas / GroupFunctionLibrary",
    "Help": "button, HelpTab / GroupHelpAndSupport (2013/2016: not on the ribbon)",
    "HeaderFooterCurrentDate": "button, TabHeaderAndFooterToolsDesign / GroupHeaderFooterElements",
    "FileSaveAs": "button, not on the ribbon (Save As)",
}
NOT_EXCEL = {
    "ExportWord": "Access only (accesscontrols.xlsx: TabExternalData / GroupExport)",
    "CalendarInsert": "Outlook only (outlookexplorercontrols.xlsx: attachment context menu)",
}
"""Ids the ribbon once used that are absent from all three Excel lists."""


def _images() -> dict[str, str]:
    root = etree.fromstring(addin.ribbon_xml().encode())
    return {el.get("id"): el.get("imageMso") for el in root.iter() if el.get("imageMso")}


def test_every_ribbon_icon_is_an_excel_control_id():
    images = _images()
    assert len(images) == 6  # one per button
    unknown = {button: image for button, image in images.items()
               if image not in EXCEL_CONTROL_IDS}
    assert unknown == {}


def test_ids_from_other_office_programs_are_not_used():
    assert not set(_images().values()) & set(NOT_EXCEL)
    assert not set(EXCEL_CONTROL_IDS) & set(NOT_EXCEL)
