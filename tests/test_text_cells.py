"""TextCells: the lazy view of every text cell answers exactly as the full list of cells would."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from halsocenter.core.model import TextCell, TextCells, grid_texts

cell_values = st.one_of(st.just(""), st.sampled_from(["FaR", "Man", " ", "x"]), st.text(max_size=4),
                        st.integers(-5, 5), st.floats(allow_nan=True), st.booleans(),
                        st.just(date(2024, 1, 2)))  # fmt: skip
grids = st.lists(st.lists(cell_values, min_size=0, max_size=6), max_size=8)


def _every_cell(parts) -> list[TextCell]:
    out = []
    for sheet, rows, extra in parts:
        out += [TextCell(sheet, r, c, v) for r, row in enumerate(rows, start=1)
                for c, v in enumerate(row, start=1) if isinstance(v, str) and v]  # fmt: skip
        out += extra
    return out


def _built(parts) -> TextCells:
    cells = TextCells()
    for sheet, rows, extra in parts:
        cells.add_grid(sheet, rows, grid_texts(rows) if len(rows) % 2 else None)
        cells.add_cells(extra)
    return cells


parts = st.lists(st.tuples(st.sampled_from(["Remisser", "Plan"]), grids,
                           st.lists(st.builds(TextCell, st.just("Listor"), st.integers(1, 9),
                                              st.integers(1, 9), st.text(min_size=1, max_size=3)),
                                    max_size=3)), max_size=3)  # fmt: skip


@given(parts, st.sets(st.text(max_size=4), max_size=4))
def test_the_lazy_view_equals_the_list_of_every_text_cell(parts, wanted):
    full = _every_cell(parts)
    cells = _built(parts)
    assert cells.values() == [t.value for t in full]
    assert len(cells) == len(full) and list(cells) == full and cells == full
    assert cells.with_values(wanted | {"FaR"}) == [t for t in full if t.value in wanted | {"FaR"}]
    if full:
        assert cells[-1] == full[-1]


def test_a_row_with_no_wanted_value_is_passed_over_and_a_hit_keeps_its_position():
    rows = [["Löpnummer", "Kön"], ["2024-001", "Man"], [3.0, date(2024, 1, 1)], ["", "Kvinna"]]
    cells = TextCells()
    cells.add_grid("Remisser", rows)
    assert cells.with_values({"Kvinna"}) == [TextCell("Remisser", 4, 2, "Kvinna")]
    assert cells.with_values(()) == []
    assert TextCells.of(cells) is cells
    assert TextCells.of([TextCell("A", 1, 1, "x")]).values() == ["x"]


def test_an_unhashable_value_in_a_hand_made_grid_is_looked_at_cell_by_cell():
    cells = TextCells()
    cells.add_grid("Plan", [[["inte", "hashbar"], "mål"]])
    assert cells.with_values({"mål"}) == [TextCell("Plan", 1, 2, "mål")]
