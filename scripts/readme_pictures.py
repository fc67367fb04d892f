"""Render the README's pictures (docs/bilder/) as a Swedish Excel or Word user sees the files.

The demo's outputs are made afresh in a temporary folder (the summary, the Word report and the
county workbook and report from the example workbooks, and Kontroll for Vaggeryd 2023 with a
few mistakes typed in), converted to PDF by LibreOffice in a private profile whose locale is
sv-SE ("1 023", "21,5") and cut into pictures with pdftoppm; a picture of several pages stacks
them whole. Needs soffice and pdftoppm. Run by ``scripts/readme-pictures``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np

import examples  # scripts/examples.py
from halsocenter.cli import main
from halsocenter.xlsx import template

ROOT = Path(__file__).resolve().parents[1]
PICTURES = ROOT / "docs" / "bilder"
DPI = 80
LOCALE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>sv-SE</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>sv-SE</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="DefaultLocale" oor:op="fuse"><value>sv-SE</value></prop></item>
</oor:items>
"""  # noqa: E501 - LibreOffice's registry, as it writes it
TEST_PNR = "19121212-1212"
"""Skatteverket's test personnummer: a valid number that belongs to nobody."""


def to_pdf(src: Path, out: Path) -> Path:
    """``src`` as PDF, converted by LibreOffice with Swedish settings (named by the stem, so
    two sources need two stems)."""
    profile = Path(tempfile.mkdtemp(prefix="lo_sv_"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(LOCALE)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out), str(src)],
                       check=True, capture_output=True, timeout=300)  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out / f"{src.stem}.pdf"


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout  # fmt: skip


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[-1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))  # fmt: skip


def sheet_pages(pdf: Path, sheet: str) -> list[int]:
    """The pages whose footer names ``sheet`` (the footer says the sheet's name, then Sida)."""
    found = []
    for page in range(1, pages(pdf) + 1):
        lines = [ln.strip() for ln in page_text(pdf, page).splitlines() if ln.strip()]
        if lines and lines[-1].startswith(f"{sheet} ") and "Sida" in lines[-1]:
            found.append(page)
    return found


def render(pdf: Path, page: int, work: Path) -> np.ndarray:
    stem = work / f"p{page}"
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(pdf), str(stem)], check=True)  # fmt: skip
    return mpimg.imread(f"{stem}.png")[..., :3]


def content(image: np.ndarray, margin: int = 12) -> np.ndarray:
    """The page without its header and footer lines and the white around the content."""
    height = image.shape[0]
    body = image[int(height * 0.07):int(height * 0.93)]
    ink = np.where(body.min(axis=2) < 0.95)
    top, bottom = ink[0].min(), ink[0].max()
    left, right = ink[1].min(), ink[1].max()
    return body[max(0, top - margin):bottom + margin, max(0, left - margin):right + margin]


def stack(images: list[np.ndarray]) -> np.ndarray:
    """Pages one under the other, each whole, with a thin grey line where one page ends."""
    width = max(i.shape[1] for i in images)
    parts = []
    for i, image in enumerate(images):
        pad = np.ones((image.shape[0], width - image.shape[1], 3))
        parts.append(np.hstack([image, pad]))
        if i < len(images) - 1:
            parts.append(np.full((3, width, 3), 0.75))
    return np.vstack(parts)


def save(name: str, image: np.ndarray) -> Path:
    path = PICTURES / name
    mpimg.imsave(path, np.clip(image, 0, 1), format="png")
    return path


def mistaken_workbook(path: Path) -> Path:
    """Vaggeryd 2023 with the mistakes a coach makes: a personnummer in a comment, a Typ left
    out, "K" for Kön, a misspelled focus area, and Slussad till "Gymmet" pasted down 12 rows."""
    tables, settings = examples.example_tables("Vaggeryd", 2023)
    rows = [r for r in tables["remisser"] if r["inkom"].year == 2023]
    rows[3]["kommentar"] = f"Ring {TEST_PNR} i morgon"
    rows[5]["typ"] = None
    rows[6]["kon"] = "K"
    rows[7]["fokus"] = "Fysisk aktvitet"
    for r in rows[20:32]:
        r["slussad_till"] = "Gymmet"
    return template.write_workbook(examples.workbook_from_tables(tables, settings), path)


def run(*args: str) -> None:
    code = main([str(a) for a in args])
    if code not in (0, 1):
        sys.exit(f"halsocenter {' '.join(map(str, args))} gav slutkod {code}")


def main_pictures() -> list[Path]:
    work = Path(tempfile.mkdtemp(prefix="bilder_"))
    try:
        exported = work / "till_regionen"
        for wb in sorted((ROOT / "workbook_template" / "exempel").glob("*.xlsx")):
            run("export", wb, "-o", exported)
        vaggeryd = ROOT / "workbook_template" / "exempel" / "Vaggeryd_2023.xlsx"
        run("summary", vaggeryd, "-o", work / "sammanstallning.xlsx")
        run("report", vaggeryd, "-o", work / "rapport.docx")
        run("region", exported, "-o", work / "Lanet.xlsx", "--rapport", work / "Lansrapport.docx")
        mistaken = mistaken_workbook(work / "fel.xlsx")
        run("summary", mistaken, "-o", work / "fel_sammanstallning.xlsx")
        pdf = {name: to_pdf(work / name, work) for name in (
            "sammanstallning.xlsx", "rapport.docx", "Lanet.xlsx", "Lansrapport.docx",
            "fel_sammanstallning.xlsx")}  # fmt: skip
        made = []
        first = sheet_pages(pdf["sammanstallning.xlsx"], "Årssammanställning")[0]
        made.append(save("arssammanstallning.png", render(pdf["sammanstallning.xlsx"], first,
                                                          work)))  # fmt: skip
        kontroll = sheet_pages(pdf["fel_sammanstallning.xlsx"], "Kontroll")
        made.append(save("kontroll.png", stack([content(render(pdf["fel_sammanstallning.xlsx"],
                                                               p, work)) for p in kontroll])))
        made.append(save("lanet_oversikt.png", render(pdf["Lanet.xlsx"], 1, work)))
        made.append(save("lansrapport_sammanfattning.png", render(pdf["Lansrapport.docx"], 2, work)))
        made.append(save("lansrapport_utveckling.png", render(pdf["Lansrapport.docx"], 3, work)))
        plan = next(p for p in range(1, pages(pdf["rapport.docx"]) + 1)
                    if "Verksamhetsplan 2024" in page_text(pdf["rapport.docx"], p)
                    and "Fokusområde" in page_text(pdf["rapport.docx"], p))  # fmt: skip
        made.append(save("verksamhetsplan.png", render(pdf["rapport.docx"], plan, work)))
        return made
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    for path in main_pictures():
        print(path.relative_to(ROOT))
