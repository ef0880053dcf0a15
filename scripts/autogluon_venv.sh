#!/usr/bin/env bash
# A virtual environment for AutoGluon-Tabular, the AutoML peer benchmarks/automl_vs_fixed.py
# measures (benchmarks/peers/run_peer.py runs in it). Kept apart from the service's:
# AutoGluon 1.6 pins scikit-learn, numpy and pandas to ranges of its own. CPU only: the
# tree models (LightGBM, CatBoost, XGBoost) and no PyTorch (no neural-network models).
#
# Usage: scripts/autogluon_venv.sh [DIR]   (default .venv-autogluon); prints DIR's python.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/pinned_venv.sh "${1:-.venv-autogluon}" autogluon-1.6.3 \
    "autogluon.tabular[lightgbm,catboost,xgboost]==1.6.3"
