"""A metadata file in the platform's variables format, given to ``woken load-data --metadata``.

A JSON list of variables as ``meta_variables`` holds them (contract §2), or the
2019 ``GET /metadata/variables`` answer ``{"variables": [...]}``::

    [{"code": "sex", "label": "Sex", "type": "binominal",
      "enumerations": [{"code": "M", "label": "Male"}, {"code": "F", "label": "Female"}],
      "description": "…", "unit": "", "methodology": ""}, …]

What it says of a column overrides the Table Schema and the inference. The object
form may also describe datasets, as the 2019 configuration did::

    {"variables": [...], "datasets": [{"code": "desd-synthdata", "label": "DESD",
      "description": "Demo dataset DESD", "anonymisationLevel": "Anonymised"}]}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from woken.errors import BadRequest
from woken.features.dataset_meta import DatasetMeta, read_dataset_metas
from woken.features.schema import check_variable
from woken.features.variables import VariableMeta


def read_metadata_file(path: Path) -> dict[str, VariableMeta]:
    """The variables of the file by code; BadRequest naming the file and the entry."""
    document = _document(path)
    entries = (document.get("variables", [] if "datasets" in document else None)
               if isinstance(document, dict) else document)
    if not isinstance(entries, list):
        raise BadRequest(f"{path}: a metadata file is a JSON list of variables")
    variables: dict[str, VariableMeta] = {}
    for position, entry in enumerate(entries):
        variable = _variable(path, position, entry)
        if variable.code in variables:
            raise BadRequest(f"{path}: variable '{variable.code}' is described twice")
        variables[variable.code] = variable
    return variables


def read_metadata_datasets(path: Path) -> dict[str, DatasetMeta]:
    """The datasets the file describes (its ``datasets`` list), by code."""
    document = _document(path)
    return read_dataset_metas(document.get("datasets"), str(path)) if isinstance(
        document, dict) else {}


def _document(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequest(f"{path}: cannot read the metadata file: {error}") from None


def _variable(path: Path, position: int, entry: Any) -> VariableMeta:
    where = f"{path}: variable #{position + 1}"
    if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
        raise BadRequest(f"{where}: an object with a string 'code' is expected")
    where = f"{path}: variable '{entry['code']}'"
    if not isinstance(entry.get("type"), str):
        raise BadRequest(f"{where}: a string 'type' is expected")
    enumerations = entry.get("enumerations") or []
    if not isinstance(enumerations, list) or not all(
        isinstance(e, dict) and "code" in e for e in enumerations
    ):
        raise BadRequest(f"{where}: 'enumerations' is a list of {{code, label}} objects")
    variable = VariableMeta(
        code=entry["code"],
        label=str(entry.get("label") or entry["code"]),
        type=entry["type"],
        enumerations=tuple(
            {"code": str(e["code"]), "label": str(e.get("label", e["code"]))}
            for e in enumerations
        ),
        unit=str(entry.get("unit") or ""),
        description=str(entry.get("description") or ""),
        methodology=str(entry.get("methodology") or ""),
    )
    try:
        check_variable(variable)
    except ValueError as error:
        raise BadRequest(f"{path}: {error}") from None
    return variable
