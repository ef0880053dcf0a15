#!/bin/sh
# The variables of the iris data set, with their metadata. 
# Usage: variables.sh   (WOKEN_URL defaults to localhost:8087)
exec http --check-status --pretty=format --timeout=300 --ignore-stdin GET "${WOKEN_URL:-localhost:8087}/metadata/variables" datasets==iris
