"""Woken's experiments on the Kubernetes backend: real algorithm images run by the test kubelet.

One train and one test job per fold (strict isolation): the woken-db job records
say which node ran each job, and every test ran on the node of its train.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from aiohttp.test_utils import TestClient

from tests.integration.api.test_experiments import IRIS_FEATURES, experiment, wait_for_state
from tests.integration.kubernetes.conftest import Kube
from tests.support.kube_nodes import create_namespace, create_volumes_claim
from tests.support.postgres import create_database
from tests.support.woken_app import woken_test_config
from woken.api.app import create_app
from woken.api.keys import SERVICES
from woken.config.kubernetes import KubernetesSettings
from woken.states import TERMINAL_JOB_STATES

_numbers = itertools.count()


async def test_an_experiment_runs_on_kubernetes_with_each_test_on_its_trains_node(
    aiohttp_client, postgres_server: str, tmp_path: Path, kube: Kube
) -> None:
    n = next(_numbers)
    config = woken_test_config(
        tmp_path,
        woken_db_url=create_database(postgres_server, f"kube_woken_{n}"),
        features_db_url=create_database(postgres_server, f"kube_features_{n}"),
    )
    namespace = f"experiment-{n}"
    create_namespace(kube.cluster, namespace)
    config.volumes_dir.mkdir(parents=True, exist_ok=True)
    create_volumes_claim(kube.cluster, namespace, config.volumes_dir)
    config = dataclasses.replace(
        config, backend="kubernetes", strict_isolation=True,
        kubernetes=KubernetesSettings(kubeconfig=str(kube.cluster.kubeconfig),
                                      namespace=namespace),
    )
    client: TestClient = await aiohttp_client(create_app(config))
    response = await client.post("/mining/experiment?async=true", json=experiment(
        "species", IRIS_FEATURES, ["knn", "naiveBayes"], k=2))
    location = response.headers["Location"]
    final = await wait_for_state(client, location, {"completed", "failed"})
    assert final["state"] == "completed", final
    for entry in final["result"]["data"]:
        assert entry["error"] is None, entry
    experiment_id = location.rsplit("/", 1)[1]
    db = client.server.app[SERVICES].woken_db
    jobs = [job for job in db.jobs_in_state(*TERMINAL_JOB_STATES)
            if job.experiment_id == experiment_id]
    hosts = {job.step: job.host for job in jobs}
    assert {job.backend for job in jobs} == {"kubernetes"}
    pairs = [(step, step.replace("train", "test")) for step in hosts if "train" in step]
    assert len(pairs) == 4
    for train, test in pairs:
        assert hosts[train] in kube.kubelet.nodes and hosts[test] == hosts[train], hosts
