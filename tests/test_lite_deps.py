"""A library that cannot load ends every button in one Swedish alert, never in a traceback.

In xlwings Lite, numpy, pandas, lxml and matplotlib come from Pyodide's server; a blocked server
leaves them missing while the buttons still appear. Each button names what it needs
(``Button.needs``): held here to what it really imports, one fresh interpreter per button, and
then each library is taken away (not installed, or installed but failing to load) while every
script runs as Lite runs it. python-calamine and the file opener load only where a file is read,
which Lite never does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from halsocenter.live import actions as A
from halsocenter.live import lite
from xlwings_payload import book_payload

HEAVY = {"numpy", "pandas", "openpyxl", "lxml", "docx", "docxtpl", "jinja2", "markupsafe",
         "matplotlib", "PIL", "python_calamine"}  # fmt: skip
"""Libraries the package imports directly that are large, compiled, or a Pyodide build."""
SCRIPTS = {name: getattr(A, button) for name, button in (
    ("knapp1_kontrollera", "KONTROLLERA"), ("knapp2_arssammanstallning", "ARSSAMMANSTALLNING"),
    ("knapp3_word_rapport", "WORD_RAPPORT"), ("knapp4_exportera", "EXPORTERA"),
    ("knapp4b_exportera_preliminart", "EXPORTERA_PRELIMINART"),
    ("knapp5_nytt_verksamhetsar", "NYTT_VERKSAMHETSAR"), ("knapp6_hjalp", "HJALP"))}  # fmt: skip

CHILD = r"""
import asyncio, copy, importlib.abc, importlib.machinery, json, os, sys

block, how = os.environ.get("HC_BLOCK", ""), os.environ.get("HC_HOW", "absent")

class Blocker(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    # 'absent': as if not installed; 'broken': found, but loading it fails
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] != block:
            return None
        if how == "absent":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return importlib.machinery.ModuleSpec(name, self)
    def create_module(self, spec):
        return None
    def exec_module(self, module):
        raise ImportError(f"DLL load failed while importing {module.__name__}",
                          name=module.__name__)

if block:
    sys.meta_path.insert(0, Blocker())

import xlwings as xw
from xlwings.pro.udfs_officejs import custom_scripts_call
from lite_client import LiteClient, install_lite_client
install_lite_client(LiteClient())

out_preloaded = sorted({m.split(".")[0] for m in sys.modules})  # by xlwings, if installed
import halsocenter.lite as lite
payload = json.load(open(os.environ["HC_PAYLOAD"], encoding="utf-8"))
out = {"scripts": {}, "imported": {}, "preloaded": out_preloaded}
loop = asyncio.new_event_loop()
for name in json.loads(os.environ["HC_SCRIPTS"]):
    seen = set(sys.modules)
    book = xw.Book(json=copy.deepcopy(payload))
    loop.run_until_complete(custom_scripts_call(lite, name, typehint_to_value={xw.Book: book}))
    out["scripts"][name] = book.json()["actions"]
    out["imported"][name] = sorted({m.split(".")[0] for m in set(sys.modules) - seen})
