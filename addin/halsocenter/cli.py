"""The `halsocenter` command: the same engine as the ribbon, for coaches, IT and the region.

Every command prints Swedish messages, never a traceback (set HALSOCENTER_DEBUG=1 to see one),
and writes nothing when the input is unusable. Exit codes: 0 ok, 1 errors found in the data,
2 the file or the command cannot be used.

Built on argparse from the standard library: the region runs this command over hundreds of files
in scripts, and start-up time counts there (typer would add click and pydantic to every start).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import difflib
import errno
import json
import os
import signal
import sys
from pathlib import Path

from halsocenter import __version__
from halsocenter.core import contract as C
from halsocenter.core.messages import counts_text
from halsocenter.core.model import severity_counts
from halsocenter.core.swedish import whole
from halsocenter.errors import UserError, user_message


class _Console:
    """rich's Console, imported on first use so commands that print nothing start faster.

    Long lines are left whole when the output is not a terminal (a file, a pipe, a script):
    rich would otherwise break every message at 80 columns. A closed pipe is left to ``main``
    (rich would exit with 1, which here means "errors found")."""

    def __init__(self, **options):
        self._options = options
        self._console = None

    def __getattr__(self, name):
        if self._console is None:
            from rich.console import Console

            class PipeAware(Console):
                def on_broken_pipe(self) -> None:
                    self.quiet = True
                    raise BrokenPipeError

            self._console = PipeAware(**self._options)
            if not self._console.is_terminal:
                self._console.soft_wrap = True
        return getattr(self._console, name)


out = _Console()
err = _Console(stderr=True, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class Refusal(UserError):
    """A Swedish message for the user; the command writes nothing and exits with ``code``.
    ``findings`` (under ``title``) are printed before the message."""

    def __init__(self, message: str, code: int = EXIT_UNUSABLE, findings=(), title: str = ""):
        super().__init__(message)
        self.code = code
        self.findings = list(findings)
        if title:
            self.title = title


def _fail(message: str, code: int = EXIT_UNUSABLE):
    raise Refusal(message, code)


def read_workbook(path: Path):
    """Imported lazily: pandas costs a noticeable part of a second at start-up."""
    from halsocenter.xlsx.read import read_workbook as read

    return read(path)


def _output(command: str, path: Path, *inputs: Path, check: bool = True):
    """``command``'s output under its replace policy (``atomic.REPLACE_POLICY``), checked now —
    before anything is read — and passed down so the writer checks it again when it writes.
    The command line never creates a missing folder."""
    from halsocenter.atomic import Output

    out = Output.command(command, path, create_parent=False).reading(*inputs)
    if check:
        out.check()
    return out


class Terminated(BaseException):
    """SIGTERM or SIGHUP: unwinds like Ctrl+C so temporary files and folders are removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum, frame):
    raise Terminated(signum)


def _install_signal_handlers():
    """SIGTERM/SIGHUP end the command through the normal clean-up; SIGXFSZ (file size limit)
    is ignored so the write fails with EFBIG and gets its Swedish message. Returns a function
    that restores the previous handlers."""
    wanted = {"SIGTERM": _terminate, "SIGHUP": _terminate, "SIGXFSZ": signal.SIG_IGN}
    previous = {}
    for name, handler in wanted.items():
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        with contextlib.suppress(ValueError, OSError):  # not the main thread: leave as is
            previous[signum] = signal.signal(signum, handler)

    def restore():
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore


def _shown(path) -> str:
    """A path as printed: a folder may be named ``[old]``, which rich would take as markup."""
    from rich.markup import escape

    return escape(str(path))


CHECK_LINES = 50
"""Most lines ``check`` prints without ``--alla``: a screen, however many findings there are."""
_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def _emit(console, lines) -> None:
    """Print (severity, text) lines: the severity label coloured on a terminal, plain text in
    one write otherwise (tens of thousands of lines through rich take many seconds)."""
    if console.is_terminal:
        from rich.text import Text

        for severity, text in lines:
            label = C.SEVERITY_LABELS.get(severity, severity)
            console.print(Text.assemble((label, _STYLE.get(severity, "")), ": ", text))
        return
    file = console.file
    file.write("".join(f"{C.SEVERITY_LABELS.get(sev, sev)}: {text}\n" for sev, text in lines))
    file.flush()


