"""What the region received: one ``Report`` per municipality-year read from a file, the files
that could not be used, and the result of a consolidation.

The reader (``consolidate``) makes these and the county workbook (``county_book``) shows
them; both import them from here, so neither imports the other's module to know the types.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from halsocenter.core import contract as C
from halsocenter.core.analysis import Status
from halsocenter.core.region_config import DEFAULT, Region
from halsocenter.core.summary import PlanRow
from halsocenter.core.swedish import count, whole
from halsocenter.errors import UserError
from halsocenter.region import screening as S
from halsocenter.region.export_format import ExportRow
from halsocenter.region.outliers import Outlier
from halsocenter.region.screening import Problem

COUNTY = S.COUNTY
"""Länet's own row in Rapportdata and the county workbook."""
KIND_EXPORT = "exportfil"
KIND_WORKBOOK = "arbetsbok"
PARTLY_MASKED = "Delvis"
STATUS_UNREADABLE = "Kunde inte läsas"
STATUS_REFUSED = "Används inte"
STATUS_LEFT_OUT = "Bortvald"
STATUS_SKIPPED = "Hoppades över"
"""A file in the folder that is no submission (a lock file, a hidden file, a folder, a PDF):
listed with its reason, but nothing the region must act on."""



class FileProblem(UserError):
    """A file in the folder that cannot be used; ``message`` is the Swedish reason as the
    county workbook may show it (no file name, no value read), ``detail`` what the command
    line may add (the reader's own message, identity numbers masked), ``status`` whether it
    could not be read or was read and refused."""

    def __init__(self, message: str, status: str = STATUS_UNREADABLE, kommun: str | None = None,
                 detail: str = ""):  # fmt: skip
        super().__init__(message)
        self.status = status
        self.kommun = kommun
        self.detail = detail


@dataclass
class Report:
    """One municipality-year as read from one file."""

    kommun: str
    year: int
    kind: str
    path: Path
    rows: list[ExportRow]
    plan: tuple[PlanRow, ...] = ()
    history: dict[int, dict[str, float]] = field(default_factory=dict)
    template_version: Any = None
    program_version: Any = None
    created: datetime | None = None
    errors: int = 0
    warnings: int = 0
    problems: list[Problem] = field(default_factory=list)
    """What was left out of this file, and why (see ``screening``)."""
    number: int = 0
    """The file's place among the folder's files (Fil nr): how the county workbook names it."""
    says_preliminary: bool = False
    """Sheet Info says Preliminär."""
    in_county: bool = True
    """The kommun is one of the region's (set by the reader, which knows the region)."""
    sha256: str | None = None
    """Digest of the file's bytes: the archive knows a file it has seen by it."""
    archived: bool = False
    """Read back from the archive (an earlier run's file), not from this run's folder."""
    received: datetime | None = None
    """When the archive took the file in (archived reports only)."""
    mtime: float | None = None
    """The file's modification time as recorded (archived reports; others ask the file)."""
    _totals: dict[str, float | None] | None = field(default=None, init=False, repr=False,
                                                    compare=False)  # fmt: skip

    @property
    def status(self) -> Status:
        """The errors left in the workbook the file was made from, as ``analysis.Status``
        judges them."""
        return Status(self.errors)

    @property
    def preliminary(self) -> bool:
        """Errors were left (``analysis.Status``), or the file says Preliminär itself."""
        return self.status.preliminary or self.says_preliminary

    @property
    def status_label(self) -> str:
        return C.STATUS_PRELIMINARY if self.preliminary else C.STATUS_FINAL

    def totals(self) -> dict[str, float | None]:
        """Figures without a dimension, by key (built once: the county sums ask often)."""
        if self._totals is None:
            self._totals = {r.key: r.value for r in self.rows if not r.dimension}
        return self._totals

    @property
    def identity_numbers(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == S.KIND_IDENTITY]

    def sort_time(self, now: float | None = None) -> tuple:
        """Newest-file order: a file that records when it was made before one that does not
        (or whose record was not believed), then that time, the file's mtime and the name. A
        time in the future counts as unknown."""
        limit = (now if now is not None else time.time()) + S.FUTURE_SLACK.total_seconds()
        mtime = self.mtime
        if mtime is None:
            try:
                mtime = self.path.stat().st_mtime
            except OSError:
                mtime = 0.0
        mtime = mtime if mtime <= limit else 0.0
        created = self.created.timestamp() if self.created else mtime
        return self.created is not None, created, mtime, self.path.name


