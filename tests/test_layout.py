"""The package's folders show its layers (README, "Utvecklare"; the import rules themselves are
checked by `lint-imports` in scripts/test), and the names deployed add-ins and coaches'
xlwings Lite workbooks import keep working."""

from __future__ import annotations

import importlib
import re

from conftest import ROOT
from halsocenter.live import desktop, lite

PACKAGE = ROOT / "addin" / "halsocenter"


def test_few_modules_at_the_top_and_the_rest_in_subpackages():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    subpackages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert len(top) <= 12, top
    assert {"core", "xlsx", "sheets", "report", "region", "live", "xlam"} <= set(subpackages)
    for name in subpackages:  # each says what its layer holds and may import
        assert importlib.import_module(f"halsocenter.{name}").__doc__, name


def test_every_ribbon_button_finds_its_function_under_the_deployed_name():
    """halsocenter.xlam runs `import halsocenter.excel as m; m.<function>()`: installed add-ins
    keep that text, so the name must keep answering."""
    bas = (ROOT / "addin" / "excel" / "Halsocenter.bas").read_text(encoding="utf-8")
    called = re.findall(r'RunPython "import halsocenter\.excel as m; m\.(\w+)\(\)"', bas)
    excel = importlib.import_module("halsocenter.excel")
    assert len(called) == 6
    for name in called:
        assert getattr(excel, name) is getattr(desktop, name), name


def test_the_lite_line_coaches_paste_gives_every_button():
    """A workbook's Lite main.py says `from halsocenter.lite import *` for years to come."""
    namespace: dict = {}
    exec("from halsocenter.lite import *", namespace)  # noqa: S102 - the line Lite runs
    buttons = {k: v for k, v in namespace.items() if not k.startswith("__")}
    assert set(buttons) == set(lite.__all__) and len(buttons) == 7
    for name, function in buttons.items():
        assert function is getattr(lite, name)
        assert callable(function)
