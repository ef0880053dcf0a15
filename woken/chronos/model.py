"""The Chronos job model: what Woken posts, as dataclasses, and its JSON.

One Woken job is one Chronos *one-shot* job (contract §6)::

    {"name": "woken_knn_3f2c…", "schedule": "R1//PT1M", "epsilon": "PT5M",
     "command": "compute", "shell": false, "retries": 0, "owner": …,
     "cpus": 0.5, "mem": 512, "disk": 256,
     "container": {"type": "DOCKER", "image": …, "network": "BRIDGE", "forcePullImage": false,
                   "volumes": [{"containerPath": "/data", "hostPath": …, "mode": "RW"}],
                   "parameters": [{"key": "network", "value": "woken-bridge"}]},
     "constraints": [["hostname", "EQUALS", "agent-3"]],
     "environmentVariables": [{"name": "JOB_ID", "value": …}, …]}

`shell` is always false (true replaces the image's entrypoint by ``/bin/sh -c``)
and `retries` always 0 (Woken decides about retries). Chronos does not reject a
bad field: it silently replaces it by a default. `validate` is therefore run on
every job before it is posted (`ChronosJob.to_json` calls it), with Chronos's own
rules and ours; the API versions differ in their route prefix and name rules.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from woken.algorithms.common.volume import COMMANDS as CONTAINER_COMMANDS
from woken.catalogue.docker_images import IMAGE_PATTERN
from woken.chronos.errors import InvalidJob

# The API versions are a setting (woken.config.chronos); the model validates by them.
from woken.config.chronos import ApiVersion

MAX_NAME_LENGTH = 200
# ISO 8601 repeating interval: R<n>/<start or empty>/<period>.
SCHEDULE_PATTERN = re.compile(r"R(\d*)/([^/]*)/(P[^/]+)")
PERIOD_PATTERN = re.compile(
    r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
)
ONE_SHOT_SCHEDULE = "R1//PT1M"
DEFAULT_EPSILON = "PT5M"
NETWORKS = ("BRIDGE", "HOST", "USER")
VOLUME_MODES = ("RW", "RO")
CONSTRAINT_OPERATORS = ("EQUALS", "LIKE", "UNLIKE")
ENV_NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Volume:
    """A host directory mounted into the job's container."""

    container_path: str
    host_path: str
    mode: str = "RW"

    def to_json(self) -> dict[str, str]:
        return {"containerPath": self.container_path, "hostPath": self.host_path,
                "mode": self.mode}


@dataclass(frozen=True)
class Container:
    """The Docker container of a Chronos job: image, volumes, network, extra options."""

    image: str
    volumes: tuple[Volume, ...] = ()
    network: str = "BRIDGE"
    force_pull_image: bool = False
    # Extra `docker run` options, e.g. ("network", "woken-bridge") for a named network.
    parameters: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "DOCKER",
            "image": self.image,
            "network": self.network,
            "forcePullImage": self.force_pull_image,
            "volumes": [v.to_json() for v in self.volumes],
            "parameters": [{"key": k, "value": v} for k, v in self.parameters],
        }


@dataclass(frozen=True)
class Constraint:
    """A Mesos placement constraint: attribute, operator, value (`hostname EQUALS agent-3`)."""

    attribute: str
    operator: str
    value: str

    def to_json(self) -> list[str]:
        return [self.attribute, self.operator, self.value]

    @classmethod
    def on_host(cls, host: str) -> Constraint:
        return cls("hostname", "EQUALS", host)


@dataclass(frozen=True)
class ChronosJob:
    """One one-shot Docker job; `to_json` gives the validated document for `POST …/iso8601`."""

    name: str
    command: str
    container: Container
    environment: tuple[tuple[str, str], ...] = ()
    cpus: float = 0.5
    mem: float = 512.0
    disk: float = 256.0
    owner: str = "woken@localhost"
    description: str = ""
    constraints: tuple[Constraint, ...] = ()
    schedule: str = ONE_SHOT_SCHEDULE
    epsilon: str = DEFAULT_EPSILON
    shell: bool = False
    retries: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self, version: ApiVersion = ApiVersion.V3) -> dict[str, Any]:
        document: dict[str, Any] = {
            "name": self.name,
            "schedule": self.schedule,
            "epsilon": self.epsilon,
            "command": self.command,
            "shell": self.shell,
            "retries": self.retries,
            "owner": self.owner,
            "description": self.description,
            "cpus": self.cpus,
            "mem": self.mem,
            "disk": self.disk,
            "container": self.container.to_json(),
            "constraints": [c.to_json() for c in self.constraints],
            "environmentVariables": [{"name": n, "value": v} for n, v in self.environment],
            **self.extra,
        }
        if version is ApiVersion.V2_5:
            # 2.5 knows neither `type` nor `parameters` in `container`, nor `forcePullImage`.
            for key in ("type", "parameters", "forcePullImage"):
                document["container"].pop(key)
        validate(document, version)
        return document


def job_name(algorithm: str, job_id: str, prefix: str = "woken") -> str:
    """A name valid for Chronos 3.x and 2.5 that embeds the job id (searched for later)."""
    raw = f"{prefix}_{algorithm}_{job_id}"
    name = re.sub(r"[^A-Za-z0-9_-]", "_", raw)
    return name[:MAX_NAME_LENGTH]


