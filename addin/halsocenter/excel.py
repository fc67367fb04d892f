"""Live Excel via xlwings: the entry points behind the desktop ribbon's buttons.

The buttons run the same core as the command line (``pipeline.analyse``: validate + stats) on
the workbook that is open in Excel. Reading and writing the open book is the shared live layer
(``live_read``, ``live_write``), which xlwings Lite (``lite``) uses too; this module holds what
only the desktop has: the calling book (``xw.Book.caller()``), the status bar, message boxes and
files next to the saved workbook. Problems reach the coach as a Swedish message box, never as a
traceback.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import traceback
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import xlwings as xw

from . import contract as C
from . import errors
from .live_read import book_path, read_book
from .live_write import write_generated
from .model import Finding, severity_counts
from .pipeline import Analysis, analyse, refuse_unreadable

TITLE = "Hälsocenter"
LOG_NAME = "halsocenter_fel.txt"

# --------------------------------------------------------------------------- talking to the coach


def alert(book: xw.Book, message: str, *, problem: bool = False) -> None:
    book.app.alert(message, title=TITLE, buttons="ok", mode="critical" if problem else "info")


def progress(book: xw.Book, text: str | None) -> None:
    """Status bar text while a button works.

    Excel on the web has no status bar (xlwings raises NotImplementedError there) and desktop
    Excel refuses while a cell is being edited; neither is worth interrupting the coach for, so
    progress is then simply not shown."""
    with contextlib.suppress(Exception):
        book.app.status_bar = f"{TITLE}: {text}" if text else False


def _counts_text(findings: Sequence[Finding]) -> str:
    n = severity_counts(findings)
    fel = f"{n['error']} fel"
    varningar = f"{n['warning']} {'varning' if n['warning'] == 1 else 'varningar'}"
    return f"{fel} och {varningar}"


def user_message(exc: BaseException) -> str | None:
    """The Swedish message of an expected failure, or None for a real bug."""
    if message := errors.user_message(exc):
        return message
    if isinstance(exc, PermissionError):
        return (f"Filen {exc.filename} är låst eller skrivskyddad. Stäng den (till exempel i Word "
                "eller Excel) och klicka på knappen igen.")  # fmt: skip
    return None


def _log(exc: BaseException) -> Path | None:
    path = Path(tempfile.gettempdir()) / LOG_NAME
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now():%Y-%m-%d %H:%M:%S}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


def _button(what: str):
    """Wrap a button: find the calling book, show progress, and turn every failure into a
    Swedish message box (set HALSOCENTER_DEBUG=1 to get the traceback instead)."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(book: xw.Book | None = None):
            book = book if book is not None else xw.Book.caller()
            progress(book, what)
            try:
                return fn(book)
            except Exception as exc:  # the coach must never see a traceback
                if os.environ.get("HALSOCENTER_DEBUG"):
                    raise
                message = user_message(exc)
                if message is None:
                    log = _log(exc)
                    where = f" Detaljer finns i filen {log}." if log else ""
                    message = (f"Något gick fel ({type(exc).__name__}: {exc}). Inga uppgifter "
                               f"som du skrivit har ändrats.{where} Kontakta supporten och "
                               "bifoga filen.")  # fmt: skip
                alert(book, message, problem=True)
                return None
            finally:
                progress(book, None)

        return run

    return decorate


def _analysis(book: xw.Book, *, strict: bool) -> Analysis:
    """Read and run the core. ``strict`` refuses a workbook with unreadable values (text in a
    date column...) as the CLI's summary/report/export do; the check lists them instead."""
    wb = read_book(book)
    if strict:
        refuse_unreadable(wb)
    return analyse(wb)


def _folder(book: xw.Book, action: str) -> Path | None:
    """The saved workbook's folder, or None (after telling the coach) when there is none."""
    path = book_path(book)
    if path.is_absolute() and path.parent.is_dir():
        return path.parent
    alert(book, f"Spara arbetsboken i en mapp på datorn först (Arkiv > Spara som) och klicka "
                f"sedan på {action} igen. Filen skapas i samma mapp som arbetsboken.",
          problem=True)  # fmt: skip
    return None


def _unsaved(book: xw.Book) -> bool:
    """True when Excel says the workbook has unsaved changes (desktop Excel only)."""
    try:
        return getattr(book.api, "Saved", True) is False
    except Exception:  # hosts without the property
        return False


# --------------------------------------------------------------------------- the buttons


@_button("kontrollerar arbetsboken …")
def kontrollera(book: xw.Book | None = None) -> None:
    """Kontrollera: every finding on the Kontroll sheet, each with a link to its cell."""
    analysis = _analysis(book, strict=False)
    sheet = write_generated(book, analysis, (C.CHECK_SHEET,))[C.CHECK_SHEET]
    sheet.activate()
    findings = analysis.findings
    if not findings:
        alert(book, "Kontrollen är klar: inga fel eller varningar hittades.")
        return
    alert(book, f"Kontrollen är klar: {_counts_text(findings)}. De står på fliken "
                f"{C.CHECK_SHEET}; klicka på cellen i kolumnen Cell för att komma till raden "
                "och rätta den.", problem=bool(analysis.errors))  # fmt: skip


