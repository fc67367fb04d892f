"""Reading workbooks made with an older template version.

Each ``contract.Migration`` says which headers were renamed and which columns were added since
that version; the reader applies it so older workbooks read into the current tables.
"""

from __future__ import annotations

from . import contract as C


def migration_for(version: int) -> C.Migration | None:
    """The migration that reads ``version`` into the current layout, or None when the version
    is current or cannot be read."""
    for migration in C.MIGRATIONS:
        if migration.from_version == version:
            return migration
    return None
