"""Disclosure control for the export: small counts in the demographic breakdowns are masked.

Masking (``mask_below=n``, ``mask_rows``): in the breakdowns by Kön, Åldersgrupp and Fokus
(levnadsvana) every value 1..n-1 is written as an empty Värde with ``Maskerad = Ja`` — never as
0 — and enough other cells of the same breakdown are masked with it that none of them can be
recomputed from the total and the cells still shown (complementary suppression). Fokus is masked
too because a hub's lifestyle focus (tobacco, alcohol, sleep, stress) is health information that
a small count could tie to a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from halsocenter.core.summary import FigureRow
from halsocenter.region.export_format import MASKED_DIMENSIONS, ExportRow


def suppress(values: Sequence[float | None], mask_below: int) -> set[int]:
    """Which cells of one breakdown to mask: primary and complementary suppression.

    The breakdown's total is taken as known — even when it is not printed beside it, every
    unmasked breakdown of the same figure (Typ, Månad…) adds up to it. The guarantee, for a
    reader who knows the total, every cell shown (zeros included) and which cells are masked:

    * no masked cell has only one possible value (masked cells are whole numbers ≥ 0 that add
      up to the total minus the cells shown) — this holds whenever two or more cells are
      masked, so a single masked cell is never left alone;
    * when every masked cell is a small one (1..n-1, as the reader can read from
      "Maskerade under n"), the small cells still leave each masked cell two possible values:
      two 1s out of a remainder of 2, or all n-1, would not (unless the whole breakdown is
      masked already and nothing more can be).

    Rule: mask every value ``0 < v < mask_below``; while the guarantee fails, also mask the
    smallest non-zero value still shown, or, when none is left, every zero still shown
    (masking one chosen zero would tell which masked cell holds the count). A breakdown of a
    single category is the total itself and cannot be protected by its own cells. A value of
    None (not computable) counts as neither shown nor masked."""
    known = [i for i, v in enumerate(values) if v is not None]
    small = {i for i in known if 0 < values[i] < mask_below}
    masked = set(small)

    def determined() -> bool:
        if len(masked) == 1:
            return True
        if masked <= small:  # each in 1..n-1: pinned when all are 1 or all are n-1
            rest = sum(values[i] for i in masked)
            return rest in (len(masked), len(masked) * (mask_below - 1))
        return False

    while masked and determined():
        shown = [i for i in known if i not in masked]
        if not shown:
            break
        nonzero = [i for i in shown if values[i]]
        if nonzero:
            masked.add(min(nonzero, key=lambda i: (values[i], i)))
        else:
            masked.update(shown)
    return masked


def mask_rows(figures: Iterable[FigureRow], mask_below: int | None) -> list[ExportRow]:
    """Rows with small demographic counts masked (``suppress`` per breakdown): empty Värde and
    ``Maskerad = Ja``, never 0."""
    rows = [ExportRow(f.key, f.dimension, f.value) for f in figures]
    if not mask_below or mask_below <= 1:
        return rows
    groups: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        name, sep, _ = row.dimension.partition("=")
        if sep and name in MASKED_DIMENSIONS:
            groups.setdefault((row.key, name), []).append(i)
    masked: set[int] = set()
    for members in groups.values():
        chosen = suppress([rows[i].value for i in members], mask_below)
        masked.update(members[j] for j in chosen)
    return [ExportRow(r.key, r.dimension, None, True) if i in masked else r
            for i, r in enumerate(rows)]  # fmt: skip
