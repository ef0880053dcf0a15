"""The experiments and single jobs this process runs, by id."""

from __future__ import annotations

import threading

import pykka


class RunningActors:
    """The experiments (or single jobs) this process runs, by id.

    Where `DELETE` finds the actor to cancel.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._actors: dict[str, pykka.ActorRef] = {}

    def add(self, experiment_id: str, actor: pykka.ActorRef) -> None:
        with self._lock:
            self._actors[experiment_id] = actor

    def remove(self, experiment_id: str) -> None:
        with self._lock:
            self._actors.pop(experiment_id, None)

    def get(self, experiment_id: str) -> pykka.ActorRef | None:
        with self._lock:
            return self._actors.get(experiment_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._actors)


# The experiments' registry (ExperimentActor adds and removes itself).
RunningExperiments = RunningActors
