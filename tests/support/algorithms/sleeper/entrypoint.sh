#!/bin/sh
# Hangs: only its timeout (1 s in its manifest) ends it.
echo "thinking..." >&2
exec sleep 600
