"""The region as an attacker (or a clumsy hand) would try it: real export files from the bundled
example workbooks, edited with openpyxl, and full workbooks with identity numbers typed into
free text. Each test runs the real `halsocenter region` command and asserts the county workbook
read back, the Swedish message, the exit code, that no planted identity number appears in any
part of the county workbook (or the command's output) in any form, and that every input file is
byte for byte what it was."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import EXAMPLES
from halsocenter.core import contract as C
from halsocenter.region import screening as S
from halsocenter.region.county_book import OUTLIER_COLUMNS, REPORTING_COLUMNS
from halsocenter.region.export import export
from halsocenter.xlsx.read import read_workbook

CLI = [sys.executable, "-m", "halsocenter"]
YEAR = 2024
HUBS = ("Eksjö", "Gislaved", "Vaggeryd", "Värnamo")
PNR = "8501011236"  # a valid personnummer (date and check digit)
SAMORDNING = "8501611233"  # a valid samordningsnummer (day + 60)
FORMS = (f"{PNR[:6]}-{PNR[6:]}", f"19{PNR[:6]}-{PNR[6:]}", f"{SAMORDNING[:6]} {SAMORDNING[6:]}")


# --------------------------------------------------------------------------- files


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[str, Path]:
    """The export files of the bundled example workbooks, written by the product's export."""
    folder = tmp_path_factory.mktemp("exportfiler")
    out = {}
    for kommun in HUBS:
        src = EXAMPLES / f"{kommun}_{YEAR}.xlsx"
        if not src.exists():
            pytest.skip("exempelarbetsböckerna saknas")
        out[kommun] = export(read_workbook(src), folder)
    return out


def inbox(tmp_path: Path, clean: dict[str, Path], leave_out: tuple[str, ...] = ()) -> Path:
    folder = tmp_path / "inkorg"
    folder.mkdir()
    for kommun, path in clean.items():
        if kommun not in leave_out:
            shutil.copy(path, folder / path.name)
    return folder


def tampered(src: Path, dst: Path, edit) -> Path:
    """A copy of ``src`` edited with openpyxl (as a person with Excel would edit it)."""
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def find_row(ws, key: str, dim: str | None = None) -> int:
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 3).value == key and (ws.cell(r, 4).value or None) == dim:
            return r
    raise KeyError((key, dim))


def totals(path: Path) -> dict[str, float]:
    rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Rapportdata").to_python()
    return {r[2]: r[4] for r in rows[1:] if r[3] == "" and r[4] != ""}


