"""The `woken` client commands, run as a user would: subprocesses against a real `woken serve`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import woken_server
from woken.config import REPOSITORY_ROOT

EXPERIMENT = REPOSITORY_ROOT / "dev-debug" / "http" / "experiment-iris.json"
WOKEN = str(Path(sys.executable).parent / "woken")
TIMEOUT_S = 240


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with woken_server(tmp_path_factory.mktemp("client") / "var") as woken:
        yield woken.url


def woken(url: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "WOKEN_URL"}
    if url:
        env["WOKEN_URL"] = url
    return subprocess.run([WOKEN, *args], env=env, capture_output=True, text=True,
                          timeout=TIMEOUT_S)


def test_submit_watch_shows_progress_then_the_leaderboard(server: str, tmp_path: Path) -> None:
    run = woken(server, "submit", str(EXPERIMENT), "--watch")
    assert run.returncode == 0, run.stderr
    # tqdm's bars on stderr: one per algorithm, ending at its one batched job done, with
    # its 3 folds.
    assert re.search(r"knn: 100%.*1/1.*folds 3/3", run.stderr), run.stderr
    assert re.search(r"naiveBayes: 100%.*1/1.*folds 3/3", run.stderr), run.stderr
    out = run.stdout
    experiment_id = re.search(r"^experiment (\S+)$", out, re.M).group(1)
    assert f"{experiment_id}  completed" in out
    assert "leaderboard (Accuracy, higher is better):" in out
    ranks = re.findall(r"^(\d)\s+(knn|naiveBayes)\s+0\.\d{4}", out, re.M)
    assert sorted(rank for rank, _ in ranks) == ["1", "2"], out
    model_id = re.search(r"^model of naiveBayes: (\S+)$", out, re.M).group(1)

    listed = woken(None, "experiments", "--url", server)
    assert listed.returncode == 0 and experiment_id in listed.stdout

    csv = woken(server, "show", experiment_id, "--csv")
    assert csv.returncode == 0
    lines = csv.stdout.splitlines()
    assert lines[0].startswith("rank,index,code,name,metric,mean,std,pooled")
    assert {line.split(",")[2] for line in lines[1:]} == {"knn", "naiveBayes"}

    logs = woken(server, "logs", model_id)
    assert logs.returncode == 0 and "== stdout" in logs.stdout and "== stderr" in logs.stdout

    rows = tmp_path / "rows.csv"
    rows.write_text("sepal_length,sepal_width,petal_length,petal_width\n"
                    "5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n")
    predicted = woken(server, "predict", model_id, str(rows))
    assert predicted.returncode == 0, predicted.stderr
    assert predicted.stdout.splitlines()[0].startswith("prediction,p(")
    assert [line.split(",")[0] for line in predicted.stdout.splitlines()[1:]] == [
        "setosa", "virginica"]


def test_errors_are_one_line_with_exit_codes_a_script_can_use(server: str, tmp_path: Path) -> None:
    missing = woken(server, "show", "no-such-experiment")
    assert missing.returncode == 3
    assert missing.stderr.strip().count("\n") == 0 and "404" in missing.stderr
    bad_rows = tmp_path / "bad.csv"
    bad_rows.write_text("colour\nred\n")
    refused = woken(server, "predict", "no-such-model", str(bad_rows))
    assert refused.returncode == 3
    unreachable = woken("http://127.0.0.1:9", "experiments")
    assert unreachable.returncode == 4
    assert unreachable.stderr.startswith("woken: cannot reach Woken at http://127.0.0.1:9")
