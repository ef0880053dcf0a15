"""Admission control: a counted limit, taken atomically before any work is planned.

A request takes a slot before planning and gives it back when its work ends (or
when planning fails), so that concurrent requests can never run more than the
limit: counting the running actors instead would let every request that checked
before the first actor registered get through.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from woken.errors import ServiceUnavailable

Release = Callable[[], None]


class Admission:
    """At most `limit` units of work (jobs, experiments) in progress at once."""

    def __init__(self, limit: int, what: str) -> None:
        self.limit = limit
        self.what = what
        self._lock = threading.Lock()
        self._held = 0
        # Called after each release, outside the lock (the memory release listens).
        self.on_release: Callable[[], None] = _nothing

    def admit(self, *, force: bool = False) -> Release:
        """Take a slot, or refuse with ServiceUnavailable; `force` (resumed work) always gets one.

        Returns the slot's release, which may be called any number of times.
        """
        with self._lock:
            if self._held >= self.limit and not force:
                raise ServiceUnavailable(
                    f"{self._held} {self.what} are in progress, the limit is {self.limit}: "
                    "try again later"
                )
            self._held += 1
        released = threading.Event()

        def release() -> None:
            with self._lock:
                if released.is_set():
                    return
                released.set()
                self._held -= 1
            self.on_release()

        return release

    def __len__(self) -> int:
        with self._lock:
            return self._held


def _nothing() -> None:
    pass
