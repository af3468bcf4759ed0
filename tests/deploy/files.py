"""Reading deploy/: the Kubernetes manifests in deploy/k8s and the Dockerfiles in deploy/docker.

Shared by test_manifests.py and test_dockerfiles.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
DOCKER = ROOT / "deploy" / "docker"
DOCKERFILES = sorted(DOCKER.glob("*.Dockerfile"))
KUSTOMIZATION = "kustomization.yaml"
EXAMPLE_SECRET = "secret.example.yaml"
WORKLOADS = {"Deployment", "StatefulSet", "Job"}

Doc = dict[str, Any]


def load(path: Path) -> list[Doc]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def manifest_files() -> list[Path]:
    return sorted(
        p for p in K8S.iterdir() if p.suffix in (".yaml", ".yml") and p.name != KUSTOMIZATION
    )


def documents() -> list[Doc]:
    return [doc for path in manifest_files() for doc in load(path)]


def of_kind(*kinds: str) -> list[Doc]:
    return [doc for doc in documents() if doc.get("kind") in kinds]


def named(kind: str, name: str) -> Doc:
    found = [doc for doc in of_kind(kind) if doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def pod_spec(workload: Doc) -> Doc:
    spec: Doc = workload["spec"]["template"]["spec"]
    return spec


def containers(workload: Doc) -> list[Doc]:
    spec = pod_spec(workload)
    return [*spec.get("initContainers", []), *spec["containers"]]


def all_containers() -> Iterator[tuple[Doc, Doc]]:
    for workload in of_kind(*WORKLOADS):
        for container in containers(workload):
            yield workload, container


def dockerfile_cmd(path: Path) -> list[str] | None:
    found = re.findall(r"^CMD (\[.*\])$", path.read_text(encoding="utf-8"), re.MULTILINE)
    return list(yaml.safe_load(found[-1])) if found else None
