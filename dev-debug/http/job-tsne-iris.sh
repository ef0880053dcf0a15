#!/bin/sh
# t-SNE of the iris measurements: a plotly scatter
# Usage: job-tsne-iris.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-tsne-iris.json"
