"""One resumable watch of a Kubernetes resource: list once, then watch from there, for ever.

The thread lists the objects (handing them to `relisted`), then watches from the
list's resourceVersion, handing each change to `changed`. A watch request lasts
`timeout_s` on the server (and is bounded on the client too, so a silent
connection cannot hang it); it is then renewed from the last resourceVersion seen.
A 410 Gone (the version is too old) lists again. An API server that cannot be
reached is retried with a back-off of at most `MAX_BACKOFF_S`; it is logged, and
`unreachable` is told the error (jobs waiting on it learn why).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from kubernetes import watch
from kubernetes.client.exceptions import ApiException

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 5.0


class ResourceWatch:
    """A daemon thread watching one kind of object with a selector, until `stop`."""

    def __init__(
        self,
        what: str,
        list_function: Callable[..., Any],
        changed: Callable[[str, Any], None],
        relisted: Callable[[list[Any]], None],
        timeout_s: int,
        request_timeout_s: float,
        unreachable: Callable[[str], None] | None = None,
        **selectors: Any,
    ) -> None:
        self.what = what
        self._list = list_function
        self._changed = changed
        self._relisted = relisted
        self._unreachable = unreachable
        self._timeout_s = timeout_s
        self._request_timeout_s = request_timeout_s
        self._selectors = selectors
        self._stop = threading.Event()
        self._watch: watch.Watch | None = None
        # Set once the first list has been handed over.
        self.synced = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"kube-watch-{what}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait_s: float = 1.0) -> None:
        self._stop.set()
        current = self._watch
        if current is not None:
            current.stop()
        self._thread.join(timeout=wait_s)

    def _run(self) -> None:
        version: str | None = None
        backoff = 0.2
        while not self._stop.is_set():
            try:
                if version is None:
                    listing = self._list(**self._selectors,
                                         _request_timeout=self._request_timeout_s)
                    version = listing.metadata.resource_version
                    self._relisted(list(listing.items))
                    self.synced.set()
                version = self._follow(version)
                backoff = 0.2
            except ApiException as error:
                if error.status == 410:
                    log.info("watch of %s: version too old, listing again", self.what)
                    version = None
                    continue
                self._failed(f"the API server answered {error.status} {error.reason}", backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
            except Exception as error:  # connection refused, reset, timed out: retried
                self._failed(f"the API server cannot be reached: {error}", backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)

    def _follow(self, version: str) -> str | None:
        """Watch from ``version`` until the request ends; the last version seen (None: relist)."""
        self._watch = watch.Watch()
        try:
            for event in self._watch.stream(
                self._list, resource_version=version, timeout_seconds=self._timeout_s,
                _request_timeout=(self._request_timeout_s, self._timeout_s + 10),
                **self._selectors,
            ):
                if self._stop.is_set():
                    break
                kind, item = event["type"], event["object"]
                if kind == "ERROR":
                    raw = event.get("raw_object") or {}
                    if raw.get("code") == 410:
                        return None
                    raise ApiException(status=raw.get("code"), reason=raw.get("message"))
                metadata = getattr(item, "metadata", None)
                if metadata is not None and metadata.resource_version:
                    version = metadata.resource_version
                if kind != "BOOKMARK":
                    self._changed(kind, item)
        finally:
            self._watch.stop()
            self._watch = None
        return version

    def _failed(self, reason: str, backoff: float) -> None:
        if self._stop.is_set():
            return
        log.warning("watch of %s: %s; again in %.1f s", self.what, reason, backoff)
        if self._unreachable is not None:
            try:
                self._unreachable(reason)
            except Exception:
                log.exception("watch of %s: its failure callback failed", self.what)
        self._stop.wait(backoff)
