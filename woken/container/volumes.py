"""Per-job volumes: directories named by a fresh UUID, created by Woken under its root.

A client never chooses a path: the name is a UUID Woken draws, and creation is
exclusive, so two jobs never share a directory by accident.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Collection
from pathlib import Path

from woken.algorithms.common.volume import (
    DATA_FILE,
    FOLDS_FILE,
    JOB_FILE,
    TEST_DATA_FILE,
    write_atomically,
    write_json_atomically,
)
from woken.planning.job_plan import JobPlan


def volume_path(root: Path, volume_id: str) -> Path:
    """Where the volume named `volume_id` (a UUID Woken drew or derived) lives under `root`."""
    return root / volume_id


def create_volume(root: Path) -> tuple[str, Path]:
    """A new empty volume; returns its UUID and its path."""
    root.mkdir(parents=True, exist_ok=True)
    volume_id = str(uuid.uuid4())
    path = volume_path(root, volume_id)
    # Group-writable: a container may run as another user of the same group.
    path.mkdir(mode=0o770)
    return volume_id, path


def write_inputs(volume: Path, plan: JobPlan, job_id: str) -> None:
    """Write what the algorithm reads: the job, its rows, and the rows to predict."""
    write_json_atomically(volume / JOB_FILE, plan.job_document(job_id))
    write_atomically(volume / DATA_FILE, plan.data.encoded)
    if plan.test_data is not None:
        write_atomically(volume / TEST_DATA_FILE, plan.test_data.encoded)
    if plan.folds is not None:
        write_json_atomically(volume / FOLDS_FILE, plan.folds)


def remove_expired(
    root: Path, max_age_s: float, keep: Collection[Path] = (), now: float | None = None
) -> list[Path]:
    """The retention policy: delete what is under `root` and untouched for `max_age_s`.

    `keep` protects the volumes of jobs still in flight, however old they are.
    """
    now = time.time() if now is None else now
    kept = {Path(k).resolve() for k in keep}
    removed = []
    for path in root.iterdir() if root.is_dir() else ():
        if path.resolve() in kept or now - path.stat().st_mtime <= max_age_s:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
