"""A synchronous client of the Chronos REST API (called from actor threads, never from asyncio).

One `requests.Session` per client, a timeout on every request, retries with an
exponential back-off on connection errors and 5xx answers, then a ChronosError
that carries Chronos's own message. Submissions are throttled (Chronos and its
ZooKeeper choke on bursts: the original sent at most one job per 100 ms).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests

from woken.chronos.errors import ChronosError
from woken.chronos.model import ApiVersion, ChronosJob
from woken.chronos.status import ChronosJobStatus, find_exact, parse_graph_csv, read_status

log = logging.getLogger(__name__)

# Chronos's search answers 10 jobs unless told otherwise.
SEARCH_LIMIT = 1000


class ChronosClient:
    """Calls to one Chronos: submit, search, status, kill and delete jobs, with retries."""

    def __init__(
        self,
        url: str,
        version: ApiVersion = ApiVersion.V3,
        timeout_s: float = 10.0,
        retries: int = 3,
        backoff_s: float = 0.2,
        submit_interval_s: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base = url.rstrip("/") + version.prefix
        self.version = version
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.submit_interval_s = submit_interval_s
        self._clock, self._sleep = clock, sleep
        self._session = requests.Session()
        self._session.headers.update({"Accept": "application/json"})
        self._submit_lock = threading.Lock()
        self._last_submit: float | None = None

    # Routes (contract §6)

    def submit(self, job: ChronosJob) -> None:
        """Validate the job, then create (or replace) it: `POST …/iso8601`, 204."""
        document = job.to_json(self.version)  # raises InvalidJob: nothing is posted
        with self._submit_lock:
            self._throttle()
            self._request("POST", "/iso8601", json=document)

    def search(self, name: str) -> list[dict[str, Any]]:
        """Jobs whose name contains `name` (case-insensitive substring, as Chronos matches)."""
        answer = self._request("GET", "/jobs/search", params={"name": name, "limit": SEARCH_LIMIT})
        jobs = answer.json()
        if not isinstance(jobs, list):
            raise ChronosError(f"Chronos search answered {type(jobs).__name__}, not a list")
        return jobs

    def find(self, name: str) -> dict[str, Any] | None:
        """The job named exactly `name`, or None."""
        found = find_exact(self.search(name), name)
        return dict(found) if found is not None else None

    def list_jobs(self) -> list[dict[str, Any]]:
        jobs = self._request("GET", "/jobs").json()
        if not isinstance(jobs, list):
            raise ChronosError(f"Chronos answered {type(jobs).__name__}, not a list of jobs")
        return jobs

    def graph(self) -> dict[str, tuple[str, str]]:
        return parse_graph_csv(self._request("GET", "/graph/csv").text)

    def status(self, name: str) -> ChronosJobStatus:
        job = self.find(name)
        graph_state = None
        if job is not None and not job.get("successCount") and not job.get("errorCount"):
            graph_state = self.graph().get(name, ("", ""))[1]
        return read_status(job, graph_state)

    def delete(self, name: str) -> bool:
        """Delete the job; False if Chronos had no such job."""
        try:
            self._request("DELETE", f"/job/{quote(name, safe='')}")
        except ChronosError as error:
            if error.status == 400 and "not found" in str(error).lower():
                return False
            raise
        return True

    def kill(self, name: str) -> None:
        """Kill the job's running tasks (`DELETE …/task/kill/NAME`)."""
        self._request("DELETE", f"/task/kill/{quote(name, safe='')}")

    def start(self, name: str) -> None:
        """Run the job now (`PUT …/job/NAME`)."""
        self._request("PUT", f"/job/{quote(name, safe='')}")

    def close(self) -> None:
        self._session.close()

    # Plumbing

    def _throttle(self) -> None:
        now = self._clock()
        if self._last_submit is not None:
            wait = self._last_submit + self.submit_interval_s - now
            if wait > 0:
                self._sleep(wait)
                now = self._clock()
        self._last_submit = now

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = self.base + path
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                answer = self._session.request(method, url, timeout=self.timeout_s, **kwargs)
            except requests.RequestException as error:
                problem = f"cannot reach Chronos at {url}: {error.__class__.__name__}: {error}"
                log.warning("%s %s: %s (attempt %d)", method, path, problem, attempt + 1)
                continue
            if answer.status_code >= 500:
                problem = f"Chronos answered {answer.status_code}: {_message(answer)}"
                log.warning("%s %s: %s (attempt %d)", method, path, problem, attempt + 1)
                continue
            if answer.status_code >= 400:
                raise ChronosError(
                    f"Chronos refused {method} {path} ({answer.status_code}): {_message(answer)}",
                    answer.status_code,
                )
            return answer
        raise ChronosError(f"{method} {path} failed after {self.retries + 1} attempts: {problem}")


def _message(answer: requests.Response) -> str:
    """Chronos's own words: `{"message": …}` (ApiResult) or the body text, shortened."""
    try:
        body = answer.json()
    except ValueError:
        body = answer.text
    if isinstance(body, dict) and body.get("message"):
        body = body["message"]
    text = str(body).strip() or answer.reason or "no message"
    return text if len(text) <= 500 else text[:500] + "…"
