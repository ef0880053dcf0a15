#!/bin/sh
# A predictive algorithm whose model runs but whose training on a fold crashes.
set -eu
mkdir -p "$JOB_VOLUME/results"
case "$1" in
  compute) echo '{"shape": "json", "data": {"model": "fine"}, "error": null}' > "$JOB_VOLUME/results/compute.json" ;;
  train) echo "MemoryError: fold too big" >&2; exit 3 ;;
  *) echo "unknown command $1" >&2; exit 2 ;;
esac
