"""The media type of each result shape: the 2017 names and their 2019 MIME types.

`job_result.shape` keeps the 2017 name a result was written with (contract §4);
the 2019 `type` of a QueryResult is its MIME type (woken-messages `Shapes.scala`).
A shape with no 2017 name (plotly) is its own MIME type.
"""

from __future__ import annotations

MIME_BY_SHAPE: dict[str, str] = {
    "error": "text/plain+error",
    "pfa_json": "application/pfa+json",
    "pfa_yaml": "application/pfa+yaml",
    "json": "application/json",
    "tabular_data_resource_json": "application/vnd.dataresource+json",
    "highcharts_json": "application/vnd.highcharts+json",
    "html": "text/html",
    "svg": "image/svg+xml",
    "png": "image/png;base64",
    "text": "text/plain",
    "python_pickle": "application/octet-stream+python-pickle",
}

# An experiment's answer is an array of per-algorithm entries whose models are JSON
# documents, not PFA: it is labelled as what it is (not the 2019
# `application/vnd.hbp.mip.experiment.pfa+json`, which promises PFA models).
EXPERIMENT_SHAPE = "json"


def mime_type(shape: str) -> str:
    """The MIME type of a shape; a shape that already is one is returned as it is."""
    return MIME_BY_SHAPE.get(shape, shape)
