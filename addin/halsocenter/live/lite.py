"""xlwings Lite: the coach's buttons in Excel on the web, on a Mac or on a locked-down PC.

xlwings Lite runs Python inside Excel (Pyodide) with no local Python and no VBA. A workbook
enables these scripts with two lines in Lite's editor (see the README, "Excel på webben och Mac"):

    main.py           from halsocenter.lite import *  # noqa: F403
    requirements.txt  xlwings>=<floor>,<1
                      https://<the region's address>/halsocenter-<version>-py3-none-any.whl

(``core.lite_setup``: never the bare name from a public index).

Each ``@script`` is one button with a Swedish name; the work is the same as the desktop ribbon's
(``live.actions`` through the shared live layer), only the host differs:

* Lite cannot ask a yes/no question (an alert is shown when the script has ended, with no
  answer back), so where the desktop asks whether to write a preliminary export file, Lite has
  a button of its own, Exportera preliminärt;

* files (Word report, export file, next year's workbook) are written to Lite's data folder
  ``/data`` (``HALSOCENTER_DATA_DIR`` overrides it, for tests) under the desktop's names, and
  the coach downloads them from the xlwings Lite menu ☰ > Files > Import/Export;
* the book has no path on disk (``book.fullname`` is just its name), so next year's workbook is
  built from the open book's values rather than from a saved file;
* messages are alerts, also printed to Lite's output pane; a real bug's details go to
  ``halsocenter_fel.txt`` in the data folder, never into a message as a traceback;
* each script is ``async``: before the action, the notes and threaded comments are read with
  Lite's awaited calls (``live.comments``), which the remote engine needs for their text; what
  cannot be read is said on Kontroll, and a file that leaves the hub then needs the coach's
  confirmation;
* next year's workbook names the wheel at the address this copy was installed from.

Pyodide has no threads, subprocesses or signals: this module and everything it imports at load
time stay within the standard library, xlwings and the package's own light modules; pandas,
openpyxl, python-docx and matplotlib are imported when an action needs them
(``tests/test_lite.py`` enforces this).
"""

from __future__ import annotations

import os
from pathlib import Path

import xlwings as xw
from xlwings import script

from halsocenter.core.model import WorkbookData
from halsocenter.live import actions as A
from halsocenter.live.actions import LOG_NAME, Stop
from halsocenter.live.comments import NOTES, THREADED, Comments, read_comments_async

__all__ = [
    "knapp1_kontrollera", "knapp2_arssammanstallning", "knapp3_word_rapport",
    "knapp4_exportera", "knapp4b_exportera_preliminart", "knapp5_nytt_verksamhetsar",
    "knapp6_hjalp",
]  # fmt: skip

DATA_DIR = "/data"
"""Lite's data folder: what Python writes here is offered for download."""
DATA_DIR_ENV = "HALSOCENTER_DATA_DIR"
DOWNLOAD = "xlwings Lite-menyn ☰ > Files > Import/Export"
"""Where the coach downloads a file, in the words of Lite's own (English) menus."""


def data_dir() -> Path:
    """The folder files are written to: ``/data``, or ``$HALSOCENTER_DATA_DIR``."""
    return Path(os.environ.get(DATA_DIR_ENV) or DATA_DIR)


