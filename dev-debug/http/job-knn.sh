#!/bin/sh
# k-nearest neighbours on the sample data: a model
# Usage: job-knn.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-knn.json"
