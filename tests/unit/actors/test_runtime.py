"""PooledActor: pykka's semantics on a shared, bounded pool of threads."""

from __future__ import annotations

import threading
from typing import Any

import pykka
import pytest

from woken.actors.runtime import POOL_THREADS, PooledActor, release_threads


class Recorder(PooledActor):
    def __init__(self, seen: list[Any], done: threading.Event, last: int) -> None:
        super().__init__()
        self.seen, self.done, self.last = seen, done, last
        self.threads: set[str] = set()

    def on_receive(self, message: Any) -> Any:
        if message == "fail":
            raise ValueError("asked to fail")
        if message == "threads":
            return set(self.threads)
        self.threads.add(threading.current_thread().name)
        self.seen.append(message)
        if message == self.last:
            self.done.set()
        return message * 2


def test_many_actors_share_the_pool_and_keep_their_order() -> None:
    actors, logs, events = [], [], []
    before = threading.active_count()
    for _ in range(300):
        seen: list[int] = []
        done = threading.Event()
        actors.append(Recorder.start(seen, done, 49))
        logs.append(seen)
        events.append(done)
    for n in range(50):
        for actor in actors:
            actor.tell(n)
    assert all(e.wait(30) for e in events)
    assert all(seen == list(range(50)) for seen in logs)
    # 300 actors alive, at most the pool's threads more than before.
    assert threading.active_count() - before <= POOL_THREADS
    names = set().union(*(a.ask("threads") for a in actors))
    assert names and all(name.startswith("woken-actor") for name in names)
    for actor in actors:
        actor.stop()
    assert not any(a.is_alive() for a in actors)


def test_ask_gets_the_answer_and_a_failure_stops_the_actor() -> None:
    actor = Recorder.start([], threading.Event(), -1)
    assert actor.ask(21) == 42
    with pytest.raises(ValueError, match="asked to fail"):
        actor.ask("fail")  # an ask's exception goes back to the asker
    actor.tell("fail")  # a tell's exception stops the actor, as with pykka
    actor.actor_stopped.wait(5)
    assert not actor.is_alive()
    with pytest.raises(pykka.ActorDeadError):
        actor.tell(1)


def test_released_threads_end_and_the_next_message_starts_a_new_pool() -> None:
    actor = Recorder.start([], threading.Event(), -1)
    try:
        assert actor.ask(1) == 2
        (first,) = actor.ask("threads")
        pool = first.rsplit("_", 1)[0] + "_"
        assert any(t.name.startswith(pool) for t in threading.enumerate())
        assert release_threads(timeout_s=10.0)
        assert not any(t.name.startswith(pool) for t in threading.enumerate())
        # The actor lives on: its next message runs on a pool started for it.
        assert actor.ask(2) == 4
        assert any(name.startswith("woken-actor") and not name.startswith(pool)
                   for name in actor.ask("threads"))
    finally:
        actor.stop()
