"""The retention policy: old volumes and logs go, those of unfinished jobs stay."""

from __future__ import annotations

import os
import time
from pathlib import Path

from woken.volumes import create_volume, remove_expired

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
