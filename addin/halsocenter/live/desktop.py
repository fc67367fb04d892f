"""Live Excel via xlwings: the entry points behind the desktop ribbon's buttons.

The buttons run the same core as the command line (``analysis.analyse``: validate + stats) on
the workbook that is open in Excel. The actions themselves (``live.actions``) and reading and
writing the open book (``live.read``, ``live.write``) are shared with xlwings Lite (``live.lite``);
this module is the desktop host: the calling book (``xw.Book.caller()``), the status bar, files
next to the saved workbook, next year's workbook from the saved file, and a log in the temporary
folder. Problems reach the coach as a Swedish message box, never as a traceback.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import xlwings as xw

from halsocenter.core.model import WorkbookData
from halsocenter.live import actions as A
from halsocenter.live.actions import LOG_NAME, TITLE, Stop
from halsocenter.live.read import book_path

# --------------------------------------------------------------------------- the desktop host


class Desktop(A.Host):
    """Desktop Excel with a local Python: status bar, files next to the saved workbook, next
    year's workbook built from the saved file (values and number formats)."""

    intro = "Hälsocenter-fliken arbetar med arbetsboken som är öppen."
    files_where = "i samma mapp som arbetsboken"
    reinstall = ("Programmet på datorn är inte helt installerat. Installera om det (steg 2 i "
                 "installationen, pip install --require-hashes -r desktop.txt) eller be "
                 "kommunens IT-support om hjälp.")  # fmt: skip

    def progress(self, book: xw.Book, text: str | None) -> None:
        """Status bar text while a button works.

        Excel on the web has no status bar (xlwings raises NotImplementedError there) and
        desktop Excel refuses while a cell is being edited; neither is worth interrupting the
        coach for, so progress is then simply not shown."""
        with contextlib.suppress(Exception):
            book.app.status_bar = f"{TITLE}: {text}" if text else False

    def folder(self, book: xw.Book, action: str) -> Path:
        """The saved workbook's folder; a book that was never saved has none."""
        path = book_path(book)
        if path.is_absolute() and path.parent.is_dir():
            return path.parent
        raise Stop(f"Spara arbetsboken i en mapp på datorn först (Arkiv > Spara som) och klicka "
                   f"sedan på {action} igen. Filen skapas i samma mapp som arbetsboken.")  # fmt: skip

    def next_year(self, book: xw.Book, data: WorkbookData, dst: Path) -> Path:
        from halsocenter.core.lite_setup import address_from_environment
        from halsocenter.xlsx.rollover import rollover

        if _unsaved(book):
            raise Stop("Spara arbetsboken först (Ctrl+S) – nästa års arbetsbok byggs från den "
                       "sparade filen. Klicka sedan på Nytt verksamhetsår igen.")  # fmt: skip
        return rollover(book_path(book), dst, address_from_environment())

    def scratch(self) -> contextlib.AbstractContextManager:
        """openpyxl's temporary sheet files (the coach's data) and the report's font caches go
        to a private folder removed when the button is done, as on the command line."""
        from halsocenter.scratch import private_scratch

        return private_scratch()

    def log(self, exc: BaseException) -> str:
        path = Path(tempfile.gettempdir()) / LOG_NAME
        return f" Detaljer finns i filen {path}." if A.write_log(path, exc) else ""


DESKTOP = Desktop()


def _unsaved(book: xw.Book) -> bool:
    """True when Excel says the workbook has unsaved changes (desktop Excel only)."""
    try:
        return getattr(book.api, "Saved", True) is False
    except Exception:  # hosts without the property
        return False


# --------------------------------------------------------------------------- the buttons

kontrollera = A.KONTROLLERA.entry_point(DESKTOP, "kontrollera")
arssammanstallning = A.ARSSAMMANSTALLNING.entry_point(DESKTOP, "arssammanstallning")
rapport = A.WORD_RAPPORT.entry_point(DESKTOP, "rapport")
exportera = A.EXPORTERA.entry_point(DESKTOP, "exportera")
nytt_verksamhetsar = A.NYTT_VERKSAMHETSAR.entry_point(DESKTOP, "nytt_verksamhetsar")
hjalp = A.HJALP.entry_point(DESKTOP, "hjalp")
HELP_TEXT = A.help_text(DESKTOP)
