"""The `halsocenter` command: the same engine as the ribbon, for coaches, IT and the region.

Every command prints Swedish messages, never a traceback (set HALSOCENTER_DEBUG=1 to see one),
and writes nothing when the input is unusable. Exit codes: 0 ok, 1 errors found in the data,
2 the file or the command cannot be used.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from . import __version__
from . import contract as C
from .errors import InputError, WorkbookError

app = typer.Typer(
    name="halsocenter",
    help="Hälsocenter: kontrollera arbetsboken, ta fram årssammanställning, Word-rapport och "
    "regionens fil.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
addin_app = typer.Typer(help="Bygg, installera eller avinstallera Excel-tillägget.",
                        no_args_is_help=True)  # fmt: skip
app.add_typer(addin_app, name="addin")

out = Console()
err = Console(stderr=True, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class Refusal(Exception):
    """A Swedish message for the user; the command writes nothing and exits with ``code``."""

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
    from .pipeline import same_file

    if same_file(src, dst):
        _fail("Utfilen får inte vara samma fil som indata – programmet skriver aldrig över "
              "arbetsboken.")  # fmt: skip


def _print_findings(findings, title: str) -> None:
    if not findings:
        return
    table = RichTable(title=title, show_lines=False, header_style="bold")
    for header in ("Allvarlighet", "Flik", "Cell", "Meddelande"):
        table.add_column(header, overflow="fold")
    style = {"error": "red", "warning": "yellow", "info": "cyan"}
    for f in findings:
        table.add_row(f"[{style[f.severity]}]{C.SEVERITY_LABELS[f.severity]}[/]", f.sheet or "",
                      f.cell or "", f.message)  # fmt: skip
    out.print(table)


def _counts(findings) -> dict[str, int]:
    from .validate import counts

    return counts(findings)


# --------------------------------------------------------------------------- commands


def _version_callback(value: bool):
    if value:
        out.print(f"halsocenter {__version__} (mallversion {C.TEMPLATE_VERSION})")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version_callback,
                                          is_eager=True, help="Visa version och avsluta.")] = False,
) -> None:  # fmt: skip
    """Hälsocenter – verktyg för hälsocoacher och regionen."""


@app.command("new-workbook")
def new_workbook(
    out_path: Annotated[Path, typer.Argument(metavar="UT", help="Den nya arbetsboken (.xlsx).")],
    kommun: Annotated[str, typer.Option("--kommun", help="Kommunens namn, t.ex. Vaggeryd.")],
    ar: Annotated[int, typer.Option("--ar", help="Verksamhetsåret, t.ex. 2025.")],
) -> None:
    """Skapa en ny, tom arbetsbok från mallen för en kommun och ett år."""
    from .template import write_template

    match = next((k for k in C.KOMMUNER if k.casefold() == kommun.strip().casefold()), None)
    if match is None:
        _fail(f"Okänd kommun ”{kommun}”. Välj en av: {', '.join(C.KOMMUNER)}.")
    if not 2000 <= ar <= 2100:
        _fail(f"Året {ar} verkar fel; ange verksamhetsåret med fyra siffror, t.ex. 2025.")
    _refuse_existing(out_path)
    if out_path.suffix.lower() != ".xlsx":
        _fail("Arbetsboken ska ha filändelsen .xlsx.")
    write_template(out_path, kommun=match, year=ar)
    out.print(f"Skapade [bold]{out_path}[/] för {match} {ar}.")


@app.command()
def check(
    workbook: Annotated[Path, typer.Argument(metavar="ARBETSBOK", help="Arbetsboken (.xlsx).")],
    as_json: Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON.")] = False,
) -> None:
    """Kontrollera arbetsboken: alla fel och varningar på en gång, med cell.

    Slutkod 0 = inga fel, 1 = fel hittades, 2 = filen går inte att använda.
    """
    from .validate import validate

    wb = read_workbook(workbook)
    findings = validate(wb)
    counts = _counts(findings)
    if as_json:
        print(json.dumps({"findings": [f.as_dict() for f in findings], "counts": counts},
                         ensure_ascii=False, indent=2))  # fmt: skip
    else:
        _print_findings(findings, f"Kontroll av {workbook.name}")
        out.print(f"Fel: {counts['error']}, varningar: {counts['warning']}, "
                  f"information: {counts['info']}.")  # fmt: skip
        if not counts["error"]:
            out.print("[green]Inga fel hittades.[/]")
    raise typer.Exit(EXIT_FINDINGS if counts["error"] else EXIT_OK)


@app.command()
def summary(
    workbook: Annotated[Path, typer.Argument(metavar="ARBETSBOK")],
    output: Annotated[Path | None, typer.Option("-o", "--ut", help="Utfil (standard: "
                      "<namn>_sammanstallning.xlsx bredvid arbetsboken).")] = None,
) -> None:  # fmt: skip
    """Skriv en kopia av arbetsboken med Årssammanställning, Kontroll och Rapportdata."""
    from .pipeline import write_summary

    if output is not None:
        _refuse_same(workbook, output)
    dst, analysis = write_summary(workbook, output)
    counts = _counts(analysis.findings)
    out.print(f"Skrev [bold]{dst}[/] ({counts['error']} fel, {counts['warning']} varningar – se "
              f"fliken {C.CHECK_SHEET}).")  # fmt: skip


@app.command()
def report(
    workbook: Annotated[Path, typer.Argument(metavar="ARBETSBOK")],
    output: Annotated[Path, typer.Option("-o", "--ut", help="Word-filen som skapas (.docx).")],
) -> None:
    """Skapa verksamhetsberättelse och verksamhetsplan som Word-dokument."""
    from .pipeline import refuse_unreadable
    from .report import write_report

    _refuse_same(workbook, output)
    wb = read_workbook(workbook)
    refuse_unreadable(wb)
    path = write_report(wb, output)
    out.print(f"Skrev [bold]{path}[/].")


@app.command()
def export(
    workbook: Annotated[Path, typer.Argument(metavar="ARBETSBOK")],
    out_dir: Annotated[Path, typer.Option("-o", "--ut", help="Mapp där filen till regionen "
                                          "skrivs.")],
    maskera_under: Annotated[int | None, typer.Option(
        "--maskera-under", help="Maskera små antal (1 till N-1) i fördelningar på kön och ålder.")]
    = None,
) -> None:  # fmt: skip
    """Skriv filen till regionen: Halsocenter_<Kommun>_<År>.xlsx, bara sammanräknade tal."""
    from .pipeline import refuse_unreadable
    from .region import export as do_export

    wb = read_workbook(workbook)
    refuse_unreadable(wb)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = do_export(wb, out_dir, mask_below=maskera_under)
    out.print(f"Skrev [bold]{path}[/].")


@app.command()
def region(
    folder: Annotated[Path, typer.Argument(metavar="MAPP", help="Mapp med kommunernas filer.")],
    output: Annotated[Path, typer.Option("-o", "--ut", help="Länets sammanställning (.xlsx).")],
    as_json: Annotated[bool, typer.Option("--json", help="Skriv en sammanfattning som JSON.")]
    = False,
) -> None:  # fmt: skip
    """Sammanställ alla kommuners filer (exportfiler eller hela arbetsböcker) för länet."""
    from .region import consolidate

    if not folder.is_dir():
        _fail(f"Mappen {folder} finns inte.")
    if output.resolve().parent == folder.resolve() and output.suffix.lower() == ".xlsx":
        _fail("Lägg länets sammanställning utanför mappen med kommunernas filer.")
    result = consolidate(folder, output, progress=not as_json)
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        out.print(f"Skrev [bold]{output}[/]. {result.describe()}")


@app.command()
def rollover(
    workbook: Annotated[Path, typer.Argument(metavar="ARBETSBOK")],
    output: Annotated[Path, typer.Option("-o", "--ut", help="Nästa års arbetsbok.")],
) -> None:
    """Skapa nästa års arbetsbok: öppna remisser, årets totaler och planen följer med."""
    from .rollover import rollover as do_rollover

    _refuse_same(workbook, output)
    _refuse_existing(output)
    path = do_rollover(workbook, output)
    out.print(f"Skrev [bold]{path}[/].")


@app.command()
def upgrade(
    workbook: Annotated[Path, typer.Argument(metavar="ARBETSBOK")],
    output: Annotated[Path, typer.Option("-o", "--ut", help="Arbetsboken i den nya mallen.")],
) -> None:
    """Flytta uppgifterna från en äldre mallversion till den nuvarande mallen."""
    from .upgrade import upgrade as do_upgrade

    _refuse_same(workbook, output)
    _refuse_existing(output)
    path = do_upgrade(workbook, output)
    out.print(f"Skrev [bold]{path}[/] (mallversion {C.TEMPLATE_VERSION}).")


@addin_app.command("build")
def addin_build(
    output: Annotated[Path, typer.Option("-o", "--ut", help="Tilläggsfilen (.xlam).")] = Path(
        "halsocenter.xlam"),
) -> None:  # fmt: skip
    """Bygg Excel-tillägget halsocenter.xlam."""
    from .addin import build_xlam

    path = build_xlam(output)
    out.print(f"Byggde [bold]{path}[/].")


@addin_app.command("install")
def addin_install(
    folder: Annotated[Path | None, typer.Option("--mapp", help="Installera i denna mapp i "
                                               "stället för Excels startmapp.")] = None,
) -> None:  # fmt: skip
    """Installera tillägget i Excels startmapp med den här Python-miljön."""
    from .addin import install

    path = install(folder)
    out.print(f"Installerade [bold]{path}[/]. Starta om Excel så syns fliken Hälsocenter.")


@addin_app.command("uninstall")
def addin_uninstall(
    folder: Annotated[Path | None, typer.Option("--mapp", help="Mappen där tillägget "
                                               "installerades.")] = None,
) -> None:  # fmt: skip
    """Ta bort tillägget från Excels startmapp."""
    from .addin import uninstall

    path = uninstall(folder)
    out.print(f"Tog bort {path}." if path else "Tillägget var inte installerat.")


# --------------------------------------------------------------------------- entry point


def _user_message(exc: BaseException) -> str | None:
    """The Swedish message of an expected failure, or None for a real bug."""
    if isinstance(exc, (WorkbookError, InputError, Refusal)):
        return exc.message
    message = getattr(exc, "message", None)
    if isinstance(message, str) and getattr(exc, "user_facing", False):
        return message
    if isinstance(exc, PermissionError):
        return f"Filen {exc.filename} är låst eller skrivskyddad. Stäng den i Excel och försök igen."
    if isinstance(exc, FileNotFoundError):
        return f"Filen eller mappen {exc.filename} finns inte."
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename} är en mapp, inte en fil."
    return None


def main(argv: list[str] | None = None) -> int:
    try:
        # Without standalone mode click hands back the code of a typer.Exit as the result.
        result = app(args=argv, standalone_mode=False)
        return result if isinstance(result, int) else EXIT_OK
    except typer.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:
        return int(exc.code or 0)
    except BaseException as exc:  # noqa: BLE001 - the user must never see a traceback
        if os.environ.get("HALSOCENTER_DEBUG"):
            raise
        message = _user_message(exc)
        if message is None and hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()  # a usage error from the argument parser
            return EXIT_UNUSABLE
        if isinstance(exc, KeyboardInterrupt) or type(exc).__name__ == "Abort":
            err.print("Avbrutet.")
            return 130
        if message is None:
            message = (f"Ett oväntat fel inträffade ({type(exc).__name__}: {exc}). Inget skrevs "
                       "om. Kör med HALSOCENTER_DEBUG=1 för detaljer och kontakta support.")
        findings = getattr(exc, "findings", None)
        if findings:
            title = ("Personuppgifter som stoppar exporten" if type(exc).__name__ == "ExportRefused"
                     else "Värden som inte går att läsa")  # fmt: skip
            _print_findings(findings, title)
        err.print(f"[red]{message}[/]")
        return getattr(exc, "code", EXIT_UNUSABLE) if isinstance(exc, Refusal) else EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
