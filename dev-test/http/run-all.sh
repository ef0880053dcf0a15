#!/bin/sh
# Send every request file of dev-debug/http/ to Woken (WOKEN_URL, default localhost:8087)
# and report which answered correctly. Needs httpie (`.venv/bin/http` after `make install`).
# Exit code: the number of request files that failed (0: all passed).
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
failed=0
for request in "$here"/../../dev-debug/http/*.sh; do
    name=$(basename "$request" .sh)
    if output=$("$request" 2>&1); then
        echo "ok      $name"
    else
        echo "FAILED  $name"
        echo "$output" | sed 's/^/        /'
        failed=$((failed + 1))
    fi
done
echo "$failed request file(s) failed"
exit "$failed"
