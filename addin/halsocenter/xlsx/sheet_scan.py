"""Worksheets handed to python-calamine only in a size it can hold, and every cell seen anyway.

python-calamine builds a dense grid from a sheet's first to its last cell (and our reader pads it
from A1): one character in ``XFD1048576`` asks for 17 billion cells, and the failed allocation
aborts the whole process (Rust cannot report it as an error). A cell's position comes from its
``r`` attribute, which can say anything, so the XML of every sheet is looked at before calamine
parses it (``census``), with C-speed searches only:

* the common case — every cell tag written ``<c r="A1"…`` with a one-letter column and a row up
  to 99,999, as Excel, LibreOffice and openpyxl write them for our workbooks — gives a grid of at
  most 99,999 × 26 cells, which calamine may build;
* anything else (two-letter columns, far rows, cells without ``r``, namespace prefixes, attribute
  tricks) gets the exact extent from every cell reference; a grid over ``MAX_GRID_CELLS`` goes
  the bounded way instead: the sheet is read by our own streaming parser (``scan``), calamine gets
  a copy holding only the cells in the area the reader uses (tables, named cells and the rows
  typed below a table), and every other cell is returned to the caller — so a stray far cell
  costs nothing, yet the identity-number check still sees its text.

Limits over the whole workbook: ``MAX_CELLS`` cells with a value and ``MAX_SHARED_TEXT``
characters of shared strings referred to by cells (each reference becomes its own copy, so a
long text pasted into many cells multiplies). A workbook over them is refused with a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from halsocenter.core.a1 import column_letter, column_number, parse_cell
from halsocenter.core.swedish import whole
from halsocenter.errors import WorkbookError
from halsocenter.xlsx import safe_xml, xltext
from halsocenter.xlsx.cellxml import typed_cell
from halsocenter.xlsx.layout import MAIN

EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384
MAX_GRID_CELLS = 4_000_000
"""Cells of one sheet's grid (rows × columns from A1) calamine may build: about 160 MB while it
builds it, 32 MB kept."""
MAX_CELLS = 1_500_000
"""Cells with a value over the whole workbook (50,000 referrals with 20,000 follow-ups, 5,000
sessions and 50,000 attendance rows have 850,000); each costs up to about 350 bytes while the
workbook is read, so the limit keeps reading under about 600 MB."""
MAX_SHARED_TEXT = 64 << 20
"""Characters of shared strings referred to by cells, over the whole workbook."""
GAP_ROWS = 1000
"""Rows typed below a table count as its rows until this many empty rows in a row; a cell
further down is a stray cell, not data (the reader says so)."""
SIMPLE_ROWS, SIMPLE_COLS = 99_999, 26

_ODD_CELL = re.compile(rb'<c(?:[\t\n\r/>]| (?!r="[A-Z][0-9]{1,5}"))')
"""A cell tag that is not ``<c r="A1"`` with one letter and at most five digits."""
_PREFIXED_CELL = re.compile(rb":c[\t\n\r />]")
_CELL_REF = re.compile(rb'<c(?=[\t\n\r />])(?: r="([A-Z]{1,3})([1-9][0-9]{0,6})")?')
_SHARED_REF = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: [a-z]{1,3}="[^"<>]*")*? t="s"'
                         rb'(?: [a-z]{1,3}="[^"<>]*")*><v>([0-9]{1,9})</v>')  # fmt: skip
_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*?(?:/>|>.*?</f>))?'
                         rb"<v>([^<]*)</v>")  # fmt: skip
_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


class TooBig(Exception):
    """A sheet or workbook over a limit; ``str()`` is the Swedish reason (without the file)."""


# --------------------------------------------------------------------------- shared strings


class SharedStrings:
    """The shared-string part, looked at lazily: an upper bound of its longest item from tag
    positions, and only when needed the items themselves (hardened parse)."""

    def __init__(self, data: bytes | None):
        self.data = data or b""
        starts = [m.start() for m in _ITEM_START.finditer(self.data)]
        ends = [*starts[1:], len(self.data)][: len(starts)]
        self.longest = max((b - a for a, b in zip(starts, ends, strict=True)),
                           default=len(self.data))  # fmt: skip
        self._items: list[str] | None = None
        self._texts: dict[int, str | None] = {}

    @property
    def items(self) -> list[str]:
        """Each item's text as stored (escapes not decoded), in order."""
        if self._items is None:
            items: list[str] = []
            if self.data:
                for _, si in safe_xml.iterparse(self.data, tag=f"{{{MAIN}}}si"):
                    items.append(_inline_text(si))
                    si.clear()
            self._items = items
        return self._items


    def text(self, index: int) -> str | None:
        """Item ``index`` with escapes decoded, one string per item however many cells refer
        to it (None for an index the part does not have)."""
        if index not in self._texts:
            items = self.items
            self._texts[index] = xltext.unescape(items[index]) if 0 <= index < len(items) else None
        return self._texts[index]


