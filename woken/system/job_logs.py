"""A job's logs as the API shows them: stdout and stderr, whole or in part.

The local backend writes each job's output to `logs/<job>.stdout` and `.stderr`;
a backend that keeps no files (Chronos) gives the stderr tail it can reach.
"""

from __future__ import annotations

from typing import Any

from woken.backends.log_files import read_log
from woken.errors import NotFound
from woken.system.services import Services

STREAMS = ("stdout", "stderr")


def job_logs(
    services: Services, job_id: str, tail: int | None = None, start: int = 0,
    end: int | None = None,
) -> dict[str, Any]:
    job = services.woken_db.get_job(job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    answer: dict[str, Any] = {"jobId": job.id, "state": job.state, "algorithm": job.algorithm}
    for stream in STREAMS:
        excerpt = read_log(services.config.logs_dir / f"{job.id}.{stream}", tail, start, end)
        answer[stream] = excerpt.to_json() if excerpt else None
    if answer["stderr"] is None:
        # Not a local job's file: what the backend still knows of it (empty once forgotten).
        text = services.backend.logs(job.id)
        if text:
            count = len(text.splitlines())
            answer["stderr"] = {"text": text, "start": 0, "end": count, "total": count,
                                "cut": True}
    return answer
