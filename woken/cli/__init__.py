"""The command line: the ``woken`` command and what it runs.

The command (:mod:`.main`), loading data (:mod:`.load`), the HTTP client commands
(:mod:`.client`, which speaks HTTP only) and the log format (:mod:`.log_format`).

The console script is ``woken = woken.cli:main``; ``python -m woken.cli`` runs it too.
"""

from woken.cli.main import main

__all__ = ["main"]
