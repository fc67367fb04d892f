"""What the coach pastes into xlwings Lite, and the region's setting behind it.

The pasted ``requirements.txt`` never installs ``halsocenter`` by bare name from a public index:
it names this release's wheel at the region's HTTPS address, and an xlwings that runs every
script. The address is a setting (``--lite-adress``, ``HALSOCENTER_LITE_ADRESS``) that flows
through ``core.lite_setup`` to the Start sheet of every workbook made, the README and next
year's workbook.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from packaging.requirements import Requirement
from packaging.version import Version

import halsocenter
from halsocenter.core import contract as C
from halsocenter.core import lite_setup as L
from halsocenter.xlsx import template

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "halsocenter"]
ADDRESS = "https://filer.region.example/halsocenter/"


def start_rows(path: Path) -> list[tuple[object, object]]:
    ws = load_workbook(path)[C.START_SHEET]
    return [(row[0].value, row[1].value) for row in ws.iter_rows(max_col=2)]


def every_text(path: Path) -> str:
    wb = load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                     if c.value is not None)  # fmt: skip


def run(*args, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != L.ADDRESS_ENV} | (env or {})
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, env=full,
                          timeout=300)  # fmt: skip


# --------------------------------------------------------------------------- the address


@pytest.mark.parametrize(("given", "folder"), [
    ("https://filer.region.example/halsocenter/", "https://filer.region.example/halsocenter/"),
    ("https://filer.region.example/halsocenter", "https://filer.region.example/halsocenter/"),
    ("  https://FILER.Region.example/lite/  ", "https://filer.region.example/lite/"),
    (f"https://filer.region.example/lite/{L.wheel_name('0.0.9')}",
     "https://filer.region.example/lite/"),
    ("https://filer.region.example:8443/a/b/", "https://filer.region.example:8443/a/b/"),
    ("http://127.0.0.1:8123/", "http://127.0.0.1:8123/"),
    ("http://localhost/x/", "http://localhost/x/"),
    ("http://[::1]:9000/", "http://[::1]:9000/"),
])  # fmt: skip
def test_an_address_is_a_folder_ending_in_a_slash(given, folder):
    assert L.lite_address(given) == folder
    assert L.wheel_url(given) == folder + f"halsocenter-{halsocenter.__version__}-py3-none-any.whl"


@pytest.mark.parametrize(("given", "said"), [
    ("", "tom"),
    ("   ", "tom"),
    ("http://filer.region.example/lite/", "https://"),
    ("ftp://filer.region.example/lite/", "https://"),
    ("file:///srv/halsocenter/", "https://"),
    ("javascript:alert(1)", "https://"),
    ("filer.region.example/lite/", "https://"),
    ("https:///lite/", "saknar server"),
    ("https://filer.region.example/my lite/", "mellanslag"),
    ("https://filer.region.example/lite/\nhalsocenter", "mellanslag"),
    ("https://user:secret@filer.region.example/lite/", "lösenord"),
    ("https://filer.region.example/lite/?token=1", "? eller #"),
    ("https://filer.region.example:99999/lite/", "ingen giltig webbadress"),
    ("http://10.0.0.5/lite/", "https://"),
])  # fmt: skip
def test_an_unusable_address_gets_a_swedish_reason(given, said):
    with pytest.raises(L.LiteAddressError) as info:
        L.lite_address(given)
    assert said in info.value.message


@given(st.text(max_size=80))
def test_whatever_is_accepted_is_an_https_or_loopback_folder(text):
    try:
        folder = L.lite_address(text)
    except L.LiteAddressError as exc:
        assert exc.message  # a reason, never another exception
        return
    parts = urlsplit(folder)
    assert parts.scheme == "https" or parts.hostname in ("127.0.0.1", "localhost", "::1") or \
        parts.hostname.startswith("127.")  # fmt: skip
    assert folder.endswith("/") and not any(ch.isspace() for ch in folder)
    assert not (parts.query or parts.fragment or parts.username)
    assert L.lite_address(folder) == folder  # settled


def test_the_environment_gives_the_address_when_set():
    assert L.address_from_environment({}) is None
    assert L.address_from_environment({L.ADDRESS_ENV: "  "}) is None
    assert L.address_from_environment({L.ADDRESS_ENV: ADDRESS.rstrip("/")}) == ADDRESS
    with pytest.raises(L.LiteAddressError):
        L.address_from_environment({L.ADDRESS_ENV: "http://filer.region.example/"})


# --------------------------------------------------------------------------- what is pasted


def test_the_requirements_name_the_wheel_by_address_and_a_bounded_xlwings():
    first, second = L.requirements_lines(ADDRESS)
    xlwings = Requirement(first)
    assert xlwings.name == "xlwings" and xlwings.specifier.contains(L.XLWINGS_FLOOR)
    assert not xlwings.specifier.contains("0.37.1") and not xlwings.specifier.contains("1.0")
    assert second == ADDRESS + f"halsocenter-{halsocenter.__version__}-py3-none-any.whl"
    text = L.requirements_txt(ADDRESS)
    assert text.splitlines() == [first, second] and text.endswith("\n")
    assert "halsocenter==" not in text and not any(line.strip() == "halsocenter"
                                                   for line in text.splitlines())  # fmt: skip


def test_pyproject_and_the_pasted_text_ask_for_the_same_xlwings():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (dep,) = [Requirement(d) for d in meta["project"]["dependencies"] if d.startswith("xlwings")]
    floors = [Version(s.version) for s in dep.specifier if s.operator == ">="]
    assert floors == [Version(L.XLWINGS_FLOOR)]


def test_the_locked_xlwings_is_inside_the_pasted_bound():
    lock = (ROOT / "requirements" / "ci.txt").read_text(encoding="utf-8")
    version = next(line.split("==")[1].split()[0] for line in lock.splitlines()
                   if line.startswith("xlwings=="))  # fmt: skip
    assert Requirement(L.XLWINGS_REQUIREMENT).specifier.contains(version)


def test_main_py_is_one_line_that_compiles():
    compile(L.MAIN_PY, "main.py", "exec")
    assert "\n" not in L.MAIN_PY


# --------------------------------------------------------------------------- the Start sheet


def test_a_template_with_the_address_gives_each_line_in_its_own_row(tmp_path):
    path = template.write_template(tmp_path / "mall.xlsx", lite_address=ADDRESS)
    rows = start_rows(path)
    at = rows.index(("main.py", L.MAIN_PY))
    assert rows[at + 2:at + 4] == [("requirements.txt", L.XLWINGS_REQUIREMENT),
                                   (None, L.wheel_url(ADDRESS))]  # fmt: skip
    assert "halsocenter==" not in every_text(path)


def test_the_committed_template_says_the_region_gives_the_lines():
    from conftest import TEMPLATE

    rows = start_rows(TEMPLATE)
    assert ("main.py", L.MAIN_PY) in rows
    labels = [first for first, _ in rows]
    assert "requirements.txt" not in labels
    text = every_text(TEMPLATE)
    assert "får du av regionen" in text and "halsocenter==" not in text
    assert ".whl" not in text and "lite_adress" not in text  # no address for the package


# --------------------------------------------------------------------------- the commands


def test_new_workbook_takes_the_address_from_the_option_or_the_environment(tmp_path):
    made = tmp_path / "a.xlsx"
    proc = run("new-workbook", made, "--kommun", "Habo", "--ar", 2025, "--lite-adress", ADDRESS)
    assert proc.returncode == 0, proc.stderr
    assert (None, L.wheel_url(ADDRESS)) in start_rows(made)

    other = "https://annan.region.example/paket/"
    from_env = tmp_path / "b.xlsx"
    proc = run("new-workbook", from_env, "--kommun", "Habo", "--ar", 2025,
               env={L.ADDRESS_ENV: other})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (None, L.wheel_url(other)) in start_rows(from_env)


def test_a_bad_address_is_refused_in_swedish_and_nothing_is_written(tmp_path):
    made = tmp_path / "a.xlsx"
    proc = run("new-workbook", made, "--kommun", "Habo", "--ar", 2025, "--lite-adress",
               "http://filer.region.example/")  # fmt: skip
    assert proc.returncode == 2 and "https://" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not made.exists() and not list(tmp_path.iterdir())
    proc = run("new-workbook", made, "--kommun", "Habo", "--ar", 2025,
               env={L.ADDRESS_ENV: "ftp://x/"})  # fmt: skip
    assert proc.returncode == 2 and not made.exists()


def test_next_years_workbook_gives_the_same_lines(tmp_path, examples):
    src = next(p for p in examples if p.name == "Vaggeryd_2023.xlsx")
    out = tmp_path / "Vaggeryd_2024.xlsx"
    proc = run("rollover", src, "-o", out, "--lite-adress", ADDRESS)
    assert proc.returncode == 0, proc.stderr
    rows = start_rows(out)
    assert ("requirements.txt", L.XLWINGS_REQUIREMENT) in rows
    assert (None, L.wheel_url(ADDRESS)) in rows


def test_the_readme_gives_the_lines_for_the_example_address():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Excel på webben och Mac (xlwings Lite)"):]
    lines = "\n".join(line.strip() for line in section.splitlines())  # code in list items
    assert L.MAIN_PY in section
    assert L.requirements_txt(L.EXAMPLE_ADDRESS).strip() in lines
    assert "halsocenter==" not in readme
    assert L.ADDRESS_ENV in section and "--lite-adress" in section and "SHA-256" in section


# --------------------------------------------------------------------------- in xlwings Lite


class _Dist:
    def __init__(self, url):
        self.url = url

    def read_text(self, name):
        return self.url if name == "PYODIDE_URL" else None


@pytest.mark.parametrize(("url", "folder"), [
    (f"{ADDRESS}{L.wheel_name()}", ADDRESS),
    ("http://127.0.0.1:8000/lite/halsocenter-0.1.0-py3-none-any.whl", "http://127.0.0.1:8000/lite/"),
    ("http://filer.region.example/lite/halsocenter-0.1.0-py3-none-any.whl", None),
    ("pypi", None),
    (None, None),
])  # fmt: skip
def test_lite_knows_the_address_it_was_installed_from(url, folder, monkeypatch):
    """micropip records the wheel's address (PYODIDE_URL); only an address the setting accepts
    is used again."""
    from importlib import metadata

    from halsocenter.live import lite

    monkeypatch.setattr(metadata, "distribution", lambda name: _Dist(url))
    assert lite.installed_address() == folder


def test_next_years_workbook_from_lite_names_the_wheel_it_runs_from(monkeypatch, tmp_path,
                                                                     examples):  # fmt: skip
    import asyncio
    import copy

    import xlwings as xw
    from xlwings.pro.udfs_officejs import custom_scripts_call

    from halsocenter.live import lite
    from xlwings_payload import book_payload

    monkeypatch.setenv(lite.DATA_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(lite, "installed_address", lambda: ADDRESS)
    src = next(p for p in examples if p.name == "Vaggeryd_2023.xlsx")
    book = xw.Book(json=copy.deepcopy(book_payload(src)))
    asyncio.run(custom_scripts_call(lite, "knapp5_nytt_verksamhetsar",
                                    typehint_to_value={xw.Book: book}))  # fmt: skip
    rows = start_rows(tmp_path / "Vaggeryd_2024.xlsx")
    assert ("requirements.txt", L.XLWINGS_REQUIREMENT) in rows and (None, L.wheel_url(ADDRESS)) in rows


# --------------------------------------------------------------------------- the region's own


REGION_WITH_ADDRESS = f"""[region]
namn = "Region Fjällmark"
lan = "Fjällmarks län"
lite_adress = "{ADDRESS}"

