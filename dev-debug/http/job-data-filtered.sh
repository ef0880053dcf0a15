#!/bin/sh
# The selected rows themselves, filtered with jQuery-QueryBuilder JSON
# Usage: job-data-filtered.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-data-filtered.json"
