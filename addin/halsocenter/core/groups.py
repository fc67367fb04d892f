"""Findings told as groups: a view for people over the unchanged individual findings.

A systematic mistake (a renamed list value pasted into 20,000 rows) gives 20,000 findings that
say one thing. ``group_findings`` puts findings that share rule, sheet, column and -- where the
rule says it matters (``messages.RULES``) -- value into one ``Group`` with a count, the cells as
compressed ranges (``K2:K20413``) and one Swedish sentence. The findings themselves stay as they
are; ``check --json`` and the tests see every one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from halsocenter.core import contract as C
from halsocenter.core import messages as M
from halsocenter.core.a1 import column_letter, parse_cell
from halsocenter.core.model import Finding, FindingList

RANGES_SHOWN = 3
"""Cell ranges spelled out in a group message before the rest is elided with …"""
MAX_VALUE_GROUPS = 5
"""Values of one column told as groups of their own; more, and the column is one group."""
EXAMPLES_SHOWN = 3
"""Values named as examples in the sentence of a column with many values."""

_SEVERITY_RANK = {s: i for i, s in enumerate(C.SEVERITY_ORDER)}


@dataclass(frozen=True)
class Group:
    """Findings that say the same thing about one column of one sheet."""

    code: str
    severity: str
    sheet: str | None
    column: str | None
    value: Any
    """The shared value when the rule groups by value (``messages.Rule.by_value``), else
    None."""
    findings: tuple[Finding, ...]

    @cached_property
    def count(self) -> int:
        """Findings in the group, those counted but not listed one by one included."""
        return sum(f.count for f in self.findings)

    @cached_property
    def values(self) -> tuple[Any, ...]:
        """The distinct values of the listed findings, in order (a group of a rule told by
        value that holds too many values to tell one by one has several)."""
        return tuple(dict.fromkeys(_hashable(f.value) for f in self.findings
                                   if f.count == 1 and f.value is not None))  # fmt: skip

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def name(self) -> str:
        """The rule in Swedish."""
        return M.rule(self.code).name

    @cached_property
    def ranges(self) -> list[str]:
        """The findings' cells as ranges, column by column, top to bottom."""
        return cell_ranges(f.cell for f in self.findings if f.cell)

    def ranges_text(self, shown: int = RANGES_SHOWN) -> str:
        return ranges_text(self.ranges, shown)

    @property
    def place(self) -> str:
        """Where: "Remisser, kolumn Träning start" (or just the sheet)."""
        return M.where_column(self.sheet, self.column)

    @property
    def sentence(self) -> str:
        """What is wrong, without the cells. A group of one says it in the finding's own
        words, which name the row and say how to put it right."""
        if self.count == 1:
            return self.first.message
        from halsocenter.core.validate import show

        rule = M.rule(self.code)
        if rule.by_value and self.value is None:  # many values: a few of them as examples
            examples = ", ".join(f"”{show(v)}”" for v in self.values[:EXAMPLES_SHOWN])
            more = "\u00a0…" if len(self.values) > EXAMPLES_SHOWN else ""
            text = (M.render_group(self.code, self.count, many=True)
                    + (f", t.ex. {examples}{more}" if examples else ""))  # fmt: skip
        else:
            value = show(self.value) if self.value is not None else ""
            text = M.render_group(self.code, self.count, value)
        if self.unlisted:
            text += M.unlisted_tail(self.unlisted, FindingList.LIMIT)
        return f"{self.place}: {text}"

    @cached_property
    def unlisted(self) -> int:
        """Findings counted but not listed one by one (``model.FindingList``)."""
        return sum(f.count for f in self.findings if f.count > 1)

    @property
    def message(self) -> str:
        """The sentence with its cells: "Remisser, kolumn Träning start: 20 412 celler har
        ”<30” som inte finns i listan (K2:K20413 …)"."""
        return f"{self.sentence} ({self.ranges_text()})" if self.ranges else self.sentence

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "severity": self.severity, "sheet": self.sheet,
            "column": self.column, "value": self.first.as_dict()["value"] if
            self.value is not None else None, "count": self.count,
            "ranges": self.ranges, "message": self.message,
        }  # fmt: skip


def group_findings(findings: Iterable[Finding]) -> list[Group]:
    """Groups, most serious first, then largest first, then in the order of their first
    finding (which ``validate`` gives in sheet, row, column order)."""
    members: dict[tuple, list[Finding]] = {}
    for f in findings:
        value = f.value if M.rule(f.code).by_value else None
        key = (f.code, f.severity, f.sheet, f.column, _hashable(value))
        bucket = members.get(key)
        if bucket is None:
            members[key] = [f]
        else:
            bucket.append(f)
    members = _few_values(members)
    groups = [Group(code, severity, sheet, column, fs[0].value if value is not None else None,
                    tuple(fs))
              for (code, severity, sheet, column, value), fs in members.items()]  # fmt: skip
    # sorted() is stable: groups of one size keep the order of their first finding
    return sorted(groups, key=lambda g: (_SEVERITY_RANK.get(g.severity, len(_SEVERITY_RANK)),
                                         -g.count))  # fmt: skip


def _few_values(members: dict[tuple, list[Finding]]) -> dict[tuple, list[Finding]]:
    """Groups told by value stay apart while a column has at most ``MAX_VALUE_GROUPS`` values
    (a renamed list value pasted into 20,000 rows is one line); a column with more values --
    every cell typed differently, or findings counted but not listed -- becomes one group told
    with a few of its values as examples, so the view stays one screen."""
    by_column: dict[tuple, list[tuple]] = {}
    for key, fs in members.items():
        if key[4] is not None or any(f.count != 1 for f in fs):
            by_column.setdefault(key[:4], []).append(key)
    merged = {base for base, keys in by_column.items()
              if len(keys) > MAX_VALUE_GROUPS
              or any(f.count != 1 for k in keys for f in members[k])}  # fmt: skip
    if not merged:
        return members
    out: dict[tuple, list[Finding]] = {}
    for key, fs in members.items():
        target = (*key[:4], None) if key[:4] in merged else key
        out.setdefault(target, []).extend(fs)
    return out


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def cell_ranges(cells: Iterable[str]) -> list[str]:
    """A1 references as the fewest column ranges covering exactly those cells: ``K2:K5`` for
    K2, K3, K4 and K5; ordered by column, then row. References that are not single cells are
    kept as they are, at the end."""
    by_column: dict[int, set[int]] = {}
    other: list[str] = []
    for cell in cells:
        parsed = parse_cell(cell)
        if parsed is None:
            if cell not in other:
                other.append(cell)
            continue
        by_column.setdefault(parsed[0], set()).add(parsed[1])
    out = []
    for col in sorted(by_column):
        letter = column_letter(col)
        rows = sorted(by_column[col])
        start = prev = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            out.append(f"{letter}{start}" if start == prev else f"{letter}{start}:{letter}{prev}")
            if row is not None:
                start = prev = row
    return out + other


def ranges_text(ranges: Sequence[str], shown: int = RANGES_SHOWN) -> str:
    """The first ``shown`` ranges, then … when there are more."""
    text = ", ".join(ranges[:shown])
    return f"{text}\u00a0…" if len(ranges) > shown else text  # no line break before …
