#!/bin/sh
# The experiments, newest first (paged with limit and offset).
# Usage: experiments.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 --ignore-stdin GET "${WOKEN_URL:-localhost:8087}/mining/experiments" limit==10 offset==0
