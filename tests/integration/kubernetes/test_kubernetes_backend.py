"""The Kubernetes backend against a real API server and controllers, with the test kubelet.

Each job runs the script ``job.sh`` that the test writes into its volume (the image
``woken-test/volume-script:1`` of the test kubelet), so each test says what its job does.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.integration.backends.test_local_backend import is_alive
from tests.integration.kubernetes.conftest import Kube
from tests.support.kube_nodes import SCRIPT_IMAGE, create_namespace, create_volumes_claim
from woken.backends.base import JobSpec, JobStatus
from woken.backends.kubernetes_backend import KubernetesBackend
from woken.backends.kubernetes_manifest import job_name
from woken.config.kubernetes import KubernetesSettings
from woken.errors import BackendError
from woken.states import JobState

WAIT_S = 60


def wait_for(condition: Callable[[], Any], wait_s: float = WAIT_S, what: str = "") -> Any:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not met within {wait_s} s: {what}")


def wait_for_end(backend: KubernetesBackend, job_id: str, wait_s: float = WAIT_S) -> JobStatus:
    return wait_for(lambda: (s := backend.status(job_id)).is_terminal and s, wait_s,
                    f"job {job_id} ends ({backend.status(job_id)})")


def settings(kube: Kube, tmp_path: Path, **more: Any) -> KubernetesSettings:
    given: dict[str, Any] = {"ttl_after_logs_s": 300, **more}
    return KubernetesSettings(
        kubeconfig=str(kube.cluster.kubeconfig), volumes_dir=kube.volumes_dir,
        logs_dir=tmp_path / "logs", node="test-node", **given)


@pytest.fixture
def backend(kube: Kube, tmp_path: Path) -> Iterator[KubernetesBackend]:
    backend = KubernetesBackend(settings(kube, tmp_path))
    assert backend.wait_synced(30)
    yield backend
    backend.close()


def job(kube: Kube, script: str, timeout_s: float = 60, **changes: Any) -> JobSpec:
    """A job whose volume holds `script` as job.sh; a fresh id each time."""
    job_id = str(uuid.uuid4())
    volume = kube.volumes_dir / job_id
    volume.mkdir()
    (volume / "job.sh").write_text(script)
    spec = JobSpec(
        job_id=job_id, algorithm="script", docker_image=SCRIPT_IMAGE,
        entrypoint=Path("/unused"), command="compute", volume=volume,
        environment={"JOB_ID": job_id, "PARAM_variables": "a,b"}, timeout_s=timeout_s,
    )
    return replace(spec, **changes)


def api(kube: Kube, path: str) -> tuple[int, dict]:
    with kube.cluster.session() as session:
        answer = session.get(f"{kube.cluster.url}{path}", timeout=10)
        return answer.status_code, answer.json()


def jobs_path(namespace: str = "default") -> str:
    return f"/apis/batch/v1/namespaces/{namespace}/jobs"


def pods_of(kube: Kube, spec: JobSpec, namespace: str = "default") -> list[dict]:
    _, listing = api(kube, f"/api/v1/namespaces/{namespace}/pods"
                           f"?labelSelector=job-name={job_name(spec.job_id)}")
    return listing["items"]


def test_a_job_runs_its_image_with_its_environment_volume_labels_and_resources(
    kube: Kube, backend: KubernetesBackend
) -> None:
    spec = job(kube, 'echo "$1 $JOB_ID $PARAM_variables" > args.txt\n'
                     'echo "$JOB_VOLUME $(pwd)" > where.txt\necho "fitting" >&2\n',
               resources={"cpus": 0.25, "mem": 64})
    changes = []
    backend.submit(spec, on_change=lambda: changes.append(backend.status(spec.job_id).state))
    status = wait_for_end(backend, spec.job_id)
    assert status.state is JobState.SUCCEEDED and status.exit_code == 0
    assert status.host in kube.kubelet.nodes
    assert (spec.volume / "args.txt").read_text() == f"compute {spec.job_id} a,b\n"
    # The claim's sub-path is mounted at /data, its working directory.
    assert (spec.volume / "where.txt").read_text() == "/data /data\n"
    # The log came from the pod's log (the API server asked the kubelet).
    assert backend.logs(spec.job_id).strip() == "fitting"
    # Pushed by the watches, not polled: running, then the end.
    assert JobState.SUCCEEDED in changes
    code, manifest = api(kube, f"{jobs_path()}/{job_name(spec.job_id)}")
    assert code == 200
    assert manifest["metadata"]["labels"]["woken.io/job"] == job_name(spec.job_id)
    assert manifest["metadata"]["annotations"]["woken.io/job-id"] == spec.job_id
    assert manifest["spec"]["backoffLimit"] == 0
    container = manifest["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == SCRIPT_IMAGE and container["args"] == ["compute"]
    assert container["resources"] == {"requests": {"cpu": "250m", "memory": "64Mi"},
                                      "limits": {"cpu": "250m", "memory": "64Mi"}}
    # The pod is owned by its Job (the garbage collector deletes it with the Job).
    pod = pods_of(kube, spec)[0]
    owner = pod["metadata"]["ownerReferences"][0]
    assert owner["kind"] == "Job" and owner["uid"] == manifest["metadata"]["uid"]


def test_a_failing_job_reports_its_exit_code_and_its_log(
    kube: Kube, backend: KubernetesBackend
) -> None:
    spec = job(kube, 'echo "bad input: column x" >&2\nexit 3\n')
    backend.submit(spec)
    status = wait_for_end(backend, spec.job_id)
    assert status.state is JobState.FAILED and status.exit_code == 3
    assert status.message == "exit code 3"
    assert "bad input: column x" in backend.logs(spec.job_id)
    # Not retried: backoffLimit 0 leaves one pod.
    assert len(pods_of(kube, spec)) == 1


def test_the_test_of_a_pair_runs_on_the_node_of_its_train(
    kube: Kube, backend: KubernetesBackend
) -> None:
    train = job(kube, "echo trained > model.txt\n")
    backend.submit(train)
    host = wait_for_end(backend, train.job_id).host
    assert host in kube.kubelet.nodes
    # Without the pin the test kubelet's binder alternates nodes: pinned, it never does.
    for _ in range(2):
        test = job(kube, "cat /data/job.sh > /dev/null\n", pin_to_host=host)
        backend.submit(test)
        assert wait_for_end(backend, test.job_id).host == host
        pod = pods_of(kube, test)[0]
        assert pod["spec"]["nodeSelector"] == {"kubernetes.io/hostname": host}


def test_the_ttl_is_set_only_once_the_log_is_read(kube: Kube, tmp_path: Path) -> None:
    backend = KubernetesBackend(settings(kube, tmp_path, ttl_after_logs_s=1))
    try:
        spec = job(kube, 'echo started >&2\nwhile [ ! -e go ]; do sleep 0.05; done\n'
                         'echo "the end" >&2\n')
        backend.submit(spec)
        wait_for(lambda: backend.status(spec.job_id).state is JobState.RUNNING)
        _, running = api(kube, f"{jobs_path()}/{job_name(spec.job_id)}")
        assert "ttlSecondsAfterFinished" not in running["spec"]
        (spec.volume / "go").touch()
        assert wait_for_end(backend, spec.job_id).state is JobState.SUCCEEDED
        # The log was read before the TTL was set, so it is whole.
        assert backend.log_path(spec.job_id).read_text() == "started\nthe end\n"
        # Then the TTL controller deletes the Job, and its pods go with it.
        wait_for(lambda: api(kube, f"{jobs_path()}/{job_name(spec.job_id)}")[0] == 404,
                 what="the TTL controller deletes the Job")
        wait_for(lambda: not pods_of(kube, spec), what="its pods are deleted")
    finally:
        backend.close()


def test_cancel_deletes_the_job_and_its_pods_and_kills_the_process(
    kube: Kube, backend: KubernetesBackend
) -> None:
    spec = job(kube, "echo $$ > pid\nexec sleep 600\n")
    backend.submit(spec)
    wait_for(lambda: backend.status(spec.job_id).state is JobState.RUNNING)
    pid = int(wait_for(lambda: (spec.volume / "pid").is_file()
                       and (spec.volume / "pid").read_text().strip()))
    assert is_alive(pid)
    backend.cancel(spec.job_id)
    assert backend.status(spec.job_id).state is JobState.CANCELLED
    wait_for(lambda: api(kube, f"{jobs_path()}/{job_name(spec.job_id)}")[0] == 404,
             what="the Job is deleted")
    # Background propagation: the garbage collector deletes the pods, the kubelet kills.
    wait_for(lambda: not pods_of(kube, spec), what="its pods are deleted")
    wait_for(lambda: not is_alive(pid), what="its process is killed")


def test_a_job_past_its_timeout_is_timed_out_by_its_deadline(
    kube: Kube, backend: KubernetesBackend
) -> None:
    spec = job(kube, "echo $$ > pid\nexec sleep 600\n", timeout_s=2)
    backend.submit(spec)
    status = wait_for_end(backend, spec.job_id)
    assert status.state is JobState.TIMED_OUT
    assert "activeDeadlineSeconds" in status.message
    pid = int((spec.volume / "pid").read_text())
    wait_for(lambda: not is_alive(pid), what="the job controller's deletion kills it")


def test_an_image_that_cannot_be_pulled_fails_the_job_within_seconds(
    kube: Kube, backend: KubernetesBackend
) -> None:
    spec = job(kube, "exit 0\n", docker_image="woken-test/no-such-image:1")
    started = time.monotonic()
    backend.submit(spec)
    status = wait_for_end(backend, spec.job_id, wait_s=20)
    assert time.monotonic() - started < 20
    assert status.state is JobState.FAILED
    assert "ErrImagePull" in status.message and "no-such-image" in status.message
    wait_for(lambda: api(kube, f"{jobs_path()}/{job_name(spec.job_id)}")[0] == 404,
             what="its Job is deleted")


def test_an_invalid_job_is_refused_with_the_api_servers_reasons(
    kube: Kube, backend: KubernetesBackend
) -> None:
    spec = job(kube, "exit 0\n", environment={"BAD NAME": "x"})
    with pytest.raises(BackendError) as refused:
        backend.submit(spec)
    assert "422" in str(refused.value) and "env[0].name" in str(refused.value)
    assert backend.status(spec.job_id).state is JobState.LOST


def test_a_quota_that_refuses_the_pod_fails_the_job_within_seconds(
    kube: Kube, tmp_path: Path
) -> None:
    """The Job is accepted, its pod is not: a backend that waited on the Job would hang."""
    namespace = "quota"
    create_namespace(kube.cluster, namespace)
    create_volumes_claim(kube.cluster, namespace, kube.volumes_dir)
    with kube.cluster.session() as session:
        answer = session.post(
            f"{kube.cluster.url}/api/v1/namespaces/{namespace}/resourcequotas",
            json={"metadata": {"name": "small"}, "spec": {"hard": {"requests.cpu": "100m"}}},
            timeout=10)
        assert answer.status_code == 201, answer.text
    wait_for(lambda: api(kube, f"/api/v1/namespaces/{namespace}/resourcequotas/small")[1]
             .get("status", {}).get("hard"), what="the quota controller counts the quota")
    backend = KubernetesBackend(settings(kube, tmp_path, namespace=namespace))
    try:
        assert backend.wait_synced(30)
        spec = job(kube, "exit 0\n", resources={"cpus": 0.5})
        started = time.monotonic()
        backend.submit(spec)
        status = wait_for_end(backend, spec.job_id, wait_s=30)
        assert time.monotonic() - started < 30
        assert status.state is JobState.FAILED
        assert "could not create its pod" in status.message
        assert "exceeded quota: small" in status.message
    finally:
        backend.close()


def test_a_restarted_woken_adopts_the_running_job_instead_of_running_it_again(
    kube: Kube, tmp_path: Path
) -> None:
    spec = job(kube, "echo run >> runs\nwhile [ ! -e go ]; do sleep 0.05; done\n")
    first = KubernetesBackend(settings(kube, tmp_path))
    first.submit(spec)
    wait_for(lambda: first.status(spec.job_id).state is JobState.RUNNING)
    _, before = api(kube, f"{jobs_path()}/{job_name(spec.job_id)}")
    first.close()
    second = KubernetesBackend(settings(kube, tmp_path))
    try:
        changed = threading.Event()
        second.submit(spec, on_change=changed.set)
        assert second.status(spec.job_id).state is JobState.RUNNING
        _, after = api(kube, f"{jobs_path()}/{job_name(spec.job_id)}")
        assert after["metadata"]["uid"] == before["metadata"]["uid"]
        (spec.volume / "go").touch()
        assert wait_for_end(second, spec.job_id).state is JobState.SUCCEEDED
        assert changed.is_set()
        assert (spec.volume / "runs").read_text() == "run\n"
        assert len(pods_of(kube, spec)) == 1
    finally:
        second.close()
