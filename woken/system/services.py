"""The parts of the running system, built once at start-up and shared by the handlers and actors."""

from __future__ import annotations

from dataclasses import dataclass

from woken.actors.running import RunningActors, RunningExperiments
from woken.actors.validation_pool import ValidationPool
from woken.backends.base import Backend
from woken.catalogue.registry import Registry
from woken.config import Config
from woken.features.database import FeaturesDatabase
from woken.storage.database import WokenDatabase
from woken.storage.leases import Leases
from woken.system.admission import Admission
from woken.system.ownership import DataDirLock


@dataclass(frozen=True)
class Services:
    """Everything a request needs; the actors see the part they use (`ActorContext`)."""

    config: Config
    woken_db: WokenDatabase
    features: FeaturesDatabase
    registry: Registry
    backend: Backend
    validation_pool: ValidationPool
    experiments: RunningExperiments
    job_admission: Admission
    experiment_admission: Admission
    # The single jobs this process runs (their coordinators), where a cancel finds them.
    jobs: RunningActors
    # This instance's leases on its experiments and single jobs (woken.system.adoption).
    leases: Leases
    # Held for the process's life on an embedded (SQLite) woken-db; None on PostgreSQL,
    # where several instances share woken-db and the leases say who runs what.
    data_dir_lock: DataDirLock | None = None
