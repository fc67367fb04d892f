"""What the region makes of trouble in the files it reads, in-process and quick (issue 20).

``test_hostile_region.py`` runs ``halsocenter region`` in a child process for each kind of
trouble and is marked slow. Here the same command runs in-process (``cli.main``) on a folder of
real export files (written by the product's export from the bundled examples) with one kind of
trouble per file, so ``scripts/test --fast`` still checks that each file's trouble is reported
on its own row, that nothing flagged reaches the county's figures and that no identity number
is written anywhere.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLES
from halsocenter import cli
from halsocenter.core import contract as C
from halsocenter.core.region_config import DEFAULT
from halsocenter.region import screening as S
from halsocenter.region.export import export
from halsocenter.xlsx.read import read_workbook
from hostile_files import read_parts, set_cells, write_zip
from test_hostile_region import (
    FORMS,
    HUBS,
    PNR,
    SAMORDNING,
    YEAR,
    county_total,
    digests,
    digits_anywhere,
    find_row,
    inbox,
    outliers,
    plant_identity_numbers,
    reporting,
    sheet,
    table,
    tampered,
    totals,
)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[str, Path]:
    """The export files of the bundled example workbooks, written by the product's export."""
    folder = tmp_path_factory.mktemp("exportfiler")
    return {kommun: export(read_workbook(EXAMPLES / f"{kommun}_{YEAR}.xlsx"), folder)
            for kommun in HUBS}  # fmt: skip


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """One message per line however long (rich folds at 80 columns otherwise)."""
    monkeypatch.setenv("COLUMNS", "1000")
    for console in (cli.out, cli.err):
        monkeypatch.setattr(console, "_console", None)


def region(folder: Path, tmp_path: Path, capsys, *options: str) -> tuple[int, str, Path]:
    """``halsocenter region FOLDER -o Lanet.xlsx`` in-process: (exit code, what it printed, the
    county workbook); every input byte-identical and nothing added beside them."""
    before = digests(folder)
    out = tmp_path / "Lanet.xlsx"
    code = cli.main(["region", str(folder), "-o", str(out), *options])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err and "oväntat fel" not in captured.err
    assert digests(folder) == before
    assert out.exists(), captured.err
    return code, captured.out + captured.err, out


def never_written(out: Path, text: str) -> None:
    for number in (PNR, SAMORDNING):
        assert digits_anywhere(out, number) == []
        assert number[-8:] not in re.sub(r"(?<=\d)[\s\-–](?=\d)", "", text)


def test_a_clean_folder_is_summed_up_on_one_line_with_exit_zero(tmp_path, clean, capsys):
    code, text, out = region(inbox(tmp_path, clean), tmp_path, capsys)
    assert code == cli.EXIT_OK
    assert text.startswith(f"Skrev {out}.")
    assert f"4 av {len(DEFAULT.names)} kommuner har rapporterat för {YEAR}." in text
    assert "Se fliken Inrapportering." in text
    assert county_total(out, "remisser") == sum(totals(p)["remisser"] for p in clean.values())


