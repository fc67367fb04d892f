"""Alternative texts of charts: the words (chart_text) and where they land in an .xlsx
(chart_alt), read back from the written file."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor

from halsocenter.core.chart_text import NO_DATA, describe
from halsocenter.xlsx.chart_alt import alt_text, set_alt_text

XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december"]  # fmt: skip


def drawing_frames(data: bytes) -> list[dict[str, str]]:
    """The cNvPr attributes of every chart frame in every drawing part of a package."""
    frames = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in sorted(n for n in zf.namelist() if n.startswith("xl/drawings/drawing")
                           and n.endswith(".xml")):  # fmt: skip
            root = etree.fromstring(zf.read(name))
            for frame in root.iter(f"{{{XDR}}}graphicFrame"):
                frames.append(dict(frame.find(f"{{{XDR}}}nvGraphicFramePr/{{{XDR}}}cNvPr").attrib))
    return sorted(frames, key=lambda f: int(f["id"]))  # openpyxl writes two-cell anchors first


def _book_with_charts() -> tuple[Workbook, list]:
    wb = Workbook()
    ws = wb.active
    for i, v in enumerate([7, 8, 2, 11], 1):
        ws.append([f"k{i}", v])
    charts = []
    for make in (BarChart, LineChart, BarChart):
        chart = make()
        chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4))
        charts.append(chart)
    ws.add_chart(charts[0], "D2")  # a cell reference: openpyxl's one-cell anchor
    charts[1].anchor = TwoCellAnchor(_from=AnchorMarker(col=3, row=20),
                                     to=AnchorMarker(col=9, row=34))  # fmt: skip
    ws.add_chart(charts[1])
    ws.add_chart(charts[2], "D40")
    return wb, charts


def test_alt_text_is_written_on_the_chart_frame_of_every_anchor_kind():
    wb, charts = _book_with_charts()
    set_alt_text(charts[0], "Remisser per månad", "Stapeldiagram: remisser per månad. K 7.")
    set_alt_text(charts[1], "Trend", "Linjediagram:\n  trend   över åren.")
    buf = io.BytesIO()
    wb.save(buf)
    frames = drawing_frames(buf.getvalue())
    assert [f.get("descr") for f in frames] == [
        "Stapeldiagram: remisser per månad. K 7.", "Linjediagram: trend över åren.", None]
    assert [f.get("title") for f in frames] == ["Remisser per månad", "Trend", None]
    assert [f["name"] for f in frames] == ["Chart 1", "Chart 2", "Chart 3"]  # ids kept
    assert alt_text(charts[0]) == ("Remisser per månad", "Stapeldiagram: remisser per månad. K 7.")
    assert alt_text(charts[2]) is None


def test_the_anchor_keeps_its_place_and_the_file_reads_back():
    wb, charts = _book_with_charts()
    before = charts[1].anchor
    set_alt_text(charts[1], "Trend", "Linjediagram: trend.")
    after = charts[1].anchor
    assert isinstance(after, TwoCellAnchor)
    assert (after._from.col, after._from.row, after.to.col, after.to.row) == (
        before._from.col, before._from.row, before.to.col, before.to.row)
    buf = io.BytesIO()
    wb.save(buf)
    second = io.BytesIO()
    wb.save(second)  # saving twice writes the same text again
    assert drawing_frames(buf.getvalue()) == drawing_frames(second.getvalue())
    reread = load_workbook(io.BytesIO(buf.getvalue()))
    assert len(reread.active._charts) == 3


def test_numbers_keep_their_no_break_space():
    wb, charts = _book_with_charts()
    set_alt_text(charts[0], "T", "Totalt 1\u00a0116.\n  Nästa rad")
    buf = io.BytesIO()
    wb.save(buf)
    assert drawing_frames(buf.getvalue())[0]["descr"] == "Totalt 1\u00a0116. Nästa rad"


def test_xml_special_characters_are_escaped():
    wb, charts = _book_with_charts()
    nasty = 'A & B <c> "d" \u00e5\u00e4\u00f6 – 12 %'
    set_alt_text(charts[0], nasty, nasty)
    buf = io.BytesIO()
    wb.save(buf)
    assert drawing_frames(buf.getvalue())[0]["descr"] == nasty


# --------------------------------------------------------------------------- the words


def test_many_categories_give_the_extremes_and_the_total():
    text = describe("col", "remisser och kontakter per månad 2023", MONTHS,
                    [("", [7, 8, 14, 8, 8, 3, 2, 9, 8, 10, 11, 6])], prep="i")  # fmt: skip
    assert text == ("Stapeldiagram: remisser och kontakter per månad 2023. Flest i mars (14), "
                    "färst i juli (2). Totalt 94.")


def test_ties_and_zero_months():
    values = [0, 0, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1]
    text = describe("col", "remisser per månad 2024", MONTHS, [("", values)], prep="i")
    assert "Flest i mars och april (5), inga i januari och februari." in text


def test_few_categories_are_all_read_out():
    text = describe("bar", "remisser per remittent 2023", ["Vårdcentral", "Kommun", "Övrigt"],
                    [("", [74, 3, 0])])  # fmt: skip
    assert text == ("Liggande stapeldiagram: remisser per remittent 2023. Vårdcentral 74, "
                    "Kommun 3 och Övrigt 0. Totalt 77.")


def test_several_series_and_shares():
    text = describe("col", "remisser och första samtal per år", ["2022", "2023"],
                    [("Remisser", [1234, 88]), ("Första samtal", [58, None])])  # fmt: skip
    assert text == ("Stapeldiagram: remisser och första samtal per år. Remisser: 2022 1\u00a0234 "
                    "och 2023 88. Första samtal: 2022 58 och 2023 0.")
    share = describe("col", "andel tillräckligt aktiva", ["Vid start", "vid uppföljning"],
                     [("", [0.125, 0.705])], unit="andel")  # fmt: skip
    assert share.endswith("Vid start 13\u00a0% och vid uppföljning 71\u00a0%.")
    assert "Totalt" not in share


@pytest.mark.parametrize("values", [[], [0, 0, 0], [None, None, None]])
def test_a_chart_without_data_says_so(values):
    cats = ["a", "b", "c"][: len(values)]
    text = describe("col", "deltagartillfällen per fokusområde", cats, [("", values)])
    assert text == f"Stapeldiagram: deltagartillfällen per fokusområde. {NO_DATA}."


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=24))
def test_every_description_names_its_numbers(values):
    cats = [f"Kategori {i}" for i in range(len(values))]
    text = describe("col", "antal", cats, [("", values)])
    if not any(values):
        assert text.endswith(f"{NO_DATA}.")
        return
    assert f"{max(values):,}".replace(",", "\u00a0") in text
    if len(values) > 1:
        assert f"Totalt {sum(values):,}".replace(",", "\u00a0") in text
