"""The Kontroll sheet's content and placement, for the file writer and the live-Excel writer.

``kontroll_layout(findings)`` is pure: it returns rows of plain values with their place, kind,
fill, link and height, and the two writers (``generated.write_kontroll_sheet`` with openpyxl,
``live.write.write_kontroll_sheet`` with xlwings) only put them on a sheet. So the coach sees the same
sheet whichever way it was made.

The sheet reads from the top: counts per severity and a sentence; a summary with one row per
group of findings (``core.groups``: count, what is wrong, a link to the first cell, the cells);
then the findings one by one with links -- at most ``PER_GROUP`` of each group, then a row "… och
20 312 till av samma slag", so a systematic mistake in 20,000 rows gives a readable sheet.

Printed, it leads with what a coach needs on paper: the counts, the summary and the first
``FIRST_LISTED`` findings of each kind, with the list's column headings repeated on every page.
The rest of each kind follows under its own heading (``TITLE_REST``) from a new page
(``KontrollLayout.rest_row``), so a printout can stop before it, and only the Allvarlighet cell
of a row is coloured: 200 findings of two kinds do not print as pages of pink.

Row heights are computed here (``textfit``): LibreOffice does not fit rows to wrapped text when
it opens a file, and the live writer must not measure row by row. Every row of one group's
findings gets that group's tallest height, so the live writer sets heights once per group.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from halsocenter.core import contract as C
from halsocenter.core.a1 import column_letter
from halsocenter.core.groups import Group, group_findings
from halsocenter.core.model import Finding, severity_counts
from halsocenter.core.swedish import number
from halsocenter.xlsx.style import page_rows_pt
from halsocenter.xlsx.textfit import LINE_PT, height, lines_needed

PER_GROUP = 100
"""Findings listed one by one per group; the rest are counted in one row."""
FIRST_LISTED = 5
"""Findings of each group in the first part of the list, which a printout leads with."""
RANGES_SHOWN = 8
"""Cell ranges spelled out in the summary's Celler column before …"""

HEAD_ROW = 3
"""Counts per severity from here (label in A, count in B), then the sentence."""
FIRST_BLOCK_ROW = 8
WIDTHS = (12, 13, 8, 18, 9, 26, 64, 26, 10)
"""Column widths A-I, shared by the summary and the list of findings."""
WRAPPED = (6, 7, 8)
"""Columns (1-based) whose text wraps: Celler/Värde, Meddelande, Regel."""
LINK_COL = 5
"""The column that links to the finding's cell (Första cell / Cell)."""
CODE_COL = len(WIDTHS)
"""The internal code, for support and ``check --json``: narrow, last, not printed."""
PRINT_COLS = CODE_COL - 1

TITLE_SUMMARY = "Sammanfattning – en rad per slag av fel"
TITLE_FINDINGS = (f"Varje kontrollpunkt med länk till sin cell – först de {FIRST_LISTED} första av "
                  "varje slag")
TITLE_REST = (f"Resten av kontrollpunkterna (högst {PER_GROUP} av varje slag) – från en ny "
              "sida, så att utskriften kan sluta före")


@dataclass(frozen=True)
class Row:
    """One sheet row from column A: ``values`` (at most ``len(WIDTHS)``), what kind of row it
    is (title, count, sentence, heading, header, group, finding, more), its severity (for the
    fill), the location ``'Sheet'!B5`` its link column points at, its height in points (None:
    the default single line) and the index of its group in ``KontrollLayout.groups``."""

    values: tuple[Any, ...]
    kind: str
    """title, count, sentence, heading, header, group (a summary row), finding, later (the
    first part's "… N till längre ned"), rest (the heading of the rest), more (the count of
    what is not listed)."""
    severity: str | None = None
    link: str | None = None
    height: float | None = None
    group: int | None = None


@dataclass(frozen=True)
class Block:
    """Rows written together, from row ``top``."""

    name: str
    top: int
    rows: tuple[Row, ...]

    @property
    def bottom(self) -> int:
        return self.top + len(self.rows) - 1


@dataclass(frozen=True)
class KontrollLayout:
    blocks: tuple[Block, ...]
    groups: tuple[Group, ...]
    page_breaks: tuple[int, ...] = ()
    """Rows after which a printed page ends: before the list when its heading would otherwise
    end page 1, and before the rest of each kind (``rest_row``)."""

    def block(self, name: str) -> Block:
        return next(b for b in self.blocks if b.name == name)

    @property
    def last_row(self) -> int:
        return self.blocks[-1].bottom

    @property
    def print_area(self) -> str:
        return f"A1:{column_letter(PRINT_COLS)}{self.last_row}"

    @property
    def header_row(self) -> int:
        """The list's column headings: repeated at the top of every printed page."""
        return self.block("findings").top + 1

    @property
    def rest_row(self) -> int | None:
        """The row of ``TITLE_REST``, where a new printed page starts; None when every
        finding is in the first part."""
        b = self.block("findings")
        return next((b.top + i for i, r in enumerate(b.rows) if r.kind == "rest"), None)

    @property
    def filter_ref(self) -> str:
        """The list of findings, header included, for an autofilter."""
        b = self.block("findings")
        return f"A{b.top + 1}:{column_letter(CODE_COL)}{max(b.bottom, b.top + 2)}"


