"""Start and stop Woken's parts in dependency order (and in reverse)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import pykka

from woken.actors.running import RunningActors, RunningExperiments
from woken.actors.validation_pool import ValidationPool
from woken.backends.base import Backend
from woken.backends.local import LAUNCHERS, LocalBackend
from woken.catalogue.registry import Registry
from woken.config import Config
from woken.errors import ConfigurationError
from woken.features.database import FeaturesDatabase
from woken.features.loading import load_datasets
from woken.storage.database import WokenDatabase
from woken.storage.federated_runs import FederatedRuns
from woken.storage.leases import Leases
from woken.system.admission import Admission
from woken.system.memory import MemoryRelease
from woken.system.ownership import DataDirLock
from woken.system.services import Services

log = logging.getLogger(__name__)


def local_backend(config: Config) -> Backend:
    if config.local_launcher not in LAUNCHERS:
        raise ConfigurationError(
            f"unknown local_launcher '{config.local_launcher}' (known: {', '.join(LAUNCHERS)})"
        )
    return LocalBackend(
        config.logs_dir, config.max_concurrent_jobs, config.stderr_tail_chars,
        launcher=config.local_launcher,
    )


def chronos_backend(config: Config) -> Backend:
    # Imported here: the Chronos client's dependencies are only needed on that backend.
    from woken.backends.chronos import ChronosBackend

    settings = dataclasses.replace(
        config.chronos, volumes_dir=config.volumes_dir, stderr_tail_chars=config.stderr_tail_chars
    )
    return ChronosBackend(settings)


def dask_backend(config: Config) -> Backend:
    # Imported here: `distributed` is an extra (`pip install woken[dask]`).
    from woken.backends.dask_backend import DaskBackend

    settings = dataclasses.replace(
        config.dask, logs_dir=config.logs_dir, volumes_dir=config.volumes_dir,
        stderr_tail_chars=config.stderr_tail_chars,
    )
    return DaskBackend(settings)


def kubernetes_backend(config: Config) -> Backend:
    # Imported here: the `kubernetes` client is an extra (`pip install woken[kubernetes]`).
    from woken.backends.kubernetes_backend import KubernetesBackend

    settings = dataclasses.replace(
        config.kubernetes, node=config.node, logs_dir=config.logs_dir,
        volumes_dir=config.volumes_dir, stderr_tail_chars=config.stderr_tail_chars,
    )
    return KubernetesBackend(settings)


# The backends by name: `backend` in the configuration picks one.
BACKENDS: dict[str, Callable[[Config], Backend]] = {
    "local": local_backend,
    "chronos": chronos_backend,
    "dask": dask_backend,
    "kubernetes": kubernetes_backend,
}


def create_backend(config: Config) -> Backend:
    factory = BACKENDS.get(config.backend)
    if factory is None:
        known = ", ".join(BACKENDS)
        raise ConfigurationError(f"unknown backend '{config.backend}' (known: {known})")
    return factory(config)


def check_security(config: Config) -> None:
    """No unauthenticated mining routes off loopback unless the operator says it is a dev setup."""
    if bool(config.auth_user) != bool(config.auth_password):
        raise ConfigurationError("set both auth_user and auth_password, or neither")
    loopback = config.host in {"127.0.0.1", "localhost", "::1"}
    if not config.auth_user and not loopback and not config.dev_mode:
        raise ConfigurationError(
            f"refusing to serve on {config.host} without authentication: set "
            "WOKEN_AUTH_USER and WOKEN_AUTH_PASSWORD, or WOKEN_DEV_MODE=true for a dev setup"
        )


def start_services(config: Config) -> Services:
    """Start the parts in dependency order; the caller then adopts the work left in flight."""
    check_security(config)
    # First: a second process on the same SQLite data directory stops before touching it.
    lock = DataDirLock(config.data_dir).acquire() if is_sqlite(config.woken_db) else None
    try:
        return _start(config, lock)
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def _start(config: Config, lock: DataDirLock | None) -> Services:
    # Imported here, after the owner check: Alembic sets itself up when it is imported.
    from woken.storage.migrate import upgrade_to_head

    config.data_dir.mkdir(parents=True, exist_ok=True)
    config.volumes_dir.mkdir(parents=True, exist_ok=True)
    registry = Registry.load(config.algorithms_dir)
    upgrade_to_head(config.woken_db)
    woken_db = WokenDatabase(config.woken_db)
    interrupted = FederatedRuns(woken_db).fail_interrupted(config.node)
    if interrupted:
        log.warning("%d federated run(s) cut short by the last stop: stored as failed",
                    interrupted)
    if config.load_sample_data:
        loaded = load_datasets(config.features_db)
        if loaded:
            log.info("loaded the bundled data sets: %s", ", ".join(loaded))
    features = FeaturesDatabase(config.features_db)
    backend = create_backend(config)
    pool = ValidationPool(config.validation_pool_size)
    job_admission = Admission(config.max_active_jobs, "jobs")
    experiment_admission = Admission(config.max_running_experiments, "experiments")
    memory = MemoryRelease([job_admission, experiment_admission])
    job_admission.on_release = experiment_admission.on_release = memory.work_ended
    return Services(
        config, woken_db, features, registry, backend, pool, RunningExperiments(),
        job_admission=job_admission,
        experiment_admission=experiment_admission,
        jobs=RunningActors(),
        leases=Leases(woken_db, config.node, config.lease_s),
        data_dir_lock=lock,
    )


def stop_services(services: Services) -> None:
    # Actors first (they use the backend and the databases), then the backend, then storage.
    pykka.ActorRegistry.stop_all(block=True, timeout=10)
    services.validation_pool.stop()
    services.backend.close()
    services.features.dispose()
    services.woken_db.dispose()
    if services.data_dir_lock is not None:
        services.data_dir_lock.release()


def is_sqlite(url: str) -> bool:
    """An embedded woken-db: one process owns it, and its data directory is locked."""
    return url.startswith("sqlite")
