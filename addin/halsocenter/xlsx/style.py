"""The house look shared by every workbook the program writes (template, summary, Kontroll,
export, county workbook): the named font, the palette, number formats, borders and fills, the
charts' text and the print setup. One place, so every output looks alike.

openpyxl's ``Font()`` leaves the face unnamed; LibreOffice then prints such a cell in a serif
fallback next to Calibri. ``Font`` here always names it, and ``page_setup`` gives a sheet the
A4, fit-to-width printout with header and page numbers that the summary sheet has.
"""

from __future__ import annotations

from typing import Any

from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.styles import Font as _Font
from openpyxl.styles import PatternFill, Side

from halsocenter.core import contract as C
from halsocenter.xlsx.textfit import FONT_SIZE

FONT_NAME = "Calibri"

# --------------------------------------------------------------------------- palette

COLOR_DARK = "1F4E79"
COLOR_HEADER_TEXT = "FFFFFF"
COLOR_MUTED = "595959"
COLOR_GROUP = "DDEBF7"
COLOR_TOTAL_LINE = "7F7F7F"
COLOR_ERROR = "FFC7CE"
COLOR_ERROR_TEXT = "9C0006"
"""Dark red text, on white or on ``COLOR_ERROR``: the preliminary mark, a missing report."""
COLOR_WARNING = "FFF2CC"
CHART_COLORS = ("2E75B6", "F4B183", "A9D18E")
STATUS_COLORS = dict(zip(C.LIST_BY_KEY["status"].values,
                         ("EDEDED", "DDEBF7", "E2EFDA", "FFF2CC", "FCE4D6"), strict=True))  # fmt: skip
COLOR_LINK = "0563C1"
COLOR_CHART_TEXT = "404040"

# --------------------------------------------------------------------------- number formats

FMT_INT = "#,##0"  # thousands separator follows the reader's locale: "1 234" in Swedish Excel
FMT_DEC = "0.0"
FMT_PCT = "0 %"
FMT_YEAR = "0"
FMT_CHANGE_INT = "+#,##0;-#,##0;0"
FMT_CHANGE_DEC = "+0.0;-0.0;0"
FMT_CHANGE_PCT = "+0 %;-0 %;0 %"
CHANGE_FORMATS = {FMT_INT: FMT_CHANGE_INT, FMT_DEC: FMT_CHANGE_DEC, FMT_PCT: FMT_CHANGE_PCT}
FMT_DATETIME = "yyyy-mm-dd hh:mm"

UNIT_FORMATS = {"antal": FMT_INT, "andel": FMT_PCT, "dagar": FMT_DEC, "timmar": FMT_INT}


# --------------------------------------------------------------------------- fonts, lines, fills


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


THIN = Side(style="thin", color="BFBFBF")
TOTAL_SIDE = Side(style="thin", color=COLOR_TOTAL_LINE)
HEADER_FONT = Font(bold=True, color=COLOR_HEADER_TEXT)
HEADER_FILL = PatternFill("solid", fgColor=COLOR_DARK)
GROUP_FILL = PatternFill("solid", fgColor=COLOR_GROUP)


# --------------------------------------------------------------------------- charts' text


def chart_title(text: str) -> Title:
    """A chart title in the house look (11 pt bold, dark blue)."""
    props = CharacterProperties(sz=1100, b=True, solidFill=COLOR_DARK)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props),
                     r=[RegularTextRun(rPr=props, t=text)])  # fmt: skip
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def small_text(size: int = 800) -> RichText:
    """Axis, legend and label text of a chart (``size`` in hundredths of a point)."""
    props = CharacterProperties(sz=size, solidFill=COLOR_CHART_TEXT)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


# --------------------------------------------------------------------------- headers


VOWELS = set("aeiouyåäöAEIOUYÅÄÖ")


def hyphenate(text: Any, capacity: int) -> Any:
    """Break a header word too long for its column at a syllable start ("Deltagar-\ntillfällen"),
    so it does not wrap in the middle of a letter group."""
    if not isinstance(text, str):
        return text
    words = []
    for word in text.split(" "):
        while len(word) > capacity:
            cuts = [p for p in range(3, min(capacity, len(word) - 2))
                    if word[p] not in VOWELS and word[p + 1] in VOWELS
                    and word[p - 1] in VOWELS | {"r", "l", "n"}]  # fmt: skip
            cut = min(cuts, key=lambda p: max(p, len(word) - p), default=None)
            if cut is None:
                break
            words.append(word[:cut] + "-\n")
            word = word[cut:]
        words.append(word)
    return " ".join(words).replace("\n ", "\n")