def _print_findings(findings, title: str, *, console=None, every: bool = False,
                    lines: int = CHECK_LINES) -> None:  # fmt: skip
    """The findings in one screen: counts, then one line per group (errors first, largest
    first), then where to see all of them. ``every``: one line per finding instead."""
    from halsocenter.core.groups import group_findings
    from halsocenter.core.swedish import count, number

    console = console or out
    counts = severity_counts(findings)
    console.print(f"{title}: {counts_text(counts, info=True)}.", highlight=False, markup=False)
    if not findings:
        return
    if every:
        _emit(console, ((f.severity, f"{f.message} ({f.cell})" if f.cell else f.message)
                        for f in findings))  # fmt: skip
        return
    groups = group_findings(findings)
    room = lines - 4  # the counts, "and N more", where to see all and "no errors" lines
    shown = groups if len(groups) <= room + 1 else groups[:room]
    _emit(console, ((g.severity, g.message) for g in shown))
    rest = groups[len(shown):]
    if rest:
        n = sum(g.count for g in rest)
        console.print(f"… och {number(len(rest))} grupper till med "
                      f"{count(n, 'kontrollpunkt', 'kontrollpunkter')}.", highlight=False)
    if rest or len(groups) < len(findings):
        console.print("Se varje kontrollpunkt för sig med halsocenter check --alla, som JSON med "
                      "--json, eller på fliken Kontroll i filen som halsocenter summary skriver.",
                      highlight=False, markup=False)  # fmt: skip


# --------------------------------------------------------------------------- commands


def _region(args):
    """The region of ``--region FILE``, else the built-in one."""
    from halsocenter.core.region_config import DEFAULT

    if getattr(args, "region", None) is None:
        return DEFAULT
    from halsocenter.region.settings import read_region_file

    return read_region_file(args.region)


def new_workbook(args) -> int:
    from halsocenter.xlsx.template import write_template

    kommun, ar = args.kommun, args.ar
    region = _region(args)
    match = region.named(kommun)
    if match is None:
        _fail(f"Okänd kommun ”{kommun}” i {region.name}. Välj en av: {', '.join(region.names)}.")
    if not C.MIN_YEAR <= ar <= C.MAX_YEAR:  # the range the workbook's own check accepts
        _fail(f"Året {ar} går inte: ange verksamhetsåret med fyra siffror, mellan {C.MIN_YEAR} "
              f"och {C.MAX_YEAR}, t.ex. 2025.")
    path = write_template(_output("new-workbook", args.out), kommun=match, year=ar,
                          region=region, lite_address=_lite_address(args))  # fmt: skip
    out.print(f"Skapade [bold]{_shown(path)}[/] för {match} {ar}.")
    return EXIT_OK


def check(args) -> int:
    from halsocenter.core.validate import validate

    wb = read_workbook(args.workbook)
    findings = validate(wb)
    counts = severity_counts(findings)
    if args.json:
        _print_json(findings, counts)
    else:
        _print_findings(findings, f"Kontroll av {args.workbook.name}", every=args.alla)
        if not counts["error"]:
            out.print("[green]Inga fel hittades.[/]")
    return EXIT_FINDINGS if counts["error"] else EXIT_OK


def _print_json(findings, counts) -> None:
    """``{"findings": [...], "counts": {...}, "groups": [...]}``, one finding per line: the C
    encoder writes each line, where an indented dump of 26,000 findings goes through the slow
    pure-Python encoder."""
    from halsocenter.core.groups import group_findings

    dump = json.JSONEncoder(ensure_ascii=False).encode

    findings_text = ",\n    ".join(dump(f.as_dict()) for f in findings)
    groups_text = ",\n    ".join(dump(g.as_dict()) for g in group_findings(findings))
    sys.stdout.write(f'{{\n  "findings": [\n    {findings_text}\n  ],\n  "counts": '
                     f'{dump(counts)},\n  "groups": [\n    {groups_text}\n  ]\n}}\n')  # fmt: skip


