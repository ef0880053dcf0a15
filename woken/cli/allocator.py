"""The allocator `woken serve` runs with: the C library's malloc, not CPython's arenas.

After a burst of experiments, Woken's process gives back what it freed once it is
idle (`woken.system.memory`: a full collection, then glibc's ``malloc_trim``).
CPython's own small-object allocator returns an arena (1 MiB) to the system only
when every object in it is free, and a few long-lived objects keep most arenas
alive; glibc's ``malloc_trim`` returns every free page. With 600 experiments of
``benchmarks/perf_suite.py p4``, the RSS after the burst was 1.51x idle with
CPython's allocator and 1.30x with ``PYTHONMALLOC=malloc``.

The allocator is chosen when the interpreter starts, so ``woken serve`` runs itself
again (``execve``: the same process id and command line) with ``PYTHONMALLOC=malloc``
unless the variable is set already (``PYTHONMALLOC=pymalloc`` keeps CPython's).
"""

from __future__ import annotations

import os
import sys

ALLOCATOR_VARIABLE = "PYTHONMALLOC"
SERVE_ALLOCATOR = "malloc"


def use_serve_allocator() -> None:
    """Run this command again with the serving allocator, unless one was chosen already.

    Call before any thread starts and any file is opened that the new image would inherit.
    """
    if ALLOCATOR_VARIABLE in os.environ or not sys.platform.startswith("linux"):
        return
    environment = {**os.environ, ALLOCATOR_VARIABLE: SERVE_ALLOCATOR}
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], environment)
