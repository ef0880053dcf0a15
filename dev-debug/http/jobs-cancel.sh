#!/bin/sh
# Cancel a single job: its process is killed, it ends cancelled (200 if it had ended).
# Usage: jobs-cancel.sh [ID]   (the newest single job by default; WOKEN_URL defaults to localhost:8087)
. "$(dirname "$0")/newest-job"
exec http --check-status --pretty=format --timeout=300 --ignore-stdin DELETE "${WOKEN_URL:-localhost:8087}/mining/jobs/$id"
