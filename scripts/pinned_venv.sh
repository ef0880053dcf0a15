#!/usr/bin/env bash
# A virtual environment holding pinned requirements apart from the service's, built once:
# STAMP_NAME in DIR says which pins it holds, so a new pin rebuilds it.
#
# Usage: scripts/pinned_venv.sh DIR STAMP_NAME REQUIREMENT...   prints DIR's python.
set -euo pipefail
DIR="$1"; STAMP="$DIR/.installed-$2"; shift 2
if [ ! -f "$STAMP" ]; then
    rm -rf "$DIR"
    "${PYTHON:-python3}" -m venv "$DIR"
    "$DIR/bin/pip" install --quiet --disable-pip-version-check "$@"
    touch "$STAMP"
fi
echo "$DIR/bin/python"
