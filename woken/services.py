"""What the actors and the HTTP handlers share: configuration, databases, catalogue, backend."""

from __future__ import annotations

from dataclasses import dataclass

from woken.actors.running import RunningExperiments
from woken.actors.validation_pool import ValidationPool
from woken.backends.base import Backend
from woken.config import Config
from woken.features.database import FeaturesDatabase
from woken.registry import Registry
from woken.storage.database import WokenDatabase


@dataclass(frozen=True)
class Services:
    config: Config
    woken_db: WokenDatabase
    features: FeaturesDatabase
    registry: Registry
    backend: Backend
    validation_pool: ValidationPool
    experiments: RunningExperiments