def summary(args) -> int:
    from halsocenter.jobs import summary_output, write_summary

    target = None
    if args.out is not None:  # the default name comes from the workbook's Kommun and year
        target = summary_output(args.workbook, args.out, create_parent=False)
        target.check()
    dst, analysis = write_summary(args.workbook, target)
    counts = severity_counts(analysis.findings)
    masked = ""
    if analysis.masked_parts:
        masked = (" Personnummer utanför cellerna (sidhuvud, textrutor, diagram, kommentarer, "
                  "egenskaper …) är maskerade i kopian; i arbetsboken står de kvar tills du tar "
                  "bort dem.")  # fmt: skip
    out.print(f"Skrev [bold]{_shown(dst)}[/] ({counts_text(counts)} – se fliken "
              f"{C.CHECK_SHEET}).{masked}")  # fmt: skip
    if analysis.status.preliminary:
        out.print(f"Årssammanställningen är preliminär ({analysis.status.banner}); det står "
                  "överst på sidan 1.", highlight=False)  # fmt: skip
    return EXIT_OK


def report(args) -> int:
    from halsocenter.core.analysis import analyse, refuse_unreadable
    from halsocenter.report.document import write_report

    target = _output("report", args.out, args.workbook)
    wb = read_workbook(args.workbook)
    refuse_unreadable(wb)
    analysis = analyse(wb)
    with _where_to_look(args.workbook):
        path = write_report(wb, target, summary=analysis.summary, findings=analysis.findings)
    status = analysis.status
    if status.preliminary:
        out.print(f"Skrev [bold]{_shown(path)}[/]. Rapporten är preliminär: arbetsboken har "
                  f"{whole(status.errors)} fel kvar, och det står på försättsbladet och överst "
                  f"på varje sida. Se felen med halsocenter check {_shown(args.workbook)}, rätta "
                  "dem och skapa rapporten igen.", highlight=False)  # fmt: skip
        return EXIT_FINDINGS
    out.print(f"Skrev [bold]{_shown(path)}[/].")
    return EXIT_OK


@contextlib.contextmanager
def _where_to_look(workbook: Path):
    """A refusal naming cells (an identity number in a file that would leave the hub) ends with
    what a command-line user does next; the ribbon says "fliken Kontroll" instead."""
    from halsocenter.errors import ErrorsRemain, Refused

    try:
        yield
    except ErrorsRemain as exc:
        raise Refusal(f"{exc.message} Felen står i tabellen ovan; kör halsocenter check "
                      f"{workbook} för var och en. En preliminär fil skrivs med --preliminar.",
                      EXIT_FINDINGS, exc.findings, exc.title) from exc  # fmt: skip
    except Refused as exc:
        if exc.findings:
            exc.message += (f" Cellerna står i tabellen ovan; kör halsocenter check {workbook} för "
                            "hela kontrollen.")  # fmt: skip
        raise


def export(args) -> int:
    from halsocenter.core.analysis import Status, refuse_unreadable
    from halsocenter.core.validate import validate
    from halsocenter.region.export import export as do_export

    folder = args.out
    if folder.exists() and not folder.is_dir():
        _fail(f"{folder} är en fil, inte en mapp. Ange mappen där filen till regionen ska "
              "skrivas (-o MAPP).")  # fmt: skip
    if not folder.is_dir() and not folder.parent.is_dir():
        _fail(f"Mappen {folder.parent} finns inte, så mappen {folder.name} kan inte skapas där. "
              "Välj en mapp som finns.")  # fmt: skip
    # the export folder itself is made when the file is written (not when the export is refused)
    target = dataclasses.replace(_output("export", folder, args.workbook, check=False),
                                 create_parent=True)  # fmt: skip
    wb = read_workbook(args.workbook)
    refuse_unreadable(wb)
    findings = validate(wb)
    with _where_to_look(args.workbook):
        path = do_export(wb, target, findings=findings, mask_below=args.maskera_under,
                         preliminary=args.preliminar)  # fmt: skip
    status = Status.of(findings)
    if status.preliminary:
        out.print(f"Skrev [bold]{_shown(path)}[/], märkt preliminär: arbetsboken har "
                  f"{whole(status.errors)} fel kvar (fliken Info i filen säger det).",
                  highlight=False)  # fmt: skip
        return EXIT_OK
    out.print(f"Skrev [bold]{_shown(path)}[/].")
    return EXIT_OK


