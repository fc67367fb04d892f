# Sourced by the scripts: make sure .venv exists and holds exactly the locked versions.
# The project's own virtual environment (tests, demo, bench, template) installs
# requirements/ci.txt -- the desktop lock plus the dev tools, pinned and hash-checked -- and then
# the project itself without dependencies, so every run uses the versions the tests passed with.
# Regenerate the locks with scripts/lock after changing dependencies in pyproject.toml.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
LOCK="$ROOT/requirements/ci.txt"
if [ ! -x "$VENV/bin/python" ]; then
    echo "Skapar virtuell miljö i $VENV ..."
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
fi
STAMP="$VENV/.installed-lock"
if [ ! -f "$STAMP" ] || [ "$LOCK" -nt "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
    echo "Installerar de låsta versionerna ($LOCK) och halsocenter ..."
    "$VENV/bin/python" -m pip install -q --require-hashes -r "$LOCK"
    "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e "$ROOT"
    touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
