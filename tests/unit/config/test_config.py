"""Configuration: defaults < file < environment < explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from woken.chronos.model import ApiVersion
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


def test_a_backend_has_its_own_section_in_the_file(tmp_path: Path) -> None:
    file = tmp_path / "woken.toml"
    file.write_text('[backend]\nname = "chronos"\n\n[backend.chronos]\n'
                    'url = "http://chronos:4400"\napi_version = "2.5"\nretries = 5\n')
    config = load_config(file, environ={})
    assert config.backend == "chronos"
    assert config.chronos.url == "http://chronos:4400"
    assert config.chronos.api_version is ApiVersion.V2_5
    assert config.chronos.retries == 5


def test_a_backend_string_and_a_plain_section_work_too(tmp_path: Path) -> None:
    file = tmp_path / "woken.toml"
    file.write_text('backend = "chronos"\n\n[chronos]\nowner = "ops@example.org"\n')
    config = load_config(file, environ={})
    assert (config.backend, config.chronos.owner) == ("chronos", "ops@example.org")


def test_the_environment_sets_a_backend_setting_over_the_file(tmp_path: Path) -> None:
    file = tmp_path / "woken.toml"
    file.write_text('[backend.chronos]\nurl = "http://from-file:4400"\ncpus = 2\n')
    environ = {"WOKEN_CHRONOS_URL": "http://from-env:4400", "WOKEN_CHRONOS_FORCE_PULL_IMAGE": "1"}
    config = load_config(file, environ=environ)
    assert config.chronos.url == "http://from-env:4400"
    assert config.chronos.cpus == 2.0 and config.chronos.force_pull_image is True


@pytest.mark.parametrize(("document", "message"), [
    ('[backend.chronos]\nurll = "x"\n', "chronos.urll"),
    ('[backend.chronos]\napi_version = "4"\n', "chronos.api_version"),
    ('[backend.chronos]\nvolumes_dir = "/elsewhere"\n', "chronos.volumes_dir"),
    ('[backend]\nkind = "local"\n', "kind"),
])
def test_bad_backend_settings_are_refused_with_their_name(
    tmp_path: Path, document: str, message: str
) -> None:
    file = tmp_path / "woken.toml"
    file.write_text(document)
    with pytest.raises(ConfigurationError, match=message):
        load_config(file, environ={})


@pytest.mark.parametrize(("environ", "message"), [
    ({"WOKEN_JOB_TIMEOUT_S": "-5"}, r"job_timeout_s \(WOKEN_JOB_TIMEOUT_S\) must be > 0, got -5"),
    ({"WOKEN_PORT": "99999"}, r"port \(WOKEN_PORT\) must be between 1 and 65535, got 99999"),
    ({"WOKEN_MAX_CONCURRENT_JOBS": "0"}, r"max_concurrent_jobs .* must be >= 1, got 0"),
    ({"WOKEN_LEASE_S": "nan"}, r"lease_s .* must be > 0"),
    ({"WOKEN_NODE": "n" * 33}, r"node \(WOKEN_NODE\) must be 1 to 32 characters"),
])
def test_settings_out_of_range_are_refused_with_name_and_range(
    environ: dict, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_config(environ=environ)


def test_an_override_out_of_range_is_refused_too() -> None:
    with pytest.raises(ConfigurationError, match="port"):
        load_config(environ={}).with_overrides(port=0)