def region(args) -> int:
    from halsocenter.jobs import consolidate
    from halsocenter.region.consolidate import county_output, list_inputs

    folder = args.folder
    if not folder.is_dir():
        _fail(f"Mappen {folder} finns inte." if not folder.exists() else
              f"{folder} är en fil, inte en mapp. Ange mappen med kommunernas filer.")
    files = list_inputs(folder)
    if not files:
        _fail(f"Mappen {folder} innehåller inga .xlsx-filer att sammanställa. Lägg kommunernas "
              "exportfiler (Halsocenter_<Kommun>_<År>.xlsx) eller arbetsböcker i mappen.")
    region_ = _region(args)
    target = county_output(folder, _output("region", args.out, check=False), files)
    target.check()
    output = target.path
    archive = None
    if args.arkiv is not None:
        from halsocenter.region.archive import archive_output

        archive = archive_output(args.arkiv, *files, output, folders=(folder,),
                                 create_parent=False)  # fmt: skip
        archive.check()
    report = None
    if args.rapport is not None:
        from halsocenter.region.county_report import county_report_output

        report = dataclasses.replace(county_report_output(args.rapport), create_parent=False,
                                     input_folders=(folder,)).reading(*files, output)
        report.check()
    result = consolidate(folder, target, progress=not args.json, region=region_,
                         archive=archive, report=report)  # fmt: skip
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        written = f"[bold]{_shown(output)}[/]" + (
            f" och [bold]{_shown(result.report)}[/]" if result.report else "")
        out.print(f"Skrev {written}. {result.describe()}")
        _print_file_numbers(result)
    return EXIT_FINDINGS if result.needs_attention else EXIT_OK


def _print_file_numbers(result) -> None:
    """The files the county workbook remarks on, by number and name: the workbook names a file
    only by its number (Fil nr), so whoever runs the command can find it."""
    from halsocenter.core.privacy import mask_text

    unread = {u.number: u for u in result.unreadable}
    remarked = {r.number for r in result.with_problems}
    remarked |= {n for old, keep in result.replaced for n in (old.number, keep.number)}
    remarked |= set(unread)
    lines = []
    for number, path in result.files():
        if number not in remarked:
            continue
        line = f"  {number:>4}  {mask_text(path.name)}"
        u = unread.get(number)
        if u is not None:
            line += f" – {u.status.lower()}: {u.reason}"
            if u.detail and u.detail != u.reason:
                line += f" ({mask_text(u.detail)})"
        lines.append(line)
    if lines:
        out.print("Filer med anmärkningar (Fil nr och namn; --json listar alla filer):",
                  highlight=False, markup=False)  # fmt: skip
        out.print("\n".join(lines), highlight=False, markup=False)


def arkiv(args) -> int:
    from halsocenter.region.archive import STATUS_USED, Archive

    if not args.archive.exists():
        _fail(f"Arkivet {args.archive} finns inte.")
    archive = Archive.open(args.archive)
    rows = archive.submissions()
    if args.json:
        print(json.dumps({"arkiv": str(args.archive), "region": archive.region_name,
                          "inlamningar": [r.as_dict() for r in rows]}, ensure_ascii=False,
                         indent=2))  # fmt: skip
        return EXIT_OK
    used = sum(r.status == STATUS_USED for r in rows)
    lines = [f"{args.archive}: {archive.region_name or 'inga inlämningar ännu'}, "
             f"{len(rows)} inlämningar, varav {used} används."]
    table = [("Kommun", "År", "Status", "Fil", "Mottagen", "SHA-256", "Ersatt av")]
    table += [(r.kommun, str(r.year), r.status + (" (preliminär)" if r.preliminary else ""),
               r.file, r.received, r.sha256[:16], r.replaced_by or "") for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
              for row in table]  # fmt: skip
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def _lite_address(args) -> str | None:
    """The region's folder for the package, for xlwings Lite's lines on the Start sheet:
    ``--lite-adress``, else ``HALSOCENTER_LITE_ADRESS``, else the region's own setting
    (``lite_adress`` in its file, carried by its workbooks), else none (``core.lite_setup``)."""
    from halsocenter.core import lite_setup

    if args.lite_adress is not None:
        return lite_setup.lite_address(args.lite_adress)
    return lite_setup.address_from_environment()


