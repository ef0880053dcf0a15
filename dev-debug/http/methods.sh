#!/bin/sh
# The catalogue under its 2019 name (the same answer as /mining/algorithms).
# Usage: methods.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 --ignore-stdin GET "${WOKEN_URL:-localhost:8087}/mining/methods"
