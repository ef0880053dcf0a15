#!/bin/sh
# A linear model by SGD (logistic regression) of the iris species: a model
# Usage: job-sgd-linear-model-iris.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/job" < "$(dirname "$0")/job-sgd-linear-model-iris.json"
