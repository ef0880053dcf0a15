#!/bin/sh
# A neural network (MLP) of the iris species: a model
# Usage: job-sgd-neural-network-iris.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-sgd-neural-network-iris.json"
