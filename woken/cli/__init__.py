"""The command line: the ``woken`` command (:mod:`.main`), loading data (:mod:`.load`), the
HTTP client commands (:mod:`.client`, which speaks HTTP only) and the log format.

The console script is ``woken = woken.cli:main``; ``python -m woken.cli`` runs it too.
"""

from woken.cli.main import main

__all__ = ["main"]
