"""Score rows with titus2 (run by the titus2 virtualenv's Python, not Woken's).

Reads ``{"document": <PFA>, "rows": [<input record>, ...]}`` on standard input and
writes ``{"outputs": [...]}`` on standard output. titus2 1.2.1 calls
``inspect.getargspec``, removed in Python 3.11; its successor takes its place.
"""

import inspect
import json
import sys

if not hasattr(inspect, "getargspec"):
    inspect.getargspec = inspect.getfullargspec  # type: ignore[attr-defined]

from titus.genpy import PFAEngine


def main() -> None:
    request = json.load(sys.stdin)
    (engine,) = PFAEngine.fromJson(request["document"])
    outputs = [engine.action(row) for row in request["rows"]]
    json.dump({"outputs": outputs}, sys.stdout)


if __name__ == "__main__":
    main()
