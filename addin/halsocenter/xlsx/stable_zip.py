"""Zip packages (.xlsx, .xlam) whose bytes depend only on their content.

Fixed member timestamps and attributes, in the order given: the committed template and the
built add-in can then be compared byte for byte with what the generators make.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def stable_zip(parts: Iterable[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, data, compresslevel=6)
    return out.getvalue()
