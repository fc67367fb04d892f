"""The one palette of every output: the workbooks (``xlsx.style``, the house look), the Word
reports' charts (``report.charts``, ``region.county_charts``) and the Word templates (built by
``scripts/report_template_builder.py``). A colour is named here once and taken from here.

Published documents fall under the law on accessibility of public-sector digital services
(DOS-lagen, EN 301 549, WCAG 2.1 AA), so the palette is held to it and ``contrast`` measures it:

- every colour that draws a chart's bars, lines or markers (``SERIES``) has at least 3:1 against
  the white page (WCAG 1.4.11, non-text contrast);
- every colour that carries text has at least 4.5:1 against the background it is drawn on
  (WCAG 1.4.3): dark text on the light fills, white text on ``DARK``;
- nothing is told by colour alone (WCAG 1.4.1): each series has its own line dash, marker and
  bar pattern as well (``SERIES_DASHES``, ``SERIES_MARKERS``, ``SERIES_PATTERNS``), bars carry
  their values, and a legend lists the series in the order the bars stand.

Colours are hex RGB without ``#`` (openpyxl and Word take them so); ``css`` adds the ``#`` for
matplotlib. Pure data: no file, no Excel, no drawing library.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- text and lines

DARK = "1F4E79"
"""Dark blue: titles, headings, header rows (white text on it), the house colour (8.7:1)."""
WHITE = "FFFFFF"
TEXT = "1A1A1A"
"""Body text of the Word reports (17:1)."""
CHART_TEXT = "404040"
"""Axis, legend and value labels of the charts (10.4:1)."""
SUBTLE_TEXT = "555555"
"""Captions, footers and explanations in the Word reports (7.5:1)."""
MUTED = "595959"
"""Notes, subtitles and hints in the workbooks (7.0:1)."""
LINK = "0563C1"
"""Links, as Office draws them (5.9:1)."""
AXIS = "7F7F7F"
"""A chart's category axis line and a total row's rule (4.0:1)."""
GRID = "D9D9D9"
"""Value grid lines: decoration, never the only way to read a value (the values are written)."""
RULE = "BFBFBF"
"""Thin lines under table rows."""
RULE_BLUE = "BDD7EE"
"""The Word reports' lines between table rows and above the footer."""

# --------------------------------------------------------------------------- fills (dark text on them)

GROUP_FILL = "DDEBF7"
"""A sub-heading row of a table (dark blue text on it: 7.1:1)."""
BAND_FILL = "EEF4FA"
"""Every other row of a Word table."""
ERROR_FILL = "FFC7CE"
ERROR_TEXT = "9C0006"
"""Dark red: the preliminary mark and a missing report, on white (8.7:1) or on ``ERROR_FILL``."""
WARNING_FILL = "FFF2CC"
YES_FILL = "E2EFDA"
YES_TEXT = "375623"
INPUT_FILL = "FFCC99"
INPUT_TEXT = "3F3F76"
"""Excel's built-in Input style (Swedish Excel: Indata): the cells a person fills in."""
FIXED_FILL = "F2F2F2"
"""A cell the template fills in and the coach leaves alone."""
STATUS_FILLS = ("EDEDED", "DDEBF7", "E2EFDA", "FFF2CC", "FCE4D6")
"""The plan's Status values in list order (Planerad … Ej genomförd): light fills behind dark
text, so the word says the status and the colour only helps."""

# --------------------------------------------------------------------------- chart series

BLUE = "2E75B6"
ORANGE = "C55A11"
PURPLE = "7030A0"
SERIES = (BLUE, ORANGE, PURPLE)
"""The series of every chart, in order: 4.8, 4.3 and 8.0 to 1 against white."""
SERIES_MARKERS = ("circle", "square", "triangle")
"""A line's point marker (DrawingML names); ``MPL_MARKERS`` are the same shapes in matplotlib."""
MPL_MARKERS = ("o", "s", "^")
SERIES_DASHES = ("solid", "dash", "sysDot")
"""A line's dash (DrawingML ``prstDash``); ``MPL_DASHES`` are the same in matplotlib."""
MPL_DASHES = ("-", "--", ":")
SERIES_PATTERNS = (None, "wdUpDiag", "dotGrid")
"""A bar's pattern after the first series (DrawingML ``pattFill``: white lines over the series
colour); ``MPL_HATCHES`` are the same in matplotlib."""
MPL_HATCHES = ("", "///", "...")


def series(i: int) -> str:
    """The colour of the ``i``-th series (0-based), repeating after the last."""
    return SERIES[i % len(SERIES)]


def css(color: str) -> str:
    """``"2E75B6"`` as matplotlib and CSS write it: ``"#2E75B6"``."""
    return "#" + color.lstrip("#").upper()


def contrast(color: str, background: str = WHITE) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours given as RRGGBB (with or without ``#``)."""

    def luminance(hex_color: str) -> float:
        value = hex_color.lstrip("#")
        channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    a, b = sorted((luminance(color), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


TEXT_PAIRS = (
    (TEXT, WHITE), (CHART_TEXT, WHITE), (SUBTLE_TEXT, WHITE), (MUTED, WHITE), (LINK, WHITE),
    (DARK, WHITE), (WHITE, DARK), (DARK, GROUP_FILL), (ERROR_TEXT, WHITE),
    (ERROR_TEXT, ERROR_FILL), (ERROR_TEXT, WARNING_FILL), (YES_TEXT, YES_FILL),
    (INPUT_TEXT, INPUT_FILL), (MUTED, FIXED_FILL), (TEXT, BAND_FILL),
    *((TEXT, fill) for fill in STATUS_FILLS),
)  # fmt: skip
"""(text colour, background) of every place the outputs write coloured text: each pair has at
least 4.5:1."""
