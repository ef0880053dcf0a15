#!/bin/sh
# The 2017 script's data request as it sent it: no variables, codes wrapped in quotes.
# Usage: job-data-2017.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-data-2017.json"