def _inline_text(el) -> str:
    """The text of a string item or inline string: its ``t``, or its runs' ``t`` (phonetic
    ``rPh`` runs left out), as python-calamine reads it."""
    parts = []
    for child in el:
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if isinstance(t.tag, str)
                         and t.tag.rsplit("}", 1)[-1] == "t")  # fmt: skip
    return "".join(parts)


# --------------------------------------------------------------------------- census


@dataclass(frozen=True)
class Census:
    """What a sheet's XML says about the grid calamine would build from it."""

    cells: int
    """Cell tags (an upper bound of the cells with a value)."""
    rows: int | None
    """Rows and columns of the grid from A1, or None when the cells cannot be located by a
    regular-expression search (namespace prefixes, cells without ``r``)."""
    cols: int | None

    @property
    def grid(self) -> int | None:
        return None if self.rows is None else self.rows * self.cols


def census(data: bytes) -> Census:
    cells = data.count(b"<c ")
    if _PREFIXED_CELL.search(data) is not None:
        return Census(cells, None, None)
    if _ODD_CELL.search(data) is None:
        return Census(cells, SIMPLE_ROWS, SIMPLE_COLS)  # an upper bound; usually far less is used
    refs = _CELL_REF.findall(data)
    if any(not col for col, _ in refs):
        return Census(max(cells, len(refs)), None, None)
    if not refs:
        return Census(0, 0, 0)
    cols = max(column_number(c.decode()) for c in {col for col, _ in refs})
    rows = max(int(r) for r in {row for _, row in refs})
    return Census(max(cells, len(refs)), rows, cols)


def shared_text(data: bytes, sst: SharedStrings, budget: int) -> int | None:
    """Characters of shared strings the cells of ``data`` refer to: a cheap upper bound when it
    is within ``budget``, else the exact sum; None when the references cannot be counted by a
    search (the bounded parser counts them)."""
    refs = data.count(b' t="s"')
    if refs == 0 or refs * sst.longest <= budget:
        return refs * sst.longest
    found = _SHARED_REF.findall(data)
    if len(found) != refs:
        return None
    lengths = [len(s) for s in sst.items]
    total = 0
    for index in found:
        i = int(index)
        total += lengths[i] if i < len(lengths) else 0
    return total


def error_cells(data: bytes) -> list[tuple[int, int, str]]:
    """Cells holding an Excel error value (calamine reads them as empty)."""
    if b't="e"' not in data:
        return []
    return [(int(m[2]), column_number(m[1].decode()), m[3].decode(errors="replace"))
            for m in _ERROR_CELL.finditer(data)]  # fmt: skip


# --------------------------------------------------------------------------- the bounded way


@dataclass(frozen=True)
class Region:
    """Part of a sheet the reader uses: columns ``c1``–``c2`` from row ``r1`` to ``r2``; a
    table's region ``grows`` down over rows typed below it (up to ``GAP_ROWS`` empty rows)."""

    c1: int
    r1: int
    c2: int
    r2: int
    grows: bool = False


