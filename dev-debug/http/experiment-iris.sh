#!/bin/sh
# An experiment, synchronous: knn and naive Bayes on iris, 3-fold cross-validated, with the leaderboard.
# Usage: experiment-iris.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 POST "${WOKEN_URL:-localhost:8087}/mining/experiment" < "$(dirname "$0")/experiment-iris.json"
