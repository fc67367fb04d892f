"""halsocenter in real Pyodide, installed the way the README tells a coach to.

``scripts/pyodide-env`` prepares Pyodide (npm ``pyodide``, the release xlwings Lite runs) and the
wheels PyPI has for it: xlwings' and python-calamine's Pyodide wheels and the pure ones. The test
builds this package's wheel, serves it at a local address as the region serves it (with the CORS
header micropip needs in a browser), serves the other wheels as a package index, and runs
``tests/pyodide/run.mjs`` under Node:

* micropip resolves and installs exactly the ``requirements.txt`` lines the coach pastes
  (``core.lite_setup``), with the address pointing here;
* ``import halsocenter.lite``, the script list and every script run on an example workbook's
  payload, and are compared with CPython;
* the notes and threaded comments are read through a stand-in for Lite's JavaScript client.

numpy, pandas, lxml, matplotlib and Pyodide's other own builds come from Pyodide's server in real
Lite and are on no registry reachable here. micropip resolves them from Pyodide's lock file (as
stand-ins with its versions) and they are then missing for real: the scripts that need them are
listed as not run, and each ends in the Swedish message a coach gets when the server is blocked.
"""

from __future__ import annotations

import copy
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from halsocenter.core import lite_setup as L
from halsocenter.live import actions as A

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "pyodide"
pytestmark = [pytest.mark.pyodide, pytest.mark.slow]

SCRIPTS = {"knapp1_kontrollera": A.KONTROLLERA, "knapp2_arssammanstallning": A.ARSSAMMANSTALLNING,
           "knapp3_word_rapport": A.WORD_RAPPORT, "knapp4_exportera": A.EXPORTERA,
           "knapp5_nytt_verksamhetsar": A.NYTT_VERKSAMHETSAR, "knapp6_hjalp": A.HJALP}  # fmt: skip
FROM_INDEX = {"halsocenter", "xlwings", "python-calamine", "openpyxl", "et-xmlfile", "python-docx",
              "docxtpl"}  # fmt: skip
NOTE = "Ring 19121212-1212 om tiden"
THREAD = ["Bra idé", "Nej, ring 19121212-1212 först"]


@pytest.fixture(scope="module")
def pyodide_dir() -> Path:
    """The folder ``scripts/pyodide-env`` prepares (quick once it is there). In CI a missing
    Pyodide is a failure; elsewhere, without node or npm, the tests are skipped."""
    if not (shutil.which("node") and shutil.which("npm")):
        if os.environ.get("CI"):
            pytest.fail("node och npm saknas (.ci/run installerar dem)")
        pytest.skip("node och npm saknas: testerna i riktig Pyodide körs inte")
    proc = subprocess.run([str(ROOT / "scripts" / "pyodide-env")], capture_output=True, text=True,
                          timeout=900)  # fmt: skip
    if proc.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(proc.stderr[-2000:])
        pytest.skip(f"scripts/pyodide-env misslyckades: {proc.stderr[-500:]}")
    return Path(proc.stdout.strip().splitlines()[-1])


class _CorsHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the header a region's server sends so that xlwings Lite may fetch."""

    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(pyodide_dir, tmp_path_factory) -> dict:
    """This package's wheel at ``/lite/`` (the region's address) and the other wheels as a
    simple index at ``/simple/<name>/``, on this machine's loopback address only."""
    root = tmp_path_factory.mktemp("served")
    lite_dir, simple = root / "lite", root / "simple"
    lite_dir.mkdir()
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                           "--outdir", str(lite_dir), str(ROOT)], capture_output=True, text=True,
                          timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheels = sorted((pyodide_dir / "wheels").glob("*.whl"))
    for wheel in wheels:
        name = wheel.name.split("-")[0].lower().replace("_", "-")
        folder = simple / name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(wheel, folder)
        links = "".join(f'<a href="{w.name}">{w.name}</a>' for w in sorted(folder.glob("*.whl")))
        (folder / "index.html").write_text(f"<html><body>{links}</body></html>", "utf-8")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_CorsHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield {"base": base, "address": f"{base}/lite/", "index": f"{base}/simple/{{package_name}}/",
           "wheels": {w.name: w for w in wheels},
           "wheel": next(lite_dir.glob("*.whl"))}  # fmt: skip
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def payload(examples) -> dict:
    """The example workbook as xlwings Lite sends it, with a note on Remisser B3."""
    from xlwings_payload import book_payload

    path = next(p for p in examples if p.name == "Vaggeryd_2023.xlsx")
    data = book_payload(path)
    for sheet in data["sheets"]:
        if sheet["name"] == "Remisser":
            sheet["notes"] = [{"address": "B3"}]
    return data


