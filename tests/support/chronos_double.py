"""A test double of Chronos 3.0.2 (and its Mesos agent): a real HTTP server on loopback.

Written from Chronos's documented API and its source's behaviour (contract §6):

- ``POST …/iso8601`` validates the job as Chronos 3.0.2 does: it answers 400 for
  what Chronos rejects (no name or command, a name outside ``[\\w.-]+``, a
  schedule it cannot parse or that starts more than a year ago, a container
  without image, an unknown network, volume mode or container type, a malformed
  constraint or variable) and *silently replaces* what Chronos replaces (shell
  missing → true, retries missing → 2, cpus/mem/disk zero or not numbers → the
  defaults, a constraint with an unknown operator dropped, unknown fields ignored);
- ``GET …/jobs/search?name=`` (case-insensitive substring, 10 results unless
  ``limit``), ``GET …/jobs``, ``DELETE …/job/NAME`` (400 if unknown),
  ``PUT …/job/NAME``, ``DELETE …/task/kill/NAME`` (500 if unknown, as Chronos),
  ``GET …/graph/csv``;
- each job runs as Mesos would run its Docker image: the image's entrypoint (from
  the algorithm registry) as a local process, with the job's command argument
  (or ``/bin/sh -c COMMAND`` if ``shell`` is true, which is what replacing the
  entrypoint does), the job's environment plus Chronos's (``mesos_task_id``,
  ``CHRONOS_JOB_NAME``, ``HOST``, …), its volumes mapped (a variable naming a
  container path names the host path), and a hostname constraint honoured (a
  job pinned to another host never runs). stdout/stderr go to a Mesos-like
  sandbox: ``<work_dir>/slaves/<agent>/frameworks/<fw>/executors/<task>/runs/latest/``;
- after its run a one-shot job reads back with ``schedule`` ``R0/…``,
  ``disabled: true``, ``successCount``/``errorCount``, ``lastSuccess``/``lastError``;
  a failed run is retried ``retries`` times first.

Faults to inject: `refuse_connections` (the port is closed), `fail_requests`
(answer 500), `lose_new_jobs` / `lose` (a job accepted, then gone), `run_delay_s`
(a slow start, as a slow image pull) and `answer_delay_s` (slow answers).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, unquote, urlsplit

from woken.catalogue.registry import Registry

NAME_PATTERN = re.compile(r"[\w.-]+")
SCHEDULE = re.compile(r"R(\d*)/([^/]*)/(P.+)")
PERIOD = re.compile(r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")
NETWORKS = ("BRIDGE", "HOST", "USER")
CONTAINER_TYPES = ("DOCKER", "MESOS")
VOLUME_MODES = ("RW", "RO")
OPERATORS = ("EQUALS", "LIKE", "UNLIKE")
# Chronos's defaults (mesos_task_cpu, mesos_task_mem, mesos_task_disk).
DEFAULT_CPUS, DEFAULT_MEM, DEFAULT_DISK = 0.1, 128.0, 256.0
TICK_S = 0.01
FRAMEWORK_ID = "chronos-double-0000"


class Rejected(Exception):
    """What Chronos answers 400 for."""


@dataclass
class _Task:
    task_id: str
    process: subprocess.Popen[bytes] | None
    sandbox: Path
    start_at: float
    streams: list[IO[bytes]] = field(default_factory=list)
    killed: bool = False


def images_of(algorithms_dir: Path) -> dict[str, Path]:
    """Docker image → entrypoint, for every algorithm of a registry folder."""
    registry = Registry.load(algorithms_dir)
    specs = [registry.get(code) for code in registry.codes()]
    return {spec.docker_image: spec.entrypoint for spec in specs}


class ChronosDouble:
    def __init__(
        self,
        images: Mapping[str, Path],
        work_dir: Path,
        hostname: str = "agent-1",
        prefix: str = "/v1/scheduler",
    ) -> None:
        self.images = dict(images)
        self.work_dir = work_dir
        self.hostname = hostname
        self.prefix = prefix
        self.agent_id = "agent-double-S0"
        self.jobs: dict[str, dict[str, Any]] = {}
        self.posted: list[dict[str, Any]] = []  # every accepted document, as sent
        self.requests: list[tuple[str, str]] = []
        self._tasks: dict[str, _Task] = {}
        self._dying: list[_Task] = []  # killed with their job's deletion: reaped, not counted
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._connections: set[socket.socket] = set()  # open (keep-alive) client connections
        self._server_thread: threading.Thread | None = None
        self._runner: threading.Thread | None = None
        self._stopping = threading.Event()
        self.port = 0
        # Faults
        self.failing_requests = 0  # how many of the next requests answer 500 (-1: all)
        self.lose_new_jobs = False
        self.run_delay_s = 0.0
        self.answer_delay_s = 0.0

    # Life

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChronosDouble:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._listen()
        self._runner = threading.Thread(target=self._run_jobs, name="chronos-double", daemon=True)
        self._runner.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._close_socket()
        with self._lock:
            for task in self._tasks.values():
                self._kill_task(task)
        if self._runner is not None:
            self._runner.join(timeout=10)
        with self._lock:
            for task in [*self._tasks.values(), *self._dying]:
                if task.process is not None:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        task.process.wait(timeout=5)
                self._close_streams(task)

    def __enter__(self) -> ChronosDouble:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # Faults

    def refuse_connections(self) -> None:
        """Chronos goes away: open connections are cut, new ones refused until
        `accept_connections`."""
        self._close_socket()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def accept_connections(self) -> None:
        self._listen()

    def fail_requests(self, count: int = -1) -> None:
        """Answer 500 to the next `count` requests (-1: until told otherwise, 0: stop)."""
        with self._lock:
            self.failing_requests = count

    def lose(self, name: str) -> None:
        """Chronos loses the job (its state store hiccuped): it is simply gone."""
        with self._lock:
            self.jobs.pop(name, None)
            self._drop_task(name)

    # Queries for the tests

    def job_names(self) -> list[str]:
        with self._lock:
            return sorted(self.jobs)

    def running_processes(self) -> int:
        with self._lock:
            return sum(1 for t in self._tasks.values()
                       if t.process is not None and t.process.poll() is None)

    def wait_until(self, predicate: Any, timeout_s: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(TICK_S)
        return bool(predicate())

    # The HTTP server

    def _listen(self) -> None:
        handler = _handler_for(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._server_thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._server_thread.start()

    def _close_socket(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def handle(self, method: str, raw_path: str, body: bytes) -> tuple[int, Any]:
        """Route one request; returns (status, JSON-able body or text)."""
        if self.answer_delay_s:
            time.sleep(self.answer_delay_s)
        parts = urlsplit(raw_path)
        with self._lock:
            self.requests.append((method, parts.path))
            if self.failing_requests:
                if self.failing_requests > 0:
                    self.failing_requests -= 1
                return 500, {"message": "java.lang.RuntimeException: injected failure",
                             "status": "500 Internal Server Error"}
        if not parts.path.startswith(self.prefix + "/"):
            return 404, "Not Found"
        path = parts.path[len(self.prefix):]
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            if method == "POST" and path == "/iso8601":
                return self._post(body)
            if method == "GET" and path == "/jobs":
                return 200, [self._render(j) for j in self.jobs.values()]
            if method == "GET" and path == "/jobs/search":
                return 200, self._search(query)
            if method == "GET" and path == "/graph/csv":
                return 200, self._graph_csv()
            if path.startswith("/job/") and method in ("DELETE", "PUT"):
                return self._job_route(method, unquote(path[len("/job/"):]))
            if method == "DELETE" and path.startswith("/task/kill/"):
                return self._kill(unquote(path[len("/task/kill/"):]))
        return 404, "Not Found"

    def _post(self, body: bytes) -> tuple[int, Any]:
        try:
            job = self._deserialize(body)
        except Rejected as error:
            return 400, {"message": str(error), "status": "400 Bad Request"}
        if self.lose_new_jobs:
            return 204, None
        old = self.jobs.get(job["name"])
        if old is not None:
            for key in ("successCount", "errorCount", "lastSuccess", "lastError"):
                job[key] = old[key]
        self.jobs[job["name"]] = job
        self.posted.append(json.loads(body))
        return 204, None

    def _search(self, query: Mapping[str, str]) -> list[dict[str, Any]]:
        name = query.get("name", "").lower()
        limit = int(query.get("limit", 10))
        offset = int(query.get("offset", 0))
        found = [j for j in self.jobs.values() if name in j["name"].lower()]
        return [self._render(j) for j in found[offset:offset + limit]]

    def _graph_csv(self) -> str:
        lines = []
        for name, job in self.jobs.items():
            last = ("success" if job["lastSuccess"] >= job["lastError"] and job["lastSuccess"]
                    else "failure" if job["lastError"] else "fresh")
            # Launched (even while its image is pulled): running; waiting for an offer: queued.
            state = ("running" if name in self._tasks
                     else "queued" if not job["disabled"] else "idle")
            lines.append(f"node,{name},{last},{state}")
        return "\n".join(lines) + "\n"

    def _job_route(self, method: str, name: str) -> tuple[int, Any]:
        job = self.jobs.get(name)
        if job is None:
            return 400, f"requirement failed: Job '{name}' not found"
        if method == "DELETE":
            self._drop_task(name)
            del self.jobs[name]
        else:
            job["runNow"] = True
        return 204, None

    def _kill(self, name: str) -> tuple[int, Any]:
        if name not in self.jobs:
            return 500, "Internal Server Error"
        task = self._tasks.get(name)
        if task is not None:
            self._kill_task(task)
        return 204, None

    # Chronos 3.0.2's deserialisation: what it rejects, what it replaces silently

    def _deserialize(self, body: bytes) -> dict[str, Any]:
        try:
            node = json.loads(body)
        except ValueError as error:
            raise Rejected(f"Unexpected character: {error}") from None
        if not isinstance(node, dict):
            raise Rejected("Can not deserialize instance of BaseJob")
        if node.get("name") is None or node.get("command") is None:
            raise Rejected("java.lang.NullPointerException")
        name, command = _text(node["name"]), _text(node["command"])
        if not NAME_PATTERN.fullmatch(name):
            raise Rejected("requirement failed: the job's name is invalid. "
                           "Allowed names: '([\\w\\.-]+)'")
        schedule = _text(node.get("schedule", "R1//PT24H"))
        start = _parse_schedule(schedule)
        epsilon = _text(node.get("epsilon", "PT60S"))
        if not PERIOD.fullmatch(epsilon):
            raise Rejected(f"Invalid format: \"{epsilon}\"")
        container = None
        if "container" in node:
            container = _container(node["container"])
        constraints = []
        for c in _elements(node.get("constraints")):
            if not isinstance(c, list) or len(c) < 3:
                raise Rejected("java.lang.NullPointerException")
            if _text(c[1]) in OPERATORS:  # others are dropped without a word
                constraints.append([_text(c[0]), _text(c[1]), _text(c[2])])
        environment = []
        for v in _elements(node.get("environmentVariables")):
            if not isinstance(v, dict) or v.get("name") is None or v.get("value") is None:
                raise Rejected("java.lang.NullPointerException")
            environment.append({"name": _text(v["name"]), "value": _text(v["value"])})
        return {
            "name": name, "command": command, "schedule": schedule, "start": start,
            "epsilon": epsilon,
            "shell": _as_bool(node["shell"]) if node.get("shell") is not None else True,
            "retries": _as_int(node["retries"]) if node.get("retries") is not None else 2,
            "owner": _text(node.get("owner") or ""),
            "description": _text(node.get("description") or ""),
            "cpus": _resource(node.get("cpus"), DEFAULT_CPUS),
            "mem": _resource(node.get("mem"), DEFAULT_MEM),
            "disk": _resource(node.get("disk"), DEFAULT_DISK),
            "disabled": _as_bool(node.get("disabled", False)),
            "softError": _as_bool(node.get("softError", False)),
            "arguments": [_text(a) for a in _elements(node.get("arguments"))],
            "container": container, "constraints": constraints,
            "environmentVariables": environment,
            "successCount": 0, "errorCount": 0, "lastSuccess": "", "lastError": "",
            "errorsSinceLastSuccess": 0, "remaining": _repetitions(schedule), "attempt": 0,
            "runNow": False,
        }

    def _render(self, job: Mapping[str, Any]) -> dict[str, Any]:
        """A job as Chronos's JobSerializer writes it."""
        document = {k: v for k, v in job.items()
                    if k not in {"start", "remaining", "attempt", "runNow"}}
        if job["remaining"] == 0:
            document["schedule"] = re.sub(r"^R\d*/", "R0/", job["schedule"])
        document.update({"executor": "", "executorFlags": "", "taskInfoData": "",
                         "ownerName": "", "async": False, "highPriority": False,
                         "dataProcessingJobType": False, "fetch": [], "uris": [],
                         "runAsUser": "root", "concurrent": False, "scheduleTimeZone": ""})
        if document["container"] is None:
            del document["container"]
        return document

    # Running jobs: the scheduler, the agent and the Docker executor in one loop

    def _run_jobs(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                self._reap()
                self._reap_dying()
                self._launch_due()
            time.sleep(TICK_S)

    def _launch_due(self) -> None:
        now = datetime.now(UTC)
        for name, job in self.jobs.items():
            if name in self._tasks:
                continue
            due = job["runNow"] or (
                not job["disabled"] and job["remaining"] != 0 and job["start"] <= now
            )
            if due and self._offer_matches(job):
                if not job["runNow"] and job["remaining"] > 0:
                    job["remaining"] -= 1  # the schedule moves on when its task is launched
                job["runNow"] = False
                self._tasks[name] = self._launch(job)

    def _offer_matches(self, job: Mapping[str, Any]) -> bool:
        attributes = {"hostname": self.hostname}
        for attribute, operator, value in job["constraints"]:
            actual = attributes.get(attribute)
            if actual is None:
                return False
            matched = re.fullmatch(value, actual) is not None if operator != "EQUALS" \
                else actual == value
            if matched == (operator == "UNLIKE"):
                return False
        return True

    def _launch(self, job: dict[str, Any]) -> _Task:
        due = int(job["start"].timestamp() * 1000)
        task_id = f"ct:{due}:{job['attempt']}:{job['name']}:"
        run = self.work_dir / "slaves" / self.agent_id / "frameworks" / FRAMEWORK_ID / \
            "executors" / task_id / "runs"
        sandbox = run / f"run-{time.monotonic_ns()}"
        sandbox.mkdir(parents=True)
        latest = run / "latest"
        latest.unlink(missing_ok=True)
        latest.symlink_to(sandbox.name)
        task = _Task(task_id, None, sandbox, time.monotonic() + self.run_delay_s)
        return task

    def _start_process(self, job: Mapping[str, Any], task: _Task) -> None:
        stdout = (task.sandbox / "stdout").open("ab")
        stderr = (task.sandbox / "stderr").open("ab")
        task.streams = [stdout, stderr]
        container = job["container"] or {}
        mounts = {v["containerPath"]: v["hostPath"] for v in container.get("volumes", [])
                  if v.get("hostPath")}
        environment = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": os.environ.get("HOME", "/tmp"), "LANG": os.environ.get("LANG", "C.UTF-8"),
            "PYTHONUNBUFFERED": "1",
            **{v["name"]: _mapped(v["value"], mounts) for v in job["environmentVariables"]},
            "mesos_task_id": task.task_id, "MESOS_SANDBOX": str(task.sandbox),
            "CHRONOS_JOB_OWNER": job["owner"], "CHRONOS_JOB_NAME": job["name"],
            "HOST": self.hostname, "CHRONOS_RESOURCE_MEM": str(job["mem"]),
            "CHRONOS_RESOURCE_CPU": str(job["cpus"]), "CHRONOS_RESOURCE_DISK": str(job["disk"]),
        }
        entrypoint = self.images.get(container.get("image", ""))
        if entrypoint is None:
            stderr.write(f"Failed to launch container: docker pull "
                         f"{container.get('image')!r}: image not found\n".encode())
            stderr.flush()
            return
        if job["shell"]:  # Mesos replaces the image's entrypoint by a shell
            argv = ["/bin/sh", "-c", job["command"]]
        else:
            argv = [str(entrypoint), job["command"], *job["arguments"]]
        cwd = next(iter(mounts.values()), str(task.sandbox))
        task.process = subprocess.Popen(
            argv, cwd=cwd, env=environment, stdin=subprocess.DEVNULL, stdout=stdout,
            stderr=stderr, start_new_session=True,
        )

    def _reap(self) -> None:
        now = time.monotonic()
        for name, task in list(self._tasks.items()):
            job = self.jobs[name]
            if task.process is None and not task.streams:
                if task.killed:
                    del self._tasks[name]
                elif now >= task.start_at:
                    self._start_process(job, task)
                    if task.process is None:  # it could not start: a failed run
                        self._finish(name, job, task, 1)
                continue
            code = task.process.poll() if task.process is not None else 1
            if code is not None:
                self._finish(name, job, task, code)

    def _finish(self, name: str, job: dict[str, Any], task: _Task, code: int) -> None:
        self._close_streams(task)
        del self._tasks[name]
        if task.killed:  # TASK_KILLED: Chronos counts neither a success nor an error
            job["disabled"] = job["disabled"] or job["remaining"] == 0
            return
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        if code == 0:
            job["successCount"] += 1
            job["lastSuccess"] = stamp
            job["errorsSinceLastSuccess"] = 0
        else:
            job["errorCount"] += 1
            job["lastError"] = stamp
            job["errorsSinceLastSuccess"] += 1
            if job["attempt"] < job["retries"]:
                job["attempt"] += 1
                job["runNow"] = True
                return
        job["attempt"] = 0
        if job["remaining"] == 0:
            job["disabled"] = True

    def _drop_task(self, name: str) -> None:
        task = self._tasks.pop(name, None)
        if task is not None:
            self._kill_task(task)
            self._dying.append(task)

    def _reap_dying(self) -> None:
        for task in list(self._dying):
            if task.process is None or task.process.poll() is not None:
                self._close_streams(task)
                self._dying.remove(task)

    def _kill_task(self, task: _Task) -> None:
        task.killed = True
        if task.process is not None and task.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(task.process.pid, signal.SIGKILL)

    @staticmethod
    def _close_streams(task: _Task) -> None:
        for stream in task.streams:
            stream.close()


