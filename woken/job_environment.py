"""The environment an algorithm container gets (contract §3), so MIP images run unchanged."""

from __future__ import annotations

import json

from woken.job_plan import JobPlan


def job_environment(
    plan: JobPlan, job_id: str, node: str, volume_in_container: str
) -> dict[str, str]:
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
    return environment
