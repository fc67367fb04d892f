"""How many lines a text takes in a wrapped cell, and the row height that shows it whole: the
one estimator every sheet writer uses (summary, Kontroll, county workbook, template).

LibreOffice does not fit rows to wrapped text when it opens a file, and the live writer must
not measure row by row, so heights are computed from the text: words packed greedily into the
column the way Excel and LibreOffice wrap them, each character as wide as Calibri draws it.
A word longer than the line is broken where it must be.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FONT_SIZE = 11
LINE_PT = 15.0
"""Height of one line of Calibri 11 text, in points: Excel's default row height."""
MAX_ROW_HEIGHT = 409.0
"""The tallest row Excel allows, in points."""
PX_PER_WIDTH = 7
"""Pixels per unit of column width: the width of a digit in Calibri 11 at 96 dpi."""
CELL_PADDING_PX = 6
"""Room Excel and LibreOffice leave around wrapped text in a cell (with a little to spare)."""
BOLD_WIDER = 1.08
"""Calibri Bold is about this much wider than Calibri."""
_ADVANCE = {  # Calibri advance widths in 1/2048 em (Carlito, its metric twin, has the same)
    452: "'", 463: " ", 470: "il", 490: "j", 511: ",’", 516: "I", 517: ".", 548: ":;",
    621: "()", 625: "f", 627: "-", 628: "[]", 653: "J", 667: "!", 686: "t", 714: "r",
    791: "/", 801: "s", 809: "z", 821: '"', 857: "”“", 861: "L", 866: "c", 887: "x",
    925: "v", 927: "y", 931: "k", 941: "FS", 949: "?", 959: "Z", 964: "g", 981: "aåä",
    998: "TY", 1000: "E", 1019: "eé", 1020: "#*+<=>_–≥≤×", 1038: "0123456789", 1058: "P",
    1063: "X", 1064: "K", 1076: "bdhnpquü", 1080: "oö", 1092: "C", 1112: "R", 1114: "B",
    1162: "V", 1185: "AÅÄ", 1260: "D", 1276: "H", 1292: "G", 1314: "U", 1322: "N",
    1356: "OÖ", 1378: "Q", 1397: "&", 1414: "…", 1464: "%w", 1636: "m", 1751: "M", 1822: "W",
}  # fmt: skip
_UNITS = {ch: units for units, chars in _ADVANCE.items() for ch in chars}
_WIDE = 1400
"""Any other character (uppercase accents, symbols) counts as this wide, to be safe."""
_PX_PER_UNIT = 11 * 96 / 72 / 2048  # Calibri 11 pt at 96 dpi


def text_px(text: str, *, bold: bool = False, size: float = FONT_SIZE) -> float:
    """Width of ``text`` in Calibri (11 pt unless ``size``), in pixels."""
    px = sum(_UNITS.get(ch, _WIDE) for ch in text) * _PX_PER_UNIT * size / FONT_SIZE
    return px * BOLD_WIDER if bold else px


def wrapped_lines(text: Any, width: float, *, bold: bool = False,
                  size: float = FONT_SIZE) -> int:  # fmt: skip
    """Lines ``text`` takes in a column ``width`` wide (Excel's width units), wrapped at spaces
    as Excel and LibreOffice wrap it; a line break starts a new line."""
    if text is None or text == "":
        return 1
    room = max(1.0, width * PX_PER_WIDTH - CELL_PADDING_PX)
    space = text_px(" ", bold=bold, size=size)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            px = text_px(word, bold=bold, size=size)
            if used and used + space + px <= room:
                used += space + px
                continue
            if used:
                lines += 1
            lines += int(px // room) if px > room else 0  # a word wider than the column
            used = px % room if px > room else px
    return lines


def lines_needed(cells: Iterable[tuple[Any, float]], *, bold: bool = False,
                 size: float = FONT_SIZE) -> int:  # fmt: skip
    """The most lines any of ``cells`` (text, column width) takes."""
    return max((wrapped_lines(t, w, bold=bold, size=size) for t, w in cells), default=1)


def height(lines: int, *, size: float = FONT_SIZE, line_pt: float = LINE_PT,
           pad: float = 0.0) -> float:  # fmt: skip
    """Points for ``lines`` lines of text, capped at Excel's tallest row."""
    return min(MAX_ROW_HEIGHT, round(lines * line_pt * size / FONT_SIZE + pad, 1))


def row_height(cells: Iterable[tuple[Any, float]], *, bold: bool = False,
               size: float = FONT_SIZE, pad: float = 0.0) -> float:  # fmt: skip
    """Height in points of a row whose wrapped cells are (text, column width)."""
    return height(lines_needed(cells, bold=bold, size=size), size=size, pad=pad)
