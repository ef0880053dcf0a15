#!/bin/sh
# One-way ANOVA of a score by IQ band and sex
# Usage: job-anova.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-anova.json"
