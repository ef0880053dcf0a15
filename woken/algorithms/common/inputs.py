"""Everything a job gives an algorithm, read from its volume into one typed object.

job.json names the variables (targets), covariables and grouping, carries the
metadata of each and the parameters; data.json (or test.json) holds the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from woken.algorithms.common.errors import InputError
from woken.algorithms.common.manifest import parameter_rules
from woken.algorithms.common.parameters import Parameters
from woken.algorithms.common.table import Table, read_table
from woken.algorithms.common.variables import Variable
from woken.algorithms.common.volume import DATA_FILE, JOB_FILE, read_json


@dataclass(frozen=True)
class JobInputs:
    """A job's inputs as read from its volume: variables, their metadata, parameters, rows."""

    job_id: str
    algorithm: str
    variables: tuple[str, ...]
    covariables: tuple[str, ...]
    grouping: tuple[str, ...]
    metadata: Mapping[str, Variable]
    parameters: Parameters
    table: Table

    @property
    def columns(self) -> tuple[str, ...]:
        return self.table.columns

    @property
    def rows(self) -> tuple[tuple[Any, ...], ...]:
        return self.table.rows

    def variable(self, code: str) -> Variable:
        return self.metadata[code]

    @property
    def target(self) -> Variable:
        """The single target; algorithms here model one variable at a time."""
        if len(self.variables) != 1:
            raise InputError(
                f"{self.algorithm} needs exactly one variable (target), got {len(self.variables)}"
            )
        return self.metadata[self.variables[0]]

    @property
    def features(self) -> tuple[Variable, ...]:
        """Covariables then grouping variables: together they are the model's inputs."""
        return tuple(self.metadata[c] for c in _unique((*self.covariables, *self.grouping)))

    @property
    def all_variables(self) -> tuple[Variable, ...]:
        """Targets, covariables and grouping, each once, in that order."""
        codes = _unique((*self.variables, *self.covariables, *self.grouping))
        return tuple(self.metadata[c] for c in codes)

    def int_param(self, code: str, default: int | None = None) -> int:
        return self.parameters.int_param(code, default)

    def float_param(self, code: str, default: float | None = None) -> float:
        return self.parameters.float_param(code, default)

    def str_param(self, code: str, default: str | None = None) -> str:
        return self.parameters.str_param(code, default)


def read_inputs(volume: Path, data_file: str = DATA_FILE) -> JobInputs:
    """Read job.json and the rows of ``data_file``; every variable named must have metadata."""
    job_path = volume / JOB_FILE
    if not job_path.is_file():
        raise InputError(f"{job_path} not found: Woken writes the job there before it starts")
    job = read_json(job_path)
    if not isinstance(job, dict):
        raise InputError(f"{JOB_FILE} must be a JSON object")
    variables = _codes(job, "variables")
    covariables = _codes(job, "covariables")
    grouping = _codes(job, "grouping")
    raw_metadata = job.get("metadata") or {}
    metadata: dict[str, Variable] = {}
    for code in _unique((*variables, *covariables, *grouping)):
        if code not in raw_metadata:
            raise InputError(f"variable '{code}' has no metadata in {JOB_FILE}")
        metadata[code] = Variable.from_json(code, raw_metadata[code])
    raw_parameters = job.get("parameters") or {}
    if not isinstance(raw_parameters, dict):
        raise InputError(f"{JOB_FILE}: 'parameters' must be an object of strings")
    return JobInputs(
        job_id=str(job.get("job_id", "")),
        algorithm=str(job.get("algorithm", "")),
        variables=variables,
        covariables=covariables,
        grouping=grouping,
        metadata=metadata,
        parameters=Parameters(
            {str(k): str(v) for k, v in raw_parameters.items()},
            parameter_rules(str(job.get("algorithm", ""))),
        ),
        table=read_table(volume / data_file),
    )


def _codes(job: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A list of codes; also accepts the request's form ``[{"code": ...}]`` for hand-made jobs."""
    raw = job.get(key) or []
    if not isinstance(raw, list):
        raise InputError(f"{JOB_FILE}: '{key}' must be a list of variable codes")
    codes = []
    for item in raw:
        if isinstance(item, dict) and "code" in item:
            codes.append(str(item["code"]))
        elif isinstance(item, str):
            codes.append(item)
        else:
            raise InputError(f"{JOB_FILE}: '{key}' holds {item!r}, not a variable code")
    return tuple(codes)


def _unique(codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))
