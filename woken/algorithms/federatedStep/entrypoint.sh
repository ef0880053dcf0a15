#!/bin/sh
# The container's command: compute (one local step of a federated algorithm).
# `exec` hands the process to Python, so its exit code is the container's verdict
# (the 2017 script lost it). The folder holding the `algorithms` package (the
# repository, or /app in the image) goes first on PYTHONPATH, so the module
# imports wherever we run from.
set -eu
# -P: the physical folder, so a symlinked algorithm folder still finds its package.
here=$(CDPATH='' cd -P -- "$(dirname -- "$0")" && pwd -P)
root=$(dirname -- "$(dirname -- "$(dirname -- "$here")")")
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
exec python3 -m woken.algorithms.federatedStep "$@"