@dataclass
class Scan:
    """A sheet read cell by cell: the copy calamine gets (``xml``) and every cell outside it."""

    xml: bytes
    rows: int
    cols: int
    kept: int
    shared: int
    """Characters of shared strings the kept cells refer to."""
    outside: list[tuple[int, int, object]] = field(default_factory=list)
    """(row, column, value) of each cell left out of ``xml``: text (escapes decoded), number,
    bool or Excel error text."""


class Positions:
    """Where a sheet's cells are, for deciding the area calamine gets."""

    def __init__(self, cells: list[tuple]):
        self._cells = cells

    def rows_in(self, c1: int, c2: int) -> list[int]:
        """Rows with a cell in columns ``c1``–``c2``, in order."""
        return sorted({row for row, col, *_ in self._cells if c1 <= col <= c2})

    def last_col_in(self, r1: int, r2: int) -> int:
        """The rightmost column with a cell in rows ``r1``–``r2`` (0 when there is none)."""
        return max((col for row, col, *_ in self._cells if r1 <= row <= r2), default=0)


def grown(regions: Iterable[Region], positions: Positions) -> list[Region]:
    """The regions, each growing one extended over the rows typed below it (a run of more than
    ``GAP_ROWS`` empty rows ends it)."""
    out = []
    for reg in regions:
        end = reg.r2
        if reg.grows:
            for row in positions.rows_in(reg.c1, reg.c2):
                if row <= end:
                    continue
                if row - end > GAP_ROWS:
                    break
                end = row
        out.append(Region(reg.c1, reg.r1, reg.c2, end))
    return out


_CONTAINERS = {"worksheet", "sheetData", "row", "c", "is", "r"}


def scan(data: bytes, sst: SharedStrings, area: Callable[[Positions], list[Region]],
         max_cells: int = MAX_CELLS) -> Scan:  # fmt: skip
    """Read every cell of a sheet with the hardened streaming parser, placing cells as
    python-calamine does. ``area`` gets the cells' positions and returns the regions calamine is
    to get; every other cell comes back as a value. More than ``max_cells`` cells (or more than
    ``MAX_SCAN_CELLS``: this way costs a Python step per cell) is ``TooBig``."""
    limit = min(max_cells, MAX_SCAN_CELLS)
    cells: list[tuple] = []
    row_index = col_index = 0
    path: list[str] = []
    for event, el in safe_xml.iterparse(data, events=("start", "end")):
        tag = el.tag
        tag = _LOCAL.get(tag) or (tag.rsplit("}", 1)[-1] if isinstance(tag, str) else "")
        if event == "start":
            path.append(tag)
            if tag == "row":
                r = el.get("r")
                row_index = int(r) - 1 if r is not None and r.isdigit() else row_index
            continue
        path.pop()
        if tag == "c" and "sheetData" in path:
            ref = el.get("r")
            pos = _position(ref) if ref else None
            if pos is None:
                pos = (row_index + 1, col_index + 1)
            col_index = pos[1]
            cell = _cell(el, pos)
            if cell is not None:
                cells.append(cell)
                if len(cells) > limit:
                    raise TooBig(_too_many_cells() if limit == max_cells else
                                 "ett blad vars celler saknar cellreferens eller är skrivna på "
                                 "ett ovanligt sätt har för många celler; spara om filen i Excel")
        elif tag == "row" and "sheetData" in path:
            row_index += 1
            col_index = 0
        elif tag in _CONTAINERS or (path and path[-1] in _KEEP_CHILDREN):
            continue  # still needed by the cell or row it belongs to
        el.clear()  # keep memory flat: drop what has been read
        while el.getprevious() is not None:
            del el.getparent()[0]
    return _split(cells, sst, area, lambda kept: _sheet_xml(sorted(kept.values())))


_LOCAL = {f"{{{MAIN}}}{name}": name for name in ("c", "row", "v", "is", "t", "r", "sheetData")}
_KEEP_CHILDREN = _CONTAINERS - {"worksheet"}
MAX_SCAN_CELLS = 500_000
"""Cells the streaming parser reads from one sheet: only sheets written without cell references
or with namespace prefixes come this way (no Excel-made sheet does), and it costs a Python step
per cell, so it is kept to a few seconds."""

