#!/bin/sh
# The single jobs, newest first (paged with limit and offset): state, algorithm, user.
# Usage: jobs.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 --ignore-stdin GET "${WOKEN_URL:-localhost:8087}/mining/jobs" limit==10 offset==0
