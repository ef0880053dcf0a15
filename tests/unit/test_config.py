"""Configuration: defaults < file < environment < explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from woken.config import load_config
from woken.errors import ConfigurationError


def test_defaults_are_the_embedded_mode(tmp_path: Path) -> None:
    config = load_config(environ={}, data_dir=tmp_path)
    assert config.port == 8087 and config.backend == "local"
    assert config.woken_db == f"sqlite:///{tmp_path / 'woken.db'}"
    assert config.volumes_dir == tmp_path / "volumes"


def test_file_then_environment_then_overrides(tmp_path: Path) -> None:
    file = tmp_path / "woken.toml"
    file.write_text('port = 9000\nnode = "file-node"\nmax_concurrent_jobs = 3\n')
    environ = {"WOKEN_CONFIG": str(file), "WOKEN_NODE": "env-node", "WOKEN_DEV_MODE": "yes"}
    config = load_config(environ=environ, max_concurrent_jobs=5)
    assert (config.port, config.node, config.max_concurrent_jobs) == (9000, "env-node", 5)
    assert config.dev_mode is True


def test_a_relative_data_dir_becomes_absolute() -> None:
    assert load_config(environ={"WOKEN_DATA_DIR": "var"}).data_dir.is_absolute()


@pytest.mark.parametrize(("environ", "message"), [
    ({"WOKEN_PORT": "eighty"}, "port"),
    ({"WOKEN_DEV_MODE": "perhaps"}, "dev_mode"),
])
def test_bad_values_are_refused_with_their_name(environ: dict, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_config(environ=environ)


def test_unknown_keys_in_the_file_are_refused(tmp_path: Path) -> None:
    file = tmp_path / "woken.toml"
    file.write_text("prot = 1\n")
    with pytest.raises(ConfigurationError, match="prot"):
        load_config(file, environ={})
