"""A real Kubernetes control plane for tests: etcd, kube-apiserver, kube-controller-manager.

On loopback, without Docker: etcd from Debian (``etcd-server``), kube-apiserver and
kube-controller-manager v1.20.2 built from Debian's sources by
``scripts/build-kube.sh`` (`make test` runs it when the binaries are missing; they
live outside the repository, in ``/var/cache/woken-kube/v1.20.2/bin`` or
``$WOKEN_KUBE_BIN``).

- TLS with a CA made here (openssl), the admin authenticated by a static token
  (``system:masters``), RBAC authorization, service account keys;
- the controllers the tests exercise: job, garbagecollector, ttl-after-finished
  (a feature gate in 1.20), resourcequota, namespace, serviceaccount(-token),
  persistentvolume-binder;
- no scheduler and no kubelet: `tests.support.test_kubelet` binds the pods and
  runs them as local processes.

Every process runs in its own process group and is killed at the end; a
kubeconfig file (``kubeconfig``) is what clients use, as they would with a real
cluster.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support.started import StartedWhileInside

KUBE_VERSION = "v1.20.2"
DEFAULT_BIN = Path("/var/cache/woken-kube") / KUBE_VERSION / "bin"
START_TIMEOUT_S = 90.0
ADMIN_TOKEN = "woken-test-admin-token"
CONTROLLERS = ("job,garbagecollector,ttl-after-finished,resourcequota,namespace,"
               "serviceaccount,serviceaccount-token,persistentvolume-binder")
FEATURE_GATES = "TTLAfterFinished=true"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def kube_bin() -> Path:
    """The folder of kube-apiserver and kube-controller-manager; fails with what to run."""
    folder = Path(os.environ.get("WOKEN_KUBE_BIN") or DEFAULT_BIN)
    missing = [b for b in ("kube-apiserver", "kube-controller-manager")
               if not (folder / b).is_file()]
    if missing or shutil.which("etcd") is None:
        raise RuntimeError(
            f"the Kubernetes test binaries are missing ({', '.join(missing) or 'etcd'} in "
            f"{folder}): run scripts/build-kube.sh (make test does)")
    return folder


def _openssl(*arguments: str, cwd: Path) -> None:
    subprocess.run(["openssl", *arguments], cwd=cwd, check=True, capture_output=True,
                   timeout=60)


def make_certificates(folder: Path) -> None:
    """A CA, a serving certificate for 127.0.0.1 signed by it, and a service account key."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
             "-out", "ca.crt", "-days", "2", "-subj", "/CN=woken-test-ca", cwd=folder)
    (folder / "san.cnf").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n"
        "extendedKeyUsage=serverAuth,clientAuth\n")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
             "-out", "server.csr", "-subj", "/CN=127.0.0.1", cwd=folder)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.cnf",
             cwd=folder)
    _openssl("genrsa", "-out", "sa.key", "2048", cwd=folder)
    _openssl("rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=folder)


class KubeCluster(StartedWhileInside):
    """etcd + kube-apiserver + kube-controller-manager on loopback, in `workdir`."""

    def __init__(self, workdir: Path, bin_dir: Path | None = None):
        self.workdir = workdir
        self.bin_dir = bin_dir or kube_bin()
        self.etcd_port = free_port()
        self.etcd_peer_port = free_port()
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.certs = workdir / "pki"
        self.kubeconfig = workdir / "kubeconfig"

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        make_certificates(self.certs)
        (self.certs / "tokens.csv").write_text(
            f'{ADMIN_TOKEN},woken-test-admin,1,"system:masters"\n')
        self.write_kubeconfig(self.kubeconfig, ADMIN_TOKEN)
        c = self.certs
        self._spawn("etcd", [
            "etcd", "--data-dir", str(self.workdir / "etcd"), "--name", "woken-test",
            "--listen-client-urls", f"http://127.0.0.1:{self.etcd_port}",
            "--advertise-client-urls", f"http://127.0.0.1:{self.etcd_port}",
            "--listen-peer-urls", f"http://127.0.0.1:{self.etcd_peer_port}",
            "--initial-advertise-peer-urls", f"http://127.0.0.1:{self.etcd_peer_port}",
            "--initial-cluster", f"woken-test=http://127.0.0.1:{self.etcd_peer_port}",
            "--quota-backend-bytes", str(1 << 30),
        ])
        self._spawn("kube-apiserver", [
            str(self.bin_dir / "kube-apiserver"),
            "--etcd-servers", f"http://127.0.0.1:{self.etcd_port}",
            # The address the `kubernetes` service would point to: not a loopback one
            # (refused there), and nothing here connects to it.
            "--bind-address", "127.0.0.1", "--advertise-address", "192.0.2.10",
            "--secure-port", str(self.port), "--insecure-port", "0",
            "--tls-cert-file", str(c / "server.crt"),
            "--tls-private-key-file", str(c / "server.key"),
            "--client-ca-file", str(c / "ca.crt"),
            "--token-auth-file", str(c / "tokens.csv"),
            "--authorization-mode", "RBAC",
            "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file", str(c / "sa.pub"),
            "--service-account-signing-key-file", str(c / "sa.key"),
            "--service-cluster-ip-range", "10.96.0.0/24",
            # Pod logs come from the test kubelet's own HTTPS server.
            "--kubelet-preferred-address-types", "InternalIP",
            "--kubelet-certificate-authority", str(c / "ca.crt"),
            "--kubelet-client-certificate", str(c / "server.crt"),
            "--kubelet-client-key", str(c / "server.key"),
            "--feature-gates", FEATURE_GATES,
            "--cert-dir", str(self.workdir / "apiserver-certs"),
            "--v", "1",
        ])
        self.wait_ready()
        self._spawn("kube-controller-manager", [
            str(self.bin_dir / "kube-controller-manager"),
            "--kubeconfig", str(self.kubeconfig),
            "--controllers", CONTROLLERS,
            "--feature-gates", FEATURE_GATES,
            "--leader-elect=false", "--port", "0", "--secure-port", "0",
            "--service-account-private-key-file", str(c / "sa.key"),
            "--root-ca-file", str(c / "ca.crt"),
            "--use-service-account-credentials=false",
            # Quick reactions: these tests wait for the controllers.
            "--concurrent-gc-syncs", "5", "--kube-api-qps", "200", "--kube-api-burst", "400",
            "--v", "1",
        ])
        self.wait_for_controllers()

    def write_kubeconfig(self, path: Path, token: str, namespace: str = "default") -> None:
        path.write_text(
            "apiVersion: v1\nkind: Config\n"
            "clusters:\n- name: test\n  cluster:\n"
            f"    server: {self.url}\n    certificate-authority: {self.certs / 'ca.crt'}\n"
            f"users:\n- name: user\n  user:\n    token: {token}\n"
            "contexts:\n- name: test\n  context:\n    cluster: test\n    user: user\n"
            f"    namespace: {namespace}\n"
            "current-context: test\n")

    def session(self) -> requests.Session:
        """A plain HTTP session as the admin, for what the tests check directly."""
        session = requests.Session()
        # Not REQUESTS_CA_BUNDLE and the like from the environment: they would override
        # `verify` (and the proxies do not reach loopback).
        session.trust_env = False
        session.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
        session.verify = str(self.certs / "ca.crt")
        return session

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        last = ""
        with self.session() as session:
            while time.monotonic() < deadline:
                self._check_alive()
                try:
                    answer = session.get(f"{self.url}/readyz", timeout=5)
                    if answer.status_code == 200:
                        return
                    last = answer.text[-500:]
                except requests.RequestException as error:
                    last = str(error)
                time.sleep(0.3)
        raise RuntimeError(f"kube-apiserver was not ready within {START_TIMEOUT_S:g} s: {last}"
                           f"\n{self.log_tail('kube-apiserver')}")

    def wait_for_controllers(self) -> None:
        """The serviceaccount controller has made the default namespace's account."""
        deadline = time.monotonic() + START_TIMEOUT_S
        with self.session() as session:
            while time.monotonic() < deadline:
                self._check_alive()
                answer = session.get(
                    f"{self.url}/api/v1/namespaces/default/serviceaccounts/default", timeout=5)
                if answer.status_code == 200:
                    return
                time.sleep(0.3)
        raise RuntimeError("kube-controller-manager made no default service account in time"
                           f"\n{self.log_tail('kube-controller-manager')}")

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.workdir / f"{name}.log"
        try:
            return path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n"
                                   f"{self.log_tail(name)}")

    def _spawn(self, name: str, command: list[str]) -> None:
        with (self.workdir / f"{name}.log").open("wb") as log_file:
            self.processes[name] = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()


if __name__ == "__main__":  # python -m tests.support.kube_cluster DIR: a cluster to play with
    with KubeCluster(Path(sys.argv[1])) as cluster:
        sys.stdout.write(f"export KUBECONFIG={cluster.kubeconfig}\n")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
