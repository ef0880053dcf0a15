#!/bin/sh
# The knn job, asynchronous: 202 with the job's id and its Location (GET it for the result).
# Usage: jobs-async.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" Prefer:respond-async < "$(dirname "$0")/job-knn.json"
