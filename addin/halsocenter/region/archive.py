"""The region's archive of every submission: one SQLite file (``--arkiv ARKIV.sqlite``), the
region's own record, that any SQLite browser opens.

**What it keeps.** Every file a county run used -- export file or whole workbook -- with its
screened figures (Rapportdata), plan texts, Tidigare år and what the screening left out, and its
provenance: file name and SHA-256 of its bytes, when the archive received it, the file's own
creation time, program and template version, preliminary (errors remained) or final, and which
later submission replaced it. A file the screening refused, or one from a municipality outside
the region, is never taken. Rows of two regions never mix: the archive belongs to the region of
its first run, and a run with another region is refused.

**How runs use it.** ``current_reports`` gives the submissions still in use -- one per kommun and
year -- as the consolidation's ``Report`` objects, so a run with only this year's files still has
every earlier year in Trender and Rapportdata. A new file for a kommun and year competes with
the archived one by the consolidation's newest-file rule; ``record`` then stores the new files
and marks the loser "ersatt" by the winner. A file whose bytes the archive already holds is not
stored again.

**Atomic.** The archive is read whole into an in-memory database, changed there, and written
back with ``atomic.atomic_write``: a temporary file beside it, synced, then renamed over it. A
run killed at any moment (even ``kill -9``) leaves the earlier archive as it was, never a
half-written file or a journal that must travel with it; the next run removes the temporary
file. A run that finds the archive changed since it read it (another run finished first)
writes nothing and says so.

**Schema.** ``SCHEMA_VERSION`` is SQLite's ``user_version``; ``MIGRATIONS[n]`` takes an archive
from version n to n + 1 (``MIGRATIONS[0]`` creates it), so an archive written by an older
program is brought up to date when it is read, and one from a newer program is refused. The
file carries ``atomic.ARCHIVE_APPLICATION_ID`` as SQLite's ``application_id`` (what it is) and a
seal (``ownership``: a digest of its content, written with it): only an archive still exactly as
this program wrote it is replaced; one changed in a SQLite browser is left as it is. Table and column names are Swedish, for the analyst who opens
the file; the view ``inlamningar`` lists the submissions as ``halsocenter arkiv`` does.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from halsocenter import __version__
from halsocenter.atomic import ARCHIVE_APPLICATION_ID, Output, atomic_write
from halsocenter.core.region_config import Region, RegionError, fold, parse
from halsocenter.core.summary import PlanRow
from halsocenter.errors import UserError, WorkbookError
from halsocenter.ownership import SEAL_TABLE, SQLITE_HEADER
from halsocenter.region.export_format import ExportRow
from halsocenter.region.screening import Problem
from halsocenter.region.submissions import ConsolidationResult, Report
from halsocenter.xlsx.inputs import read_regular_file

SCHEMA_VERSION = 1
MAX_BYTES = 1 << 30
"""An archive of every municipality of Sweden over fifty years is a few hundred megabytes."""
STATUS_USED = "används"
STATUS_REPLACED = "ersatt"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class ArchiveError(UserError):
    """The archive cannot be used; ``message`` is Swedish and names the file."""


# --------------------------------------------------------------------------- the schema

_SCHEMA_1 = """
CREATE TABLE region (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    namn TEXT NOT NULL,
    lan TEXT NOT NULL,
    installningar TEXT NOT NULL,
    uppdaterad TEXT NOT NULL
);
CREATE TABLE korning (
    id INTEGER PRIMARY KEY,
    tid TEXT NOT NULL,
    programversion TEXT NOT NULL,
    nya_filer INTEGER NOT NULL
);
CREATE TABLE inlamning (
    id INTEGER PRIMARY KEY,
    kommun TEXT NOT NULL,
    kommunkod TEXT,
    ar INTEGER NOT NULL,
    fil TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    mottagen TEXT NOT NULL,
    skapad TEXT,
    filtid REAL,
    filtyp TEXT NOT NULL,
    mallversion INTEGER,
    programversion TEXT,
    fel INTEGER NOT NULL,
    varningar INTEGER NOT NULL,
    preliminar INTEGER NOT NULL CHECK (preliminar IN (0, 1)),
    ersatt_av INTEGER REFERENCES inlamning(id),
    korning INTEGER NOT NULL REFERENCES korning(id),
    UNIQUE (kommun, ar, sha256)
);
CREATE INDEX inlamning_kommun_ar ON inlamning (kommun, ar);
CREATE TABLE varde (
    inlamning INTEGER NOT NULL REFERENCES inlamning(id),
    rad INTEGER NOT NULL,
    nyckel TEXT NOT NULL,
    dimension TEXT NOT NULL,
    varde NUMERIC,
    maskerad INTEGER NOT NULL CHECK (maskerad IN (0, 1)),
    PRIMARY KEY (inlamning, rad)
);
CREATE TABLE plan (
    inlamning INTEGER NOT NULL REFERENCES inlamning(id),
    rad INTEGER NOT NULL,
    fokusomrade TEXT NOT NULL,
    aktivitet TEXT NOT NULL,
    status TEXT,
    uppfoljning TEXT,
    framtidsplan TEXT,
    PRIMARY KEY (inlamning, rad)
);
CREATE TABLE historik (
    inlamning INTEGER NOT NULL REFERENCES inlamning(id),
    ar INTEGER NOT NULL,
    nyckel TEXT NOT NULL,
    varde NUMERIC,
    PRIMARY KEY (inlamning, ar, nyckel)
);
CREATE TABLE anmarkning (
    inlamning INTEGER NOT NULL REFERENCES inlamning(id),
    rad INTEGER NOT NULL,
    typ TEXT NOT NULL,
    meddelande TEXT NOT NULL,
    flik TEXT,
    radnummer INTEGER,
    kolumn TEXT,
    nyckel TEXT,
    varde NUMERIC,
    grans NUMERIC,
    maskerat TEXT,
    PRIMARY KEY (inlamning, rad)
);
CREATE VIEW inlamningar AS
    SELECT i.id, i.kommun, i.ar, i.fil, i.sha256, i.mottagen, i.skapad,
           CASE WHEN i.ersatt_av IS NULL THEN 'används' ELSE 'ersatt' END AS status,
           e.fil AS ersatt_av_fil,
           CASE WHEN i.preliminar = 1 THEN 'preliminär' ELSE 'slutlig' END AS rapport,
           i.filtyp, i.mallversion, i.programversion, i.fel, i.varningar
    FROM inlamning AS i LEFT JOIN inlamning AS e ON e.id = i.ersatt_av;
