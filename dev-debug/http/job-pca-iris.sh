#!/bin/sh
# PCA of the iris measurements: a plotly scatter, loadings and explained variance
# Usage: job-pca-iris.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-pca-iris.json"
