"""Notes and threaded comments of the workbook open in Excel, for the identity-number guard.

Desktop Excel gives their text directly. xlwings' remote engine (xlwings Lite, Excel on the web)
refuses that; xlwings Lite has it through awaited calls to Excel instead (xlwings 0.37.7 and
later), so Lite's scripts read them with ``read_comments_async`` before the action runs. What
neither way gives is kept as ``Comments.unread``: Kontroll then says the notes were not checked,
and a file that leaves the hub needs the coach's confirmation (``live.actions``).

Light on purpose (xlwings and the core's model only): xlwings Lite reads these before it knows
that the libraries the action needs have loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import xlwings as xw

from halsocenter.core.model import COMMENT, PackageText

NOTES, THREADED = "anteckningar", "kommentarer"
"""The two kinds of cell comment, as Kontroll names them: notes (Excel's old comments) and
threaded comments (with replies)."""


@dataclass
class Comments:
    """The notes and threaded comments of the open book, as far as the engine gave them:
    ``texts`` for the identity guard, ``unread`` the kinds (``NOTES``, ``THREADED``) it could
    not give for some sheet. What was read is kept when the other kind cannot be read."""

    texts: list[PackageText] = field(default_factory=list)
    unread: tuple[str, ...] = ()


def _note(sheet_name: str, cell: str, text) -> PackageText:
    return PackageText(COMMENT, f"{sheet_name}, anteckning i cell {cell}", text, sheet_name, cell)


def _comment(sheet_name: str, cell: str, texts) -> PackageText:
    return PackageText(COMMENT, f"{sheet_name}, kommentar i cell {cell}",
                       "\n".join(t or "" for t in texts), sheet_name, cell)  # fmt: skip


def _cell(rng) -> str:
    return rng.get_address(False, False)


def _sheets(book: xw.Book) -> list:
    out = []
    for sheet in book.sheets:
        try:
            sheet.tables  # noqa: B018 - a chart sheet has no cells, notes or comments
        except Exception:  # noqa: BLE001
            continue
        out.append(sheet)
    return out


def read_comments(book: xw.Book) -> Comments:
    """Notes and threaded comments (with replies) as the engine gives them synchronously
    (desktop Excel; xlwings' remote engine refuses, see ``read_comments_async``). Round trips
    grow with the number of comments, not with rows."""
    out = Comments()
    unread: set[str] = set()
    for sheet in _sheets(book):
        with _or_unread(unread, NOTES):
            notes = [(_cell(n.location), n.text) for n in sheet.notes]
            out.texts += [_note(sheet.name, cell, text) for cell, text in notes]
        with _or_unread(unread, THREADED):
            threads = [(_cell(c.location), [c.text, *(r.text for r in c.replies)])
                       for c in sheet.comments]  # fmt: skip
            out.texts += [_comment(sheet.name, cell, texts) for cell, texts in threads]
    out.unread = tuple(k for k in (NOTES, THREADED) if k in unread)
    return out


async def read_comments_async(book: xw.Book) -> Comments:
    """``read_comments`` for xlwings Lite, whose engine has the text of notes and threaded
    comments only through awaited calls to Excel (``await note.get_text()``,
    ``await sheet.get_comments()``, xlwings 0.37.7 and later): sheet by sheet, what the
    synchronous reading refuses is asked for that way. A kind neither way gives stays in
    ``unread``; a refusal of one kind keeps what was read of the other."""
    out = Comments()
    unread: set[str] = set()
    for sheet in _sheets(book):
        with _or_unread(unread, NOTES):
            for note in list(sheet.notes):
                out.texts.append(_note(sheet.name, await _where(note), await _text(note)))
        with _or_unread(unread, THREADED):
            threads = await _threads(sheet)
            out.texts += [_comment(sheet.name, cell, texts) for cell, texts in threads]
    out.unread = tuple(k for k in (NOTES, THREADED) if k in unread)
    return out


@contextmanager
def _or_unread(unread: set[str], kind: str) -> Iterator[None]:
    """Run the block; when the engine refuses (``_refused``), ``kind`` is marked unread and the
    reading goes on with the next kind. Anything else is a bug and is raised."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - only an engine's refusal, see _refused
        if not _refused(exc):
            raise
        unread.add(kind)


async def _text(item) -> str | None:
    """A note's, comment's or reply's text: the property where the engine has it, else Lite's
    awaited call."""
    try:
        return item.text
    except NotImplementedError:
        getter = getattr(item, "get_text", None)
        if getter is None:
            raise
        return await getter()


async def _threads(sheet) -> list[tuple[str, list]]:
    try:
        comments = list(sheet.comments)
    except NotImplementedError:
        getter = getattr(sheet, "get_comments", None)
        if getter is None:
            raise
        comments = list(await getter())
    out = []
    for c in comments:
        try:
            replies = list(c.replies)
        except NotImplementedError:
            getter = getattr(c, "get_replies", None)
            if getter is None:
                raise
            replies = list(await getter())
        texts = [await _text(c)] + [await _text(r) for r in replies]
        out.append((await _where(c), texts))
    return out


async def _where(item) -> str:
    """The cell of a note or comment: its location where the engine has it, else Lite's
    awaited call."""
    try:
        location = item.location
    except NotImplementedError:
        getter = getattr(item, "get_location", None)
        if getter is None:
            raise
        location = await getter()
    return _cell(location)


def _refused(exc: Exception) -> bool:
    """Whether ``exc`` is an engine saying it cannot give the text of notes or comments: the
    remote engines' NotImplementedError ("Notes require ExcelApi 1.18"), an older desktop Excel
    without threaded comments (AttributeError), a COM refusal on Windows (``pywintypes``'s
    com_error, known by name: importing it would break the Pyodide path)."""
    return isinstance(exc, (NotImplementedError, AttributeError)) or (
        type(exc).__name__ == "com_error" and type(exc).__module__ == "pywintypes")
