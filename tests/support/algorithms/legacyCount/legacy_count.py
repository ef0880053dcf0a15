"""A stand-in for a 2017 MIP image: no volume, only the database environment."""
# ruff: noqa: SIM112  (the contract's variable names are mixed case)

import json
import os

import psycopg


def connect(prefix: str):
    return psycopg.connect(
        host=os.environ[f"{prefix}_HOST"], port=os.environ[f"{prefix}_PORT"],
        dbname=os.environ[f"{prefix}_DATABASE"], user=os.environ[f"{prefix}_USER"],
        password=os.environ[f"{prefix}_PASSWORD"] or None,
    )


with connect("IN") as features, features.cursor() as cursor:
    cursor.execute(os.environ["PARAM_query"])
    rows = cursor.fetchall()

data = {"rows": len(rows), "variables": os.environ["PARAM_variables"]}
with connect("OUT") as results, results.cursor() as cursor:
    cursor.execute(
        "INSERT INTO job_result (job_id, node, data, shape, function) VALUES (%s, %s, %s, %s, %s)",
        (os.environ["JOB_ID"], os.environ["NODE"], json.dumps(data), "json", "legacyCount"),
    )
