"""An experiment's leaderboard as CSV: one line per algorithm, ranked ones first."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

COLUMNS = ("rank", "index", "code", "name", "metric", "mean", "std", "pooled", "fitTime",
           "parameters", "pipeline", "reason")


def leaderboard_csv(board: dict[str, Any] | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    board = board or {}
    for row in board.get("rows", []):
        values = {**row, "metric": board.get("metric")}
        writer.writerow([_cell(values.get(column)) for column in COLUMNS])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)
