"""xlwings Lite's scripts, by the name coaches' workbooks import them.

A workbook enables the buttons with ``from halsocenter.lite import *`` in Lite's ``main.py``,
and that line stays in workbooks for years: this name stays. The scripts live in
``halsocenter.live.lite``; importing them registers them with xlwings Lite.
"""

from halsocenter.live.lite import *  # noqa: F403
from halsocenter.live.lite import __all__  # noqa: F401
