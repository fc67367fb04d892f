"""The region's side: the export file a hub sends and the county workbook.

``export`` lives in ``export.py`` and ``consolidate`` in ``consolidate.py``; this module is the
one place the CLI and the ribbon import them from.
"""

from __future__ import annotations

from .consolidate import COUNTY, ConsolidationResult, FileProblem, Report, consolidate
from .export import ExportRefused, export, export_filename, mask_rows, write_export

__all__ = [
    "COUNTY", "ConsolidationResult", "ExportRefused", "FileProblem", "Report", "consolidate",
    "export", "export_filename", "mask_rows", "write_export",
]  # fmt: skip
