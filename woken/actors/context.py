"""What an actor needs of the running system, as the actors see it.

The running system (`woken.system.services.Services`) owns these parts and hands
them to every actor it starts; the actors name only what they use, so that they
never import the layer above them.
"""

from __future__ import annotations

from typing import Protocol

from woken.actors.running import RunningExperiments
from woken.actors.validation_pool import ValidationPool
from woken.backends.base import Backend
from woken.config import Config
from woken.storage.database import WokenDatabase


class ActorContext(Protocol):
    """The parts of the running system an actor may use (read-only)."""

    @property
    def config(self) -> Config: ...

    @property
    def woken_db(self) -> WokenDatabase: ...

    @property
    def backend(self) -> Backend: ...

    @property
    def validation_pool(self) -> ValidationPool: ...

    @property
    def experiments(self) -> RunningExperiments: ...
