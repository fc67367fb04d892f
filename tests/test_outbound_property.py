"""The boundary of what leaves the hub, proven by planting, not by a list of cases.

Random strings -- letters, digits, personnummer in every written form, phone numbers and
e-mail addresses, 60 to 500 characters -- are planted in every input cell and note of a real
workbook (Start, every column of every table, cells beside the tables, a sheet of the coach's
own, values added to the lists), in its file name, its sheet names and its document properties.
Then ``export`` and ``region`` run, and every part of both outputs is unzipped and searched:
no planted string and no 20-character piece of one may appear anywhere, except in the
allow-listed free-text fields (``contract.EXPORT_FIELDS``, ``contract.COUNTY_FIELDS``) -- and
there only after the identity guard, so none of those holds a personnummer.

Workbooks are built in-process from one template; several hundred run in CI (``PLANTED``).
"""

from __future__ import annotations

import html
import os
import random
import re
import string
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter, range_boundaries

from halsocenter.core import contract as C
from halsocenter.core.privacy import PersonalDataRefused, identity_hits
from halsocenter.errors import UserError
from halsocenter.jobs import consolidate
from halsocenter.region.export import export
from halsocenter.xlsx import template
from halsocenter.xlsx.read import read_workbook
from privacy_builders import make_number, written_forms

PLANTED = int(os.environ.get("HALSOCENTER_PLANTED", "300"))
"""Workbooks planted per run: 300 take a few minutes on a shared two-core machine (set
HALSOCENTER_PLANTED for a longer or shorter run)."""
WINDOW = 20
MIN_LEN, MAX_LEN = 60, 500
ROWS = 2
"""Rows planted per table, at most (every column of each)."""
YEAR = 2024
KOMMUN = "Vaggeryd"
LETTERS = string.ascii_letters + "åäöÅÄÖéüÉ"
PUNCT = " .,;:!?()-+'\"&<>%#"
FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\']")
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")

MODES = ("text", "typed", "kommun")
"""Where strings are planted: ``text`` every cell that holds text (dates and numbers stay
readable, so the export is written marked preliminary); ``typed`` every cell, dates and
numbers too (the workbook cannot be read into figures: the export is refused); ``kommun``
the text cells and Start's Kommun too (the export and the county refuse the file)."""


# --------------------------------------------------------------------------- planted strings


def _phone(rnd: random.Random, identity: bool) -> str:
    """A phone number; the unspaced mobile form (0701234567) only where a personnummer is
    planted anyway, since one in ten of them reads as one (README, Dataskydd)."""
    forms = ["070-{} {} {}", "+46 70 {} {} {}", "036-{}{}{}"] + (["0701{}{}{}"] if identity else [])
    return rnd.choice(forms).format(*(f"{rnd.randrange(100):02d}" for _ in range(3)))


def _email(rnd: random.Random) -> str:
    name = "".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randrange(3, 9)))
    return f"{name}.{rnd.choice(('andersson', 'svensson', 'berg'))}@{rnd.choice(('x', 'y'))}.se"


def _personnummer(rnd: random.Random) -> str:
    birth = date(1930, 1, 1) + timedelta(days=rnd.randrange(30_000))
    number = make_number(birth, rnd.randrange(1000), rnd.random() < 0.2)
    return rnd.choice(list(written_forms(number).values()))


def _words(rnd: random.Random, n: int) -> str:
    """Words of letters, short digit groups and punctuation; two digit groups never stand side
    by side, so no run of digits reads as a personnummer by chance."""
    out: list[str] = []
    while sum(map(len, out)) < n:
        kind = rnd.random()
        if kind < 0.25 and not (out and out[-1].isdigit()):
            out.append("".join(rnd.choice(string.digits) for _ in range(rnd.randrange(1, 5))))
        elif kind < 0.4:
            out.append(rnd.choice(PUNCT.strip()))
        else:
            out.append("".join(rnd.choice(LETTERS) for _ in range(rnd.randrange(2, 12))))
    return " ".join(out)


