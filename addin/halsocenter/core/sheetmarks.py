"""A generated sheet is recognised by its own mark, never by its name.

Årssammanställning, Kontroll and Rapportdata are rebuilt on every run -- but a coach may have a
sheet of her own called ``kontroll`` or `` ÅRSSAMMANSTÄLLNING``, or may have typed into the
program's Kontroll sheet. Neither may ever be deleted. So every generated sheet carries a mark
when it is written: a hidden sheet-level defined name ``MARK_NAME`` whose value is
``<kind>:<digest>``, the digest taken over every value the program put in the sheet
(``sheet_digest``). A sheet whose name is one of the generated sheets' (ignoring case and
spacing) is the program's to replace only when it carries the mark of that kind *and* its
values still give the same digest: the program wrote it and nobody changed a value since.
Anything else is a coach's sheet (``SheetClaim.ours`` is False): the writers leave it alone and
ask her to rename it, and ``check`` warns about it beforehand.

The digest is taken the same way from what a writer puts in (the file writer's openpyxl
cells, the live writer's values) and from what a reader gets back (python-calamine's grid of a
saved file, Excel's values through xlwings): text as text, numbers to 12 significant digits
(Excel and LibreOffice round the 15th differently when they save), dates to the second, Excel's error values by their text, empty cells left out. It is
written in the letters a–p, so the identity-number guard, which reads defined names, never sees
a run of digits in it. Pure: no file, no Excel.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from halsocenter.core import contract as C
from halsocenter.core.parse import norm_header
from halsocenter.errors import UserError

MARK_NAME = "_halsocenter_blad"
"""The sheet-level defined name that carries a generated sheet's mark."""
KINDS = {C.SUMMARY_SHEET: "arssammanstallning", C.CHECK_SHEET: "kontroll",
         C.DATA_SHEET: "rapportdata"}  # fmt: skip
"""Generated sheet -> the kind its mark names."""
DIGEST_LETTERS = 32
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
_MARK = re.compile(r'^=?\s*"?([a-z]+):([a-p]{' + str(DIGEST_LETTERS) + r'})"?\s*$')
_EPOCH = datetime(1899, 12, 30)
_BY_NAME = {norm_header(name): name for name in KINDS}

Cell = tuple[int, int, object]
"""(row, column, value), 1-based."""


def generated_name(sheet: str) -> str | None:
    """The generated sheet whose name ``sheet`` has (ignoring case and spacing), or None."""
    return _BY_NAME.get(norm_header(sheet))


def token(value: object) -> str | None:
    """A cell value as the digest sees it; None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return f"b:{int(value)}"
    if isinstance(value, (int, float)):
        if value != value:  # NaN: nothing a cell shows
            return None
        return f"n:{float(value):.12g}"
    if isinstance(value, datetime):
        return f"d:{round((value.replace(tzinfo=None) - _EPOCH).total_seconds())}"
    if isinstance(value, date):
        return f"d:{round((datetime.combine(value, time()) - _EPOCH).total_seconds())}"
    if isinstance(value, time):
        return f"t:{value.hour * 3600 + value.minute * 60 + value.second}"
    return f"s:{value}"


def sheet_digest(cells: Iterable[Cell]) -> str:
    """The digest of a sheet's values, in any order of cells (letters a–p)."""
    lines = sorted(f"{r},{c},{t}" for r, c, v in cells if (t := token(v)) is not None)
    full = hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()
    return full[:DIGEST_LETTERS].translate(_LETTERS)


def grid_cells(rows: Sequence[Sequence[object]], first_row: int = 1,
               first_col: int = 1) -> list[Cell]:  # fmt: skip
    """The non-empty cells of a grid (rows of values from ``first_row``, ``first_col``)."""
    return [(first_row + i, first_col + j, v) for i, row in enumerate(rows)
            for j, v in enumerate(row) if v is not None and v != ""]  # fmt: skip


def mark(kind: str, digest: str) -> str:
    """The mark's text: ``kind:digest``."""
    return f"{kind}:{digest}"


def mark_formula(kind: str, digest: str) -> str:
    """The defined name's value as Excel keeps a constant: ``="kind:digest"``."""
    return f'="{mark(kind, digest)}"'


def read_mark(text: object) -> tuple[str, str] | None:
    """(kind, digest) from a defined name's value (``"k:d"``, ``="k:d"``), or None."""
    found = _MARK.match(str(text or ""))
    return (found.group(1), found.group(2)) if found else None


@dataclass(frozen=True)
class SheetClaim:
    """A sheet of the workbook whose name is one of the generated sheets'."""

    sheet: str
    """The sheet's name as it is in the workbook."""
    generated: str
    """The generated sheet whose name it has (``C.CHECK_SHEET`` …)."""
    marked: bool
    """It carries the program's mark of that kind."""
    ours: bool
    """Marked, and its values are still exactly what the program wrote: it may be replaced."""

    @property
    def advice(self) -> str:
        """Why the program leaves this sheet alone, and what the coach does (Swedish)."""
        if self.marked:
            return (f"Fliken {self.sheet} har ändrats sedan programmet skapade den, så den byggs "
                    "inte om – det som skrivits där skulle annars försvinna. Byt namn på den "
                    f"(högerklicka på fliken > Byt namn, t.ex. till ”{_other(self.sheet)}”) om "
                    "du vill behålla ändringarna, eller ta bort den, så skapas en ny.")
        return (f"Fliken ”{self.sheet}” har samma namn som fliken {self.generated} som programmet "
                "skapar, men den är inte skapad av programmet. Programmet rör den aldrig: byt "
                f"namn på den (högerklicka på fliken > Byt namn, t.ex. till "
                f"”{_other(self.sheet)}”), så kan {self.generated} skapas.")


def _other(sheet: str) -> str:
    name = f"{sheet.strip()} (egen)"
    return name if len(name) <= 31 else f"{sheet.strip()[:24]} (egen)"


def claim(sheet: str, local_names: dict[str, str], cells: Iterable[Cell]) -> SheetClaim | None:
    """The claim on ``sheet`` (None when its name is no generated sheet's): ``local_names``
    are the sheet's own defined names (casefolded name -> value), ``cells`` its values."""
    generated = generated_name(sheet)
    if generated is None:
        return None
    found = read_mark(local_names.get(MARK_NAME.casefold()))
    marked = found is not None and found[0] == KINDS[generated]
    ours = marked and sheet_digest(cells) == found[1]
    return SheetClaim(sheet, generated, marked, ours)


def in_the_way(claims: Iterable[SheetClaim], which: Sequence[str] = tuple(KINDS)
               ) -> list[SheetClaim]:  # fmt: skip
    """The claims that stop the generated sheets ``which`` from being written."""
    return [c for c in claims if not c.ours and c.generated in which]


def refusal(claims: Sequence[SheetClaim]) -> str:
    """The message of a writer that stops because of ``claims`` (nothing was written)."""
    return "Inget skrevs. " + " ".join(c.advice for c in claims)


class SheetsInTheWay(UserError):
    """A writer stops before touching anything: a sheet named like a generated sheet is a
    coach's, or the program's sheet was changed since (``refusal`` says which and what to do)."""

    def __init__(self, claims: Sequence[SheetClaim]):
        super().__init__(refusal(claims))
        self.claims = list(claims)


def refuse_in_the_way(claims: Iterable[SheetClaim], which: Sequence[str] = tuple(KINDS)) -> None:
    """Raise ``SheetsInTheWay`` when any of ``claims`` stops the sheets ``which``."""
    found = in_the_way(claims, which)
    if found:
        raise SheetsInTheWay(found)
