"""The environment an algorithm container gets (contract §3), so MIP images run unchanged."""

from __future__ import annotations

import json

from sqlalchemy.engine import make_url

from woken.planning.job_plan import JobPlan


def job_environment(
    plan: JobPlan,
    job_id: str,
    node: str,
    volume_in_container: str,
    databases: dict[str, str] | None = None,
) -> dict[str, str]:
    """The variables of one job; `databases` maps a prefix (IN, OUT) to a URL for legacy images."""
    environment = {
        "JOB_ID": job_id,
        "NODE": node,
        "DOCKER_IMAGE": plan.algorithm.docker_image,
        "JOB_VOLUME": volume_in_container,
        "PARAM_variables": ",".join(v.code for v in plan.variables),
        "PARAM_covariables": ",".join(v.code for v in plan.covariables),
        "PARAM_grouping": ",".join(v.code for v in plan.grouping),
        "PARAM_meta": json.dumps({v.code: v.to_json() for v in plan.all_variables}),
    }
    for code, value in plan.parameters.items():
        # 2019 name, and the 2017 one that older images read.
        environment[f"MODEL_PARAM_{code}"] = value
        environment[f"PARAM_MODEL_{code}"] = value
    if plan.legacy_query is not None:
        environment["PARAM_query"] = plan.legacy_query
    for prefix, url in (databases or {}).items():
        environment.update(database_environment(prefix, url))
    return environment


def database_environment(prefix: str, url: str) -> dict[str, str]:
    """A database as the original passed it: a JDBC URL and its parts (2017 and 2019 names)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        jdbc = f"jdbc:sqlite:{parsed.database}"
    else:
        host = parsed.host or "localhost"
        port = f":{parsed.port}" if parsed.port else ""
        jdbc = f"jdbc:{backend}://{host}{port}/{parsed.database or ''}"
    return {
        f"{prefix}_JDBC_DRIVER": {"postgresql": "org.postgresql.Driver"}.get(backend, backend),
        f"{prefix}_JDBC_URL": jdbc,
        f"{prefix}_JDBC_USER": parsed.username or "",
        f"{prefix}_JDBC_PASSWORD": parsed.password or "",
        f"{prefix}_HOST": parsed.host or "",
        f"{prefix}_PORT": str(parsed.port or ""),
        f"{prefix}_DATABASE": parsed.database or "",
        f"{prefix}_USER": parsed.username or "",
        f"{prefix}_PASSWORD": parsed.password or "",
    }
