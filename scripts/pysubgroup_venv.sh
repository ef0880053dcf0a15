#!/usr/bin/env bash
# A virtual environment for pysubgroup, the subgroup discovery library the tests check
# the hedwig container's beam search against.
#
# pysubgroup 0.9.0 needs numpy < 2, which Woken's own environment cannot have (its
# other libraries need NumPy 2): it lives in its own virtualenv, built on first use.
#
# Usage: scripts/pysubgroup_venv.sh [DIR]   (default .venv-pysubgroup); prints DIR's python.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-.venv-pysubgroup}"
STAMP="$DIR/.installed-pysubgroup-0.9.0"
if [ ! -f "$STAMP" ]; then
    rm -rf "$DIR"
    "${PYTHON:-python3}" -m venv "$DIR"
    "$DIR/bin/pip" install --quiet --disable-pip-version-check "numpy<2" "pysubgroup==0.9.0"
    touch "$STAMP"
fi
echo "$DIR/bin/python"
