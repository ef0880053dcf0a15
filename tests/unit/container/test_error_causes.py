"""A crash's cause as a user reads it: the message, less hosts, paths and credentials."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
import sqlalchemy as sa

from woken.config import Config
from woken.container.job_errors import crash_message, error_cause
from woken.errors import BackendError

HIDDEN = {Path("/srv/woken/var"): "<data>"}


@pytest.mark.parametrize(("error", "told"), [
    (OSError(errno.ENOSPC, "No space left on device", "/srv/woken/var/volumes/j1/out.json"),
     "OSError: [Errno 28] No space left on device: '<data>/volumes/j1/out.json'"),
    (OSError(errno.EACCES, "Permission denied", "/etc/woken/secret.toml"),
     "PermissionError: [Errno 13] Permission denied: 'secret.toml'"),
    (BackendError("cannot reach Chronos at http://admin:pw@chronos.internal:4400/v1: refused"),
     "BackendError: cannot reach Chronos at <url> refused"),
    (BackendError('connection to server at "db.internal" (10.0.3.7), port 5432 failed: '
                  'FATAL: password authentication failed for user "woken"'),
     ("BackendError: connection to server <host>, port <port> failed: FATAL: "
     "password authentication failed for user=<hidden>")),
    (BackendError("scheduler tcp 10.0.0.2:8786 and [fe80::1]:8786 and dask-sched:8786 gone"),
     "BackendError: scheduler tcp <host> and <host> and <host> gone"),
    (BackendError("login with token=abc123 and password 'p w' refused"),
     "BackendError: login with token=<hidden> and password=<hidden> refused"),
    (RuntimeError(), "RuntimeError"),
])
def test_the_cause_keeps_the_message_and_hides_where_and_who(
    error: BaseException, told: str
) -> None:
    assert error_cause(error, HIDDEN) == told


def test_a_database_error_is_the_driver_s_first_line_without_its_sql() -> None:
    wrapped = sa.exc.OperationalError("SELECT secret FROM jobs", {"id": 1},
                                      OSError("disk I/O error"))
    assert error_cause(wrapped, HIDDEN) == "OSError: disk I/O error"


def test_the_crash_message_names_what_failed_and_why(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path)
    error = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "volumes" / "x"))
    assert crash_message("job", error, config) == (
        "Woken failed to run the job: OSError: [Errno 28] No space left on device: "
        "'<data>/volumes/x'")
