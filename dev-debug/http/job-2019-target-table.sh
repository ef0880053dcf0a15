#!/bin/sh
# A 2019-format mining query: one dataset of the table cde-features (load dev-debug/data/mip-demo first).
# Usage: job-2019-target-table.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-2019-target-table.json"
