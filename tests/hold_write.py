"""The command line, holding each finished output for a while before it is moved into place.

``python tests/hold_write.py SECONDS ARGS...`` runs ``halsocenter ARGS...`` with
``atomic._commit`` wrapped: it first prints ``HOLD_MESSAGE`` to stderr and sleeps ``SECONDS``,
with the finished temporary file beside the target. So a test can make several processes race
for one name, or interrupt a write at a known moment, without a test hook in the product.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HOLD_MESSAGE = "hold_write: the temporary file is finished"
SCRIPT = Path(__file__).resolve()


def main() -> None:
    from halsocenter import atomic
    from halsocenter.cli import run

    seconds = float(sys.argv[1])
    commit = atomic._commit

    def held(tmp: Path, path: Path, *, exclusive: bool) -> None:
        print(HOLD_MESSAGE, file=sys.stderr, flush=True)
        time.sleep(seconds)
        commit(tmp, path, exclusive=exclusive)

    atomic._commit = held
    sys.argv = ["halsocenter", *sys.argv[2:]]
    run()


if __name__ == "__main__":
    main()
