"""The names the Word report template and the report share: the context keys and the paragraph
styles that ``report.document`` fills in and the tests look for.

The template itself (``workbook_template/rapportmall.docx``, shipped in the wheel) was built once
by ``scripts/report_template_builder.py`` and is edited in Word since; the builder is not part of
the package.
"""

from __future__ import annotations

from halsocenter.core import contract as C

OWN_TEXT_STYLE = "Hälsocentrets text"
"""Paragraph style of the hub's own narrative, so it stands apart from the standard texts."""

GOAL_KEYS = ("metoder", "samverkan", "vagar_in", "malgrupp", "styrgrupp")
"""Context keys of the five regional goals, in the order of the first five Avsnitt values."""

TABLE_TITLE_STYLE = "Caption"
"""Word's caption style (Swedish Word: Beskrivning): every table's title above it, kept with the
table, and every chart's caption below it."""
NOTE_STYLE = "Förklaring"
"""Paragraph style of an explanation under a table or on the cover (small italic): a note,
not a caption."""
LINK_STYLE = "Hyperlink"
"""Word's character style of a link: the program's links (``{{r ...}}``) are drawn in it."""
PLAN_FIELDS = C.PLAN_FIELDS
"""The plan table's columns: the summary sheet's order (Aktivitet, Status, Uppföljning,
Framtidsplan)."""