def planted(rnd: random.Random, identity: bool) -> str:
    """60-500 characters of text with letters and digits, phone numbers and e-mail addresses,
    and -- when ``identity`` -- a personnummer or samordningsnummer in one of its forms."""
    length = rnd.randrange(MIN_LEN, MAX_LEN + 1)
    parts = [_words(rnd, rnd.randrange(10, 40)) + " ord"]
    extras = [lambda r: _phone(r, identity), _email] + ([_personnummer] if identity else [])
    for make in rnd.sample(extras, rnd.randrange(1, len(extras) + 1)):
        parts.append(make(rnd))
        parts.append("ord " + _words(rnd, rnd.randrange(5, 30)))
    text = " ".join(parts)
    while len(text) < length:
        text += " ord " + _words(rnd, length - len(text))
    return text[:length].strip() + rnd.choice(LETTERS)


class Plants:
    """Every string planted in one workbook, and the 20-character pieces of them."""

    def __init__(self, rnd: random.Random, identity_share: float):
        self.rnd = rnd
        self.identity_share = identity_share
        self.strings: list[str] = []

    def __call__(self, limit: int | None = None) -> str:
        text = planted(self.rnd, self.rnd.random() < self.identity_share)
        if limit:
            text = text[:limit]
        self.strings.append(text)
        return text

    def windows(self) -> set[str]:
        """Every 20-character piece of every planted string, as ``fold`` reads it."""
        out = set()
        for text in map(fold, self.strings):
            out.update(text[i:i + WINDOW] for i in range(max(1, len(text) - WINDOW + 1)))
        return out


def fold(text: str) -> str:
    """Text with case and runs of white space folded, so a piece is found however an output
    spells it (a header folds case, a cell may lose a line break)."""
    return " ".join(text.split()).casefold()


# --------------------------------------------------------------------------- the workbook


def _base() -> openpyxl.Workbook:
    """The template for one hub and year."""
    return template.build_workbook(kommun=KOMMUN, year=YEAR, startdatum=date(2021, 10, 25),
                                   kontakt="Hälsocoach")  # fmt: skip


def _value(column: C.Column, plant: Plants, mode: str, row: int, rnd: random.Random):
    if column.kind == "date" and mode != "typed":
        return date(YEAR, 1 + (row * 3 + rnd.randrange(3)) % 12, 1 + rnd.randrange(27))
    if column.kind in ("int", "number") and mode != "typed":
        return YEAR - 1 - row if column.key == "ar" else 1 + rnd.randrange(20)
    return plant()


def build(path_folder: Path, rnd: random.Random, mode: str, identity_share: float,
          shared_list_value: bool) -> tuple[Path, Plants]:  # fmt: skip
    """A workbook with strings planted everywhere a person can type, saved under a planted
    file name in ``path_folder``."""
    plant = Plants(rnd, identity_share)
    wb = _base()
    start = wb[C.START_SHEET]
    cells = {n.name: n.cell for n in C.NAMED_CELLS}
    start[cells["hc_kontakt"]] = plant()
    if mode == "typed":
        start[cells["hc_startdatum"]] = plant()
    if mode == "kommun":
        start[cells["hc_kommun"]] = plant()
    start["D12"] = plant()  # a note typed beside the settings
    start["D12"].comment = Comment(plant(), plant(40))
    for spec in C.TABLES:
        rows = [{c.key: _value(c, plant, mode, r, rnd) for c in spec.columns}
                for r in range(rnd.randrange(1, ROWS + 1))]  # fmt: skip
        if spec is C.TIDIGARE_AR and mode != "typed":
            for r, row in enumerate(rows):
                row["ar"] = YEAR - 1 - r
        last = template.fill_table(wb, spec, rows)
        ws = wb[spec.sheet]
        _, _, max_col, _ = range_boundaries(ws.tables[spec.name].ref)
        ws.cell(row=2, column=max_col + 2, value=plant())  # beside the table
        texts = [i for i, c in enumerate(spec.columns, 1) if c.kind in ("text", "id", "list")]
        if texts or mode == "typed":  # under it: a row the reader takes in, text where text goes
            ws.cell(row=last + 3, column=texts[-1] if texts else 1, value=plant())
        ws.cell(row=last, column=1).comment = Comment(plant(), plant(40))
    lists = wb[C.LISTS_SHEET]
    for lst in rnd.sample(C.LISTS, 4):  # values a coach added at the bottom of lists
        table = lists.tables[lst.table]
        c1, r1, c2, r2 = range_boundaries(table.ref)
        value = plant()
        lists.cell(row=r2 + 1, column=c1, value=value)
        table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2 + 1}"
        if shared_list_value and lst.key == "kon":  # and chosen in a cell: a list value now
            wb[C.REMISSER.sheet].cell(row=2, column=1 + C.REMISSER.keys.index("kon"), value=value)
    own = wb.create_sheet(_sheet_name(plant))
    own["A1"], own["B7"], own["XFD1048576"] = plant(), plant(), plant()
    for spec in rnd.sample(C.TABLES, 3):  # tables are found by name: a renamed sheet reads
        wb[spec.sheet].title = _sheet_name(plant)
    props = wb.properties
    props.title, props.subject, props.creator = plant(), plant(), plant(200)
    props.keywords, props.description, props.lastModifiedBy = plant(), plant(), plant(200)
    props.category = plant()
    name = re.sub(r"[/\x00]", "_", plant(90)).lstrip(".~ ") + ".xlsx"
    path = path_folder / name
    wb.save(path)
    return path, plant


