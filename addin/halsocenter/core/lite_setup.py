"""The texts that enable xlwings Lite in a workbook: Lite's ``main.py`` and ``requirements.txt``.
One source for the README, the template's Start sheet, next year's workbook and the tests.

The package is on no public index, and its name there is free: anyone could register it, and
their code would then run inside a workbook holding health data. So ``requirements.txt`` never
names ``halsocenter`` by bare name; it names the wheel by an HTTPS address the region hosts
(with the CORS header micropip needs, see the README "För regionens IT"). The address is the
region's setting, given when a workbook is made:

* ``halsocenter new-workbook … --lite-adress URL`` and ``rollover`` (the command line),
* the environment variable ``HALSOCENTER_LITE_ADRESS`` (``scripts/make-template``, and every
  command that makes a workbook when the option is not given),
* in xlwings Lite, the address this running copy of the package was installed from
  (``live.lite``), so next year's workbook names the same wheel.

Everything goes through ``lite_address`` (checks it) and ``requirements_lines``. A region
configuration file can pass its own address to the same two functions.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from halsocenter import __version__
from halsocenter.errors import UserError

PACKAGE = "halsocenter"

MAIN_PY = "from halsocenter.lite import *  # noqa: F403"
"""All of ``main.py``: the buttons are the scripts that ``halsocenter.lite`` exports."""

XLWINGS_FLOOR = "0.37.3"
"""The first xlwings that runs every script in full on xlwings' remote engine, the one Lite uses
(``scripts/test-variants`` runs the Lite and live-Excel tests with it, and
``tests/test_pyodide_runtime.py`` in real Pyodide; it is also the first with a wheel for Pyodide
314). Earlier versions fail: 0.33.14 to 0.36.1 refuse every script ("Scripts currently only allow
Book and CurrentUser as params": they do not resolve string hints, which the scripts now avoid),
up to 0.37.1 reading a defined name that is a formula (the template's lists) raises TypeError,
and 0.37.2 draws none of Årssammanställning's charts. From 0.37.7 Lite also gives the text of
notes and threaded comments (``live.comments``); before that they are said to be unchecked.
``pyproject.toml`` asks for the same."""

XLWINGS_REQUIREMENT = f"xlwings>={XLWINGS_FLOOR},<1"
"""The xlwings line: bounded, not pinned: Lite records the exact version it installed in
``requirements-pinned.txt`` and keeps it until the coach changes ``requirements.txt``."""

ADDRESS_ENV = "HALSOCENTER_LITE_ADRESS"
"""The environment variable that holds the region's address when no option gives it."""

EXAMPLE_ADDRESS = "https://halsocenter.region.example/lite/"
"""The README's example (the ``.example`` top-level domain is reserved, RFC 2606)."""

_LOOPBACK_HOSTS = {"localhost"}


class LiteAddressError(UserError):
    """The region's address for the wheel cannot be used; ``message`` says why, in Swedish."""


def wheel_name(version: str = __version__) -> str:
    """The file name of this release's wheel, as ``python -m build`` writes it."""
    return f"{PACKAGE}-{version}-py3-none-any.whl"


def _loopback(host: str) -> bool:
    if host in _LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lite_address(address: str) -> str:
    """The folder address the region hosts the wheels under, checked and ending in ``/``.

    Given either the folder (``https://host/path/``) or the full address of a wheel in it
    (``https://host/path/halsocenter-0.1.0-py3-none-any.whl``, its folder is taken). Only
    ``https`` (Lite refuses anything else, and the code must arrive as sent); plain ``http`` on
    this computer's own loopback address is allowed for testing. Raises ``LiteAddressError``."""
    text = (address or "").strip()
    example = f"Ange mappen där regionen lägger paketet, t.ex. {EXAMPLE_ADDRESS}"
    if not text:
        raise LiteAddressError(f"Adressen till paketet för xlwings Lite är tom. {example}")
    if any(ch.isspace() for ch in text) or any(ord(ch) < 32 for ch in text):
        raise LiteAddressError(f"Adressen ”{text}” innehåller mellanslag eller radbrytningar. "
                               f"{example}")  # fmt: skip
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise LiteAddressError(f"”{text}” är ingen giltig webbadress. {example}") from None
    if parts.scheme == "http" and _loopback(host):
        pass
    elif parts.scheme != "https":
        raise LiteAddressError(f"Adressen ”{text}” måste börja med https:// – xlwings Lite "
                               f"hämtar bara paket över en krypterad förbindelse. {example}")  # fmt: skip
    if not host:
        raise LiteAddressError(f"Adressen ”{text}” saknar server. {example}")
    if parts.username or parts.password:
        raise LiteAddressError(f"Adressen ”{text}” innehåller ett användarnamn eller lösenord; "
                               "det skulle stå i varje arbetsbok. Använd en adress som går att "
                               "läsa utan inloggning.")  # fmt: skip
    if parts.query or parts.fragment:
        raise LiteAddressError(f"Adressen ”{text}” får inte ha ? eller # i sig. {example}")
    path = parts.path
    if path.endswith(".whl"):
        path = path[: path.rindex("/") + 1]
    elif not path.endswith("/"):
        path += "/"
    netloc = parts.netloc.lower()
    return f"{parts.scheme}://{netloc}{path}"


def wheel_url(address: str, version: str = __version__) -> str:
    """The address of this release's wheel under the region's folder ``address``."""
    return lite_address(address) + wheel_name(version)


def requirements_lines(address: str, version: str = __version__) -> list[str]:
    """All of ``requirements.txt``, line by line: xlwings (bounded) and this release's wheel
    at the region's address. micropip installs the wheel from that address and its
    dependencies from PyPI and Pyodide's own builds."""
    return [XLWINGS_REQUIREMENT, wheel_url(address, version)]


def requirements_txt(address: str, version: str = __version__) -> str:
    """``requirements_lines`` as the file's text."""
    return "\n".join(requirements_lines(address, version)) + "\n"


def address_from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The region's address from ``HALSOCENTER_LITE_ADRESS`` (checked), or None when unset."""
    value = (os.environ if environ is None else environ).get(ADDRESS_ENV, "").strip()
    return lite_address(value) if value else None