def _new_workbook_from(args, command: str, make, note: str = "") -> int:
    """Commands that make a new workbook from an old one: never over the input or another file
    (the writer creates the file exclusively, so two runs at once cannot both write it)."""
    path = make(args.workbook, _output(command, args.out, args.workbook))
    out.print(f"Skrev [bold]{_shown(path)}[/]{note}.")
    return EXIT_OK


def rollover(args) -> int:
    from halsocenter.xlsx.rollover import rollover as do_rollover

    address = _lite_address(args)
    return _new_workbook_from(args, "rollover",
                              lambda src, dst: do_rollover(src, dst, lite_address=address))


def upgrade(args) -> int:
    from halsocenter.xlsx.upgrade import upgrade as do_upgrade

    wb = read_workbook(args.workbook)
    if wb.version == C.TEMPLATE_VERSION:
        out.print(f"{_shown(args.workbook)} följer redan mallversion {C.TEMPLATE_VERSION}, den "
                  "nuvarande. "
                  "Ingen uppgradering behövs; inget skrevs.")  # fmt: skip
        return EXIT_OK
    moved: list[str] = []
    code = _new_workbook_from(args, "upgrade",
                              lambda src, dst: do_upgrade(src, dst, data=wb, moved_lines=moved),
                              f" (mallversion {C.TEMPLATE_VERSION})")  # fmt: skip
    for line in moved:
        out.print(line, highlight=False, markup=False)
    return code


def addin_build(args) -> int:
    from halsocenter.xlam.build import build_xlam

    path = build_xlam(_output("addin", args.out))
    out.print(f"Byggde [bold]{_shown(path)}[/].")
    return EXIT_OK


def addin_install(args) -> int:
    from halsocenter.xlam.build import install

    path = install(args.mapp)
    out.print(f"Installerade [bold]{_shown(path)}[/]. Starta om Excel så syns fliken Hälsocenter.")
    return EXIT_OK


def addin_uninstall(args) -> int:
    from halsocenter.xlam.build import uninstall

    path = uninstall(args.mapp)
    out.print(f"Tog bort {_shown(path)}." if path else "Tillägget var inte installerat.")
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


def _lite_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lite-adress", metavar="URL", default=None,
                   help="regionens https-adress till mappen med programmets wheel-fil, för "
                   "raderna till xlwings Lite på fliken Start (annars "
                   "miljövariabeln HALSOCENTER_LITE_ADRESS)")


def _workbook(p: argparse.ArgumentParser) -> None:
    p.add_argument("workbook", type=Path, metavar="ARBETSBOK", help="arbetsboken (.xlsx)")


def _out(p: argparse.ArgumentParser, help_text: str, *, metavar: str = "UT",
         required: bool = True, default: Path | None = None) -> None:  # fmt: skip
    """The output option every writing command has."""
    p.add_argument("-o", "--ut", dest="out", type=Path, metavar=metavar, help=help_text,
                   required=required, default=default)  # fmt: skip