out["data"] = sorted(os.listdir(os.environ["HALSOCENTER_DATA_DIR"]))
print("RESULT" + json.dumps(out, default=str))
"""


def run_child(example: Path, root: Path, scripts: list[str], **env: str) -> dict:
    root.mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir()
    payload = root / "payload.json"
    payload.write_text(json.dumps(book_payload(example)), encoding="utf-8")
    full = {k: v for k, v in os.environ.items() if k != "HALSOCENTER_DEBUG"}
    full.update(HALSOCENTER_DATA_DIR=str(root / "data"), HC_PAYLOAD=str(payload),
                HC_SCRIPTS=json.dumps(scripts), HOME=str(root), MPLCONFIGDIR=str(root / "mpl"),
                XLWINGS_LICENSE_KEY="noncommercial",
                PYTHONPATH=os.pathsep.join([str(Path(__file__).parent),
                                            *filter(None, [os.environ.get("PYTHONPATH")])]),
                **env)  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=root, env=full, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(s for s in proc.stdout.splitlines() if s.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


@pytest.fixture(scope="module")
def example(examples) -> Path:
    return next(p for p in examples if p.name == "Vaggeryd_2023.xlsx")


def test_the_scripts_are_the_buttons():
    assert sorted(SCRIPTS) == sorted(lite.__all__)
    # the desktop's buttons, and Lite's own for a preliminary export (its alerts cannot ask)
    assert {b.label for b in SCRIPTS.values()} == {b.label for b in (*A.BUTTONS,
                                                                     A.EXPORTERA_PRELIMINART)}


@pytest.mark.slow
@pytest.mark.parametrize("script", list(SCRIPTS))
def test_each_button_names_exactly_the_libraries_it_imports(script, example, tmp_path):
    """A fresh interpreter per button: every library it names is used (imported by it, or by
    xlwings before it, which loads numpy and pandas when they are there), and it imports no
    other heavy library except lxml, which openpyxl loads when it finds it and does without
    (``test_with_a_library_blocked…[lxml]``). No button loads python-calamine."""
    run = run_child(example, tmp_path, [script])
    imported = set(run["imported"][script]) & HEAVY
    needs = set(SCRIPTS[script].needs)
    assert needs <= imported | set(run["preloaded"]), script
    assert imported - needs <= ({"lxml"} if "openpyxl" in needs else set()), script
    assert "python_calamine" not in imported
    message = run["scripts"][script][-1]["args"][0]
    assert "kan inte köras" not in message and "Något gick fel" not in message


def expect_missing(run: dict, library: str, package: str) -> None:
    for script, button in SCRIPTS.items():
        actions = run["scripts"][script]
        (last,) = [a for a in actions if a["func"] == "alert"]
        message, _, _, mode, _ = last["args"]
        assert "Traceback" not in message and "Något gick fel" not in message, (script, message)
        if library in button.needs:
            assert [a["func"] for a in actions] == ["alert"], script  # nothing else done
            assert mode == "critical" and message.startswith(f"{button.label} kan inte köras")
            assert package in message and "Restart" in message, message
        else:
            assert "kan inte köras" not in message, (script, message)


@pytest.mark.slow
@pytest.mark.parametrize(("library", "package", "how"), [
    ("numpy", "numpy", "absent"),
    ("lxml", "lxml", "absent"),
    ("docx", "python-docx", "absent"),
    ("pandas", "pandas", "broken"),
])  # fmt: skip
def test_with_a_library_blocked_every_button_ends_in_one_swedish_alert(library, package, how,
                                                                       example, tmp_path):  # fmt: skip
    run = run_child(example, tmp_path, list(SCRIPTS), HC_BLOCK=library, HC_HOW=how)
    expect_missing(run, library, package)
    wrote = {f for f in run["data"] if f != A.LOG_NAME}
    expected = {"knapp3_word_rapport": "Vaggeryd_2023_verksamhetsberattelse.docx",
                "knapp4_exportera": "Halsocenter_Vaggeryd_2023.xlsx",
                "knapp5_nytt_verksamhetsar": "Vaggeryd_2024.xlsx"}  # fmt: skip
    assert wrote == {f for s, f in expected.items() if library not in SCRIPTS[s].needs}


@pytest.mark.slow
def test_without_python_calamine_every_button_still_works(example, tmp_path):
    """Lite reads the open book, never a file: calamine is not needed for any button."""
    run = run_child(example, tmp_path, list(SCRIPTS), HC_BLOCK="python_calamine")
    for script, actions in run["scripts"].items():
        message = [a for a in actions if a["func"] == "alert"][-1]["args"][0]
        assert "kan inte köras" not in message and "Något gick fel" not in message, script
    assert len(run["data"]) == 3


def test_the_message_names_packages_as_they_are_installed():
    host = lite.LITE
    one = A.missing_message(host, "Word-rapport", ["docx"])
    assert one.startswith("Word-rapport kan inte köras: Python-paketet python-docx gick inte")
    two = A.missing_message(host, "Kontrollera", ["numpy", "pandas", "PIL"])
    assert "Python-paketen numpy, pandas och pillow" in two and "Restart" in two
    assert A.missing(["json", "no_such_module_here", "no.such"]) == ["no_such_module_here",
                                                                     "no.such"]  # fmt: skip


def test_the_fallback_mask_hides_every_digit_run_that_could_be_a_number(monkeypatch):
    from halsocenter.core.privacy import find_identifiers

    text = "Fel i cell B3: 19121212-1212, 121212 1212, 1212121212, 12121212+1212 och 12 st."
    assert len(find_identifiers(text)) >= 3
    masked = A.mask_digits(text)
    assert not find_identifiers(masked) and "12 st" in masked and "B3" in masked
    monkeypatch.setitem(sys.modules, "halsocenter.core.privacy", None)  # cannot be imported
    assert A.mask(text) == masked


def test_the_fallback_mask_hides_every_written_form_the_guard_knows():
    from halsocenter.core.privacy import find_identifiers
    from privacy_builders import numbers, written_forms

    for number in numbers(60):
        for form, text in written_forms(number).items():
            line = f"Remisser, rad 4: {text} (kolumn Kommentar)"
            if find_identifiers(line):
                assert not find_identifiers(A.mask_digits(line)), (form, text)
