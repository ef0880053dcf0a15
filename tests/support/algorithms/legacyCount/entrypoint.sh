#!/bin/sh
exec python3 "$(dirname -- "$0")/legacy_count.py" "$@"
