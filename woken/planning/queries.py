"""Mining requests in the Woken wire format (contract §1): their types, checked with marshmallow.

Only the shape is checked here; whether codes exist and fit is the planner's job.
An unknown field is refused, named (ignoring `targetTable` would compute on the
wrong table and answer 200); the extras real portals send (`label` beside a
code, `name` of a method) are accepted. The 2019 fields (contract "The 2019
request and result formats") are read here and honoured or refused by planning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

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


@dataclass(frozen=True)
class TableRef:
    """The 2019 `targetTable`: which features table to read."""

    name: str
    database: str | None = None
    db_schema: str | None = None


@dataclass(frozen=True, kw_only=True)
class Selection:
    """What to select: the part jobs and experiments share."""

    variables: list[str]
    covariables: list[str]
    grouping: list[str]
    filters: Any
    datasets: list[str]
    target_table: TableRef | None = None
    # False: covariables the table lacks are dropped (and the feedback says which).
    covariables_must_exist: bool = True
    user: str | None = None
    # The 2019 federation plan; refused by planning (Woken runs on this node's data).
    execution_plan: Any = None
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
    # 2019 multi-site validation: train on these, score the models on the held-out ones.
    training_datasets: list[str] = field(default_factory=list)
    validation_datasets: list[str] = field(default_factory=list)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


# What portals send beside a code and that carries no meaning for Woken.
_LABEL = fields.Raw(load_default=None, allow_none=True, load_only=True)


class CodeSchema(_Strict):
    """Something named by its code (a variable, a dataset)."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=128))
    label = _LABEL


class ParameterSchema(CodeSchema):
    """An algorithm's or a validation's parameter: a code and a value."""

    # Values arrive as strings; numbers are accepted and checked by the catalogue.
    value = fields.Raw(required=True, allow_none=False)

    @post_load
    def without_label(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data.pop("label", None)
        return data


class MethodSchema(CodeSchema):
    """An algorithm (`algorithm`, `algorithms`) or a validation (`validations`)."""

    name = fields.String(load_default="")
    parameters = fields.List(fields.Nested(ParameterSchema), load_default=list)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> MethodRequest:
        data.pop("label", None)
        return MethodRequest(**data)


class TableRefSchema(_Strict):
    """`{"database": "features", "dbSchema": "public", "name": "mip_cde_features"}`."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=128))
    database = fields.String(load_default=None, allow_none=True)
    dbSchema = fields.String(load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> TableRef:
        return TableRef(name=data["name"], database=data["database"], db_schema=data["dbSchema"])


def _codes(required: bool = False) -> fields.List:
    if required:
        at_least_one = validate.Length(min=1)
        return fields.List(fields.Nested(CodeSchema), required=True, validate=at_least_one)
    return fields.List(fields.Nested(CodeSchema), load_default=list)


def _code_list(data: dict[str, Any], key: str) -> list[str]:
    return [item["code"] for item in data.get(key) or []]


class _SelectionSchema(_Strict):
    # Present, possibly empty: the 2017 `data` request sent `variables: []`; planning
    # asks for a target where an algorithm needs one.
    variables = fields.List(fields.Nested(CodeSchema), required=True)
    covariables = _codes()
    grouping = _codes()
    # "", [], null or jQuery-QueryBuilder JSON (object or string): see woken.features.filters.
    filters = fields.Raw(load_default=None, allow_none=True)
    datasets = _codes()
    targetTable = fields.Nested(TableRefSchema, load_default=None, allow_none=True)
    covariablesMustExist = fields.Boolean(load_default=True)
    user = fields.Nested(CodeSchema, load_default=None, allow_none=True)
    executionPlan = fields.Raw(load_default=None, allow_none=True)

    @staticmethod
    def selection(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "variables": _code_list(data, "variables"),
            "covariables": _code_list(data, "covariables"),
            "grouping": _code_list(data, "grouping"),
            "filters": data["filters"],
            "datasets": _code_list(data, "datasets"),
            "target_table": data["targetTable"],
            "covariables_must_exist": data["covariablesMustExist"],
            "user": data["user"]["code"] if data["user"] else None,
            "execution_plan": data["executionPlan"],
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
    trainingDatasets = _codes()
    # The 2019 messages have both names for the held-out datasets; they mean the same here.
    validationDatasets = _codes()
    testingDatasets = _codes()

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> ExperimentQuery:
        held_out = _code_list(data, "validationDatasets") + _code_list(data, "testingDatasets")
        return ExperimentQuery(
            **self.selection(data),
            algorithms=data["algorithms"],
            validations=data["validations"],
            seed=data["seed"],
            training_datasets=_code_list(data, "trainingDatasets"),
            validation_datasets=held_out,
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
