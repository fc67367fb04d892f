"""The region's archive (``region.archive``): every used file kept with its figures and
provenance, earlier years back from it, resubmissions replacing in the figures but kept, no
refused file and no other region, atomic writes that survive ``kill -9``, and a schema with a
version and a migration path."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from examples import example_tables
from halsocenter import __version__
from halsocenter.cli import main
from halsocenter.core import contract as C
from halsocenter.core.region_config import DEFAULT, parse
from halsocenter.core.stats import compute
from halsocenter.jobs import consolidate
from halsocenter.region import archive as A
from halsocenter.region.consolidate import read_report
from halsocenter.region.export import write_export
from halsocenter.xlsx.read import workbook_data

KOMMUNER = ("Aneby", "Eksjö", "Habo")
NOW = datetime(2025, 3, 1, 9, 0)


def exports(folder: Path, year: int, kommuner=KOMMUNER, *, seed: int = 0,
            created: datetime | None = None) -> dict[str, object]:  # fmt: skip
    """One export file per kommun for ``year``; returns the summaries written."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for i, kommun in enumerate(kommuner):
        summary = compute(workbook_data(*example_tables(kommun, year, seed=seed + i)))
        write_export(summary, [], folder,
                     created=created or datetime(year + 1, 2, 1, 8, i))  # fmt: skip
        out[kommun] = summary
    return out


def rows(path: Path) -> list[A.Submission]:
    return A.Archive.open(path).submissions()


