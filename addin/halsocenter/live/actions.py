"""The coach's actions on the workbook open in Excel, for every host.

Kontrollera, Årssammanställning, Word-rapport, Exportera till regionen, Nytt verksamhetsår and
Hjälp run the same core as the command line (``analysis.analyse``) through the shared live layer
(``live.read``, ``live.write``). What differs between desktop Excel (``live.desktop``) and xlwings
Lite (``live.lite``) is a ``Host``: where a file goes and how the coach finds it, progress, how a next
year's workbook is built, and where the details of a real bug are kept. Every failure ends in a
Swedish message, never in a traceback.

Importing this module stays light (xlwings and the package's small modules): the reader, the
writers and the core (pandas, openpyxl, python-docx, matplotlib) load when an action runs, which
keeps xlwings Lite's start quick. Each button names the libraries it needs (``Button.needs``);
they are looked for before the action starts, and a library that is missing or does not load
ends in one Swedish message saying which and what to do, on a path that imports nothing heavy
(xlwings Lite fetches numpy, pandas and lxml from Pyodide's server; a blocked server must not
turn into a traceback).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlwings as xw

from halsocenter import errors
from halsocenter.core import contract as C
from halsocenter.core import messages as M
from halsocenter.core.analysis import Analysis, analyse, refuse_unreadable
from halsocenter.core.model import Finding, WorkbookData, severity_counts
from halsocenter.core.region_config import DEFAULT, Region
from halsocenter.core.region_config import parse as parse_region
from halsocenter.core.swedish import whole

if TYPE_CHECKING:
    from halsocenter.live.comments import Comments

TITLE = "Hälsocenter"
LOG_NAME = "halsocenter_fel.txt"
CONFIRM_WINDOW = timedelta(minutes=10)
"""How long a second press of Exportera or Word-rapport counts as the coach's confirmation that
notes and comments the engine could not read hold no identity numbers."""
UNCHECKED = "live_comments_unchecked"


class Stop(errors.UserError):
    """An action stops with a Swedish message for the coach; not a bug."""


class Host:
    """What one Excel host does its own way. Subclasses: ``desktop.Desktop``, ``lite.Lite``."""

    intro = ""
    """First sentence of Hjälp: where the buttons are."""
    files_where = ""
    """Where the created files end up, as Hjälp says it."""
    next_year_note = ""
    """What the coach does in next year's workbook besides opening it."""
    export_help = (" Har arbetsboken fel kvar frågar knappen om en preliminär fil ska "
                   "skapas i stället.")
    """How Hjälp says the export offers a preliminary file."""
    export_bullets = ""
    """Hjälp's lines for buttons of the host's own after Exportera (Lite: Exportera
    preliminärt)."""

    preliminary_hint = ""
    """What the coach can do instead when the export is refused for errors left (Lite: the
    button Exportera preliminärt)."""

    reinstall = ""
    """What the coach does when a library the buttons need does not load."""

    def __init__(self) -> None:
        self._asked: dict[str, datetime] = {}
        self.comments_read: Comments | None = None
        """Notes and comments read before the action (xlwings Lite), or None: read with the book."""

    def confirmed(self, key: str) -> bool:
        """Whether the coach confirms by pressing the same button again (``key``) within
        ``CONFIRM_WINDOW`` of being asked; otherwise this press is the one that asks."""
        now = datetime.now()
        asked = self._asked.pop(key, None)
        if asked is not None and timedelta(0) <= now - asked <= CONFIRM_WINDOW:
            return True
        self._asked[key] = now
        return False

    def alert(self, book: xw.Book, message: str, *, problem: bool = False) -> None:
        book.app.alert(message, title=TITLE, buttons="ok", mode="critical" if problem else "info")

    def confirm(self, book: xw.Book, question: str) -> bool | None:
        """Ask a yes/no question: True for yes, False for no, None when the host cannot wait
        for an answer (xlwings' remote engine and xlwings Lite show an alert only after the
        script has ended, and return nothing)."""
        answer = book.app.alert(question, title=TITLE, buttons="yes_no", mode="info")
        return None if answer is None else str(answer).lower() == "yes"

    def progress(self, book: xw.Book, text: str | None) -> None:
        """Show what a button is doing (``None`` clears it)."""

    def folder(self, book: xw.Book, action: str) -> Path:
        """The folder a file is written to; raises ``Stop`` when there is none."""
        raise NotImplementedError

    def saved(self, path: Path) -> str:
        """How the coach finds a written file, as the end of a sentence."""
        return str(path)

    def next_year(self, book: xw.Book, data: WorkbookData, dst: Path) -> Path:
        """Write next year's workbook ``dst`` from the open book."""
        raise NotImplementedError

    def log(self, exc: BaseException) -> str:
        """Keep the details of a real bug for support; a sentence saying where, or ``""``."""
        return ""

    def scratch(self) -> contextlib.AbstractContextManager:
        """Where an action's caches and temporary files go while it runs (none of its own
        unless a host says so)."""
        return contextlib.nullcontext()


