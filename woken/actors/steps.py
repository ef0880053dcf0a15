"""Names of an experiment's steps, and the ids and volumes derived from them.

Every job of an experiment has a step name (``a0.model``, ``a1.v0.f3.train``,
``a2.cv`` for an algorithm whose folds and model run as one batched job)
and an id derived from the experiment's id and that name (UUID 5). A restarted
service that plans the experiment again finds the same ids in woken-db, and so
knows which jobs already finished and need not run again. The train and test
jobs of one fold share a volume, also named by a derived UUID.
"""

from __future__ import annotations

import uuid


def model_step(algorithm: int) -> str:
    return f"a{algorithm}.model"


def batch_step(algorithm: int) -> str:
    return f"a{algorithm}.cv"


def fold_step(algorithm: int, validation: int, fold: int) -> str:
    return f"a{algorithm}.v{validation}.f{fold}"


def command_step(fold: str, command: str) -> str:
    return f"{fold}.{command}"


def derived_id(experiment_id: str, step: str) -> str:
    return str(uuid.uuid5(uuid.UUID(experiment_id), step))


def parse_step(step: str) -> tuple[int, int | None, int | None]:
    """(algorithm, validation, fold) of a step name; None where the step has none."""
    parts = step.split(".")
    algorithm = int(parts[0][1:])
    if parts[1] in ("model", "cv"):
        return algorithm, None, None
    return algorithm, int(parts[1][1:]), int(parts[2][1:])
