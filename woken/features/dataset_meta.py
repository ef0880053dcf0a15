"""What a data package or a metadata file says about a dataset: label, description, anonymisation.

The 2019 platform described each dataset in Woken's configuration::

    {"code": "desd-synthdata", "label": "DESD", "description": "Demo dataset DESD",
     "anonymisationLevel": "Anonymised"}

The same entries are read from a data package's (or a resource's) ``datasets``
property and from the ``datasets`` list of a ``--metadata`` file. What is not said
stays unsaid (None): the loader then keeps what the database already holds, or
falls back to the table's own title and description.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from woken.errors import BadRequest

_TEXTS = {"label": "label", "description": "description",
          "anonymisationLevel": "anonymisation_level"}


@dataclass(frozen=True)
class DatasetMeta:
    """A dataset's description as given; None where the source says nothing."""

    code: str
    label: str | None = None
    description: str | None = None
    anonymisation_level: str | None = None

    def over(self, other: DatasetMeta | None) -> DatasetMeta:
        """This description, completed by ``other`` where this one says nothing."""
        if other is None:
            return self
        return DatasetMeta(
            self.code,
            self.label if self.label is not None else other.label,
            self.description if self.description is not None else other.description,
            (self.anonymisation_level if self.anonymisation_level is not None
             else other.anonymisation_level),
        )


def read_dataset_metas(entries: Any, where: str) -> dict[str, DatasetMeta]:
    """``entries`` (a JSON list of dataset objects) by code; BadRequest naming ``where``."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise BadRequest(f"{where}: 'datasets' is a list of {{code, label, description, "
                         "anonymisationLevel}} objects")
    metas: dict[str, DatasetMeta] = {}
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            raise BadRequest(f"{where}: dataset #{position + 1}: an object with a string "
                             "'code' is expected")
        code = entry["code"]
        values: dict[str, str | None] = {}
        for key, name in _TEXTS.items():
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                raise BadRequest(f"{where}: dataset '{code}': '{key}' is not a string")
            values[name] = value
        if code in metas:
            raise BadRequest(f"{where}: dataset '{code}' is described twice")
        metas[code] = DatasetMeta(code, **values)
    return metas


def merged(first: Mapping[str, DatasetMeta],
           then: Mapping[str, DatasetMeta]) -> dict[str, DatasetMeta]:
    """Both sources' descriptions, ``first`` winning where both say something."""
    return {code: (first[code].over(then.get(code)) if code in first else then[code])
            for code in {**then, **first}}
