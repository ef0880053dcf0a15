"""The Kubernetes backend's settings: `[backend.kubernetes]` in TOML, `WOKEN_KUBERNETES_*` in env.

Importable without the `kubernetes` client (an extra): the configuration holds them always.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from woken.config.derived import DERIVED


@dataclass(frozen=True)
class KubernetesSettings:
    """Where the API server is, the namespace, the jobs' volume claim, resources and timeouts."""

    # The kubeconfig file to use; '' = the pod's service account when Woken runs in a
    # cluster, else the default kubeconfig (~/.kube/config).
    kubeconfig: str = ""
    # The kubeconfig's context; '' = its current context.
    context: str = ""
    namespace: str = "default"
    # The ReadWriteMany PersistentVolumeClaim holding Woken's volumes root (Woken mounts
    # the same claim); each job mounts its own volume, a sub-path of it.
    volumes_claim: str = "woken-volumes"
    # Where Woken's volumes root is inside the claim ('' = the claim's root).
    claim_volumes_dir: str = ""
    # The job's volume inside its container (JOB_VOLUME says it).
    container_volume: str = "/data"
    image_pull_policy: str = "IfNotPresent"
    # The service account of the jobs' pods ('' = the namespace's default); they get no
    # API token either way: an algorithm has no business with the API server.
    service_account: str = ""
    # Requests and limits of a job whose algorithm manifest names none (CPUs, MiB).
    cpus: float = 0.5
    mem: float = 512.0
    # How long a finished Job stays once Woken has read its logs (ttlSecondsAfterFinished).
    ttl_after_logs_s: int = 300
    # Bounds each request to the API server.
    request_timeout_s: float = 10.0
    # How long one watch request lasts before it is renewed (from where it stopped).
    watch_timeout_s: int = 60
    # At most this much of a job's log is read into Woken.
    log_limit_bytes: int = 1_000_000
    # Woken's node name (the jobs' label: an instance adopts only its own), its own
    # directories and its stderr tail length (from the service's settings).
    node: str = field(default="", metadata=DERIVED)
    logs_dir: Path = field(default=Path("var/logs"), metadata=DERIVED)
    volumes_dir: Path | None = field(default=None, metadata=DERIVED)
    stderr_tail_chars: int = field(default=2000, metadata=DERIVED)
