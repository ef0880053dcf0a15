"""Features databases for the integration tests, on a SQLite file and on the real PostgreSQL.

``features`` is loaded once per back-end for the whole package (the bundled
datasets plus ``flowers``, a small dataset that shares some of iris' variables,
for the multi-dataset cases); tests that write get an empty database of their own
from ``empty_url``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.support.postgres import create_database
from woken.features.bundled.spec import BundledDataset, nominal, real
from woken.features.database import FeaturesDatabase
from woken.features.loading import load_dataset, load_datasets
from woken.features.variables import VariableMeta

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

SPECIES = (("setosa", "Iris setosa"), ("versicolor", "Iris versicolor"),
           ("virginica", "Iris virginica"))


def flowers() -> BundledDataset:
    """Five flowers: ``species`` and ``sepal_length`` as in iris, ``petal_length`` as integer."""
    return BundledDataset(
        code="flowers",
        label="Flowers",
        description="A test dataset that shares variables with iris.",
        variables=(
            nominal("species", "Species", SPECIES),
            real("sepal_length", "Sepal length", "cm"),
            VariableMeta("petal_length", "Petal length", "integer", unit="cm"),
            VariableMeta("colour", "Colour", "text"),
        ),
        columns={
            "species": np.array(["setosa", "virginica", "versicolor", "virginica", "setosa"],
                                dtype=object),
            "sepal_length": np.array([5.0, np.nan, 6.1, 7.0, 4.4]),
            "petal_length": np.array([1, 5, 4, 6, 2], dtype=float),
            "colour": np.array(["white", "blue", "violet", "blue", None], dtype=object),
        },
        target="species",
    )


def _url(backend: str, request: pytest.FixtureRequest, directory: Path, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{directory / 'features.db'}"
    return create_database(request.getfixturevalue("postgres_server"), name)


@pytest.fixture(scope="package", params=BACKENDS)
def loaded_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = _url(request.param, request, tmp_path_factory.mktemp("features"),
               "woken_features_loaded")
    load_datasets(url)
    database = FeaturesDatabase(url)
    load_dataset(database.engine, flowers())
    database.dispose()
    return url


@pytest.fixture(scope="package")
def features(loaded_url: str) -> Iterator[FeaturesDatabase]:
    database = FeaturesDatabase(loaded_url)
    yield database
    database.dispose()


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'features.db'}"
    return str(request.getfixturevalue("postgres_database"))
