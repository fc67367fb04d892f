"""halsocenter.lite keeps to what Pyodide (xlwings Lite's Python) can do.

Pyodide lacks or cannot run some of the standard library: no subprocesses, no threads, no
multiprocessing, no signal handlers, no ctypes libraries, and no windowing or terminal modules;
files live in an in-memory file system where only ``/data`` reaches the coach. Two checks:

* statically, over the package's own import graph: nothing the Lite path can import (at load
  time or inside a function) imports a module Pyodide lacks or cannot run, and loading
  ``halsocenter.lite`` imports none of the heavy libraries (they load when a button runs);
* dynamically, in a fresh interpreter that refuses what Pyodide refuses (an audit hook and the
  thread/signal entry points): import the module, run every script on the remote engine on a
  real example workbook, and see that nothing was written outside the data folder and the
  temporary folder and that HOME and the working folder are untouched.

The run in real Pyodide, installed as the coach installs it, is ``test_pyodide_runtime.py``; it
cannot run the buttons that need Pyodide's own builds (numpy, pandas, lxml), which this run
does in CPython.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlwings_payload import book_payload

PKG_DIR = Path(__file__).resolve().parents[1] / "addin" / "halsocenter"
LITE = "halsocenter.lite"

FORBIDDEN = {
    # Pyodide cannot run these (processes, threads, signals, native libraries, sockets)
    "subprocess", "multiprocessing", "threading", "_thread", "concurrent", "ctypes", "signal",
    "socket", "socketserver", "selectors", "asyncio.subprocess",
    # ... and has removed these or cannot import them
    "curses", "dbm", "ensurepip", "idlelib", "lib2to3", "tkinter", "turtle", "turtledemo",
    "venv", "pty", "tty", "termios", "fcntl", "resource", "readline", "webbrowser", "winreg",
    "msvcrt", "pywintypes", "win32com",
}  # fmt: skip
HEAVY = {"pandas", "numpy", "openpyxl", "docx", "docxtpl", "matplotlib", "lxml",
         "python_calamine", "jinja2", "rich", "olefile"}  # fmt: skip
"""Loaded when a button needs them, never by importing halsocenter.lite."""


# --------------------------------------------------------------------------- the import graph


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _module_of(name: str) -> Path | None:
    rel = name.split(".")[1:]
    for path in (PKG_DIR.joinpath(*rel).with_suffix(".py"), PKG_DIR.joinpath(*rel, "__init__.py")):
        if path.is_file():
            return path
    return None


def imports_of(module: str) -> tuple[set[str], set[str]]:
    """(imported at load time, imported anywhere) by ``module``, as absolute names; code under
    ``if TYPE_CHECKING:`` is never run and not counted."""
    path = _module_of(module)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    eager: set[str] = set()
    every: set[str] = set()

    def names(node) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            parts = parts[: len(parts) - node.level + 1]
            base = ".".join(parts + ([node.module] if node.module else []))
        out = [base]
        out += [f"{base}.{a.name}" for a in node.names if _module_of(f"{base}.{a.name}")]
        return out

    def walk(nodes, top: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                walk(node.orelse, top)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                found = names(node)
                every.update(found)
                if top:
                    eager.update(found)
            else:  # a function body runs later; a class body runs at import
                runs_now = not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                 ast.Lambda))  # fmt: skip
                walk(list(ast.iter_child_nodes(node)), top and runs_now)

    walk(ast.parse(path.read_text(encoding="utf-8")).body, True)
    return eager, every


def closure(start: str, *, eager_only: bool) -> tuple[set[str], set[str]]:
    """(package modules reached from ``start``, external modules they import)."""
    seen, external, todo = set(), set(), [start]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        eager, every = imports_of(module)
        for name in eager if eager_only else every:
            if name.split(".")[0] == "halsocenter":
                if _module_of(name):
                    todo.append(name)
            elif name != "__future__":
                external.add(name)
    return seen, external


def _hits(modules: set[str], banned: set[str]) -> set[str]:
    return {m for m in modules if any(m == b or m.startswith(b + ".") for b in banned)}


def test_nothing_on_the_lite_path_imports_what_pyodide_cannot_run():
    modules, external = closure(LITE, eager_only=False)
    assert {"halsocenter.live.read", "halsocenter.live.write", "halsocenter.report.document",
            "halsocenter.region.export", "halsocenter.xlsx.rollover"} <= modules  # the check sees them
    assert not _hits(external, FORBIDDEN), sorted(_hits(external, FORBIDDEN))
    # the desktop-only and region-only code never comes along
    assert not modules & {"halsocenter.cli", "halsocenter.xlam.build", "halsocenter.region.consolidate",
                          "halsocenter.live.desktop"}  # fmt: skip


def test_loading_the_lite_module_imports_no_heavy_library():
    modules, external = closure(LITE, eager_only=True)
    assert not _hits(external, HEAVY), sorted(_hits(external, HEAVY))
    assert "halsocenter.xlsx.read" not in modules and "halsocenter.live.read" not in modules


def test_the_graph_check_can_fail():
    """The same checks on the command line, which has a thread pool and rich, find them."""
    _, every = closure("halsocenter.cli", eager_only=False)
    assert "concurrent.futures" in _hits(every, FORBIDDEN)
    assert _hits(every, {"rich"})
    _, eager = closure("halsocenter.excel", eager_only=True)
    assert {"pandas", "numpy"} <= _hits(eager, HEAVY)


# --------------------------------------------------------------------------- a Pyodide-like run

CHILD = r"""
import asyncio, copy, json, os, sys, tempfile