"""


def _split(script: str) -> list[str]:
    """The SQL statements of a script, one by one (``executescript`` would commit on its own
    and break the migration's one transaction)."""
    out, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            out.append("\n".join(current))
            current = []
    return out


def _create(db: sqlite3.Connection) -> None:
    for statement in _split(_SCHEMA_1):
        db.execute(statement)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_create,)
"""``MIGRATIONS[n]`` takes an archive from schema version n to n + 1. Version 0 is an empty
database, so creating an archive is the first migration. A new version adds a step here (and
the test of the steps gets an archive of the old version); the steps run in order, in one
transaction, when an older archive is read."""
assert len(MIGRATIONS) == SCHEMA_VERSION


def migrate(db: sqlite3.Connection, where: str = "Arkivet") -> int:
    """Bring ``db`` to ``SCHEMA_VERSION`` in one transaction; returns the version it had."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ArchiveError(f"{where} är skrivet av en nyare version av halsocenter (arkivversion "
                           f"{version}; den här versionen läser till och med {SCHEMA_VERSION}). "
                           "Uppdatera programmet.")  # fmt: skip
    if version == SCHEMA_VERSION:
        return version
    db.execute("BEGIN")
    try:
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](db)
            db.execute(f"PRAGMA user_version = {step + 1}")
        db.execute(f"PRAGMA application_id = {ARCHIVE_APPLICATION_ID}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return version


def _columns(db: sqlite3.Connection) -> dict[str, list[str]]:
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
    return {n: [c[1] for c in db.execute(f"PRAGMA table_info({n!r})")] for n in names}


def _expected() -> dict[str, list[str]]:
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(db)
        return _columns(db)
    finally:
        db.close()


# --------------------------------------------------------------------------- listing


@dataclass(frozen=True)
class Submission:
    """One row of ``halsocenter arkiv``."""

    id: int
    kommun: str
    year: int
    file: str
    sha256: str
    received: str
    status: str
    replaced_by: str | None
    replaced_by_sha256: str | None
    preliminary: bool
    kind: str
    created: str | None

    def as_dict(self) -> dict:
        return {"kommun": self.kommun, "år": self.year, "fil": self.file, "sha256": self.sha256,
                "mottagen": self.received, "status": self.status, "ersatt_av": self.replaced_by,
                "ersatt_av_sha256": self.replaced_by_sha256, "preliminär": self.preliminary,
                "filtyp": self.kind, "skapad": self.created}


# --------------------------------------------------------------------------- the archive


def _time(value: datetime | None) -> str | None:
    return value.strftime(TIME_FORMAT) if value else None


def _parse_time(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text, TIME_FORMAT) if text else None
    except (TypeError, ValueError):
        return None


def _number(value):
    """A stored figure as the county uses it: whole numbers as int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Archive:
    """An archive read into memory; ``record`` writes it back atomically."""

    def __init__(self, path: Path, db: sqlite3.Connection, digest: str | None):
        self.path = path
        self.db = db
        self._digest = digest
        """SHA-256 of the file as read (None: there was none), to notice another run."""

    # ---- opening

    @classmethod
    def open(cls, path: str | Path, region: Region | None = None) -> Archive:
        """The archive at ``path`` (a new, empty one when there is no file), checked to be an
        archive of ``region`` (any region when None)."""
        path = Path(path)
        db = sqlite3.connect(":memory:", isolation_level=None)
        db.execute("PRAGMA trusted_schema = OFF")
        digest = None
        if path.exists() or path.is_symlink():
            data = _read(path)
            digest = hashlib.sha256(data).hexdigest()
            try:
                db.deserialize(data)
                db.execute("PRAGMA trusted_schema = OFF")
                ok = db.execute("PRAGMA quick_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise ArchiveError(f"Arkivet {path} är skadat och kan inte läsas ({exc}). "
                                   "Använd en säkerhetskopia.") from None  # fmt: skip
            if ok != "ok":
                raise ArchiveError(f"Arkivet {path} är skadat ({ok}). Använd en "
                                   "säkerhetskopia.")  # fmt: skip
        try:
            db.execute(f"DROP TABLE IF EXISTS {SEAL_TABLE}")  # sealed anew when written
            migrate(db, f"Arkivet {path}")
            found = _columns(db)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"Arkivet {path} kan inte läsas ({exc}).") from None
        if found != _expected():
            raise ArchiveError(f"Arkivet {path} har inte de tabeller och kolumner som ett arkiv "
                               f"version {SCHEMA_VERSION} har; det har ändrats utanför programmet "
                               "och används inte. Använd en säkerhetskopia.")  # fmt: skip
        archive = cls(path, db, digest)
        if region is not None:
            archive.check_region(region)
        return archive

    def check_region(self, region: Region) -> None:
        """One region per archive: refuse a run of another region."""
        row = self.db.execute("SELECT namn FROM region WHERE id = 1").fetchone()
        if row and fold(row[0]) != fold(region.name):
            raise ArchiveError(
                f"Arkivet {self.path} hör till {row[0]}, inte {region.name}. Ett arkiv gäller en "
                "region: välj rätt regionfil med --region eller ett annat arkiv.")

    @property
    def region_name(self) -> str | None:
        row = self.db.execute("SELECT namn FROM region WHERE id = 1").fetchone()
        return row[0] if row else None

    # ---- reading

    @property
    def region(self) -> Region | None:
        """The configuration the archive's latest run used (None before the first run)."""
        row = self.db.execute("SELECT installningar FROM region WHERE id = 1").fetchone()
        try:
            return parse(row[0], f"{self.path}, tabellen region") if row else None
        except RegionError:
            return None

    def submissions(self) -> list[Submission]:
        """Every submission, by year, kommun (in the region's order) and when it was
        received."""
        region = self.region
        rows = self.db.execute(
            "SELECT i.id, i.kommun, i.ar, i.fil, i.sha256, i.mottagen, i.ersatt_av, e.fil, "
            "e.sha256, i.preliminar, i.filtyp, i.skapad FROM inlamning AS i LEFT JOIN "
            "inlamning AS e ON e.id = i.ersatt_av "
            "ORDER BY i.ar, i.kommunkod, i.kommun, i.mottagen, i.id")  # fmt: skip
        out = [Submission(id_, kommun, year, file, sha, received,
                          STATUS_USED if by is None else STATUS_REPLACED, by_file, by_sha,
                          bool(prel), kind, created)
               for (id_, kommun, year, file, sha, received, by, by_file, by_sha, prel, kind,
                    created) in rows]  # fmt: skip
        if region is not None:  # the query's order, within a year the region's
            out.sort(key=lambda s: (s.year, region.rank(s.kommun)))
        return out

    def current_reports(self, region: Region) -> list[Report]:
        """The submissions in use (one per kommun and year) as the consolidation's Reports."""
        db = self.db
        heads = db.execute(
            "SELECT id, kommun, ar, fil, sha256, mottagen, skapad, filtid, filtyp, mallversion, "
            "programversion, fel, varningar, preliminar FROM inlamning WHERE ersatt_av IS NULL "
            "ORDER BY id").fetchall()  # fmt: skip
        rows: dict[int, list[ExportRow]] = {}
        for sid, key, dim, value, masked in db.execute(
                "SELECT inlamning, nyckel, dimension, varde, maskerad FROM varde "
                "ORDER BY inlamning, rad"):  # fmt: skip
            rows.setdefault(sid, []).append(ExportRow(key, dim, _number(value), bool(masked)))
        plans: dict[int, list[PlanRow]] = {}
        for sid, *fields in db.execute(
                "SELECT inlamning, fokusomrade, aktivitet, status, uppfoljning, framtidsplan "
                "FROM plan ORDER BY inlamning, rad"):  # fmt: skip
            plans.setdefault(sid, []).append(PlanRow(*fields))
        history: dict[int, dict[int, dict[str, float]]] = {}
        for sid, year, key, value in db.execute(
                "SELECT inlamning, ar, nyckel, varde FROM historik ORDER BY inlamning, ar"):
            history.setdefault(sid, {}).setdefault(year, {})[key] = _number(value)
        problems: dict[int, list[Problem]] = {}
        for sid, *fields in db.execute(
                "SELECT inlamning, typ, meddelande, flik, radnummer, kolumn, nyckel, varde, "
                "grans, maskerat FROM anmarkning ORDER BY inlamning, rad"):  # fmt: skip
            problems.setdefault(sid, []).append(Problem(*fields))
        out = []
        for (sid, kommun, year, name, sha, received, created, mtime, kind, template, program,
             errors, warnings, preliminary) in heads:  # fmt: skip
            canonical = region.named(kommun) or kommun
            out.append(Report(
                kommun=canonical, year=year, kind=kind, path=Path(name), rows=rows.get(sid, []),
                plan=tuple(plans.get(sid, ())), history=history.get(sid, {}),
                template_version=template, program_version=program,
                created=_parse_time(created), errors=errors, warnings=warnings,
                problems=problems.get(sid, []), in_county=canonical in region.names,
                sha256=sha, archived=True, received=_parse_time(received), mtime=mtime,
                says_preliminary=bool(preliminary)))
        return out

    # ---- writing

    def record(self, result: ConsolidationResult, out: Output) -> int:
        """Store this run's files and who replaced whom, then write the archive atomically
        under ``out``'s rules. Returns how many files were new to the archive."""
        db = self.db
        region = result.region
        db.execute("BEGIN")
        try:
            self._bind(region, result.now)
            run = db.execute("INSERT INTO korning (tid, programversion, nya_filer) "
                             "VALUES (?, ?, 0)", (_time(result.now), __version__)).lastrowid
            ids: dict[int, int] = {}
            added = 0
            fresh = [r for r in [*result.reports, *(old for old, _ in result.replaced)]
                     if r.sha256 and r.in_county]  # fmt: skip
            for r in sorted(fresh, key=lambda r: r.sort_time(result.now.timestamp())):
                found = self._known(r)
                if found is None:
                    found = self._insert(r, region, result.now, run)
                    added += 1
                ids[id(r)] = found
            for old, keep in result.replaced:
                old_id, keep_id = ids.get(id(old)), ids.get(id(keep))
                if old_id is not None and keep_id is not None and old_id != keep_id:
                    db.execute("UPDATE inlamning SET ersatt_av = ? WHERE id = ?",
                               (keep_id, old_id))
            for r in result.reports:  # the files in use are in use
                if id(r) in ids:
                    db.execute("UPDATE inlamning SET ersatt_av = NULL WHERE id = ?",
                               (ids[id(r)],))
            db.execute("UPDATE korning SET nya_filer = ? WHERE id = ?", (added, run))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._write(out)
        return added

    def _bind(self, region: Region, now: datetime) -> None:
        """The archive's region: set by the first run, its configuration kept up to date."""
        self.check_region(region)
        self.db.execute(
            "INSERT INTO region (id, namn, lan, installningar, uppdaterad) VALUES (1, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET lan = excluded.lan, "
            "installningar = excluded.installningar, uppdaterad = excluded.uppdaterad",
            (region.name, region.county, region.to_toml(), _time(now)))

    def _known(self, r: Report) -> int | None:
        row = self.db.execute("SELECT id FROM inlamning WHERE kommun = ? AND ar = ? AND "
                              "sha256 = ?", (r.kommun, r.year, r.sha256)).fetchone()
        return row[0] if row else None

    def _insert(self, r: Report, region: Region, now: datetime, run: int) -> int:
        db = self.db
        place = region.municipality(r.kommun)
        mtime = r.mtime
        if mtime is None:
            try:
                mtime = r.path.stat().st_mtime
            except OSError:
                mtime = None
        sid = db.execute(
            "INSERT INTO inlamning (kommun, kommunkod, ar, fil, sha256, mottagen, skapad, filtid, "
            "filtyp, mallversion, programversion, fel, varningar, preliminar, korning) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r.kommun, place.code if place else None, r.year, r.path.name, r.sha256, _time(now),
             _time(r.created), mtime, r.kind, r.template_version, r.program_version, r.errors,
             r.warnings, int(r.preliminary), run)).lastrowid  # fmt: skip
        db.executemany("INSERT INTO varde VALUES (?, ?, ?, ?, ?, ?)",
                       [(sid, i, x.key, x.dimension or "", x.value, int(x.masked))
                        for i, x in enumerate(r.rows)])  # fmt: skip
        db.executemany("INSERT INTO plan VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(sid, i, p.fokusomrade, p.aktivitet, p.status, p.uppfoljning,
                         p.framtidsplan) for i, p in enumerate(r.plan)])  # fmt: skip
        db.executemany("INSERT INTO historik VALUES (?, ?, ?, ?)",
                       [(sid, y, k, v) for y, values in sorted(r.history.items())
                        for k, v in values.items()])  # fmt: skip
        db.executemany("INSERT INTO anmarkning VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(sid, i, p.kind, p.message, p.sheet, p.row, p.column, p.key, p.value,
                         p.limit, p.masked) for i, p in enumerate(r.problems)])  # fmt: skip
        return sid

    def _write(self, out: Output) -> Path:
        data = self.db.serialize()

        def unchanged() -> None:
            if _digest_now(self.path) != self._digest:
                raise ArchiveError(
                    f"Arkivet {self.path} ändrades medan länet sammanställdes (av en annan "
                    "körning?). Arkivet skrevs inte; kör sammanställningen igen.")

        def write(tmp: Path) -> None:
            unchanged()  # again, just before the move: another run may finish meanwhile
            tmp.write_bytes(data)

        unchanged()  # before the seal is checked: a change since reading says more than "edited"
        return atomic_write(out, write)


