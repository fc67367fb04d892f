"""County consolidation: 13 municipalities with missing, full-workbook, export, broken and
duplicate files; county totals; outliers; LibreOffice rendering."""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import python_calamine as pc

from conftest import EXAMPLES, lo_convert, needs_soffice
from examples import example_tables
from halsocenter.core import contract as C
from halsocenter.core.region_config import DEFAULT as DEFAULT_REGION
from halsocenter.core.stats import compute
from halsocenter.core.validate import validate
from halsocenter.jobs import consolidate
from halsocenter.region.consolidate import SHARE_WEIGHTS, SUMMED_UNITS, keep_newest, read_report
from halsocenter.region.county_book import OUTLIER_COLUMNS, REPORTING_COLUMNS, fit_header
from halsocenter.region.export import write_export
from halsocenter.region.export_format import EXPORT_COLUMNS
from halsocenter.region.outliers import KIND_JUMP, KIND_PEERS, far_from_peers, jumps, robust_z
from halsocenter.region.screening import reason_of
from halsocenter.region.submissions import COUNTY, STATUS_REFUSED
from halsocenter.xlsx.read import WorkbookError, read_workbook, workbook_data

YEAR = 2024
FULL = ("Eksjö", "Gislaved", "Värnamo", "Vaggeryd")  # the bundled example workbooks
EXPORTS = ("Aneby", "Gnosjö", "Jönköping", "Nässjö", "Vetlanda")
MISSING = ("Habo", "Mullsjö", "Sävsjö")
BROKEN = "Tranås"
DUPLICATE = "Aneby"
OUTSIDE_NAME = "Ydre"


def sheet(path: Path, name: str) -> list[list]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def table(path: Path, name: str, first: str) -> list[list]:
    """A sheet's rows from its header row on (the row whose first cell is ``first``), the
    title and notes above it skipped."""
    rows = sheet(path, name)
    start = next(i for i, r in enumerate(rows) if r and r[0] == first)
    return rows[start:]


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """A folder as the region receives it, the summaries each file stands for, and the result."""
    folder = tmp_path_factory.mktemp("inkorg")
    expected = {}
    for kommun in FULL:
        src = EXAMPLES / f"{kommun}_{YEAR}.xlsx"
        if not src.exists():
            pytest.skip("exempelarbetsböckerna saknas")
        shutil.copy(src, folder / src.name)
        expected[kommun] = compute(read_workbook(src))
    for i, kommun in enumerate(EXPORTS):
        wb = workbook_data(*example_tables(kommun, YEAR))
        summary = compute(wb)
        expected[kommun] = summary
        write_export(summary, validate(wb), folder, created=datetime(2025, 2, 1, 9, i))
    # The duplicate: an older export of Aneby with other figures, under another file name.
    old = compute(workbook_data(*example_tables(DUPLICATE, YEAR, seed=99)))
    older = write_export(old, [], folder / "gammal", created=datetime(2025, 1, 10, 8, 0))
    older.rename(folder / "Aneby_forsta_versionen.xlsx")
    (folder / "gammal").rmdir()
    # Outside the county: a name the county cannot check, so the file is not used (and the name
    # never shown).
    tables, settings = example_tables("Habo", YEAR, seed=5)
    write_export(compute(workbook_data(tables, {**settings, "hc_kommun": OUTSIDE_NAME})), [],
                 folder, kommuner=(OUTSIDE_NAME,))  # fmt: skip
    (folder / f"{BROKEN}_{YEAR}.xlsx").write_text("Det här är ingen arbetsbok.\n")
    (folder / "~$Aneby_lås.xlsx").write_bytes(b"lock")  # Excel's lock file is skipped
    out = tmp_path_factory.mktemp("lan") / "Lanet_2024.xlsx"
    calls = []
    result = consolidate(folder, out, progress=lambda done, total, name: calls.append(done))
    return folder, expected, result, out, calls


