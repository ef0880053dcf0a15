#!/bin/sh
# An experiment's state, progress (jobs done / total, per algorithm and fold) and results so far.
# Usage: experiment-status.sh [ID]   (the newest experiment by default; WOKEN_URL defaults to localhost:8087)
. "$(dirname "$0")/newest-experiment"
exec http --check-status --pretty=format --timeout=300 --ignore-stdin GET "${WOKEN_URL:-localhost:8087}/mining/experiments/$id"
