#!/bin/sh
# A test image: writes its environment and working directory into its volume.
set -eu
env | sort > "$JOB_VOLUME/env.txt"
pwd > "$JOB_VOLUME/cwd.txt"
echo "command: $*" >> "$JOB_VOLUME/cwd.txt"
