"""`woken serve` on the embedded default answers every request file of dev-debug/http/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import woken_server
from woken.config import REPOSITORY_ROOT

# In name order on one server: experiment-async runs before experiment-cancel and
# experiment-status, which act on the newest experiment.
REQUEST_FILES = sorted((REPOSITORY_ROOT / "dev-debug" / "http").glob("*.sh"))


# The 2019-format request files read this package (a table of three hospitals' rows).
MIP_DEMO = REPOSITORY_ROOT / "dev-debug" / "data" / "mip-demo"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("serve") / "var"
    woken = Path(sys.executable).parent / "woken"
    subprocess.run([str(woken), "--data-dir", str(data_dir), "load-data", str(MIP_DEMO)],
                   check=True, capture_output=True, timeout=120)
    with woken_server(data_dir) as running:
        yield running.url


def test_there_are_request_files_for_every_route() -> None:
    names = {path.stem for path in REQUEST_FILES}
    assert {"health", "readiness", "algorithms", "list-methods", "datasets", "variables",
            "job-knn", "job-linear-regression-diabetes", "experiment-iris", "experiment-async",
            "experiments", "experiment-status", "experiment-cancel", "methods",
            "job-2019-target-table", "job-data-2017", "experiment-2019-multisite",
            "jobs-async", "jobs", "jobs-cancel"} <= names


@pytest.mark.parametrize("request_file", REQUEST_FILES, ids=lambda p: p.stem)
def test_request_file_gets_a_correct_answer(server: str, request_file: Path) -> None:
    env = {
        **os.environ,
        "WOKEN_URL": server,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    answer = subprocess.run(
        [str(request_file)], env=env, capture_output=True, text=True, timeout=300,
    )
    assert answer.returncode == 0, answer.stderr + answer.stdout
    body = json.loads(answer.stdout)
    if request_file.stem.startswith("job-"):
        assert body["error"] is None, body["error"]
        assert body["data"]
    if request_file.stem == "experiment-2019-multisite":
        assert [entry["error"] for entry in body["data"]] == [None, None]
        for entry in body["data"]:
            codes = [v["code"] for v in entry["data"]["cells"]["validations"]["init"]]
            assert codes == ["kFoldCrossValidation", "validationDataset"]
    if request_file.stem == "experiment-iris":
        assert [entry["error"] for entry in body["data"]] == [None, None]
        assert [row["rank"] for row in body["leaderboard"]["rows"]] == [1, 2]
    if request_file.stem in {"experiment-status", "experiment-cancel"}:
        assert body["experimentId"] and body["state"]
    if request_file.stem in {"jobs-async", "jobs-cancel"}:
        assert body["jobId"] and body["state"]
    if request_file.stem == "jobs":
        assert body["items"] and body["items"][0]["algorithm"] == "knn"