def test_reporting_sheet(county):
    folder, expected, result, out, calls = county
    rows = table(out, "Inrapportering", "År")
    assert tuple(rows[0]) == REPORTING_COLUMNS
    col = {c: i for i, c in enumerate(REPORTING_COLUMNS)}
    by_kommun = {r[1]: r for r in rows[1:] if r[0] == YEAR and r[2] in ("Ja", "Nej")}
    assert [r[1] for r in rows[1:14]] == list(DEFAULT_REGION.names)
    for kommun in (*FULL, *EXPORTS):
        assert by_kommun[kommun][col["Inrapporterad"]] == "Ja"
        assert by_kommun[kommun][col["Status"]] == C.STATUS_FINAL
    for kommun in (*MISSING, BROKEN):
        assert by_kommun[kommun][col["Inrapporterad"]] == "Nej"
    assert {by_kommun[k][col["Filtyp"]] for k in FULL} == {"arbetsbok"}
    assert {by_kommun[k][col["Filtyp"]] for k in EXPORTS} == {"exportfil"}
    assert by_kommun["Vaggeryd"][col["Mallversion"]] == C.TEMPLATE_VERSION
    # files are named by their number in the folder, never by their name
    number = {path.name: n for n, path in result.files()}
    assert sorted(number) == sorted(p.name for p in folder.iterdir())  # skipped ones too
    assert sorted(number.values()) == list(range(1, len(number) + 1))
    names = [p.name for p in folder.iterdir()]
    assert not any(name in str(v) or Path(name).stem in str(v)
                   for name in names for r in rows for v in r)  # fmt: skip
    # the duplicate: the newest file is used and the conflict is reported on both rows
    assert by_kommun[DUPLICATE][col["Fil nr"]] == number[f"Halsocenter_{DUPLICATE}_{YEAR}.xlsx"]
    old = number["Aneby_forsta_versionen.xlsx"]
    assert f"fil nr {old}" in by_kommun[DUPLICATE][col["Anmärkning"]]
    left_out = [r for r in rows if r[2] == "Bortvald"]
    assert [r[col["Fil nr"]] for r in left_out] == [old]
    # the broken file, with the reason in the county's words (the reader's message names it)
    broken = [r for r in rows if r[2] == "Kunde inte läsas"]
    assert "9 av 13 kommuner har rapporterat för 2024." in sheet(out, "Inrapportering")[1][0]
    assert [r[col["Fil nr"]] for r in broken] == [number[f"{BROKEN}_{YEAR}.xlsx"]]
    with pytest.raises(WorkbookError) as err:
        read_workbook(folder / f"{BROKEN}_{YEAR}.xlsx")
    assert broken[0][col["Anmärkning"]] == reason_of(err.value)
    # the file from outside the county: not used, its kommun not shown
    outside = [r for r in rows if r[2] == STATUS_REFUSED]
    assert [r[col["Fil nr"]] for r in outside] == [number[f"Halsocenter_{OUTSIDE_NAME}_{YEAR}.xlsx"]]
    assert "ingen av länets 13 kommuner" in outside[0][col["Anmärkning"]]
    assert not any(OUTSIDE_NAME in str(v) for r in rows for v in r)
    assert calls == list(range(1, len(list(folder.glob("[!~]*.xlsx"))) + 1))
    summary = result.as_dict()
    assert summary["missing"][str(YEAR)] == [k for k in DEFAULT_REGION.names
                                             if k in {*MISSING, BROKEN}]  # fmt: skip
    assert len(summary["unreadable"]) == 2 and len(summary["duplicates"]) == 1
    assert "9 av 13" in result.describe()