[[kommun]]
namn = "Storstad"
kod = "9901"

[[kommun]]
namn = "Lillby"
kod = "9902"
"""


def test_the_regions_settings_give_the_address_and_its_workbooks_keep_it(tmp_path):
    """A region that hosts the wheel writes it once, in its settings: every workbook made with
    them carries it (with the region), and next year's workbook gives the lines with no flag."""
    settings = tmp_path / "fjallmark.toml"
    settings.write_text(REGION_WITH_ADDRESS, encoding="utf-8")
    made = tmp_path / "Lillby_2025.xlsx"
    proc = run("new-workbook", made, "--kommun", "Lillby", "--ar", 2025, "--region", settings)
    assert proc.returncode == 0, proc.stderr
    assert (None, L.wheel_url(ADDRESS)) in start_rows(made)
    nxt = tmp_path / "Lillby_2026.xlsx"
    proc = run("rollover", made, "-o", nxt)
    assert proc.returncode == 0, proc.stderr
    assert (None, L.wheel_url(ADDRESS)) in start_rows(nxt)
    other = "https://annan.region.example/paket/"  # the option still comes first
    first = tmp_path / "Storstad_2025.xlsx"
    proc = run("new-workbook", first, "--kommun", "Storstad", "--ar", 2025, "--region", settings,
               "--lite-adress", other)  # fmt: skip
    assert proc.returncode == 0 and (None, L.wheel_url(other)) in start_rows(first)


def test_an_address_in_the_settings_that_lite_cannot_use_is_refused_naming_the_line():
    from halsocenter.core.region_config import RegionError, parse

    text = REGION_WITH_ADDRESS.replace(ADDRESS, "http://filer.region.example/")
    with pytest.raises(RegionError, match=r"rad 4.*https://"):
        parse(text, "fjallmark.toml")
    assert parse(REGION_WITH_ADDRESS, "fjallmark.toml").lite_address == ADDRESS
