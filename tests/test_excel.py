"""The ribbon's entry points (halsocenter.excel) run against xlwings' own remote engine.

A real workbook file is turned into the payload a remote client sends (``xw.Book(json=...)``),
the button runs, and ``book.json()["actions"]`` -- what Excel would be told to do -- is checked:
the right values land on the generated sheets, nothing touches an input sheet, and the number of
actions is the same for N and 2N rows. In this engine writes are not visible to later reads, so
every check is made on the actions.
"""

from __future__ import annotations

import copy
import os
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # the remote engine; tests only

import xlwings as xw  # noqa: E402

from halsocenter import jobs
from halsocenter.core import analysis
from halsocenter.core import contract as C  # noqa: E402
from halsocenter.live import desktop as excel
from halsocenter.live import read as live_read
from halsocenter.live import write as live_write
from halsocenter.sheets import content as S  # noqa: E402
from halsocenter.sheets import kontroll as K  # noqa: E402
from halsocenter.xlsx import (
    read,
    template,  # noqa: E402
)
from halsocenter.xlsx.textfit import LINE_PT  # noqa: E402
from xlwings_payload import book_payload, sheet_values  # noqa: E402

YEAR = 2023
PNR = "19121212-1212"  # Skatteverket's test personnummer (valid check digit)
N = 72
"""Every month, Typ, Remittent, Kön, Åldersgrupp and Fokus occur with N and with 2N rows, and
the warnings (one per 12 rows) are more than Kontroll lists first of a kind (``FIRST_LISTED``),
so both workbooks have Kontroll's rest section: the same sheets, more rows."""
INPUT_SHEETS = [C.START_SHEET] + [t.sheet for t in C.TABLES] + [C.LISTS_SHEET]


# --------------------------------------------------------------------------- test workbooks


def _values(list_key: str) -> tuple[str, ...]:
    return C.LIST_BY_KEY[list_key].values


def referral_rows(n: int, *, pnr_row: int | None = 2) -> list[dict]:
    rows = []
    for i in range(n):
        inkom = date(YEAR, i % 12 + 1, 1 + i % 15)
        talked = i % 4 != 3
        waiting = i % 12 == 5  # a first talk but still "Väntar": one warning per 12 rows
        rows.append({
            "lopnummer": f"{YEAR}-{i + 1:03d}", "inkom": inkom,
            "typ": _values("remisstyp")[i % 3], "remittent": _values("remittent")[i % 6],
            "kon": _values("kon")[i % 4], "aldersgrupp": _values("aldersgrupp")[i % 6],
            "fokus": _values("levnadsvana")[i % 7],
            "forsta_samtal": inkom + timedelta(days=10) if talked else None,
            "utfall": C.UTFALL_GENOMFORT if talked and not waiting else C.UTFALL_VANTAR,
            "traning_start": _values("traning")[i % 6],
            "vardag_start": _values("vardagsaktivitet")[i % 7],
            "kommentar": f"Ring {PNR} imorgon" if i == pnr_row else None,
        })  # fmt: skip
    return rows


def activity_rows(n: int) -> list[dict]:
    names = ("FaR träningsgrupp", "Samtalscafé", "Föreläsning om sömn")
    kinds = ("Träningsgrupp", "Samtalsgrupp", C.AKTIVITETSTYP_FORELASNING)
    focus = _values("fokusomrade")
    return [{"datum": date(YEAR, i % 12 + 1, 2 + i % 20), "aktivitet": names[i % 3],
             "fokusomrade": focus[i % 3], "typ": kinds[i % 3], "deltagare": 5 + i % 7,
             "timmar": 1.5, "malgrupp": _values("malgrupp")[i % 3]} for i in range(n)]  # fmt: skip


