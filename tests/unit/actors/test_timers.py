"""The shared timer thread: cancelled waits let go of what they hold, and do not pile up."""

from __future__ import annotations

import gc
import threading
import weakref

from woken.actors.timers import COMPACT_AT, Timers

DAY_S = 86400.0


class Holder:
    """Stands for an actor (and the plan it holds) that a timer's callback refers to."""

    def fire(self) -> None:
        pass


def test_a_cancelled_timer_releases_its_callback_at_once() -> None:
    holder = Holder()
    alive = weakref.ref(holder)
    handle = Timers().call_later(DAY_S, holder.fire)
    del holder
    handle.cancel()
    gc.collect()
    assert alive() is None, "a day-long timeout kept its actor alive after it was cancelled"


def test_cancelled_timers_are_dropped_from_the_queue() -> None:
    timers = Timers()
    for _ in range(4 * COMPACT_AT):
        timers.call_later(DAY_S, lambda: None).cancel()
    assert len(timers) <= 2 * COMPACT_AT + 1


def test_a_timer_that_was_not_cancelled_still_fires() -> None:
    fired = threading.Event()
    timers = Timers()
    timers.call_later(DAY_S, lambda: None).cancel()
    timers.call_later(0.01, fired.set)
    assert fired.wait(5)
