"""Woken as an operator installs it: the wheel in a fresh virtual environment.

The other tests run on the editable install, which reads every file from the source tree;
this one builds the wheel and the sdist from a copy of the tracked files, installs the
wheel (its dependencies from the package index pip is configured with) into a new virtual
environment without the system's packages, and runs `woken migrate` and `woken serve`
there, outside the source tree, with the README's knn request.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import requests

from tests.support.server import woken_server
from woken import __version__
from woken.config import REPOSITORY_ROOT

BUILD_TIMEOUT_S = 600
KNN_REQUEST = REPOSITORY_ROOT / "dev-debug" / "http" / "job-knn.json"


def _run(*command: str | Path, cwd: Path | None = None) -> str:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=BUILD_TIMEOUT_S)
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _tracked_files() -> list[str]:
    listing = _run("git", "ls-files", "-z", cwd=REPOSITORY_ROOT)
    return [name for name in listing.split("\0")
            if name and (REPOSITORY_ROOT / name).is_file()]


def _package_files(names: list[str]) -> set[str]:
    """What the service is made of: every tracked file under woken/."""
    return {name for name in names if name.startswith("woken/")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel and the sdist, built from a copy of the tracked files (a fresh clone)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    for name in _tracked_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPOSITORY_ROOT / name, source / name)
    dist = root / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", dist, source)
    _run(sys.executable, "-m", "build", "--sdist", "--outdir", dist, source)
    return {"wheel": next(dist.glob("woken-*.whl")), "sdist": next(dist.glob("woken-*.tar.gz")),
            "root": root}


def test_the_wheel_carries_every_file_of_the_package(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as wheel:
        inside = set(wheel.namelist())
    missing = _package_files(_tracked_files()) - inside
    assert not missing, f"not in the wheel: {sorted(missing)}"
    assert "woken/storage/migrations/versions/0001_job_result_and_jobs.py" in inside
    assert "woken/algorithms/knn/algorithm.toml" in inside


def test_the_sdist_carries_every_file_of_the_package(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as sdist:
        inside = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    missing = _package_files(_tracked_files()) - inside
    assert not missing, f"not in the sdist: {sorted(missing)}"


def test_the_docker_image_installs_the_wheel() -> None:
    dockerfile = (REPOSITORY_ROOT / "Dockerfile").read_text()
    assert "pip wheel" in dockerfile and "/wheels/woken-" in dockerfile
    assert "pip install --no-cache-dir -e" not in dockerfile


def test_the_installed_wheel_migrates_serves_and_answers_the_readme_request(
    built: dict[str, Path],
) -> None:
    venv = built["root"] / "venv"
    _run(sys.executable, "-m", "venv", venv)
    bin_dir = venv / "bin"
    # Dependencies from the configured index (and pip's cache): `pip install woken`.
    _run(bin_dir / "pip", "install", "--quiet", built["wheel"])
    woken = bin_dir / "woken"
    site = built["root"] / "site"
    site.mkdir()
    imported = _run(bin_dir / "python", "-c", "import woken; print(woken.__file__)", cwd=site)
    assert imported.strip().startswith(str(venv)), imported
    assert _run(woken, "--version", cwd=site).strip() == f"woken {__version__}"

    _run(woken, "--data-dir", "var", "migrate", cwd=site)
    assert (site / "var" / "woken.db").is_file()
    with woken_server(site / "var", woken=woken) as running:
        answer = requests.post(f"{running.url}/mining/job", timeout=300,
                               data=KNN_REQUEST.read_bytes(),
                               headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["error"] is None, body["error"]
    assert body["algorithm"].lower().startswith("knn") or body["data"], json.dumps(body)[:500]
    assert body["data"]