def make_workbook(path: Path, n: int, *, pnr_row: int | None = 2) -> Path:
    wb = template.build_workbook(kommun="Vaggeryd", year=YEAR, startdatum=date(2021, 10, 25),
                                 kontakt="Hälsocoach Vaggeryd")  # fmt: skip
    template.fill_table(wb, C.REMISSER, referral_rows(n, pnr_row=pnr_row))
    template.fill_table(wb, C.AKTIVITETER, activity_rows(n))
    template.fill_table(wb, C.STYRGRUPP, [
        {"datum": date(YEAR, 3, 1), "kommun": C.JA, "vardcentral": C.JA, "folkhalsa": C.JA,
         "invanare": C.NEJ},
        {"datum": date(YEAR, 10, 1), "kommun": C.JA, "vardcentral": C.NEJ, "folkhalsa": C.JA,
         "invanare": C.JA},
    ])  # fmt: skip
    template.fill_table(wb, C.PLAN, [
        {"fokusomrade": _values("fokusomrade")[0], "aktivitet": "Träningsgrupp två gånger i veckan",
         "status": "Genomförd", "uppfoljning": "Fullt varje vecka", "framtidsplan": "Fortsätter"},
        {"fokusomrade": _values("fokusomrade")[1], "aktivitet": "Matkurs", "status": "Delvis"},
    ])  # fmt: skip
    template.write_workbook(wb, path)
    return path


@pytest.fixture(autouse=True)
def desktop_excel_gives_comments(monkeypatch):
    """Desktop Excel gives the ribbon the text of notes and threaded comments; xlwings' remote
    engine, which these tests run the desktop buttons on, cannot (Lite's own way is in
    ``test_lite_notes.py``). The workbooks here have none."""
    from halsocenter.live.comments import Comments

    monkeypatch.setattr(live_read, "read_comments", lambda book: Comments())


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("excel")
    return {"n": make_workbook(folder / "n" / "Vaggeryd_2023.xlsx", N),
            "2n": make_workbook(folder / "2n" / "Vaggeryd_2023.xlsx", 2 * N),
            "clean": make_workbook(folder / "clean" / "Vaggeryd_2023.xlsx", N, pnr_row=None)}


def open_book(payload: dict) -> xw.Book:
    # The remote engine sends app-level actions (alerts) to the book opened last, so every test
    # opens its book right before pressing the button.
    return xw.Book(json=copy.deepcopy(payload))


def press(button, payload: dict) -> list[dict]:
    book = open_book(payload)
    button(book)
    return book.json()["actions"]


# --------------------------------------------------------------------------- reading actions


def sheets_per_action(payload: dict, actions: list[dict]) -> list[str | None]:
    """The name of the sheet each action works on, following sheets added and deleted."""
    names = [s["name"] for s in payload["sheets"]]
    out = []
    for a in actions:
        if a["func"] == "addSheet":
            index, name = a["args"]
            names.insert(index, name)
            out.append(name)
        elif a["func"] == "sheetDelete":
            out.append(names.pop(a["sheet_position"]))
        elif a["sheet_position"] is None:
            out.append(None)
        else:
            out.append(names[a["sheet_position"]])
    return out


def writes(payload: dict, actions: list[dict], sheet: str, func: str = "setValues") -> list[dict]:
    targets = sheets_per_action(payload, actions)
    return [a for a, t in zip(actions, targets, strict=True) if t == sheet and a["func"] == func]


def block_at(payload, actions, sheet: str, row: int, col: int = 1) -> list[list]:
    """The values written with their top-left corner at (row, col), 1-based."""
    for a in writes(payload, actions, sheet):
        if (a["start_row"], a["start_column"]) == (row - 1, col - 1):
            return a["values"]
    raise AssertionError(f"nothing written at {sheet}!R{row}C{col}")


def _groups(actions: list[dict]) -> list[list]:
    """The summary rows (one per group) the check wrote, found by the summary's header."""
    for a in actions:
        values = a.get("values") or []
        if a["func"] == "setValues" and len(values) > 1 and \
                values[1] == list(C.KONTROLL_GROUP_COLUMNS):  # fmt: skip
            return values[2:]
    raise AssertionError("no summary block written")


def listed_findings(payload, actions: list[dict]) -> list[list]:
    """The rows of the Kontroll sheet's list of findings (below its heading and header), found
    by that header: the head above grows a line when values are outside their lists."""
    for a in writes(payload, actions, C.CHECK_SHEET):
        values = a.get("values") or []
        if len(values) > 1 and values[1] == list(C.KONTROLL_FINDING_COLUMNS):
            return values[2:]
    raise AssertionError("no list of findings written")


