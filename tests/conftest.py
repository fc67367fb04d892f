"""Shared test fixtures: paths and a LibreOffice headless converter."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# xlwings as xlwings Lite and its remote engine load it: `@script` records what Lite shows
# (XLWINGS_ON_SERVER decides that when xlwings is first imported, so it is set before any test
# module imports it) and the remote engine needs a licence key (non-commercial use: tests only).
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

# No per-example deadline: a shared CI machine can be slow for reasons that say nothing about the
# code; speed is measured in scripts/bench instead.
settings.register_profile("halsocenter", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
settings.load_profile("halsocenter")

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_template" / "Halsocenter_mall.xlsx"
EXAMPLES = ROOT / "workbook_template" / "exempel"

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) saknas")  # fmt: skip


def lo_convert(src: Path, fmt: str, outdir: Path, infilter: str | None = None,
               timeout: int = 240) -> Path:  # fmt: skip
    """Convert ``src`` with LibreOffice headless in a private profile; return the output file.

    Raises AssertionError with LibreOffice's output when no file was produced.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path("/tmp") / f"lo_profile_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    cmd = ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", fmt, "--outdir", str(outdir), str(src)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    target = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    assert target.exists() and target.stat().st_size > 0, (
        f"LibreOffice gav ingen {fmt}: {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return target


@pytest.fixture(scope="session")
def examples() -> list[Path]:
    files = sorted(EXAMPLES.glob("*.xlsx"))
    if not files:
        pytest.skip("exempelarbetsböckerna saknas")
    return files
