"""The Kubernetes backend: each job is a batch/v1 Job running the algorithm's image.

The Job's manifest is `woken.backends.kubernetes_manifest.job_manifest`. What this
backend does with it:

- **status by watching**: three watches (`kubernetes_watch.ResourceWatch`) on the
  namespace: the Jobs and the pods labelled by this Woken node, and the Warning
  events of Jobs. Every change is pushed through ``on_change``; nothing is polled;
- a pod that runs makes the job RUNNING on its node (`JobStatus.host`, which pins
  the test of a pair); a pod that ends makes it SUCCEEDED or FAILED with the
  container's exit code, once its log has been read into Woken's logs directory;
  only then is ``ttlSecondsAfterFinished`` set on the Job, so the TTL controller
  never deletes a log Woken has not read;
- **pod creation failures never hang**: a container that cannot start (an image
  that cannot be pulled, a bad configuration) fails the job with the kubelet's
  reason; a pod the Job controller cannot create (``FailedCreate``: a quota that
  refuses pods without requests, a full quota, an admission webhook) fails it
  with the API server's message (Woken's own admission bounds how many jobs run:
  keep it under the quota); a Job the API server refuses (422) fails at
  submission with the fields it names;
- the Job's ``activeDeadlineSeconds`` is the job's timeout: ``DeadlineExceeded``
  is TIMED_OUT;
- **cancel** deletes the Job with ``propagationPolicy: Background``: the garbage
  collector deletes its pods, whose kubelet kills the containers (without a
  policy, a Job's deletion orphans its pods, which run on);
- **adoption**: the Job's name is derived from Woken's job id, so submitting a job
  whose Job exists (a resumed experiment after a restart) is answered 409: the
  existing Job is adopted, never run again. `close` leaves running Jobs alone
  for that reason; at start the Jobs this node left are listed in the log.

The client (the official `kubernetes` package) is synchronous; it is called from
the actors' threads and this backend's watch and finishing threads, never from the
aiohttp loop. Every request has a timeout.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from kubernetes import client as k8s
from kubernetes import config as kube_config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from woken.backends.base import JobSpec, JobStatus
from woken.backends.job_table import JobTable, job_status, notify
from woken.backends.kubernetes_manifest import (
    CONTAINER,
    JOB_ID_ANNOTATION,
    job_manifest,
    job_name,
    node_selector,
)
from woken.backends.kubernetes_watch import ResourceWatch
from woken.backends.logs import tail
from woken.config.kubernetes import KubernetesSettings
from woken.errors import BackendError, ConfigurationError
from woken.states import JobState

log = logging.getLogger(__name__)

# A container waiting for one of these will not start without someone's help.
FATAL_WAITING = frozenset({
    "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull",
    "CreateContainerConfigError", "CreateContainerError", "RunContainerError",
})


def api_client(settings: KubernetesSettings) -> k8s.ApiClient:
    """A client configured from the kubeconfig, or from the pod's service account."""
    configuration = k8s.Configuration()
    try:
        if not settings.kubeconfig and os.environ.get("KUBERNETES_SERVICE_HOST"):
            kube_config.load_incluster_config(client_configuration=configuration)
        else:
            kube_config.load_kube_config(
                config_file=settings.kubeconfig or None, context=settings.context or None,
                client_configuration=configuration,
            )
    except (ConfigException, OSError) as error:
        raise ConfigurationError(f"kubernetes backend: cannot load its configuration: {error}"
                                 ) from error
    return k8s.ApiClient(configuration)


@dataclass
class _KubeJob:
    spec: JobSpec
    on_change: Callable[[], None] | None
    name: str
    state: JobState = JobState.QUEUED
    exit_code: int | None = None
    message: str = ""
    node: str | None = None
    pod: str | None = None
    started: float | None = None
    runtime_s: float | None = None
    # Set once its end is being recorded (log read, TTL set): later events are ignored.
    ending: bool = False
    adopted: bool = False
    # The Job's uid once known: events and pods of an earlier Job of the same name
    # (deleted, then created again by a resumed experiment) are not this one's.
    uid: str | None = None

    def owns(self, uid: str | None) -> bool:
        return self.uid is None or uid is None or uid == self.uid