def _region_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--region", type=Path, metavar="FIL", default=None,
                   help="regionens inställningar (TOML) med kommunerna; utan den gäller "
                   f"{C.DEFAULT_COUNTY}")  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="halsocenter",
        description="Hälsocenter: kontrollera arbetsboken, ta fram årssammanställning, "
        "Word-rapport och regionens fil.",
        epilog="Slutkoder: 0 = klart, 1 = fel i uppgifterna, 2 = filen eller kommandot går inte "
        "att använda, 130/143 = avbrutet (Ctrl+C/SIGTERM).",
    )
    parser.add_argument("--version", action="version", help="visa version och avsluta",
                        version=f"halsocenter {__version__} (mallversion {C.TEMPLATE_VERSION})")
    sub = parser.add_subparsers(title="kommandon", metavar="KOMMANDO", parser_class=_Parser,
                                prog="halsocenter")  # fmt: skip

    def command(name, func, help_text, description=None):
        p = sub.add_parser(name, help=help_text, description=description or help_text)
        p.set_defaults(func=func, parser=p)
        return p

    p = command("new-workbook", new_workbook,
                "Skapa en ny, tom arbetsbok från mallen för en kommun och ett år.")
    p.add_argument("out", type=Path, metavar="UT",
                   help="den nya arbetsboken (.xlsx); en fil som finns skrivs aldrig över")
    p.add_argument("--kommun", required=True, help="kommunens namn, t.ex. Vaggeryd")
    p.add_argument("--ar", required=True, type=int, help="verksamhetsåret, t.ex. 2025")
    _region_option(p)
    _lite_option(p)

    p = command("check", check, "Kontrollera arbetsboken: alla fel och varningar på en gång.",
                "Kontrollera arbetsboken: alla fel och varningar på en gång, med cell.\n\n"
                "Slutkod 0 = inga fel, 1 = fel hittades, 2 = filen går inte att använda.")
    _workbook(p)
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--alla", action="store_true",
                       help="en rad per kontrollpunkt i stället för en rad per slag av fel")
    shown.add_argument("--json", action="store_true",
                       help="skriv varje kontrollpunkt (och grupperna) som JSON")

    p = command("summary", summary,
                "Skriv en kopia av arbetsboken med Årssammanställning, Kontroll och Rapportdata.")
    _workbook(p)
    _out(p, "utfil (standard: <Kommun>_<År>_sammanstallning.xlsx bredvid arbetsboken); en "
         "tidigare sammanställning skrivs över bara om den är exakt som programmet skrev den",
         required=False)  # fmt: skip

    p = command("report", report, "Skapa verksamhetsberättelse och verksamhetsplan i Word.",
                "Skapa verksamhetsberättelse och verksamhetsplan i Word.\n\nHar arbetsboken fel "
                "kvar skapas rapporten ändå, märkt ”Preliminär – N fel kvar” på varje sida, och "
                "slutkoden är 1.")
    _workbook(p)
    _out(p, "Word-filen som skapas (.docx); en tidigare rapport skrivs över bara om den är "
         "exakt som programmet skrev den (en ändrad rapport aldrig)")

    p = command("export", export, "Skriv filen till regionen: Halsocenter_<Kommun>_<År>.xlsx, "
                "bara sammanräknade tal.",
                "Skriv filen till regionen: Halsocenter_<Kommun>_<År>.xlsx, bara sammanräknade "
                "tal.\n\nHar arbetsboken fel kvar skrivs ingenting (slutkod 1), om inte "
                "--preliminar anges: då märks filen preliminär med antalet fel.")
    _workbook(p)
    _out(p, "mapp där filen till regionen skrivs (skapas om den saknas); en tidigare exportfil "
         "med samma namn skrivs över bara om den är exakt som programmet skrev den",
         metavar="MAPP")  # fmt: skip
    p.add_argument("--maskera-under", type=int, default=None, metavar="N",
                   help="maskera små antal (1 till N-1) i fördelningar på kön, ålder och "
                   "levnadsvana")
    p.add_argument("--preliminar", action="store_true",
                   help="skriv filen även när arbetsboken har fel kvar; den märks då som "
                   "preliminär med antalet fel (utan flaggan vägrar exporten med slutkod 1)")

    p = command("region", region, "Sammanställ alla kommuners filer (exportfiler eller hela "
                "arbetsböcker) för länet.")
    p.add_argument("folder", type=Path, metavar="MAPP", help="mapp med kommunernas filer")
    _out(p, "länets sammanställning (.xlsx), utanför MAPP; en tidigare länssammanställning "
         "skrivs över bara om den är exakt som programmet skrev den")
    _region_option(p)
    p.add_argument("--arkiv", type=Path, metavar="ARKIV", default=None,
                   help="arkivet (.sqlite) som sparar varje använd fil och ger tidigare år; "
                   "skapas om det inte finns")  # fmt: skip
    p.add_argument("--rapport", type=Path, metavar="RAPPORT", default=None,
                   help="skriv också länsrapporten i Word (.docx) med samma siffror; en "
                   "tidigare länsrapport från programmet skrivs över bara om den är exakt som "
                   "programmet skrev den")  # fmt: skip
    p.add_argument("--json", action="store_true", help="skriv en sammanfattning som JSON")

    p = command("arkiv", arkiv, "Lista inlämningarna i regionens arkiv.",
                "Lista varje inlämning i arkivet: kommun, år, fil, SHA-256, när den togs emot "
                "och om den används eller har ersatts av en senare fil.")
    p.add_argument("archive", type=Path, metavar="ARKIV", help="arkivet (.sqlite)")
    p.add_argument("--json", action="store_true", help="skriv inlämningarna som JSON")

    p = command("rollover", rollover, "Skapa nästa års arbetsbok: öppna remisser, årets totaler "
                "och planen följer med.")
    _workbook(p)
    _out(p, "nästa års arbetsbok (.xlsx); en fil som finns skrivs aldrig över")
    _lite_option(p)

    p = command("upgrade", upgrade,
                "Flytta uppgifterna från en äldre mallversion till den nuvarande mallen.",
                "Flytta uppgifterna från en äldre mallversion till den nuvarande mallen.\n\n"
                "Följer arbetsboken redan den nuvarande mallen skrivs ingenting (slutkod 0).")
    _workbook(p)
    _out(p, "arbetsboken i den nya mallen (.xlsx); en fil som finns skrivs aldrig över")

    addin = command("addin", None, "Bygg, installera eller avinstallera Excel-tillägget.")
    addin_sub = addin.add_subparsers(title="kommandon", metavar="KOMMANDO", parser_class=_Parser,
                                     prog="halsocenter addin")  # fmt: skip
    p = addin_sub.add_parser("build", help="bygg halsocenter.xlam",
                             description="Bygg Excel-tillägget halsocenter.xlam.")
    p.set_defaults(func=addin_build, parser=p)
    _out(p, "tilläggsfilen (.xlam); en befintlig skrivs över", required=False,
         default=Path("halsocenter.xlam"))
    for name, func, text, mapp in (
        ("install", addin_install, "Installera tillägget i Excels startmapp med den här "
         "Python-miljön.", "installera i denna mapp i stället för Excels startmapp"),
        ("uninstall", addin_uninstall, "Ta bort tillägget från Excels startmapp.",
         "mappen där tillägget installerades"),
    ):  # fmt: skip
        p = addin_sub.add_parser(name, help=text, description=text)
        p.set_defaults(func=func, parser=p)
        p.add_argument("--mapp", type=Path, default=None, help=mapp)
    return parser


