#!/bin/sh
# Histograms of a target, per group of a nominal covariable (Highcharts)
# Usage: job-histograms.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-histograms.json"
