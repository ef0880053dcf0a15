#!/usr/bin/env bash
# A virtual environment for FLAML, the AutoML peer benchmarks/automl_vs_fixed.py measures
# (benchmarks/peers/run_peer.py runs in it). Kept apart from the service's: flaml[automl]
# brings its own xgboost and lightgbm ranges, and the service must not move with them.
#
# Usage: scripts/flaml_venv.sh [DIR]   (default .venv-flaml); prints DIR's python.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/pinned_venv.sh "${1:-.venv-flaml}" flaml-2.7.0 "flaml[automl]==2.7.0"