# --------------------------------------------------------------------------- text


def row_height(values: Sequence[Any]) -> float | None:
    """The height that shows every wrapped cell of the row whole; None for one line."""
    lines = lines_needed((values[c - 1], WIDTHS[c - 1]) for c in WRAPPED if c <= len(values))
    return None if lines <= 1 else height(lines)


def sentence(counts: dict[str, int]) -> str:
    errors, warnings, infos = (counts.get(s, 0) for s in C.SEVERITY_ORDER)
    if errors:
        return (f"Arbetsboken har {number(errors)} fel. Klicka på en blå cellreferens för att gå "
                "till cellen, rätta och kontrollera igen.")  # fmt: skip
    if warnings:
        return ("Inga fel hittades. Titta gärna igenom varningarna – de kan vara riktiga men "
                "är värda en extra blick.")
    if infos:
        return "Inga fel eller varningar hittades."
    return "Inga fel hittades. Arbetsboken ser bra ut."


INVALID_CODES = ("list_value_unknown", "attendance_unknown_session")
"""Findings of a value outside its list (Närvaro's list being the year's activities): the
figures count such values as ``C.INVALID_CATEGORY``."""


def invalid_sentence(n: int) -> str | None:
    """What the summary does with values outside their lists, when there are any."""
    if not n:
        return None
    cells = "1 cell har ett värde" if n == 1 else f"{number(n)} celler har värden"
    return (f"{cells} som inte finns i sin lista (för {C.NARVARO.sheet}: bland årets "
            f"aktiviteter). I {C.SUMMARY_SHEET} och {C.DATA_SHEET} räknas de som "
            f"”{C.INVALID_CATEGORY}”, aldrig som egna kategorier, tills de är rättade.")


def head_rows(findings: Iterable[Finding]) -> list[list[Any]]:
    """Counts per severity (label, count), the sentence and -- when values are outside their
    lists -- how many and how they are counted, from ``HEAD_ROW`` in column A."""
    findings = list(findings)
    counts = severity_counts(findings)
    rows: list[list[Any]] = [[C.SEVERITY_LABELS[s], counts[s]] for s in C.SEVERITY_ORDER]
    rows.append([sentence(counts), None])
    invalid = invalid_sentence(sum(f.count for f in findings if f.code in INVALID_CODES))
    if invalid:
        rows.append([invalid, None])
    return rows


def title(kommun: str | None, year: int | None) -> str:
    hub = f"Hälsocenter {kommun or ''}".strip()
    return " ".join(p for p in ("Kontroll av arbetsboken –", hub, str(year or "")) if p)


_MASKED_NUMBER = re.compile(r"(\d{4,8}\*\*)-(\*{4})")
NO_BREAK_HYPHEN = "\u2011"


def unbroken(text: Any) -> Any:
    """Text with each masked identity number ("198112**-****") joined by a non-breaking hyphen,
    so a wrapped cell never splits it into "198112**-" and "****"."""
    return _MASKED_NUMBER.sub(rf"\1{NO_BREAK_HYPHEN}\2", text) if isinstance(text, str) else text


def cell_value(value: Any) -> Any:
    """A finding's value as a cell shows it: numbers as they are, dates as ISO text, the rest
    as text (a masked number kept on one line)."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else value
    if isinstance(value, (datetime, date)):
        try:
            return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
        except ValueError:  # NaT
            return None
    return unbroken(str(value))


def link_location(finding: Finding, sheet_names: Sequence[str] = ()) -> str | None:
    """Internal link target ``'Sheet'!B5`` for a finding, or None when it has no cell (or the
    sheet is not in the workbook, when the sheet names are known)."""
    if not finding.cell or not finding.sheet:
        return None
    if sheet_names and finding.sheet not in sheet_names:
        return None
    return "'{}'!{}".format(finding.sheet.replace("'", "''"), finding.cell)


def more_text(n: int) -> str:
    return f"… och {number(n)} till av samma slag"


def later_text(n: int) -> str:
    """The first part's pointer to the rest of a group."""
    return f"… och {number(n)} till av samma slag under Resten av kontrollpunkterna"


# --------------------------------------------------------------------------- layout


def _group_row(i: int, g: Group, sheet_names: Sequence[str]) -> Row:
    values = (C.SEVERITY_LABELS.get(g.severity, g.severity), g.sheet, g.count, g.column,
              g.first.cell, g.ranges_text(RANGES_SHOWN), unbroken(g.sentence), g.name,
              g.code)  # fmt: skip
    return Row(values, "group", g.severity, link_location(g.first, sheet_names),
               row_height(values), i)  # fmt: skip


