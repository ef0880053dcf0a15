"""Waiting for a condition that another thread or process makes true, always with a timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

# The default wait: a condition of an in-process thread is true well within it.
WAIT_S = 5.0


def wait_until(condition: Callable[[], object], timeout_s: float = WAIT_S) -> None:
    """Wait, polling, until `condition()` is true; AssertionError after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout_s:g} s: {condition}")
        time.sleep(0.005)