def _sheet_name(plant: Plants) -> str:
    text = FORBIDDEN_IN_SHEET_NAMES.sub("_", plant(31)).strip() or "x"
    plant.strings[-1] = text  # what was planted is what the sheet is called
    return text


# --------------------------------------------------------------------------- searching outputs


def _texts(xml: str) -> list[str]:
    """Every text node and attribute value of an XML part, unescaped as Excel reads them."""
    nodes = re.findall(r">([^<]+)<", xml) + re.findall(r'="([^"]*)"', xml)
    out = []
    for node in nodes:
        text = html.unescape(node)
        text = _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
        out.append(text)
    return out


def _allowed_cells(path: Path, fields: dict[str, tuple[str, ...]]) -> set[str]:
    """The texts of the allow-listed fields of a written file that may carry what a person
    typed (Dimension, the plan's texts, the Planer matrix), and of a Dimension its value."""
    book = pc.CalamineWorkbook.from_path(str(path))
    out: set[str] = set()
    for sheet, columns in fields.items():
        rows = book.get_sheet_by_name(sheet).to_python()
        first = columns[0]
        header = next(i for i, r in enumerate(rows) if r and r[0] == first)
        wanted = [j for j, h in enumerate(rows[header]) if "*" in columns or h in columns]
        for r in rows[header + 1:]:
            for j in wanted:
                if j < len(r) and isinstance(r[j], str) and r[j]:
                    out.add(fold(r[j]))
                    _, sep, value = r[j].partition("=")
                    if sep:
                        out.add(fold(value))
    return out


EXPORT_FREE = {C.DATA_SHEET: ("Kommun", "Dimension"),
               C.EXPORT_PLAN_SHEET: ("Fokusområde", "Aktivitet", "Status", "Uppföljning",
                                     "Framtidsplan")}  # fmt: skip
COUNTY_FREE = {C.COUNTY_DATA_SHEET: ("Kommun", "Dimension"),
               C.COUNTY_PLANS_SHEET: ("Fokusområde", "*")}
"""Sheet -> the columns whose cells may hold what a person typed (the first names the header
row; ``*`` every column)."""


def _free_fields_are_allow_listed():
    kinds = {(f.sheet, f.field): f.kind for f in (*C.EXPORT_FIELDS, *C.COUNTY_FIELDS)}
    for sheet, columns in EXPORT_FREE.items():
        for c in columns:
            assert kinds[(sheet, c)] in ("list", "free_text"), (sheet, c)
    assert kinds[(C.COUNTY_DATA_SHEET, "Dimension")] == "free_text"
    assert kinds[(C.COUNTY_PLANS_SHEET, "Fokusområde")] == "free_text"


def assert_nothing_planted(path: Path, plants: Plants, free: dict) -> None:
    """No planted string or 20-character piece of one in any part of ``path``, outside the
    allow-listed fields ``free``; and no identity number in those."""
    allowed = _allowed_cells(path, free)
    for text in allowed:
        assert not identity_hits(text), f"{path.name}: ett personnummer i ett fritextfält"
    windows = plants.windows()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name).decode("utf-8", "replace")
            for text in map(fold, _texts(data) if name.endswith((".xml", ".rels")) else [data]):
                if text in allowed:
                    continue
                for i in range(max(0, len(text) - WINDOW + 1)):
                    piece = text[i:i + WINDOW]
                    assert piece not in windows, f"{path.name}/{name}: {piece!r} i {text[:150]!r}"


# --------------------------------------------------------------------------- the property


def test_the_free_text_fields_searched_are_the_allow_listed_ones():
    _free_fields_are_allow_listed()