def write_log(path: Path, exc: BaseException) -> bool:
    """Append the traceback of ``exc`` to ``path``; False when that is not possible."""
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now():%Y-%m-%d %H:%M:%S}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return True
    except OSError:
        return False


# --------------------------------------------------------------------------- messages


def counts_text(findings: Sequence[Finding]) -> str:
    return M.counts_text(severity_counts(findings))


def user_message(exc: BaseException) -> str | None:
    """The Swedish message of an expected failure, or None for a real bug."""
    if message := errors.user_message(exc):
        return message
    if isinstance(exc, PermissionError):
        return (f"Filen {exc.filename} är låst eller skrivskyddad. Stäng den (till exempel i Word "
                "eller Excel) och klicka på knappen igen.")  # fmt: skip
    return None


# --------------------------------------------------------------------------- libraries

DISTRIBUTIONS = {"docx": "python-docx", "PIL": "pillow", "python_calamine": "python-calamine"}
"""The package a coach or IT would look for, where it differs from the module's name."""


def missing(modules: Sequence[str]) -> list[str]:
    """The modules of ``modules`` that cannot be found (looked for, not imported)."""
    out = []
    for name in modules:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            out.append(name)
    return out


def missing_message(host: Host, label: str, modules: Sequence[str]) -> str:
    """One Swedish message for a button whose libraries are missing or do not load."""
    names = [DISTRIBUTIONS.get(m, m) for m in dict.fromkeys(modules)]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} och {names[-1]}"
    what = "Python-paketet" if len(names) == 1 else "Python-paketen"
    return (f"{label} kan inte köras: {what} {listed} gick inte att läsa in. Inga uppgifter som "
            f"du skrivit har ändrats.\n\n{host.reinstall}")


def mask_digits(message: str) -> str:
    """Every run of six or more digits, with at most two spaces, dashes, pluses, dots, commas
    or slashes between two of them, as "…": masks every identity number the guard knows (every
    written form of ``tests/privacy_builders``), and more."""
    return re.sub(r"\d(?:[\s\-+.,/\u2010-\u2015\u2212]{0,2}\d){5,}", "…", message)


def mask(message: str) -> str:
    """``message`` with identity numbers masked (a message may quote a sheet name or a cell).
    The guard needs the core's date parsing (numpy); should that not load, ``mask_digits``."""
    try:
        from halsocenter.core.privacy import mask_text
    except ImportError:
        return mask_digits(message)
    return mask_text(message)


