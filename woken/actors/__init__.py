"""Woken's finite-state-machine actors, on pykka.

`fsm.FsmActor` is the base: a state enum, a table of (state, message type) →
handler, every transition logged, unexpected messages warned about, state
timeouts, terminal states that stop the actor. `runtime.PooledActor` runs them on
a shared pool of threads (pykka's private hooks it needs: `pykka_seams`).
"""

from woken.actors import steps
from woken.actors.coordinator import CoordinatorActor
from woken.actors.experiment import ExperimentActor, Reply
from woken.actors.messages import Cancel, JobEnded, Start, StartJob
from woken.actors.running import RunningActors, RunningExperiments
from woken.actors.timers import TimerHandle, timers
from woken.actors.validation_pool import ValidationPool

# `steps`: the names of a job's steps (model, fold, batch, parse) and their derived ids.
__all__ = [
    "Cancel", "CoordinatorActor", "ExperimentActor", "JobEnded", "Reply", "RunningActors",
    "RunningExperiments", "Start", "StartJob", "TimerHandle", "ValidationPool", "steps", "timers",
]
