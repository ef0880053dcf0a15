"""The federation the tests of this folder share (started once: scope "package")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.federation_cluster import Federation, running_federation


@pytest.fixture(scope="package")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    with running_federation(tmp_path_factory.mktemp("federation")) as running:
        yield running