_CELL_SPAN = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"[^>]*?(?:/>|>.*?</c>)', re.S)
_UNREFERENCED = re.compile(rb'<c(?:[\t\n\r/>]| (?!r="))')
_SHARED_INDEX = re.compile(rb' t="s"[^>]*><v>([0-9]{1,9})</v>')
_ROOT = re.compile(rb"<worksheet\b[^>]*>")


def trim(data: bytes, sst: SharedStrings, area: Callable[[Positions], list[Region]],
         max_cells: int = MAX_CELLS) -> Scan | None:
    """``scan`` for a sheet whose every cell tag starts ``<c r="A1"`` (as Excel writes them),
    done by cutting the XML at its cells: the cells calamine gets keep their exact bytes, and
    only the cells left out are parsed. None when the sheet is not written that way (comments,
    CDATA or processing instructions could hide or fake a cell tag; a tag without ``r``)."""
    root = _ROOT.search(data)
    if root is None or b"<!" in data or b"<?" in data[2:] or _UNREFERENCED.search(data):
        return None
    spans = list(_CELL_SPAN.finditer(data))
    if len(spans) != data.count(b"<c "):
        return None
    if len(spans) > max_cells:
        raise TooBig(_too_many_cells())
    letters: dict[bytes, int] = {}
    cells = []
    for m in spans:
        col = letters.get(m[1]) or letters.setdefault(m[1], column_number(m[1].decode()))
        snippet = m[0]
        if snippet.endswith(b"/>") and snippet.count(b">") == 1:
            continue  # an empty cell (formatting only)
        cells.append((int(m[2]), col, snippet))

    def outside_values(snippets: list[tuple[int, int, bytes]]) -> list[tuple[int, int, object]]:
        doc = root[0] + b"<sheetData><row>" + b"".join(s for _, _, s in snippets) + \
            b"</row></sheetData></worksheet>"  # fmt: skip
        found = []
        for (row, col, _), (_, el) in zip(snippets, safe_xml.iterparse(doc, tag="{*}c"),
                                          strict=True):  # fmt: skip
            cell = _cell(el, (row, col))
            if cell is not None:
                found.append((row, col, _typed(cell, sst)))
            el.clear()
        return found

    def xml(kept: dict[tuple[int, int], tuple]) -> bytes:
        out, current = [root[0], b"<sheetData>"], None
        for row, _, snippet in sorted(kept.values(), key=lambda c: (c[0], c[1])):
            if row != current:
                out.append((b"</row>" if current is not None else b"") + b'<row r="%d">' % row)
                current = row
            out.append(snippet)
        out.append((b"</row>" if current is not None else b"") + b"</sheetData></worksheet>")
        return b"".join(out)

    return _split(cells, sst, area, xml, outside_values)


def _split(cells: list[tuple], sst: SharedStrings, area, xml, values=None) -> Scan:
    """The kept cells (as ``xml(kept)`` makes them) and the values of the others."""
    regions = area(Positions(cells))
    kept: dict[tuple[int, int], tuple] = {}
    outside = []
    for cell in cells:
        row, col = cell[0], cell[1]
        if any(a.r1 <= row <= a.r2 and a.c1 <= col <= a.c2 for a in regions):
            kept[(row, col)] = cell  # a later cell at the same place wins, as in calamine
        else:
            outside.append(cell)
    outside = values(outside) if values else [(c[0], c[1], _typed(c, sst)) for c in outside]
    rows = max((r for r, _ in kept), default=0)
    cols = max((c for _, c in kept), default=0)
    return Scan(xml(kept), rows, cols, len(kept), _shared_chars(kept.values(), sst), outside)


