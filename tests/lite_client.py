"""A stand-in for xlwings Lite's JavaScript client, so xlwings' own Lite code runs in CPython.

In xlwings Lite the text of notes and threaded comments is not in the book payload: xlwings asks
Excel for it with awaited calls to the client (``js.xlwings.getNoteText``, ``getComments`` …),
and only where ``sys.platform`` is ``"emscripten"``. ``use_lite_client`` makes xlwings' remote
engine see that platform and answers those calls from a table the test gives, as Lite's client
answers from Excel. Everything else (the payload, the actions sent back) is xlwings' own code.
The same stand-in, in JavaScript, serves the run in real Pyodide (``tests/pyodide/run.mjs``).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _Js:
    """A JavaScript value handed to Python: ``to_py()`` gives the Python object."""

    def __init__(self, value: Any):
        self.value = value

    def to_py(self) -> Any:
        return self.value


class LiteClient:
    """``js.xlwings`` for notes and threaded comments: ``notes`` maps (sheet, cell) to a note's
    text, ``comments`` maps (sheet, cell) to a thread (the comment's text, then its replies')."""

    def __init__(self, notes: dict[tuple[str, str], str] | None = None,
                 comments: dict[tuple[str, str], list[str]] | None = None):  # fmt: skip
        self.notes = dict(notes or {})
        self.comments = {f"c{i}": (sheet, cell, list(texts))
                         for i, ((sheet, cell), texts) in enumerate((comments or {}).items())}  # fmt: skip
        self.calls: list[str] = []

    async def getNoteText(self, sheet: str, address: str) -> str | None:  # noqa: N802
        self.calls.append("getNoteText")
        return self.notes.get((sheet, address.replace("$", "")))

    async def getNoteLocation(self, sheet: str, address: str) -> str:  # noqa: N802
        self.calls.append("getNoteLocation")
        return address

    async def getComments(self, sheet: str | None = None) -> _Js:  # noqa: N802
        self.calls.append("getComments")
        return _Js([{"sheet": s, "address": cell, "id": cid}
                    for cid, (s, cell, _) in self.comments.items() if sheet in (None, s)])  # fmt: skip

    async def getCommentData(self, sheet: str, comment_id: str, address: str,  # noqa: N802
                             key: str) -> Any:  # fmt: skip
        self.calls.append(f"getCommentData:{key}")
        s, cell, texts = self.comments[comment_id]
        return {"text": texts[0], "location": _Js({"sheet": s, "address": cell})}.get(key)

    async def getCommentReplies(self, sheet: str, comment_id: str, address: str) -> _Js:  # noqa: N802
        self.calls.append("getCommentReplies")
        return _Js([{"id": f"{comment_id}r{i}"} for i in range(len(self.comments[comment_id][2]) - 1)])

    async def getCommentReplyText(self, sheet: str, comment_id: str, address: str,  # noqa: N802
                                  reply_id: str) -> str:  # fmt: skip
        self.calls.append("getCommentReplyText")
        return self.comments[comment_id][2][1 + int(reply_id.rsplit("r", 1)[1])]


class _EmscriptenSys(types.ModuleType):
    """``sys`` as xlwings' remote engine sees it in Lite: the same, but on ``emscripten``."""

    platform = "emscripten"

    def __getattr__(self, name: str) -> Any:
        return getattr(sys, name)


def use_lite_client(monkeypatch, client: LiteClient) -> LiteClient:
    """Make xlwings' remote engine take ``client`` as Lite's (for the test's duration)."""
    from xlwings.pro import _xlremote

    js = types.ModuleType("js")
    js.xlwings = client
    monkeypatch.setitem(sys.modules, "js", js)
    monkeypatch.setattr(_xlremote, "sys", _EmscriptenSys("sys"))
    return client


def install_lite_client(client: LiteClient) -> LiteClient:
    """``use_lite_client`` for a whole process (a child interpreter run like Lite)."""
    from xlwings.pro import _xlremote

    js = types.ModuleType("js")
    js.xlwings = client
    sys.modules["js"] = js
    _xlremote.sys = _EmscriptenSys("sys")
    return client