def archive_output(path: str | Path, *inputs: Path, folders: tuple[Path, ...] = (),
                   create_parent: bool = True) -> Output:  # fmt: skip
    """Where ``--arkiv`` writes: an existing file only when it is an archive of ours, never a
    file the run reads or a file in the folder it reads."""
    import dataclasses

    target = Output.command("arkiv", Path(path), create_parent=create_parent).reading(*inputs)
    return dataclasses.replace(target, input_folders=(*target.input_folders, *folders))


def _read(path: Path) -> bytes:
    try:
        data = read_regular_file(path, MAX_BYTES)
    except WorkbookError as exc:
        reason = {"not_workbook": f"{path} är en mapp, inte ett arkiv.",
                  "too_big": f"Arkivet {path} är större än {MAX_BYTES >> 20} MB och läses inte."
                  }.get(exc.kind, f"Arkivet {path} kan inte läsas: det är ingen vanlig fil.")
        raise ArchiveError(reason) from None
    if not data.startswith(SQLITE_HEADER):
        raise ArchiveError(f"{path} är inget arkiv från halsocenter (ingen SQLite-databas). "
                           "Ange ett arkiv som programmet har skrivit, eller ett nytt namn.")
    if int.from_bytes(data[68:72], "big") != ARCHIVE_APPLICATION_ID:
        raise ArchiveError(f"{path} är en SQLite-databas men inget arkiv från halsocenter; den "
                           "används inte. Ange ett nytt namn för arkivet.")  # fmt: skip
    return data


def _digest_now(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ArchiveError(f"Arkivet {path} kan inte läsas ({exc.strerror}).") from None
