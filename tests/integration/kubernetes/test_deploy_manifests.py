"""deploy/kubernetes, Woken's manifests: accepted by a real API server, RBAC enough for Woken.

Each resource the kustomization lists goes to the API server as a server-side dry
run (validation, defaulting and admission, nothing stored), in the kustomization's
namespace. The RBAC objects are then really created, and the API server's own
authorizer (SubjectAccessReview) says Woken's service account may do what the
Kubernetes backend does, and no more.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.kubernetes.conftest import Kube

DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "kubernetes"

# Group/version -> the API path of a resource kind (the kinds the manifests use).
PLURALS = {
    "Namespace": "namespaces", "ServiceAccount": "serviceaccounts", "Role": "roles",
    "RoleBinding": "rolebindings", "Secret": "secrets", "ConfigMap": "configmaps",
    "PersistentVolumeClaim": "persistentvolumeclaims", "StatefulSet": "statefulsets",
    "Service": "services", "Deployment": "deployments",
}


def documents() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    namespace = kustomization["namespace"]
    found = []
    for name in kustomization["resources"]:
        for document in yaml.safe_load_all((DEPLOY / name).read_text()):
            if document is None:
                continue
            if document["kind"] != "Namespace":
                document["metadata"]["namespace"] = namespace
            found.append(document)
    return found


def collection(document: dict[str, Any]) -> str:
    group_version = document["apiVersion"]
    prefix = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
    plural = PLURALS[document["kind"]]
    namespace = document["metadata"].get("namespace")
    return f"{prefix}/namespaces/{namespace}/{plural}" if namespace else f"{prefix}/{plural}"


def test_the_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in DEPLOY.glob("*.yaml")} - {"kustomization.yaml"}
    kinds = {d["kind"] for d in documents()}
    assert {"Deployment", "Service", "ConfigMap", "Secret", "Role", "RoleBinding",
            "ServiceAccount", "StatefulSet", "PersistentVolumeClaim"} <= kinds


def test_every_manifest_is_accepted_by_the_api_server(kube: Kube) -> None:
    with kube.cluster.session() as session:
        # The namespace really exists (a dry run in a missing namespace is refused).
        answer = session.post(f"{kube.cluster.url}/api/v1/namespaces",
                              json={"metadata": {"name": "woken"}}, timeout=10)
        assert answer.status_code in (201, 409), answer.text
        for document in documents():
            if document["kind"] == "Namespace":
                continue
            answer = session.post(f"{kube.cluster.url}{collection(document)}?dryRun=All",
                                  json=document, timeout=10)
            assert answer.status_code == 201, (document["kind"], answer.text)
            # Dry run: nothing was stored.
            name = document["metadata"]["name"]
            assert session.get(f"{kube.cluster.url}{collection(document)}/{name}",
                               timeout=10).status_code == 404


def test_an_invalid_manifest_would_be_refused(kube: Kube) -> None:
    """The dry run validates: the test above could fail."""
    deployment = next(d for d in documents() if d["kind"] == "Deployment")
    deployment["spec"]["template"]["metadata"]["labels"] = {"other": "label"}
    with kube.cluster.session() as session:
        session.post(f"{kube.cluster.url}/api/v1/namespaces",
                     json={"metadata": {"name": "woken"}}, timeout=10)
        answer = session.post(f"{kube.cluster.url}{collection(deployment)}?dryRun=All",
                              json=deployment, timeout=10)
    assert answer.status_code == 422
    assert "selector" in answer.json()["message"]


@pytest.mark.parametrize(("verb", "resource", "subresource", "allowed"), [
    ("create", "jobs", "", True), ("watch", "jobs", "", True), ("patch", "jobs", "", True),
    ("delete", "jobs", "", True), ("watch", "pods", "", True), ("get", "pods", "log", True),
    ("watch", "events", "", True), ("create", "pods", "", False),
    ("get", "secrets", "", False), ("delete", "pods", "", False),
])
def test_the_role_lets_woken_run_jobs_and_nothing_more(
    kube: Kube, verb: str, resource: str, subresource: str, allowed: bool
) -> None:
    with kube.cluster.session() as session:
        url = kube.cluster.url
        session.post(f"{url}/api/v1/namespaces", json={"metadata": {"name": "woken"}},
                     timeout=10)
        for document in documents():
            if document["kind"] in ("ServiceAccount", "Role", "RoleBinding"):
                answer = session.post(f"{url}{collection(document)}", json=document,
                                      timeout=10)
                assert answer.status_code in (201, 409), answer.text
        group = "batch" if resource == "jobs" else ""
        review = session.post(f"{url}/apis/authorization.k8s.io/v1/subjectaccessreviews", json={
            "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
            "spec": {"user": "system:serviceaccount:woken:woken",
                     "groups": ["system:serviceaccounts", "system:serviceaccounts:woken"],
                     "resourceAttributes": {"namespace": "woken", "verb": verb,
                                            "group": group, "resource": resource,
                                            "subresource": subresource}},
        }, timeout=10)
        assert review.status_code == 201, review.text
        assert review.json()["status"]["allowed"] is allowed
