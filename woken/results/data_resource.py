"""The `data` pseudo-algorithm's answer: the selected rows as a tabular data resource.

Its shape is `tabular_data_resource_json` (`application/vnd.dataresource+json`), so the
answer is one: `{name, profile, data, schema}`, each row a record keyed by the
variable's code, the schema typed from the variables' metadata (Table Schema types;
a nominal variable's categories as its `enum` constraint), as 2019's data resources
(summary statistics, hinmine) are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from woken.features import VariableMeta

# Table Schema's type of each metadata type; a type not listed is read as a string.
_TABLE_SCHEMA_TYPES = {"real": "number", "integer": "integer", "date": "date"}


def data_resource(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], variables: Sequence[VariableMeta],
) -> dict[str, Any]:
    """`rows` (in `columns`' order) as a tabular data resource typed by `variables`."""
    described = {variable.code: variable for variable in variables}
    return {
        "name": "data",
        "profile": "tabular-data-resource",
        "data": [dict(zip(columns, row, strict=True)) for row in rows],
        "schema": {"fields": [_field(code, described.get(code)) for code in columns]},
    }


def _field(code: str, variable: VariableMeta | None) -> dict[str, Any]:
    if variable is None:  # a column Woken adds itself (the dataset a row comes from)
        return {"name": code, "type": "string"}
    field: dict[str, Any] = {
        "name": code,
        "title": variable.label,
        "type": _TABLE_SCHEMA_TYPES.get(variable.type, "string"),
    }
    if variable.is_nominal and variable.enumerations:
        field["constraints"] = {"enum": [e["code"] for e in variable.enumerations]}
    return field
