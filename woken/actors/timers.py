"""One thread that runs delayed callbacks, shared by every actor.

Actors poll job status and time out states; a `threading.Timer` per wait would
be a thread per wait. Callbacks must be quick (they only `tell` an actor).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(eq=False)
class TimerHandle:
    """A callback waiting for its time; `cancel` keeps it from running."""

    due: float
    callback: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class Timers:
    """The shared timer thread: runs each callback once its delay has passed."""

    def __init__(self) -> None:
        # (due, sequence, handle): the sequence keeps equal due times in call order.
        self._queue: list[tuple[float, int, TimerHandle]] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None

    def call_later(self, delay_s: float, callback: Callable[[], None]) -> TimerHandle:
        handle = TimerHandle(time.monotonic() + max(delay_s, 0.0), callback)
        with self._condition:
            heapq.heappush(self._queue, (handle.due, next(self._sequence), handle))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="woken-timers", daemon=True)
                self._thread.start()
            self._condition.notify()
        return handle

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._queue or self._queue[0][0] > time.monotonic():
                    timeout = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._condition.wait(timeout)
                handle = heapq.heappop(self._queue)[2]
            if handle.cancelled:
                continue
            try:
                handle.callback()
            except Exception:
                log.exception("timer callback failed")


# The process-wide instance.
timers = Timers()
