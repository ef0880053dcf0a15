"""What each route takes and answers, in one table: the OpenAPI document is built from it.

Keyed by (method, path) as the route table declares them. Error answers common to
every route (400 for a body or query, 401 with auth, 404 for a path parameter, 500)
are added by `woken.api.openapi`; only the answers particular to a route are listed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema

from woken.api import schemas
from woken.planning.queries import ExperimentSchema, MiningJobSchema

JSON = "application/json"


@dataclass(frozen=True)
class Answer:
    """One documented answer of a route: its meaning, body schema, media type, headers."""

    description: str
    schema: Schema | type[Schema] | None = None
    content_type: str = JSON
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    """What one route takes (body, query) and answers, as the OpenAPI document shows it."""

    summary: str
    tag: str
    answers: dict[int, Answer]
    body: type[Schema] | None = None
    # OpenAPI parameter objects for the query string.
    query: tuple[dict[str, Any], ...] = ()
    # Body media types other than JSON (e.g. CSV rows), each with its OpenAPI schema.
    other_bodies: dict[str, dict[str, Any]] = field(default_factory=dict)


def query_int(name: str, description: str, minimum: int, maximum: int | None = None,
              default: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    if default is not None:
        schema["default"] = default
    return {"in": "query", "name": name, "description": description, "schema": schema}


def query_string(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"in": "query", "name": name, "description": description,
            "schema": {"type": "string", **schema}}


STILL_RUNNING = Answer("the time ran out; the work goes on: poll `Location`",
                       schemas.StillRunningSchema, headers=("Location",))
HEALTH_DB = Answer("both databases answer (503: one does not)", schemas.DatabaseHealthSchema)
ASYNC = query_string("async", "`true` answers 202 at once (as `Prefer: respond-async`)")

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/"): Operation(
        "The web page: experiments, progress, leaderboards, a form", "page",
        {200: Answer("an HTML page", None, content_type="text/html")}),
    ("GET", "/health"): Operation(
        "Liveness", "health", {200: Answer("the service runs", schemas.HealthSchema)}),
    ("GET", "/health/db"): Operation(
        "The databases' health", "health", {200: HEALTH_DB, 503: HEALTH_DB}),
    ("GET", "/readiness"): Operation(
        "Readiness (the databases answer)", "health", {200: HEALTH_DB, 503: HEALTH_DB}),
    ("GET", "/mining/algorithms"): Operation(
        "The algorithm catalogue", "metadata",
        {200: Answer("algorithms, validations, metrics", schemas.CatalogueSchema)}),
    ("GET", "/mining/list-methods"): Operation(
        "The algorithm catalogue (the 2017 name)", "metadata",
        {200: Answer("algorithms, validations, metrics", schemas.CatalogueSchema)}),
    ("GET", "/mining/methods"): Operation(
        "The algorithm catalogue (the 2019 name)", "metadata",
        {200: Answer("algorithms, validations, metrics", schemas.CatalogueSchema)}),
    ("GET", "/metadata/datasets"): Operation(
        "The datasets, each with every table it is in", "metadata",
        {200: Answer("every dataset (of the table)", schemas.DatasetsSchema)},
        query=(query_string("table", "only the datasets of this table"),)),
    ("GET", "/metadata/variables"): Operation(
        "The variables of datasets", "metadata",
        {200: Answer("their metadata", schemas.VariablesSchema)},
        query=(query_string("datasets", "comma-separated dataset codes (default: every "
                                        "dataset)"),
               query_string("table", "read this table only"),
               query_string("exhaustive", "true: only the variables every dataset has "
                                          "(default false: the union)"))),
    ("POST", "/mining/job"): Operation(
        "Run one algorithm and wait for its result", "mining",
        {200: Answer("the job's result (or, for `data`, the selected rows)",
                     schemas.QueryResultSchema),
         504: STILL_RUNNING},
        body=MiningJobSchema),
    ("GET", "/mining/jobs/{job_id}"): Operation(
        "A job and its result", "mining",
        {200: Answer("the job has ended", schemas.JobSchema),
         202: Answer("the job is still running", schemas.JobSchema)}),
    ("GET", "/mining/jobs"): Operation(
        "The single jobs, newest first", "mining",
        {200: Answer("one page", schemas.JobPageSchema)},
        query=(query_int("limit", "page size", 1, 100, 20),
               query_int("offset", "jobs skipped", 0, 10**9, 0))),
    ("DELETE", "/mining/jobs/{job_id}"): Operation(
        "Cancel a single job", "mining",
        {200: Answer("it had already ended", schemas.JobSummarySchema),
         202: Answer("cancelling", schemas.JobSummarySchema, headers=("Location",)),
         503: Answer("the job runs on another instance", schemas.ErrorSchema)}),
    ("GET", "/mining/jobs/{job_id}/logs"): Operation(
        "A job's stdout and stderr: whole, the last `tail` lines, or lines `start` to `end`",
        "mining",
        {200: Answer("the logs (null: the job wrote no such file)", schemas.JobLogsSchema)},
        query=(query_int("tail", "the last N lines of each", 0, 10**7),
               query_int("start", "first line (from 0)", 0, 10**7, 0),
               query_int("end", "line after the last one", 0, 10**7))),
    ("POST", "/mining/experiment"): Operation(
        "Run algorithms, cross-validated (synchronously, or 202 with `Prefer: "
        "respond-async`)", "experiments",
        {200: Answer("the experiment's result and leaderboard",
                     schemas.ExperimentResultSchema, headers=("Location",)),
         202: Answer("accepted; poll `Location`", schemas.ExperimentAcceptedSchema,
                     headers=("Location",)),
         504: STILL_RUNNING},
        body=ExperimentSchema, query=(ASYNC,)),
    ("GET", "/mining/experiments"): Operation(
        "The experiments, newest first", "experiments",
        {200: Answer("one page", schemas.ExperimentPageSchema)},
        query=(query_int("limit", "page size", 1, 100, 20),
               query_int("offset", "experiments skipped", 0, 10**9, 0))),
    ("GET", "/mining/experiments/{experiment_id}"): Operation(
        "An experiment: state, progress, result so far", "experiments",
        {200: Answer("the experiment", schemas.ExperimentStatusSchema)}),
    ("DELETE", "/mining/experiments/{experiment_id}"): Operation(
        "Cancel an experiment", "experiments",
        {200: Answer("it had already ended", schemas.ExperimentSummarySchema),
         202: Answer("cancelling", schemas.ExperimentSummarySchema, headers=("Location",)),
         503: Answer("the experiment runs on no actor of this node", schemas.ErrorSchema)}),
    ("GET", "/mining/experiments/{experiment_id}/leaderboard.csv"): Operation(
        "An experiment's leaderboard as CSV (so far, while it runs)", "experiments",
        {200: Answer("one line per algorithm", None, content_type="text/csv")}),
    ("GET", "/mining/models/{model_id}"): Operation(
        "A model's card", "models", {200: Answer("the card", schemas.ModelCardSchema)}),
    ("GET", "/mining/models/{model_id}/download"): Operation(
        "A model's file (joblib; load it only with the libraries its card lists)", "models",
        {200: Answer("the file", None, content_type="application/octet-stream")}),
    ("GET", "/mining/models/{model_id}/onnx"): Operation(
        "An AutoML model as ONNX (input X: the encoded rows; outputs label, probabilities)",
        "models",
        {200: Answer("the ONNX model, checked against the pipeline on its training rows", None,
                     content_type="application/octet-stream"),
         409: Answer("the model cannot be exported as ONNX: the step that stops it, named",
                     schemas.ErrorSchema)}),
    ("POST", "/mining/models/{model_id}/predict"): Operation(
        "Predict rows with a model (as a job running the algorithm's `test`)", "models",
        {200: Answer("predictions in row order (and class probabilities)",
                     schemas.PredictionSchema),
         400: Answer("a wrong column or value, named", schemas.ErrorSchema),
         502: Answer("the prediction job failed", schemas.ErrorSchema),
         504: STILL_RUNNING},
        other_bodies={
            JSON: {"type": "array", "items": {"type": "object"},
                   "description": "rows as records: [{\"variable\": value, ...}]"},
            "text/csv": {"type": "string", "description": "a header line, then the rows"},
        }),
    ("GET", "/openapi.json"): Operation(
        "This document", "documentation",
        {200: Answer("the OpenAPI 3 document", None)}),
    ("GET", "/docs"): Operation(
        "Swagger UI on this document", "documentation",
        {200: Answer("an HTML page", None, content_type="text/html")}),
    ("GET", "/metrics"): Operation(
        "Prometheus metrics", "operations",
        {200: Answer("the text exposition format", None, content_type="text/plain")}),
    ("POST", "/mining/federated"): Operation(
        "A central's federated run: local steps at its sites, the global step here", "federation",
        {200: Answer("the stored run's id (Location: the run), each algorithm's result, "
                     "validations, and what each site sent", None),
         400: Answer("a wrong request, an algorithm that does not federate, or a site that "
                     "refused (named, with its reason; details.runId: the stored run)",
                     schemas.ErrorSchema),
         502: Answer("a site is down or too slow (named)", schemas.ErrorSchema)},
        other_bodies={JSON: {"type": "object", "description": "variables, covariables, "
                             "datasets, validationDatasets, algorithms, validations, seed, "
                             "filters, executionPlan (README: running a federation)"}}),
    ("GET", "/mining/federated/runs"): Operation(
        "The central's stored federated runs, newest first", "federation",
        {200: Answer("items (each run's request, state, per-site status, error, failed "
                     "site), total, limit, offset", None)}),
    ("GET", "/mining/federated/runs/{run_id}"): Operation(
        "One stored federated run, with its result", "federation",
        {200: Answer("the run: request, state, sites, result, error, failedSite", None),
         404: Answer("no such run", schemas.ErrorSchema)}),
    ("GET", "/mining/federated/algorithms"): Operation(
        "The algorithms that federate", "federation",
        {200: Answer("their codes, and whether each is predictive", None)}),
    ("GET", "/federation/datasets"): Operation(
        "A site's datasets, for its central (bearer token)", "federation",
        {200: Answer("the datasets", None), 401: Answer("no or wrong token",
                                                        schemas.ErrorSchema)}),
    ("GET", "/federation/variables"): Operation(
        "A site's variables of some datasets, for its central (bearer token)", "federation",
        {200: Answer("the variables", None), 401: Answer("no or wrong token",
                                                         schemas.ErrorSchema)}),
    ("POST", "/federation/step"): Operation(
        "One local step of a federated algorithm on this site's rows (bearer token)",
        "federation",
        {200: Answer("aggregates only, the number of rows they summarise, and the site's "
                     "job that computed them (id, process id)", None),
         400: Answer("a wrong step, or refused: fewer rows than min_rows",
                     schemas.ErrorSchema),
         502: Answer("the step's job did not run to its end (timed out, lost)",
                     schemas.ErrorSchema),
         401: Answer("no or wrong token", schemas.ErrorSchema)},
        other_bodies={JSON: {"type": "object",
                             "description": "step, datasets, params, filters"}}),
    ("GET", "/docs/init.js"): Operation(
        "Swagger UI's start-up script", "documentation",
        {200: Answer("JavaScript", None, content_type="application/javascript")}),
}
