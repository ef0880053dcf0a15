#!/bin/sh
# A 2019-format experiment on the mip-demo package (woken load-data dev-debug/data/mip-demo):
# train on two hospitals, k-fold there, and score the models on a third hospital's rows.
# Usage: experiment-2019-multisite.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/experiment" < "$(dirname "$0")/experiment-2019-multisite.json"