def validate(document: Any, version: ApiVersion = ApiVersion.V3) -> None:
    """Raise InvalidJob listing every field Chronos would reject or silently replace."""
    problems = list(_problems(document, version))
    if problems:
        name = document.get("name") if isinstance(document, dict) else None
        raise InvalidJob(f"invalid Chronos job {name!r}: " + "; ".join(problems), problems)


def _problems(job: Any, version: ApiVersion) -> list[str]:
    if not isinstance(job, dict):
        return ["the job must be a JSON object"]
    problems: list[str] = []
    name = job.get("name")
    if not isinstance(name, str) or not version.name_pattern.fullmatch(name):
        problems.append(f"name {name!r} must match {version.name_pattern.pattern}")
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(f"name is longer than {MAX_NAME_LENGTH} characters")
    schedule = job.get("schedule")
    match = SCHEDULE_PATTERN.fullmatch(schedule) if isinstance(schedule, str) else None
    if match is None or not PERIOD_PATTERN.fullmatch(match.group(3)):
        problems.append(f"schedule {schedule!r} is not an ISO 8601 repeating interval")
    elif match.group(1) != "1":
        problems.append(f"schedule {schedule!r} must run once (R1)")
    epsilon = job.get("epsilon")
    if not isinstance(epsilon, str) or not PERIOD_PATTERN.fullmatch(epsilon):
        problems.append(f"epsilon {epsilon!r} is not an ISO 8601 period")
    if job.get("command") not in CONTAINER_COMMANDS:
        problems.append(f"command {job.get('command')!r} must be one of {CONTAINER_COMMANDS}")
    if job.get("shell") is not False:
        problems.append("shell must be false (true replaces the image's entrypoint)")
    if job.get("retries") != 0 or isinstance(job.get("retries"), bool):
        problems.append("retries must be 0 (Woken decides about retries)")
    for key in ("cpus", "mem", "disk"):
        value = job.get(key)
        # Chronos replaces 0, a string or a missing value by its own default.
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value) or value <= 0):
            problems.append(f"{key} must be a positive number, got {value!r}")
    if not isinstance(job.get("owner"), str) or "@" not in job.get("owner", ""):
        problems.append("owner must be an e-mail address")
    problems.extend(_container_problems(job.get("container"), version))
    problems.extend(_constraint_problems(job.get("constraints", [])))
    problems.extend(_environment_problems(job.get("environmentVariables", [])))
    return problems


def _container_problems(container: Any, version: ApiVersion) -> list[str]:
    if not isinstance(container, dict):
        return ["container must be an object (a Docker image to run)"]
    problems = []
    if version is ApiVersion.V3 and container.get("type") != "DOCKER":
        problems.append("container.type must be DOCKER")
    image = container.get("image")
    if not isinstance(image, str) or not IMAGE_PATTERN.fullmatch(image):
        problems.append(f"container.image {image!r} is not a Docker image reference")
    elif ":" not in image.rsplit("/", 1)[-1] and "@" not in image:
        problems.append(f"container.image {image!r} must be pinned (a tag or a digest)")
    if container.get("network") not in NETWORKS:
        problems.append(f"container.network must be one of {NETWORKS}")
    if version is ApiVersion.V3 and not isinstance(container.get("forcePullImage"), bool):
        problems.append("container.forcePullImage must be a boolean")
    volumes = container.get("volumes", [])
    if not isinstance(volumes, list):
        problems.append("container.volumes must be a list")
        volumes = []
    for n, volume in enumerate(volumes):
        if not isinstance(volume, dict):
            problems.append(f"container.volumes[{n}] must be an object")
            continue
        for key in ("containerPath", "hostPath"):
            path = volume.get(key)
            if not isinstance(path, str) or not path.startswith("/"):
                problems.append(f"container.volumes[{n}].{key} must be an absolute path")
        if volume.get("mode") not in VOLUME_MODES:
            problems.append(f"container.volumes[{n}].mode must be one of {VOLUME_MODES}")
    for n, parameter in enumerate(container.get("parameters", [])):
        if not (isinstance(parameter, dict) and isinstance(parameter.get("key"), str)
                and isinstance(parameter.get("value"), str) and parameter["key"]):
            problems.append(f"container.parameters[{n}] must be {{key, value}} strings")
    return problems


def _constraint_problems(constraints: Any) -> list[str]:
    if not isinstance(constraints, list):
        return ["constraints must be a list"]
    problems = []
    for n, constraint in enumerate(constraints):
        # Chronos drops a constraint with an unknown operator without a word.
        if (not isinstance(constraint, list) or len(constraint) != 3
                or not all(isinstance(part, str) and part for part in constraint)
                or constraint[1] not in CONSTRAINT_OPERATORS):
            problems.append(
                f"constraints[{n}] must be [attribute, {'|'.join(CONSTRAINT_OPERATORS)}, value]"
            )
    return problems


def _environment_problems(variables: Any) -> list[str]:
    if not isinstance(variables, list):
        return ["environmentVariables must be a list"]
    problems = []
    seen: set[str] = set()
    for n, variable in enumerate(variables):
        if not (isinstance(variable, dict) and isinstance(variable.get("name"), str)
                and isinstance(variable.get("value"), str)):
            problems.append(f"environmentVariables[{n}] must be {{name, value}} strings")
            continue
        if not ENV_NAME_PATTERN.fullmatch(variable["name"]):
            problems.append(f"environment variable name {variable['name']!r} is invalid")
        if variable["name"] in seen:
            problems.append(f"environment variable {variable['name']} is given twice")
        seen.add(variable["name"])
    return problems
