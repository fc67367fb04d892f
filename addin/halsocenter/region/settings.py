"""The region's configuration file (``--region FILE``): read like every other input -- a regular
file, bounded in size, opened without blocking -- and parsed by ``core.region_config``.

The file is the region's own, but it is still read as if it could be anything: a folder, a
device, a Word document renamed to .toml, a text saved in Latin-1. Each gets a Swedish message
naming the file (and the line, where there is one); nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from halsocenter.core.region_config import MAX_CHARS, Region, RegionError, parse
from halsocenter.errors import WorkbookError
from halsocenter.xlsx.inputs import read_regular_file

MAX_BYTES = 4 * MAX_CHARS
"""UTF-8 takes at most four bytes a character."""


def read_region_file(path: str | os.PathLike) -> Region:
    """The Region in the TOML file ``path``; raises RegionError with a Swedish message."""
    path = Path(path)
    try:
        data = read_regular_file(path, MAX_BYTES)
    except WorkbookError as exc:
        reason = {
            "not_found": f"Regionfilen {path} finns inte.",
            "not_workbook": f"{path} är en mapp. Ange regionens inställningsfil, t.ex. "
                            "region.toml.",
            "too_big": f"{path.name} är för stor för att vara regionens inställningar.",
        }.get(exc.kind, f"Regionfilen {path} kan inte läsas: det är ingen vanlig fil.")
        raise RegionError(reason) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise RegionError(f"{path.name}, rad {line}: filen är inte sparad som UTF-8. Spara den "
                          "som UTF-8 (i Anteckningar: Spara som, Kodning UTF-8).") from None
    if "\x00" in text:
        raise RegionError(f"{path.name} är ingen textfil; regionens inställningar skrivs som "
                          "text (TOML).")  # fmt: skip
    return parse(text, path.name)
