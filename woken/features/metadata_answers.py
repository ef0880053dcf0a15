"""The answers of `GET /metadata/datasets` and `GET /metadata/variables` (2019 shapes).

The 2019 portal reads `{"datasets": [...]}` (each with its `id`, its `tables`) and
`{"variables": [...]}` (each with `sql_type`, `methodology` and the `datasets` it is
in). Each entry keeps the fields Woken answered before (`code`, `label`,
`description`, `rows`; the variable's metadata as `PARAM_meta` has it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from woken.features.database import Dataset
from woken.features.variables import NOMINAL_TYPES, VariableMeta

# The SQL type of a variable's column, as the 2019 metadata named it.
_SQL_TYPES = {"real": "numeric", "integer": "int", "date": "date", "text": "text"}


def datasets_answer(datasets: Sequence[Dataset]) -> dict[str, Any]:
    return {"datasets": [
        {
            "id": {"code": d.code},
            "code": d.code,
            "label": d.label,
            "description": d.description,
            # None when neither the package nor a metadata file said it: not guessed.
            "anonymisationLevel": d.anonymisation_level,
            "tables": [{"database": "features", "dbSchema": "public", "name": table}
                       for table in (d.tables or (d.table,))],
            "rows": d.row_count,
        }
        for d in datasets
    ]}


def sql_type(meta: VariableMeta) -> str:
    return "varchar" if meta.type in NOMINAL_TYPES else _SQL_TYPES.get(meta.type, "text")


def variables_answer(listing: Sequence[tuple[VariableMeta, Sequence[str]]]) -> dict[str, Any]:
    """Each variable with the datasets that have it (see ``FeaturesDatabase.listing``)."""
    return {"variables": [
        {
            **meta.to_json(),
            "sql_type": sql_type(meta),
            "methodology": meta.methodology,
            "description": meta.description,
            "datasets": [{"code": code} for code in datasets],
        }
        for meta, datasets in listing
    ]}