out = {"violations": [], "new_heavy": []}
heavy = set(json.loads(os.environ["HC_HEAVY"]))
allowed = [os.path.realpath(os.environ["HALSOCENTER_DATA_DIR"]),
           os.path.realpath(tempfile.gettempdir())]

import xlwings as xw  # Lite has xlwings (and what it loads) before main.py runs
from xlwings.pro.udfs_officejs import custom_scripts_call, custom_scripts_meta

def outside(path):
    if isinstance(path, int) or path is None:
        return False
    p = os.path.realpath(os.fsdecode(path))
    return not any(p == a or p.startswith(a + os.sep) for a in allowed)

WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
NO_PROCESS = {"subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn",
              "os.fork", "os.forkpty", "ctypes.dlopen", "_thread.start_new_thread"}

def audit(event, args):
    if event == "open":
        path, mode, flags = args
        writing = (mode is not None and any(c in mode for c in "wax+")) or (
            mode is None and flags is not None and flags & WRITE)
        if writing and outside(path):
            out["violations"].append(f"open {path} {mode}")
    elif event in ("os.rename", "os.replace", "os.link", "os.symlink"):
        if outside(args[1]):
            out["violations"].append(f"{event} -> {args[1]}")
    elif event in ("os.remove", "os.rmdir", "os.mkdir", "os.truncate", "os.chmod", "os.utime"):
        if outside(args[0]):
            out["violations"].append(f"{event} {args[0]}")
    elif event in NO_PROCESS:
        out["violations"].append(event)

import signal, threading

def refuse(what):
    def no(*a, **k):
        out["violations"].append(what)
        raise RuntimeError(f"{what}: not available in Pyodide")
    return no

before = set(sys.modules)
sys.addaudithook(audit)
threading.Thread.start = refuse("threading.Thread.start")
signal.signal = refuse("signal.signal")

from lite_client import LiteClient, install_lite_client
install_lite_client(LiteClient())  # Lite's client gives notes' and comments' text

import halsocenter.lite as lite
out["new_heavy"] = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in heavy)
out["meta"] = [m["name"] for m in custom_scripts_meta(lite)]

def listing(folder):
    return sorted(os.path.relpath(os.path.join(d, f), folder)
                  for d, _, files in os.walk(folder) for f in files)

