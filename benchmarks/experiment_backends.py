"""The same experiment on the local, Dask and Kubernetes backends, in one run, vs scikit-learn.

Same experiment as ``experiment_vs_sklearn.py`` (breast cancer, k-fold, three
algorithms), through ``woken serve``'s HTTP API on each backend in turn:

- local: the fork launcher, two jobs at once;
- Dask: a real scheduler and two ``--nthreads 1`` workers on this machine, warm
  (each worker forks its jobs from a fork server);
- Kubernetes: a real kube-apiserver, kube-controller-manager and etcd on loopback, and
  the test kubelet (``tests/support/test_kubelet.py``: each pod a local process in its
  own mount namespace), the volumes a bound claim (``scripts/build-kube.sh`` builds the
  control plane once per machine).

Prints each one's time and ratio to scikit-learn in-process (the baseline), Dask's
ratio to local, and each backend's job overhead: the p50, over sequential knn
``compute`` jobs sent to the backend itself, of the time from submission to the end
seen by Woken minus the job's process's own runtime (on Kubernetes, whose runtimes
are whole seconds, minus the p50 runtime of the same job exec'd by the local backend:
the test kubelet execs each pod's entrypoint, a fresh interpreter, as a container
start would).

    .venv/bin/python benchmarks/experiment_backends.py [--k 5] [--repeat 2] [--jobs 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.experiment_dask_vs_local import time_woken
from benchmarks.experiment_vs_sklearn import (
    ALGORITHMS,
    DATASET,
    experiment_body,
    features,
    time_sklearn,
)
from tests.integration.backends.test_fork_launcher import knn, knn_volume
from tests.support.dask_cluster import DaskCluster
from tests.support.kube_cluster import KubeCluster
from tests.support.kube_nodes import TestKubelet, algorithm_images, create_volumes_claim
from woken.backends.base import Backend
from woken.backends.dask_backend import DaskBackend
from woken.backends.kubernetes_backend import KubernetesBackend
from woken.backends.local import LocalBackend
from woken.catalogue.registry import Registry
from woken.config import ALGORITHMS_DIR
from woken.config.dask import DaskSettings
from woken.config.kubernetes import KubernetesSettings

# The image the test kubelet knows as knn's (the tests' knn job names another).
KNN_IMAGE = Registry.load(ALGORITHMS_DIR).get("knn").docker_image


def job_overhead(backend: Backend, volumes: Path, jobs: int, tag: str) -> tuple[float, float]:
    """(p50 latency, p50 process runtime) of sequential knn jobs, the first two left out."""
    latencies, runtimes = [], []
    for n in range(jobs + 2):
        spec = replace(knn(knn_volume(volumes / f"{tag}-{n}" / "volume"), f"{tag}-{n}",
                           "compute"), docker_image=KNN_IMAGE)
        ended = threading.Event()
        started = time.perf_counter()
        backend.submit(spec, on_change=lambda s=spec, e=ended: backend.status(s.job_id)
                       .is_terminal and e.set())
        deadline = started + 120
        while not backend.status(spec.job_id).is_terminal:
            if time.perf_counter() > deadline:
                raise SystemExit(f"{tag}: job {spec.job_id} did not end")
            ended.wait(0.5)
        latency = time.perf_counter() - started
        status = backend.status(spec.job_id)
        if status.state.value != "succeeded":
            raise SystemExit(f"{tag}: job failed: {status.message} {backend.logs(spec.job_id)}")
        if n >= 2:
            latencies.append(latency)
            runtimes.append(status.runtime_s or 0.0)
        backend.forget(spec.job_id)
    return statistics.median(latencies), statistics.median(runtimes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=15)
    args = parser.parse_args()

    codes, x, y = features()
    body = experiment_body(codes, args.k)
    _, warm = time_sklearn(x, y, args.k, args.repeat)
    baseline = statistics.median(warm)
    print(f"data set {DATASET}: {len(y)} rows; {len(ALGORITHMS)} algorithms x {args.k} folds; "
          f"scikit-learn in-process {baseline:.3f} s (median of {args.repeat})")
    results: dict[str, float] = {}
    overheads: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with DaskCluster(tmp / "dask") as dask_cluster, KubeCluster(tmp / "kube") as kube:
            woken_volumes = tmp / "woken-kube" / "var" / "volumes"
            woken_volumes.mkdir(parents=True)
            create_volumes_claim(kube, "default", woken_volumes)
            with TestKubelet(kube, tmp / "kubelet", algorithm_images()):
                runs = {
                    "local": ({"WOKEN_BACKEND": "local"}, None),
                    "dask": ({"WOKEN_BACKEND": "dask",
                              "WOKEN_DASK_SCHEDULER_ADDRESS": dask_cluster.address}, None),
                    "kubernetes": ({"WOKEN_BACKEND": "kubernetes",
                                    "WOKEN_KUBERNETES_KUBECONFIG": str(kube.kubeconfig)},
                                   woken_volumes.parent),
                }
                for name, (env, data_dir) in runs.items():
                    times = time_woken(env, body, args.repeat, data_dir=data_dir)
                    results[name] = statistics.median(times)
                    print(f"woken, {name:11}: {results[name]:7.3f} s (runs: "
                          f"{', '.join(f'{t:.2f}' for t in times)})  ratio to scikit-learn "
                          f"{results[name] / baseline:5.2f}x", flush=True)
                print(f"dask / local: {results['dask'] / results['local']:.2f}x; "
                      f"kubernetes / local: {results['kubernetes'] / results['local']:.2f}x")
                logs = tmp / "logs"
                backends: dict[str, Backend] = {
                    "local": LocalBackend(logs / "local", launcher="fork"),
                    "local (exec)": LocalBackend(logs / "local-exec", launcher="exec"),
                    "dask": DaskBackend(DaskSettings(
                        scheduler_address=dask_cluster.address, logs_dir=logs / "dask")),
                    "kubernetes": KubernetesBackend(KubernetesSettings(
                        kubeconfig=str(kube.kubeconfig), volumes_dir=woken_volumes,
                        logs_dir=logs / "kubernetes", node="benchmark")),
                }
                for name, backend in backends.items():
                    try:
                        volumes = woken_volumes if name == "kubernetes" else tmp / name
                        overheads[name] = job_overhead(backend, volumes, args.jobs,
                                                       name.replace(" (", "-").rstrip(")"))
                    finally:
                        backend.close()
    # The test kubelet execs each pod's entrypoint (a fresh interpreter, as a container
    # start would): its runtime is the exec'd local process's.
    exec_runtime = overheads["local (exec)"][1]
    print(f"job overhead, p50 of {args.jobs} sequential knn jobs (latency - process runtime):")
    for name, (latency, runtime) in overheads.items():
        own = runtime if name != "kubernetes" else exec_runtime
        print(f"  {name:11}: latency {latency * 1000:7.1f} ms, runtime {own * 1000:6.1f} ms, "
              f"overhead {(latency - own) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
