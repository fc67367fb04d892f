"""The desktop ribbon's entry points, by the name deployed add-ins call them.

``halsocenter.xlam`` runs ``import halsocenter.excel as m; m.kontrollera()`` and so on, and
add-ins already installed on coaches' computers keep doing so after an update: this name stays.
The buttons live in ``halsocenter.live.desktop``.
"""

from halsocenter.live.desktop import (
    arssammanstallning,
    exportera,
    hjalp,
    kontrollera,
    nytt_verksamhetsar,
    rapport,
)

__all__ = ["arssammanstallning", "exportera", "hjalp", "kontrollera", "nytt_verksamhetsar",
           "rapport"]  # fmt: skip
