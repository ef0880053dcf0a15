"""Manifests: a mistake is found at start-up, with the file it is in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from woken.catalogue.registry import Registry, parse_manifest
from woken.config import ALGORITHMS_DIR
from woken.errors import BadRequest, ConfigurationError


def copy_of_knn(tmp_path: Path) -> Path:
    folder = tmp_path / "knn"
    shutil.copytree(ALGORITHMS_DIR / "knn", folder)
    return folder / "algorithm.toml"


def test_every_bundled_manifest_loads() -> None:
    assert "knn" in Registry.load(ALGORITHMS_DIR).codes()


@pytest.mark.parametrize(("old", "new", "reason"), [
    ('docker_image = "', 'docker_image = "Woken/KNN:', "not a Docker image reference"),
    ('code = "knn"', 'code = "other"', "folder's name"),
    ('type = "predictive_model"', 'type = "magic"', "type must be one of"),
])
def test_a_bad_manifest_is_refused_naming_its_file(
    tmp_path: Path, old: str, new: str, reason: str
) -> None:
    manifest = copy_of_knn(tmp_path)
    text = manifest.read_text()
    assert old in text
    manifest.write_text(text.replace(old, new, 1))
    with pytest.raises(ConfigurationError, match=reason) as refused:
        parse_manifest(manifest)
    assert str(manifest) in str(refused.value)


def test_a_string_parameter_is_checked_against_its_pattern() -> None:
    layers = next(p for p in Registry.load(ALGORITHMS_DIR).get("sgdNeuralNetwork").parameters
                  if p.code == "hidden_layer_sizes")
    assert layers.check(" 64, 32 ") == "64, 32"
    with pytest.raises(BadRequest, match="'hidden_layer_sizes' must match"):
        layers.check("64,x")
    assert layers.to_json()["pattern"] == layers.pattern


@pytest.mark.parametrize(("parameter", "reason"), [
    ('code = "k"\nlabel = "k"\ntype = "int"\npattern = "[0-9]+"', "only a string parameter"),
    ('code = "s"\nlabel = "s"\ntype = "string"\npattern = "(["', "bad pattern"),
])
def test_a_bad_pattern_is_refused_naming_its_file(
    tmp_path: Path, parameter: str, reason: str
) -> None:
    manifest = copy_of_knn(tmp_path)
    manifest.write_text(manifest.read_text() + f"\n[[parameters]]\n{parameter}\n")
    with pytest.raises(ConfigurationError, match=reason):
        parse_manifest(manifest)


def test_a_2019_request_gets_2019_defaults_where_they_differ() -> None:
    registry = Registry.load(ALGORITHMS_DIR)
    histograms = registry.get("histograms")
    assert histograms.resolve_parameters([]) == {"bins": "10"}
    assert histograms.resolve_parameters([], dialect_2019=True) == {"bins": "20"}
    # A value the request gives is its own, in either dialect.
    given = [{"code": "bins", "value": "7"}]
    assert histograms.resolve_parameters(given, dialect_2019=True) == {"bins": "7"}
    # Without a 2019 default, a 2019 request gets the same default.
    knn = registry.get("knn")
    assert knn.resolve_parameters([], dialect_2019=True) == knn.resolve_parameters([])