def run(host: Host, book: xw.Book, what: str, action: Callable[[xw.Book, Host], Any],
        needs: Sequence[str] = (), label: str = "Knappen") -> Any:  # fmt: skip
    """Run ``action`` with progress shown, turning every failure into a Swedish message for the
    coach (set HALSOCENTER_DEBUG=1 to get the traceback instead). The libraries in ``needs``
    are looked for first; a missing one, or one that fails to load on the way, ends in one
    message naming it, with nothing heavy imported to say so."""
    if lacking := missing(needs):
        host.alert(book, missing_message(host, label, lacking), problem=True)
        return None
    host.progress(book, what)
    try:
        with host.scratch():
            return action(book, host)
    except Exception as exc:  # the coach must never see a traceback
        if os.environ.get("HALSOCENTER_DEBUG"):
            raise
        if isinstance(exc, ImportError):  # installed, but it does not load
            host.log(exc)
            host.alert(book, missing_message(host, label, [(exc.name or "").split(".")[0] or
                                                           str(exc)]), problem=True)  # fmt: skip
            return None
        message = user_message(exc)
        if message is None:
            where = host.log(exc)
            message = (f"Något gick fel ({type(exc).__name__}: {exc}). Inga uppgifter som du "
                       f"skrivit har ändrats.{where} Kontakta supporten och bifoga filen.")  # fmt: skip
        host.alert(book, mask(message), problem=True)
        return None
    finally:
        host.progress(book, None)


def read_book(book: xw.Book, host: Host | None = None) -> WorkbookData:
    from halsocenter.live.read import read_book

    return read_book(book, host.comments_read if host is not None else None)


def write_generated(book: xw.Book, analysis: Analysis, which: Sequence[str],
                    created: datetime | None = None) -> dict[str, xw.Sheet]:  # fmt: skip
    from halsocenter.live.write import write_generated

    return write_generated(book, analysis, which, created)


def _analysis(book: xw.Book, host: Host, *, strict: bool) -> Analysis:
    """Read and run the core. ``strict`` refuses a workbook with unreadable values (text in a
    date column...) as the CLI's summary/report/export do; the check lists them instead."""
    wb = read_book(book, host)
    if strict:
        refuse_unreadable(wb)
    return analyse(wb)


# --------------------------------------------------------------------------- the actions


def check(book: xw.Book, host: Host) -> None:
    """Kontrollera: every finding on the Kontroll sheet, each with a link to its cell."""
    analysis = _analysis(book, host, strict=False)
    sheet = write_generated(book, analysis, (C.CHECK_SHEET,))[C.CHECK_SHEET]
    sheet.activate()
    findings = analysis.findings
    if not findings:
        host.alert(book, "Kontrollen är klar: inga fel eller varningar hittades.")
        return
    host.alert(book, f"Kontrollen är klar: {counts_text(findings)}. De står på fliken "
                     f"{C.CHECK_SHEET}, en rad per slag av fel överst; klicka på en blå "
                     "cellreferens för att komma till cellen och rätta den.",
               problem=bool(analysis.errors))  # fmt: skip


def summary(book: xw.Book, host: Host) -> None:
    """Årssammanställning: the three generated sheets, as the CLI's summary writes them."""
    analysis = _analysis(book, host, strict=True)
    created = datetime.now().replace(microsecond=0)
    written = write_generated(book, analysis, C.GENERATED_SHEETS, created)
    written[C.SUMMARY_SHEET].activate()
    text = (f"Årssammanställningen är klar: flikarna {', '.join(C.GENERATED_SHEETS[:-1])} och "
            f"{C.GENERATED_SHEETS[-1]} är uppdaterade.")  # fmt: skip
    status = analysis.status
    if status.preliminary:
        text += (f"\n\nDen är preliminär – sidan 1 säger ”{status.banner}”. Kontrollen hittade "
                 f"{counts_text(analysis.findings)}; rätta felen på fliken {C.CHECK_SHEET} så "
                 "blir siffrorna rätt och märkningen försvinner.")  # fmt: skip
    host.alert(book, text, problem=status.preliminary)


REPORT_NAME = "{kommun}_{ar}_verksamhetsberattelse"
"""The Word report's file name, from the workbook's Kommun and year (never from the book's own
file name, which may hold a person's name)."""
NEXT_YEAR_NAME = "{kommun}_{ar}"


