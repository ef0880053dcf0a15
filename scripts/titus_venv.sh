#!/usr/bin/env bash
# A virtual environment for titus2, the Python PFA engine the tests check models with.
#
# titus2 1.2.1 (its latest) declares Python < 3.10 and pins numpy < 1.20, which has no
# wheel for this Python: it is installed without its declared dependencies, which are
# installed here instead (numpy < 2, as titus2 predates NumPy 2). The scorer
# (tests/support/titus_score.py) aliases inspect.getargspec, gone in Python 3.11.
#
# Usage: scripts/titus_venv.sh [DIR]   (default .venv-titus); prints DIR's python.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-.venv-titus}"
STAMP="$DIR/.installed-titus2-1.2.1"
if [ ! -f "$STAMP" ]; then
    rm -rf "$DIR"
    "${PYTHON:-python3}" -m venv "$DIR"
    "$DIR/bin/pip" install --quiet --disable-pip-version-check \
        "numpy<2" "avro-python3>=1.8.2" "ply>=3.11" "pyyaml>=5.1.2" "pytz>=2019.1"
    "$DIR/bin/pip" install --quiet --disable-pip-version-check \
        --no-deps --ignore-requires-python "titus2==1.2.1"
    touch "$STAMP"
fi
echo "$DIR/bin/python"