@_button("bygger årssammanställningen …")
def arssammanstallning(book: xw.Book | None = None) -> None:
    """Årssammanställning: the three generated sheets, as the CLI's summary writes them."""
    analysis = _analysis(book, strict=True)
    created = datetime.now().replace(microsecond=0)
    written = write_generated(book, analysis, C.GENERATED_SHEETS, created)
    written[C.SUMMARY_SHEET].activate()
    text = (f"Årssammanställningen är klar: flikarna {', '.join(C.GENERATED_SHEETS[:-1])} och "
            f"{C.GENERATED_SHEETS[-1]} är uppdaterade.")  # fmt: skip
    if analysis.errors:
        text += (f" Kontrollen hittade {_counts_text(analysis.findings)} – rätta felen på fliken "
                 f"{C.CHECK_SHEET} så blir siffrorna rätt.")  # fmt: skip
    alert(book, text, problem=bool(analysis.errors))


@_button("skapar Word-rapporten …")
def rapport(book: xw.Book | None = None) -> Path | None:
    """Word-rapport: <arbetsbok>_verksamhetsberattelse.docx next to the workbook."""
    from .report import write_report

    folder = _folder(book, "Word-rapport")
    if folder is None:
        return None
    analysis = _analysis(book, strict=True)
    out = folder / f"{book_path(book).stem}_verksamhetsberattelse.docx"
    path = write_report(analysis.wb, out, summary=analysis.summary)
    text = f"Word-rapporten är sparad: {path}"
    if analysis.errors:
        text += (f"\n\nObs! Kontrollen hittade {_counts_text(analysis.findings)}. Klicka på "
                 "Kontrollera och rätta felen innan rapporten skickas.")  # fmt: skip
    alert(book, text)
    return path


@_button("skapar filen till regionen …")
def exportera(book: xw.Book | None = None) -> Path | None:
    """Exportera till regionen: Halsocenter_<Kommun>_<År>.xlsx next to the workbook."""
    from .region import ExportRefused, export

    folder = _folder(book, "Exportera till regionen")
    if folder is None:
        return None
    analysis = _analysis(book, strict=True)
    try:
        path = export(analysis.wb, folder, summary=analysis.summary, findings=analysis.findings)
    except ExportRefused as exc:
        write_generated(book, analysis, (C.CHECK_SHEET,))[C.CHECK_SHEET].activate()
        alert(book, f"{exc.message}\n\nCellerna står på fliken {C.CHECK_SHEET}.", problem=True)
        return None
    alert(book, f"Filen till regionen är sparad: {path}\n\nDen innehåller bara sammanräknade "
                "tal, inga rader med personer. Skicka den till regionen som ni kommit överens "
                "om.")  # fmt: skip
    return path


@_button("skapar nästa års arbetsbok …")
def nytt_verksamhetsar(book: xw.Book | None = None) -> Path | None:
    """Nytt verksamhetsår: <Kommun>_<år+1>.xlsx next to the saved workbook, never overwritten."""
    from .rollover import rollover

    folder = _folder(book, "Nytt verksamhetsår")
    if folder is None:
        return None
    if _unsaved(book):
        alert(book, "Spara arbetsboken först (Ctrl+S) – nästa års arbetsbok byggs från den "
                    "sparade filen. Klicka sedan på Nytt verksamhetsår igen.", problem=True)
        return None
    wb = read_book(book)
    if not wb.kommun or not wb.year:
        alert(book, f"Fyll i kommun och verksamhetsår på fliken {C.START_SHEET} först.",
              problem=True)  # fmt: skip
        return None
    dst = folder / f"{wb.kommun}_{wb.year + 1}.xlsx"
    if dst.exists():
        alert(book, f"{dst.name} finns redan i {folder}. Öppna den, eller byt namn på den om "
                    "du vill skapa en ny.", problem=True)  # fmt: skip
        return None
    path = rollover(book_path(book), dst)
    alert(book, f"Arbetsboken för {wb.year + 1} är skapad: {path}\n\nÖppna den och fortsätt "
                "där. Öppna remisser, årets totaler och planen har följt med.")  # fmt: skip
    return path


HELP_TEXT = (
    "Hälsocenter-fliken arbetar med arbetsboken som är öppen. Inget du skrivit ändras; "
    f"flikarna {', '.join(C.GENERATED_SHEETS)} skapas om varje gång.\n\n"
    f"• Kontrollera – letar fel och varningar och listar dem på fliken {C.CHECK_SHEET}, med "
    "länk till varje cell.\n"
    f"• Årssammanställning – bygger {C.SUMMARY_SHEET} (nyckeltal, tabeller, diagram, planen) "
    f"och {C.DATA_SHEET}.\n"
    "• Word-rapport – skapar verksamhetsberättelsen som Word-fil bredvid arbetsboken.\n"
    "• Exportera till regionen – skapar filen Halsocenter_<Kommun>_<År>.xlsx med bara "
    "sammanräknade tal.\n"
    "• Nytt verksamhetsår – skapar nästa års arbetsbok; öppna remisser och planen följer med.\n\n"
    "Skriv aldrig namn, personnummer eller telefonnummer i arbetsboken.\n\n"
    "Frågor om arbetsboken och statistiken: kontaktpersonen på Folkhälsa, Region Jönköpings "
    "län. Installation och datorproblem: kommunens IT-support."
)


@_button("hjälp")
def hjalp(book: xw.Book | None = None) -> None:
    """Hjälp: what each button does and where to get support."""
    alert(book, HELP_TEXT)
