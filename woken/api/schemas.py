"""Request bodies in the Woken wire format (contract §1), checked with marshmallow.

Only the shape is checked here; whether codes exist and fit is the planner's job.
Unknown keys are ignored (the portal sends labels and other extras).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from woken.errors import BadRequest


@dataclass(frozen=True)
class AlgorithmRequest:
    code: str
    name: str = ""
    parameters: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class MiningQuery:
    """What to select and what to run on it: the common part of jobs and experiments."""

    variables: list[str]
    covariables: list[str]
    grouping: list[str]
    filters: Any
    datasets: list[str]
    algorithm: AlgorithmRequest
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class CodeSchema(_Lenient):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))


class ParameterSchema(_Lenient):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))
    # Values arrive as strings; numbers are accepted and checked by the catalogue.
    value = fields.Raw(required=True, allow_none=False)


class AlgorithmSchema(_Lenient):
    code = fields.String(required=True, validate=validate.Length(min=1, max=128))
    name = fields.String(load_default="")
    parameters = fields.List(fields.Nested(ParameterSchema), load_default=list)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> AlgorithmRequest:
        return AlgorithmRequest(**data)


def _codes(required: bool = False) -> fields.List:
    if required:
        at_least_one = validate.Length(min=1)
        return fields.List(fields.Nested(CodeSchema), required=True, validate=at_least_one)
    return fields.List(fields.Nested(CodeSchema), load_default=list)


class MiningJobSchema(_Lenient):
    variables = _codes(required=True)
    covariables = _codes()
    grouping = _codes()
    # "", [], null or jQuery-QueryBuilder JSON (object or string): see woken.features.filters.
    filters = fields.Raw(load_default=None, allow_none=True)
    datasets = _codes()
    algorithm = fields.Nested(AlgorithmSchema, required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> MiningQuery:
        return MiningQuery(
            variables=[v["code"] for v in data["variables"]],
            covariables=[v["code"] for v in data["covariables"]],
            grouping=[v["code"] for v in data["grouping"]],
            filters=data["filters"],
            datasets=[d["code"] for d in data["datasets"]],
            algorithm=data["algorithm"],
        )


def load_body(schema: Schema, body: Any) -> Any:
    """Validate a decoded JSON body; a mistake becomes a 400 naming each bad field."""
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    try:
        loaded = schema.load(body)
    except ValidationError as error:
        raise BadRequest(f"invalid request: {_flatten(error.messages)}", error.messages) from None
    if isinstance(loaded, MiningQuery):
        object.__setattr__(loaded, "raw", body)
    return loaded


def _flatten(messages: Any, prefix: str = "") -> str:
    if isinstance(messages, dict):
        return "; ".join(_flatten(v, f"{prefix}{k}.") for k, v in messages.items())
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return f"{prefix.rstrip('.')}: {' '.join(messages)}"
    if isinstance(messages, list):
        return "; ".join(_flatten(m, prefix) for m in messages)
    return f"{prefix.rstrip('.')}: {messages}"
