"""Woken's configuration: defaults, then a TOML file, then ``WOKEN_*`` environment variables.

Every setting has a default that gives the embedded mode (SQLite files under the
data directory, the local process backend). A TOML file (``--config`` or
``WOKEN_CONFIG``) overrides defaults; an environment variable ``WOKEN_<NAME>``
overrides both, e.g. ``WOKEN_PORT=9000`` or ``WOKEN_WOKEN_DB_URL=postgresql://…``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any, get_type_hints

from woken.config.chronos import ChronosSettings
from woken.config.dask import DaskSettings
from woken.config.federation import FederationSettings
from woken.config.kubernetes import KubernetesSettings
from woken.config.limits import RequestLimits
from woken.errors import ConfigurationError

ENV_PREFIX = "WOKEN_"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
# The algorithm containers, one folder each (the `woken.algorithms` package).
ALGORITHMS_DIR = Path(__file__).resolve().parents[1] / "algorithms"


@dataclass(frozen=True)
class Config:
    """Every setting of Woken, with the defaults of the embedded mode."""

    host: str = "127.0.0.1"
    port: int = 8087
    data_dir: Path = Path("var")
    # Empty means: a SQLite file under data_dir.
    woken_db_url: str = ""
    features_db_url: str = ""
    default_dataset: str = "sample"
    # This instance's name in woken-db (job_result.node, the owner of its leases): several
    # coordinators on one PostgreSQL woken-db need one each.
    node: str = "local"
    algorithms_dir: Path = ALGORITHMS_DIR
    backend: str = "local"
    max_concurrent_jobs: int = 2
    # How the local backend starts a job's process: "fork" (from a warm fork server with
    # the algorithms' libraries loaded; Python algorithms only, others are exec'd) or "exec".
    local_launcher: str = "fork"
    # One job per fold everywhere (train and test of each fold in their own processes),
    # even for algorithms whose manifest offers the batched `cross_validate` command.
    strict_isolation: bool = False
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
    # Folds of one validation running at once (two threads each); the others wait their turn.
    folds_in_flight: int = 4
    # Coordinators (one thread each) alive at once; a job request past it gets 503.
    max_active_jobs: int = 512
    experiment_timeout_s: float = 86400.0
    # Job volumes and logs older than this are deleted (those of unfinished jobs never),
    # checked every retention_interval_s.
    retention_s: float = 7 * 86400.0
    retention_interval_s: float = 3600.0
    # An instance owns its experiments and single jobs through leases it renews every
    # lease_s / 3; another instance adopts them once a lease has expired (its owner died).
    lease_s: float = 60.0
    # Load the bundled data sets into an empty features database at start-up.
    load_sample_data: bool = True
    # HTTP Basic authentication of the mining and metadata routes; both empty means no
    # authentication, which is only accepted on a loopback host or in dev_mode.
    auth_user: str = ""
    auth_password: str = ""
    # With authentication, /metadata/* (variables and data sets, which describe the
    # patients' data) needs it too, unless this opens it.
    metadata_open: bool = False
    dev_mode: bool = False
    # "text" (one readable line per record) or "json" (JSON lines with the experiment and
    # job ids as fields, for a log collector).
    log_format: str = "text"
    # The Chronos backend's settings (backend = "chronos"; see the README's stacks section).
    chronos: ChronosSettings = field(default_factory=ChronosSettings)
    # The Dask backend's settings (backend = "dask", `pip install woken[dask]`).
    dask: DaskSettings = field(default_factory=DaskSettings)
    # The Kubernetes backend's settings (backend = "kubernetes", `pip install woken[kubernetes]`).
    kubernetes: KubernetesSettings = field(default_factory=KubernetesSettings)
    # This node's part in a federation: a site (its token), a central (its sites), or
    # neither (woken.config.federation; the README's federation section).
    federation: FederationSettings = field(default_factory=FederationSettings)
    # What one request may ask for (woken.config.limits): the `[limits]` section.
    limits: RequestLimits = field(default_factory=RequestLimits)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Absolute, so that a job process (whose working directory is its volume) gets
        # paths that mean the same thing to it.
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())
        check_ranges(self)

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
        hints = get_type_hints(Config)
        return dataclasses.replace(
            self, **{name: _coerce(name, hints[name], value) for name, value in given.items()}
        )


def load_config(
    config_file: Path | None = None,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> Config:
    """Build the configuration: defaults < file < environment < explicit overrides.

    A backend's settings are a section: ``[backend.chronos]`` (or ``[chronos]``) in the
    file, ``WOKEN_CHRONOS_<NAME>`` in the environment. In the file, ``[backend]`` may
    also say which backend runs the jobs (``name = "chronos"``), as ``backend = "chronos"`` does.
    """
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    config_file = config_file or (
        Path(environ["WOKEN_CONFIG"]) if environ.get("WOKEN_CONFIG") else None
    )
    if config_file is not None:
        try:
            values.update(_file_values(tomllib.loads(config_file.read_text(encoding="utf-8"))))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigurationError(f"cannot read config file {config_file}: {error}") from error
    for variable, (section, key) in environment_variables().items():
        env_value = environ.get(variable)
        if env_value is None:
            continue
        if section is None:
            values[key] = env_value
        else:
            values.setdefault(section, {})[key] = env_value
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _build(Config, values, "")


def environment_variables() -> dict[str, tuple[str | None, str]]:
    """Every ``WOKEN_*`` variable the configuration reads: its section (None) and setting."""
    names: dict[str, tuple[str | None, str]] = {
        f"{ENV_PREFIX}{name}".upper(): (None, name)
        for name in _settable(Config) if name not in _SECTIONS
    }
    for section, cls in _SECTIONS.items():
        for key in _settable(cls):
            names[f"{ENV_PREFIX}{section}_{key}".upper()] = (section, key)
    return names


def _file_values(document: dict[str, Any]) -> dict[str, Any]:
    """The file's settings, with ``[backend]`` and ``[backend.<name>]`` unfolded."""
    values = dict(document)
    backend = values.get("backend")
    if isinstance(backend, dict):
        backend = dict(backend)
        for name in _SECTIONS:
            if name in backend:
                values[name] = backend.pop(name)
        chosen = backend.pop("name", None)
        if backend:
            raise ConfigurationError(
                f"unknown keys in [backend]: {', '.join(sorted(backend))}"
            )
        if chosen is None:
            del values["backend"]
        else:
            values["backend"] = chosen
    return values


