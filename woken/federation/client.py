"""The central's HTTP client of its sites: bearer token, TLS settings, a timeout per call.

Synchronous (``requests``, one session per site), called from worker threads: the
aiohttp handlers hand a whole federated run to a thread. Every failure names the
site: down, slow, refused, or an answer that is not what a site answers. Each site's
answer bytes are counted (``SiteClient.bytes_received``), as is every row count it
reports.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import requests

from woken.config.federation import SiteSettings
from woken.errors import BackendError, BadRequest

log = logging.getLogger(__name__)


class SiteUnavailable(BackendError):
    """A site is down, too slow, or answered something that is not a site's answer."""

    def __init__(self, site: str, why: str) -> None:
        super().__init__(f"site '{site}' {why}")
        self.site = site


class SiteRefused(BadRequest):
    """A site refused a step (privacy threshold) or found the request wrong."""

    def __init__(self, site: str, why: str, refused: bool) -> None:
        super().__init__(f"site '{site}' {'refused' if refused else 'rejected'} the step: {why}",
                         {"site": site, "reason": why, "refused": refused})
        self.site = site


class SiteClient:
    """One site, as its central sees it."""

    def __init__(self, settings: SiteSettings, default_timeout_s: float) -> None:
        self.settings = settings
        self.name = settings.name
        self.timeout_s = settings.timeout_s or default_timeout_s
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {settings.token}"
        self._session.verify = settings.verify_tls
        self._lock = threading.Lock()
        self.bytes_received = 0
        self.requests = 0

    def datasets(self) -> list[dict[str, Any]]:
        answer = self._call("GET", "/federation/datasets")
        if not isinstance(answer.get("datasets"), list):
            raise SiteUnavailable(self.name, "answered datasets in an unknown shape")
        return list(answer["datasets"])

    def variables(self, datasets: list[str], exhaustive: bool) -> list[dict[str, Any]]:
        answer = self._call("GET", "/federation/variables", params={
            "datasets": ",".join(datasets), "exhaustive": str(exhaustive).lower()})
        return list(answer.get("variables", []))

    def step(self, step: str, datasets: list[str], params: dict[str, Any], filters: Any
             ) -> dict[str, Any]:
        body = {"step": step, "datasets": datasets, "params": params, "filters": filters}
        answer = self._call("POST", "/federation/step", json=body)
        if not isinstance(answer.get("aggregates"), dict):
            raise SiteUnavailable(self.name, "answered a step without aggregates")
        return answer

    def close(self) -> None:
        self._session.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = f"{self.settings.url}{path}"
        try:
            response = self._session.request(method, url, timeout=self.timeout_s, **kwargs)
        except requests.Timeout:
            raise SiteUnavailable(self.name, f"did not answer within {self.timeout_s:g} s"
                                  ) from None
        except requests.RequestException as error:
            log.warning("site %s: %s", self.name, error)
            raise SiteUnavailable(self.name, "is unreachable (connection failed)") from None
        with self._lock:
            self.bytes_received += len(response.content)
            self.requests += 1
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code == 400 and isinstance(answer, dict):
            details = answer.get("details") or {}
            raise SiteRefused(self.name, str(answer.get("message", "")),
                              bool(isinstance(details, dict) and details.get("refused")))
        if response.status_code in {401, 403}:
            raise SiteUnavailable(self.name, "refused this central's credentials")
        if response.status_code == 502 and isinstance(answer, dict):
            raise SiteUnavailable(self.name, f"could not run the step: {answer.get('message')}")
        if response.status_code == 503:
            raise SiteUnavailable(self.name, "is busy or starting (HTTP 503): try again later")
        if response.status_code != 200 or not isinstance(answer, dict):
            raise SiteUnavailable(self.name, f"answered HTTP {response.status_code}")
        return answer
