#!/usr/bin/env bash
# A virtual environment for AutoGluon-Tabular, the AutoML peer benchmarks/automl_vs_fixed.py
# measures (benchmarks/peers/run_peer.py runs in it). Kept apart from the service's:
# AutoGluon 1.6 pins scikit-learn, numpy and pandas to ranges of its own. CPU only: the
# tree models (LightGBM, CatBoost, XGBoost) and no PyTorch (no neural-network models).
#
# Usage: scripts/autogluon_venv.sh [DIR]   (default .venv-autogluon); prints DIR's python.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-.venv-autogluon}"
STAMP="$DIR/.installed-autogluon-1.6.3"
if [ ! -f "$STAMP" ]; then
    rm -rf "$DIR"
    "${PYTHON:-python3}" -m venv "$DIR"
    "$DIR/bin/pip" install --quiet --disable-pip-version-check \
        "autogluon.tabular[lightgbm,catboost,xgboost]==1.6.3"
    touch "$STAMP"
fi
echo "$DIR/bin/python"