def alerts(actions: list[dict]) -> list[list]:
    return [a["args"] for a in actions if a["func"] == "alert"]


def as_sent(rows: list[list]) -> list[list]:
    """Rows as the remote engine sends them: text guarded, None as ""."""
    return [["" if v is None else live_write.cell_value(v) for v in r] for r in rows]


# --------------------------------------------------------------------------- reading


def test_live_read_equals_file_read(files):
    payload = book_payload(files["n"])
    live = live_read.read_book(open_book(payload))
    saved = read.read_workbook(files["n"])
    for key, td in saved.tables.items():
        pd.testing.assert_frame_equal(live.tables[key].df, td.df)
        pd.testing.assert_frame_equal(live.tables[key].raw, td.raw)
    assert live.settings == saved.settings and live.lists == saved.lists
    assert sorted(live.texts, key=str) == sorted(saved.texts, key=str)
    assert live.sheet_names == saved.sheet_names


def test_live_read_equals_file_read_on_example_workbooks(examples):
    for path in examples[:2]:
        live = live_read.read_book(open_book(book_payload(path)))
        saved = read.read_workbook(path)
        a, b = analysis.analyse(live), analysis.analyse(saved)
        assert a.findings == b.findings, path.name
        assert a.summary.figures == b.summary.figures, path.name


# --------------------------------------------------------------------------- the buttons


def kontroll_blocks(payload, actions, findings) -> dict[str, list[list]]:
    """The summary and findings blocks as the live writer wrote them, where the layout says."""
    layout = K.kontroll_layout(findings)
    return {name: block_at(payload, actions, C.CHECK_SHEET, layout.block(name).top)
            for name in ("head", "summary", "findings")}  # fmt: skip


def test_kontrollera_lists_the_personnummer_with_a_link(files):
    payload = book_payload(files["n"])
    actions = press(excel.kontrollera, payload)
    findings = analysis.analyse(read.read_workbook(files["n"])).findings
    layout = K.kontroll_layout(findings, read.read_workbook(files["n"]).sheet_names,
                               kommun="Vaggeryd", year=YEAR)  # fmt: skip
    blocks = kontroll_blocks(payload, actions, findings)
    for name in ("summary", "findings"):  # what the file writer writes, cell for cell
        want = [list(r.values) + [None] * (len(K.WIDTHS) - len(r.values))
                for r in layout.block(name).rows]
        assert blocks[name] == as_sent(want), name
    rows = blocks["findings"]
    assert rows[1] == list(C.KONTROLL_FINDING_COLUMNS)
    col = {name: i for i, name in enumerate(C.KONTROLL_FINDING_COLUMNS)}
    pnr = [r for r in rows[2:] if r[col["Kod"]] == "personal_id"]
    assert len(pnr) == 1
    assert pnr[0][col["Flik"]] == C.REMISSER.sheet and pnr[0][col["Rad"]] == 4  # third row
    assert pnr[0][col["Cell"]] == "O4" and pnr[0][col["Regel"]] == "Personnummer"
    assert PNR not in str(blocks)  # the Kontroll sheet shows the number masked
    links = writes(payload, actions, C.CHECK_SHEET, "setFormula")
    assert len(links) == 2 and {a["start_column"] for a in links} == {K.LINK_COL - 1}
    assert ['=HYPERLINK("#\'Remisser\'!O4","O4")'] in links[1]["values"]
    assert len(links[1]["values"]) == len(rows) - 2
    (message, title, buttons, mode, _), = alerts(actions)
    assert title == excel.TITLE and mode == "critical" and "1 fel" in message
    assert blocks["head"] == as_sent([[*r, None] if len(r) == 1 else r
                                      for r in K.head_rows(findings)])  # fmt: skip
    # only Kontroll is written by the check
    targets = {t for t in sheets_per_action(payload, actions) if t}
    assert targets == {C.CHECK_SHEET}
    heights = writes(payload, actions, C.CHECK_SHEET, "setRowHeight")
    assert heights and all(a["args"][0] >= 2 * LINE_PT for a in heights)