def test_rapportdata_parts_and_county_totals(county):
    _, expected, _, out, _ = county
    rows = sheet(out, "Rapportdata")
    assert tuple(rows[0]) == EXPORT_COLUMNS
    parts: dict[str, dict[tuple[str, str], float]] = {}
    for r in rows[1:]:
        parts.setdefault(r[0], {})[(r[2], r[3])] = None if r[4] == "" else r[4]
    assert set(parts) == {*FULL, *EXPORTS, COUNTY}
    for kommun, summary in expected.items():  # every figure of every file is there
        assert {(f.key, f.dimension): f.value for f in summary.figures} == pytest.approx(
            parts[kommun], rel=1e-12)
    lan = parts[COUNTY]
    checked = 0
    keys = {k for s in expected.values() for k in ((f.key, f.dimension) for f in s.figures)}
    for key, dim in keys:
        figure = C.FIGURE_BY_KEY[key]
        if figure.unit not in SUMMED_UNITS or key.startswith(C.CHANGE_PREFIX):
            assert (key, dim) not in lan or key in SHARE_WEIGHTS
            continue
        total = sum(s.value(key, dim) or 0 for s in expected.values())
        assert lan[(key, dim)] == pytest.approx(total), (key, dim)
        checked += 1
    assert checked > 100
    assert lan[("remisser", "")] == sum(s.value("remisser") for s in expected.values())
    # shares weighted by the number measured, not summed
    w = {k: s.value("matta_start_och_uppfoljning") or 0 for k, s in expected.items()}
    for key in SHARE_WEIGHTS:
        want = (sum((s.value(key) or 0) * w[k] for k, s in expected.items()) / sum(w.values()))
        assert lan[(key, "")] == pytest.approx(want)
    assert ("vantetid_median_dagar", "") not in lan


def test_duplicate_keeps_newest_figures(county):
    _, expected, result, _, _ = county
    kept = next(r for r in result.reports if r.kommun == DUPLICATE)
    assert kept.totals()["remisser"] == expected[DUPLICATE].value("remisser")
    assert kept.created == datetime(2025, 2, 1, 9, 0)


def test_other_sheets(county):
    _, expected, _, out, _ = county
    book = pc.CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["Översikt", "Inrapportering", "Fördelningar", "Rapportdata",
                                "Trender", "Planer", "Avvikelser"]  # fmt: skip
    assert book.sheet_names == list(dict.fromkeys(f.sheet for f in C.COUNTY_FIELDS))
    fields = {(f.sheet, f.field) for f in C.COUNTY_FIELDS}
    for name in ("Inrapportering", "Rapportdata", "Avvikelser"):  # their columns: allow-listed
        first = "År" if name == "Inrapportering" else "Kommun"
        assert all((name, h) in fields for h in table(out, name, first)[0]), name
    top = sheet(out, "Översikt")
    assert top[0][0] == "Hälsocenter i Jönköpings län – länets sammanställning 2024"
    assert top[2][0] == "9 av 13 kommuner har rapporterat för 2024."
    assert top[3][0] == "Saknas: Habo, Mullsjö, Sävsjö och Tranås."
    overview = table(out, "Översikt", "Kommun")
    assert overview[0][:3] == ["Kommun", "Status", fit_header("Remisser och kontakter", 10.5)]
    by_kommun = {r[0]: r for r in overview[1:] if r[0]}
    reported = [k for k in DEFAULT_REGION.names if k in {*FULL, *EXPORTS}]
    assert [r[0] for r in overview[1:len(reported) + 1]] == reported  # those who reported
    absent = overview[len(reported) + 1:len(reported) + 5]  # then every other municipality
    assert [r[0] for r in absent] == ["Habo", "Mullsjö", "Sävsjö", "Tranås"]
    assert {r[2] for r in absent} == {"ej rapporterat"} and overview[len(reported) + 5][0] == COUNTY
    assert OUTSIDE_NAME not in by_kommun
    assert by_kommun["Eksjö"][2] == expected["Eksjö"].value("remisser")
    assert {r[1] for r in overview[1:len(reported) + 6]} == {""}  # none is preliminary
    in_county = [s for k, s in expected.items() if k in DEFAULT_REGION.names]
    assert by_kommun[COUNTY][2] == sum(s.value("remisser") for s in in_county)
    with zipfile.ZipFile(out) as zf:
        assert len([n for n in zf.namelist() if n.startswith("xl/charts/chart")]) == 4

    trends = table(out, "Trender", "Kommun")
    years = trends[0][1:]
    assert 2023.0 in years and 2024.0 in years
    block = trends[trends.index(next(r for r in trends if r[0] == "Remisser och kontakter")):]
    vaggeryd = next(r for r in block if r[0] == "Vaggeryd")
    assert vaggeryd[1 + years.index(2023.0)] == 88  # Tidigare år of the workbook
    lan = next(r for r in block if r[0] == COUNTY)
    assert lan[1 + years.index(2024.0)] == sum(s.value("remisser") for s in in_county)
    count = block[block.index(lan) + 1]
    assert count[0] == "Kommuner med värde" and count[1 + years.index(2024.0)] == 9
    assert OUTSIDE_NAME not in [r[0] for r in trends]

    plans = table(out, "Planer", "Fokusområde")
    assert plans[0] == ["Fokusområde", *reported]  # municipalities side by side
    focus = [r[0] for r in plans[1:]]
    order = list(C.LIST_BY_KEY["fokusomrade"].values)
    assert focus == [f for f in order if f in focus]  # focus areas in the contract's order
    eksjo = {r[0]: r[1 + reported.index("Eksjö")] for r in plans[1:]}
    for p in expected["Eksjö"].plan:
        assert f"• {p.aktivitet}" in eksjo[p.fokusomrade]

    outliers = table(out, "Avvikelser", "Kommun")
    assert tuple(outliers[0]) == OUTLIER_COLUMNS
    assert not any("sedan start" in str(r[3]) for r in outliers[1:])


