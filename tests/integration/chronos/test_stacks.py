"""The three compose stacks: the Compose specification accepts them, and they say what they
should.

`tests/support/compose.py` does what `docker-compose config` did, with no binary:
it interpolates the variables, validates each file against the Compose
specification's JSON schema and makes the paths absolute. The checks below then
read its output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.support.compose import ComposeError, compose_config
from woken.config import ALGORITHMS_DIR, REPOSITORY_ROOT, environment_variables

STACKS = {
    "root": REPOSITORY_ROOT / "docker-compose.yml",
    "dev-debug": REPOSITORY_ROOT / "dev-debug" / "docker-compose.yml",
    "dev-test": REPOSITORY_ROOT / "dev-test" / "docker-compose.yml",
}
CLUSTER = {"db", "zookeeper", "mesos-master", "mesos-agent", "chronos"}
SECRETS = {"WOKEN_DB_PASSWORD": "s3cret", "WOKEN_AUTH_USER": "portal",
           "WOKEN_AUTH_PASSWORD": "portal-s3cret"}
# A pinned reference: an explicit tag other than `latest`, or a digest.
PINNED = re.compile(r"[^:@\s]+(:(?!latest$)[\w][\w.-]*|@sha256:[0-9a-f]{64})")


@pytest.fixture(scope="module", params=sorted(STACKS))
def stack(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    return request.param, compose_config(STACKS[request.param], SECRETS)


def test_compose_config_accepts_the_stack_with_the_expected_services(stack) -> None:
    name, config = stack
    expected = CLUSTER if name == "dev-debug" else CLUSTER | {"woken"}
    assert set(config["services"]) == expected


def test_every_image_is_pinned(stack) -> None:
    _, config = stack
    for service, definition in config["services"].items():
        image = definition.get("image", "")
        assert PINNED.fullmatch(image), f"{service}: image {image!r} is not pinned"
    assert config["services"]["chronos"]["image"] == "mesosphere/chronos:v3.0.2"


def test_every_service_is_on_the_woken_bridge_network(stack) -> None:
    _, config = stack
    assert config["networks"]["woken-bridge"]["name"] == "woken-bridge"
    assert config["networks"]["woken-bridge"].get("driver", "bridge") == "bridge"
    for service, definition in config["services"].items():
        assert "woken-bridge" in definition["networks"], service


def published(definition: dict[str, Any]) -> set[int]:
    """Host ports, from the long form or the short one (`127.0.0.1:8087:8087/tcp`)."""
    ports = set()
    for port in definition.get("ports", []):
        if isinstance(port, dict):
            ports.add(int(port["published"]))
        else:
            ports.add(int(str(port).split("/")[0].split(":")[-2]))
    return ports


def bind_mounts(definition: dict[str, Any]) -> dict[str, str]:
    """Host path → container path, from the long form or the short one (`/a:/b:rw`)."""
    mounts = {}
    for volume in definition.get("volumes", []):
        if isinstance(volume, dict):
            if volume["type"] == "bind":
                mounts[volume["source"]] = volume["target"]
        else:
            source, target = str(volume).split(":")[:2]
            mounts[source] = target
    return mounts


def test_ports_are_the_original_ones(stack) -> None:
    name, config = stack
    services = config["services"]
    assert 4400 in published(services["chronos"])
    if name != "dev-debug":
        assert 8087 in published(services["woken"])


def test_woken_runs_on_chronos_with_settings_that_exist(stack) -> None:
    name, config = stack
    if name == "dev-debug":
        return
    woken = config["services"]["woken"]
    environment = woken["environment"]
    assert environment["WOKEN_BACKEND"] == "chronos"
    assert environment["WOKEN_CHRONOS_URL"] == "http://chronos:4400"
    # Every variable is one the configuration reads (WOKEN_<SECTION>_<NAME> for a section).
    settings = set(environment_variables()) | {"WOKEN_CONFIG"}
    assert set(environment) <= settings, set(environment) - settings
    assert woken["build"]["context"] == str(REPOSITORY_ROOT)
    # Volumes: one path for Woken, the agent and the host (the agent's Docker is the host's).
    data_dir = environment["WOKEN_DATA_DIR"]
    for service in ("woken", "mesos-agent"):
        mounts = bind_mounts(config["services"][service])
        assert mounts.get(data_dir) == data_dir, (service, mounts)


def test_the_production_stack_has_no_default_secrets() -> None:
    with pytest.raises(ComposeError, match="WOKEN_DB_PASSWORD"):
        compose_config(STACKS["root"], {})


def test_the_dev_stacks_interpolate_their_defaults_and_the_given_secrets() -> None:
    dev = compose_config(STACKS["dev-test"], {})
    assert dev["services"]["db"]["environment"]["POSTGRES_PASSWORD"] == "woken-dev"
    root = compose_config(STACKS["root"], SECRETS)
    assert root["services"]["woken"]["environment"]["WOKEN_WOKEN_DB_URL"] == (
        "postgresql://woken:s3cret@db/woken"
    )


def test_a_file_outside_the_compose_specification_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "docker-compose.yml"
    wrong.write_text("services:\n  web:\n    image: nginx:1.27\n    ports: 8080\n")
    with pytest.raises(ComposeError, match="ports"):
        compose_config(wrong, {})
    undefined = tmp_path / "networks.yml"
    undefined.write_text("services:\n  web:\n    image: nginx:1.27\n    networks: [nowhere]\n")
    with pytest.raises(ComposeError, match="undefined network nowhere"):
        compose_config(undefined, {})


def test_the_stack_scripts_are_executable_shell() -> None:
    for script in (REPOSITORY_ROOT / "dev-debug" / "run.sh",
                   REPOSITORY_ROOT / "dev-debug" / "build-images.sh",
                   REPOSITORY_ROOT / "dev-test" / "run.sh",
                   REPOSITORY_ROOT / "dev-test" / "http" / "run-all.sh"):
        assert os.access(script, os.X_OK), script
        checked = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
        assert checked.returncode == 0, (script, checked.stderr)


def test_the_image_build_covers_every_algorithm_base_first() -> None:
    done = subprocess.run(
        [sys.executable, str(REPOSITORY_ROOT / "dev-debug" / "build_images.py"), "--dry-run"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    tags = re.findall(r" -t (\S+) \.$", done.stdout, re.MULTILINE)
    manifests = sorted((ALGORITHMS_DIR).glob("*/algorithm.toml"))
    images = {tomllib.loads(m.read_text())["docker_image"] for m in manifests}
    assert tags[0] == "woken/algorithm-base:0.1.0"
    assert images <= set(tags[1:])
    assert tags[-1] == "woken:0.1.0"
    assert all(PINNED.fullmatch(tag) for tag in tags)
