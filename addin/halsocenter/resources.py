"""Where the files that are not Python live: the add-in's ribbon and VBA sources and the Word
templates (the municipal report's and the county report's).

In the source tree they sit in ``addin/excel/`` and ``workbook_template/`` (where the design puts
them and where the region edits the Word template); ``_data/`` links to them so that a built wheel
carries copies. Either way callers get one path.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_SOURCE_TREE = {
    "excel": PACKAGE.parent / "excel",
    "rapportmall.docx": PACKAGE.parents[1] / "workbook_template" / "rapportmall.docx",
    "lansrapport.docx": PACKAGE.parents[1] / "workbook_template" / "lansrapport.docx",
}


def resource(name: str) -> Path:
    """The path of a bundled resource (``"excel"`` folder, ``"rapportmall.docx"`` or
    ``"lansrapport.docx"``)."""
    source = _SOURCE_TREE[name]
    if source.exists():
        return source
    return PACKAGE / "_data" / name
