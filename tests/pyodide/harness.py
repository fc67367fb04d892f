"""Runs inside real Pyodide (tests/pyodide/run.mjs): install as a coach's xlwings Lite does, then
run what xlwings Lite runs. Returns one JSON text.

1. micropip installs python-calamine's Pyodide wheel from PyPI (Pyodide's own build of it is on
   its server), then the pasted ``requirements.txt`` lines: xlwings from the index, halsocenter
   from the region's address. Pyodide's own builds (numpy, pandas, lxml, matplotlib …) come from
   Pyodide's server in real Lite, which is not reachable here: they stand in as micropip mock
   packages with the lock file's versions while micropip resolves, and are taken away before
   anything is imported, so they are really missing when the scripts run.
2. ``import halsocenter.lite``, the script list, every script on the book payload (Lite's
   ``custom_scripts_meta`` and ``custom_scripts_call``), the notes read through Lite's client.
"""

from __future__ import annotations

import copy
import importlib.metadata as metadata
import importlib.util
import json
import os
import sys


def _canon(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _lock_packages() -> dict[str, dict]:
    import pyodide_js

    return pyodide_js._api.lockfile_packages.to_py()


def _closure(root: str, env: dict[str, str]) -> list[str]:
    """``root`` and everything it requires on this platform, by installed metadata."""
    from packaging.requirements import Requirement

    seen, todo = [], [_canon(root)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        for text in metadata.requires(name) or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({**env, "extra": ""}):
                todo.append(_canon(req.name))
    return sorted(seen)


async def install(cfg: dict, out: dict) -> None:
    import micropip

    index = cfg["index_urls"]
    await micropip.install(cfg["preinstall"], deps=False, index_urls=index)
    installed = {_canon(d.metadata["Name"]) for d in metadata.distributions()}
    mocks = {}
    for name, info in _lock_packages().items():
        if info.get("package_type") != "package" or _canon(name) in installed:
            continue
        micropip.add_mock_package(_canon(name), info["version"], modules={})  # as micropip looks
        mocks[_canon(name)] = info["version"]
    try:
        await micropip.install(cfg["requirements"], index_urls=index)
        env = {"sys_platform": sys.platform, "platform_system": "Emscripten",
               "python_version": "{}.{}".format(*sys.version_info[:2]),
               "python_full_version": sys.version.split()[0], "os_name": os.name,
               "platform_machine": "wasm32", "implementation_name": "cpython",
               "platform_python_implementation": "CPython", "platform_release": "",
               "platform_version": "", "implementation_version": sys.version.split()[0]}  # fmt: skip
        tree = _closure("halsocenter", env)
        out["resolved"] = {}
        for name in tree:
            dist = metadata.distribution(name)
            source = "pyodide-cdn" if name in mocks else (
                dist.read_text("PYODIDE_URL") or dist.read_text("INSTALLER") or "")  # fmt: skip
            out["resolved"][name] = {"version": dist.version, "source": source.strip()}
    finally:
        for name in mocks:
            micropip.remove_mock_package(name)
    out["mocks_left"] = sorted(set(mocks) & {_canon(d.metadata["Name"])
                                             for d in metadata.distributions()})  # fmt: skip
    out["importable"] = {m: importlib.util.find_spec(m) is not None for m in (
        "numpy", "pandas", "openpyxl", "lxml", "docx", "docxtpl", "jinja2", "markupsafe",
        "matplotlib", "PIL", "python_calamine", "xlwings")}  # fmt: skip


async def run_lite(cfg: dict, out: dict) -> None:
    # what xlwings Lite sets before main.py runs, as the CPython tests do (tests/conftest.py)
    os.environ.setdefault("XLWINGS_ON_SERVER", "true")
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw
    from xlwings.pro.udfs_officejs import custom_scripts_call, custom_scripts_meta

    os.makedirs("/data", exist_ok=True)
    heavy = {"numpy", "pandas", "openpyxl", "lxml", "docx", "docxtpl", "matplotlib",
             "python_calamine", "jinja2"}  # fmt: skip
    before = set(sys.modules)
    import halsocenter.lite as lite
    from halsocenter.live.lite import installed_address

    out["xlwings"] = xw.__version__
    out["heavy_at_import"] = sorted(m for m in set(sys.modules) - before
                                    if m.split(".")[0] in heavy)  # fmt: skip
    out["meta"] = custom_scripts_meta(lite)
    out["installed_address"] = installed_address()
    with open("/harness/payload.json", encoding="utf-8") as fh:
        payload = json.load(fh)
    out["actions"] = {}
    for m in out["meta"]:
        book = xw.Book(json=copy.deepcopy(payload))
        await custom_scripts_call(lite, m["function_name"], typehint_to_value={xw.Book: book})
        out["actions"][m["function_name"]] = book.json()["actions"]
    out["data"] = sorted(os.listdir("/data"))

    from halsocenter.live.comments import read_comments_async

    book = xw.Book(json=copy.deepcopy(payload))
    comments = await read_comments_async(book)
    out["comments"] = {"texts": [[t.place, t.value] for t in comments.texts],
                       "unread": list(comments.unread)}  # fmt: skip


async def main(config_path: str) -> str:
    with open(config_path, encoding="utf-8") as fh:
        cfg = json.load(fh)
    out: dict = {"python": sys.version.split()[0], "platform": sys.platform}
    await install(cfg, out)
    import python_calamine

    out["python_calamine"] = metadata.version("python-calamine")
    out["calamine_loads"] = hasattr(python_calamine, "CalamineWorkbook")
    sys.modules.pop("python_calamine", None)  # loaded only to see that it loads
    await run_lite(cfg, out)
    return json.dumps(out, default=str)