def _finding_values(f: Finding, name: str) -> tuple[Any, ...]:
    return (C.SEVERITY_LABELS.get(f.severity, f.severity), f.sheet, f.row, f.column, f.cell,
            cell_value(f.value), unbroken(f.message), name, f.code)  # fmt: skip


def kontroll_layout(findings: Sequence[Finding], sheet_names: Sequence[str] = (), *,
                    kommun: str | None = None, year: int | None = None,
                    per_group: int = PER_GROUP) -> KontrollLayout:  # fmt: skip
    """Everything on the Kontroll sheet. ``sheet_names`` (the input's sheets) limits links to
    sheets that exist."""
    groups = tuple(group_findings(findings))
    head = head_rows(findings)
    n_counts = len(C.SEVERITY_ORDER)
    blocks = [Block("title", 1, (Row((title(kommun, year),), "title"),)),
              Block("head", HEAD_ROW, tuple(Row(tuple(r), "count", s) for s, r in
                                            zip(C.SEVERITY_ORDER, head[:n_counts], strict=True))
                    + tuple(Row(tuple(r[:1]), "sentence") for r in head[n_counts:]))]  # fmt: skip
    top = max(FIRST_BLOCK_ROW, blocks[-1].bottom + 2)
    summary = [Row((TITLE_SUMMARY,), "heading"), Row(C.KONTROLL_GROUP_COLUMNS, "header")]
    summary += [_group_row(i, g, sheet_names) for i, g in enumerate(groups)]
    blocks.append(Block("summary", top, tuple(summary)))
    top += len(summary) + 1
    listed = [Row((TITLE_FINDINGS,), "heading"), Row(C.KONTROLL_FINDING_COLUMNS, "header")]
    first = min(FIRST_LISTED, per_group)
    rest: list[Row] = []
    for i, g in enumerate(groups):
        one_by_one = [f for f in g.findings if f.count == 1][:per_group]  # not the counted
        shown = [_finding_values(f, g.name) for f in one_by_one]
        height = max((row_height(v) or 0 for v in shown), default=0) or None
        rows = [Row(v, "finding", g.severity, link_location(f, sheet_names), height, i)
                for v, f in zip(shown, one_by_one, strict=True)]  # fmt: skip
        listed += rows[:first]
        if g.count > first and len(rows) > first:
            listed.append(Row((None,) * 6 + (later_text(g.count - first),), "later", g.severity,
                              group=i))  # fmt: skip
            rest += rows[first:]
        if g.count > len(one_by_one):
            text = more_text(g.count - len(one_by_one))
            (rest if len(rows) > first else listed).append(
                Row((None,) * 6 + (text,), "more", g.severity, group=i))
    if rest:
        listed += [Row((TITLE_REST,), "rest"), *rest]
    blocks.append(Block("findings", top, tuple(listed)))
    return KontrollLayout(tuple(blocks), groups, _page_breaks(blocks))


ROW_PT = {"title": 24.0, "heading": 17.0, "rest": 17.0}
"""Heights of the rows in larger type, as Excel and LibreOffice size them."""


def _page_breaks(blocks: Sequence[Block]) -> tuple[int, ...]:
    """Where the printed pages break, rows after which a page ends: the counts and the summary
    first; then the list -- its heading with the first kind's rows, then each kind's first rows
    (and the row that points on) -- each moved whole to a new page when it does not fit on the
    current one, so no page holds a lone row of a kind; the rest from a new page of its own
    (the list's headings repeat at the top of every page after their own)."""
    heights = {b.top + i: r.height or ROW_PT.get(r.kind, LINE_PT)
               for b in blocks for i, r in enumerate(b.rows)}  # fmt: skip

    def height(first: int, last: int) -> float:
        return sum(heights.get(r, LINE_PT) for r in range(first, last + 1))

    findings = next(b for b in blocks if b.name == "findings")
    rows = findings.rows
    rest = next((i for i, r in enumerate(rows) if r.kind == "rest"), len(rows))
    units = [(1, findings.top - 1)]  # the title, counts and the summary
    start = 0  # the heading and the header go with the first kind
    for i in range(2, rest):
        ends_kind = i + 1 == rest or rows[i + 1].group != rows[i].group
        if ends_kind:
            units.append((findings.top + start, findings.top + i))
            start = i + 1
    capacity = page_rows_pt(WIDTHS[:PRINT_COLS])
    titles = height(findings.top + 1, findings.top + 1)  # repeated at the top of a new page
    breaks, used = [], 0.0
    for first, last in units:
        unit = height(first, last)
        if used and used + unit > capacity:
            breaks.append(first - 1)
            used = titles
        used = (used + unit) % capacity if used + unit > capacity else used + unit
    if rest < len(rows):
        breaks.append(findings.top + rest - 1)
    return tuple(breaks)
