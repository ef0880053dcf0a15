"""Older Data Package and Table Schema forms, read and rewritten in today's form.

The MIP's published packages (``sample-data-db-setup``, ``mip-cde-data-db-setup``)
were written for the Table Schema of 2017, which frictionless 5 refuses or ignores:

- ``required`` and ``unique`` on the field, where the spec now puts them under
  ``constraints`` (frictionless refuses the first and silently ignores the second);
- ``missingValues`` on the resource, or ``missingValues``/``fields`` on the
  package, where the spec puts them in the resource's ``schema``;
- a package ``profile: tabular-data-package`` whose resources do not say that
  they are ``tabular-data-resource`` (frictionless refuses the package);
- a resource's ``schema`` given as the path of a JSON file beside the descriptor,
  read here so that the same schema can be normalised once for every resource.

What frictionless itself still rewrites (``url`` for ``path``, ``fmt:`` formats, a
``primaryKey`` string) is left to it. Each rewrite is reported as a warning that
names the resource and the field, so that the operator knows what was read how.

The MIP's own schema properties are kept: ``tableName`` (the table the resource is
loaded into) and ``datasetKey`` (the column that names each row's dataset).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from woken.errors import BadRequest

_FIELD_CONSTRAINTS = ("required", "unique")
_SCHEMA_PROPERTIES = ("missingValues",)


@dataclass
class Normalised:
    """A descriptor in today's form, and what was rewritten to get there."""

    descriptor: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def normalise_package(path: Path) -> Normalised:
    """The package at ``path`` (its ``datapackage.json``) with every older form rewritten."""
    descriptor = _read_json(path, "the package descriptor")
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise BadRequest(f"{path}: a data package descriptor is an object with 'resources'")
    result = Normalised(descriptor)
    package_schema = {name: descriptor.pop(name) for name in ("missingValues", "fields")
                      if name in descriptor}
    tabular = descriptor.get("profile") == "tabular-data-package"
    for position, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict):
            raise BadRequest(f"{path}: resource #{position + 1} is not an object")
        name = str(resource.get("name") or f"#{position + 1}")
        _normalise_resource(path.parent, name, resource, package_schema, tabular, result)
    return result


def normalise_schema(schema: dict[str, Any], resource: str, warnings: list[str]) -> None:
    """Rewrite a Table Schema's older field forms in place, one warning per field."""
    for item in schema.get("fields") or []:
        if not isinstance(item, dict):
            continue
        moved = [name for name in _FIELD_CONSTRAINTS if name in item]
        if not moved:
            continue
        constraints = item.setdefault("constraints", {})
        if not isinstance(constraints, dict):
            raise BadRequest(f"resource '{resource}', field '{item.get('name')}': "
                             "'constraints' is not an object")
        for name in moved:
            constraints.setdefault(name, item.pop(name))
        warnings.append(
            f"resource '{resource}', field '{item.get('name')}': "
            f"{' and '.join(repr(name) for name in moved)} on the field (older Table Schema) "
            f"read as constraints.{' and constraints.'.join(moved)}"
        )


def _normalise_resource(
    folder: Path, name: str, resource: dict[str, Any], package_schema: dict[str, Any],
    tabular: bool, result: Normalised,
) -> None:
    schema = resource.get("schema")
    if isinstance(schema, str) and schema.endswith(".json"):
        schema = _read_json(_inside(folder, schema, name), f"resource '{name}': the schema")
        resource["schema"] = schema
    for key, value in package_schema.items():
        if isinstance(schema, dict):
            schema.setdefault(key, value)
            result.warnings.append(
                f"resource '{name}': the package's '{key}' (older Data Package) "
                f"read as the resource's schema.{key}"
            )
    for key in _SCHEMA_PROPERTIES:
        if key in resource:
            value = resource.pop(key)
            if isinstance(schema, dict):
                schema.setdefault(key, value)
            result.warnings.append(
                f"resource '{name}': '{key}' on the resource (older Data Package) "
                f"read as schema.{key}"
            )
    if tabular and resource.get("profile") != "tabular-data-resource":
        resource["profile"] = "tabular-data-resource"
        result.warnings.append(
            f"resource '{name}': read as a tabular-data-resource, as the package's "
            "profile says"
        )
    if isinstance(schema, dict):
        # A copy per resource: several resources may share one schema file.
        resource["schema"] = schema = json.loads(json.dumps(schema))
        normalise_schema(schema, name, result.warnings)


def _inside(folder: Path, relative: str, resource: str) -> Path:
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise BadRequest(f"resource '{resource}': schema path '{relative}' is outside the "
                         "package's folder")
    return path


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadRequest(f"{path}: {what} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequest(f"{path}: {what} is not readable JSON: {error}") from None
