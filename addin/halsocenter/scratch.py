"""One private temporary folder per command run, so nothing is written outside the output.

matplotlib (the report's charts) writes its font cache and configuration into the user's home
folder on first use, fontconfig its cache, and openpyxl saves every worksheet through a
temporary file — holding the coach's data — in the system's temporary folder. ``private_scratch``
points all of them (``MPLCONFIGDIR``, ``XDG_CACHE_HOME``, ``TMPDIR`` and Python's
``tempfile.tempdir``) at one folder of our own naming inside the system's temporary folder and
removes it when the command ends, however it ends. Must be entered before matplotlib is
imported. A folder left by a killed run is removed by the next run (``atomic.clean_stale``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from halsocenter.atomic import clean_stale, temp_prefix

_ENV = ("MPLCONFIGDIR", "XDG_CACHE_HOME", "TMPDIR", "TEMP", "TMP")


@contextmanager
def private_scratch() -> Iterator[Path | None]:
    """Run the body with caches and temporary files in a private folder, removed afterwards."""
    base = Path(tempfile.gettempdir())
    clean_stale(base)
    try:
        root = Path(tempfile.mkdtemp(prefix=temp_prefix(hidden=False), dir=base))
    except OSError:  # no usable temporary folder: run as before rather than not at all
        yield None
        return
    saved_env = {k: os.environ.get(k) for k in _ENV}
    saved_tempdir = tempfile.tempdir
    try:
        (root / "matplotlib").mkdir()
        (root / "cache").mkdir()
        os.environ["MPLCONFIGDIR"] = str(root / "matplotlib")
        os.environ["XDG_CACHE_HOME"] = str(root / "cache")
        for key in ("TMPDIR", "TEMP", "TMP"):
            os.environ[key] = str(root)
        tempfile.tempdir = str(root)
        yield root
    finally:
        tempfile.tempdir = saved_tempdir
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(root, ignore_errors=True)