# --------------------------------------------------------------------------- entry point

EXIT_SIGPIPE = 128 + 13
"""What a shell reports for a command that ends because its reader closed the pipe (head)."""


def _stdout_closed() -> int:
    """End quietly when stdout's reader has gone: point stdout at /dev/null so the final flush
    at exit cannot fail again and print a BrokenPipeError of its own."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests calling main directly)
        pass
    return EXIT_SIGPIPE


_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _user_message(exc: BaseException) -> str | None:
    """The Swedish message of an expected failure, or None for a real bug."""
    if message := user_message(exc):
        if getattr(exc, "reason", "") == "input":  # atomic.OutputError: the output is an input
            message += " Välj ett annat namn eller en annan mapp med -o."
        return message
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
        where = f" ({exc.filename})" if exc.filename else ""
        return (f"Disken är full eller filen blev för stor{where}; programmet kunde inte skriva "
                "klart. Frigör utrymme och försök igen. Inget skrevs.")  # fmt: skip
    if isinstance(exc, PermissionError):
        return f"Filen {exc.filename} är låst eller skrivskyddad. Stäng den i Excel och försök igen."
    if isinstance(exc, FileNotFoundError):
        return f"Filen eller mappen {exc.filename} finns inte."
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename} är en mapp, inte en fil."
    return None


def _unknown(parser: argparse.ArgumentParser, extras: list[str]) -> str:
    """argparse's "unrecognized arguments", in Swedish, with the closest option of the command
    the person meant."""
    options = [o for a in parser._actions for o in a.option_strings]
    hints = []
    for word in extras:
        close = difflib.get_close_matches(word.split("=")[0], options, n=1, cutoff=0.6)
        if word.startswith("-") and close:
            hints.append(f"menade du {close[0]}?")
    return "okända argument: " + " ".join(extras) + (f" ({'; '.join(hints)})" if hints else "")


_PLAIN = str.maketrans({
    "≥": ">=", "≤": "<=", "–": "-", "—": "-", "−": "-", "‑": "-", "”": '"', "“": '"', "„": '"',
    "’": "'", "‘": "'", "…": "...", "×": "x", "→": "->", "☰": "=", "•": "*", "\u00a0": " ",
    "\u202f": " ", "²": "2", "¹": "1", "³": "3", "½": "1/2",
})  # fmt: skip
"""What a console that cannot show a character gets instead (a Windows console in cp850 or
cp1252 has no ≥ or en dash; cp850 no curly quotes)."""
ERRORS_HANDLER = "halsocenter-console"


def _console_fallback(exc: UnicodeError) -> tuple[bytes, int]:
    """Codec error handler for stdout and stderr: a character the console's encoding lacks is
    written the plain way (``≥`` as ``>=``), a byte of a file name that was not UTF-8 as the
    Latin-1 letter it most likely was, anything else as ``?`` -- never a crash mid-message."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start:exc.end]:
        if "\udc80" <= ch <= "\udcff":  # os.fsdecode's escape of a byte that was not UTF-8
            ch = chr(ord(ch) - 0xDC00)
        for candidate in (ch, ch.translate(_PLAIN), "?"):
            try:  # bytes: an encoder takes only ASCII text back from a handler
                out.append(candidate.encode(exc.encoding))
            except (UnicodeEncodeError, LookupError):
                continue
            break
    return b"".join(out), exc.end