def test_arssammanstallning_writes_what_the_file_writer_writes(files):
    payload = book_payload(files["n"])
    actions = press(excel.arssammanstallning, payload)
    result = analysis.analyse(read.read_workbook(files["n"]))

    rapportdata = block_at(payload, actions, C.DATA_SHEET, 1)
    assert rapportdata == as_sent(S.rapportdata_rows(result.summary))
    col = {name: i for i, name in enumerate(C.RAPPORTDATA_COLUMNS)}
    totals = {r[col["Nyckel"]]: r[col["Värde"]] for r in rapportdata[1:] if r[col["Dimension"]] == ""}
    assert totals["remisser"] == N
    assert totals["remisser_far"] == N // 3
    assert totals["styrgruppsmoten"] == 2
    tables = writes(payload, actions, C.DATA_SHEET, "addTable")
    assert len(tables) == 1 and tables[0]["args"][-1] == C.RAPPORTDATA_TABLE
    assert tables[0]["args"][0] == f"$A$1:$E${len(rapportdata)}"

    layout = S.summary_blocks(result.summary, status=result.status)  # preliminary: a banner
    assert layout.block("preliminar").rows[0][0].startswith("Preliminär – 1 fel kvar")
    key = layout.block("nyckeltal")
    written = block_at(payload, actions, C.SUMMARY_SHEET, key.top, key.left)
    assert written == as_sent([r + [None] * (key.width - len(r)) for r in key.rows])
    labels = {r[0]: r[1] for r in written[1:]}
    assert labels[C.FIGURE_BY_KEY["remisser"].label] == N
    plan = layout.block("plan_1")
    assert block_at(payload, actions, C.SUMMARY_SHEET, plan.top, plan.left)[0][0] == plan.title
    assert len(writes(payload, actions, C.SUMMARY_SHEET, "addChart")) == len(layout.charts)
    for name in C.GENERATED_SHEETS:
        assert writes(payload, actions, name, "addSheet"), name
    (message, _, _, mode, _), = alerts(actions)
    assert mode == "critical" and "1 fel" in message  # the personnummer


def test_arssammanstallning_of_an_empty_year_writes_words_not_charts(tmp_path):
    path = template.write_template(tmp_path / "Habo_2025.xlsx", kommun="Habo", year=2025)
    payload = book_payload(path)
    actions = press(excel.arssammanstallning, payload)
    assert writes(payload, actions, C.SUMMARY_SHEET, "addChart") == []
    layout = S.summary_blocks(analysis.analyse(read.read_workbook(path)).summary)
    placeholders = [b for b in layout.blocks if b.name.startswith("tom_")]
    assert len(placeholders) == 4
    for b in placeholders:
        assert block_at(payload, actions, C.SUMMARY_SHEET, b.top, b.left) == [
            [b.title], [S.TXT_NO_DATA_YET]]
    activated = [a for a in actions if a["func"] == "activateSheet"]
    names = sheets_per_action(payload, actions)
    assert activated and names[actions.index(activated[-1])] == C.SUMMARY_SHEET


@pytest.mark.parametrize("button", [excel.kontrollera, excel.arssammanstallning])
def test_no_action_touches_an_input_sheet(files, button):
    payload = book_payload(files["n"])
    actions = press(button, payload)
    targets = sheets_per_action(payload, actions)
    touched = {t for t in targets if t is not None}
    assert touched and touched <= set(C.GENERATED_SHEETS)
    assert not touched & {s["name"] for s in payload["sheets"]}


def test_rerun_replaces_the_generated_sheets_in_place(files, tmp_path):
    done, _ = jobs.write_summary(files["n"], tmp_path / "med_flikar.xlsx")
    payload = book_payload(done)
    names = [s["name"] for s in payload["sheets"]]
    assert set(C.GENERATED_SHEETS) <= set(names)
    actions = press(excel.arssammanstallning, payload)
    targets = sheets_per_action(payload, actions)
    deleted = [t for a, t in zip(actions, targets, strict=True) if a["func"] == "sheetDelete"]
    assert sorted(deleted) == sorted(C.GENERATED_SHEETS)
    for a in actions:  # each comes back where it was
        if a["func"] == "addSheet":
            assert names[a["args"][0]] == a["args"][1]
    assert not {t for t in targets if t} - set(C.GENERATED_SHEETS)