class Lite(A.Host):
    """Excel with the xlwings Lite add-in: files in the data folder, no status bar."""

    intro = "Knapparna i xlwings Lite arbetar med arbetsboken som är öppen."
    files_where = f"i xlwings Lite; ladda ner dem via {DOWNLOAD}"
    next_year_note = (" Knapparna följer inte med av sig själva: klistra in main.py och "
                      "requirements.txt i xlwings Lite i den nya arbetsboken, som i den här "
                      "(raderna står på fliken Start).")  # fmt: skip
    reinstall = ("xlwings Lite hämtar paketen från internet när det startar. Kontrollera att "
                 "datorn är ansluten och starta om xlwings Lite (☰ > Restart); fungerar det "
                 "ändå inte, be kommunens IT-support släppa igenom cdn.jsdelivr.net och pypi.org "
                 "och regionens adress till programmet (raden i requirements.txt).")  # fmt: skip

    preliminary_hint = (" Vill regionen ha siffrorna redan nu, klicka på Exportera "
                        "preliminärt: filen skapas då, märkt som preliminär med antalet fel.")
    export_help = " Har arbetsboken fel kvar skapas ingen fil."
    export_bullets = (f"• {A.EXPORTERA_PRELIMINART.label} – skapar filen till regionen även när "
                      "arbetsboken har fel kvar; den märks då som preliminär med antalet fel.\n")

    def alert(self, book: xw.Book, message: str, *, problem: bool = False) -> None:
        print(message)  # Lite's output pane keeps it after the dialog is closed
        super().alert(book, message, problem=problem)

    def confirm(self, book: xw.Book, question: str) -> bool | None:
        """No question: xlwings Lite shows an alert only when the script has ended and hands
        no answer back, so the choice is a button of its own (Exportera preliminärt)."""
        return None

    def folder(self, book: xw.Book, action: str) -> Path:
        folder = data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Stop(f"Mappen {folder} för filer går inte att skriva i ({exc.strerror}). Kör "
                       f"{action} i xlwings Lite i Excel.") from exc  # fmt: skip
        return folder

    def saved(self, path: Path) -> str:
        return f"{path.name}. Ladda ner den via {DOWNLOAD}."

    def next_year(self, book: xw.Book, data: WorkbookData, dst: Path) -> Path:
        """Built from the open book's values: there is no saved file to read (desktop Excel
        reads the file, and so also keeps number formats a coach set by hand)."""
        from halsocenter.atomic import Output
        from halsocenter.live.read import read_source
        from halsocenter.xlsx import template
        from halsocenter.xlsx.rollover import next_year_workbook, refuse_rollover

        source = read_source(book)
        refuse_rollover(source.data)
        return template.write_workbook(next_year_workbook(source, installed_address()),
                                       Output.command("rollover", dst))  # fmt: skip

    def log(self, exc: BaseException) -> str:
        path = data_dir() / LOG_NAME
        if not A.write_log(path, exc):
            return ""
        return f" Detaljer finns i filen {LOG_NAME}, som du laddar ner via {DOWNLOAD}."


def installed_address() -> str | None:
    """The region's folder this copy of the package was installed from: micropip records the
    wheel's address (``PYODIDE_URL``). None where it was not installed from an address that
    ``core.lite_setup`` accepts (a desktop install, a test)."""
    from importlib import metadata

    from halsocenter.core import lite_setup

    try:
        url = metadata.distribution(lite_setup.PACKAGE).read_text("PYODIDE_URL") or ""
    except (metadata.PackageNotFoundError, OSError):
        return None
    try:
        return lite_setup.lite_address(url) if url.strip().endswith(".whl") else None
    except lite_setup.LiteAddressError:
        return None


LITE = Lite()


async def _comments(book: xw.Book) -> Comments:
    """The notes and threaded comments, read with Lite's awaited calls; a failure on the way
    (not a refusal, which ``read_comments_async`` keeps) leaves both unread and is logged."""
    try:
        return await read_comments_async(book)
    except Exception as exc:  # noqa: BLE001 - the coach gets Kontroll's warning, support the log
        LITE.log(exc)
        return Comments(unread=(NOTES, THREADED))


def _script(button: A.Button, name: str):
    """One Lite script: Lite shows the button's label as the name and its description under
    the button in App Mode. Async, so that the notes can be read before a button that reads
    the book runs (once its libraries are found)."""

    async def press(book: xw.Book):
        if button.needs and not A.missing(button.needs):
            LITE.comments_read = await _comments(book)
        try:
            return button.press(LITE, book)
        finally:
            LITE.comments_read = None

    return script(name=button.label)(button.named(press, name))


knapp1_kontrollera = _script(A.KONTROLLERA, "knapp1_kontrollera")
knapp2_arssammanstallning = _script(A.ARSSAMMANSTALLNING, "knapp2_arssammanstallning")
knapp3_word_rapport = _script(A.WORD_RAPPORT, "knapp3_word_rapport")
knapp4_exportera = _script(A.EXPORTERA, "knapp4_exportera")
knapp4b_exportera_preliminart = _script(A.EXPORTERA_PRELIMINART, "knapp4b_exportera_preliminart")
knapp5_nytt_verksamhetsar = _script(A.NYTT_VERKSAMHETSAR, "knapp5_nytt_verksamhetsar")
knapp6_hjalp = _script(A.HJALP, "knapp6_hjalp")
