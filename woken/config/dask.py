"""The Dask backend's settings: `[backend.dask]` in TOML, `WOKEN_DASK_*` in the environment.

Importable without `distributed` (an extra): the configuration holds them always.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from woken.config.derived import DERIVED


@dataclass(frozen=True)
class DaskSettings:
    """The Dask backend's settings: the scheduler, TLS, volumes and timeouts."""

    scheduler_address: str = "tcp://127.0.0.1:8786"
    # Bounds the connection to the scheduler, and each request to it.
    connect_timeout_s: float = 10.0
    # TLS (``tls://`` addresses): the CA, and Woken's client certificate and key (PEM files).
    tls_ca_file: str = ""
    tls_cert_file: str = ""
    tls_key_file: str = ""
    # Where the workers see Woken's volumes root, when they share it: jobs then run in
    # place. '' = each job's files travel with its task, and its outputs come back.
    shared_volumes_dir: str = ""
    monitor_interval_s: float = 0.05
    # Each worker keeps a warm interpreter (a fork server) and forks each job from it
    # (woken.backends.dask_warm); false: each job execs its entrypoint.
    warm_workers: bool = True
    # How often a running task asks whether it was cancelled, and its kill grace period.
    cancel_poll_s: float = 0.25
    kill_grace_s: float = 3.0
    # Woken's own directories and stderr tail length (from the service's settings).
    logs_dir: Path = field(default=Path("var/logs"), metadata=DERIVED)
    volumes_dir: Path | None = field(default=None, metadata=DERIVED)
    stderr_tail_chars: int = field(default=2000, metadata=DERIVED)
