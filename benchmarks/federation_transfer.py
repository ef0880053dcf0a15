"""Benchmark: what leaves each hospital in a federated experiment, against its rows.

Starts three sites (one hospital's rows each, tests/support/federation_data.py) and a
central as `woken serve` processes, runs one federated experiment (linearRegression
and logisticRegression, 3-fold across hospitals a and b, remote validation at c),
and prints per site: the rows it holds, the requests it answered, the bytes it sent
and the rows that left it (0), and the ratio of the bytes sent to the baseline: the
bytes of its rows as CSV, what pooling the data in one table would ship. Usage:

    .venv/bin/python benchmarks/federation_transfer.py
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.federation_cluster import TIMEOUT_S, running_federation
from tests.support.federation_data import COLUMNS, ROWS_BY_SITE

EXPERIMENT = {
    "variables": [{"code": "y"}], "covariables": [{"code": "x1"}, {"code": "x2"}],
    "datasets": [{"code": "hospital_a"}, {"code": "hospital_b"}],
    "validationDatasets": [{"code": "hospital_c"}],
    "algorithms": [{"code": "linearRegression"}, {"code": "logisticRegression"}],
    "validations": [{"code": "kfold", "parameters": [{"code": "k", "value": "3"}]}],
    "seed": 11,
}


def csv_bytes(rows: list[list[object]]) -> int:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return len(text.getvalue().encode())


def main() -> int:
    # Logistic regression's target is the binary `outcome`: a second request shape.
    logistic = {**EXPERIMENT, "variables": [{"code": "outcome"}],
                "algorithms": [{"code": "logisticRegression"}]}
    linear = {**EXPERIMENT, "algorithms": [{"code": "linearRegression"}]}
    with tempfile.TemporaryDirectory() as root, running_federation(Path(root)) as federation:
        totals: dict[str, dict[str, int]] = {}
        for body in (linear, logistic):
            answer = requests.post(f"{federation.central}/mining/federated", json=body,
                                   timeout=TIMEOUT_S)
            answer.raise_for_status()
            for site, sent in answer.json()["transfer"].items():
                total = totals.setdefault(site, {"requests": 0, "bytes_sent": 0, "rows_sent": 0})
                for key in total:
                    total[key] += sent[key]
    print("| site | rows held | requests | bytes sent | rows sent | bytes of its rows (CSV) "
          "| sent / rows' bytes |")
    print("|---|---|---|---|---|---|---|")
    for site, total in totals.items():
        baseline = csv_bytes(ROWS_BY_SITE[site])
        print(f"| {site} | {len(ROWS_BY_SITE[site])} | {total['requests']} | "
              f"{total['bytes_sent']} | {total['rows_sent']} | {baseline} | "
              f"{total['bytes_sent'] / baseline:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