def _grown(button, payload, small, large):
    """What shows that the 2N book really had twice the data."""
    if button is excel.kontrollera:
        return [len(listed_findings(payload, a)) for a in (small, large)]
    col = {name: i for i, name in enumerate(C.RAPPORTDATA_COLUMNS)}
    return [next(r[col["Värde"]] for r in block_at(payload, a, C.DATA_SHEET, 1)
                 if r[col["Nyckel"]] == "remisser" and r[col["Dimension"]] == "")
            for a in (small, large)]  # fmt: skip


@pytest.mark.parametrize("button", [excel.kontrollera, excel.arssammanstallning])
def test_number_of_actions_does_not_grow_with_rows(files, button):
    payload = book_payload(files["n"])
    small = press(button, payload)
    large = press(button, book_payload(files["2n"]))
    assert len(large) == len(small)
    assert [a["func"] for a in large] == [a["func"] for a in small]
    few, many = _grown(button, payload, small, large)
    assert many > few > 0  # ... while the data written did grow


def systematic_workbook(path: Path, n: int) -> Path:
    """``n`` referrals whose Träning start all say "<30" (a renamed list value pasted down)."""
    wb = template.build_workbook(kommun="Vaggeryd", year=YEAR, startdatum=date(2021, 10, 25),
                                 kontakt="Hälsocoach Vaggeryd")  # fmt: skip
    rows = referral_rows(n, pnr_row=None)
    for row in rows:
        row["traning_start"] = "<30"
    template.fill_table(wb, C.REMISSER, rows)
    template.write_workbook(wb, path)
    return path


def test_kontroll_actions_stay_flat_when_findings_grow_tenfold(tmp_path):
    """80 and 800 rows: both have more warnings than Kontroll lists first of a kind, so the
    sheets differ only in how many rows they hold."""
    few = book_payload(systematic_workbook(tmp_path / "few" / "Vaggeryd_2023.xlsx", 80))
    many = book_payload(systematic_workbook(tmp_path / "many" / "Vaggeryd_2023.xlsx", 800))
    small, large = press(excel.kontrollera, few), press(excel.kontrollera, many)
    assert [a["func"] for a in large] == [a["func"] for a in small]
    # ... while ten times the findings were found, and the list was capped
    group_small, group_large = (next(r for r in _groups(a) if r[K.LINK_COL - 1] == "K2")
                                for a in (small, large))  # fmt: skip
    assert (group_small[2], group_large[2]) == (80, 800)
    assert group_large[5].startswith("K2:K801")
    listed = listed_findings(many, large)
    assert sum(r[5] == "<30" for r in listed) == K.PER_GROUP
    assert "… och 700 till av samma slag" in [r[6] for r in listed]


# --------------------------------------------------------------------------- refusals


def test_renamed_sheet_gives_a_message_and_writes_nothing(files):
    payload = book_payload(files["n"], name=str(files["n"]))  # saved, so every button reads
    for s in payload["sheets"]:
        if s["name"] == C.REMISSER.sheet:  # renamed, and no longer an Excel table
            s["name"], s["tables"] = "Remisser 2023", []
    for button in (excel.kontrollera, excel.arssammanstallning, excel.exportera, excel.rapport):
        actions = press(button, payload)
        assert [a["func"] for a in actions] == ["alert"], button.__name__
        message, title, _, mode, _ = actions[0]["args"]
        assert "Remisser" in message and "saknas" in message and mode == "critical"
        assert "Traceback" not in message


def test_text_in_a_date_column_is_refused_by_the_summary_and_listed_by_the_check(files):
    payload = book_payload(files["n"])
    values = sheet_values(payload, C.REMISSER.sheet)
    col = values[0].index(C.REMISSER.column("inkom").header)
    values[5][col] = "i våras"
    actions = press(excel.arssammanstallning, payload)
    assert [a["func"] for a in actions] == ["alert"]
    message = actions[0]["args"][0]
    assert "rad 6" in message and "Inkom" in message and "inget skrevs" in message.lower()

    actions = press(excel.kontrollera, payload)
    assert any(r[2] == 6 and r[3] == "Inkom" and r[0] == C.SEVERITY_LABELS["error"]
               for r in listed_findings(payload, actions))  # fmt: skip


