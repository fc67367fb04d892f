"""The package as it is shipped: a pure-Python wheel micropip can install in xlwings Lite, an
sdist, metadata that PyPI accepts, and the locks that pin every desktop and CI install.

The wheel and the sdist are built here with ``python -m build`` (without isolation, so with the
locked setuptools) and checked with ``twine check --strict``, as a release would be.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import halsocenter
from halsocenter.core.lite_setup import MAIN_PY, requirements_lines

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "addin" / "halsocenter"
LOCKS = {"desktop": ROOT / "requirements" / "desktop.txt", "ci": ROOT / "requirements" / "ci.txt"}

ON_LITE = {  # what xlwings Lite installs, and from where
    "xlwings": "PyPI (Lite's own, also a WebAssembly wheel)",
    "openpyxl": "pure wheel", "python-docx": "pure wheel", "docxtpl": "pure wheel",
    "pandas": "Pyodide build", "python-calamine": "Pyodide build",
    "matplotlib": "Pyodide build", "lxml": "Pyodide build",
}  # fmt: skip
DESKTOP_ONLY = {"rich", "olefile"}
"""The command line (rich) and the add-in builder (olefile); never needed in Lite."""


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out),
                           str(ROOT)], capture_output=True, text=True, timeout=900)  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def wheel_metadata(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as zf:
        info = f"halsocenter-{halsocenter.__version__}.dist-info"
        meta = Parser().parsestr(zf.read(f"{info}/METADATA").decode())
        tags = Parser().parsestr(zf.read(f"{info}/WHEEL").decode())
        names = zf.namelist()
    return {"meta": meta, "tags": tags, "names": names}


@pytest.mark.slow
def test_the_wheel_is_pure_python_for_any_platform(dist):
    wheel = dist["wheel"]
    assert wheel.name == f"halsocenter-{halsocenter.__version__}-py3-none-any.whl"
    w = wheel_metadata(wheel)
    assert w["tags"].get_all("Tag") == ["py3-none-any"]
    assert w["tags"]["Root-Is-Purelib"] == "true"
    assert not [n for n in w["names"] if n.endswith((".so", ".pyd", ".dll", ".dylib", ".pyc"))]
    modules = {f"halsocenter/{p.relative_to(PKG).as_posix()}" for p in PKG.rglob("*.py")}
    assert len(modules) > 60 and modules <= set(w["names"])  # every subpackage comes along
    assert not [n for n in w["names"] if n.startswith(("tests/", "scripts/", "bench/"))]


def test_the_wheel_leaves_the_builders_to_the_build(dist):
    """The example workbooks and the Word template are built by scripts/ and shipped as files;
    their generators are not in the product."""
    with zipfile.ZipFile(dist["wheel"]) as zf:
        code = {n: zf.read(n).decode() for n in zf.namelist() if n.endswith(".py")}
    assert "halsocenter/examples.py" not in code
    assert not [n for n, text in code.items()
                if "def build_template" in text or "def write_examples" in text]  # fmt: skip


@pytest.mark.slow
def test_the_wheel_carries_the_ribbon_the_vba_and_the_word_templates(dist):
    with zipfile.ZipFile(dist["wheel"]) as zf:
        for name, source in {
            "halsocenter/_data/excel/ribbon.xml": ROOT / "addin" / "excel" / "ribbon.xml",
            "halsocenter/_data/excel/Halsocenter.bas": ROOT / "addin" / "excel" / "Halsocenter.bas",
            "halsocenter/_data/rapportmall.docx": ROOT / "workbook_template" / "rapportmall.docx",
            "halsocenter/_data/lansrapport.docx": ROOT / "workbook_template" / "lansrapport.docx",
        }.items():  # fmt: skip
            assert zf.read(name) == source.read_bytes(), name


@pytest.mark.slow
def test_the_sdist_carries_the_same_package_data(dist):
    with tarfile.open(dist["sdist"]) as tf:
        names = {m.name.split("/", 1)[1] for m in tf.getmembers() if "/" in m.name}
    assert {"PKG-INFO", "pyproject.toml", "addin/halsocenter/lite.py",
            "addin/halsocenter/_data/rapportmall.docx",
            "addin/halsocenter/_data/lansrapport.docx",
            "addin/halsocenter/_data/excel/ribbon.xml"} <= names  # fmt: skip


@pytest.mark.slow
def test_metadata_passes_twine_check(dist):
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict",
                           str(dist["wheel"]), str(dist["sdist"])],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2


@pytest.mark.slow
def test_every_dependency_installs_in_xlwings_lite(dist):
    """Under Pyodide (sys_platform emscripten) the wheel asks for exactly the packages that
    exist there as pure wheels or Pyodide builds; the desktop gets the CLI's and the add-in
    builder's libraries too."""
    meta = wheel_metadata(dist["wheel"])["meta"]
    assert meta["Version"] == halsocenter.__version__
    assert meta["Requires-Python"] == ">=3.11"
    requires = [Requirement(r) for r in meta.get_all("Requires-Dist")]
    runtime = [r for r in requires if not (r.marker and "extra" in str(r.marker))]
    pyodide = {**default_environment(), "sys_platform": "emscripten",
               "platform_system": "Emscripten"}  # fmt: skip
    windows = {**default_environment(), "sys_platform": "win32", "platform_system": "Windows"}
    on_lite = {r.name for r in runtime if r.marker is None or r.marker.evaluate(pyodide)}
    on_desktop = {r.name for r in runtime if r.marker is None or r.marker.evaluate(windows)}
    assert on_lite == set(ON_LITE)
    assert on_desktop == set(ON_LITE) | DESKTOP_ONLY


