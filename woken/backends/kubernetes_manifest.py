"""The batch/v1 Job of one Woken job, as a plain manifest (no client needed to build it).

- name ``woken-<job id>`` (made a DNS label when the id is not one): a second
  creation of the same job is refused with 409, which is how a restarted Woken
  finds and adopts the Job instead of running it again;
- labels: managed by Woken, Woken's node, the job (``woken.io/job``), the algorithm;
  the exact job id in an annotation; the pod template carries the same labels;
- one container: the algorithm's image, ``args: [command]`` (the image's entrypoint
  runs, as with Docker and Chronos), the job's environment, ``JOB_VOLUME`` set to
  the container's volume path;
- the volume: a sub-path of the volumes claim, the job's own directory (see
  `KubernetesSettings.volumes_claim`; the docs say why a claim rather than files
  carried in the pod);
- the manifest's resources (``cpus``, ``mem`` in MiB) as requests and equal limits;
- ``backoffLimit: 0`` (a failed job is Woken's to report, not Kubernetes' to retry),
  ``restartPolicy: Never``, ``activeDeadlineSeconds`` the job's timeout, and no
  ``ttlSecondsAfterFinished`` (set once Woken has read the logs);
- a pinned job (the test of a train/test pair) gets a ``nodeSelector`` on the
  train pod's node (``kubernetes.io/hostname``).
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path
from typing import Any

from woken.backends.base import JobSpec
from woken.config.kubernetes import KubernetesSettings
from woken.errors import BackendError

MANAGED_BY = "app.kubernetes.io/managed-by"
MANAGER = "woken"
JOB_LABEL = "woken.io/job"
NODE_LABEL = "woken.io/node"
ALGORITHM_LABEL = "woken.io/algorithm"
JOB_ID_ANNOTATION = "woken.io/job-id"
HOSTNAME_LABEL = "kubernetes.io/hostname"
CONTAINER = "job"
VOLUME = "volume"

# Job names become pod names (+ 6 characters) and the pods' job-name label (63 at most).
_MAX_NAME = 52
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_LABEL_VALUE = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")


def job_name(job_id: str) -> str:
    """The Job's name: ``woken-<job id>``, a DNS label, distinct for distinct ids."""
    slug = re.sub(r"[^a-z0-9-]+", "-", job_id.lower()).strip("-")
    name = f"woken-{slug}" if slug else "woken"
    if name[6:] != job_id or len(name) > _MAX_NAME:
        digest = hashlib.sha256(job_id.encode()).hexdigest()[:8]
        name = f"{name[:_MAX_NAME - 9].rstrip('-')}-{digest}"
    assert _DNS_LABEL.fullmatch(name), name
    return name


def label_value(text: str) -> str:
    """``text`` as a label value (63 characters of a restricted alphabet), or its digest."""
    if len(text) <= 63 and _LABEL_VALUE.fullmatch(text):
        return text
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def job_selector(job_id: str) -> str:
    return f"{JOB_LABEL}={job_name(job_id)}"


def node_selector(node: str) -> str:
    """The label selector of every Job this Woken node started."""
    return f"{MANAGED_BY}={MANAGER},{NODE_LABEL}={label_value(node or 'woken')}"


def quantity_cpu(cpus: float) -> str:
    return f"{max(1, math.ceil(cpus * 1000))}m"


def quantity_memory(mib: float) -> str:
    return f"{max(1, math.ceil(mib))}Mi"


def job_manifest(spec: JobSpec, settings: KubernetesSettings) -> dict[str, Any]:
    """The batch/v1 Job that runs ``spec``."""
    name = job_name(spec.job_id)
    labels = {
        MANAGED_BY: MANAGER,
        NODE_LABEL: label_value(settings.node or "woken"),
        JOB_LABEL: name,
        ALGORITHM_LABEL: label_value(spec.algorithm),
    }
    environment = {**spec.environment, "JOB_VOLUME": settings.container_volume}
    cpus = float(spec.resources.get("cpus", settings.cpus))
    mem = float(spec.resources.get("mem", settings.mem))
    amounts = {"cpu": quantity_cpu(cpus), "memory": quantity_memory(mem)}
    pod: dict[str, Any] = {
        "restartPolicy": "Never",
        "automountServiceAccountToken": False,
        "containers": [{
            "name": CONTAINER,
            "image": spec.docker_image,
            "imagePullPolicy": settings.image_pull_policy,
            "args": [spec.command],
            "env": [{"name": k, "value": v} for k, v in sorted(environment.items())],
            "workingDir": settings.container_volume,
            "resources": {"requests": amounts, "limits": dict(amounts)},
            "volumeMounts": [{"name": VOLUME, "mountPath": settings.container_volume,
                              "subPath": claim_sub_path(spec.volume, settings)}],
        }],
        "volumes": [{"name": VOLUME,
                     "persistentVolumeClaim": {"claimName": settings.volumes_claim}}],
    }
    if settings.service_account:
        pod["serviceAccountName"] = settings.service_account
    if spec.pin_to_host:
        pod["nodeSelector"] = {HOSTNAME_LABEL: spec.pin_to_host}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {JOB_ID_ANNOTATION: spec.job_id},
        },
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": max(1, math.ceil(spec.timeout_s)),
            "template": {"metadata": {"labels": labels}, "spec": pod},
        },
    }


def claim_sub_path(volume: Path, settings: KubernetesSettings) -> str:
    """The job's volume as a path inside the volumes claim."""
    root = settings.volumes_dir
    if root is None:
        raise BackendError("the kubernetes backend needs Woken's volumes directory")
    try:
        relative = volume.resolve().relative_to(Path(root).resolve())
    except ValueError:
        raise BackendError(f"volume {volume} is not under {root}") from None
    return str(Path(settings.claim_volumes_dir) / relative).lstrip("/")