@contextlib.contextmanager
def running_double(images: Mapping[str, Path], work_dir: Path, **options: Any
                   ) -> Iterator[ChronosDouble]:
    double = ChronosDouble(images, work_dir, **options)
    double.start()
    try:
        yield double
    finally:
        double.stop()


def _handler_for(double: ChronosDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            with double._lock:
                double._connections.add(self.connection)

        def finish(self) -> None:
            with double._lock:
                double._connections.discard(self.connection)
            with contextlib.suppress(OSError):
                super().finish()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, payload = double.handle(self.command, self.path, body)
            if payload is None:
                data, kind = b"", "application/json"
            elif isinstance(payload, str):
                data, kind = payload.encode(), "text/plain"
            else:
                data, kind = json.dumps(payload).encode(), "application/json"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data:
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _container(node: Any) -> dict[str, Any]:
    if not isinstance(node, dict) or node.get("image") is None:
        raise Rejected("java.lang.NullPointerException")
    network = _text(node.get("network") or "HOST")
    if network not in NETWORKS:
        raise Rejected(f"java.util.NoSuchElementException: No value found for '{network}'")
    kind = _text(node.get("type") or "DOCKER").upper()
    if kind not in CONTAINER_TYPES:
        raise Rejected(f"java.util.NoSuchElementException: No value found for '{kind}'")
    volumes = []
    for v in _elements(node.get("volumes")):
        if not isinstance(v, dict) or v.get("containerPath") is None:
            raise Rejected("java.lang.NullPointerException")
        mode = _text(v["mode"]).upper() if v.get("mode") is not None else None
        if mode is not None and mode not in VOLUME_MODES:
            raise Rejected(f"java.util.NoSuchElementException: No value found for '{mode}'")
        volume = {"containerPath": _text(v["containerPath"]), "mode": mode}
        if v.get("hostPath") is not None:
            volume["hostPath"] = _text(v["hostPath"])
        volumes.append(volume)
    parameters = []
    for p in _elements(node.get("parameters")):
        if not isinstance(p, dict) or p.get("key") is None or p.get("value") is None:
            raise Rejected("java.lang.NullPointerException")
        parameters.append({"key": _text(p["key"]), "value": _text(p["value"])})
    force = node.get("forcePullImage")
    return {
        "type": kind, "image": _text(node["image"]), "network": network, "volumes": volumes,
        "parameters": parameters, "networkInfos": [],
        "forcePullImage": str(force).lower() == "true" if force is not None else False,
    }


def _parse_schedule(schedule: str) -> datetime:
    match = SCHEDULE.fullmatch(schedule)
    if match is None or not PERIOD.fullmatch(match.group(3)):
        raise Rejected(f"Cannot parse schedule '{schedule}' (wtf bro)")
    now = datetime.now(UTC)
    if not match.group(2):
        return now
    try:
        start = datetime.fromisoformat(match.group(2).replace("Z", "+00:00"))
    except ValueError:
        raise Rejected(f"Cannot parse schedule '{schedule}' (wtf bro)") from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if start < now - timedelta(days=365):
        raise Rejected(f"Scheduled start date '{start.isoformat()}' is more than 1 year in the "
                       "past!")
    return start


def _repetitions(schedule: str) -> int:
    match = SCHEDULE.fullmatch(schedule)
    count = match.group(1) if match else ""
    return int(count) if count else -1  # R without a count repeats forever


def _mapped(value: str, mounts: Mapping[str, str]) -> str:
    """A path inside the container, as the host sees it (what the bind mount does)."""
    for container_path, host_path in mounts.items():
        if value == container_path or value.startswith(container_path.rstrip("/") + "/"):
            return host_path + value[len(container_path):]
    return value


def _elements(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []


def _text(node: Any) -> str:
    """Jackson's asText: a string as is, a number or boolean as its text."""
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, dict | list):
        return ""
    return str(node)


def _as_bool(node: Any) -> bool:
    """Jackson's asBoolean: true, "true", or a non-zero number."""
    if isinstance(node, bool):
        return node
    if isinstance(node, int | float):
        return node != 0
    return isinstance(node, str) and node.strip() == "true"


def _as_int(node: Any) -> int:
    """Jackson's asInt: numbers truncated, numeric text parsed, anything else 0."""
    if isinstance(node, bool):
        return int(node)
    if isinstance(node, int | float):
        return int(node)
    try:
        return int(float(str(node).strip()))
    except ValueError:
        return 0


def _resource(node: Any, default: float) -> float:
    """cpus, mem, disk: zero, missing or not a number means Chronos's default."""
    if isinstance(node, bool) or node is None:
        return default
    try:
        value = float(node)
    except (TypeError, ValueError):
        return default
    return value if value != 0 else default