def run_pyodide(pyodide_dir: Path, served: dict, payload: dict, requirements: list[str],
                tmp: Path) -> dict:  # fmt: skip
    wheels = served["wheels"]
    calamine = next(n for n in wheels if n.startswith("python_calamine-"))
    (tmp / "payload.json").write_text(json.dumps(payload), encoding="utf-8")
    config = {
        "pyodide_dir": str(pyodide_dir), "payload": str(tmp / "payload.json"),
        "bootstrap_wheels": [str(wheels[n]) for n in sorted(wheels)
                             if n.startswith(("packaging-", "micropip-"))],
        "index_urls": [served["index"]],
        "preinstall": [f"{served['base']}/simple/python-calamine/{calamine}"],
        "requirements": requirements,
        "notes": {"Remisser!B3": NOTE}, "comments": {"Plan!B2": THREAD},
    }  # fmt: skip
    (tmp / "config.json").write_text(json.dumps(config), encoding="utf-8")
    proc = subprocess.run(["node", str(HERE / "run.mjs"), str(tmp / "config.json")],
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    log = "\n".join(line[:300] for line in proc.stderr.splitlines() if "wasm-function" not in line)
    assert proc.returncode == 0, log[-4000:]
    line = next(s for s in proc.stdout.splitlines() if s.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


@pytest.fixture(scope="module")
def latest(pyodide_dir, served, payload, tmp_path_factory) -> dict:
    """The coach's pasted lines, as they are."""
    return run_pyodide(pyodide_dir, served, payload, L.requirements_lines(served["address"]),
                       tmp_path_factory.mktemp("latest"))  # fmt: skip


@pytest.fixture(scope="module")
def floor(pyodide_dir, served, payload, tmp_path_factory) -> dict:
    """The lowest xlwings the package and the pasted lines allow."""
    lines = [f"xlwings=={L.XLWINGS_FLOOR}", L.wheel_url(served["address"])]
    return run_pyodide(pyodide_dir, served, payload, lines, tmp_path_factory.mktemp("floor"))


@pytest.fixture(scope="module")
def cpython(payload) -> dict:
    """The same in CPython: the script list and every script's actions."""
    import asyncio

    import xlwings as xw
    from xlwings.pro.udfs_officejs import custom_scripts_call, custom_scripts_meta

    from halsocenter.live import lite

    out = {"meta": custom_scripts_meta(lite), "actions": {}}
    for name in SCRIPTS:
        book = xw.Book(json=copy.deepcopy(payload))
        asyncio.run(custom_scripts_call(lite, name, typehint_to_value={xw.Book: book}))
        out["actions"][name] = book.json()["actions"]
    return out


def pyodide_lock(pyodide_dir: Path) -> dict:
    path = pyodide_dir / "node_modules" / "pyodide" / "pyodide-lock.json"
    return json.loads(path.read_text(encoding="utf-8"))["packages"]


def from_cdn(run: dict) -> set[str]:
    return {name for name, info in run["resolved"].items() if info["source"] == "pyodide-cdn"}


# --------------------------------------------------------------------------- installing


def test_the_pasted_requirements_resolve_with_micropip_in_pyodide(latest, served, pyodide_dir):
    assert latest["platform"] == "emscripten" and latest["python"].startswith("3.14")
    resolved = latest["resolved"]
    assert resolved["halsocenter"]["source"] == L.wheel_url(served["address"])
    assert served["wheel"].name == L.wheel_name()
    assert resolved["xlwings"]["source"].startswith(f"{served['base']}/simple/xlwings/xlwings-")
    assert resolved["xlwings"]["source"].endswith("pyemscripten_2026_0_wasm32.whl")
    lock_file = (ROOT / "requirements" / "ci.txt").read_text(encoding="utf-8")
    assert f"xlwings=={resolved['xlwings']['version']} " in lock_file  # the locked latest
    assert set(resolved) - from_cdn(latest) == FROM_INDEX
    lock = pyodide_lock(pyodide_dir)
    assert {"pandas", "lxml", "matplotlib", "jinja2"} <= from_cdn(latest)
    for name in from_cdn(latest):
        assert resolved[name]["version"] == lock[name]["version"], name
    assert latest["mocks_left"] == []  # really missing when the scripts run:
    assert not any(latest["importable"][m] for m in ("numpy", "pandas", "lxml", "matplotlib"))
    assert all(latest["importable"][m] for m in ("xlwings", "openpyxl", "docx", "docxtpl"))
    assert latest["python_calamine"] == "0.9.1" and latest["calamine_loads"]


def test_next_years_workbook_in_lite_would_name_the_same_address(latest, served):
    assert latest["installed_address"] == served["address"]


# --------------------------------------------------------------------------- running


def test_import_and_the_script_list_match_cpython(latest, cpython):
    assert latest["xlwings"] == latest["resolved"]["xlwings"]["version"]
    assert latest["heavy_at_import"] == []
    assert latest["meta"] == cpython["meta"]


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_each_script_runs_as_in_cpython_where_its_libraries_are_here(script, latest, cpython):
    button = SCRIPTS[script]
    lacking = [A.DISTRIBUTIONS.get(m, m) for m in button.needs if not latest["importable"][m]]
    if lacking:
        pytest.skip(f"{button.label} kördes inte i Pyodide: behöver {', '.join(lacking)} från "
                    "Pyodides server")  # fmt: skip
    assert latest["actions"][script] == cpython["actions"][script]


def test_without_pyodides_own_builds_every_other_button_ends_in_one_swedish_alert(latest):
    for script, button in SCRIPTS.items():
        actions = latest["actions"][script]
        if not button.needs:
            continue
        assert [a["func"] for a in actions] == ["alert"], script
        message, _, _, mode, _ = actions[0]["args"]
        assert mode == "critical" and message.startswith(f"{button.label} kan inte köras: ")
        assert "numpy" in message and "pandas" in message and "Restart" in message
        assert "Traceback" not in message
    assert latest["data"] == []


def test_notes_and_replies_are_read_through_lites_client(latest):
    texts = dict(map(tuple, latest["comments"]["texts"]))
    assert texts["Remisser, anteckning i cell B3"] == NOTE
    assert texts["Plan, kommentar i cell B2"] == "\n".join(THREAD)
    assert latest["comments"]["unread"] == []
    assert {"getNoteText", "getComments", "getCommentReplyText"} <= set(latest["client_calls"])


def test_the_xlwings_floor_runs_the_scripts_in_pyodide(floor, cpython):
    assert floor["xlwings"] == L.XLWINGS_FLOOR
    assert floor["meta"] == cpython["meta"]
    assert floor["actions"]["knapp6_hjalp"] == cpython["actions"]["knapp6_hjalp"]
    for script, button in SCRIPTS.items():
        if button.needs:
            (message, *_), = [a["args"] for a in floor["actions"][script]]
            assert message.startswith(f"{button.label} kan inte köras: ")
    # xlwings 0.37.2 has no awaited calls for notes' and comments' text: said, not guessed
    assert floor["comments"]["texts"] == [] and floor["comments"]["unread"]