@dataclass
class Unread:
    """A file that is not part of the county: it could not be read, or it was refused.
    ``reason`` is the county workbook's sentence, ``detail`` the command line's."""

    path: Path
    reason: str
    status: str = STATUS_UNREADABLE
    kommun: str | None = None
    number: int = 0
    detail: str = ""


@dataclass
class ConsolidationResult:
    out: Path
    reports: list[Report]
    replaced: list[tuple[Report, Report]]  # (older file left out, file kept)
    unreadable: list[Unread]
    outliers: list[Outlier]
    history: dict[str, dict[int, dict[str, float]]] = field(default_factory=dict)
    """Totals per kommun and year, from every kept file's Tidigare år and own year."""
    reported: dict[str, set[int]] = field(default_factory=dict)
    """The years each kommun sent a file for."""
    now: datetime = field(default_factory=datetime.now)
    seconds: float = 0.0
    region: Region = DEFAULT
    archive: Path | None = None
    """The archive the run read earlier years from and recorded its files in (``--arkiv``)."""
    archived_new: int = 0
    """Files this run added to the archive."""
    report: Path | None = None
    """The county report written (``--rapport``)."""

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.reports})

    @property
    def latest_year(self) -> int | None:
        """The year the county workbook is about: the latest a county municipality reported
        for (a file from outside the county does not set it)."""
        years = [r.year for r in self.reports if r.in_county] or self.years
        return max(years) if years else None

    def missing(self, year: int) -> list[str]:
        have = {r.kommun for r in self.reports if r.year == year}
        return [k for k in self.region.names if k not in have]

    def reported_in_county(self, year: int | None) -> list[Report]:
        return [r for r in self.reports if r.year == year and r.in_county]

    @property
    def with_problems(self) -> list[Report]:
        """Files read (kept, or left out as older duplicates) in which something was wrong."""
        return [r for r in [*self.reports, *(old for old, _ in self.replaced)] if r.problems]

    @property
    def outside(self) -> list[Report]:
        """Archived files of a kommun the region's settings no longer have (a file from outside
        the region is never used in a run)."""
        return [r for r in self.reports if not r.in_county]

    def preliminary(self, year: int | None) -> list[Report]:
        """The county municipalities whose file for ``year`` is preliminary, in county order."""
        return [r for r in self.reported_in_county(year) if r.preliminary]

    @property
    def needs_attention(self) -> bool:
        """Anything the region must look at in this run's files: no usable file, a file not
        used, a value left out or a file from outside the county (the CLI's exit code 1); files
        merely skipped (lock files, subfolders) are not, and what an archived file of an
        earlier run had was told then."""
        fresh = [r for r in self.with_problems if not r.archived]
        return not self.reports or bool(self.not_used or fresh or self.outside)

    @property
    def not_used(self) -> list[Unread]:
        """Files that could not be read or were refused (not the ones merely skipped)."""
        return [u for u in self.unreadable if u.status != STATUS_SKIPPED]

    @property
    def skipped(self) -> list[Unread]:
        return [u for u in self.unreadable if u.status == STATUS_SKIPPED]

    def files(self) -> list[tuple[int, Path]]:
        """(Fil nr, path) of every file read or listed, in the folder's order (archived files
        of earlier runs are not in the folder and have no number)."""
        paths = [(r.number, r.path) for r in self.reports if not r.archived]
        paths += [(old.number, old.path) for old, _ in self.replaced if not old.archived]
        paths += [(u.number, u.path) for u in self.unreadable]
        return sorted(paths, key=lambda item: item[0])

    def as_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.out),
            "region": self.region.name,
            "archive": ({"path": str(self.archive), "added": self.archived_new}
                        if self.archive else None),
            "report": str(self.report) if self.report else None,
            "years": self.years,
            "reported": [{"kommun": r.kommun, "year": r.year, "number": r.number,
                          "file": S.mask_identities(r.path.name),
                          "kind": r.kind, "in_county": r.in_county, "errors": r.errors,
                          "warnings": r.warnings, "status": r.status_label,
                          "archived": r.archived} for r in self.reports],
            "missing": {str(y): self.missing(y) for y in self.years},
            "preliminary": {str(y): [r.kommun for r in self.preliminary(y)] for y in self.years},
            "unreadable": [{"number": u.number, "file": S.mask_identities(u.path.name),
                            "reason": u.reason, "detail": S.mask_identities(u.detail),
                            "status": u.status}
                           for u in self.not_used],
            "skipped": [{"number": u.number, "file": S.mask_identities(u.path.name),
                         "reason": u.reason} for u in self.skipped],
            "problems": [{"number": r.number, "file": S.mask_identities(r.path.name),
                          "kommun": r.kommun, "year": r.year, "kind": p.kind,
                          "message": S.mask_identities(p.message)}
                         for r in self.with_problems for p in r.problems],
            "duplicates": [{"kommun": keep.kommun, "year": keep.year,
                            "kept": S.mask_identities(keep.path.name), "kept_number": keep.number,
                            "left_out": S.mask_identities(old.path.name),
                            "left_out_number": old.number}
                           for old, keep in self.replaced],
            "outliers": len(self.outliers),
            "seconds": round(self.seconds, 3),
        }  # fmt: skip

    def describe(self) -> str:
        year = self.latest_year
        if year is None:
            parts = ["Inga filer kunde sammanställas."]
        else:
            county = self.reported_in_county(year)
            parts = [reporting_line(len(county), len(self.region.names), year)]
            missing = self.missing(year)
            if missing:
                parts.append(f"Saknas: {', '.join(missing)}.")
            preliminary = self.preliminary(year)
            if preliminary:
                parts.append(f"Preliminära siffror (fel kvar i arbetsboken): "
                             f"{', '.join(r.kommun for r in preliminary)}.")
        for n, singular, plural in (
            (len(self.not_used), "fil kunde inte läsas eller används inte",
             "filer kunde inte läsas eller används inte"),
            (len(self.skipped), "fil i mappen hoppades över (inte en arbetsbok)",
             "filer i mappen hoppades över (inte arbetsböcker)"),
            (len([r for r in self.with_problems if not r.archived]),
             "fil har värden som inte togs med", "filer har värden som inte togs med"),
            (len(self.outside), "fil gäller en kommun utanför länet",
             "filer gäller kommuner utanför länet"),
            (len(self.replaced), "dubblett: den nyaste filen används",
             "dubbletter: den nyaste filen används"),
            (len(self.outliers), "avvikelse att titta på", "avvikelser att titta på"),
        ):  # fmt: skip
            if n:
                parts.append(f"{count(n, singular, plural).capitalize()}.")
        if self.archive is not None:
            parts.append(f"Arkivet fick {count(self.archived_new, 'ny fil', 'nya filer')}.")
        return " ".join(parts) + " Se fliken Inrapportering."


def reporting_line(reported: int, municipalities: int, year: int) -> str:
    """"9 av 13 kommuner har rapporterat för 2024." -- the county workbook's, the county
    report's and the command's one sentence about who reported."""
    noun = "kommun" if municipalities == 1 else "kommuner"
    return f"{whole(reported)} av {whole(municipalities)} {noun} har rapporterat för {year}."