def test_the_lite_requirements_name_the_wheel_this_build_makes(dist):
    """The pasted requirements name exactly the file ``python -m build`` writes."""
    lines = requirements_lines("https://filer.region.example/lite/")
    assert lines[-1].rsplit("/", 1)[1] == dist["wheel"].name
    compile(MAIN_PY, "main.py", "exec")


# --------------------------------------------------------------------------- the locks


def lock(path: Path) -> dict[str, list[tuple[str, str, list[str]]]]:
    """{package: [(version, marker, hashes)]} of a hash-checked requirements file."""
    out: dict[str, list] = {}
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        m = re.match(r"([A-Za-z0-9_.\-\[\]]+)==(\S+)\s*(?:;\s*(.*?))?\s*((?:--hash=\S+\s*)+)$",
                     line)  # fmt: skip
        assert m, f"{path.name}: not pinned with hashes: {line[:80]}"
        name, version, marker, hashes = m.groups()
        out.setdefault(canonicalize_name(name), []).append(
            (version, marker or "", re.findall(r"--hash=(sha256:[0-9a-f]{64})", hashes)))
    return out


def test_every_locked_package_is_pinned_with_hashes():
    for path in LOCKS.values():
        for name, pins in lock(path).items():
            for version, _, hashes in pins:
                assert hashes, f"{path.name}: {name}=={version} has no hash"


def test_the_ci_lock_has_the_desktop_versions_and_the_dev_tools():
    desktop, ci = lock(LOCKS["desktop"]), lock(LOCKS["ci"])
    for name, pins in desktop.items():  # markers may widen (a dev tool needs rich everywhere)
        assert sorted(v for v, _, _ in ci.get(name, [])) == sorted(v for v, _, _ in pins), name
    for tool in ("pytest", "hypothesis", "ruff", "oletools", "msoffcrypto-tool", "build",
                 "twine", "setuptools"):  # fmt: skip
        assert tool in ci


def test_the_locks_cover_windows_and_mac_coaches():
    """The locks are universal: platform-only dependencies appear with their markers."""
    desktop = lock(LOCKS["desktop"])
    assert any("win32" in m for _, m, _ in desktop["pywin32"])
    assert any("darwin" in m for _, m, _ in desktop["appscript"])
    for name in ON_LITE:
        assert name in desktop
    # numpy ships one wheel per platform and Python version: many hashes per pinned release
    assert all(len(h) >= 10 for _, _, h in desktop["numpy"])


def test_the_tests_run_with_the_locked_versions():
    """This environment holds exactly what the CI lock pins (for this Python and platform)."""
    env = default_environment()
    for name, pins in lock(LOCKS["ci"]).items():
        wanted = [v for v, m, _ in pins if not m or Requirement(f"x; {m}").marker.evaluate(env)]
        if not wanted:
            continue
        assert metadata.version(name) == wanted[0], name
