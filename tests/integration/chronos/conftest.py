"""A Chronos test double on loopback, and a Chronos backend talking to it with fast retries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.chronos.helpers import IMAGES, settings_for
from tests.support.chronos_double import ChronosDouble
from woken.backends.chronos import ChronosBackend


@pytest.fixture
def double(tmp_path: Path) -> Iterator[ChronosDouble]:
    with ChronosDouble(IMAGES, tmp_path / "mesos") as running:
        yield running


@pytest.fixture
def backend(double: ChronosDouble) -> Iterator[ChronosBackend]:
    chronos = ChronosBackend(settings_for(double))
    yield chronos
    chronos.close()
