#!/bin/sh
# Correlations of the diabetes variables: a plotly heatmap
# Usage: job-correlation-heatmap-diabetes.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-correlation-heatmap-diabetes.json"