def _prepare_streams() -> None:
    """A command whose stdout or stderr is closed (``>&-``, ``pythonw`` on Windows) writes its
    messages to nowhere instead of failing after the work is done; a console that cannot encode
    a character gets a stand-in (``_console_fallback``) instead of a UnicodeEncodeError."""
    import codecs

    try:
        codecs.lookup_error(ERRORS_HANDLER)
    except LookupError:
        codecs.register_error(ERRORS_HANDLER, _console_fallback)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process
            setattr(sys, name, stream)
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors=ERRORS_HANDLER)


def main(argv: list[str] | None = None) -> int:
    """Run one command: signals end it cleanly, caches and temporary files live in a private
    folder that is removed afterwards (``scratch``), and the exit code is returned."""
    from halsocenter.scratch import private_scratch

    _prepare_streams()
    restore = _install_signal_handlers()
    try:
        with private_scratch():
            return _run(argv)
    except KeyboardInterrupt:  # between commands' own handling (start-up, clean-up)
        return 130
    except Terminated as exc:
        return 128 + exc.signum
    finally:
        restore()


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args, extras = parser.parse_known_args(argv)
        if extras:  # the command's own usage, not the top-level one
            getattr(args, "parser", parser).error(_unknown(getattr(args, "parser", parser), extras))
        func = getattr(args, "func", None)
        if func is None:  # no command, or `addin` alone: show what there is
            parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "-h"])
        return func(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    except BrokenPipeError:  # `halsocenter check … | head`: the reader has had enough
        return _stdout_closed()
    except BaseException as exc:  # noqa: BLE001 - the user must never see a traceback
        if os.environ.get("HALSOCENTER_DEBUG"):
            raise
        message = _user_message(exc)
        if isinstance(exc, (KeyboardInterrupt, Terminated)):
            err.print("Avbrutet. Tillfälliga filer är borttagna; en utfil som inte var klar "
                      "skrevs inte.")  # fmt: skip
            return 130 if isinstance(exc, KeyboardInterrupt) else 128 + exc.signum
        if message is None:
            message = (f"Ett oväntat fel inträffade ({type(exc).__name__}: {exc}). Inget skrevs "
                       "om. Kör med HALSOCENTER_DEBUG=1 för detaljer och kontakta support.")
        from rich.markup import escape

        from halsocenter.core.privacy import mask_text

        findings = getattr(exc, "findings", None)
        if findings:
            _print_findings(findings, getattr(exc, "title", "Värden som inte går att läsa"))
        err.print(f"[red]{escape(mask_text(message))}[/]")  # a message may quote a sheet name
        return getattr(exc, "code", EXIT_UNUSABLE) if isinstance(exc, Refusal) else EXIT_UNUSABLE


def run() -> None:
    """The ``halsocenter`` command: ``main``, then leave without tearing the interpreter down.

    Every file is written and closed by then (atomically); what is left is freeing the hundreds
    of thousands of objects a big workbook was read into, a fifth of a second that nobody
    waits for gladly. Output is flushed first. Under a profiler or a tracer (cProfile,
    coverage) the interpreter ends normally, so they can write what they measured."""
    code = main()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:  # the reader left before the last buffered lines
        code = _stdout_closed()
    except (OSError, ValueError):
        pass
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
