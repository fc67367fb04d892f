"""Errors a person sees. Kept free of heavy imports so the command line starts fast."""

from __future__ import annotations

from pathlib import Path


class WorkbookError(Exception):
    """The file cannot be used at all. ``message`` is Swedish and names what is wrong."""

    def __init__(self, message: str, *, kind: str, sheet: str | None = None,
                 column: str | None = None, path: Path | None = None):  # fmt: skip
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.sheet = sheet
        self.column = column
        self.path = path


class UserError(Exception):
    """A failure the person can act on (not a bug); ``message`` is Swedish, shown as it is."""

    user_facing = True

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(Exception):
    """The workbook has values that cannot be read (e.g. text in a date column); nothing is
    written. ``findings`` names each cell."""

    def __init__(self, message: str, findings: list):
        super().__init__(message)
        self.message = message
        self.findings = findings


def user_message(exc: BaseException) -> str | None:
    """The Swedish message of an expected failure: ours, or any error marked ``user_facing``
    with a ``message`` (the add-in builder's, a refused export). None means a real bug."""
    if isinstance(exc, (WorkbookError, InputError)) or getattr(exc, "user_facing", False):
        message = getattr(exc, "message", None)
        return message if isinstance(message, str) else None
    return None
