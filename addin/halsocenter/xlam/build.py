"""Build, install and uninstall the Excel add-in ``halsocenter.xlam``.

The package is written directly as OOXML (zip) with a ``vbaProject.bin`` from :mod:`ovba`, so
it builds on any OS without Excel. The VBA that makes ``RunPython`` work is xlwings' own
custom-add-in module and its Mac dictionary class, read from the installed xlwings package at
build time (BSD/MIT licensed; never committed here).

Configuration: xlwings' custom add-in looks up its settings (``GetConfig``) first in a sheet
named ``<PROJECT_NAME>.conf`` in the active workbook, then in the same sheet inside the add-in
itself, then in ``%USERPROFILE%\\.<PROJECT_NAME>\\<PROJECT_NAME>.conf``. We set PROJECT_NAME to
``halsocenter`` and keep the settings in the add-in's own sheet ``halsocenter.conf``:
:func:`install` rebuilds the add-in with the interpreter of the current environment in that
sheet. One self-contained file is simpler for a coach than a file plus a hidden settings folder,
uninstalling leaves nothing behind, and reinstalling from another environment rewrites it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from halsocenter.atomic import write_bytes_atomic
from halsocenter.errors import UserError
from halsocenter.resources import PACKAGE, resource
from halsocenter.xlam import ovba
from halsocenter.xlsx.cellxml import escape, typed_cell
from halsocenter.xlsx.stable_zip import stable_zip

ADDIN_NAME = "halsocenter.xlam"
PROJECT_NAME = "HalsocenterAddin"  # the VBA project; must differ from every module name
CONFIG_NAME = "halsocenter"  # xlwings PROJECT_NAME: config sheet "halsocenter.conf"
CONFIG_SHEET = f"{CONFIG_NAME}.conf"
PROJECT_ID = "{6F1C2B9E-4D1A-4E8B-9C2F-5A3E7B1D0C48}"
SOURCE_DIR = resource("excel")
RIBBON_FILE = SOURCE_DIR / "ribbon.xml"

XLSTART_WINDOWS = ("Microsoft", "Excel", "XLSTART")
STARTUP_MAC = (
    "Library",
    "Group Containers",
    "UBF8T346G9.Office",
    "User Content",
    "Startup",
    "Excel",
)

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOCUMENT = f"{NS_R}/officeDocument"
REL_WORKSHEET = f"{NS_R}/worksheet"
REL_STYLES = f"{NS_R}/styles"
REL_UI = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"

RIBBON_PART = "customUI/customUI14.xml"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class AddinError(UserError):
    """Building or installing the add-in failed; ``message`` is Swedish, for the user."""


# --------------------------------------------------------------------------- VBA sources


def xlwings_dir() -> Path:
    """Folder of the installed xlwings package (found without importing it)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise AddinError(
            "Paketet xlwings saknas i den här Python-miljön. Installera det och "
            "bygg tillägget igen."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _read_vba(path: Path) -> str:
    if not path.is_file():
        raise AddinError(f"Filen {path} saknas; tillägget kan inte byggas.")
    return path.read_bytes().decode(ovba.CODEC)


def xlwings_module() -> ovba.Module:
    """xlwings' custom add-in module, with PROJECT_NAME set so it finds our config sheet."""
    text = _read_vba(xlwings_dir() / "xlwings_custom_addin.bas")
    old = 'Public Const PROJECT_NAME As String = "myaddin"'
    if text.count(old) != 1:
        raise AddinError(
            "xlwings_custom_addin.bas har ändrats i den här xlwings-versionen "
            "(PROJECT_NAME hittades inte); tillägget kan inte byggas."
        )
    return ovba.standard_module(text.replace(old, old.replace("myaddin", CONFIG_NAME)))


def dictionary_module() -> ovba.Module:
    """The Dictionary class xlwings uses on Mac instead of Scripting.Dictionary."""
    return ovba.class_module(_read_vba(xlwings_dir() / "addin" / "Dictionary.cls"))


def own_modules() -> list[ovba.Module]:
    """Our standard modules: every ``.bas`` in ``addin/excel`` (UTF-8 in the repository)."""
    files = sorted(SOURCE_DIR.glob("*.bas"))
    if not files:
        raise AddinError(f"Inga VBA-moduler (.bas) hittades i {SOURCE_DIR}.")
    return [ovba.standard_module(f.read_text(encoding="utf-8")) for f in files]


def vba_modules() -> list[ovba.Module]:
    """Every module of the add-in's VBA project, in project order."""
    return [
        ovba.document_module("ThisWorkbook", ovba.WORKBOOK_BASE),
        ovba.document_module("Sheet1", ovba.WORKSHEET_BASE),
        *own_modules(),
        xlwings_module(),
        dictionary_module(),
    ]


# --------------------------------------------------------------------------- config


def interpreter_path() -> str:
    """The interpreter of this environment; on Windows pythonw.exe (no console window)."""
    exe = Path(sys.executable)
    if sys.platform == "win32":
        windowless = exe.with_name("pythonw.exe")
        if windowless.is_file():
            return str(windowless)
    return str(exe)


def config_rows(
    interpreter: str | None = None, pythonpath: str | None = None
) -> list[tuple[str, str]]:
    """Key/value rows of the ``halsocenter.conf`` sheet, as xlwings' GetConfig reads them.

    Only keys with a value are written: an empty cell for a Boolean key would break xlwings.
    The workbook's own folder is kept off ``sys.path`` so a stray .py next to a coach's
    workbook can never shadow our package; no UDFs, so no UDF server.
    """
    rows: list[tuple[str, str]] = []
    if interpreter:
        key = "Interpreter_Mac" if sys.platform == "darwin" else "Interpreter_Win"
        rows.append((key, interpreter))
    if pythonpath:
        rows.append(("PYTHONPATH", pythonpath))
    rows += [
        ("ADD_WORKBOOK_TO_PYTHONPATH", "False"),
        ("Use UDF Server", "False"),
        ("Show Console", "False"),
    ]
    return rows


# --------------------------------------------------------------------------- package parts


def _content_types() -> str:
    overrides = [
        ("/xl/workbook.xml", CT_ADDIN),
        ("/xl/worksheets/sheet1.xml", CT_WORKSHEET),
        ("/xl/styles.xml", CT_STYLES),
        ("/xl/vbaProject.bin", CT_VBA),
    ]
    return (
        XML_DECL + f'<Types xmlns="{NS_CT}">'
        f'<Default Extension="rels" ContentType="{CT_RELS}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>"
    )


def _relationships(rels: Sequence[tuple[str, str, str]]) -> str:
    return (
        XML_DECL
        + f'<Relationships xmlns="{NS_PKG_REL}">'
        + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in rels)
        + "</Relationships>"
    )


