"""The retention policy: old volumes and logs go, those of unfinished jobs stay."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

from woken.config import Config
from woken.container.volumes import create_volume, remove_expired
from woken.states import JobState
from woken.storage.database import WokenDatabase
from woken.storage.migrate import upgrade_to_head
from woken.storage.tables import Job
from woken.system.retention import sweep

DAY = 86400.0


def age(path: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def test_old_volumes_go_and_kept_or_recent_ones_stay(tmp_path: Path) -> None:
    root = tmp_path / "volumes"
    _, old = create_volume(root)
    _, in_flight = create_volume(root)
    _, recent = create_volume(root)
    log = root / "job.stderr"
    log.write_text("x")
    for path in (old, in_flight, log):
        age(path, 10)
    removed = remove_expired(root, 7 * DAY, keep=[in_flight])
    assert sorted(removed) == sorted([old, log])
    assert not old.exists() and not log.exists()
    assert in_flight.is_dir() and recent.is_dir()


def test_a_missing_root_is_nothing_to_do(tmp_path: Path) -> None:
    assert remove_expired(tmp_path / "nothing", DAY) == []


def test_the_volume_of_a_skipped_job_goes_that_of_a_pending_one_stays(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path / "var")
    config.data_dir.mkdir()
    woken_db = WokenDatabase(config.woken_db)
    upgrade_to_head(config.woken_db)
    try:
        _, skipped = create_volume(config.volumes_dir)
        _, pending = create_volume(config.volumes_dir)
        for job_id, volume in (("skipped", skipped), ("pending", pending)):
            woken_db.add_job(Job.pending(job_id, algorithm="knn", command="test", node="local",
                                         backend="local", request={}, volume=volume,
                                         timeout_s=10))
            age(volume, 10)
        woken_db.end_unstarted_jobs(JobState.SKIPPED, "not run: its train failed",
                                    job_ids=("skipped",))
        services = SimpleNamespace(config=config, woken_db=woken_db)
        assert sweep(services) == [skipped]  # type: ignore[arg-type]
        assert pending.is_dir()
    finally:
        woken_db.dispose()
