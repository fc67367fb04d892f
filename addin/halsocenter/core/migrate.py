"""Reading workbooks made with an older template version.

Each ``contract.Migration`` says which headers were renamed and which columns were added since
that version; the reader applies it so older workbooks read into the current tables, and
``upgrade`` uses the same description to move the data into the current template.
"""

from __future__ import annotations

from halsocenter.core import contract as C


def migration_for(version: int) -> C.Migration | None:
    """The migration that reads ``version`` into the current layout, or None when the version
    is current or cannot be read."""
    for migration in C.MIGRATIONS:
        if migration.from_version == version:
            return migration
    return None


def readable_versions() -> tuple[int, ...]:
    """Every template version the program reads: the older ones through a migration, and the
    current one."""
    return (*sorted(m.from_version for m in C.MIGRATIONS), C.TEMPLATE_VERSION)


def describe(migration: C.Migration) -> list[str]:
    """What changed since ``migration.from_version``, one Swedish line per change, for the
    message shown when a workbook is upgraded."""
    lines = []
    for table_key, renames in migration.renamed.items():
        sheet = C.TABLE_BY_KEY[table_key].sheet
        for old, new in renames.items():
            lines.append(f"{sheet}: kolumnen ”{old}” heter nu ”{new}”.")
    for table_key, headers in migration.added.items():
        sheet = C.TABLE_BY_KEY[table_key].sheet
        for header in headers:
            lines.append(f"{sheet}: ny kolumn ”{header}” (tom i äldre arbetsböcker).")
    return lines
