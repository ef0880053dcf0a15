#!/bin/sh
# Build every image of the stacks (algorithm base, each algorithm, Woken); see build_images.py.
exec python3 "$(dirname -- "$0")/build_images.py" "$@"
