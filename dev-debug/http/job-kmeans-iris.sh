#!/bin/sh
# k-means of the iris measurements: cluster sizes and centres
# Usage: job-kmeans-iris.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-kmeans-iris.json"
