"""Writing files so that nobody ever sees half of one, and never over what was read.

Every output (workbooks, the Word report, export files, the county workbook, the add-in) goes
through ``atomic_write``, and every command describes its output as an ``Output``: the path,
the files and folders it reads, and which existing file (if any) it may replace. One place
decides, for the CLI and the ribbon alike:

* **Never over an input.** The output may not be, or resolve to, one of the inputs — through
  ``..``, a symbolic link or a hard link, whatever the extension — nor lie inside a folder the
  command reads.
* **Replace only what was promised.** ``replaces=None``: an existing file is never replaced,
  and the check is atomic (the finished temporary file is hard-linked to the target name, which
  fails if any other process created it first). ``replaces=KIND_EXPORT`` (etc.): only an earlier
  output of that kind that is still exactly what this program wrote (``ownership``: every such
  output is sealed with a digest of its parts when written, and the file on disk must still
  match it) and that is not write-protected is replaced. An edited output is refused, with a
  free name suggested. ``REPLACE_POLICY`` says which applies to which command.
* **Temporary files** are written beside the target as ``.~halsocenter-<host>-<pid>-….tmp``,
  removed on any failure or interruption, and left-overs of a killed run (the owning process is
  gone, or the file is older than a day) are removed by the next run that writes in the folder.
* **Expected failures** (disk full, no permission, missing folder, a folder where a file is
  expected) raise ``OutputError`` with a Swedish message naming the file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import os
import platform
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from halsocenter.errors import UserError

TEMP_TAG = "halsocenter"
STALE_SECONDS = 24 * 3600
"""A temporary file or folder of ours this old is stale even if its process id is in use."""

KIND_SUMMARY, KIND_EXPORT, KIND_COUNTY, KIND_REPORT = ("sammanstallning", "exportfil", "lan",
                                                       "verksamhetsberattelse")  # fmt: skip
KIND_ARCHIVE = "arkiv"
KIND_COUNTY_REPORT = "lansrapport"
ARCHIVE_APPLICATION_ID = 0x48434152
"""SQLite's ``application_id`` (bytes 68-71 of the file) of the region's archive, "HCAR": what
the file is (``region.archive``); that it is still ours is its seal (``ownership``)."""
ANY = "*"
"""``replaces=ANY``: generated files with no user content (template, examples, add-in)."""

KIND_WORDS = {
    KIND_SUMMARY: "en sammanställning", KIND_EXPORT: "en exportfil",
    KIND_COUNTY: "en länssammanställning", KIND_REPORT: "en Word-rapport",
    KIND_ARCHIVE: "ett arkiv", KIND_COUNTY_REPORT: "en länsrapport",
}  # fmt: skip


class OutputError(UserError):
    """The output cannot be written; ``message`` is Swedish and names the file. Nothing was
    written."""

    def __init__(self, message: str, path: Path | None = None, reason: str = ""):
        super().__init__(message)
        self.path = path
        self.reason = reason
        """``"input"`` when the output would be one of the files read; adapters add advice."""


# --------------------------------------------------------------------------- inputs


def _identity(path: str | os.PathLike) -> tuple[int, int] | None:
    """(device, inode) of the file ``path`` leads to, through any links; None when there is
    none. Two paths with the same identity are the same file, however they are spelled."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _spelling(path: str | os.PathLike) -> str:
    """The absolute path with ``.`` and ``..`` taken away, as the file system compares names."""
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether ``a`` and ``b`` name the same file (also through ``..``, a symbolic link or a
    hard link): an output is never allowed to be its own input."""
    ida = _identity(a)
    return (ida is not None and ida == _identity(b)) or _spelling(a) == _spelling(b)


def inside(path: str | os.PathLike, folder: str | os.PathLike) -> bool:
    """Whether ``path`` (resolved) lies in ``folder`` or below it."""
    try:
        p, f = Path(path).resolve(), Path(folder).resolve()
        return p == f or p.is_relative_to(f) or (
            os.path.normcase(str(p)).startswith(os.path.normcase(str(f)) + os.sep))
    except (OSError, RuntimeError):
        return False


def data_path(folder: str | os.PathLike, template: str, suffix: str, **fields: object) -> Path:
    """The path of a file named from data (the workbook's Kommun and year): the one way such a
    name becomes a path. ``core.filenames.file_name`` makes the name (or refuses the value with
    a Swedish message), and the result must lie in ``folder`` itself, never above or beside it."""
    from halsocenter.core.filenames import file_name

    name = file_name(template, suffix, **fields)
    folder = Path(folder)
    path = folder / name
    try:
        lands = path.name == name and path.parent.resolve() == folder.resolve()
    except (OSError, RuntimeError):
        lands = False
    if not lands:  # cannot happen with a name from file_name; kept as the guard it promises
        raise OutputError(f"Filnamnet {name} skulle hamna utanför mappen {folder}; inget "
                          "skrevs.", path)  # fmt: skip
    return path


# --------------------------------------------------------------------------- our own outputs


def output_kind(path: str | os.PathLike) -> str | None:
    """The kind of our output (``KIND_*``) the file at ``path`` still exactly is, or None: any
    other file, and any output of ours that someone has changed since (``ownership``)."""
    from halsocenter.ownership import owner_kind

    return owner_kind(path)


def free_name(path: str | os.PathLike) -> Path:
    """``path`` itself when nothing is there, else the first free ``name (2).ext``,
    ``name (3).ext`` … beside it: the name a refusal suggests instead."""
    path = Path(path)
    if not os.path.lexists(path):
        return path
    n = 2
    while os.path.lexists(candidate := path.with_name(f"{path.stem} ({n}){path.suffix}")):
        n += 1
    return candidate


# --------------------------------------------------------------------------- temporary files

def _host_tag() -> str:
    """8 hex digits naming this computer, so a process id is only judged on its own host."""
    return hashlib.sha1(platform.node().encode("utf-8", "replace")).hexdigest()[:8]


_HOST = _host_tag()
_OURS = re.compile(rf"^(?:\.~)?{TEMP_TAG}-([0-9a-f]{{8}})-(\d+)-[0-9a-z_]+(?:\.tmp)?$")


def temp_prefix(hidden: bool = True) -> str:
    """Start of the names of this process's temporary files (``hidden``) and folders."""
    return f"{'.~' if hidden else ''}{TEMP_TAG}-{_HOST}-{os.getpid()}-"


def _process_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    if sys.platform == "win32":  # os.kill would end the process there
        import _winapi

        try:
            handle = _winapi.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        except OSError as exc:
            return getattr(exc, "winerror", None) == 87  # ERROR_INVALID_PARAMETER: no process
        try:
            return _winapi.GetExitCodeProcess(handle) != 259  # STILL_ACTIVE
        finally:
            _winapi.CloseHandle(handle)
    if not hasattr(os, "kill"):  # no processes to ask about (Pyodide): age decides
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


def _stale(entry: os.DirEntry) -> bool:
    found = _OURS.match(entry.name)
    if not found:
        return False
    host, pid = found.group(1), int(found.group(2))
    try:
        age = time.time() - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    return age > STALE_SECONDS or (host == _HOST and _process_gone(pid))


def clean_stale(folder: str | os.PathLike) -> list[Path]:
    """Remove our temporary files and folders that a killed run left in ``folder``: only names
    of our own pattern, only when the owning process is gone or the entry is older than a day."""
    import shutil

    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _stale(entry):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


# --------------------------------------------------------------------------- the output

REPLACE_POLICY: dict[str, tuple[str | None, str | None]] = {
    "new-workbook": (None, ".xlsx"),
    "rollover": (None, ".xlsx"),
    "upgrade": (None, ".xlsx"),
    "summary": (KIND_SUMMARY, None),  # the workbook's own extension
    "report": (KIND_REPORT, ".docx"),
    "export": (KIND_EXPORT, ".xlsx"),
    "region": (KIND_COUNTY, ".xlsx"),
    "arkiv": (KIND_ARCHIVE, ".sqlite"),
    "lansrapport": (KIND_COUNTY_REPORT, ".docx"),
    "addin": (ANY, ".xlam"),
}
"""Per command: which existing file its output may replace (None: none, atomically; a kind:
only an earlier output of that kind that this program wrote; ANY: any) and the extension."""


@dataclass(frozen=True)
class Output:
    """Where a command writes, what it reads and what it may replace.

    ``inputs``: files the command reads; ``input_folders``: folders it reads (the output may not
    lie in them); ``replaces``: None (never replace an existing file), a ``KIND_*`` (replace only
    an earlier output of that kind) or ``ANY``; ``suffix``: the required file extension;
    ``create_parent``: make a missing parent folder (generators only; commands refuse)."""

    path: Path
    inputs: tuple[Path, ...] = ()
    input_folders: tuple[Path, ...] = ()
    replaces: str | None = None
    suffix: str | None = None
    create_parent: bool = False
    fixed_name: bool = False
    """The program names the file (the export file): a refusal suggests another folder."""

    @classmethod
    def of(cls, target: str | os.PathLike | Output) -> Output:
        """``target`` as an Output: an Output stays as the caller made it; a plain path is a
        generated file with no user content (template, examples): replaced, parents made."""
        if isinstance(target, Output):
            return target
        return cls(Path(target), replaces=ANY, create_parent=True)

    @classmethod
    def command(cls, command: str, target: str | os.PathLike | Output, *,
                create_parent: bool = True) -> Output:  # fmt: skip
        """``target`` under ``command``'s ``REPLACE_POLICY``; an Output stays as it is (the
        command line builds it with ``create_parent=False`` and passes it down)."""
        if isinstance(target, Output):
            return target
        replaces, suffix = REPLACE_POLICY[command]
        return cls(Path(target), replaces=replaces, suffix=suffix, create_parent=create_parent)

    def reading(self, *paths: str | os.PathLike | None) -> Output:
        """The same output, with more files it must not be (the writer's own inputs)."""
        more = tuple(Path(p) for p in paths if p is not None)
        return dataclasses.replace(self, inputs=(*self.inputs, *more))

    def at(self, path: str | os.PathLike) -> Output:
        """The same rules for another path (the export file inside the output folder)."""
        return dataclasses.replace(self, path=Path(path))

    def check(self) -> None:
        """Raise ``OutputError`` unless the output may be written (see the module docstring)."""
        path = Path(self.path)
        name = str(path)
        target, spelled = _identity(path), _spelling(path)
        for src in self.inputs:  # the same file, or the same name spelled with "x/.."
            if (target is not None and _identity(src) == target) or _spelling(src) == spelled:
                raise OutputError(
                    f"Utfilen {name} är samma fil som indata ({Path(src).name}) – programmet "
                    "skriver aldrig över en fil det läser.", path, reason="input")
        for folder in self.input_folders:
            if inside(path, folder):
                raise OutputError(
                    f"Utfilen {name} ligger i mappen {folder} som läses in. Lägg den utanför "
                    "mappen, så blandas den inte ihop med filerna som läses.", path)
        if self.suffix and path.suffix.lower() != self.suffix:
            raise OutputError(f"Utfilen {name} ska ha filändelsen {self.suffix}.", path)
        if path.is_dir():
            raise OutputError(f"{name} är en mapp. Ange ett filnamn, t.ex. "
                              f"{path / ('namn' + (self.suffix or '.xlsx'))}.", path)  # fmt: skip
        parent = path.parent
        if not parent.is_dir():
            if self.create_parent and not parent.exists():
                return
            what = "är inte en mapp" if parent.exists() else "finns inte"
            raise OutputError(f"Mappen {parent} {what}, så {path.name} kan inte skrivas där. "
                              "Skapa mappen först eller välj en annan plats.", path)  # fmt: skip
        if os.path.lexists(path):
            self._check_replace(path)

    def _check_replace(self, path: Path) -> None:
        name = str(path)
        if self.replaces is None:
            raise OutputError(f"Filen {name} finns redan. Välj ett annat namn eller ta bort den "
                              "först.", path)  # fmt: skip
        if not path.is_file():
            raise OutputError(f"{name} finns redan och är inte en vanlig fil; den skrivs inte "
                              "över.", path)  # fmt: skip
        if self.replaces != ANY and output_kind(path) != self.replaces:
            if self.fixed_name:
                instead = ("Flytta undan den eller byt namn på den (t.ex. till "
                           f"{free_name(path).name}), eller välj en annan mapp.")  # fmt: skip
            else:
                instead = (f"Välj ett annat namn, t.ex. {free_name(path).name}, eller flytta "
                           "undan den gamla filen.")  # fmt: skip
            raise OutputError(
                f"Filen {name} finns redan och är inte exakt {KIND_WORDS[self.replaces]} som "
                "programmet har skrivit: den har ändrats sedan dess (eller är en annan fil), så "
                f"den skrivs inte över – det som står i den finns kvar. {instead}", path,
                reason="not_ours")
        if read_only(path):
            raise OutputError(f"Filen {name} är skrivskyddad och skrivs inte över. Ta bort "
                              "skrivskyddet eller välj ett annat namn.", path)  # fmt: skip


def read_only(path: Path) -> bool:
    """Write-protected: no write bit (also for root, and Windows' read-only attribute) or no
    write access for this user."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)


_DISK_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _oserror_message(exc: OSError, path: Path) -> str | None:
    """The Swedish message for an expected failure while writing ``path``."""
    name = str(path)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return (f"Disken är full: {name} kunde inte skrivas. Frigör utrymme och försök igen; "
                "inget skrevs.")  # fmt: skip
    if exc.errno == errno.EFBIG:
        return (f"{name} kunde inte skrivas: filen blev större än vad disken eller kontot "
                "tillåter. Inget skrevs.")  # fmt: skip
    if exc.errno == errno.EROFS:
        return f"{name} kunde inte skrivas: disken är skrivskyddad. Inget skrevs."
    if isinstance(exc, PermissionError):
        return (f"Du saknar behörighet att skriva {name}, eller så är filen öppen i ett annat "
                "program. Stäng den eller välj en annan mapp; inget skrevs.")  # fmt: skip
    if isinstance(exc, FileNotFoundError):
        return f"Mappen {path.parent} finns inte, så {path.name} kan inte skrivas där."
    return None


def atomic_write(target: str | os.PathLike | Output, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` to fill a temporary file beside the target, then move it into place
    under ``target``'s rules (``Output``; a plain path is a generated file that may be
    replaced). Returns the path written."""
    out = Output.of(target)
    out.check()
    path = Path(out.path)
    if out.create_parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path.parent)
    try:
        fd, name = tempfile.mkstemp(prefix=temp_prefix(), suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(_oserror_message(exc, path) or f"{path} kunde inte skrivas ({exc}).",
                          path) from exc  # fmt: skip
    tmp = Path(name)
    raw: Path | None = None
    try:
        os.close(fd)
        if out.replaces in (None, ANY):
            write(tmp)
        else:  # an output that a later run may replace: sealed, so an edit is seen
            from halsocenter.ownership import seal

            fd, raw_name = tempfile.mkstemp(prefix=temp_prefix(), suffix=".tmp", dir=path.parent)
            os.close(fd)
            raw = Path(raw_name)
            write(raw)
            with open(tmp, "wb") as fh:
                seal(raw, fh, out.replaces)
            raw.unlink()
            raw = None
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a normal file is wanted
        out.check()  # again: another process may have made the file meanwhile
        _commit(tmp, path, exclusive=out.replaces is None)
    except OSError as exc:
        about_other_file = exc.filename not in (None, str(tmp), str(raw), str(path),
                                                str(path.parent))  # fmt: skip
        message = None if about_other_file and exc.errno not in _DISK_ERRORS else \
            _oserror_message(exc, path)  # fmt: skip
        if message is None:
            raise
        raise OutputError(message, path) from exc
    finally:  # also on Ctrl+C or SIGTERM (the command line turns it into an exception)
        for leftover in (tmp, raw):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    leftover.unlink()
    return path


def _commit(tmp: Path, path: Path, *, exclusive: bool) -> None:
    if not exclusive:
        os.replace(tmp, path)
        return
    try:
        if sys.platform == "win32":
            os.rename(tmp, path)  # Windows: fails when the target exists
        else:
            os.link(tmp, path)  # fails when the target exists; tmp is removed afterwards
    except FileExistsError as exc:
        raise OutputError(f"Filen {path} finns redan (den skapades nyss av något annat). Välj "
                          "ett annat namn eller ta bort den först.", path) from exc  # fmt: skip
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                             errno.ENOSYS, errno.EMLINK):  # fmt: skip
            raise
        # a file system without hard links: reserve the name exclusively, then fill it
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError as exists:
            raise OutputError(f"Filen {path} finns redan. Välj ett annat namn eller ta bort den "
                              "först.", path) from exists  # fmt: skip
        os.replace(tmp, path)


def write_bytes_atomic(target: str | os.PathLike | Output, data: bytes) -> Path:
    return atomic_write(target, lambda tmp: tmp.write_bytes(data))