def _shared_chars(cells: Iterable[tuple], sst: SharedStrings) -> int:
    """Characters of shared strings that ``cells`` (parsed tuples or XML snippets) refer to; a
    reference that cannot be read counts as the longest string."""
    indexes, unread = [], 0
    for cell in cells:
        if len(cell) == 3:
            if b' t="s"' in cell[2]:
                m = _SHARED_INDEX.search(cell[2])
                indexes.append(int(m[1]) if m else -1)
        elif cell[3] == "s":
            indexes.append(int(cell[4]) if cell[4].isdigit() else -1)
    if not indexes:
        return 0
    lengths = [len(t) for t in sst.items]
    unread = sum(1 for i in indexes if not 0 <= i < len(lengths))
    return sum(lengths[i] for i in indexes if 0 <= i < len(lengths)) + unread * sst.longest


def _too_many_cells() -> str:
    return (f"den har fler än {whole(MAX_CELLS)} ifyllda celler, mer än programmet läser "
            "(50\u00a0000 remisser med uppföljningar, aktiviteter och närvaro är omkring "
            "850\u00a0000)")  # fmt: skip


def _cell(el, pos: tuple[int, int]) -> tuple | None:
    """(row, column, style, type, stored text) of a cell with a value, else None; an inline
    string has type ``inlineStr`` whatever its ``t`` says."""
    value, kind = None, el.get("t", "n")
    for child in el:
        name = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if name == "v" and kind != "inlineStr":
            value = child.text or ""
        elif name == "is":
            value, kind = _inline_text(child), "inlineStr"
    if value is None or (value == "" and kind != "inlineStr"):
        return None
    style = el.get("s")
    return pos[0], pos[1], style if style and style.isdigit() else None, kind, value


def _position(ref: str) -> tuple[int, int] | None:
    """(row, column) of a cell's ``r``, None for anything that is not one cell."""
    parsed = parse_cell(ref) if "$" not in ref else None
    return (parsed[1], parsed[0]) if parsed else None


def _typed(cell, sst: SharedStrings) -> object:
    """A cell's value as the reader sees it, for cells calamine does not get."""
    _, _, _, kind, value = cell
    if kind in ("inlineStr", "str"):
        return xltext.unescape(value)
    if kind == "s":
        return sst.text(int(value)) if value.strip().isdigit() else None
    if kind == "e":
        return value
    if kind == "b":
        return value.strip() in ("1", "true")
    try:
        return float(value)
    except ValueError:
        return value


def _sheet_xml(cells: list[tuple]) -> bytes:
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
           "<sheetData>"]  # fmt: skip
    current = None
    for row, col, style, kind, value in cells:
        if row != current:
            out.append(("</row>" if current is not None else "") + f'<row r="{row}">')
            current = row
        out.append(typed_cell(f"{column_letter(col)}{row}", kind, value,
                              f' s="{style}"' if style else ""))  # fmt: skip
    if current is not None:
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


# --------------------------------------------------------------------------- the book


class _Sheet:
    """A calamine sheet whose grid is counted against the workbook's limit when it is built."""

    def __init__(self, book: BoundedBook, name: str):
        self._book, self._name = book, name

    def to_python(self, skip_empty_area: bool = True) -> list[list]:
        rows = self._book.calamine.get_sheet_by_name(self._name).to_python(
            skip_empty_area=skip_empty_area)
        self._book.charge(self._name, len(rows) * (len(rows[0]) if rows else 0))
        return rows


