#!/bin/sh
# The same experiment, asynchronous: 202 with the experiment's id and its Location.
# Usage: experiment-async.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/experiment" Prefer:respond-async < "$(dirname "$0")/experiment-iris.json"
