#!/bin/sh
# Linear regression on scikit-learn's diabetes data: coefficients
# Usage: job-linear-regression-diabetes.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-linear-regression-diabetes.json"