def _edited(src: Path, dst: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


@pytest.mark.slow
def test_the_search_finds_a_planted_piece_wherever_it_is(tmp_path):
    """The search is not blind: a planted piece put into an export file -- in a cell outside
    the free-text fields, a sheet name, a document property, or lower-cased and cut in a
    message -- is found, and a personnummer in a free-text field is too."""
    path, plants = build(tmp_path, random.Random(7), "text", 0.0, False)
    out = export(read_workbook(path), tmp_path / "ut", preliminary=True)
    assert_nothing_planted(out, plants, EXPORT_FREE)
    secret = plants.strings[5]
    edits = {
        "Info": lambda wb: wb[C.EXPORT_INFO_SHEET].append(["Källfil", path.name]),
        "Kontroll": lambda wb: wb[C.EXPORT_CHECK_SHEET].append(
            ["Fel", f"meddelande: ”{secret[:57].lower()}…”"]),
        "fliknamn": lambda wb: setattr(wb[C.EXPORT_HISTORY_SHEET], "title", secret[:31]),
        "egenskap": lambda wb: setattr(wb.properties, "title", secret),
    }
    for name, edit in edits.items():
        with pytest.raises(AssertionError):
            assert_nothing_planted(_edited(out, tmp_path / f"{name}.xlsx", edit), plants,
                                   EXPORT_FREE)  # fmt: skip
    number = _personnummer(random.Random(3))
    guarded = _edited(out, tmp_path / "pnr.xlsx", lambda wb: wb[C.EXPORT_PLAN_SHEET].append(
        ["Matvanor", f"Samtal med {number}", "Pågår"]))
    with pytest.raises(AssertionError, match="personnummer"):
        assert_nothing_planted(guarded, plants, EXPORT_FREE)


@pytest.mark.slow
def test_planted_workbooks_really_reach_the_export(tmp_path):
    """The property is not vacuous: with text planted everywhere but no personnummer, the
    export is written (marked preliminary) and searched for almost every workbook."""
    written = 0
    for seed in range(6):
        folder = tmp_path / str(seed)
        folder.mkdir()
        path, plants = build(folder, random.Random(seed), "text", 0.0, seed % 2 == 0)
        try:
            out = export(read_workbook(path), folder / "ut", preliminary=True)
        except PersonalDataRefused:  # digits that happen to form a valid number
            continue
        assert_nothing_planted(out, plants, EXPORT_FREE)
        written += 1
    assert written >= 4


@pytest.mark.slow
@settings(max_examples=PLANTED, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), mode=st.sampled_from(MODES),
       identity_share=st.sampled_from((0.0, 0.0, 0.05, 0.5)), shared=st.booleans(),
       reads=st.sampled_from(("export", "workbook", "both")))  # fmt: skip
def test_nothing_planted_leaves_the_hub(tmp_path_factory, seed, mode, identity_share, shared,
                                        reads):  # fmt: skip
    root = tmp_path_factory.mktemp("planted")
    rnd = random.Random(seed)
    books, exports, county_in = root / "bok", root / "export", root / "lan"
    for folder in (books, exports, county_in):
        folder.mkdir()
    path, plants = build(books, rnd, mode, identity_share, shared)
    wb = read_workbook(path)
    try:
        written = export(wb, exports, preliminary=True)
    except PersonalDataRefused:  # an identity number, planted or made by chance of digits
        written = None
        assert not list(exports.iterdir())
    except UserError:  # a value that cannot be read, or no valid kommun
        assert mode != "text"
        written = None
        assert not list(exports.iterdir())
    if written is not None:
        info = {r[0]: r[1] for r in pc.CalamineWorkbook.from_path(str(written))
                .get_sheet_by_name(C.EXPORT_INFO_SHEET).to_python()}  # fmt: skip
        assert info[C.INFO_STATUS] == C.STATUS_PRELIMINARY and info[C.INFO_ERRORS] > 0
        assert_nothing_planted(written, plants, EXPORT_FREE)
        if reads in ("export", "both"):
            (county_in / written.name).write_bytes(written.read_bytes())
    if reads in ("workbook", "both") or written is None:
        (county_in / path.name).write_bytes(path.read_bytes())
    county = root / "Lanet.xlsx"
    result = consolidate(county_in, county, now=datetime(YEAR + 1, 3, 1))
    assert county.exists() and result.files()
    assert_nothing_planted(county, plants, COUNTY_FREE)