home, cwd = os.environ["HOME"], os.getcwd()
out["home_before"], out["cwd_before"] = listing(home), listing(cwd)
if os.environ.get("HC_ESCAPE"):  # the self-test: what the hooks must catch
    open(os.path.join(home, "cache.txt"), "w").close()
    try:
        threading.Thread(target=print).start()
    except RuntimeError:
        pass
payload = json.load(open(os.environ["HC_PAYLOAD"], encoding="utf-8"))
out["actions"] = {}
loop = asyncio.new_event_loop()  # as Pyodide's loop: asyncio.run would add a SIGINT handler
for m in [] if os.environ.get("HC_ESCAPE") else custom_scripts_meta(lite):
    for press in (1, 2):  # a second press is the coach's confirmation, where it is asked for
        book = xw.Book(json=copy.deepcopy(payload))
        loop.run_until_complete(custom_scripts_call(lite, m["function_name"],
                                                    typehint_to_value={xw.Book: book}))
        actions = book.json()["actions"]
        if "en gång till inom" not in actions[-1]["args"][0]:
            break
    out["actions"][m["function_name"]] = actions
out["home_after"], out["cwd_after"] = listing(home), listing(cwd)
out["data"] = listing(os.environ["HALSOCENTER_DATA_DIR"])
print("RESULT" + json.dumps(out, default=str))
"""


def run_like_pyodide(example: Path, root: Path, **extra: str) -> dict:
    dirs = {name: root / name for name in ("data", "home", "cwd", "tmp")}
    for d in dirs.values():
        d.mkdir()
    payload = root / "payload.json"
    payload.write_text(json.dumps(book_payload(example)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "XDG_"))}
    env.update(HOME=str(dirs["home"]), TMPDIR=str(dirs["tmp"]),
               HALSOCENTER_DATA_DIR=str(dirs["data"]), HC_PAYLOAD=str(payload),
               HC_HEAVY=json.dumps(sorted(HEAVY)), PYTHONDONTWRITEBYTECODE="1",
               XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial",
               PYTHONPATH=os.pathsep.join([str(Path(__file__).parent),
                                           *filter(None, [os.environ.get("PYTHONPATH")])]),
               **extra)  # fmt: skip
    env.pop("HALSOCENTER_DEBUG", None)
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=dirs["cwd"], env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(s for s in proc.stdout.splitlines() if s.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


@pytest.fixture(scope="module")
def example(examples) -> Path:
    return next(p for p in examples if p.name == "Vaggeryd_2023.xlsx")


@pytest.fixture(scope="module")
def pyodide_like_run(example, tmp_path_factory) -> dict:
    return run_like_pyodide(example, tmp_path_factory.mktemp("pyodide"))


@pytest.mark.slow
def test_the_pyodide_like_run_catches_an_escape(example, tmp_path):
    run = run_like_pyodide(example, tmp_path, HC_ESCAPE="1")
    assert any(v.startswith("open ") and v.endswith("cache.txt w") for v in run["violations"])
    assert "threading.Thread.start" in run["violations"]
    assert "cache.txt" in run["home_after"]


@pytest.mark.slow
def test_a_pyodide_like_run_loads_no_heavy_library_at_import(pyodide_like_run):
    assert pyodide_like_run["new_heavy"] == []
    assert len(pyodide_like_run["meta"]) == 7


@pytest.mark.slow
def test_a_pyodide_like_run_writes_only_into_the_data_folder(pyodide_like_run):
    run = pyodide_like_run
    assert run["violations"] == []
    assert run["home_after"] == run["home_before"] and run["cwd_after"] == run["cwd_before"]
    assert run["data"] == sorted(["Vaggeryd_2023_verksamhetsberattelse.docx",
                                  "Halsocenter_Vaggeryd_2023.xlsx", "Vaggeryd_2024.xlsx"])  # fmt: skip


@pytest.mark.slow
def test_a_pyodide_like_run_ends_every_script_with_a_swedish_message(pyodide_like_run):
    for name, actions in pyodide_like_run["actions"].items():
        assert actions[-1]["func"] == "alert", name
        message = actions[-1]["args"][0]
        assert "Traceback" not in message and "Något gick fel" not in message, (name, message)
