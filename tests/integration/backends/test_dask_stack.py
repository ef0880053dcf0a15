"""The Dask compose stack says what it should (docker-compose cannot run on these machines)."""

from __future__ import annotations

import yaml

from tests.integration.chronos.test_stacks import PINNED
from woken.config import REPOSITORY_ROOT, environment_variables

STACK = REPOSITORY_ROOT / "docker-compose.dask.yml"


def test_the_dask_stack_runs_woken_on_a_scheduler_with_two_workers() -> None:
    services = yaml.safe_load(STACK.read_text())["services"]
    assert set(services) == {"db", "scheduler", "worker-1", "worker-2", "woken"}
    for name, service in services.items():
        assert PINNED.fullmatch(service["image"]), name
        assert "woken-bridge" in service["networks"], name
    assert services["scheduler"]["build"]["args"]["EXTRAS"] == "[dask]"
    for worker in ("worker-1", "worker-2"):
        command = services[worker]["command"]
        assert command[0] == "tcp://scheduler:8786" and "--nthreads" in command
        assert services[worker]["image"] == services["scheduler"]["image"]
    environment = services["woken"]["environment"]
    assert environment["WOKEN_BACKEND"] == "dask"
    assert environment["WOKEN_DASK_SCHEDULER_ADDRESS"] == "tcp://scheduler:8786"
    # Every variable is one the configuration reads (WOKEN_<SECTION>_<NAME> for a section).
    settings = set(environment_variables()) | {"WOKEN_CONFIG"}
    assert set(environment) <= settings, set(environment) - settings