def _settable(cls: type) -> list[str]:
    """The fields a configuration may set (not `extra`, not those derived at start-up)."""
    return [f.name for f in fields(cls)
            if f.name != "extra" and not f.metadata.get("derived")]


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    unknown = set(values) - set(_settable(cls))
    if unknown:
        names = ", ".join(f"{where}{name}" for name in sorted(unknown))
        raise ConfigurationError(f"unknown configuration keys: {names}")
    hints = get_type_hints(cls)
    return cls(**{name: _coerce(f"{where}{name}", hints[name], value)
                  for name, value in values.items()})


def _coerce(name: str, kind: Any, value: Any) -> Any:
    """Turn a string from the environment (or a TOML value) into the field's type."""
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        if isinstance(value, kind):
            return value
        if not isinstance(value, dict):
            raise ConfigurationError(f"configuration {name}: expected a section, got {value!r}")
        return _build(kind, value, f"{name}.")
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            if str(value).lower() in {"1", "true", "yes", "on"}:
                return True
            if str(value).lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(f"not a boolean: {value!r}")
        if kind is int:
            return int(value)
        if kind is float:
            return float(value)
        if kind is Path:
            return Path(value)
        if isinstance(kind, type) and issubclass(kind, Enum):
            return kind(str(value))
        return value
    except (TypeError, ValueError) as error:
        raise ConfigurationError(f"configuration {name}: {error}") from error


# The sections of the configuration: one settings object per backend.
_SECTIONS: dict[str, type] = {
    name: kind for name, kind in get_type_hints(Config).items()
    if isinstance(kind, type) and dataclasses.is_dataclass(kind)
}


@dataclass(frozen=True)
class Bounds:
    """The allowed range of a numeric setting; `low_open` excludes `low` itself."""

    low: float
    high: float | None = None
    low_open: bool = False

    def admits(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return math.isfinite(value) and above and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        if self.high is not None:
            return f"between {self.low:g} and {self.high:g}"
        return f"{'>' if self.low_open else '>='} {self.low:g}"


POSITIVE = Bounds(0, low_open=True)
AT_LEAST_ONE = Bounds(1)
# Settings outside their range are refused at start-up: a negative timeout or a port
# past 65535 would otherwise be accepted and fail later, or never.
BOUNDS: dict[str, Bounds] = {
    "port": Bounds(1, 65535),
    "max_concurrent_jobs": AT_LEAST_ONE,
    "job_timeout_s": POSITIVE,
    "request_timeout_s": POSITIVE,
    "poll_interval_min_s": POSITIVE,
    "poll_interval_max_s": POSITIVE,
    "queue_timeout_s": POSITIVE,
    "stderr_tail_chars": Bounds(0),
    "validation_pool_size": AT_LEAST_ONE,
    "folds_in_flight": AT_LEAST_ONE,
    # 0 admits nothing (every request a 503): a service being drained.
    "max_running_experiments": Bounds(0),
    "max_active_jobs": Bounds(0),
    "experiment_timeout_s": POSITIVE,
    "retention_s": Bounds(0),
    "retention_interval_s": POSITIVE,
    "lease_s": POSITIVE,
}
# job_result.node is a varchar(32) (the original's schema).
MAX_NODE_CHARS = 32


def check_ranges(config: Config) -> None:
    """Raise ConfigurationError naming the first setting outside its allowed range."""
    for name, bounds in BOUNDS.items():
        value = getattr(config, name)
        if not bounds.admits(value):
            raise ConfigurationError(
                f"setting {name} ({ENV_PREFIX}{name.upper()}) must be {bounds}, got {value!r}"
            )
    if not 0 < len(config.node) <= MAX_NODE_CHARS:
        raise ConfigurationError(
            f"setting node ({ENV_PREFIX}NODE) must be 1 to {MAX_NODE_CHARS} characters, "
            f"got {config.node!r}"
        )