def _workbook() -> str:
    return (
        XML_DECL + f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_R}">'
        '<workbookPr codeName="ThisWorkbook"/>'
        '<bookViews><workbookView visibility="hidden"/></bookViews>'
        f'<sheets><sheet name="{escape(CONFIG_SHEET)}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def _config_sheet(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(
        f'<row r="{n}">{typed_cell(f"A{n}", "inlineStr", k)}{typed_cell(f"B{n}", "inlineStr", v)}</row>'
        for n, (k, v) in enumerate(rows, start=1)
    )
    return (
        XML_DECL + f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">'
        '<sheetPr codeName="Sheet1"/>'
        f'<dimension ref="A1:B{len(rows)}"/>'
        '<cols><col min="1" max="1" width="30" customWidth="1"/>'
        '<col min="2" max="2" width="80" customWidth="1"/></cols>'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def _styles() -> str:
    return (
        XML_DECL + f'<styleSheet xmlns="{NS_MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        "</fonts>"
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        "</borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def ribbon_xml() -> str:
    if not RIBBON_FILE.is_file():
        raise AddinError(f"Filen {RIBBON_FILE} saknas; tillägget kan inte byggas.")
    return RIBBON_FILE.read_text(encoding="utf-8")


def package_parts(
    interpreter: str | None = None, pythonpath: str | None = None
) -> list[tuple[str, bytes]]:
    """Every part of the .xlam, in the order they are written to the zip."""
    parts = [
        ("[Content_Types].xml", _content_types()),
        (
            "_rels/.rels",
            _relationships(
                [
                    ("rId1", REL_OFFICE_DOCUMENT, "xl/workbook.xml"),
                    ("rId2", REL_UI, RIBBON_PART),
                ]
            ),
        ),
        (RIBBON_PART, ribbon_xml()),
        ("xl/workbook.xml", _workbook()),
        (
            "xl/_rels/workbook.xml.rels",
            _relationships(
                [
                    ("rId1", REL_WORKSHEET, "worksheets/sheet1.xml"),
                    ("rId2", REL_STYLES, "styles.xml"),
                    ("rId3", REL_VBA, "vbaProject.bin"),
                ]
            ),
        ),
        ("xl/worksheets/sheet1.xml", _config_sheet(config_rows(interpreter, pythonpath))),
        ("xl/styles.xml", _styles()),
    ]
    out = [(name, text.encode("utf-8")) for name, text in parts]
    out.append(("xl/vbaProject.bin", ovba.vba_project_bin(PROJECT_NAME, PROJECT_ID, vba_modules())))
    return out


def build_xlam(
    out_path: str | os.PathLike[str], interpreter: str | None = None, pythonpath: str | None = None
) -> Path:
    """Write the add-in to ``out_path`` (byte-identical for identical inputs); return its path.

    Without ``interpreter`` xlwings falls back to ``python`` on PATH (or the user config file);
    :func:`install` passes the current environment's interpreter.
    """
    return write_bytes_atomic(out_path, stable_zip(package_parts(interpreter, pythonpath)))


# --------------------------------------------------------------------------- install


def default_target_dir() -> Path:
    """Excel's per-user start folder: add-ins there load every time Excel starts."""
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        if not appdata:
            raise AddinError(
                "Hittar inte din användarmapp (APPDATA saknas), så tillägget kan "
                "inte installeras automatiskt. Ange en mapp att installera i."
            )
        return Path(appdata).joinpath(*XLSTART_WINDOWS)
    if sys.platform == "darwin":
        return Path.home().joinpath(*STARTUP_MAC)
    raise AddinError(
        "Excel finns inte för det här operativsystemet, så tillägget kan inte "
        "installeras här. Installera det på en dator med Windows eller macOS, "
        "eller ange en mapp att installera i."
    )


def _package_root() -> str:
    """Folder holding the ``halsocenter`` package, for xlwings' PYTHONPATH setting."""
    return str(PACKAGE.parent)


def install(target_dir: str | os.PathLike[str] | None = None) -> Path:
    """Build the add-in for this environment into Excel's start folder (or ``target_dir``).

    The config sheet gets this environment's interpreter and the folder of this package, so
    the ribbon runs exactly the Python that ran the install. Returns the installed path.
    """
    folder = Path(target_dir) if target_dir is not None else default_target_dir()
    target = folder / ADDIN_NAME
    try:
        return build_xlam(target, interpreter=interpreter_path(), pythonpath=_package_root())
    except PermissionError as exc:
        raise AddinError(
            f"Kunde inte skriva {target}. Stäng Excel (tillägget är öppet där) och försök igen."
        ) from exc


def uninstall(target_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Remove the installed add-in; return its path, or None if it was not installed."""
    folder = Path(target_dir) if target_dir is not None else default_target_dir()
    target = folder / ADDIN_NAME
    if not target.exists():
        return None
    try:
        target.unlink()
    except PermissionError as exc:
        raise AddinError(
            f"Kunde inte ta bort {target}. Stäng Excel (tillägget är öppet där) och försök igen."
        ) from exc
    return target