def report_path(folder: Path, analysis: Analysis) -> Path:
    """``<Kommun>_<År>_verksamhetsberattelse.docx`` in ``folder`` (``atomic.data_path``)."""
    from halsocenter.atomic import data_path
    from halsocenter.core.analysis import refuse_without_year
    from halsocenter.core.filenames import kommun_for_name

    wb = analysis.wb
    year = refuse_without_year(wb, "Word-rapporten")
    if not wb.kommun:
        raise Stop(f"Fyll i kommun på fliken {C.START_SHEET} först; rapportens filnamn byggs av "
                   "kommun och verksamhetsår.")  # fmt: skip
    return data_path(folder, REPORT_NAME, ".docx", kommun=kommun_for_name(wb.kommun, wb.region), ar=year)


def _leaving_file(book: xw.Book, host: Host, action: str,
                  write: Callable[[Path, Analysis], Path]) -> tuple[Path, Analysis] | None:  # fmt: skip
    """The two actions whose file leaves the hub (Word-rapport, Exportera): the host's folder,
    the strict analysis, then ``write``. A refusal (an identity number anywhere in the book, no
    kommun or year) writes nothing; the coach gets the Kontroll sheet and the message, which
    names the places with the number masked."""
    from halsocenter.errors import Refused

    folder = host.folder(book, action)
    analysis = _analysis(book, host, strict=True)
    unchecked = [f for f in analysis.findings if f.code == UNCHECKED]
    if unchecked and not host.confirmed(f"{action}\x00{book.name}"):
        write_generated(book, analysis, (C.CHECK_SHEET,))[C.CHECK_SHEET].activate()
        host.alert(book, f"{unchecked[0].message}\n\nFilen skapades inte. Har du själv gått "
                         "igenom alla anteckningar och kommentarer och vet att de inte innehåller "
                         f"personnummer: klicka på {action} en gång till inom "
                         f"{CONFIRM_WINDOW.seconds // 60} minuter, så skapas filen.",
                   problem=True)  # fmt: skip
        return None
    try:
        return write(folder, analysis), analysis
    except Refused as exc:  # PersonalDataRefused is one
        from halsocenter.core.sheetmarks import SheetsInTheWay

        try:
            write_generated(book, analysis, (C.CHECK_SHEET,))[C.CHECK_SHEET].activate()
            where = "" if C.CHECK_SHEET in exc.message else \
                f"\n\nCellerna står på fliken {C.CHECK_SHEET}."  # fmt: skip
        except SheetsInTheWay as blocked:  # the coach's own sheet has the name: not touched
            where = f"\n\nFliken {C.CHECK_SHEET} kunde inte skapas: {blocked.message}"
        host.alert(book, exc.message + where, problem=True)
        return None


def report(book: xw.Book, host: Host) -> Path | None:
    """Word-rapport: the annual account as a Word file; refused while an identity number is in
    the book (the report leaves the hub like the export)."""
    from halsocenter.report.document import write_report

    done = _leaving_file(book, host, "Word-rapport", lambda folder, analysis: write_report(
        analysis.wb, report_path(folder, analysis), summary=analysis.summary,
        findings=analysis.findings))  # fmt: skip
    if done is None:
        return None
    path, analysis = done
    text = f"Word-rapporten är sparad: {host.saved(path)}"
    status = analysis.status
    if status.preliminary:
        text += (f"\n\nRapporten är preliminär: arbetsboken har {whole(status.errors)} fel kvar, "
                 "och det står på försättsbladet och överst på varje sida. Rätta felen på "
                 f"fliken {C.CHECK_SHEET} (klicka på Kontrollera) och skapa rapporten igen "
                 "innan den skickas.")  # fmt: skip
    host.alert(book, text, problem=status.preliminary)
    return path