def test_jumps_and_peers():
    history = {"Aneby": {2023: {"remisser": 40, "uteblev": 4}, 2024: {"remisser": 95,
                                                                       "uteblev": 9}}}
    found = jumps(history, {"Aneby": {2024}})
    assert [(o.kind, o.key, o.value, o.comparison) for o in found] == [
        (KIND_JUMP, "Remisser och kontakter", 95, 40)]
    assert "ökade från 40 (2023) till 95 (2024)" in found[0].explanation
    assert not jumps(history, {"Aneby": {2023}})  # no year before 2023

    totals = {(k, 2024): {"remisser": 100, "uteblev": u} for k, u in
              zip(DEFAULT_REGION.names, (8, 9, 10, 10, 11, 9, 10, 12, 8, 10, 11, 9, 60), strict=True)}
    peers = far_from_peers(totals)
    assert [(o.kommun, o.kind, o.key) for o in peers] == [("Värnamo", KIND_PEERS,
                                                           "Andel som uteblev")]
    assert "högre än medianen 10 %" in peers[0].explanation
    assert robust_z({"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}) == {}
    assert robust_z({"a": 1, "b": 2}) == {}


def test_keep_newest_breaks_ties_by_document_time(tmp_path):
    summary = compute(workbook_data(*example_tables("Habo", YEAR)))
    a = write_export(summary, [], tmp_path / "a", created=datetime(2025, 3, 1))
    b = write_export(summary, [], tmp_path / "b", created=datetime(2025, 1, 1))
    b.touch()  # newer on disk, older by its own record
    kept, replaced = keep_newest([read_report(a), read_report(b)])
    assert kept[0].path == a and replaced[0][0].path == b


def test_empty_folder_lists_all_missing(tmp_path):
    (tmp_path / "in").mkdir()
    result = consolidate(tmp_path / "in", tmp_path / "lan.xlsx")
    rows = table(tmp_path / "lan.xlsx", "Inrapportering", "År")
    assert [r[1] for r in rows[1:]] == list(DEFAULT_REGION.names)
    assert {r[2] for r in rows[1:]} == {"Nej"}
    assert "Inga filer" in result.describe()


@pytest.fixture(scope="module")
def county_pdf(county, tmp_path_factory):
    return lo_convert(county[3], "pdf", tmp_path_factory.mktemp("pdf"))


@pytest.mark.slow
@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_renders_county_workbook(county_pdf):
    data = county_pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", str(county_pdf), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        assert "Länet" in text and "Inrapporterad" in text
