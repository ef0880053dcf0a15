#!/bin/sh
# Dies as a broken algorithm would: a traceback naming server paths on stderr, exit code 3.
echo "Traceback (most recent call last):" >&2
echo "  File \"$0\", line 5, in <module>" >&2
echo "ValueError: column cognitive_task2 has an impossible value in $(pwd)/inputs.json" >&2
exit 3