def preliminary_question(errors: int) -> str:
    """The desktop's yes/no question when the export meets errors left."""
    return (f"Arbetsboken har {whole(errors)} fel kvar, så siffrorna är inte klara.\n\nVill du "
            "ändå skapa filen till regionen, märkt som preliminär med antalet fel? Gör det bara "
            "om regionen vill ha siffrorna innan allt är rättat.\n\nJa: filen skapas och märks "
            f"preliminär. Nej: ingen fil skapas; felen står på fliken {C.CHECK_SHEET}.")


def preliminary_refusal(errors: int, hint: str = "") -> str:
    """Why no export file was written, and where to look."""
    return (f"Filen till regionen skapades inte: arbetsboken har {whole(errors)} fel kvar. "
            f"Felen står på fliken {C.CHECK_SHEET} – rätta dem och exportera igen.{hint}")


def export(book: xw.Book, host: Host, *, preliminary: bool = False) -> Path | None:
    """Exportera till regionen: ``Halsocenter_<Kommun>_<År>.xlsx`` with aggregates only.

    A final file is written only when no errors are left. Otherwise the coach is asked whether
    to write a preliminary file instead (desktop Excel), or told to use Exportera preliminärt
    (xlwings Lite, which cannot wait for an answer). ``preliminary`` writes it without asking,
    marked with the number of errors."""
    from halsocenter.atomic import OutputError
    from halsocenter.region.export import export as write_export

    def write(folder: Path, analysis: Analysis) -> Path:
        def attempt(preliminary: bool) -> Path:
            return write_export(analysis.wb, folder, summary=analysis.summary,
                                findings=analysis.findings, preliminary=preliminary)

        try:
            try:
                return attempt(preliminary)
            except errors.ErrorsRemain as exc:
                if host.confirm(book, preliminary_question(exc.errors)):
                    return attempt(True)
                exc.message = preliminary_refusal(exc.errors, host.preliminary_hint)
                raise
        except OutputError as exc:
            if exc.reason != "input":
                raise
            from halsocenter.core.filenames import file_name, kommun_for_name

            wb = analysis.wb  # the export was named from these, so they make a name
            other = file_name(NEXT_YEAR_NAME, ".xlsx", kommun=kommun_for_name(wb.kommun, wb.region),
                              ar=wb.year)  # fmt: skip
            raise Stop(f"{exc.message}\n\nArbetsboken har samma namn som filen till regionen. "
                       "Spara arbetsboken under ett annat namn (Arkiv > Spara som), t.ex. "
                       f"{other}, och exportera igen.") from exc  # fmt: skip

    done = _leaving_file(book, host, "Exportera till regionen", write)
    if done is None:
        return None
    path, analysis = done
    status = analysis.status
    if status.preliminary:
        host.alert(book, f"Filen till regionen är sparad: {host.saved(path)}\n\nDen är märkt "
                         f"preliminär: arbetsboken har {whole(status.errors)} fel kvar. Den "
                         "innehåller bara sammanräknade tal. Rätta felen på fliken "
                         f"{C.CHECK_SHEET} och skicka en ny fil när de är rättade.")  # fmt: skip
        return path
    host.alert(book, f"Filen till regionen är sparad: {host.saved(path)}\n\nDen innehåller "
                     "bara sammanräknade tal, inga rader med personer. Skicka den till regionen "
                     "som ni kommit överens om.")  # fmt: skip
    return path


def export_preliminary(book: xw.Book, host: Host) -> Path | None:
    """Exportera preliminärt (xlwings Lite): the export file even while errors are left,
    marked preliminary with their number."""
    return export(book, host, preliminary=True)


