#!/bin/sh
# Exits 0 without writing a result.
exit 0