def cli_json(*args) -> dict:
    """``halsocenter arkiv ... --json`` as data (the command's own output)."""
    proc = subprocess.run([sys.executable, "-m", "halsocenter", "arkiv", *map(str, args),
                           "--json"], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


@pytest.fixture
def two_years(tmp_path):
    """2023's files, run into a new archive; 2024's files in a folder of their own."""
    first, second = tmp_path / "2023", tmp_path / "2024"
    made = {2023: exports(first, 2023), 2024: exports(second, 2024, seed=50)}
    archive = tmp_path / "arkiv.sqlite"
    consolidate(first, tmp_path / "lan_2023.xlsx", archive=archive, now=NOW)
    return tmp_path, first, second, archive, made


def test_a_later_run_has_the_earlier_years_from_the_archive(two_years):
    tmp, first, second, archive, made = two_years
    result = consolidate(second, tmp / "lan_2024.xlsx", archive=archive, now=NOW)
    assert result.years == [2023, 2024] and result.archived_new == 3
    earlier = {r.kommun: r for r in result.reports if r.year == 2023}
    assert set(earlier) == set(KOMMUNER) and all(r.archived for r in earlier.values())
    for kommun in KOMMUNER:  # exactly what reading the file gives
        read = read_report(first / f"Halsocenter_{kommun}_2023.xlsx")
        kept = earlier[kommun]
        assert kept.rows == read.rows and kept.plan == read.plan
        assert kept.history == read.history and kept.problems == read.problems
        assert (kept.kind, kept.created, kept.errors, kept.sha256) == (
            read.kind, read.created, read.errors, read.sha256)
        # the year's own file wins in Trender over the next year's Tidigare år
        assert result.history[kommun][2023]["remisser"] == made[2023][kommun].value("remisser")
    listed = rows(archive)  # by year, then in the region's order
    assert [(s.year, s.kommun, s.status) for s in listed] == [
        (y, k, A.STATUS_USED) for y in (2023, 2024) for k in KOMMUNER]
    assert A.Archive.open(archive).region == DEFAULT


def test_the_archive_keeps_provenance(two_years):
    tmp, first, _, archive, _ = two_years
    db = sqlite3.connect(archive)
    head = db.execute("SELECT kommun, kommunkod, ar, fil, sha256, mottagen, skapad, filtyp, "
                      "mallversion, programversion, preliminar, ersatt_av FROM inlamning "
                      "WHERE kommun = 'Aneby'").fetchone()  # fmt: skip
    path = first / "Halsocenter_Aneby_2023.xlsx"
    assert head == ("Aneby", "0604", 2023, path.name, hashlib.sha256(path.read_bytes()).hexdigest(),
                    "2025-03-01 09:00:00", "2024-02-01 08:00:00", "exportfil",
                    C.TEMPLATE_VERSION, __version__, 0, None)  # fmt: skip
    assert db.execute("PRAGMA user_version").fetchone()[0] == A.SCHEMA_VERSION
    assert db.execute("PRAGMA application_id").fetchone()[0] == A.ARCHIVE_APPLICATION_ID
    region, = db.execute("SELECT namn FROM region").fetchone()
    assert region == DEFAULT.name
    assert db.execute("SELECT count(*) FROM plan").fetchone()[0] > 0
    assert db.execute("SELECT count(*) FROM varde").fetchone()[0] > 100
    view = db.execute("SELECT kommun, status, rapport FROM inlamningar ORDER BY id").fetchall()
    assert view[0] == ("Aneby", "används", "slutlig")
    db.close()


def test_a_resubmission_replaces_in_the_figures_and_the_archive_keeps_both(two_years):
    tmp, _, second, archive, _ = two_years
    consolidate(second, tmp / "lan_2024.xlsx", archive=archive, now=NOW)
    again = tmp / "omskickad"
    new = exports(again, 2024, ("Eksjö",), seed=777, created=datetime(2025, 2, 20, 10, 0))
    result = consolidate(again, tmp / "lan_2024b.xlsx", archive=archive, now=NOW)
    eksjo = next(r for r in result.reports if r.kommun == "Eksjö" and r.year == 2024)
    assert not eksjo.archived and eksjo.totals()["remisser"] == new["Eksjö"].value("remisser")
    assert [(old.kommun, old.archived) for old, _ in result.replaced] == [("Eksjö", True)]
    listing = cli_json(archive)
    assert listing["region"] == DEFAULT.name
    eksjo_rows = [r for r in listing["inlamningar"] if r["kommun"] == "Eksjö" and r["år"] == 2024]
    assert [r["status"] for r in eksjo_rows] == ["ersatt", "används"]
    assert eksjo_rows[0]["ersatt_av"] == eksjo_rows[1]["fil"]
    assert eksjo_rows[0]["ersatt_av_sha256"] == eksjo_rows[1]["sha256"]
    assert eksjo_rows[0]["sha256"] != eksjo_rows[1]["sha256"]
    assert len(listing["inlamningar"]) == 7
    # the old file again: already known, it stays replaced and nothing is added
    result = consolidate(second, tmp / "lan_2024c.xlsx", archive=archive, now=NOW)
    assert result.archived_new == 0
    assert [r["status"] for r in cli_json(archive)["inlamningar"] if r["kommun"] == "Eksjö"
            and r["år"] == 2024] == ["ersatt", "används"]


def test_an_older_file_sent_later_does_not_replace_a_newer_one(two_years):
    tmp, _, second, archive, _ = two_years
    consolidate(second, tmp / "lan_2024.xlsx", archive=archive, now=NOW)
    late = tmp / "sen"
    exports(late, 2024, ("Habo",), seed=5, created=datetime(2024, 12, 1, 8, 0))
    consolidate(late, tmp / "lan_2024b.xlsx", archive=archive, now=NOW)
    habo = [s for s in rows(archive) if s.kommun == "Habo" and s.year == 2024]
    assert [s.status for s in habo] == [A.STATUS_USED, A.STATUS_REPLACED]  # received order
    assert habo[1].replaced_by == habo[0].file


def test_the_archive_never_takes_a_refused_file_or_one_from_outside(tmp_path):
    folder = tmp_path / "in"
    exports(folder, 2024, ("Aneby",))
    (folder / "trasig.xlsx").write_text("ingen arbetsbok")
    tables, settings = example_tables("Habo", 2024, seed=3)
    write_export(compute(workbook_data(tables, {**settings, "hc_kommun": "Ydre"})), [], folder,
                 kommuner=("Ydre",))  # another region's file  # fmt: skip
    tables, settings = example_tables("Gnosjö", 2024, seed=4)
    refused = write_export(compute(workbook_data(tables, settings)), [], folder / "gammal")
    book = openpyxl.load_workbook(refused)
    book["Info"]["B4"] = 1999  # a year the region does not take
    book.save(folder / refused.name)
    archive = tmp_path / "arkiv.sqlite"
    result = consolidate(folder, tmp_path / "lan.xlsx", archive=archive, now=NOW)
    assert len(result.not_used) == 3 and result.outside == []  # Ydre is not used either
    assert [(s.kommun, s.year) for s in rows(archive)] == [("Aneby", 2024)]


def test_one_region_per_archive(two_years, tmp_path):
    _, _, second, archive, _ = two_years
    before = archive.read_bytes()
    other = tmp_path / "annan.toml"
    other.write_text('[region]\nnamn = "Region Annan"\nlan = "Annans län"\n\n[[kommun]]\n'
                     'namn = "Aneby"\nkod = "0604"\n', encoding="utf-8")
    code = main(["region", str(second), "-o", str(tmp_path / "x.xlsx"), "--region", str(other),
                 "--arkiv", str(archive)])  # fmt: skip
    assert code == 2 and archive.read_bytes() == before
    assert not (tmp_path / "x.xlsx").exists()
    with pytest.raises(A.ArchiveError, match="hör till Region Jönköpings län, inte Region Annan"):
        A.Archive.open(archive, parse(other.read_text(encoding="utf-8")))


@pytest.mark.parametrize("content", ["text", "sqlite", "newer", "tampered"])
def test_a_file_that_is_not_our_archive_is_refused_and_left_alone(tmp_path, content):
    folder = tmp_path / "in"
    exports(folder, 2024, ("Aneby",))
    path = tmp_path / "arkiv.sqlite"
    if content == "text":
        path.write_text("anteckningar")
    else:
        db = sqlite3.connect(path, isolation_level=None)
        if content == "sqlite":  # someone else's database
            db.execute("CREATE TABLE t (x)")
        else:
            A.migrate(db)  # an archive of ours, then changed
            if content == "newer":
                db.execute(f"PRAGMA user_version = {A.SCHEMA_VERSION + 1}")
            else:
                db.execute("DROP VIEW inlamningar")
        db.close()
    before = path.read_bytes()
    code = main(["region", str(folder), "-o", str(tmp_path / "lan.xlsx"), "--arkiv", str(path)])
    assert code == 2 and path.read_bytes() == before
    with pytest.raises(A.ArchiveError) as refused:
        A.Archive.open(path)
    expected = {"text": "inget arkiv från halsocenter (ingen SQLite-databas)",
                "sqlite": "inget arkiv från halsocenter; den används inte",
                "newer": "nyare version av halsocenter",
                "tampered": "har inte de tabeller och kolumner"}[content]
    assert expected in refused.value.message


def test_the_archive_may_not_lie_in_the_folder_read(tmp_path):
    folder = tmp_path / "in"
    exports(folder, 2024, ("Aneby",))
    code = main(["region", str(folder), "-o", str(tmp_path / "lan.xlsx"), "--arkiv",
                 str(folder / "arkiv.sqlite")])  # fmt: skip
    assert code == 2 and not (folder / "arkiv.sqlite").exists()


def test_a_run_that_finds_the_archive_changed_writes_nothing(two_years, monkeypatch):
    tmp, _, second, archive, _ = two_years
    opened = A.Archive.open
    changed = {}

    def open_then_changed(path, region=None):
        found = opened(path, region)
        db = sqlite3.connect(archive)  # another run finishes meanwhile
        db.execute("UPDATE region SET uppdaterad = 'nu'")
        db.commit()
        db.close()
        changed["bytes"] = archive.read_bytes()
        return found

    monkeypatch.setattr(A.Archive, "open", staticmethod(open_then_changed))
    with pytest.raises(A.ArchiveError, match="ändrades medan länet sammanställdes"):
        consolidate(second, tmp / "lan_2024.xlsx", archive=archive, now=NOW)
    assert archive.read_bytes() == changed["bytes"]  # the other run's archive, untouched
    assert [s.year for s in rows(archive)] == [2023] * 3
    assert not [p for p in tmp.iterdir() if p.name.startswith(".~halsocenter")]


def test_an_older_schema_is_migrated_in_one_transaction(tmp_path, monkeypatch):
    """A future schema version 2 adds a column: an archive of version 1 is brought up to 2 when
    read, and a step that fails leaves it at version 1, unchanged."""
    path = tmp_path / "arkiv.sqlite"
    folder = tmp_path / "in"
    exports(folder, 2024, ("Aneby",))
    consolidate(folder, tmp_path / "lan.xlsx", archive=path, now=NOW)

    def add_column(db):
        db.execute("ALTER TABLE inlamning ADD COLUMN kommentar TEXT")

    monkeypatch.setattr(A, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(A, "MIGRATIONS", (*A.MIGRATIONS, add_column))
    archive = A.Archive.open(path)
    assert archive.db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert "kommentar" in [c[1] for c in archive.db.execute("PRAGMA table_info(inlamning)")]
    assert [s.kommun for s in archive.submissions()] == ["Aneby"]

    def broken(db):
        db.execute("ALTER TABLE inlamning ADD COLUMN kommentar TEXT")
        db.execute("ALTER TABLE saknas ADD COLUMN x TEXT")

    monkeypatch.setattr(A, "MIGRATIONS", (A.MIGRATIONS[0], broken))
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.deserialize(path.read_bytes())
    with pytest.raises(sqlite3.OperationalError):
        A.migrate(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "kommentar" not in [c[1] for c in db.execute("PRAGMA table_info(inlamning)")]


# --------------------------------------------------------------------------- kill -9

CHILD_HOLDS_IN_INSERT = """
import sys, time
from halsocenter.region import archive
insert = archive.Archive._insert
def slow(self, *args, **kwargs):
    print("INSERTING", file=sys.stderr, flush=True)
    time.sleep(60)
    return insert(self, *args, **kwargs)
archive.Archive._insert = slow
from halsocenter.cli import run
sys.argv = ["halsocenter", *sys.argv[1:]]
run()
"""


CHILD_HOLDS_AT_THE_ARCHIVES_COMMIT = """
import sys, time
from halsocenter import atomic
commit = atomic._commit
def held(tmp, path, *, exclusive):
    if path.suffix == ".sqlite":
        print("ARCHIVE FILE FINISHED", file=sys.stderr, flush=True)
        time.sleep(60)
    commit(tmp, path, exclusive=exclusive)
atomic._commit = held
from halsocenter.cli import run
sys.argv = ["halsocenter", *sys.argv[1:]]
run()
"""


def _killed_when(args: list[str], marker: str, script: str) -> None:
    """Run ``halsocenter args`` in a child running ``script``, wait until it prints
    ``marker``, then kill it with SIGKILL (no clean-up of any kind can run)."""
    proc = subprocess.Popen([sys.executable, "-c", script, *args], stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    deadline = time.monotonic() + 120
    try:
        while True:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, f"barnprocessen slutade: {proc.returncode}"
            if marker in line:
                break
            assert time.monotonic() < deadline
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL saknas")
@pytest.mark.parametrize("moment", ["in_the_database", "file_finished"])
def test_an_archive_write_killed_with_sigkill_leaves_the_earlier_archive(two_years, moment):
    tmp, _, second, archive, _ = two_years
    before = archive.read_bytes()
    args = ["region", str(second), "-o", str(tmp / "lan_2024.xlsx"), "--arkiv", str(archive)]
    if moment == "in_the_database":
        _killed_when(args, "INSERTING", CHILD_HOLDS_IN_INSERT)
    else:  # the archive's finished temporary file beside it, not yet renamed
        _killed_when(args, "ARCHIVE FILE FINISHED", CHILD_HOLDS_AT_THE_ARCHIVES_COMMIT)
        assert [p for p in tmp.iterdir() if p.name.startswith(".~halsocenter")]
    assert archive.read_bytes() == before  # byte for byte the earlier archive
    assert [s.year for s in rows(archive)] == [2023] * 3
    assert not [p for p in tmp.iterdir() if p.name.endswith("-journal")]
    # the next run removes what the killed one left and records the year
    assert main(args) == 0
    assert [s.year for s in rows(archive)] == [2023] * 3 + [2024] * 3
    assert not [p for p in tmp.iterdir() if p.name.startswith(".~halsocenter")]
