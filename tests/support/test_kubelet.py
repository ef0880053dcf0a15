"""A small kubelet (and scheduler) for tests: pods run as local processes, on loopback.

There is no kubelet without a container runtime, so this program plays both missing
parts of the control plane, through the real API server:

- **nodes**: it registers its nodes (``--nodes node-a,node-b``), Ready, with
  ``kubernetes.io/hostname`` labels, capacity, and its log server as their kubelet
  endpoint;
- **scheduler**: a pod without a node is bound (a Binding) to one of them, round
  robin, honouring a ``kubernetes.io/hostname`` node selector;
- **kubelet**: a pod bound to one of its nodes runs. Its image must be one of
  ``--images`` (a JSON file: image -> {"entrypoint": [argv], "env": {...}}, what the
  image's ENTRYPOINT and ENV would be); any other image is answered as a real
  kubelet does: the container waits in ``ErrImagePull``. The container's command
  (or the image's entrypoint) and args run as one process in its own session and
  mount namespace, where each volume mount is bound at its mount path
  (persistentVolumeClaim -> its bound PersistentVolume's hostPath; hostPath;
  emptyDir), with the container's environment and working directory. Its stdout
  and stderr go to its log file; the pod goes Running, then Succeeded or Failed
  with the exit code (``containerStatuses[].state.terminated``);
- **deletion**: a pod being deleted (``deletionTimestamp``) gets SIGTERM, then
  SIGKILL after its grace period (at most 2 s here), and is then removed for good
  (a delete with grace period 0), as a kubelet confirms a graceful deletion;
- **logs**: an HTTPS server answers the API server's ``/containerLogs/<namespace>/
  <pod>/<container>`` (``tailLines``, ``limitBytes``), which serves ``pods/log``.

Run: ``python -m tests.support.test_kubelet --kubeconfig K --nodes a,b --images I.json
--port P --cert C --key K --workdir W``. It prints ``ready`` once its nodes are Ready.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import itertools
import json
import logging
import os
import shlex
import signal
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from kubernetes import client as k8s
from kubernetes import config as kube_config
from kubernetes import watch
from kubernetes.client.exceptions import ApiException

log = logging.getLogger("test-kubelet")
HOSTNAME_LABEL = "kubernetes.io/hostname"
MAX_GRACE_S = 2.0
TIMEOUT = 10


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Kubelet:
    """The nodes, the binder, the pods' processes and their logs."""

    def __init__(self, api: k8s.ApiClient, nodes: list[str], images: dict[str, Any],
                 port: int, workdir: Path):
        self.core = k8s.CoreV1Api(api)
        self.nodes = nodes
        self.images = images
        self.port = port
        self.workdir = workdir
        self.logs_dir = workdir / "logs"
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        self._next_node = itertools.cycle(nodes)
        self._lock = threading.Lock()
        # pod uid -> its process (None while it is being started)
        self._running: dict[str, subprocess.Popen[bytes] | None] = {}
        self._finalized: set[str] = set()
        self._bound: set[str] = set()

    # Nodes

    def register(self) -> None:
        for name in self.nodes:
            body = {"metadata": {"name": name, "labels": {HOSTNAME_LABEL: name}}}
            with contextlib.suppress(ApiException):
                self.core.create_node(body, _request_timeout=TIMEOUT)
            stamp = now()
            status = {"status": {
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                "message": "test kubelet is ready",
                                "lastHeartbeatTime": stamp, "lastTransitionTime": stamp}],
                "addresses": [{"type": "InternalIP", "address": "127.0.0.1"},
                              {"type": "Hostname", "address": name}],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": self.port}},
                "capacity": {"cpu": "8", "memory": "16Gi", "pods": "110"},
                "allocatable": {"cpu": "8", "memory": "16Gi", "pods": "110"},
                "nodeInfo": {"machineID": name, "systemUUID": name, "bootID": name,
                             "kernelVersion": os.uname().release, "osImage": "test",
                             "containerRuntimeVersion": "test://1", "kubeletVersion": "v1.20.2",
                             "kubeProxyVersion": "v1.20.2", "operatingSystem": "linux",
                             "architecture": "amd64"},
            }}
            self.core.patch_node_status(name, status, _request_timeout=TIMEOUT)

    # The pod loop

    def run(self) -> None:
        version = None
        while True:
            try:
                if version is None:
                    listing = self.core.list_pod_for_all_namespaces(_request_timeout=TIMEOUT)
                    version = listing.metadata.resource_version
                    for pod in listing.items:
                        self.handle("LISTED", pod)
                stream = watch.Watch().stream(
                    self.core.list_pod_for_all_namespaces, resource_version=version,
                    timeout_seconds=30, _request_timeout=(TIMEOUT, 40))
                for event in stream:
                    if event["type"] == "ERROR":
                        version = None
                        break
                    pod = event["object"]
                    version = pod.metadata.resource_version
                    self.handle(event["type"], pod)
            except ApiException as error:
                if error.status == 410:
                    version = None
                else:
                    log.warning("pod watch: %s", error)
                    time.sleep(0.5)
            except Exception as error:
                log.warning("pod watch: %s", error)
                time.sleep(0.5)

    def handle(self, kind: str, pod: Any) -> None:
        uid, node = pod.metadata.uid, pod.spec.node_name
        if kind == "DELETED":
            self.stop(uid, 0.0)
            return
        if node is None:
            if uid not in self._bound:
                self.bind(pod)
            return
        if node not in self.nodes:
            return
        if pod.metadata.deletion_timestamp is not None:
            if uid not in self._finalized:
                self._finalized.add(uid)
                threading.Thread(target=self.finalize, args=(pod,), daemon=True).start()
            return
        if pod.status.phase == "Pending":
            with self._lock:
                if uid in self._running:
                    return
                self._running[uid] = None
            threading.Thread(target=self.start, args=(pod,), daemon=True).start()

    def bind(self, pod: Any) -> None:
        wanted = (pod.spec.node_selector or {}).get(HOSTNAME_LABEL)
        if wanted is not None and wanted not in self.nodes:
            return
        node = wanted or next(self._next_node)
        body = {"apiVersion": "v1", "kind": "Binding",
                "metadata": {"name": pod.metadata.name},
                "target": {"apiVersion": "v1", "kind": "Node", "name": node}}
        try:
            self.core.create_namespaced_pod_binding(
                pod.metadata.name, pod.metadata.namespace, body, _preload_content=False,
                _request_timeout=TIMEOUT)
            self._bound.add(pod.metadata.uid)
        except ApiException as error:
            log.warning("binding %s: %s", pod.metadata.name, error.reason)

    # Running a pod

    def start(self, pod: Any) -> None:
        name, namespace = pod.metadata.name, pod.metadata.namespace
        container = pod.spec.containers[0]
        image = self.images.get(container.image)
        if image is None:
            self.set_status(pod, "Pending", {"waiting": {
                "reason": "ErrImagePull",
                "message": f"rpc error: code = Unknown desc = pull access denied for "
                           f"{container.image}, repository does not exist or may require "
                           f"authorization"}})
            return
        try:
            argv = [*(container.command or image["entrypoint"]), *(container.args or [])]
            env = {**image.get("env", {})}
            for variable in container.env or []:
                if variable.value_from is not None:
                    raise ValueError(f"env {variable.name}: valueFrom is not supported here")
                env[variable.name] = variable.value or ""
            mounts = self.mounts(pod, container)
        except (ValueError, ApiException, OSError) as error:
            self.set_status(pod, "Pending", {"waiting": {
                "reason": "CreateContainerConfigError", "message": str(error)}})
            return
        script = "set -e\n" + "".join(
            f"mkdir -p {shlex.quote(target)}\nmount --bind {shlex.quote(source)} "
            f"{shlex.quote(target)}\n" for target, source in mounts)
        script += f"cd {shlex.quote(container.working_dir or '/')}\nexec \"$@\"\n"
        log_path = self.log_path(namespace, name, container.name)
        started = now()
        with log_path.open("ab") as output:
            process = subprocess.Popen(
                ["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                 container.name, *argv],
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, env=env,
                start_new_session=True)
        with self._lock:
            if self._running.get(pod.metadata.uid, "gone") == "gone":
                # Deleted while it was being started.
                _kill(process, 0.0)
                return
            self._running[pod.metadata.uid] = process
        container_id = f"test://{process.pid}"
        self.set_status(pod, "Running", {"running": {"startedAt": started}}, container_id)
        code = process.wait()
        with self._lock:
            deleted = self._running.pop(pod.metadata.uid, None) is None
        if deleted:
            return
        phase = "Succeeded" if code == 0 else "Failed"
        self.set_status(pod, phase, {"terminated": {
            "exitCode": code if code >= 0 else 128 - code,
            "reason": "Completed" if code == 0 else "Error",
            "startedAt": started, "finishedAt": now(), "containerID": container_id}},
            container_id)

    def mounts(self, pod: Any, container: Any) -> list[tuple[str, str]]:
        """(mount path, host path) of each volume mount of the container."""
        volumes = {v.name: v for v in pod.spec.volumes or []}
        result = []
        for mount in container.volume_mounts or []:
            volume = volumes.get(mount.name)
            if volume is None:
                raise ValueError(f"volume mount {mount.name} names no volume")
            if volume.persistent_volume_claim is not None:
                claim = self.core.read_namespaced_persistent_volume_claim(
                    volume.persistent_volume_claim.claim_name, pod.metadata.namespace,
                    _request_timeout=TIMEOUT)
                if not claim.spec.volume_name:
                    raise ValueError(f"claim {claim.metadata.name} is not bound")
                bound = self.core.read_persistent_volume(claim.spec.volume_name,
                                                         _request_timeout=TIMEOUT)
                base = Path(bound.spec.host_path.path)
            elif volume.host_path is not None:
                base = Path(volume.host_path.path)
            elif volume.empty_dir is not None:
                base = self.workdir / "pods" / pod.metadata.uid / volume.name
            else:
                raise ValueError(f"volume {volume.name}: only claims, hostPath and emptyDir")
            source = base / (mount.sub_path or "")
            source.mkdir(parents=True, exist_ok=True)
            result.append((mount.mount_path, str(source)))
        return result

    def set_status(self, pod: Any, phase: str, state: dict[str, Any],
                   container_id: str = "") -> None:
        container = pod.spec.containers[0]
        status: dict[str, Any] = {
            "name": container.name, "image": container.image,
            "imageID": f"test://{container.image}", "restartCount": 0,
            "ready": phase == "Running", "started": phase == "Running", "state": state,
        }
        if container_id:
            status["containerID"] = container_id
        body = {"status": {
            "phase": phase, "hostIP": "127.0.0.1", "podIP": "127.0.0.1",
            "startTime": now(), "containerStatuses": [status],
        }}
        try:
            self.core.patch_namespaced_pod_status(pod.metadata.name, pod.metadata.namespace,
                                                  body, _request_timeout=TIMEOUT)
        except ApiException as error:
            log.warning("status of %s: %s", pod.metadata.name, error.reason)

    # Deleting a pod

    def finalize(self, pod: Any) -> None:
        grace = pod.metadata.deletion_grace_period_seconds
        self.stop(pod.metadata.uid, min(MAX_GRACE_S, float(grace or 0)))
        with contextlib.suppress(ApiException):
            self.core.delete_namespaced_pod(
                pod.metadata.name, pod.metadata.namespace, grace_period_seconds=0,
                _request_timeout=TIMEOUT)

    def stop(self, uid: str, grace_s: float) -> None:
        with self._lock:
            process = self._running.pop(uid, None)
        if process is not None:
            _kill(process, grace_s)

    def log_path(self, namespace: str, pod: str, container: str) -> Path:
        return self.logs_dir / f"{namespace}_{pod}_{container}.log"


def _kill(process: subprocess.Popen[bytes], grace_s: float) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace_s)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def log_server(kubelet: Kubelet, port: int, cert: str, key: str) -> ThreadingHTTPServer:
    """The kubelet's HTTPS endpoint for container logs."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            parts = url.path.strip("/").split("/")
            if len(parts) != 4 or parts[0] != "containerLogs":
                self.send_error(404)
                return
            path = kubelet.log_path(parts[1], parts[2], parts[3])
            if not path.is_file():
                self.send_error(404, "no such container")
                return
            query = parse_qs(url.query)
            data = path.read_bytes()
            if "tailLines" in query:
                lines = data.splitlines(keepends=True)
                data = b"".join(lines[-int(query["tailLines"][0]):])
            if "limitBytes" in query:
                data = data[:int(query["limitBytes"][0])]
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--nodes", default="node-a,node-b")
    parser.add_argument("--images", required=True, type=Path)
    parser.add_argument("--port", required=True, type=int)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--workdir", required=True, type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    configuration = k8s.Configuration()
    kube_config.load_kube_config(config_file=args.kubeconfig,
                                 client_configuration=configuration)
    kubelet = Kubelet(k8s.ApiClient(configuration), args.nodes.split(","),
                      json.loads(args.images.read_text()), args.port, args.workdir)
    log_server(kubelet, args.port, args.cert, args.key)
    kubelet.register()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    kubelet.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
