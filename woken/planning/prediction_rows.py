"""Rows sent for prediction, checked against the model's variables before any job runs.

A wrong column or value is the client's mistake: a BadRequest that names it, never
a failed job with a traceback.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from woken.errors import BadRequest

NUMERIC_TYPES = {"integer", "real"}
NOMINAL_TYPES = {"binominal", "polynominal", "nominal"}
MAX_ROWS = 100_000


def records_from_json(body: Any) -> list[dict[str, Any]]:
    """`[{...}, ...]` or `{"rows": [{...}, ...]}`."""
    records = body.get("rows") if isinstance(body, dict) else body
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise BadRequest("the rows must be a JSON list of objects (or {\"rows\": [...]})")
    return records


def records_from_csv(text: str) -> list[dict[str, Any]]:
    """A CSV file with a header line; values stay strings until checked against their type."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise BadRequest("the CSV rows have no header line")
    records = []
    for line, record in enumerate(reader, start=2):
        if None in record:
            raise BadRequest(f"CSV line {line}: more values than columns")
        records.append(dict(record))
    return records


def check_rows(records: list[dict[str, Any]], metadata: list[dict[str, Any]]) -> list[list[Any]]:
    """The records as rows in the model's column order, each value of its variable's type."""
    if not records:
        raise BadRequest("no rows to predict")
    if len(records) > MAX_ROWS:
        raise BadRequest(f"at most {MAX_ROWS} rows per request, got {len(records)}")
    codes = [v["code"] for v in metadata]
    rows = []
    for number, record in enumerate(records):
        unknown = [c for c in record if c not in codes]
        if unknown:
            raise BadRequest(f"row {number}: unknown column '{unknown[0]}' "
                             f"(the model's variables: {', '.join(codes)})")
        missing = [c for c in codes if c not in record]
        if missing:
            raise BadRequest(f"row {number}: column '{missing[0]}' is missing")
        rows.append([_value(number, v, record[v["code"]]) for v in metadata])
    return rows


def _value(number: int, variable: dict[str, Any], value: Any) -> Any:
    code, kind = variable["code"], variable.get("type", "")
    where = f"row {number}: '{code}'"
    if kind in NUMERIC_TYPES:
        if isinstance(value, str):
            try:
                value = float(value) if kind == "real" else int(value)
            except ValueError:
                raise BadRequest(f"{where} must be a number ({kind}), got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value
        ):
            raise BadRequest(f"{where} must be a finite number ({kind}), got {value!r}")
        return value
    if kind in NOMINAL_TYPES:
        allowed = [str(e["code"]) for e in variable.get("enumerations", [])]
        if not isinstance(value, str) or (allowed and value not in allowed):
            raise BadRequest(f"{where} must be one of {', '.join(allowed)}, got {value!r}")
        return value
    if not isinstance(value, str):
        raise BadRequest(f"{where} must be a string ({kind}), got {value!r}")
    return value
