"""A site whose backend is Dask runs its local steps on the Dask workers, as its other jobs.

Nothing in the federation code knows the backend: the step is a `federatedStep` job,
submitted to whatever backend the site's configuration names.
"""

from __future__ import annotations

from pathlib import Path

import requests

from tests.support.dask_cluster import DaskCluster
from tests.support.federation_cluster import TIMEOUT_S, load_hospital, site_env
from tests.support.federation_data import ROWS_BY_SITE, close, column, design
from tests.support.server import woken_server


def test_a_site_on_the_dask_backend_computes_its_step_on_a_worker(
        dask_cluster: DaskCluster, tmp_path: Path) -> None:
    token = "token-of-a-dask-site"
    env = {**site_env(token), "WOKEN_BACKEND": "dask",
           "WOKEN_DASK_SCHEDULER_ADDRESS": dask_cluster.address}
    with woken_server(load_hospital(tmp_path, "hospital_a"), env) as site:
        body = {"step": "linearRegression.fit", "datasets": ["hospital_a"],
                "params": {"variables": ["y"], "covariables": ["x1", "group"]}}
        answer = requests.post(f"{site.url}/federation/step", json=body, timeout=TIMEOUT_S,
                               headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        step = answer.json()
        rows = ROWS_BY_SITE["hospital_a"]
        x, y = design(rows, ["x1", "group"]), column(rows, "y")
        assert close(step["aggregates"]["xtx"], x.T @ x)
        assert close(step["aggregates"]["xty"], x.T @ y)
        job = requests.get(f"{site.url}/mining/jobs/{step['job']['id']}",
                           timeout=TIMEOUT_S).json()
        assert job["algorithm"] == "federatedStep" and job["state"] == "succeeded"
        assert job["host"] in dask_cluster.worker_addresses()
        assert step["job"]["pid"] != site.process.pid
        assert step["rows"] == len(rows)
