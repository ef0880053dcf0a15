#!/bin/sh
# A predictive algorithm whose `test` hangs until its timeout (2 s in its manifest).
set -eu
mkdir -p "$JOB_VOLUME/results" "$JOB_VOLUME/model"
case "$1" in
  compute) echo '{"shape": "json", "data": {"model": "fine"}, "error": null}' > "$JOB_VOLUME/results/compute.json" ;;
  train) echo '{"shape": "json", "data": {}, "error": null}' > "$JOB_VOLUME/results/train.json" ;;
  test) exec sleep 600 ;;
  *) echo "unknown command $1" >&2; exit 2 ;;
esac
