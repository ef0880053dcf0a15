#!/bin/sh
# The algorithm catalogue: parameters, defaults, bounds, constraints.
# Usage: algorithms.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 --ignore-stdin GET "${WOKEN_URL:-localhost:8087}/mining/algorithms"