def next_year(book: xw.Book, host: Host) -> Path:
    """Nytt verksamhetsår: ``<Kommun>_<år+1>.xlsx``, never overwritten."""
    folder = host.folder(book, "Nytt verksamhetsår")
    from halsocenter.atomic import data_path
    from halsocenter.core.analysis import refuse_without_year
    from halsocenter.core.filenames import kommun_for_name

    wb = read_book(book, host)
    if not wb.kommun:
        raise Stop(f"Fyll i kommun och verksamhetsår på fliken {C.START_SHEET} först.")
    year = refuse_without_year(wb, "nästa års arbetsbok")
    dst = data_path(folder, NEXT_YEAR_NAME, ".xlsx", kommun=kommun_for_name(wb.kommun, wb.region),
                    ar=year + 1)  # fmt: skip
    if os.path.lexists(dst):
        raise Stop(f"{dst.name} finns redan i {folder}. Öppna den, eller byt namn på den om du "
                   "vill skapa en ny.")  # fmt: skip
    path = host.next_year(book, wb, dst)
    host.alert(book, f"Arbetsboken för {wb.year + 1} är skapad: {host.saved(path)}\n\nÖppna den "
                     "och fortsätt där. Öppna remisser, årets totaler och planen har följt "
                     f"med.{host.next_year_note}")  # fmt: skip
    return path


def help_text(host: Host, region: Region | None = None) -> str:
    """Hjälp: what each button does and where to get support (at ``region``'s public-health
    unit when the workbook's region is known)."""
    who = (f"kontaktpersonen på {region.health_unit}, {region.name}" if region else
           "kontaktpersonen för Hälsocenter i regionen")
    return (
        f"{host.intro} Inget du skrivit ändras; flikarna {', '.join(C.GENERATED_SHEETS)} skapas "
        "om varje gång – men en flik du själv har gjort med samma namn, eller skrivit i, tas "
        "aldrig bort: då ber knappen dig byta namn på den.\n\n"
        f"• Kontrollera – letar fel och varningar och listar dem på fliken {C.CHECK_SHEET}, med "
        "länk till varje cell.\n"
        f"• Årssammanställning – bygger {C.SUMMARY_SHEET} (nyckeltal, tabeller, diagram, planen) "
        f"och {C.DATA_SHEET}.\n"
        "• Word-rapport – skapar verksamhetsberättelsen som Word-fil.\n"
        "• Exportera till regionen – skapar filen Halsocenter_<Kommun>_<År>.xlsx med bara "
        f"sammanräknade tal.{host.export_help}\n{host.export_bullets}"
        "• Nytt verksamhetsår – skapar nästa års arbetsbok; öppna remisser och planen följer "
        "med.\n\n"
        "Så länge Kontroll hittar fel är det som skapas preliminärt: Årssammanställningen "
        "säger ”Preliminär – N fel kvar i arbetsboken” överst på sidan 1, Word-rapporten "
        "säger det på varje sida, och filen till regionen skapas bara om du väljer en "
        "preliminär fil – den märks då med antalet fel. Varningar gör inget preliminärt.\n\n"
        f"Filerna hamnar {host.files_where}.\n\n"
        "Skriv aldrig namn, personnummer eller telefonnummer i arbetsboken.\n\n"
        f"Frågor om arbetsboken och statistiken: {who}. Installation och datorproblem: "
        "kommunens IT-support."
    )


def book_region(book: xw.Book) -> Region | None:
    """The region the open book belongs to: its ``REGION_CELL``, the built-in region when the
    book has none, None when it cannot be read (``read_book`` then says why). Here, not in
    ``live.read``: Hjälp asks it, and Hjälp works even when pandas and numpy cannot load."""
    try:
        name = next((n for n in book.names if n.name.casefold() == C.REGION_CELL.name.casefold()),
                    None)  # fmt: skip
        if name is None:
            return DEFAULT
        return parse_region(name.refers_to_range.value, C.REGION_SHEET)
    except Exception:  # noqa: BLE001 - a broken name or text: the help speaks generally
        return None


def show_help(book: xw.Book, host: Host) -> None:
    host.alert(book, help_text(host, book_region(book)))


# --------------------------------------------------------------------------- the buttons


