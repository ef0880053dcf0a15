"""The test kubelet as a process beside a `KubeCluster`, and the claim of Woken's volumes."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.support.kube_cluster import KubeCluster, free_port
from woken.backends.job_process import base_environment
from woken.catalogue.registry import Registry
from woken.config import ALGORITHMS_DIR

REPO = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 60.0
# An image the test kubelet knows: it runs the script `job.sh` of its volume with the
# job's command as $1 (the tests write the script they need).
SCRIPT_IMAGE = "woken-test/volume-script:1"
VOLUMES_CLAIM = "woken-volumes"


class TestKubelet:
    """`tests.support.test_kubelet` running as its own process, with its nodes Ready."""

    __test__ = False

    def __init__(self, cluster: KubeCluster, workdir: Path, images: dict[str, Any],
                 nodes: tuple[str, ...] = ("node-a", "node-b")):
        self.cluster = cluster
        self.workdir = workdir
        self.images = {SCRIPT_IMAGE: {"entrypoint": ["/bin/sh", "job.sh"]}, **images}
        self.nodes = nodes
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> TestKubelet:
        self.workdir.mkdir(parents=True, exist_ok=True)
        images = self.workdir / "images.json"
        images.write_text(json.dumps(self.images))
        certs = self.cluster.certs
        with (self.workdir / "kubelet.log").open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.test_kubelet",
                 "--kubeconfig", str(self.cluster.kubeconfig), "--nodes", ",".join(self.nodes),
                 "--images", str(images), "--port", str(free_port()),
                 "--cert", str(certs / "server.crt"), "--key", str(certs / "server.key"),
                 "--workdir", str(self.workdir)],
                cwd=REPO, stdout=subprocess.PIPE, stderr=log, start_new_session=True,
            )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], READY_TIMEOUT_S)
        line = self.process.stdout.readline() if ready else b""
        if line.strip() != b"ready":
            self.__exit__()
            log = (self.workdir / "kubelet.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the test kubelet did not start: {line!r}\n{log}")
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None


def create_volumes_claim(cluster: KubeCluster, namespace: str, host_dir: Path,
                         name: str = VOLUMES_CLAIM) -> None:
    """A hostPath PersistentVolume holding `host_dir`, and a claim bound to it."""
    volume = f"{namespace}-{name}"
    with cluster.session() as session:
        answer = session.post(f"{cluster.url}/api/v1/persistentvolumes", json={
            "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": volume},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteMany"],
                     "hostPath": {"path": str(host_dir)}, "storageClassName": "",
                     "claimRef": {"namespace": namespace, "name": name}},
        }, timeout=10)
        assert answer.status_code == 201, answer.text
        answer = session.post(
            f"{cluster.url}/api/v1/namespaces/{namespace}/persistentvolumeclaims", json={
                "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": {"name": name},
                "spec": {"accessModes": ["ReadWriteMany"], "storageClassName": "",
                         "volumeName": volume, "resources": {"requests": {"storage": "1Gi"}}},
            }, timeout=10)
        assert answer.status_code == 201, answer.text
        # The persistentvolume-binder controller marks it bound.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            claim = session.get(f"{cluster.url}/api/v1/namespaces/{namespace}/"
                                f"persistentvolumeclaims/{name}", timeout=10).json()
            if claim.get("status", {}).get("phase") == "Bound":
                return
            time.sleep(0.2)
        raise AssertionError(f"claim {name} was not bound in time: {claim}")


def create_namespace(cluster: KubeCluster, name: str) -> None:
    with cluster.session() as session:
        answer = session.post(f"{cluster.url}/api/v1/namespaces",
                              json={"metadata": {"name": name}}, timeout=10)
        assert answer.status_code == 201, answer.text


def algorithm_images() -> dict[str, Any]:
    """What the test kubelet runs for each bundled algorithm's image: its entrypoint, with
    the environment of a job process (this Python first on PATH), as the image would."""
    registry = Registry.load(ALGORITHMS_DIR)
    specs = [registry.get(code) for code in registry.codes()]
    return {spec.docker_image: {"entrypoint": [str(spec.entrypoint)], "env": base_environment()}
            for spec in specs}