def test_file_buttons_need_a_saved_workbook(files):
    payload = book_payload(files["n"])  # a remote client sends only the file name
    for button in (excel.rapport, excel.exportera, excel.nytt_verksamhetsar):
        actions = press(button, payload)
        assert [a["func"] for a in actions] == ["alert"]
        assert "Spara arbetsboken" in actions[0]["args"][0]


# --------------------------------------------------------------------------- files next to the book


def test_rapport_writes_the_word_file_next_to_the_workbook(files):
    path = files["clean"]
    out = path.with_name(f"{path.stem}_verksamhetsberattelse.docx")
    out.unlink(missing_ok=True)
    actions = press(excel.rapport, book_payload(path, name=str(path)))
    assert out.exists() and out.stat().st_size > 0
    assert [a["func"] for a in actions] == ["alert"]
    assert str(out) in actions[0]["args"][0]
    from docx import Document

    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert "Vaggeryd" in text


def test_exportera_writes_the_region_file(files):
    path = files["clean"]
    actions = press(excel.exportera, book_payload(path, name=str(path)))
    out = path.with_name(f"Halsocenter_Vaggeryd_{YEAR}.xlsx")
    assert out.exists()
    assert [a["func"] for a in actions] == ["alert"] and str(out) in actions[0]["args"][0]
    assert actions[0]["args"][3] == "info"


@pytest.mark.parametrize("button, name", [
    (excel.exportera, f"Halsocenter_Vaggeryd_{YEAR}.xlsx"),
    (excel.rapport, "Vaggeryd_2023_verksamhetsberattelse.docx"),
])  # fmt: skip
def test_exportera_and_rapport_refuse_personal_data_and_show_the_cells(files, button, name):
    path = files["n"]
    out = path.with_name(name)
    out.unlink(missing_ok=True)
    payload = book_payload(path, name=str(path))
    actions = press(button, payload)
    assert not out.exists()
    assert {t for t in sheets_per_action(payload, actions) if t} == {C.CHECK_SHEET}
    (message, _, _, mode, _), = alerts(actions)
    assert mode == "critical" and C.CHECK_SHEET in message
    assert "Remisser, rad 4, kolumn Kommentar" in message and "191212**-****" in message
    assert PNR not in str(actions) and PNR.replace("-", "") not in str(actions)


def test_nytt_verksamhetsar_creates_next_year_and_never_overwrites(files):
    pytest.importorskip("halsocenter.xlsx.rollover")
    path = files["clean"]
    dst = path.with_name(f"Vaggeryd_{YEAR + 1}.xlsx")
    dst.unlink(missing_ok=True)
    payload = book_payload(path, name=str(path))
    actions = press(excel.nytt_verksamhetsar, payload)
    assert dst.exists() and str(dst) in actions[0]["args"][0]
    assert read.read_workbook(dst).year == YEAR + 1
    stamp = dst.stat().st_mtime_ns
    actions = press(excel.nytt_verksamhetsar, payload)
    assert [a["func"] for a in actions] == ["alert"] and "finns redan" in actions[0]["args"][0]
    assert dst.stat().st_mtime_ns == stamp


def test_hjalp_explains_every_button(files):
    actions = press(excel.hjalp, book_payload(files["n"]))
    (message, title, _, mode, _), = alerts(actions)
    assert len(actions) == 1 and title == excel.TITLE and mode == "info"
    for word in ("Kontrollera", "Årssammanställning", "Word-rapport", "Exportera",
                 "Nytt verksamhetsår", "IT-support"):  # fmt: skip
        assert word in message


# --------------------------------------------------------------------------- small pieces


@pytest.mark.parametrize("text", ["=SUMMA(A1)", "+46 70", "-5", "2023-017", "1/2", "@x", "'a",
                                  "TRUE", "sant"])  # fmt: skip