def test_values_that_cannot_be_right_are_left_out_and_listed_per_file(tmp_path, clean, capsys):
    """A total row twice (Eksjö), an unknown key and a text value (Gislaved), a share over
    100 % and a waiting time over two years (Värnamo): those rows are left out of the county,
    the rest of each file is used."""
    folder = inbox(tmp_path, clean, leave_out=("Eksjö", "Gislaved", "Värnamo"))

    def twice(wb):
        ws = wb["Rapportdata"]
        r = find_row(ws, "remisser")
        ws.append([ws.cell(r, c).value for c in range(1, 7)])

    def unknown(wb):
        ws = wb["Rapportdata"]
        ws.append(["Gislaved", YEAR, "hemliga_besok", None, 40, None])
        ws.cell(find_row(ws, "uteblev"), 5).value = "tolv"

    def share(wb):
        ws = wb["Rapportdata"]
        ws.cell(find_row(ws, "andel_tillrackligt_aktiva_start"), 5).value = 41
        ws.cell(find_row(ws, "vantetid_median_dagar"), 5).value = 5000

    for kommun, edit in (("Eksjö", twice), ("Gislaved", unknown), ("Värnamo", share)):
        tampered(clean[kommun], folder / clean[kommun].name, edit)
    code, text, out = region(folder, tmp_path, capsys, "--json")
    assert code == cli.EXIT_FINDINGS
    summary = json.loads(text)  # with --json, the summary is all it prints
    assert {p["kommun"] for p in summary["problems"]} == {"Eksjö", "Gislaved", "Värnamo"}
    others = sum(totals(clean[k])["remisser"] for k in HUBS if k != "Eksjö")
    assert county_total(out, "remisser") == others  # not Eksjö's twice, nor once
    kinds = {(o["Kommun"], o["Typ"]): o for o in outliers(out)}
    assert "finns 2 gånger" in kinds["Eksjö", S.KIND_DUPLICATE]["Förklaring"]
    assert "nyckeln finns inte i mallens Rapportdata" in kinds["Gislaved", S.KIND_UNKNOWN_KEY][
        "Förklaring"]
    assert "värdet är inte ett tal" in kinds["Gislaved", S.KIND_NOT_NUMBER]["Förklaring"]
    too_big = {o["Nyckeltal"]: o for o in outliers(out)
               if o["Kommun"] == "Värnamo" and o["Typ"] == S.KIND_OUT_OF_RANGE}  # fmt: skip
    share_row = too_big[C.FIGURE_BY_KEY["andel_tillrackligt_aktiva_start"].label]
    assert "är större än 1 (100 %)" in share_row["Förklaring"] and share_row["Värde"] == 41
    wait = too_big[C.FIGURE_BY_KEY["vantetid_median_dagar"].label]
    assert "är större än 730" in wait["Förklaring"] and wait["Värde"] == 5000
    rows = reporting(out, summary)
    assert "2 anmärkningar (dubblett: 2)" in rows[clean["Eksjö"].name]["Anmärkning"]
    assert "se fliken Avvikelser" in rows[clean["Värnamo"].name]["Anmärkning"]
    top = " ".join(str(r[0]) for r in sheet(out, "Översikt")[:6] if r)
    assert "Värden togs bort ur filen från" in top and "Eksjö" in top
    assert "3 filer har anmärkningar" in " ".join(str(v) for r in sheet(out, "Inrapportering")
                                                 for v in r)  # fmt: skip


def test_files_that_cannot_be_used_are_listed_and_the_county_is_built(tmp_path, clean, capsys):
    """Kommun ”Länet”, a kommun that is an identity number, a year that is no year, a file cut
    short and an export with a cell far outside its sheet: each one listed as not used, with
    the reason, and the four good files make the county."""
    folder = inbox(tmp_path, clean)
    lanet = tampered(clean["Eksjö"], folder / "Halsocenter_X_2024.xlsx",
                     lambda wb: wb["Info"].__setitem__("B3", "LÄNET "))  # fmt: skip
    pnr = tampered(clean["Eksjö"], folder / "Halsocenter_okand.xlsx",
                   lambda wb: wb["Info"].__setitem__("B3", FORMS[0]))  # fmt: skip
    year = tampered(clean["Gislaved"], folder / "Halsocenter_Gislaved_tjugo.xlsx",
                    lambda wb: wb["Info"].__setitem__("B4", "tjugo"))  # fmt: skip
    broken = folder / "Halsocenter_Habo_2024.xlsx"
    broken.write_bytes(clean["Eksjö"].read_bytes()[:3000])
    parts = read_parts(clean["Vaggeryd"])
    set_cells(parts, "Rapportdata", {"XFD1048576": "x"})
    far = write_zip(folder / "Halsocenter_Langt_2024.xlsx", parts)
    code, text, out = region(folder, tmp_path, capsys, "--json")
    assert code == cli.EXIT_FINDINGS
    never_written(out, text)
    summary = json.loads(text)  # with --json, the summary is all it prints
    reasons = {u["file"]: u["reason"] for u in summary["unreadable"]}
    assert set(reasons) == {lanet.name, pnr.name, year.name, broken.name, far.name}
    assert "Kommun är ”Länet”" in reasons[lanet.name]
    assert "8501**-****" in reasons[pnr.name] and "personnummer" in reasons[pnr.name]
    assert "År saknas eller är inte ett årtal" in reasons[year.name]
    assert "tjugo" not in reasons[year.name]  # what was read is described, never repeated
    assert "skadad" in reasons[broken.name]
    assert "större än programmets gränser" in reasons[far.name]
    assert not any(name in reason for name in reasons for reason in reasons.values())
    rows = reporting(out, summary)
    assert rows[lanet.name]["Inrapporterad"] == rows[pnr.name]["Inrapporterad"] == "Används inte"
    assert rows[broken.name]["Inrapporterad"] == "Kunde inte läsas"
    assert county_total(out, "remisser") == sum(totals(p)["remisser"] for p in clean.values())


