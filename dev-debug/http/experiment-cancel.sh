#!/bin/sh
# Cancel an experiment: its running jobs are killed, its finished results kept (200 if it had ended).
# Usage: experiment-cancel.sh [ID]   (the newest experiment by default; WOKEN_URL defaults to localhost:8087)
. "$(dirname "$0")/newest-experiment"
exec http --check-status --pretty=format --timeout=300 --ignore-stdin DELETE "${WOKEN_URL:-localhost:8087}/mining/experiments/$id"