def test_text_excel_would_reinterpret_is_guarded(text):
    assert live_write.cell_value(text) == "'" + text


@pytest.mark.parametrize("value", ["Fel", "Remisser", "B5", "", None, 3, 2.5])
def test_plain_values_pass_unchanged(value):
    assert live_write.cell_value(value) == value


def test_hyperlink_formula_is_english_with_commas():
    assert live_write.hyperlink_formula("'Plan'!B3", "B3") == '=HYPERLINK("#\'Plan\'!B3","B3")'
    assert live_write.hyperlink_formula(None, "B3") == "B3"
    assert live_write.hyperlink_formula('\'A"b\'!C1', "C1") == '=HYPERLINK("#\'A""b\'!C1","C1")'


def test_a_desktop_button_keeps_temporary_files_and_caches_in_a_private_folder(files):
    """openpyxl writes sheets through temporary files holding the coach's data, matplotlib its
    caches: while a ribbon button runs both point at a folder of our own, gone afterwards."""
    import tempfile

    from halsocenter.live import actions as live_actions

    system_tmp = tempfile.gettempdir()
    seen = {}

    def action(book, host):
        seen["tmp"] = tempfile.gettempdir()
        seen["mpl"] = os.environ.get("MPLCONFIGDIR")
        Path(seen["tmp"], "openpyxl-sheet.xml").write_text("data")

    live_actions.run(excel.DESKTOP, open_book(book_payload(files["clean"])), "testar", action)
    assert seen["tmp"] != system_tmp and Path(seen["tmp"]).parent == Path(system_tmp)
    assert seen["mpl"] and seen["mpl"].startswith(seen["tmp"])
    assert not Path(seen["tmp"]).exists()
    assert tempfile.gettempdir() == system_tmp and os.environ.get("MPLCONFIGDIR") != seen["mpl"]


def test_a_used_range_too_large_to_read_is_bounded_and_said(files, monkeypatch):
    """Excel's used range grows with one stray cell (or formatting) far out; the live reader
    then reads the tables' columns from A1 within its limit, reads the tables whole, and tells
    the coach which part was not read (and so not checked)."""
    import openpyxl

    from halsocenter.xlsx.sheet_scan import GAP_ROWS

    wb = openpyxl.load_workbook(files["clean"])
    wb[C.BERATTELSE.sheet]["AB3000"] = "kvarglömt"  # column 28, far below the narrative table
    wb[C.REMISSER.sheet]["AD2500"] = "x"
    path = files["clean"].parent / "stray" / files["clean"].name
    path.parent.mkdir()
    wb.save(path)
    monkeypatch.setattr(live_read, "MAX_LIVE_CELLS", 20_000)

    live = live_read.read_book(open_book(book_payload(path)))
    saved = read.read_workbook(files["clean"])
    for key, td in saved.tables.items():  # every table read whole, as from the untouched file
        pd.testing.assert_frame_equal(live.tables[key].df, td.df)
    unread = {f.sheet: f.message for f in live.problems if f.code == "live_area_unread"}
    assert set(unread) == {C.BERATTELSE.sheet, C.REMISSER.sheet}
    assert "AB3000" in unread[C.BERATTELSE.sheet] and "personnummer" in unread[C.BERATTELSE.sheet]
    assert "bara A1:Z" in unread[C.REMISSER.sheet]  # the tables' columns, at least A to Z
    assert live_read.bounded_area(1_048_576, 16_384, (60_000, 40)) == (60_000 + GAP_ROWS, 40)
    assert live_read.bounded_area(1_048_576, 16_384, (0, 0)) == (
        max(live_read.MAX_LIVE_CELLS // 26, GAP_ROWS), 26)


def test_only_an_engines_refusal_to_read_comments_falls_back_to_the_saved_file():
    from halsocenter.live.comments import _refused

    com_error = type("com_error", (Exception,), {"__module__": "pywintypes"})
    assert _refused(NotImplementedError("Notes require ExcelApi 1.18"))
    assert _refused(AttributeError("api")) and _refused(com_error(-2147352567))
    assert not _refused(ValueError("a bug")) and not _refused(KeyError("x"))
