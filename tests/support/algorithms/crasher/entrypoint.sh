#!/bin/sh
# Dies as a broken algorithm would: a message on stderr, a non-zero exit code.
echo "Traceback (most recent call last):" >&2
echo "ValueError: column cognitive_task2 has an impossible value" >&2
exit 3
