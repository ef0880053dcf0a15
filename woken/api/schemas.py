"""The answers' shapes as marshmallow schemas: the OpenAPI document is generated from them.

The requests' schemas live with the domain (`woken.planning.queries`); these describe what the
handlers answer. The schemathesis test checks every live answer against them, so a
handler that drifts from its schema fails the suite.
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields


class ErrorSchema(Schema):
    """Every 4xx/5xx answer (the error middleware's `error_body`)."""

    message = fields.String(required=True)
    details = fields.Raw(metadata={"description": "per-field messages of an invalid body"})
    requestId = fields.String(metadata={"description": "a 500's id, to find it in the log"})


class HealthSchema(Schema):
    """`GET /health`."""

    status = fields.String(required=True)
    version = fields.String(required=True)


class DatabaseHealthSchema(Schema):
    """`GET /health/db` and `/readiness`: each database's answer."""

    status = fields.String(required=True, metadata={"enum": ["ok", "error"]})
    woken_db = fields.String(required=True)
    features_db = fields.String(required=True)


class CatalogueSchema(Schema):
    """`GET /mining/algorithms`: the algorithms, validations and metrics."""

    algorithms = fields.List(fields.Dict(), required=True)
    validations = fields.List(fields.Dict(), required=True)
    metrics = fields.Raw(required=True)


class DatasetSchema(Schema):
    """One data set of `GET /metadata/datasets`; open to more keys, as the metadata grows."""

    class Meta:
        """Keys beyond these are part of the metadata too."""

        unknown = INCLUDE

    id = fields.Dict(required=True)
    code = fields.String(required=True)
    label = fields.String(required=True, allow_none=True)
    description = fields.String(required=True, allow_none=True)
    anonymisationLevel = fields.String(allow_none=True)
    tables = fields.List(fields.Dict(), required=True)
    rows = fields.Integer(required=True, allow_none=True)


class DatasetsSchema(Schema):
    """`GET /metadata/datasets`."""

    datasets = fields.List(fields.Nested(DatasetSchema), required=True)


class VariableSchema(Schema):
    """A variable's metadata; open to more keys (the 2019 metadata carries others)."""

    class Meta:
        """Keys beyond these are part of the metadata too."""

        unknown = INCLUDE

    code = fields.String(required=True)
    label = fields.String(required=True, allow_none=True)
    type = fields.String(required=True)
    enumerations = fields.List(fields.Dict())
    unit = fields.String()
    description = fields.String()
    methodology = fields.String()
    sql_type = fields.String()
    datasets = fields.List(fields.Dict())


class VariablesSchema(Schema):
    """`GET /metadata/variables`: the listed datasets' variables (union, or intersection)."""

    variables = fields.List(fields.Nested(VariableSchema), required=True)


class QueryResultSchema(Schema):
    """A job's result in the wire format (contract §1); `data` depends on the shape."""

    class Meta:
        """The job's context may add the 2019 fields beside these."""

        unknown = INCLUDE

    jobId = fields.String(required=True, allow_none=True)
    node = fields.String(required=True)
    timestamp = fields.Float(required=True)
    function = fields.String(required=True, allow_none=True)
    shape = fields.String(required=True)
    data = fields.Raw(required=True, allow_none=True)
    error = fields.String(required=True, allow_none=True)
    type = fields.String()
    algorithm = fields.String(allow_none=True)
    dataProvenance = fields.Raw()
    feedback = fields.Raw()
    query = fields.Raw(allow_none=True)


class ExperimentResultSchema(QueryResultSchema):
    """An experiment's QueryResult: one entry per algorithm, and the leaderboard."""

    leaderboard = fields.Raw(allow_none=True)
    experimentId = fields.String()
    progress = fields.Raw()


class StillRunningSchema(Schema):
    """504: the request's time ran out; the work goes on and can be polled."""

    message = fields.String(required=True)
    jobId = fields.String()
    experimentId = fields.String()


class JobSchema(Schema):
    """`GET /mining/jobs/{id}`: a job, its outcome and its result."""

    jobId = fields.String(required=True)
    algorithm = fields.String(required=True)
    command = fields.String(required=True)
    state = fields.String(required=True)
    exitCode = fields.Integer(required=True, allow_none=True)
    host = fields.String(allow_none=True)
    user = fields.Raw(allow_none=True)
    message = fields.String(required=True, allow_none=True)
    createdAt = fields.String(required=True)
    finishedAt = fields.String(required=True, allow_none=True)
    result = fields.Nested(QueryResultSchema, required=True, allow_none=True)
    logs = fields.String(required=True, metadata={"description": "the job's logs route"})


class LogExcerptSchema(Schema):
    """Lines `start` to `end` (exclusive) of `total`; `cut`: only the file's end was read."""

    text = fields.String(required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    total = fields.Integer(required=True)
    cut = fields.Boolean(required=True)


class JobLogsSchema(Schema):
    """`GET /mining/jobs/{id}/logs`: the job's stdout and stderr excerpts."""

    jobId = fields.String(required=True)
    state = fields.String(required=True)
    algorithm = fields.String(required=True)
    stdout = fields.Nested(LogExcerptSchema, required=True, allow_none=True)
    stderr = fields.Nested(LogExcerptSchema, required=True, allow_none=True)


class ExperimentSummarySchema(Schema):
    """An experiment in a list, or as a cancel answers it."""

    experimentId = fields.String(required=True)
    state = fields.String(required=True)
    createdAt = fields.String(required=True)
    finishedAt = fields.String(required=True, allow_none=True)
    algorithms = fields.List(fields.String(allow_none=True), required=True)
    user = fields.Raw(allow_none=True)
    error = fields.String(required=True, allow_none=True)
    message = fields.String()
    location = fields.String()


class ExperimentAcceptedSchema(Schema):
    """202 to an asynchronous experiment: where to poll."""

    experimentId = fields.String(required=True)
    state = fields.String(required=True)
    location = fields.String(required=True)


class ExperimentStatusSchema(ExperimentSummarySchema):
    """`GET /mining/experiments/{id}`: progress, results so far, models."""

    progress = fields.Dict(required=True)
    result = fields.Raw(required=True, allow_none=True)
    models = fields.List(fields.Nested("ModelLinkSchema"), required=True)


class ExperimentPageSchema(Schema):
    """One page of `GET /mining/experiments`."""

    items = fields.List(fields.Nested(ExperimentSummarySchema), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class ModelCardSchema(Schema):
    """`GET /mining/models/{id}`: what the model is, was fitted on, scored, and what wrote it."""

    modelId = fields.String(required=True)
    algorithm = fields.String(required=True)
    parameters = fields.Dict(required=True)
    target = fields.List(fields.Dict(), required=True)
    features = fields.List(fields.Dict(), required=True)
    problemType = fields.String(required=True, allow_none=True)
    scores = fields.Dict(required=True, allow_none=True)
    provenance = fields.Dict(required=True)
    libraries = fields.Dict(required=True)
    createdAt = fields.String(required=True, allow_none=True)
    links = fields.Dict(required=True)


class PredictionSchema(Schema):
    """`POST /mining/models/{id}/predict`: one prediction per row, in order."""

    modelId = fields.String(required=True)
    jobId = fields.String(required=True)
    predictions = fields.List(fields.Raw(), required=True)
    probabilities = fields.List(fields.Dict(), metadata={"description": "classification"})


class ModelLinkSchema(Schema):
    """A model an experiment keeps, as its status links it."""

    index = fields.Integer(required=True)
    algorithm = fields.String(required=True, allow_none=True)
    modelId = fields.String(required=True)
    href = fields.String(required=True)


class JobSummarySchema(Schema):
    """A single job in `GET /mining/jobs`, or as its cancel answers it."""

    jobId = fields.String(required=True)
    state = fields.String(required=True)
    algorithm = fields.String(required=True)
    user = fields.Raw(required=True, allow_none=True)
    createdAt = fields.String(required=True)
    finishedAt = fields.String(required=True, allow_none=True)
    message = fields.String(required=True, allow_none=True)


class JobPageSchema(Schema):
    """One page of `GET /mining/jobs`."""

    items = fields.List(fields.Nested(JobSummarySchema), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)
