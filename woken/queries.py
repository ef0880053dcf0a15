"""Mining requests in the Woken wire format (contract §1): their types, checked with marshmallow.

Only the shape is checked here; whether codes exist and fit is the planner's job.
Unknown keys are ignored (the portal sends labels and other extras).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from woken.errors import BadRequest


@dataclass(frozen=True)
class MethodRequest:
    """An algorithm or a validation as a request names it: a code, a name, parameters."""

    code: str
    name: str = ""
    parameters: list[dict[str, Any]] = field(default_factory=list)


# The two roles a method plays in a request, named for the type hints that use them.
AlgorithmRequest = MethodRequest
ValidationRequest = MethodRequest


@dataclass(frozen=True, kw_only=True)
class Selection:
    """What to select: the part jobs and experiments share."""

    variables: list[str]
    covariables: list[str]
    grouping: list[str]
    filters: Any
    datasets: list[str]
    # The body as the client sent it, stored with the job or experiment.
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, kw_only=True)
class MiningQuery(Selection):
    """`POST /mining/job`: one algorithm on the selection."""

    algorithm: AlgorithmRequest


@dataclass(frozen=True, kw_only=True)
class ExperimentQuery(Selection):
    """`POST /mining/experiment`: several algorithms, cross-validated."""

    algorithms: list[AlgorithmRequest]
    validations: list[ValidationRequest]
    seed: int | None = None


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class CodeSchema(_Lenient):
    """Something named by its code (a variable, a dataset)."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=128))


class ParameterSchema(_Lenient):
    """An algorithm's or a validation's parameter: a code and a value."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=128))
    # Values arrive as strings; numbers are accepted and checked by the catalogue.
    value = fields.Raw(required=True, allow_none=False)


class MethodSchema(CodeSchema):
    """An algorithm (`algorithm`, `algorithms`) or a validation (`validations`)."""

    name = fields.String(load_default="")
    parameters = fields.List(fields.Nested(ParameterSchema), load_default=list)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> MethodRequest:
        return MethodRequest(**data)


def _codes(required: bool = False) -> fields.List:
    if required:
        at_least_one = validate.Length(min=1)
        return fields.List(fields.Nested(CodeSchema), required=True, validate=at_least_one)
    return fields.List(fields.Nested(CodeSchema), load_default=list)


class _SelectionSchema(_Lenient):
    variables = _codes(required=True)
    covariables = _codes()
    grouping = _codes()
    # "", [], null or jQuery-QueryBuilder JSON (object or string): see woken.features.filters.
    filters = fields.Raw(load_default=None, allow_none=True)
    datasets = _codes()

    @staticmethod
    def selection(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "variables": [v["code"] for v in data["variables"]],
            "covariables": [v["code"] for v in data["covariables"]],
            "grouping": [v["code"] for v in data["grouping"]],
            "filters": data["filters"],
            "datasets": [d["code"] for d in data["datasets"]],
        }


class MiningJobSchema(_SelectionSchema):
    """The body of `POST /mining/job`, loaded as a MiningQuery."""

    algorithm = fields.Nested(MethodSchema, required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> MiningQuery:
        return MiningQuery(**self.selection(data), algorithm=data["algorithm"])


class ExperimentSchema(_SelectionSchema):
    """The body of `POST /mining/experiment`, loaded as an ExperimentQuery."""

    algorithms = fields.List(
        fields.Nested(MethodSchema),
        required=True,
        validate=validate.Length(min=1, error="an experiment needs at least one algorithm"),
    )
    validations = fields.List(fields.Nested(MethodSchema), load_default=list)
    # Optional: the folds' seed, for a reproducible experiment; drawn at random otherwise.
    # strict: 1.5 (or "7") is refused, not run as 1.
    seed = fields.Integer(load_default=None, allow_none=True, strict=True,
                          validate=validate.Range(min=0, max=2**31 - 1))

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> ExperimentQuery:
        return ExperimentQuery(
            **self.selection(data),
            algorithms=data["algorithms"],
            validations=data["validations"],
            seed=data["seed"],
        )


def load_body(schema: Schema, body: Any) -> Any:
    """Validate a decoded JSON body; a mistake becomes a 400 naming each bad field."""
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    try:
        loaded = schema.load(body)
    except ValidationError as error:
        raise BadRequest(f"invalid request: {_flatten(error.messages)}", error.messages) from None
    if isinstance(loaded, Selection):
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
