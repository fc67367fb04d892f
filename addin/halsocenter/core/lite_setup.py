"""The two texts that enable xlwings Lite in a workbook: Lite's ``main.py`` and
``requirements.txt``. One source for the README, the template's Start sheet and the tests."""

from __future__ import annotations

from halsocenter import __version__

PACKAGE = "halsocenter"

MAIN_PY = "from halsocenter.lite import *  # noqa: F403"
"""All of ``main.py``: the buttons are the scripts that ``halsocenter.lite`` exports."""


def requirements_txt(version: str = __version__) -> str:
    """All of ``requirements.txt``: this package at exactly this version (pure-Python wheel;
    xlwings, pandas and the rest come with it, from PyPI or Pyodide's own builds)."""
    return f"{PACKAGE}=={version}"
