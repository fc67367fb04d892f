"""Notes and threaded comments in xlwings Lite: checked for identity numbers, or said not to be.

xlwings' remote engine (Lite's) has no synchronous text for notes and threaded comments; Lite
gives it through awaited calls to Excel, which the scripts make before the action
(``live.comments``). These tests run the scripts as Lite does, with a stand-in for Lite's
JavaScript client (``lite_client.py``), and without one: an engine that cannot give the text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from halsocenter.core import contract as C
from halsocenter.live import actions as live_actions
from halsocenter.live import lite
from halsocenter.live.comments import NOTES, THREADED, read_comments
from lite_client import LiteClient, use_lite_client
from test_excel import PNR, YEAR, N, alerts, listed_findings, make_workbook, sheets_per_action
from test_lite import LITE_READS_COMMENTS, listing, run_script
from xlwings_payload import book_payload, note_texts

reads_comments = pytest.mark.skipif(
    not LITE_READS_COMMENTS, reason="den här xlwings (före 0.37.7) ger inte Lite anteckningarnas "
    "text; då sägs de vara okontrollerade (testerna utan Lites klient nedan)")  # fmt: skip
UNCHECKED = "kunde inte kontrolleras här – kontrollera i Excel på datorn innan export"
COL = {name: i for i, name in enumerate(C.KONTROLL_FINDING_COLUMNS)}


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    return make_workbook(tmp_path_factory.mktemp("notes") / f"Vaggeryd_{YEAR}.xlsx", N,
                         pnr_row=None)  # fmt: skip


@pytest.fixture(scope="module")
def noted(tmp_path_factory, clean) -> Path:
    """The clean workbook with a personnummer in a note on Remisser B3 and a harmless one on
    Plan A1."""
    path = tmp_path_factory.mktemp("noted") / clean.name
    wb = openpyxl.load_workbook(clean)
    wb[C.REMISSER.sheet]["B3"].comment = Comment(f"Ring {PNR} om tiden", "coach")
    wb[C.PLAN.sheet]["A1"].comment = Comment("Gäller hela året", "coach")
    wb.save(path)
    return path


@pytest.fixture
def place(tmp_path, monkeypatch) -> dict[str, Path]:
    """A data folder for Lite's files."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv(lite.DATA_DIR_ENV, str(data))
    return {"data": data}


@pytest.fixture(autouse=True)
def no_pending_confirmation():
    lite.LITE._asked.clear()
    yield
    lite.LITE._asked.clear()


def codes(payload, actions) -> list[tuple[str, str]]:
    return [(r[COL["Kod"]], r[COL["Meddelande"]]) for r in listed_findings(payload, actions)]


@reads_comments
def test_lite_finds_an_identity_number_in_a_note_and_in_a_reply(noted, place, monkeypatch):
    client = use_lite_client(monkeypatch, LiteClient(
        notes=note_texts(noted),
        comments={(C.PLAN.sheet, "B2"): ["Bra idé", f"Nej, ring {PNR} först"]}))  # fmt: skip
    payload = book_payload(noted)
    found = codes(payload, run_script("knapp1_kontrollera", payload))
    pnr = [m for code, m in found if code == "personal_id"]
    assert any(f"{C.REMISSER.sheet}, anteckning i cell B3" in m for m in pnr), found
    assert any(f"{C.PLAN.sheet}, kommentar i cell B2" in m for m in pnr), found
    assert not [m for m in pnr if PNR in m or PNR.replace("-", "") in m]  # masked
    assert "live_comments_unchecked" not in {code for code, _ in found}
    assert {"getNoteText", "getComments", "getCommentReplyText"} <= set(client.calls)

    actions = run_script("knapp4_exportera", payload)  # refused: the number is in the book
    (message, _, _, mode, _), = alerts(actions)
    assert mode == "critical" and "personnummer" in message.lower()
    assert not listing(place["data"])


@reads_comments
def test_a_clean_book_in_lite_is_checked_without_a_warning(noted, place, monkeypatch):
    use_lite_client(monkeypatch, LiteClient(notes={(C.PLAN.sheet, "A1"): "Gäller hela året"}))
    payload = book_payload(noted)
    payload["sheets"] = [{**s, "notes": [n for n in s["notes"] if s["name"] == C.PLAN.sheet]}
                         for s in payload["sheets"]]  # fmt: skip
    found = {code for code, _ in codes(payload, run_script("knapp1_kontrollera", payload))}
    assert found and not found & {"personal_id", "live_comments_unchecked"}


