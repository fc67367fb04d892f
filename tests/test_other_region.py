"""Another region, end to end through the command line: a county of our own making (Fjällmarks
län, four municipalities, population for two years) from ``new-workbook --region`` to the
county workbook of the second year, built from that year's files and the archive. Nothing
anywhere says Jönköping."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from examples import example_tables
from halsocenter.cli import main
from halsocenter.core import contract as C
from halsocenter.core.stats import compute
from halsocenter.region.settings import read_region_file
from halsocenter.xlsx import template
from halsocenter.xlsx.read import read_workbook
from ooxml import validate_package

pytestmark = pytest.mark.slow

CONFIG = """\
# En påhittad region för testerna.
[region]
namn = "Region Fjällmark"
lan = "Fjällmarks län"
folkhalsoenhet = "Folkhälsoenheten Fjällmark"

[[kommun]]
namn = "Storstad"
kod = "9901"
invanare = { 2023 = 97000, 2024 = 98000 }

[[kommun]]
namn = "Lillby"
kod = "9902"
invanare = { 2023 = 7000, 2024 = 7100 }

[[kommun]]
namn = "Åsbacka"
kod = "9903"
invanare = { 2024 = 15500 }

[[kommun]]
namn = "Norrvik"
kod = "9904"
"""
REPORTED_2024 = ("Storstad", "Lillby", "Åsbacka")  # Norrvik sends nothing for 2024
FORBIDDEN = re.compile(r"jönköping|rjl", re.IGNORECASE)


def run(*args) -> int:
    return main([str(a) for a in args])


def texts_of(path: Path) -> str:
    """Every part of a zip package (workbook or Word document) as text."""
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())


def new_filled_workbook(folder: Path, config: Path, kommun: str, year: int, seed: int) -> Path:
    """``new-workbook --region`` and then a year of the example generator typed into it."""
    path = folder / f"{kommun}_{year}.xlsx"
    assert run("new-workbook", path, "--region", config, "--kommun", kommun, "--ar", year) == 0
    region = read_region_file(config)
    tables, settings = example_tables(kommun, year, seed=seed, region=region)
    wb = openpyxl.load_workbook(path)
    start = wb[C.START_SHEET]
    start[C.NAMED_CELL_BY_NAME["hc_startdatum"].cell] = settings["hc_startdatum"]
    start[C.NAMED_CELL_BY_NAME["hc_kontakt"].cell] = settings["hc_kontakt"]
    for spec in region.tables:
        if tables.get(spec.key):
            template.fill_table(wb, spec, tables[spec.key])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("fjallmark")
    config = root / "fjallmark.toml"
    config.write_text(CONFIG, encoding="utf-8")
    books, first, second = root / "arbetsbocker", root / "in_2023", root / "in_2024"
    for folder in (books, first, second):
        folder.mkdir()
    made: dict[tuple[str, int], Path] = {}
    for year, kommuner, target in ((2023, ("Storstad", "Lillby", "Åsbacka", "Norrvik"), first),
                                   (2024, REPORTED_2024, second)):  # fmt: skip
        for i, kommun in enumerate(kommuner):
            made[kommun, year] = new_filled_workbook(books, config, kommun, year, seed=i + year)
            assert run("export", made[kommun, year], "-o", target) == 0
    archive = root / "arkiv.sqlite"
    out_2023, out_2024 = root / "lan_2023.xlsx", root / "lan_2024.xlsx"
    assert run("region", first, "-o", out_2023, "--region", config, "--arkiv", archive) == 0
    # the second year: only that year's files in the folder
    code = run("region", second, "-o", out_2024, "--region", config, "--arkiv", archive,
               "--rapport", root / "rapport_2024.docx")  # fmt: skip
    assert code in (0, 1)  # 1 when an outlier is found among the generated figures
    return root, config, made, archive, out_2024


def sheet(path: Path, name: str) -> list[list]:
    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_a_workbook_made_for_the_region_carries_it(county, tmp_path, capsys):
    root, config, made, _, _ = county
    wb = read_workbook(made["Storstad", 2024])
    region = read_region_file(config)
    assert wb.region == region.without_population()
    assert wb.lists["kommun"] == region.names
    assert wb.tables["styrgrupp"].header("folkhalsa") == "Folkhälsoenheten Fjällmark"
    # its own commands need no flag
    assert run("check", made["Storstad", 2024]) == 0
    summary = tmp_path / "sammanstallning.xlsx"
    assert run("summary", made["Storstad", 2024], "-o", summary) == 0
    report = tmp_path / "rapport.docx"
    assert run("report", made["Storstad", 2024], "-o", report) == 0
    export = root / "in_2024" / "Halsocenter_Storstad_2024.xlsx"
    for path in (made["Storstad", 2024], summary, report, export):
        assert not FORBIDDEN.search(texts_of(path)), path.name
    assert "Region Fjällmark" in texts_of(report)
    assert "Folkhälsoenheten Fjällmark" in texts_of(report)
    assert validate_package(made["Storstad", 2024], []) == []


def test_a_municipality_of_another_region_is_refused(county, tmp_path):
    _, config, made, _, _ = county
    assert run("new-workbook", tmp_path / "x.xlsx", "--region", config, "--kommun", "Aneby",
               "--ar", "2024") == 2  # fmt: skip
    assert not (tmp_path / "x.xlsx").exists()
    wb = openpyxl.load_workbook(made["Lillby", 2024])
    wb[C.START_SHEET][C.NAMED_CELL_BY_NAME["hc_kommun"].cell] = "Aneby"
    wb.save(tmp_path / "fel.xlsx")
    assert run("check", tmp_path / "fel.xlsx", "--json") == 1


def test_the_county_workbook_compares_every_municipality(county):
    _, config, made, _, out = county
    region = read_region_file(config)
    top = sheet(out, "Översikt")
    assert top[0][0] == "Hälsocenter i Fjällmarks län – länets sammanställning 2024"
    assert top[2][0] == "3 av 4 kommuner har rapporterat för 2024."
    assert top[3][0] == "Saknas: Norrvik."
    start = next(i for i, r in enumerate(top) if r and r[0] == "Kommun")
    header = [str(h).replace("-\n", "").replace("\n", " ") for h in top[start]]
    table = {r[0]: r for r in top[start + 1:start + 6]}
    assert list(table) == [*REPORTED_2024, "Norrvik", "Länet"]  # a row for every municipality
    assert "ej rapporterat" in table["Norrvik"]
    per = {k: header.index(f"{C.FIGURE_BY_KEY[k].label} per 1 000 invånare")
           for k in ("remisser", "remisser_far", "forsta_samtal", "deltagartillfallen")}
    inhabitants = header.index("Invånare")
    counts, people = dict.fromkeys(per, 0), 0
    for kommun in REPORTED_2024:
        figures = compute(read_workbook(made[kommun, 2024]))
        n = region.inhabitants(kommun, 2024)
        assert table[kommun][inhabitants] == n
        people += n
        for key, col in per.items():
            value = figures.value(key)
            assert table[kommun][col] == pytest.approx(value / n * 1000)
            counts[key] += value
    for key, col in per.items():
        assert table["Länet"][col] == pytest.approx(counts[key] / people * 1000)
    assert table["Länet"][inhabitants] == people
    assert not FORBIDDEN.search(texts_of(out))
    assert validate_package(out, []) == []


def test_the_first_years_figures_come_back_from_the_archive(county):
    root, _, made, archive, out = county
    data = sheet(out, "Rapportdata")
    for kommun in ("Storstad", "Norrvik"):
        first = compute(read_workbook(made[kommun, 2023]))
        shown = {(r[2], r[3] or ""): r[4] for r in data[1:] if r[0] == kommun and r[1] == 2023}
        assert shown == {(f.key, f.dimension): f.value for f in first.figures
                         if f.value is not None}  # fmt: skip
    trends = sheet(out, "Trender")
    start = next(i for i, r in enumerate(trends) if r and r[0] == "Kommun")
    years = trends[start][1:]
    block = trends[start + 1:]
    block = block[:next(i for i, r in enumerate(block) if r and r[0] == "Kommuner med värde")]
    norrvik = next(r for r in block if r[0] == "Norrvik")
    assert norrvik[1 + years.index(2023.0)] == compute(read_workbook(made["Norrvik", 2023])).value(
        "remisser")
    listing = json.loads(_arkiv_json(archive))
    assert listing["region"] == "Region Fjällmark"
    assert sorted((r["kommun"], r["år"], r["status"]) for r in listing["inlamningar"]) == sorted(
        [(k, 2023, "används") for k in ("Storstad", "Lillby", "Åsbacka", "Norrvik")]
        + [(k, 2024, "används") for k in REPORTED_2024])


def _arkiv_json(archive: Path) -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "halsocenter", "arkiv", str(archive), "--json"],
                          capture_output=True, text=True, check=True).stdout


def test_a_resubmission_shows_as_replaced(county, tmp_path):
    root, config, made, archive, _ = county
    wb = openpyxl.load_workbook(made["Lillby", 2024])
    template.fill_table(wb, C.REMISSER, [{  # the coach adds a referral that was forgotten
        "lopnummer": "2024-999", "inkom": date(2024, 6, 3), "typ": C.TYP_FAR,
        "remittent": "Vårdcentral", "utfall": C.UTFALL_VANTAR}])
    corrected = tmp_path / "Lillby_2024.xlsx"
    wb.save(corrected)
    again = tmp_path / "omskickat"
    again.mkdir()
    assert run("export", corrected, "-o", again) == 0
    out = tmp_path / "lan.xlsx"
    assert run("region", again, "-o", out, "--region", config, "--arkiv", archive) in (0, 1)
    listing = json.loads(_arkiv_json(archive))
    lillby = [r for r in listing["inlamningar"] if r["kommun"] == "Lillby" and r["år"] == 2024]
    assert [r["status"] for r in lillby] == ["ersatt", "används"]
    assert lillby[0]["ersatt_av"] == "Halsocenter_Lillby_2024.xlsx"
    assert lillby[0]["ersatt_av_sha256"] == lillby[1]["sha256"]
    top = sheet(out, "Översikt")
    start = next(i for i, r in enumerate(top) if r and r[0] == "Kommun")
    row = next(r for r in top[start:] if r and r[0] == "Lillby")
    at = next(i for i, h in enumerate(top[start]) if str(h).replace("-\n", "").startswith(
        C.FIGURE_BY_KEY["remisser"].label.split()[0]))  # fmt: skip
    assert row[at] == compute(read_workbook(corrected)).value("remisser")  # the new figures
    assert row[at] == compute(read_workbook(made["Lillby", 2024])).value("remisser") + 1
    assert len(listing["inlamningar"]) == 8  # the record keeps both files


def test_next_years_workbook_belongs_to_the_same_region(county, tmp_path):
    _, config, made, _, _ = county
    nxt = tmp_path / "Storstad_2025.xlsx"
    assert run("rollover", made["Storstad", 2024], "-o", nxt) == 0
    wb = read_workbook(nxt)
    assert wb.region == read_region_file(config).without_population() and wb.year == 2025
    assert wb.tables["styrgrupp"].header("folkhalsa") == "Folkhälsoenheten Fjällmark"
    assert not FORBIDDEN.search(texts_of(nxt))


def test_the_open_book_in_excel_knows_its_region(county):
    """The ribbon and xlwings Lite read the region from the open book, as the file reader
    does: the workbook's own Styrgrupp column, and Hjälp names the region's unit."""
    import xlwings as xw

    from halsocenter.live import actions, desktop
    from halsocenter.live import read as live_read
    from xlwings_payload import book_payload

    _, config, made, _, _ = county
    book = xw.Book(json=book_payload(made["Lillby", 2024]))
    data = live_read.read_book(book)
    region = read_region_file(config).without_population()
    assert data.region == region
    assert data.tables["styrgrupp"].header("folkhalsa") == "Folkhälsoenheten Fjällmark"
    assert actions.book_region(book) == region
    text = actions.help_text(desktop.DESKTOP, actions.book_region(book))
    assert "Folkhälsoenheten Fjällmark, Region Fjällmark" in text
    assert not FORBIDDEN.search(text)


def test_the_county_report_is_the_regions_with_the_same_rates(county):
    """The county report of the region: its names, the workbook's rates per 1 000 inhabitants
    and the first year from the archive; nothing of Jönköping."""
    import docx

    root, _, _, _, out = county
    report = root / "rapport_2024.docx"
    document = docx.Document(str(report))
    assert document.core_properties.title == "Hälsocenter i Fjällmarks län – 2024"
    assert not FORBIDDEN.search(texts_of(report))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "3 av 4 kommuner har rapporterat för 2024." in text
    assert "Från Norrvik har ingen rapport kommit in." in text
    table = next(t for t in document.tables if len(t.columns) == 9)
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[2:]}
    top = sheet(out, "Översikt")
    start = next(i for i, r in enumerate(top) if r and r[0] == "Kommun")
    header = [str(h).replace("-\n", "").replace("\n", " ") for h in top[start]]
    col = header.index("Remisser och kontakter per 1 000 invånare")
    for r in top[start + 1:start + 6]:
        if r[0] in (*REPORTED_2024, "Länet"):
            shown = rows[r[0]][2].replace(",", ".")
            assert float(shown) == pytest.approx(round(r[col], 1)), r[0]
    trend = next(t for t in document.tables if t.rows[0].cells[0].text == "År")
    years = [r.cells[0].text for r in trend.rows[1:]]
    assert "2023" in years and "2024" in years
