#!/bin/sh
# Gaussian naive Bayes on iris
# Usage: job-naive-bayes-iris.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-naive-bayes-iris.json"
