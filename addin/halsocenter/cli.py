"""The `halsocenter` command: the same engine as the ribbon, for coaches, IT and the region.

Every command prints Swedish messages, never a traceback (set HALSOCENTER_DEBUG=1 to see one),
and writes nothing when the input is unusable. Exit codes: 0 ok, 1 errors found in the data,
2 the file or the command cannot be used.

Built on argparse from the standard library: the region runs this command over hundreds of files
in scripts, and start-up time counts there (typer would add click and pydantic to every start).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from . import contract as C
from .errors import user_message
from .model import severity_counts


class _Console:
    """rich's Console, imported on first use so commands that print nothing start faster."""

    def __init__(self, **options):
        self._options = options
        self._console = None

    def __getattr__(self, name):
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


out = _Console()
err = _Console(stderr=True, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class Refusal(Exception):
    """A Swedish message for the user; the command writes nothing and exits with ``code``."""

    user_facing = True

    def __init__(self, message: str, code: int = EXIT_UNUSABLE):
        super().__init__(message)
        self.message = message
        self.code = code


def _fail(message: str, code: int = EXIT_UNUSABLE):
    raise Refusal(message, code)


def read_workbook(path: Path):
    """Imported lazily: pandas costs a noticeable part of a second at start-up."""
    from .read import read_workbook as read

    return read(path)


def _refuse_existing(path: Path, what: str = "Filen") -> None:
    if path.exists():
        _fail(f"{what} {path} finns redan. Välj ett annat namn eller ta bort den först.")


def _refuse_same(src: Path, dst: Path) -> None:
    from .atomic import same_file

    if same_file(src, dst):
        _fail("Utfilen får inte vara samma fil som indata – programmet skriver aldrig över "
              "arbetsboken.")  # fmt: skip


def _print_findings(findings, title: str) -> None:
    if not findings:
        return
    from rich.markup import escape
    from rich.table import Table as RichTable

    table = RichTable(title=escape(title), show_lines=False, header_style="bold")
    severity, sheet, _, _, cell, _, message, _ = C.KONTROLL_COLUMNS
    for header in (severity, sheet, cell, message):
        table.add_column(header, overflow="fold")
    style = {"error": "red", "warning": "yellow", "info": "cyan"}
    for f in findings:  # what a cell says is text, never rich markup ("[/red]" in a cell)
        table.add_row(f"[{style[f.severity]}]{C.SEVERITY_LABELS[f.severity]}[/]",
                      escape(f.sheet or ""), escape(f.cell or ""), escape(f.message))  # fmt: skip
    out.print(table)


# --------------------------------------------------------------------------- commands


def new_workbook(args) -> int:
    from .template import write_template

    kommun, ar, out_path = args.kommun, args.ar, args.out
    match = C.kommun_named(kommun)
    if match is None:
        _fail(f"Okänd kommun ”{kommun}”. Välj en av: {', '.join(C.KOMMUNER)}.")
    if not 2000 <= ar <= 2100:
        _fail(f"Året {ar} verkar fel; ange verksamhetsåret med fyra siffror, t.ex. 2025.")
    _refuse_existing(out_path)
    if out_path.suffix.lower() != ".xlsx":
        _fail("Arbetsboken ska ha filändelsen .xlsx.")
    write_template(out_path, kommun=match, year=ar)
    out.print(f"Skapade [bold]{out_path}[/] för {match} {ar}.")
    return EXIT_OK


def check(args) -> int:
    from .validate import validate

    wb = read_workbook(args.workbook)
    findings = validate(wb)
    counts = severity_counts(findings)
    if args.json:
        print(json.dumps({"findings": [f.as_dict() for f in findings], "counts": counts},
                         ensure_ascii=False, indent=2))  # fmt: skip
    else:
        _print_findings(findings, f"Kontroll av {args.workbook.name}")
        out.print(f"Fel: {counts['error']}, varningar: {counts['warning']}, "
                  f"information: {counts['info']}.")  # fmt: skip
        if not counts["error"]:
            out.print("[green]Inga fel hittades.[/]")
    return EXIT_FINDINGS if counts["error"] else EXIT_OK


def summary(args) -> int:
    from .pipeline import write_summary

    if args.out is not None:
        _refuse_same(args.workbook, args.out)
    dst, analysis = write_summary(args.workbook, args.out)
    counts = severity_counts(analysis.findings)
    out.print(f"Skrev [bold]{dst}[/] ({counts['error']} fel, {counts['warning']} varningar – se "
              f"fliken {C.CHECK_SHEET}).")  # fmt: skip
    return EXIT_OK


def report(args) -> int:
    from .pipeline import refuse_unreadable
    from .report import write_report

    _refuse_same(args.workbook, args.out)
    wb = read_workbook(args.workbook)
    refuse_unreadable(wb)
    path = write_report(wb, args.out)
    out.print(f"Skrev [bold]{path}[/].")
    return EXIT_OK


def export(args) -> int:
    from .region import export as do_export

    wb = read_workbook(args.workbook)
    path = do_export(wb, args.out, mask_below=args.maskera_under)
    out.print(f"Skrev [bold]{path}[/].")
    return EXIT_OK


def region(args) -> int:
    from .region import consolidate

    folder, output = args.folder, args.out
    if not folder.is_dir():
        _fail(f"Mappen {folder} finns inte.")
    if output.resolve().parent == folder.resolve() and output.suffix.lower() == ".xlsx":
        _fail("Lägg länets sammanställning utanför mappen med kommunernas filer.")
    result = consolidate(folder, output, progress=not args.json)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        out.print(f"Skrev [bold]{output}[/]. {result.describe()}")
    return EXIT_FINDINGS if result.needs_attention else EXIT_OK


def _new_workbook_from(args, make, note: str = "") -> int:
    """Commands that make a new workbook from an old one: never over the input or another file."""
    _refuse_same(args.workbook, args.out)
    _refuse_existing(args.out)
    path = make(args.workbook, args.out)
    out.print(f"Skrev [bold]{path}[/]{note}.")
    return EXIT_OK


def rollover(args) -> int:
    from .rollover import rollover as do_rollover

    return _new_workbook_from(args, do_rollover)


def upgrade(args) -> int:
    from .upgrade import upgrade as do_upgrade

    return _new_workbook_from(args, do_upgrade, f" (mallversion {C.TEMPLATE_VERSION})")


def addin_build(args) -> int:
    from .addin import build_xlam

    path = build_xlam(args.out)
    out.print(f"Byggde [bold]{path}[/].")
    return EXIT_OK


def addin_install(args) -> int:
    from .addin import install

    path = install(args.mapp)
    out.print(f"Installerade [bold]{path}[/]. Starta om Excel så syns fliken Hälsocenter.")
    return EXIT_OK


def addin_uninstall(args) -> int:
    from .addin import uninstall

    path = uninstall(args.mapp)
    out.print(f"Tog bort {path}." if path else "Tillägget var inte installerat.")
    return EXIT_OK


# --------------------------------------------------------------------------- parser


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix or "Användning: ")


