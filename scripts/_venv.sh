# Shared by scripts/run and scripts/test: create ./.venv with Python 3.11+ and install the project into it.
# Usage: EXTRAS=test . scripts/_venv.sh   (EXTRAS empty: the platform only; "test": with the test tools)
set -eu
cd "$(dirname "$0")/.."
PYTHON_BIN=${PYTHON:-}
if [ -z "$PYTHON_BIN" ]; then
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            PYTHON_BIN=$candidate
            break
        fi
    done
fi
if [ -z "$PYTHON_BIN" ]; then
    echo "Yingji needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
    exit 2
fi
if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $PYTHON_BIN …"
    "$PYTHON_BIN" -m venv .venv
fi
extras=${EXTRAS:-}
spec="."
[ -n "$extras" ] && spec=".[$extras]"
# Reinstall only when the project's dependency list changed since the last install of these extras.
stamp=".venv/.yingji-installed-${extras:-base}"
want=$(cat pyproject.toml | cksum)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing Yingji${extras:+ with $extras extras} into .venv …"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e "$spec"
    echo "$want" > "$stamp"
fi
