#!/bin/sh
# Gradient boosting on scikit-learn's diabetes data: feature importances
# Usage: job-gradient-boosting-diabetes.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-gradient-boosting-diabetes.json"