@dataclass(frozen=True)
class Button:
    """One of the coach's buttons, as every host shows it."""

    label: str
    """The button's Swedish name."""
    doing: str
    """What it is doing, while it works."""
    action: Callable[[xw.Book, Host], Any]
    description: str
    """One sentence for the coach (xlwings Lite shows it under the button)."""
    needs: tuple[str, ...] = ()
    """The libraries the action imports (top-level modules), looked for before it runs
    (``tests/test_lite_deps.py`` holds this to what each action really imports)."""

    def press(self, host: Host, book: xw.Book) -> Any:
        return run(host, book, self.doing, self.action, self.needs, self.label)

    def entry_point(self, host: Host, name: str) -> Callable[..., Any]:
        """The function a host calls: xlwings Lite hands the book over (``book: xw.Book`` is
        how it knows where), the desktop ribbon's RunPython leaves it to ``Book.caller()``."""

        def press(book: xw.Book = None):
            return self.press(host, book if book is not None else xw.Book.caller())

        return self.named(press, name)

    def named(self, press: Callable[..., Any], name: str) -> Callable[..., Any]:
        """``press`` under ``name`` with the button's description, its book parameter hinted
        by the class itself: xlwings before 0.36.17 does not resolve a string hint (this module
        has ``from __future__ import annotations``) and refuses the script."""
        press.__name__ = press.__qualname__ = name
        press.__doc__ = self.description
        press.__annotations__ = {"book": xw.Book}
        return press


READ = ("numpy", "pandas")
"""Reading the open book and running the core."""
SHEETS = ("openpyxl",)
"""Writing the generated sheets and the template (the house look is openpyxl's styles)."""
FILES = ("lxml",)
"""Writing a file: the package writer and the zip checks."""

KONTROLLERA = Button("Kontrollera", "kontrollerar arbetsboken …", check,
                     f"Letar fel och varningar och listar dem på fliken {C.CHECK_SHEET}, med länk "
                     "till varje cell.", READ + SHEETS)  # fmt: skip
ARSSAMMANSTALLNING = Button("Årssammanställning", "bygger årssammanställningen …", summary,
                            f"Bygger flikarna {', '.join(C.GENERATED_SHEETS[:-1])} och "
                            f"{C.GENERATED_SHEETS[-1]}.", READ + SHEETS)  # fmt: skip
WORD_RAPPORT = Button("Word-rapport", "skapar Word-rapporten …", report,
                      "Skapar verksamhetsberättelsen som Word-fil.",
                      READ + SHEETS + FILES + ("docx", "docxtpl", "jinja2", "markupsafe", "matplotlib",
                                      "PIL"))  # fmt: skip
EXPORTERA = Button("Exportera till regionen", "skapar filen till regionen …", export,
                   "Skapar Halsocenter_<Kommun>_<År>.xlsx med bara sammanräknade tal, för "
                   "regionen.", READ + SHEETS + FILES)  # fmt: skip
EXPORTERA_PRELIMINART = Button("Exportera preliminärt", "skapar en preliminär fil till regionen …",
                              export_preliminary,
                              "Som Exportera till regionen, men filen skapas även när "
                              "arbetsboken har fel kvar; den märks då som preliminär med "
                              "antalet fel.", READ + SHEETS + FILES)  # fmt: skip
NYTT_VERKSAMHETSAR = Button("Nytt verksamhetsår", "skapar nästa års arbetsbok …", next_year,
                            "Skapar nästa års arbetsbok; öppna remisser, årets totaler och "
                            "planen följer med.", READ + SHEETS + FILES)  # fmt: skip
HJALP = Button("Hjälp", "hjälp", show_help, "Vad varje knapp gör och vart du vänder dig med "
               "frågor.")  # fmt: skip
BUTTONS = (KONTROLLERA, ARSSAMMANSTALLNING, WORD_RAPPORT, EXPORTERA, NYTT_VERKSAMHETSAR, HJALP)

