"""The Chronos backend's settings: `[backend.chronos]` in TOML, `WOKEN_CHRONOS_*` in the env."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from woken.config.derived import DERIVED


class ApiVersion(StrEnum):
    """The Chronos REST API spoken: 3.x (`/v1/scheduler`) or 2.5 (`/scheduler`)."""

    V3 = "3"
    V2_5 = "2.5"

    @property
    def prefix(self) -> str:
        return "/v1/scheduler" if self is ApiVersion.V3 else "/scheduler"

    @property
    def name_pattern(self) -> re.Pattern[str]:
        return NAME_PATTERNS[self]


# Chronos 3.x accepts `[\w.-]+` only; 2.5 accepted `[\w\s#_-]+` (no dot). Woken's own names
# keep to the intersection (letters, digits, `_` and `-`) so they are valid for both.
NAME_PATTERNS = {
    ApiVersion.V3: re.compile(r"[\w.-]+", re.ASCII),
    ApiVersion.V2_5: re.compile(r"[\w\s#-]+", re.ASCII),
}



@dataclass(frozen=True)
class ChronosSettings:
    """The Chronos backend's settings: where Chronos is, retries, timeouts, the jobs' resources."""

    url: str = "http://localhost:4400"
    # "3" (/v1/scheduler) or "2.5" (/scheduler).
    api_version: ApiVersion = ApiVersion.V3
    request_timeout_s: float = 10.0
    # Retries of a request that met a connection error or a 5xx, with exponential back-off.
    retries: int = 3
    retry_backoff_s: float = 0.2
    # At most one job submission per this interval (Chronos chokes on bursts).
    submit_interval_s: float = 0.1
    # A submitted job Chronos does not list within this time is lost.
    unseen_timeout_s: float = 60.0
    # The volume inside the container, and where the agents see Woken's volumes root
    # ('' = the same path; a shared file system or a single host).
    container_volume: str = "/data"
    host_volumes_dir: str = ""
    network: str = "BRIDGE"
    # e.g. woken-bridge: `docker run --network` of the jobs.
    docker_network: str = ""
    force_pull_image: bool = False
    owner: str = "woken@localhost"
    # Resources of a job whose algorithm manifest names none.
    cpus: float = 0.5
    mem: float = 512.0
    disk: float = 256.0
    # The Mesos agents' work_dir, when readable from Woken: job logs come from its sandboxes.
    mesos_work_dir: str = ""
    # Status answers are reused this long: the coordinator polls fast at first, Chronos need not.
    status_min_interval_s: float = 0.1
    # Woken's volumes root and stderr tail length (from the service's settings).
    volumes_dir: Path | None = field(default=None, metadata=DERIVED)
    stderr_tail_chars: int = field(default=2000, metadata=DERIVED)