class KubernetesBackend:
    """The backend that runs each job as a Kubernetes Job."""

    name = "kubernetes"
    pushes_changes = True

    def __init__(self, settings: KubernetesSettings, client: k8s.ApiClient | None = None):
        self.settings = settings
        self._client = client or api_client(settings)
        self.batch = k8s.BatchV1Api(self._client)
        self.core = k8s.CoreV1Api(self._client)
        self._table: JobTable[_KubeJob] = JobTable(self.name, threading.RLock())
        self._jobs, self._lock = self._table.jobs, self._table.lock
        self._by_name: dict[str, _KubeJob] = {}
        # Logs are read and TTLs set off the watch threads.
        self._finisher = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kube-finish")
        namespace, timeout = settings.namespace, settings.request_timeout_s
        selector = node_selector(settings.node)
        self._watches = [
            ResourceWatch("jobs", self.batch.list_namespaced_job, self._job_changed,
                          self._jobs_listed, settings.watch_timeout_s, timeout,
                          namespace=namespace, label_selector=selector),
            ResourceWatch("pods", self.core.list_namespaced_pod, self._pod_changed,
                          self._pods_listed, settings.watch_timeout_s, timeout,
                          namespace=namespace, label_selector=selector),
            ResourceWatch("events", self.core.list_namespaced_event, self._event_seen,
                          self._events_listed, settings.watch_timeout_s, timeout,
                          namespace=namespace,
                          field_selector="involvedObject.kind=Job,type=Warning"),
        ]
        for each in self._watches:
            each.start()

    # The Backend interface

    def submit(self, spec: JobSpec, on_change: Callable[[], None] | None = None) -> None:
        manifest = job_manifest(spec, self.settings)
        name = manifest["metadata"]["name"]
        with self._lock:
            job = self._by_name[name] = self._table.add(_KubeJob(spec, on_change, name))
        try:
            created = self.batch.create_namespaced_job(
                self.settings.namespace, manifest,  # type: ignore[arg-type]
                _request_timeout=self.settings.request_timeout_s)
            if created.metadata is not None:
                job.uid = created.metadata.uid
        except ApiException as error:
            if error.status == 409:
                self._adopt(job)
                return
            self._drop(job)
            raise BackendError(f"Kubernetes refused its Job {name}: {api_message(error)}"
                               ) from error
        except Exception as error:  # unreachable, timed out: said, never hung
            self._drop(job)
            raise BackendError(f"the Kubernetes API server cannot be reached to create its "
                               f"Job {name}: {error}") from error
        log.info("job %s (%s %s) submitted as Kubernetes Job %s%s", spec.job_id,
                 spec.algorithm, spec.command, name,
                 f" on {spec.pin_to_host}" if spec.pin_to_host else "")

    def status(self, job_id: str) -> JobStatus:
        with self._lock:
            job = self._jobs.get(job_id)
            return self._table.unknown(job_id) if job is None else job_status(job, job.node)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            job = self._table.unended(job_id)
            if job is None:
                return
            job.ending = True
            self._end(job, JobState.CANCELLED, None, "cancelled")
        self._delete(job.name)

    def logs(self, job_id: str) -> str:
        return tail(self.log_path(job_id), self.settings.stderr_tail_chars)

    def forget(self, job_id: str) -> None:
        with self._lock:
            job = self._table.forget(job_id)
            if job is not None:
                self._by_name.pop(job.name, None)

    def close(self) -> None:
        """Stop watching; running Jobs go on, and a restarted Woken adopts them."""
        with self._lock:
            for job in self._table.close():
                self._end(job, JobState.CANCELLED, None,
                          "Woken is shutting down (its Kubernetes Job goes on)")
        for each in self._watches:
            each.stop(wait_s=0.5)
        self._finisher.shutdown(wait=True, cancel_futures=False)
        self._client.close()

    # What tests and the start-up log look at

    def log_path(self, job_id: str) -> Any:
        return self.settings.logs_dir / f"{job_id}.log"

    def wait_synced(self, timeout_s: float) -> bool:
        """True once every watch has listed its objects (then no change is missed)."""
        deadline = time.monotonic() + timeout_s
        return all(w.synced.wait(max(0.0, deadline - time.monotonic())) for w in self._watches)

    # Adoption

    def _adopt(self, job: _KubeJob) -> None:
        """The Job exists already (submitted before a restart): follow it, run nothing."""
        s = self.settings
        try:
            existing = self.batch.read_namespaced_job(job.name, s.namespace,
                                                      _request_timeout=s.request_timeout_s)
            metadata = existing.metadata
            owner = (metadata.annotations or {}).get(JOB_ID_ANNOTATION) if metadata else None
            if owner != job.spec.job_id:
                raise BackendError(f"the Kubernetes Job {job.name} belongs to job {owner}")
            pods = self.core.list_namespaced_pod(
                s.namespace, label_selector=f"job-name={job.name}",
                _request_timeout=s.request_timeout_s)
        except ApiException as error:
            self._drop(job)
            raise BackendError(f"its Kubernetes Job {job.name} exists but cannot be read: "
                               f"{api_message(error)}") from error
        except BackendError:
            self._drop(job)
            raise
        job.adopted = True
        job.uid = metadata.uid if metadata else None
        log.info("job %s: adopting its Kubernetes Job %s, left running by an earlier Woken",
                 job.spec.job_id, job.name)
        self._job_changed("ADOPTED", existing)
        for pod in pods.items:
            self._pod_changed("ADOPTED", pod)

    # What the watches see (on their threads)

    def _jobs_listed(self, jobs: list[Any]) -> None:
        with self._lock:
            ours = {j.name for j in self._jobs.values()}
        left = [j.metadata.name for j in jobs if j.metadata.name not in ours
                and not _job_finished(j)]
        if left:
            log.info("%d Kubernetes Jobs of this Woken node are running (adopted when their "
                     "experiments resume): %s", len(left), ", ".join(sorted(left)))
        for each in jobs:
            self._job_changed("LISTED", each)

    def _pods_listed(self, pods: list[Any]) -> None:
        for pod in pods:
            self._pod_changed("LISTED", pod)

    def _events_listed(self, events: list[Any]) -> None:
        for event in events:
            self._event_seen("LISTED", event)

    def _job_changed(self, kind: str, item: Any) -> None:
        job = self._tracked(item.metadata.name)
        if job is None or not job.owns(item.metadata.uid):
            return
        if kind == "DELETED":
            self._settle(job, JobState.FAILED, None,
                         f"its Kubernetes Job {job.name} was deleted by someone else")
            return
        for condition in (item.status.conditions or []) if item.status else []:
            if condition.type == "Failed" and condition.status == "True" \
                    and condition.reason == "DeadlineExceeded":
                self._settle(job, JobState.TIMED_OUT, None,
                             f"killed after its timeout of {job.spec.timeout_s:g} s "
                             f"(activeDeadlineSeconds)")

    def _pod_changed(self, kind: str, pod: Any) -> None:
        labels = pod.metadata.labels or {}
        owner = labels.get("job-name")
        job = self._tracked(owner) if owner else None
        if job is None or kind == "DELETED" or not job.owns(labels.get("controller-uid")):
            return
        phase = pod.status.phase if pod.status else None
        node = pod.spec.node_name if pod.spec else None
        statuses = (pod.status.container_statuses or []) if pod.status else []
        container = next((c for c in statuses if c.name == CONTAINER), None)
        state = container.state if container is not None else None
        if state is not None and state.waiting is not None \
                and state.waiting.reason in FATAL_WAITING:
            reason = state.waiting.reason
            self._settle(job, JobState.FAILED, None,
                         f"Kubernetes cannot start its container ({reason}): "
                         f"{state.waiting.message or 'no message'}", delete=True)
        elif phase == "Running":
            with self._lock:
                if job.state is JobState.QUEUED and not job.ending:
                    job.state, job.node, job.pod = JobState.RUNNING, node, pod.metadata.name
                    job.started = time.monotonic()
                    log.info("job %s running on node %s (pod %s)", job.spec.job_id, node,
                             pod.metadata.name)
                    notify(job)
        elif phase in ("Succeeded", "Failed"):
            terminated = state.terminated if state is not None else None
            code = terminated.exit_code if terminated is not None else None
            if terminated is not None and terminated.started_at and terminated.finished_at:
                job.runtime_s = (terminated.finished_at - terminated.started_at).total_seconds()
            with self._lock:
                job.node, job.pod = node or job.node, pod.metadata.name
            if phase == "Succeeded":
                self._settle(job, JobState.SUCCEEDED, code if code is not None else 0, "")
            else:
                why = f"exit code {code}" if code is not None else (
                    f"its pod failed: {pod.status.reason}: {pod.status.message}")
                self._settle(job, JobState.FAILED, code, why)

    def _event_seen(self, kind: str, event: Any) -> None:
        if kind == "DELETED" or event.reason != "FailedCreate":
            return
        job = self._tracked(event.involved_object.name)
        if job is None or not job.owns(event.involved_object.uid):
            return
        self._settle(job, JobState.FAILED, None,
                     f"Kubernetes could not create its pod: {event.message or 'no message'}",
                     delete=True)

    # Ending a job

    def _settle(self, job: _KubeJob, state: JobState, code: int | None, message: str,
                delete: bool = False) -> None:
        """Record the job's end once: its log first, then the Job's TTL, then the state."""
        with self._lock:
            if job.ending or job.state.is_terminal:
                return
            job.ending = True
        self._finisher.submit(self._finish, job, state, code, message, delete)

    def _finish(self, job: _KubeJob, state: JobState, code: int | None, message: str,
                delete: bool) -> None:
        try:
            note = self._read_log(job)
            if delete:
                self._delete(job.name)
            else:
                self._expire(job.name)
            if note:
                message = f"{message} ({note})" if message else note
        except Exception as error:  # whatever it is, the job ends and says it
            log.exception("job %s: recording its end failed", job.spec.job_id)
            message = f"{message} (recording its end failed: {error})"
        with self._lock:
            self._end(job, state, code, message)

    def _read_log(self, job: _KubeJob) -> str:
        """Write the pod's log into Woken's logs directory; '' or why it could not be read."""
        s = self.settings
        path = self.log_path(job.spec.job_id)
        if job.pod is None:
            return ""
        try:
            text = self.core.read_namespaced_pod_log(
                job.pod, s.namespace, container=CONTAINER, limit_bytes=s.log_limit_bytes,
                _request_timeout=s.request_timeout_s)
        except ApiException as error:
            return f"its log could not be read: {api_message(error)}"
        except Exception as error:
            return f"its log could not be read: {error}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text or "", encoding="utf-8")
        return ""

    def _expire(self, name: str) -> None:
        """Let the TTL controller delete the Job (and its pods) now that its log is read."""
        s = self.settings
        try:
            self.batch.patch_namespaced_job(
                name, s.namespace, {"spec": {"ttlSecondsAfterFinished": s.ttl_after_logs_s}},
                _request_timeout=s.request_timeout_s)
        except ApiException as error:
            if error.status != 404:
                log.warning("Job %s: could not set its TTL: %s", name, api_message(error))

    def _delete(self, name: str) -> None:
        """Delete the Job and, through the garbage collector, its pods."""
        s = self.settings
        try:
            self.batch.delete_namespaced_job(
                name, s.namespace, propagation_policy="Background",
                _request_timeout=s.request_timeout_s)
        except ApiException as error:
            if error.status != 404:
                log.warning("Job %s: could not delete it: %s", name, api_message(error))
        except Exception as error:
            log.warning("Job %s: could not delete it: %s", name, error)

    def _end(self, job: _KubeJob, state: JobState, code: int | None, message: str) -> None:
        """Under the lock."""
        if job.state.is_terminal:
            return
        if job.started is not None and job.runtime_s is None:
            job.runtime_s = time.monotonic() - job.started
        job.state, job.exit_code, job.message = state, code, message
        log.info("job %s ended on %s: %s %s", job.spec.job_id, job.node, state.value, message)
        notify(job)

    def _tracked(self, name: str | None) -> _KubeJob | None:
        with self._lock:
            return self._by_name.get(name or "")

    def _drop(self, job: _KubeJob) -> None:
        with self._lock:
            self._jobs.pop(job.spec.job_id, None)
            self._by_name.pop(job.name, None)


def api_message(error: ApiException) -> str:
    """The API server's own message (a Status object's), else the HTTP reason."""
    import json

    try:
        status = json.loads(error.body or "")
    except (TypeError, ValueError):
        return f"{error.status} {error.reason}"
    if not isinstance(status, dict):
        return f"{error.status} {error.reason}"
    return f"{error.status} {status.get('reason') or error.reason}: {status.get('message', '')}"


def _job_finished(job: Any) -> bool:
    conditions = (job.status.conditions or []) if job.status else []
    return any(c.type in ("Complete", "Failed") and c.status == "True" for c in conditions)


__all__ = ["KubernetesBackend", "api_client", "job_name"]