class BoundedBook:
    """python-calamine over a verified ``inputs.Package``, with every sheet within the limits.

    ``sheets`` maps sheet names to their parts, in workbook order. ``area(sheet, positions)``
    gives the regions of a sheet the caller reads; a sheet over the limits is then read the
    bounded way (``scan``) and calamine gets only those regions; without ``area`` such a sheet
    makes the file unusable. The cells left out are in ``outside``, Excel error values of every
    sheet in ``errors``. A limit passed is a ``WorkbookError`` naming the file."""

    MAX_TOTAL_GRID = 4 * MAX_GRID_CELLS

    @property
    def sheet_errors(self) -> tuple[type[Exception], ...]:
        """What python-calamine raises for a sheet without cells (a chart sheet and the like),
        which the reader skips."""
        import python_calamine as pc

        return (pc.CalamineError, pc.WorksheetNotFound)

    def __init__(self, package, sheets: dict[str, str],
                 area: Callable[[str, Positions], list[Region]] | None = None):  # fmt: skip
        self.package = package
        self.path = package.path
        self.sheet_names = list(sheets)
        sst_part = "xl/sharedStrings.xml"  # where calamine looks for it
        self.sst = SharedStrings(package.read(sst_part) if package.has(sst_part) else None)
        self.outside: dict[str, list[tuple[int, int, object]]] = {}
        self.errors: dict[str, list[tuple[int, int, str]]] = {}
        replace: dict[str, bytes] = {}
        self._cells = self._text = self._grid = 0
        try:
            for sheet, part in sheets.items():
                if package.has(part):
                    replace.update(self._take(package, sheet, package.name(part), area))
        except TooBig as exc:
            raise self._error(str(exc)) from None
        except safe_xml.UnsafeXml as exc:
            raise WorkbookError(f"{self.path.name} är skadad och kan inte läsas: en XML-del "
                                f"{exc}.", kind="corrupt", path=self.path) from None  # fmt: skip
        self.calamine = package.calamine(replace)
        package.release(p for p in sheets.values() if package.has(p))  # calamine has them now

    def _take(self, package, sheet: str, part: str, area) -> dict[str, bytes]:
        """Count one sheet against the limits; its bounded copy when it needs one."""
        data = package.read(part)
        self.errors[sheet] = error_cells(data)
        found = census(data)
        shared = (shared_text(data, self.sst, MAX_SHARED_TEXT - self._text)
                  if found.grid is not None and found.grid <= MAX_GRID_CELLS else None)  # fmt: skip
        replace = {}
        if shared is not None and found.cells <= MAX_CELLS - self._cells:
            self._cells += found.cells
            self._text += shared
        elif area is None:
            raise TooBig(f"fliken ”{sheet}” har celler långt utanför det område som används, "
                         "fler celler än programmet läser eller celler som inte går att placera")
        else:
            regions = lambda positions: area(sheet, positions)  # noqa: E731
            done = None
            if found.rows is not None:
                done = trim(data, self.sst, regions, MAX_CELLS - self._cells)
            if done is None:
                done = scan(data, self.sst, regions, MAX_CELLS - self._cells)
            if done.rows * done.cols > MAX_GRID_CELLS:
                raise TooBig(f"fliken ”{sheet}” är för stor: tabellerna och raderna under dem "
                             f"spänner över {whole(done.rows)} rader och {whole(done.cols)} "
                             "kolumner")
            replace[part] = done.xml
            self.outside[sheet] = done.outside
            self._cells += done.kept
            self._text += done.shared
        if self._cells > MAX_CELLS:
            raise TooBig(_too_many_cells())
        if self._text > MAX_SHARED_TEXT:
            raise TooBig(f"cellerna hänvisar till mer än {MAX_SHARED_TEXT >> 20} miljoner tecken "
                         "text (samma långa text i många celler), mer än programmet läser")
        return replace

    def _error(self, reason: str) -> WorkbookError:
        return WorkbookError(f"{self.path.name} kan inte läsas: {reason}.", kind="too_big",
                             path=self.path)  # fmt: skip

    def charge(self, sheet: str, grid: int) -> None:
        """Count a grid calamine has built; past the limit the file is refused."""
        self._grid += grid
        if self._grid > self.MAX_TOTAL_GRID:
            raise self._error(f"bladen är tillsammans för stora (med fliken ”{sheet}” blir det "
                              f"fler än {whole(self.MAX_TOTAL_GRID)} celler att läsa)")

    def get_sheet_by_name(self, name: str) -> _Sheet:
        return _Sheet(self, name)

    def error_cells(self, sheet: str) -> list[tuple[int, int, str]]:
        return self.errors.get(sheet, [])
