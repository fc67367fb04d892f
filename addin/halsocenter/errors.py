"""Errors a person sees. Kept free of heavy imports so the command line starts fast.

Every failure the person can act on (a file that cannot be used, a value that cannot be read, a
refused export, an output that may not be written) is a ``UserError``: its ``message`` is Swedish
and shown as it is, and every adapter (the command line, the ribbon, xlwings Lite) tells it the
same way through ``user_message``. Any other exception is a bug.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


class UserError(Exception):
    """A failure the person can act on (not a bug); ``message`` is Swedish, shown as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class WorkbookError(UserError):
    """The file cannot be used at all. ``message`` names what is wrong."""

    def __init__(self, message: str, *, kind: str, sheet: str | None = None,
                 column: str | None = None, path: Path | None = None):  # fmt: skip
        super().__init__(message)
        self.kind = kind
        self.sheet = sheet
        self.column = column
        self.path = path


class InputError(UserError):
    """The workbook has values that cannot be read (e.g. text in a date column); nothing is
    written. ``findings`` name each cell."""

    def __init__(self, message: str, findings: Sequence[Any] = ()):
        super().__init__(message)
        self.findings = list(findings)


class Refused(UserError):
    """A file that would leave the hub is not written (personal data, no kommun or year);
    ``findings`` name the cells behind it."""

    def __init__(self, message: str, findings: Sequence[Any] = ()):
        super().__init__(message)
        self.findings = list(findings)


class ErrorsRemain(Refused):
    """A file that would leave the hub as final is not written while errors (severity Fel) are
    left in the workbook: ``errors`` is their number, ``findings`` the errors. The message says
    so; each adapter adds where to look and how to write a preliminary file instead."""

    title = "Fel kvar i arbetsboken"

    def __init__(self, message: str, errors: int, findings: Sequence[Any] = ()):
        super().__init__(message, findings)
        self.errors = errors


def user_message(exc: BaseException) -> str | None:
    """The Swedish message of an expected failure; None means a real bug."""
    return exc.message if isinstance(exc, UserError) else None
