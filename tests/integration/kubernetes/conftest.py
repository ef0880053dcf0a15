"""A real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager) and the
test kubelet, shared by the Kubernetes tests; Woken's volumes are a bound claim."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.kube_cluster import KubeCluster
from tests.support.kube_nodes import TestKubelet, algorithm_images, create_volumes_claim


@dataclass
class Kube:
    cluster: KubeCluster
    kubelet: TestKubelet
    volumes_dir: Path


@pytest.fixture(scope="session")
def kube(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kube]:
    root = Path(tmp_path_factory.mktemp("kube"))
    volumes = root / "volumes"
    volumes.mkdir()
    with KubeCluster(root / "cluster") as cluster:
        create_volumes_claim(cluster, "default", volumes)
        with TestKubelet(cluster, root / "kubelet", images=algorithm_images()) as kubelet:
            yield Kube(cluster, kubelet, volumes)
