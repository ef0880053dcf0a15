"""Woken's configuration: defaults, then a TOML file, then ``WOKEN_*`` environment variables.

Every setting has a default that gives the embedded mode (SQLite files under the
data directory, the local process backend). A TOML file (``--config`` or
``WOKEN_CONFIG``) overrides defaults; an environment variable ``WOKEN_<NAME>``
overrides both, e.g. ``WOKEN_PORT=9000`` or ``WOKEN_WOKEN_DB_URL=postgresql://…``.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from woken.errors import ConfigurationError

ENV_PREFIX = "WOKEN_"
REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
# The algorithm containers, one folder each (the `woken.algorithms` package).
ALGORITHMS_DIR = Path(__file__).resolve().parent / "algorithms"


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8087
    data_dir: Path = Path("var")
    # Empty means: a SQLite file under data_dir.
    woken_db_url: str = ""
    features_db_url: str = ""
    default_dataset: str = "sample"
    node: str = "local"
    algorithms_dir: Path = ALGORITHMS_DIR
    backend: str = "local"
    max_concurrent_jobs: int = 2
    # How the local backend starts a job's process: "fork" (from a warm fork server with
    # the algorithms' libraries loaded; Python algorithms only, others are exec'd) or "exec".
    local_launcher: str = "fork"
    # Wall-clock limit of one job; an algorithm's manifest may ask for another.
    job_timeout_s: float = 600.0
    # How long a synchronous HTTP request waits before answering 504 (the job goes on).
    request_timeout_s: float = 180.0
    # Job status polling: starts fast (small jobs finish in ~100 ms) and backs off.
    poll_interval_min_s: float = 0.02
    poll_interval_max_s: float = 1.0
    # How long a job may wait for a free slot in the backend before it is given up.
    queue_timeout_s: float = 3600.0
    stderr_tail_chars: int = 2000
    # Experiments: scorer actors started with the service; how many experiments run at
    # once (more are refused with 503, never dropped); the overall limit of one experiment.
    validation_pool_size: int = 2
    max_running_experiments: int = 16
    # Coordinators (one thread each) alive at once; a job request past it gets 503.
    max_active_jobs: int = 512
    experiment_timeout_s: float = 86400.0
    # Job volumes and logs older than this are deleted (those of unfinished jobs never),
    # checked every retention_interval_s.
    retention_s: float = 7 * 86400.0
    retention_interval_s: float = 3600.0
    # Load the bundled data sets into an empty features database at start-up.
    load_sample_data: bool = True
    # HTTP Basic authentication of the mining routes; both empty means no authentication,
    # which is only accepted on a loopback host or in dev_mode.
    auth_user: str = ""
    auth_password: str = ""
    dev_mode: bool = False
    # The Chronos backend (backend = "chronos"; see chronos/ and the README's stacks section).
    chronos_url: str = "http://localhost:4400"
    chronos_api_version: str = "3"  # "3" (/v1/scheduler) or "2.5" (/scheduler)
    chronos_request_timeout_s: float = 10.0
    # Retries of a request that met a connection error or a 5xx, with exponential back-off.
    chronos_retries: int = 3
    chronos_retry_backoff_s: float = 0.2
    # At most one job submission per this interval (Chronos chokes on bursts).
    chronos_submit_interval_s: float = 0.1
    # A submitted job Chronos does not list within this time is lost.
    chronos_unseen_timeout_s: float = 60.0
    # The volume inside the container, and where the agents see Woken's volumes root
    # ('' = the same path; a shared file system or a single host).
    chronos_container_volume: str = "/data"
    chronos_host_volumes_dir: str = ""
    chronos_network: str = "BRIDGE"
    chronos_docker_network: str = ""  # e.g. woken-bridge: `docker run --network` of the jobs
    chronos_force_pull_image: bool = False
    chronos_owner: str = "woken@localhost"
    # Resources of a job whose algorithm manifest names none.
    chronos_cpus: float = 0.5
    chronos_mem: float = 512.0
    chronos_disk: float = 256.0
    # The Mesos agents' work_dir, when readable from Woken: job logs come from its sandboxes.
    chronos_mesos_work_dir: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Absolute, so that a job process (whose working directory is its volume) gets
        # paths that mean the same thing to it.
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())

    @property
    def volumes_dir(self) -> Path:
        return self.data_dir / "volumes"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def woken_db(self) -> str:
        return self.woken_db_url or f"sqlite:///{self.data_dir / 'woken.db'}"

    @property
    def features_db(self) -> str:
        return self.features_db_url or f"sqlite:///{self.data_dir / 'features.db'}"

    def with_overrides(self, **overrides: Any) -> Config:
        given = {k: v for k, v in overrides.items() if v is not None}
        return dataclasses.replace(self, **_coerce_all(given))


def load_config(
    config_file: Path | None = None,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> Config:
    """Build the configuration: defaults < file < environment < explicit overrides."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    config_file = config_file or (
        Path(environ["WOKEN_CONFIG"]) if environ.get("WOKEN_CONFIG") else None
    )
    if config_file is not None:
        try:
            values.update(tomllib.loads(config_file.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigurationError(f"cannot read config file {config_file}: {error}") from error
    known = {f.name for f in fields(Config)}
    for name in known - {"extra"}:
        env_value = environ.get(ENV_PREFIX + name.upper())
        if env_value is not None:
            values[name] = env_value
    values.update({k: v for k, v in overrides.items() if v is not None})
    unknown = set(values) - known
    if unknown:
        raise ConfigurationError(f"unknown configuration keys: {', '.join(sorted(unknown))}")
    return Config(**_coerce_all(values))


def _coerce_all(values: dict[str, Any]) -> dict[str, Any]:
    types = {f.name: f.type for f in fields(Config)}
    return {name: _coerce(name, types[name], value) for name, value in values.items()}


def _coerce(name: str, type_name: Any, value: Any) -> Any:
    """Turn a string from the environment (or a TOML value) into the field's type."""
    try:
        if type_name == "bool":
            if isinstance(value, bool):
                return value
            if str(value).lower() in {"1", "true", "yes", "on"}:
                return True
            if str(value).lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(f"not a boolean: {value!r}")
        if type_name == "int":
            return int(value)
        if type_name == "float":
            return float(value)
        if type_name == "Path":
            return Path(value)
        return value
    except (TypeError, ValueError) as error:
        raise ConfigurationError(f"configuration {name}: {error}") from error