_ARGPARSE_WORDS = (
    ("the following arguments are required:", "dessa argument saknas:"),
    ("unrecognized arguments:", "okända argument:"),
    ("invalid int value:", "ogiltigt heltal:"),
    ("invalid choice:", "okänt val:"),
    ("expected one argument", "förväntade ett värde"),
    ("choose from", "välj bland"),
)


class _Parser(argparse.ArgumentParser):
    """Swedish section titles and a Swedish error line (argparse's own detail is kept)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argument"
        self._optionals.title = "flaggor"
        self.add_argument("-h", "--help", action="help", help="visa den här hjälpen och avsluta")

    def error(self, message):
        for english, swedish in _ARGPARSE_WORDS:
            message = message.replace(english, swedish)
        if message.startswith("argument "):
            message = "argumentet " + message[len("argument "):]
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"Fel i kommandot: {message}\nKör '{self.prog} -h' för hjälp.\n")


def _workbook(p: argparse.ArgumentParser) -> None:
    p.add_argument("workbook", type=Path, metavar="ARBETSBOK", help="arbetsboken (.xlsx)")


def _out(p: argparse.ArgumentParser, help_text: str, *, metavar: str = "UT",
         required: bool = True, default: Path | None = None) -> None:  # fmt: skip
    """The output option every writing command has."""
    p.add_argument("-o", "--ut", dest="out", type=Path, metavar=metavar, help=help_text,
                   required=required, default=default)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="halsocenter",
        description="Hälsocenter: kontrollera arbetsboken, ta fram årssammanställning, "
        "Word-rapport och regionens fil.",
        epilog="Slutkoder: 0 = klart, 1 = fel i uppgifterna, 2 = filen eller kommandot går inte "
        "att använda.",
    )
    parser.add_argument("--version", action="version", help="visa version och avsluta",
                        version=f"halsocenter {__version__} (mallversion {C.TEMPLATE_VERSION})")
    sub = parser.add_subparsers(title="kommandon", metavar="KOMMANDO", parser_class=_Parser,
                                prog="halsocenter")  # fmt: skip

    def command(name, func, help_text, description=None):
        p = sub.add_parser(name, help=help_text, description=description or help_text)
        p.set_defaults(func=func)
        return p

    p = command("new-workbook", new_workbook,
                "Skapa en ny, tom arbetsbok från mallen för en kommun och ett år.")
    p.add_argument("out", type=Path, metavar="UT", help="den nya arbetsboken (.xlsx)")
    p.add_argument("--kommun", required=True, help="kommunens namn, t.ex. Vaggeryd")
    p.add_argument("--ar", required=True, type=int, help="verksamhetsåret, t.ex. 2025")

    p = command("check", check, "Kontrollera arbetsboken: alla fel och varningar på en gång.",
                "Kontrollera arbetsboken: alla fel och varningar på en gång, med cell.\n\n"
                "Slutkod 0 = inga fel, 1 = fel hittades, 2 = filen går inte att använda.")
    _workbook(p)
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")

    p = command("summary", summary,
                "Skriv en kopia av arbetsboken med Årssammanställning, Kontroll och Rapportdata.")
    _workbook(p)
    _out(p, "utfil (standard: <namn>_sammanstallning.xlsx bredvid arbetsboken)", required=False)

    p = command("report", report, "Skapa verksamhetsberättelse och verksamhetsplan i Word.")
    _workbook(p)
    _out(p, "Word-filen som skapas (.docx)")

    p = command("export", export, "Skriv filen till regionen: Halsocenter_<Kommun>_<År>.xlsx, "
                "bara sammanräknade tal.")
    _workbook(p)
    _out(p, "mapp där filen till regionen skrivs", metavar="MAPP")
    p.add_argument("--maskera-under", type=int, default=None, metavar="N",
                   help="maskera små antal (1 till N-1) i fördelningar på kön, ålder och "
                   "levnadsvana")

    p = command("region", region, "Sammanställ alla kommuners filer (exportfiler eller hela "
                "arbetsböcker) för länet.")
    p.add_argument("folder", type=Path, metavar="MAPP", help="mapp med kommunernas filer")
    _out(p, "länets sammanställning (.xlsx)")
    p.add_argument("--json", action="store_true", help="skriv en sammanfattning som JSON")

    p = command("rollover", rollover, "Skapa nästa års arbetsbok: öppna remisser, årets totaler "
                "och planen följer med.")
    _workbook(p)
    _out(p, "nästa års arbetsbok")

    p = command("upgrade", upgrade,
                "Flytta uppgifterna från en äldre mallversion till den nuvarande mallen.")
    _workbook(p)
    _out(p, "arbetsboken i den nya mallen")

    addin = command("addin", None, "Bygg, installera eller avinstallera Excel-tillägget.")
    addin_sub = addin.add_subparsers(title="kommandon", metavar="KOMMANDO", parser_class=_Parser,
                                     prog="halsocenter addin")  # fmt: skip
    p = addin_sub.add_parser("build", help="bygg halsocenter.xlam",
                             description="Bygg Excel-tillägget halsocenter.xlam.")
    p.set_defaults(func=addin_build)
    _out(p, "tilläggsfilen (.xlam)", required=False, default=Path("halsocenter.xlam"))
    for name, func, text, mapp in (
        ("install", addin_install, "Installera tillägget i Excels startmapp med den här "
         "Python-miljön.", "installera i denna mapp i stället för Excels startmapp"),
        ("uninstall", addin_uninstall, "Ta bort tillägget från Excels startmapp.",
         "mappen där tillägget installerades"),
    ):  # fmt: skip
        p = addin_sub.add_parser(name, help=text, description=text)
        p.set_defaults(func=func)
        p.add_argument("--mapp", type=Path, default=None, help=mapp)
    return parser


# --------------------------------------------------------------------------- entry point


def _user_message(exc: BaseException) -> str | None:
    """The Swedish message of an expected failure, or None for a real bug."""
    if message := user_message(exc):
        return message
    if isinstance(exc, PermissionError):
        return f"Filen {exc.filename} är låst eller skrivskyddad. Stäng den i Excel och försök igen."
    if isinstance(exc, FileNotFoundError):
        return f"Filen eller mappen {exc.filename} finns inte."
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename} är en mapp, inte en fil."
    return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        func = getattr(args, "func", None)
        if func is None:  # no command, or `addin` alone: show what there is
            parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "-h"])
        return func(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    except BaseException as exc:  # noqa: BLE001 - the user must never see a traceback
        if os.environ.get("HALSOCENTER_DEBUG"):
            raise
        message = _user_message(exc)
        if isinstance(exc, KeyboardInterrupt):
            err.print("Avbrutet.")
            return 130
        if message is None:
            message = (f"Ett oväntat fel inträffade ({type(exc).__name__}: {exc}). Inget skrevs "
                       "om. Kör med HALSOCENTER_DEBUG=1 för detaljer och kontakta support.")
        from rich.markup import escape

        from .privacy import mask_text

        findings = getattr(exc, "findings", None)
        if findings:
            _print_findings(findings, getattr(exc, "title", "Värden som inte går att läsa"))
        err.print(f"[red]{escape(mask_text(message))}[/]")  # a message may quote a sheet name
        return getattr(exc, "code", EXIT_UNUSABLE) if isinstance(exc, Refusal) else EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