def test_without_lites_client_kontroll_says_the_notes_were_not_checked(noted, place):
    payload = book_payload(noted)
    actions = run_script("knapp1_kontrollera", payload)
    found = codes(payload, actions)
    (unchecked,) = [m for code, m in found if code == "live_comments_unchecked"]
    assert unchecked.startswith("Arbetsboken: Anteckningar och kommentarer " + UNCHECKED)
    assert "personal_id" not in {code for code, _ in found}  # it could not be seen


class NoThreadsClient(LiteClient):
    """An older Lite client: notes' text, but no call for threaded comments."""

    def __getattribute__(self, name):
        if name.startswith("getComment"):
            raise AttributeError(name)
        return super().__getattribute__(name)


@reads_comments
def test_notes_read_are_kept_when_threaded_comments_cannot_be_read(noted, place, monkeypatch):
    use_lite_client(monkeypatch, NoThreadsClient(notes=note_texts(noted)))
    payload = book_payload(noted)
    found = codes(payload, run_script("knapp1_kontrollera", payload))
    assert any(code == "personal_id" and "anteckning i cell B3" in m for code, m in found)
    (unchecked,) = [m for code, m in found if code == "live_comments_unchecked"]
    assert unchecked.startswith("Arbetsboken: Kommentarer " + UNCHECKED)


def test_a_file_leaving_the_hub_waits_for_the_coachs_confirmation(clean, place):
    """Without the notes' text, Exportera and Word-rapport refuse once, showing Kontroll; the
    same button pressed again within the window writes the file; later it asks again."""
    payload = book_payload(clean)
    first = run_script("knapp4_exportera", payload)
    (message, _, _, mode, _), = alerts(first)
    assert mode == "critical" and UNCHECKED in message and "en gång till inom 10 minuter" in message
    assert {t for t in sheets_per_action(payload, first) if t} == {C.CHECK_SHEET}
    assert not listing(place["data"])

    second = run_script("knapp4_exportera", payload)
    (message, _, _, mode, _), = alerts(second)
    assert mode == "info" and f"Halsocenter_Vaggeryd_{YEAR}.xlsx" in message
    assert set(listing(place["data"])) == {f"Halsocenter_Vaggeryd_{YEAR}.xlsx"}

    report = run_script("knapp3_word_rapport", payload)  # its own confirmation
    assert UNCHECKED in alerts(report)[0][0]
    key = next(iter(lite.LITE._asked))
    lite.LITE._asked[key] = datetime.now() - live_actions.CONFIRM_WINDOW - timedelta(seconds=1)
    late = run_script("knapp3_word_rapport", payload)
    assert UNCHECKED in alerts(late)[0][0]
    assert set(listing(place["data"])) == {f"Halsocenter_Vaggeryd_{YEAR}.xlsx"}


# --------------------------------------------------------------------------- the reader


class _Range:
    def __init__(self, cell: str):
        self.cell = cell

    def get_address(self, row_absolute=True, column_absolute=True) -> str:
        return self.cell


class _Item:
    def __init__(self, cell: str, text: str, replies=()):
        self.location, self.text, self.replies = _Range(cell), text, list(replies)


class _Sheet:
    def __init__(self, name: str, notes, comments):
        self.name, self.tables = name, []
        self._notes, self._comments = notes, comments

    @property
    def notes(self):
        if isinstance(self._notes, Exception):
            raise self._notes
        return self._notes

    @property
    def comments(self):
        if isinstance(self._comments, Exception):
            raise self._comments
        return self._comments


class _Book:
    def __init__(self, *sheets):
        self.sheets = list(sheets)


def test_desktop_reading_keeps_notes_when_an_old_excel_refuses_threaded_comments():
    book = _Book(_Sheet("Remisser", [_Item("B3", f"ring {PNR}")], AttributeError("api")),
                 _Sheet("Plan", [], [_Item("A2", "ok", [_Item("A2", "svar")])]))  # fmt: skip
    got = read_comments(book)
    assert got.unread == (THREADED,)
    assert [(t.place, t.value) for t in got.texts] == [
        ("Remisser, anteckning i cell B3", f"ring {PNR}"), ("Plan, kommentar i cell A2", "ok\nsvar")]


def test_a_bug_while_reading_comments_is_not_taken_for_a_refusal():
    with pytest.raises(ValueError):
        read_comments(_Book(_Sheet("Remisser", ValueError("a bug"), [])))
    assert read_comments(_Book(_Sheet("R", NotImplementedError("ExcelApi 1.18"),
                                      NotImplementedError("x")))).unread == (NOTES, THREADED)  # fmt: skip