def test_identity_numbers_in_an_export_file_never_reach_the_county_workbook(tmp_path, clean,
                                                                            capsys):  # fmt: skip
    """Numbers as a dimension, a value, a key, in the plan, in the program version, in Historik,
    in the file's own Kontroll sheet, a sheet name and a document property: each place is
    named (masked), the rest of the file is used, no number is written."""
    folder = inbox(tmp_path, clean, leave_out=("Eksjö",))
    name = f"Halsocenter_Eksjö_{FORMS[0]}.xlsx"
    tampered(clean["Eksjö"], folder / name, plant_identity_numbers)
    code, text, out = region(folder, tmp_path, capsys, "--json")
    assert code == cli.EXIT_FINDINGS
    never_written(out, text)
    overview = {r[0]: r for r in table(out, "Översikt", "Kommun")[1:] if r[0]}
    assert overview["Eksjö"][2] == totals(clean["Eksjö"])["remisser"]  # the rest is used
    data = sheet(out, "Rapportdata")
    assert not any(r[0] == "Eksjö" and r[2] == "slussade" and r[3] == "" for r in data)
    masked_name = S.mask_identities(name)
    row = reporting(out, json.loads(text))[masked_name]
    assert "Personnummer eller samordningsnummer i filen (" in row["Anmärkning"]
    assert " till); de finns inte i den här arbetsboken." in row["Anmärkning"]  # over five
    assert row["Programversion"] == ""
    explained = " ".join(o["Förklaring"] for o in outliers(out) if o["Typ"] == S.KIND_IDENTITY)
    assert "8501**-****" in explained and "Plan, rad 2, kolumn Uppföljning" in explained
    summary = json.loads(text)  # with --json, the summary is all it prints
    kinds = [p["message"] for p in summary["problems"] if p["kind"] == S.KIND_IDENTITY]
    for place in ("Fliknamn", "Dokumentegenskaper", "Kontroll", "Historik"):
        assert any(place in k for k in kinds), place
    assert any(p["kind"] == S.KIND_BAD_INFO and "inget versionsnummer" in p["message"]
               for p in summary["problems"])  # fmt: skip


def test_identity_numbers_in_a_coach_workbook_stay_out_of_the_county_workbook(tmp_path, capsys):
    """A whole workbook in the folder: numbers typed in Aktivitet, the plan and Slussad till are
    left out of the free-text dimensions and the plan matrix; the figures are used."""
    src = EXAMPLES / f"Vaggeryd_{YEAR}.xlsx"
    folder = tmp_path / "inkorg"
    folder.mkdir()
    wb = openpyxl.load_workbook(src)
    acts = wb["Aktiviteter"]
    col = [c.value for c in acts[1]].index("Aktivitet") + 1
    for r in range(2, 6):
        acts.cell(r, col).value = f"Promenad {FORMS[0]}"
    plan = wb["Plan"]
    plan.cell(2, [c.value for c in plan[1]].index("Uppföljning") + 1).value = f"Ring {FORMS[1]}"
    rem = wb["Remisser"]
    rem.cell(2, [c.value for c in rem[1]].index("Slussad till") + 1).value = f"Förening {FORMS[2]}"
    wb.save(folder / src.name)
    code, text, out = region(folder, tmp_path, capsys, "--json")
    assert code == cli.EXIT_FINDINGS
    never_written(out, text)
    data = sheet(out, "Rapportdata")
    assert any(r[0] == "Vaggeryd" and r[2] == "remisser" and r[3] == "" for r in data)
    assert not any("Promenad 85" in str(r[3]) or "Förening 85" in str(r[3]) for r in data)
    note = reporting(out, json.loads(text))[src.name]["Anmärkning"]
    assert "Aktiviteter, rad 2, kolumn Aktivitet" in note
    explained = " ".join(o["Förklaring"] for o in outliers(out) if o["Typ"] == S.KIND_IDENTITY)
    assert "Plan, kolumn Uppföljning" in explained


def test_formula_text_in_a_file_arrives_as_text(tmp_path, clean, capsys):
    folder = inbox(tmp_path, clean, leave_out=("Gislaved",))
    dde = "=cmd|' /C calc'!A0"

    def plan(wb):
        wb["Plan"].cell(2, 1).value = dde  # a focus area: a row label of the Planer matrix
        wb["Plan"].cell(2, 1).data_type = "s"

    tampered(clean["Gislaved"], folder / clean["Gislaved"].name, plan)
    region(folder, tmp_path, capsys, "--json")
    out = tmp_path / "Lanet.xlsx"
    with zipfile.ZipFile(out) as zf:
        assert not any(b"<f>" in zf.read(n) for n in zf.namelist() if "worksheets/" in n)
    assert dde in [r[0] for r in table(out, "Planer", "Fokusområde")]
    cell = next(c for row in openpyxl.load_workbook(out)["Planer"].iter_rows() for c in row
                if c.value == dde)  # fmt: skip
    assert cell.data_type == "s" and cell.quotePrefix  # Excel shows it as text, never runs it
