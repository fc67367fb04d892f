"""The house look shared by every workbook the program writes: a named font, the colours and
the print setup.

openpyxl's ``Font()`` leaves the face unnamed; LibreOffice then prints such a cell in a serif
fallback next to Calibri. ``Font`` here always names it, and ``page_setup`` gives a sheet the
A4, fit-to-width printout with header and page numbers that the summary sheet has.
"""

from __future__ import annotations

from openpyxl.styles import Font as _Font

FONT_NAME = "Calibri"
FONT_SIZE = 11
COLOR_DARK = "1F4E79"
COLOR_HEADER_TEXT = "FFFFFF"
COLOR_MUTED = "595959"


def Font(**kw) -> _Font:  # noqa: N802 - stands in for openpyxl's Font
    """A font that always names its face (without one LibreOffice falls back to a serif) and
    its size (11 pt unless given)."""
    kw.setdefault("size", FONT_SIZE)
    return _Font(name=FONT_NAME, **kw)


def page_setup(ws, *, header_left: str, header_right: str, landscape: bool = True,
               title_rows: str | None = None, pages_tall: int = 0) -> None:  # fmt: skip
    """A4, one page wide (as many pages down as it takes, or ``pages_tall``), the sheet name and
    "Sida X av Y" in the footer. ``header_*`` are plain text; ``title_rows`` ("1:1") repeat on
    every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_tall
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    for hf in (ws.oddHeader, ws.oddFooter):
        for part in (hf.left, hf.center, hf.right):
            part.size = 8
            part.color = COLOR_MUTED
    ws.oddHeader.left.text = header_left.replace("&", "&&")
    ws.oddHeader.right.text = header_right.replace("&", "&&")
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Sida &P av &N"
    if title_rows:
        ws.print_title_rows = title_rows