# --------------------------------------------------------------------------- running


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def region(folder: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict, Path]:
    """Run the command; assert it never touched an input and never showed a traceback."""
    before = digests(folder)
    out = tmp_path / "Lanet.xlsx"
    proc = subprocess.run([*CLI, "region", str(folder), "-o", str(out), "--json"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    assert digests(folder) == before  # every input byte-identical, nothing added beside them
    assert out.exists(), proc.stderr
    return proc, json.loads(proc.stdout), out


def sheet(path: Path, name: str) -> list[list]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def table(path: Path, name: str, first: str) -> list[list]:
    rows = sheet(path, name)
    start = next(i for i, r in enumerate(rows) if r and r[0] == first)
    return rows[start:]


def reporting(path: Path, summary: dict) -> dict[str, dict]:
    """Inrapportering's rows by file name: the workbook names a file by its number only (Fil
    nr), the command's JSON gives the number of each name."""
    names = {e["number"]: e["file"] for e in (*summary["reported"], *summary["unreadable"])}
    for d in summary["duplicates"]:
        names[d["left_out_number"]], names[d["kept_number"]] = d["left_out"], d["kept"]
    rows = table(path, "Inrapportering", "År")
    assert tuple(rows[0]) == REPORTING_COLUMNS
    number = REPORTING_COLUMNS.index("Fil nr")
    text = " ".join(str(v) for r in rows for v in r)
    assert not any(Path(name).stem in text for name in names.values())  # never a file name
    return {names[int(r[number])]: dict(zip(REPORTING_COLUMNS, r, strict=True))
            for r in rows[1:] if r[number] != ""}  # fmt: skip


def outliers(path: Path) -> list[dict]:
    rows = table(path, "Avvikelser", "Kommun")
    return [dict(zip(OUTLIER_COLUMNS, r, strict=True)) for r in rows[1:]]


def county_total(path: Path, key: str, year: int = YEAR) -> float:
    rows = sheet(path, "Rapportdata")
    found = [r[4] for r in rows[1:] if r[0] == "Länet" and r[1] == year and r[2] == key
             and r[3] == ""]  # fmt: skip
    assert len(found) == 1, found
    return found[0]


def digits_anywhere(path: Path, number: str) -> list[str]:
    """Parts of the package where ``number`` appears: its full digits, or its date and serial
    (the last 8 digits), once spaces and dashes between digits are taken away."""
    hits = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            text = zf.read(name).decode("utf-8", errors="replace")
            squeezed = re.sub(r"(?<=\d)[\s\-–—−](?=\d)", "", text)
            if number in squeezed or number[-8:] in squeezed:
                hits.append(name)
    return hits


def assert_never_written(out: Path, proc: subprocess.CompletedProcess) -> None:
    for number in (PNR, SAMORDNING):
        assert digits_anywhere(out, number) == []
        squeezed = re.sub(r"(?<=\d)[\s\-–](?=\d)", "", proc.stdout + proc.stderr)
        assert number[-8:] not in squeezed


# --------------------------------------------------------------------------- export files


@pytest.mark.slow
def test_duplicated_total_row_is_left_out_not_counted_twice(tmp_path, clean):
    folder = inbox(tmp_path, clean, leave_out=("Eksjö",))

    def edit(wb):
        ws = wb["Rapportdata"]
        r = find_row(ws, "remisser")
        ws.append([ws.cell(r, c).value for c in range(1, 7)])

    tampered(clean["Eksjö"], folder / clean["Eksjö"].name, edit)
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    others = sum(totals(clean[k])["remisser"] for k in HUBS if k != "Eksjö")
    assert county_total(out, "remisser") == others  # not Eksjö's twice, nor once
    assert county_total(out, "remisser_far") == sum(totals(p)["remisser_far"] for p in clean.values())
    rows = [o for o in outliers(out) if o["Kommun"] == "Eksjö" and o["Typ"] == S.KIND_DUPLICATE]
    assert len(rows) == 2 and "finns 2 gånger" in rows[0]["Förklaring"]
    assert "Rapportdata, rad" in rows[0]["Förklaring"]
    note = reporting(out, summary)[clean["Eksjö"].name]["Anmärkning"]
    assert "2 anmärkningar (dubblett: 2)" in note
    assert any(p["kind"] == S.KIND_DUPLICATE for p in summary["problems"])


@pytest.mark.slow
def test_unknown_key_and_text_value_are_reported_and_left_out(tmp_path, clean):
    folder = inbox(tmp_path, clean, leave_out=("Gislaved",))

    def edit(wb):
        ws = wb["Rapportdata"]
        ws.append(["Gislaved", YEAR, "hemliga_besok", None, 40, None])
        ws.cell(find_row(ws, "uteblev"), 5).value = "tolv"

    tampered(clean["Gislaved"], folder / clean["Gislaved"].name, edit)
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    data = sheet(out, "Rapportdata")
    assert not any(r[2] == "hemliga_besok" for r in data)
    assert not any(r[0] == "Gislaved" and r[2] == "uteblev" and r[3] == "" for r in data)
    assert county_total(out, "uteblev") == sum(totals(clean[k])["uteblev"] for k in HUBS
                                               if k != "Gislaved")  # fmt: skip
    kinds = {o["Typ"]: o for o in outliers(out) if o["Kommun"] == "Gislaved"}
    assert "nyckeln finns inte i mallens Rapportdata" in kinds[S.KIND_UNKNOWN_KEY]["Förklaring"]
    assert "värdet är inte ett tal" in kinds[S.KIND_NOT_NUMBER]["Förklaring"]
    assert kinds[S.KIND_NOT_NUMBER]["Nyckeltal"] == "Uteblev"
    with zipfile.ZipFile(out) as zf:  # what was read is described, never repeated
        xml = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
    assert "hemliga_besok" not in xml and "tolv" not in xml


@pytest.mark.slow
@pytest.mark.parametrize(("key", "value", "why"), [
    ("remisser_far", -5000, "är negativt"),
    ("forsta_samtal", 1e15, "är större än 1 000 000"),
    ("andel_tillrackligt_aktiva_start", 41, "är större än 1 (100 %)"),
    ("vantetid_median_dagar", 5000, "är större än 730"),
    ("uppfoljningar", 12.5, "är inte ett heltal"),
])  # fmt: skip
def test_implausible_values_are_kept_out_of_lanet(tmp_path, clean, key, value, why):
    folder = inbox(tmp_path, clean, leave_out=("Värnamo",))

    def edit(wb):
        ws = wb["Rapportdata"]
        ws.cell(find_row(ws, key), 5).value = value

    tampered(clean["Värnamo"], folder / clean["Värnamo"].name, edit)
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    overview = {r[0]: r for r in table(out, "Översikt", "Kommun")[1:] if r[0]}
    assert "Värnamo" in overview  # the rest of the file is used
    assert overview["Värnamo"][2] == totals(clean["Värnamo"])["remisser"]
    row = next(o for o in outliers(out) if o["Kommun"] == "Värnamo"
               and o["Typ"] == S.KIND_OUT_OF_RANGE)  # fmt: skip
    assert why in row["Förklaring"] and row["Värde"] == value
    assert row["Nyckeltal"] == C.FIGURE_BY_KEY[key].label
    if C.FIGURE_BY_KEY[key].unit in ("antal", "timmar"):
        assert county_total(out, key) == sum(totals(clean[k])[key] for k in HUBS
                                             if k != "Värnamo")  # fmt: skip
    data = sheet(out, "Rapportdata")
    assert not any(r[0] == "Värnamo" and r[2] == key and r[3] == "" for r in data)


@pytest.mark.slow
@pytest.mark.parametrize(("kommun", "status", "reason"), [
    ("Länet", "Används inte", "Kommun är ”Länet”"),
    ("LÄNET ", "Används inte", "Kommun är ”Länet”"),
    ("Ydre", "Används inte", "Kommun är ingen av länets 13 kommuner"),
])  # fmt: skip
def test_kommun_lanet_or_outside_never_reaches_the_county_totals(tmp_path, clean, kommun, status,
                                                                  reason):  # fmt: skip
    folder = inbox(tmp_path, clean)
    fake = tampered(clean["Eksjö"], folder / "Halsocenter_X_2024.xlsx",
                    lambda wb: wb["Info"].__setitem__("B3", kommun))  # fmt: skip
    assert openpyxl.load_workbook(fake)["Info"]["A3"].value == "Kommun"
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    data = sheet(out, "Rapportdata")
    assert county_total(out, "remisser") == sum(totals(p)["remisser"] for p in clean.values())
    lan_rows = [r for r in data if r[0] == "Länet"]
    assert len(lan_rows) == len({(r[1], r[2], r[3]) for r in lan_rows})  # one Länet only
    overview = [r[0] for r in table(out, "Översikt", "Kommun")[1:] if r[0]]
    assert overview.count("Länet") == 1 and "Ydre" not in overview
    row = reporting(out, summary)[fake.name]
    assert reason in row["Anmärkning"] and row["Inrapporterad"] == status
    with zipfile.ZipFile(out) as zf:  # a name the county cannot check is never shown
        assert not any(b"Ydre" in zf.read(n) for n in zf.namelist())


@pytest.mark.slow
@pytest.mark.parametrize("year", [2099, 1999, "tjugo"])
def test_year_outside_the_window_is_not_used(tmp_path, clean, year):
    folder = inbox(tmp_path, clean)
    assert openpyxl.load_workbook(clean["Gislaved"])["Info"]["A4"].value == "År"
    fake = tampered(clean["Gislaved"], folder / "Halsocenter_Gislaved_framtid.xlsx",
                    lambda wb: wb["Info"].__setitem__("B4", year))  # fmt: skip
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    assert sheet(out, "Översikt")[0][0].endswith(f"sammanställning {YEAR}")  # not 2099
    row = reporting(out, summary)[fake.name]
    assert row["Inrapporterad"] == "Används inte"
    assert f"utanför {S.YEAR_MIN}–" in row["Anmärkning"] or "inte ett årtal" in row["Anmärkning"]
    assert summary["years"] == [YEAR]


@pytest.mark.slow
def test_creation_time_in_the_future_does_not_win_the_newest_file_rule(tmp_path, clean):
    folder = inbox(tmp_path, clean)

    def edit(wb):
        wb["Info"]["B7"] = "2099-01-01 08:00:00"
        ws = wb["Rapportdata"]
        ws.cell(find_row(ws, "remisser"), 5).value = 999

    assert openpyxl.load_workbook(clean["Vaggeryd"])["Info"]["A7"].value == "Skapad"
    copy = tampered(clean["Vaggeryd"], folder / "Vaggeryd_kopia.xlsx", edit)
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    rows = reporting(out, summary)
    assert rows[copy.name]["Inrapporterad"] == "Bortvald"
    assert rows[clean["Vaggeryd"].name]["Inrapporterad"] == "Ja"
    overview = {r[0]: r for r in table(out, "Översikt", "Kommun")[1:] if r[0]}
    assert overview["Vaggeryd"][2] == totals(clean["Vaggeryd"])["remisser"] != 999
    assert any(o["Typ"] == S.KIND_FUTURE and "2099-01-01" in o["Förklaring"]
               for o in outliers(out))  # fmt: skip


@pytest.mark.slow
def test_a_file_that_cannot_be_read_is_listed_and_the_county_is_built(tmp_path, clean):
    folder = inbox(tmp_path, clean)
    broken = folder / "Halsocenter_Habo_2024.xlsx"
    broken.write_bytes(clean["Eksjö"].read_bytes()[:3000])
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    row = reporting(out, summary)[broken.name]
    assert row["Inrapporterad"] == "Kunde inte läsas" and "skadad" in row["Anmärkning"]
    assert broken.name not in row["Anmärkning"]  # the command line names it, the workbook not
    assert county_total(out, "remisser") == sum(totals(p)["remisser"] for p in clean.values())
    assert [u["file"] for u in summary["unreadable"]] == [broken.name]


@pytest.mark.slow
def test_clean_folder_exits_zero(tmp_path, clean):
    proc, summary, out = region(inbox(tmp_path, clean), tmp_path)
    assert proc.returncode == 0 and summary["problems"] == [] and summary["unreadable"] == []


def plant_identity_numbers(wb) -> None:
    """An export with identity numbers in every place a person or a tool could put them: as a
    dimension, a value, a key, in the plan, the program version, Historik, the file's own
    Kontroll sheet, a sheet name and a document property."""
    ws = wb["Rapportdata"]
    ws.cell(find_row(ws, "tillfallen", "Aktivitet=FaR träningsgrupp"), 4).value = \
        f"Aktivitet=Promenad {FORMS[0]}"
    ws.cell(find_row(ws, "slussade"), 5).value = int(PNR)  # a number, not text
    ws.append(["Eksjö", YEAR, FORMS[1], None, 3, None])  # as a key
    wb["Plan"].cell(2, 4).value = f"Uppföljning med {FORMS[2]} i december"
    wb["Info"]["B6"] = f"0.1.0 {FORMS[0]}"  # Programversion
    wb["Historik"].append([2022, "remisser", int(SAMORDNING)])
    wb["Kontroll"].append(["Fel", "Remisser", 4, "Kommentar", "M4", f"text {FORMS[1]}", "x"])
    wb.create_sheet(f"Lista {FORMS[0]}")["A1"] = FORMS[2]
    wb.properties.title = f"Deltagare {FORMS[0]}"


@pytest.mark.slow
def test_identity_numbers_in_an_export_file_never_reach_the_county_workbook(tmp_path, clean):
    folder = inbox(tmp_path, clean, leave_out=("Eksjö",))
    assert openpyxl.load_workbook(clean["Eksjö"])["Info"]["A6"].value == "Programversion"
    name = f"Halsocenter_Eksjö_{FORMS[0]}.xlsx"
    tampered(clean["Eksjö"], folder / name, plant_identity_numbers)
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    assert_never_written(out, proc)
    # the rest of the file is used
    overview = {r[0]: r for r in table(out, "Översikt", "Kommun")[1:] if r[0]}
    assert overview["Eksjö"][2] == totals(clean["Eksjö"])["remisser"]
    data = sheet(out, "Rapportdata")
    assert not any(r[0] == "Eksjö" and r[2] == "slussade" and r[3] == "" for r in data)
    assert any(r[0] == "Eksjö" and r[2] == "remisser" for r in data)
    # said so in Inrapportering, masked, with the places
    rows = reporting(out, summary)
    masked_name = S.mask_identities(name)
    assert masked_name != name and masked_name in rows
    note = rows[masked_name]["Anmärkning"]
    for where in ("Rapportdata, rad", "kolumn Dimension", "kolumn Värde", "kolumn Nyckel",
                  "Plan, rad 2, kolumn Uppföljning"):
        assert where in note or where in " ".join(
            o["Förklaring"] for o in outliers(out) if o["Typ"] == S.KIND_IDENTITY), where
    assert "8501**-****" in " ".join(o["Förklaring"] for o in outliers(out))
    assert rows[masked_name]["Programversion"] == ""
    kinds = [p["message"] for p in summary["problems"] if p["kind"] == S.KIND_IDENTITY]
    assert any("Fliknamn" in k for k in kinds) and any("Dokumentegenskaper" in k for k in kinds)
    assert any("Kontroll" in k for k in kinds) and any("Historik" in k for k in kinds)


@pytest.mark.slow
def test_identity_number_as_kommun_refuses_the_file(tmp_path, clean):
    folder = inbox(tmp_path, clean)
    fake = tampered(clean["Eksjö"], folder / "Halsocenter_okand.xlsx",
                    lambda wb: wb["Info"].__setitem__("B3", FORMS[0]))  # fmt: skip
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    assert_never_written(out, proc)
    row = reporting(out, summary)[fake.name]
    assert row["Inrapporterad"] == "Används inte" and "8501**-****" in row["Anmärkning"]


# --------------------------------------------------------------------------- full workbooks


@pytest.mark.slow
def test_identity_numbers_in_a_full_workbook_stay_out_of_free_text_dimensions(tmp_path):
    src = EXAMPLES / f"Vaggeryd_{YEAR}.xlsx"
    if not src.exists():
        pytest.skip("exempelarbetsböckerna saknas")
    folder = tmp_path / "inkorg"
    folder.mkdir()
    wb = openpyxl.load_workbook(src)
    acts = wb["Aktiviteter"]
    head = [c.value for c in acts[1]]
    col = head.index("Aktivitet") + 1
    planted = {r: f"Promenad {FORMS[0]}" for r in range(2, min(acts.max_row, 6) + 1)}
    for r, text in planted.items():
        acts.cell(r, col).value = text
    plan = wb["Plan"]
    plan_head = [c.value for c in plan[1]]
    plan.cell(2, plan_head.index("Uppföljning") + 1).value = f"Ring {FORMS[1]}"
    rem = wb["Remisser"]
    rem_head = [c.value for c in rem[1]]
    rem.cell(2, rem_head.index("Slussad till") + 1).value = f"Förening {FORMS[2]}"
    target = folder / src.name
    wb.save(target)
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    assert_never_written(out, proc)
    data = sheet(out, "Rapportdata")
    dims = [r[3] for r in data if r[0] == "Vaggeryd"]
    assert dims and not any("Promenad 85" in d or "Förening 85" in d for d in dims)
    assert not any(d == "Aktivitet=Promenad 8501**-****" for d in dims)
    assert any(r[0] == "Vaggeryd" and r[2] == "remisser" and r[3] == "" for r in data)
    note = reporting(out, summary)[target.name]["Anmärkning"]
    assert "Personnummer eller samordningsnummer i filen" in note
    assert f"Aktiviteter, rad {min(planted)}, kolumn Aktivitet" in note
    plans = table(out, "Planer", "Fokusområde")
    assert plans[0][1:] == ["Vaggeryd"]
    explained = " ".join(o["Förklaring"] for o in outliers(out) if o["Typ"] == S.KIND_IDENTITY)
    assert "Plan, kolumn Uppföljning" in explained and "kolumn Dimension" in explained
    assert json.dumps(summary, ensure_ascii=False).count("8501**-****") >= 1


def test_screening_leaves_no_flagged_row_whatever_the_form():
    """The pure screening: each planted form in each copied column is left out and reported."""
    rows = [S.RawRow(2, "remisser", None, 10)]
    for i, form in enumerate(FORMS, start=3):
        rows += [S.RawRow(i, "tillfallen", f"Aktivitet=Kurs {form}", 4),
                 S.RawRow(i + 10, form, None, 1),
                 S.RawRow(i + 20, "slussade", None, form)]
    rows.append(S.RawRow(40, "uteblev", None, float(PNR)))
    kept, problems = S.screen_rows(rows, "Rapportdata")
    assert [(r.key, r.dimension, r.value) for r in kept] == [("remisser", "", 10)]
    assert len(problems) == 3 * len(FORMS) + 1
    assert {p.kind for p in problems} == {S.KIND_IDENTITY}
    for p in problems:
        squeezed = re.sub(r"(?<=\d)[\s\-–](?=\d)", "", p.message)
        assert PNR[-8:] not in squeezed and SAMORDNING[-8:] not in squeezed
        assert "**-****" in p.message


def test_clock_is_the_only_judge_of_the_future():
    now = datetime(2025, 3, 1, 12, 0)
    assert S.created(datetime(2025, 3, 2, 11, 0), now, "Info") == (datetime(2025, 3, 2, 11, 0), [])
    kept, problems = S.created(datetime(2025, 3, 2, 13, 0), now, "Info")
    assert kept is None and problems[0].kind == S.KIND_FUTURE
    assert S.year(2026, "Info", now) == 2026
    with pytest.raises(S.FileRefused):
        S.year(2027, "Info", now)


KEYS = [f.key for f in C.FIGURES]
cells = st.one_of(
    st.none(), st.just(""), st.integers(-10**16, 10**16),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from([*FORMS, PNR, int(PNR), int(SAMORDNING), "tolv", "1 234,5", True]),
)  # fmt: skip


@given(st.lists(st.tuples(st.one_of(st.sampled_from(KEYS), cells),
                          st.one_of(st.sampled_from(["", "Typ=FaR", "Aktivitet=Kurs",
                                                     "Kön=Man", "Månad=2024-01"]), cells),
                          cells, st.booleans()), max_size=30))  # fmt: skip
@example([("remisser", "", float("inf"), True), ("uteblev", "", float("-inf"), False)])
def test_screened_rows_are_always_usable_and_every_other_row_is_reported(raw):
    rows = [S.RawRow(i, k, d, v, m) for i, (k, d, v, m) in enumerate(raw, start=2)]
    kept, problems = S.screen_rows(rows, "Rapportdata")
    pairs = [(r.key, r.dimension) for r in kept]
    assert len(pairs) == len(set(pairs))  # never two rows for one figure
    for r in kept:
        figure = C.FIGURE_BY_KEY[r.key]
        assert not r.dimension or r.dimension.partition("=")[0] in figure.dimensions
        assert S.identity(r.dimension) is None
        if r.value is not None:
            assert not r.masked and S.implausible(r.key, r.value) is None
            assert S.identity(r.value) is None
    reported = {p.row for p in problems}
    used = {r.row for r in rows if S.text(r.key) is not None}
    assert len(kept) + len(reported) == len(used)  # each row: used or reported, never both


@pytest.mark.slow
def test_formulas_in_a_file_arrive_as_text(tmp_path, clean):
    folder = inbox(tmp_path, clean, leave_out=("Gislaved",))
    dde, link = "=cmd|' /C calc'!A0", '=HYPERLINK("http://x")'

    def plan(wb):
        wb["Plan"].cell(2, 1).value = dde  # a focus area: a row label of the Planer matrix
        wb["Plan"].cell(2, 1).data_type = "s"  # typed as text, as Excel keeps a leading '

    def kommun(wb):
        wb["Info"]["B3"] = link
        wb["Info"]["B3"].data_type = "s"

    tampered(clean["Gislaved"], folder / clean["Gislaved"].name, plan)
    fake = tampered(clean["Eksjö"], folder / "Halsocenter_lank.xlsx", kommun)
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1  # a kommun outside the county: not used
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in zf.read(name).decode()  # no formula anywhere
    plans = table(out, "Planer", "Fokusområde")
    assert dde in [r[0] for r in plans]  # plan text is carried, as text
    row = reporting(out, summary)[fake.name]
    assert row["Inrapporterad"] == "Används inte" and row["Kommun"] == ""
    assert not any(link in str(v) for r in sheet(out, "Rapportdata") for v in r)


@pytest.mark.slow
def test_a_later_file_from_outside_the_county_does_not_set_the_year(tmp_path, clean):
    folder = inbox(tmp_path, clean)

    def edit(wb):
        wb["Info"]["B3"], wb["Info"]["B4"] = "Ydre", YEAR + 1

    tampered(clean["Eksjö"], folder / "Halsocenter_Ydre.xlsx", edit)
    proc, summary, out = region(folder, tmp_path)
    assert proc.returncode == 1
    top = sheet(out, "Översikt")
    assert top[0][0].endswith(f"sammanställning {YEAR}")
    assert top[2][0] == f"4 av 13 kommuner har rapporterat för {YEAR}."
    assert summary["years"] == [YEAR]  # the file is not used at all


def test_a_number_that_lost_its_leading_zeros_is_screened_like_the_coach_check_screens_it():
    """One guard: a personnummer of a 2000s birth stored as a number loses its leading zeros
    (0001011234 -> 1011234); the region flags it exactly where the coach's check does."""
    from halsocenter.core.privacy import contains_identity_number, luhn_ok

    serial = next(f"{n:04d}" for n in range(1000, 10000) if luhn_ok(f"000101{n:04d}"))
    stored = int(f"000101{serial}")
    assert stored < 10_000_000 and contains_identity_number(stored)
    kept, problems = S.screen_rows([S.RawRow(2, "remisser", None, 10),
                                    S.RawRow(3, "uteblev", None, stored)], "Rapportdata")
    assert [r.key for r in kept] == ["remisser"]
    assert [p.kind for p in problems] == [S.KIND_IDENTITY]
