#!/bin/sh
# The dev-test stack: build the algorithm images and Woken's, bring the cluster up in order
# (dev-debug/run.sh), then Woken in its container, and wait until it is ready.
#
# Usage: dev-test/run.sh            then dev-test/http/run-all.sh
#        dev-test/run.sh --down
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
file=$here/docker-compose.yml
WOKEN_URL=${WOKEN_URL:-http://localhost:8087}

if [ "${1:-}" = "--down" ]; then exec "$here/../dev-debug/run.sh" --down "$file"; fi

"$here/../dev-debug/build-images.sh"
"$here/../dev-debug/run.sh" "$file"
docker-compose -f "$file" up -d --build woken
printf 'waiting for Woken'
waited=0
until curl -fsS "$WOKEN_URL/readiness" >/dev/null 2>&1; do
    if [ "$waited" -ge 180 ]; then
        echo " - not ready: see 'docker-compose -f $file logs woken'" >&2; exit 1
    fi
    printf '.'; sleep 2; waited=$((waited + 2))
done
echo " ready at $WOKEN_URL: run $here/http/run-all.sh"
