"""`docker-compose config` without the binary: interpolate, validate, normalise.

The stack tests need what `docker-compose config` gave them: the file with its
variables interpolated (`${VAR}`, `${VAR:-default}`, `${VAR-default}`,
`${VAR:?message}`, `${VAR?message}`, `$VAR`, `$$`), checked against the Compose
specification's JSON schema, and the paths made absolute. The schema,
`compose_spec.json` beside this file, is the Compose specification's own
(github.com/compose-spec, Apache-2.0) as the `docker-compose` 1.29.2 distribution on
PyPI ships it (`compose/config/compose_spec.json`): the version Debian's
`docker-compose` package used to check these files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA = json.loads((Path(__file__).parent / "compose_spec.json").read_text())

# $$, ${NAME<op>argument} or $NAME, as compose reads them.
_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


class ComposeError(Exception):
    """The file is not a valid Compose file, or a required variable is not set."""


def compose_config(path: Path, environment: dict[str, str]) -> dict[str, Any]:
    """The stack at `path` as `docker-compose config` resolves it with `environment`."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    resolved = interpolate(document, environment)
    errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(resolved), key=str)
    if errors:
        where = "/".join(str(part) for part in errors[0].absolute_path)
        raise ComposeError(f"{path}: {where}: {errors[0].message}")
    check_references(resolved)
    return normalise(resolved, path.parent)


def interpolate(value: Any, environment: dict[str, str]) -> Any:
    """Every string value with its variables replaced (keys are not interpolated)."""
    if isinstance(value, dict):
        return {key: interpolate(item, environment) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environment) for item in value]
    if isinstance(value, str):
        return _VARIABLE.sub(lambda match: _substitute(match, environment), value)
    return value


def _substitute(match: re.Match[str], environment: dict[str, str]) -> str:
    if match["escaped"]:
        return "$"
    name = match["braced"] or match["named"]
    value, op, argument = environment.get(name), match["op"], match["arg"] or ""
    # With a colon, an empty value counts as unset.
    unset = value is None or (op is not None and op.startswith(":") and value == "")
    if op and op.endswith("-"):
        return argument if unset else str(value)
    if op and op.endswith("?"):
        if unset:
            raise ComposeError(f"required variable {name} is missing a value: {argument}")
        return str(value)
    return "" if value is None else value


def check_references(config: dict[str, Any]) -> None:
    """What the schema cannot say: the networks and services a service names exist."""
    services = config.get("services", {})
    networks = set(config.get("networks") or {}) | {"default"}
    for name, service in services.items():
        for network in service.get("networks", []):
            if network not in networks:
                raise ComposeError(f"service {name} uses an undefined network {network}")
        for dependency in service.get("depends_on", []):
            if dependency not in services:
                raise ComposeError(f"service {name} depends on an undefined service {dependency}")


def normalise(config: dict[str, Any], project_dir: Path) -> dict[str, Any]:
    """Relative paths made absolute (build contexts, bind mounts), as `config` prints them."""
    for service in config.get("services", {}).values():
        build = service.get("build")
        if isinstance(build, str):
            build = service["build"] = {"context": build}
        if isinstance(build, dict):
            build["context"] = str((project_dir / build["context"]).resolve())
        volumes = []
        for volume in service.get("volumes", []):
            if isinstance(volume, str) and volume.startswith("."):
                source, rest = volume.split(":", 1)
                volume = f"{(project_dir / source).resolve()}:{rest}"
            volumes.append(volume)
        if volumes:
            service["volumes"] = volumes
    return config
