"""Writing outputs safely (``atomic``, ``scratch``), in-process and quick (issue 20).

``test_hostile_write.py`` drives the real commands in child processes (races, signals, a full
tmpfs, RLIMIT_FSIZE, dropped capabilities) and is marked slow. Here the rules those commands
rely on are checked directly: which outputs are refused and with what Swedish message, what an
operating-system failure while writing is told as, that nothing is left behind, that the
left-overs of a killed run are removed by the next one, and that a command's caches and
temporary files stay in a private folder.
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest

from halsocenter import atomic
from halsocenter.atomic import ANY, KIND_EXPORT, Output, OutputError, atomic_write, clean_stale


def refused(output: Output, *words: str) -> OutputError:
    with pytest.raises(OutputError) as caught:
        output.check()
    for word in words:
        assert word in caught.value.message, (word, caught.value.message)
    return caught.value


def test_an_output_inside_a_folder_it_reads_is_refused(tmp_path):
    folder = tmp_path / "kommuner"
    (folder / "undermapp").mkdir(parents=True)
    for path in (folder / "lan.xlsx", folder / "undermapp" / "lan.xlsx",
                 folder / "undermapp" / ".." / "lan.xlsx"):  # fmt: skip
        error = refused(Output(path, input_folders=(folder,), suffix=".xlsx"),
                        f"ligger i mappen {folder} som läses in")  # fmt: skip
        assert error.path == path
    Output(tmp_path / "lan.xlsx", input_folders=(folder,), suffix=".xlsx").check()  # beside it


def test_a_folder_where_the_file_should_be_is_refused_with_an_example_name(tmp_path):
    folder = tmp_path / "rapport.docx"
    folder.mkdir()
    refused(Output(folder, suffix=".docx"), f"{folder} är en mapp. Ange ett filnamn",
            str(folder / "namn.docx"))  # fmt: skip
    refused(Output(folder), str(folder / "namn.xlsx"))  # no extension asked: a workbook


def test_a_missing_folder_is_made_only_for_generated_files(tmp_path):
    missing = tmp_path / "saknas" / "ut.xlsx"
    refused(Output(missing), f"Mappen {missing.parent} finns inte", "Skapa mappen först")
    Output(missing, create_parent=True).check()
    a_file = tmp_path / "fil"
    a_file.write_text("x")
    refused(Output(a_file / "ut.xlsx", create_parent=True), f"Mappen {a_file} är inte en mapp")


def test_a_write_protected_earlier_output_is_not_replaced(tmp_path):
    earlier = tmp_path / "lan.xlsx"
    earlier.write_bytes(b"x")
    Output(earlier, replaces=ANY).check()
    earlier.chmod(0o444)
    refused(Output(earlier, replaces=ANY), f"Filen {earlier} är skrivskyddad",
            "Ta bort skrivskyddet")  # fmt: skip
    with pytest.raises(OutputError, match="skrivskyddad"):
        atomic_write(Output(earlier, replaces=ANY), lambda tmp: tmp.write_bytes(b"ny"))
    assert earlier.read_bytes() == b"x"


def test_another_file_by_the_same_name_is_never_replaced(tmp_path):
    theirs = tmp_path / "Halsocenter_Vaggeryd_2024.xlsx"
    theirs.write_bytes("inte vår".encode())
    refused(Output(theirs, replaces=KIND_EXPORT),
            "finns redan och är inte exakt en exportfil som programmet har skrivit",
            "Halsocenter_Vaggeryd_2024 (2).xlsx")  # fmt: skip
    refused(Output(theirs), "finns redan. Välj ett annat namn")


@pytest.mark.parametrize(("error", "said"), [
    (OSError(errno.ENOSPC, "No space left on device"), "Disken är full: {path} kunde inte skrivas"),
    (OSError(errno.EDQUOT, "Disk quota exceeded"), "Disken är full"),
    (OSError(errno.EFBIG, "File too large"), "filen blev större än vad disken eller kontot tillåter"),
    (OSError(errno.EROFS, "Read-only file system"), "disken är skrivskyddad"),
    (PermissionError(errno.EACCES, "Permission denied"), "Du saknar behörighet att skriva {path}"),
])  # fmt: skip
def test_a_failure_while_writing_is_told_in_swedish_and_leaves_nothing(tmp_path, error, said):
    target = tmp_path / "ut.xlsx"

    def write(tmp: Path):
        tmp.write_bytes(b"halvfardig")
        error.filename = str(tmp)
        raise error

    with pytest.raises(OutputError) as caught:
        atomic_write(Output(target), write)
    assert said.format(path=target) in caught.value.message
    assert "inget skrevs" in caught.value.message.lower()
    assert list(tmp_path.iterdir()) == []  # no temporary file, no half output


def test_a_failure_about_another_file_is_not_dressed_up_as_a_write_failure(tmp_path):
    """An error reading some other file while writing is a bug or the caller's business: it
    propagates as it is (and the temporary file is still removed)."""
    target = tmp_path / "ut.xlsx"

    def write(tmp: Path):
        tmp.write_bytes(b"x")
        raise PermissionError(errno.EACCES, "Permission denied", "/någon/annan/fil")

    with pytest.raises(PermissionError):
        atomic_write(Output(target), write)
    assert list(tmp_path.iterdir()) == []


def test_no_room_for_the_temporary_file_is_told_as_a_full_disk(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", full)
    target = tmp_path / "ut.xlsx"
    with pytest.raises(OutputError, match=f"Disken är full: {target} kunde inte skrivas"):
        atomic_write(Output(target), lambda tmp: tmp.write_bytes(b"x"))


def test_the_finished_file_waits_beside_the_target_until_it_is_moved_in(tmp_path, monkeypatch):
    """Right before the move, the whole new file is a temporary file in the target's own folder
    (so the move is a rename on one disk), and the target does not exist yet."""
    target = tmp_path / "ut.xlsx"
    seen = []
    commit = atomic._commit

    def watched(tmp: Path, path: Path, *, exclusive: bool) -> None:
        seen.append((tmp.parent, tmp.read_bytes(), path.exists()))
        commit(tmp, path, exclusive=exclusive)

    monkeypatch.setattr(atomic, "_commit", watched)
    atomic_write(Output(target), lambda tmp: tmp.write_bytes(b"klar"))
    [(folder, content, existed)] = seen
    assert folder == tmp_path and content == b"klar" and not existed
    assert target.read_bytes() == b"klar" and list(tmp_path.iterdir()) == [target]


def _gone_pid() -> int:
    """A process id no process has (the highest ids are free on any ordinary machine)."""
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            pass
        pid -= 1


def test_the_left_overs_of_a_killed_run_are_removed_and_nothing_else(tmp_path):
    host = atomic._HOST
    dead = _gone_pid()
    left_file = tmp_path / f".~halsocenter-{host}-{dead}-abc123.tmp"
    left_dir = tmp_path / f"halsocenter-{host}-{dead}-xyz_9"
    old = tmp_path / f".~halsocenter-{'0' * 8}-{os.getpid()}-old1.tmp"  # another host, a day old
    live = tmp_path / f".~halsocenter-{host}-{os.getpid()}-mine.tmp"  # this run's own
    other_host = tmp_path / f".~halsocenter-{'0' * 8}-{dead}-new1.tmp"  # cannot be judged
    coach = tmp_path / "halsocenter-anteckningar.xlsx"  # not our pattern
    for path in (left_file, old, live, other_host, coach):
        path.write_bytes(b"x")
    left_dir.mkdir()
    (left_dir / "inne.xml").write_bytes(b"x")
    day_ago = time.time() - atomic.STALE_SECONDS - 60
    os.utime(old, (day_ago, day_ago))
    removed = clean_stale(tmp_path)
    assert sorted(removed) == sorted([left_file, left_dir, old])
    assert sorted(tmp_path.iterdir()) == sorted([live, other_host, coach])
    assert clean_stale(tmp_path / "saknas") == []


# --------------------------------------------------------------------------- the private scratch


def test_a_command_keeps_its_caches_and_temporary_files_in_a_folder_of_its_own(tmp_path,
                                                                               monkeypatch):  # fmt: skip
    """Inside ``private_scratch`` the temporary folder and the caches point at one folder of
    our own naming; afterwards it is gone and every setting is what it was (set or not)."""
    import tempfile

    from halsocenter.scratch import private_scratch

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "egen_cache"))
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", None)
    with private_scratch() as root:
        assert root.parent == tmp_path and root.name.startswith(atomic.temp_prefix(hidden=False))
        assert os.environ["TMPDIR"] == tempfile.gettempdir() == str(root)
        assert os.environ["MPLCONFIGDIR"] == str(root / "matplotlib")
        assert os.environ["XDG_CACHE_HOME"] == str(root / "cache")
        (root / "openpyxl-tmp.xml").write_bytes(b"coach data")
    assert not root.exists() and list(tmp_path.iterdir()) == []
    assert os.environ["TMPDIR"] == tempfile.gettempdir() == str(tmp_path)
    assert os.environ["XDG_CACHE_HOME"] == str(tmp_path / "egen_cache")
    assert "MPLCONFIGDIR" not in os.environ
