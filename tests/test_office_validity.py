"""Every file the product writes is valid for Excel and Word: schemas, packaging, VBA container.

One session fixture runs the demo's pipeline (``scripts/demo``: summary, Word report and export
for each example workbook, the county workbook, the add-in) plus new-workbook, rollover, upgrade
and a summary of a workbook authored by Excel itself, into a temporary folder. Each output is then
checked by ``tests/ooxml`` (schemas after markup compatibility, OPC structure, SpreadsheetML and
WordprocessingML rules, [MS-CFB] for the VBA project). The committed template, the example
workbooks and the Word template are checked as they are.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from coach_mistakes import write_mistaken
from conftest import EXAMPLES, ROOT, TEMPLATE
from halsocenter.cli import main
from halsocenter.xlsx.package import write_with_sheets
from ooxml import validate_package

FIXTURES = Path(__file__).parent / "fixtures"
EXCEL_AUTHORED = FIXTURES / "excel" / "dataValidationTableRange.xlsx"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.xlsx"))
CHART_STYLE_PARTS = {"xl/charts/style1.xml", "xl/charts/colors1.xml"}
"""Office 2013 chart style parts of the Excel-authored fixture: no schema is vendored for them."""


def _run(*args: str) -> None:
    code = main([str(a) for a in args])
    assert code in (0, 1), f"halsocenter {' '.join(map(str, args))} gav slutkod {code}"


@pytest.fixture(scope="session")
def outputs(tmp_path_factory) -> dict[str, Path]:
    """What the demo and the other writing commands produce, by a readable id."""
    out = tmp_path_factory.mktemp("office")
    exports = out / "till_regionen"
    exports.mkdir()
    made: dict[str, Path] = {}
    for name in EXAMPLE_NAMES:
        wb = EXAMPLES / f"{name}.xlsx"
        made[f"summary:{name}"] = out / f"{name}_sammanstallning.xlsx"
        _run("summary", wb, "-o", made[f"summary:{name}"])
        made[f"report:{name}"] = out / f"{name}_verksamhetsberattelse.docx"
        _run("report", wb, "-o", made[f"report:{name}"])
        _run("export", wb, "-o", exports)
    for path in sorted(exports.glob("*.xlsx")):
        made[f"export:{path.stem}"] = path
    made["region"] = out / "Lanet_sammanstallning.xlsx"
    made["region:report"] = out / "Lanet_rapport.docx"
    _run("region", exports, "-o", made["region"], "--rapport", made["region:report"])
    coach_books = out / "arbetsbocker"
    shutil.copytree(EXAMPLES, coach_books)
    made["region:workbooks"] = out / "Lanet_fran_arbetsbocker.xlsx"
    _run("region", coach_books, "-o", made["region:workbooks"])
    made["addin"] = out / "halsocenter.xlam"
    _run("addin", "build", "-o", made["addin"])
    made["new-workbook"] = out / "Habo_2026.xlsx"
    _run("new-workbook", made["new-workbook"], "--kommun", "Habo", "--ar", "2026")
    made["rollover"] = out / "Vaggeryd_2024_fran_2023.xlsx"
    _run("rollover", EXAMPLES / "Vaggeryd_2023.xlsx", "-o", made["rollover"])
    made["upgrade"] = out / "uppgraderad.xlsx"
    _run("upgrade", FIXTURES / "mall_v0.xlsx", "-o", made["upgrade"])
    made["summary:rollover"] = out / "rollover_sammanstallning.xlsx"
    _run("summary", made["rollover"], "-o", made["summary:rollover"])
    # A workbook saved by Excel (tables, data validations, a chart, x14/x15 extensions) that a
    # coach pasted the Hälsocenter sheets into, then summarised: Excel's own parts must survive.
    made["excel-authored"] = out / "excel_med_halsocenter.xlsx"
    write_with_sheets(EXCEL_AUTHORED, EXAMPLES / "Vaggeryd_2023.xlsx", made["excel-authored"])
    made["summary:excel-authored"] = out / "excel_med_halsocenter_sammanstallning.xlsx"
    _run("summary", made["excel-authored"], "-o", made["summary:excel-authored"])
    # A workbook with errors left: the banner, the marked report, the marked export, the county
    # that marks it.
    mistaken = write_mistaken(out / "preliminar" / "Vaggeryd_2024.xlsx")
    made["summary:preliminar"] = out / "preliminar_sammanstallning.xlsx"
    _run("summary", mistaken, "-o", made["summary:preliminar"])
    made["report:preliminar"] = out / "preliminar_verksamhetsberattelse.docx"
    _run("report", mistaken, "-o", made["report:preliminar"])
    preliminary = out / "preliminar_export"
    _run("export", mistaken, "-o", preliminary, "--preliminar")
    made["export:preliminar"] = next(preliminary.glob("*.xlsx"))
    shutil.copy(exports / "Halsocenter_Eksjö_2024.xlsx", preliminary)
    made["region:preliminar"] = out / "Lanet_preliminar.xlsx"
    _run("region", preliminary, "-o", made["region:preliminar"])
    return made


OUTPUT_IDS = ([f"{kind}:{name}" for name in EXAMPLE_NAMES for kind in ("summary", "report")]
              + ["region", "region:report", "region:workbooks", "addin", "new-workbook",
                 "rollover", "upgrade", "summary:rollover", "excel-authored",
                 "summary:excel-authored", "summary:preliminar", "report:preliminar",
                 "export:preliminar", "region:preliminar"])


def _problems(path: Path, allowed_skips: set[str] = frozenset()) -> list[str]:
    skipped: list[str] = []
    problems = [str(p) for p in validate_package(path, skipped)]
    unexpected = [s for s in skipped if s not in allowed_skips and not s.startswith("customUI/")]
    return problems + [f"{s}: not validated" for s in unexpected]


@pytest.mark.slow
@pytest.mark.parametrize("output", OUTPUT_IDS)
def test_output_is_valid_for_office(outputs, output):
    path = outputs[output]
    allowed = CHART_STYLE_PARTS if "excel-authored" in output else set()
    assert _problems(path, allowed) == []


@pytest.mark.slow
def test_export_files_are_valid_for_office(outputs):
    exports = [p for k, p in outputs.items() if k.startswith("export:")]
    assert len(exports) == len(EXAMPLE_NAMES) + 1  # and the preliminary one
    for path in exports:
        assert _problems(path) == [], path.name


@pytest.mark.parametrize("path", [TEMPLATE, ROOT / "workbook_template" / "rapportmall.docx",
                                  ROOT / "workbook_template" / "lansrapport.docx",
                                  *sorted(EXAMPLES.glob("*.xlsx"))], ids=lambda p: p.name)
def test_committed_files_are_valid_for_office(path):
    assert _problems(path) == []


def test_the_excel_authored_fixture_is_valid_and_really_from_excel():
    """The reference point: what Excel itself writes passes the same checks."""
    with zipfile.ZipFile(EXCEL_AUTHORED) as zf:
        app = zf.read("docProps/app.xml").decode()
        names = zf.namelist()
        sheets = [zf.read(n) for n in names if n.startswith("xl/worksheets/sheet")]
    assert "<Application>Microsoft Excel</Application>" in app
    assert any(n.startswith("xl/tables/") for n in names)
    assert any(n.startswith("xl/charts/chart") for n in names)
    assert any(b"<dataValidations" in s for s in sheets)
    assert _problems(EXCEL_AUTHORED, CHART_STYLE_PARTS) == []


@pytest.mark.slow
def test_summary_of_an_excel_workbook_lists_the_new_sheets_in_app_xml(outputs):
    with zipfile.ZipFile(outputs["summary:excel-authored"]) as zf:
        app = zf.read("docProps/app.xml").decode()
    for sheet in ("County Ranking", "Start", "Årssammanställning", "Kontroll", "Rapportdata"):
        assert f"<vt:lpstr>{sheet}</vt:lpstr>" in app
    # Excel's other group (its named ranges) is kept as it was
    assert "<vt:lpstr>Named Ranges</vt:lpstr>" in app
