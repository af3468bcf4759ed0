"""deploy/k8s and deploy/docker agree with the code: settings, commands, probes, references."""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.settings import ActionSettings
from bot.settings import GatewaySettings
from permits.settings import DatabaseSettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
DOCKER = ROOT / "deploy" / "docker"
DOCKERFILES = sorted(DOCKER.glob("*.Dockerfile"))
KUSTOMIZATION = "kustomization.yaml"
EXAMPLE_SECRET = "secret.example.yaml"
WORKLOADS = {"Deployment", "StatefulSet", "Job"}
INTERNAL_PATHS = ("/health", "/ready", "/metrics")
REPO_PACKAGES = {"bot", "actions", "permits", "nlu", "engine", "bench"}
TANYA_NAME = re.compile(r"\bTANYA_[A-Z0-9_]+\b")

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


def component(doc: Doc) -> str:
    return str(doc["metadata"]["labels"]["app.kubernetes.io/component"])


def env_value(container: Doc, name: str) -> str:
    """The variable's value from the container's env or its ConfigMaps."""
    for item in container.get("env", []):
        if item["name"] == name and "value" in item:
            return str(item["value"])
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            data = named("ConfigMap", source["configMapRef"]["name"])["data"]
            if name in data:
                return str(data[name])
    raise AssertionError(f"{container['name']} does not set {name}")


def setting_names() -> set[str]:
    names: set[str] = set()
    for settings in (GatewaySettings, ActionSettings, DatabaseSettings):
        assert settings.model_config.get("env_prefix") == "TANYA_"
        names |= {f"TANYA_{field.upper()}" for field in settings.model_fields}
    return names


def referenced_variables() -> set[str]:
    """Every TANYA_* name the manifests set or look up."""
    names: set[str] = set()
    for doc in of_kind("ConfigMap", "Secret"):
        names |= set(doc.get("data") or {}) | set(doc.get("stringData") or {})
    for _, container in all_containers():
        for item in container.get("env", []):
            names.add(item["name"])
            ref = item.get("valueFrom", {})
            for kind in ("secretKeyRef", "configMapKeyRef"):
                if kind in ref:
                    names.add(ref[kind]["key"])
    return {name for name in names if name.startswith("TANYA_")}


# -- the files ------------------------------------------------------------------------


def test_kustomization_lists_every_manifest_but_the_example_secret() -> None:
    kustomization = yaml.safe_load((K8S / KUSTOMIZATION).read_text(encoding="utf-8"))
    listed = kustomization["resources"]
    assert len(listed) == len(set(listed)), "a resource is listed twice"
    expected = {p.name for p in manifest_files()} - {EXAMPLE_SECRET}
    assert set(listed) == expected
    assert (K8S / EXAMPLE_SECRET).is_file()


def test_every_document_has_api_version_kind_and_name() -> None:
    for path in manifest_files():
        docs = load(path)
        assert docs, f"{path.name} holds no document"
        for doc in docs:
            assert isinstance(doc.get("apiVersion"), str) and doc["apiVersion"], path.name
            assert isinstance(doc.get("kind"), str) and doc["kind"], path.name
            assert doc.get("metadata", {}).get("name"), f"{path.name}: {doc['kind']} has no name"


def test_example_secret_holds_placeholders_only() -> None:
    for secret in load(K8S / EXAMPLE_SECRET):
        assert secret["kind"] == "Secret"
        assert "data" not in secret, "base64 data could hide a real value: use stringData"
        for key, value in secret["stringData"].items():
            if key.endswith(("TOKEN", "PASSWORD")) and value:
                assert value == "CHANGE-ME", f"{key} must be a placeholder"
            if "://" in value and "@" in value:
                assert ":CHANGE-ME@" in value, f"{key} must not hold a password"


# -- settings ---------------------------------------------------------------------------


def test_every_tanya_variable_is_a_setting() -> None:
    names = referenced_variables()
    assert {"TANYA_ENV", "TANYA_DATABASE_URL", "TANYA_RASA_URL", "TANYA_RASA_TOKEN"} <= names
    unknown = names - setting_names()
    assert not unknown, f"not settings of bot/, actions/ or permits/: {sorted(unknown)}"


def test_docker_files_use_real_settings() -> None:
    scripts = [*DOCKERFILES, DOCKER / "rasa-entrypoint.sh", DOCKER / "healthcheck.py"]
    for path in scripts:
        unknown = set(TANYA_NAME.findall(path.read_text(encoding="utf-8"))) - setting_names()
        assert not unknown, f"{path.name}: not settings: {sorted(unknown)}"


def test_production_mode_is_on() -> None:
    assert named("ConfigMap", "tanya-config")["data"]["TANYA_ENV"] == "production"


def test_references_resolve() -> None:
    secrets = {s["metadata"]["name"]: s["stringData"] for s in load(K8S / EXAMPLE_SECRET)}
    config_maps = {c["metadata"]["name"]: c["data"] for c in of_kind("ConfigMap")}
    claims = {c["metadata"]["name"] for c in of_kind("PersistentVolumeClaim")}
    for workload, container in all_containers():
        where = f"{workload['metadata']['name']}/{container['name']}"
        for source in container.get("envFrom", []):
            if "secretRef" in source:
                assert source["secretRef"]["name"] in secrets, where
            if "configMapRef" in source:
                assert source["configMapRef"]["name"] in config_maps, where
        for item in container.get("env", []):
            ref = item.get("valueFrom", {})
            if "secretKeyRef" in ref:
                assert ref["secretKeyRef"]["key"] in secrets[ref["secretKeyRef"]["name"]], where
            if "configMapKeyRef" in ref:
                key = ref["configMapKeyRef"]["key"]
                assert key in config_maps[ref["configMapKeyRef"]["name"]], where
        mounted = {m["name"] for m in container.get("volumeMounts", [])}
        volumes = {v["name"]: v for v in pod_spec(workload).get("volumes", [])}
        assert mounted <= set(volumes), where
    for workload in of_kind(*WORKLOADS):
        for volume in pod_spec(workload).get("volumes", []):
            if "persistentVolumeClaim" in volume:
                assert volume["persistentVolumeClaim"]["claimName"] in claims
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps


def test_services_pdbs_and_autoscaler_find_their_pods() -> None:
    templates = [w["spec"]["template"]["metadata"]["labels"] for w in of_kind(*WORKLOADS)]

    def selects(selector: dict[str, str]) -> bool:
        return any(selector.items() <= labels.items() for labels in templates)

    for service in of_kind("Service"):
        assert selects(service["spec"]["selector"]), service["metadata"]["name"]
        ports = {
            port["name"]
            for workload in of_kind(*WORKLOADS)
            if service["spec"]["selector"].items()
            <= workload["spec"]["template"]["metadata"]["labels"].items()
            for container in containers(workload)
            for port in container.get("ports", [])
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in ports, service["metadata"]["name"]
    for budget in of_kind("PodDisruptionBudget"):
        assert selects(budget["spec"]["selector"]["matchLabels"]), budget["metadata"]["name"]
    for workload in of_kind("Deployment", "StatefulSet"):
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert workload["spec"]["selector"]["matchLabels"].items() <= labels.items()
    for autoscaler in of_kind("HorizontalPodAutoscaler"):
        target = autoscaler["spec"]["scaleTargetRef"]
        assert named(target["kind"], target["name"])


# -- processes ----------------------------------------------------------------------


def probe_paths(container: Doc) -> dict[str, str]:
    paths: dict[str, str] = {}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        if probe in container:
            paths[probe] = container[probe]["httpGet"]["path"]
            port = container[probe]["httpGet"]["port"]
            assert port in {p["name"] for p in container["ports"]}, container["name"]
    return paths


def test_probes_use_each_process_health_endpoints() -> None:
    for workload, container in all_containers():
        if workload["kind"] == "Job":
            continue
        paths = probe_paths(container)
        assert {"readinessProbe", "livenessProbe"} <= set(paths), container["name"]
        if component(workload) in ("gateway", "trainer"):
            assert paths["readinessProbe"] == "/ready"
            assert paths["livenessProbe"] == "/health"
            assert paths.get("startupProbe", "/health") == "/health"
        elif component(workload) == "rasa":
            # Our channel's health route (engine/channel.py); /status needs the token.
            assert set(paths.values()) == {"/webhooks/gateway/"}
        else:
            assert set(paths.values()) == {"/health"}, container["name"]


def test_gateway_drains_before_it_is_killed() -> None:
    for workload in of_kind("Deployment"):
        if component(workload) not in ("gateway", "trainer"):
            continue
        assert pod_spec(workload)["terminationGracePeriodSeconds"] >= 40
        (container,) = containers(workload)
        assert container["lifecycle"]["preStop"]["exec"]["command"][0] == "sleep"


def test_every_container_is_unprivileged_and_sized() -> None:
    for workload, container in all_containers():
        where = f"{workload['metadata']['name']}/{container['name']}"
        assert pod_spec(workload)["securityContext"]["runAsNonRoot"] is True, where
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, where
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], where
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][bound]), where


def sub_commands(module: str) -> list[str]:
    """The sub-commands `python -m MODULE --help` lists."""
    usage = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    choices = re.search(r"\{([\w,-]+)\}", usage)
    assert choices, usage
    return choices.group(1).split(",")


def test_commands_run_existing_modules() -> None:
    commands = [c["command"] for _, c in all_containers() if "command" in c]
    commands += [cmd for path in DOCKERFILES if (cmd := dockerfile_cmd(path))]
    assert ["python", "-m", "bot", "serve"] in commands
    assert ["python", "-m", "actions"] in commands
    assert ["python", "-m", "permits", "migrate"] in commands
    wanted: dict[str, set[str]] = {}
    for command in commands:
        assert command[:2] == ["python", "-m"], command
        module, *rest = command[2:]
        assert (ROOT / module / "__main__.py").is_file(), command
        wanted.setdefault(module, set()).update(rest[:1])
    for module, names in wanted.items():
        if names:
            assert names <= set(sub_commands(module)), module


def test_rasa_url_names_every_replica() -> None:
    rasa = named("StatefulSet", "rasa")
    service = named("Service", rasa["spec"]["serviceName"])
    assert service["spec"]["clusterIP"] == "None", "the headless Service gives each pod a name"
    port = service["spec"]["ports"][0]["port"]
    urls = named("ConfigMap", "tanya-config")["data"]["TANYA_RASA_URL"].split(",")
    expected = [
        f"http://{rasa['metadata']['name']}-{i}.{service['metadata']['name']}:{port}"
        for i in range(rasa["spec"]["replicas"])
    ]
    assert urls == expected


def test_rasa_endpoints_are_expanded_and_reach_the_action_server() -> None:
    endpoints_text = named("ConfigMap", "rasa-endpoints")["data"]["endpoints.yml"]
    # Rasa expands ${VAR} in plain scalars only; a quoted one is passed on literally.
    assert not re.search(r"[\"']\$\{", endpoints_text)
    endpoints = yaml.safe_load(endpoints_text)
    assert endpoints["tracker_store"]["type"] == "SQL"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["lock_store"]["type"] == "redis"
    (container,) = containers(named("StatefulSet", "rasa"))
    given = {item["name"] for item in container["env"]}
    assert set(re.findall(r"\$\{(\w+)\}", endpoints_text)) <= given
    assert env_value(container, "RASA_ENDPOINTS_FILE").startswith(
        next(m["mountPath"] for m in container["volumeMounts"] if m["name"] == "endpoints")
    )
    actions = named("Service", "actions")
    url = f"http://actions:{actions['spec']['ports'][0]['port']}/webhook"
    assert endpoints["action_endpoint"]["url"] == url


def test_trainer_and_rasa_share_the_models_volume_at_the_models_dir() -> None:
    for workload in (named("Deployment", "trainer"), named("StatefulSet", "rasa")):
        (container,) = containers(workload)
        claim_volumes = {
            v["name"]
            for v in pod_spec(workload)["volumes"]
            if v.get("persistentVolumeClaim", {}).get("claimName") == "tanya-models"
        }
        mounts = [m for m in container["volumeMounts"] if m["name"] in claim_volumes]
        assert [m["mountPath"] for m in mounts] == [env_value(container, "TANYA_MODELS_DIR")]
    claim = named("PersistentVolumeClaim", "tanya-models")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]


def test_ingress_exposes_public_paths_only() -> None:
    services = {s["metadata"]["name"]: s for s in of_kind("Service")}
    for ingress in of_kind("Ingress"):
        for rule in ingress["spec"]["rules"]:
            for entry in rule["http"]["paths"]:
                path, kind = entry["path"], entry["pathType"]
                for internal in INTERNAL_PATHS:
                    covered = internal == path or (
                        kind == "Prefix" and internal.startswith(path.rstrip("/") + "/")
                    )
                    assert not covered, f"{path} ({kind}) exposes {internal}"
                backend = entry["backend"]["service"]
                port_names = {p["name"] for p in services[backend["name"]]["spec"]["ports"]}
                assert backend["port"]["name"] in port_names


# -- Dockerfiles ------------------------------------------------------------------------


def dockerfile_cmd(path: Path) -> list[str] | None:
    found = re.findall(r"^CMD (\[.*\])$", path.read_text(encoding="utf-8"), re.MULTILINE)
    return list(yaml.safe_load(found[-1])) if found else None


def copy_sources(path: Path) -> list[str]:
    """The build-context paths a Dockerfile copies (not those from other stages)."""
    sources = []
    joined = path.read_text(encoding="utf-8").replace("\\\n", " ")  # continued lines
    for line in joined.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            words = [w for w in line.split()[1:] if not w.startswith("--")]
            sources += words[:-1]
    return sources


def test_dockerfiles_copy_files_that_exist_and_are_not_ignored() -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for dockerfile in DOCKERFILES:
        sources = copy_sources(dockerfile)
        assert sources, dockerfile.name
        for source in sources:
            assert (ROOT / source).exists(), f"{dockerfile.name}: no {source}"
            parts = Path(source).parts
            prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
            hits = [p for p in ignored for prefix in prefixes if fnmatch.fnmatch(prefix, p)]
            assert not hits, f"{dockerfile.name} copies {source}, excluded by {hits}"
    assert os.access(DOCKER / "rasa-entrypoint.sh", os.X_OK)


def repo_modules_imported(path: Path) -> set[str]:
    """The modules of this repository a file imports (what PYTHONPATH=/app must hold)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # "from engine import batching": the names may be modules themselves.
            names |= {
                f"{node.module}.{alias.name}"
                for alias in node.names
                if ROOT.joinpath(*node.module.split("."), f"{alias.name}.py").is_file()
            }
    return {name for name in names if name.split(".")[0] in REPO_PACKAGES}


def module_files(module: str) -> list[Path]:
    """The module's file and the __init__.py of every package above it."""
    parts = module.split(".")
    files = [ROOT.joinpath(*parts[:i], "__init__.py") for i in range(1, len(parts))]
    as_file = ROOT.joinpath(*parts).with_suffix(".py")
    files.append(as_file if as_file.is_file() else ROOT.joinpath(*parts, "__init__.py"))
    return files


def test_rasa_image_holds_every_module_the_engine_imports() -> None:
    copied = copy_sources(DOCKER / "rasa.Dockerfile")

    def is_copied(file: Path) -> bool:
        relative = file.relative_to(ROOT).as_posix()
        return any(relative == c or (c.endswith("/") and relative.startswith(c)) for c in copied)

    # What credentials.yml and config.yml name: our channel and the custom components.
    components = sorted((ROOT / "nlu" / "components").glob("*.py"))
    todo = module_files("engine.channel")
    todo += [f for c in components for f in module_files(f"nlu.components.{c.stem}")]
    seen: set[Path] = set()
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen.add(file)
        assert file.is_file() and is_copied(file), f"rasa.Dockerfile does not copy {file}"
        for module in repo_modules_imported(file):
            todo += module_files(module)
    assert len(seen) > 3


def pip_lines(text: str) -> list[str]:
    return [line.strip(" \\&") for line in text.splitlines() if "pip install" in line]


def test_images_install_exactly_what_setup_installs() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    engine_installs = [
        line.replace(".venv-engine/bin/pip", "pip").split("pip install", 1)[1]
        for line in pip_lines(setup)
        if ".venv-engine/bin/pip" in line
    ]
    assert engine_installs, "scripts/setup.sh installs the engine with pip"
    wanted = [words.replace("--quiet", "").split() for words in engine_installs]
    for dockerfile in DOCKERFILES:
        text = dockerfile.read_text(encoding="utf-8")
        installs = [
            line.split("pip install", 1)[1].replace("--quiet", "").split()
            for line in pip_lines(text)
            if "/app/.venv-engine/bin/pip" in line
        ]
        assert installs == wanted, dockerfile.name
        assert "python:3.10-slim" in text
    gateway = (DOCKER / "gateway.Dockerfile").read_text(encoding="utf-8")
    assert "uv sync --frozen" in setup
    assert re.search(r"uv sync --frozen --no-dev\b", gateway)


def stages(text: str) -> dict[str, tuple[str, str]]:
    """Stage name: (what it is built FROM, its instructions), in order."""
    found = {}
    for chunk in re.split(r"^FROM ", text, flags=re.MULTILINE)[1:]:
        header, _, body = chunk.partition("\n")
        base, _, name = header.partition(" AS ")
        found[name.strip()] = (base.strip(), body)
    return found


def stage_user(all_stages: dict[str, tuple[str, str]], name: str) -> str | None:
    """The USER a stage runs as, inherited from the stage it is built on."""
    base, body = all_stages[name]
    users = re.findall(r"^USER (\S+)$", body, re.MULTILINE)
    if users:
        return str(users[-1])
    return stage_user(all_stages, base) if base in all_stages else None


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_images_run_as_a_numeric_non_root_user(dockerfile: Path) -> None:
    text = dockerfile.read_text(encoding="utf-8")
    all_stages = stages(text)
    final = list(all_stages)[-1]
    assert final in ("gateway", "rasa"), "the default target is the serving image"
    assert stage_user(all_stages, final) is not None
    for name in all_stages:
        user = stage_user(all_stages, name)
        assert user is None or re.fullmatch(r"[1-9]\d*:[1-9]\d*", user), (name, user)
    assert "HEALTHCHECK" in text
    assert not re.search(r"^(ENV|ARG) .*(TOKEN|PASSWORD|SECRET)", text, re.MULTILINE)


def test_the_production_rasa_keeps_its_rest_api_off(tmp_path: Path) -> None:
    """The Rasa image's entrypoint, run with a stand-in `rasa` that prints its
    arguments, starts `rasa run` without --enable-api, so Rasa's REST API (trackers,
    trigger_intent, training) answers nobody in the cluster. Fails on 538ba62."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in = bin_dir / "rasa"
    stand_in.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    stand_in.chmod(0o755)
    baked = tmp_path / "baked.tar.gz"
    baked.write_bytes(b"model")
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "TANYA_RASA_TOKEN": "t" * 32,
        "TANYA_ACTIONS_TOKEN": "a" * 32,
        "TANYA_MODELS_DIR": str(tmp_path / "models"),
        "RASA_BAKED_MODEL": str(baked),
    }
    done = subprocess.run(
        ["sh", str(DOCKER / "rasa-entrypoint.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    arguments = done.stdout.split()
    assert arguments[:1] == ["run"] and str(baked) in arguments
    assert "--enable-api" not in arguments
    for _, container in all_containers():
        assert "--enable-api" not in [*container.get("command", []), *container.get("args", [])]


def allowed_peers(target: str, port: int) -> set[str]:
    """The components whose pods a NetworkPolicy lets reach `target`'s pods on `port`
    ("*" when some policy admits every pod or source)."""
    peers: set[str] = set()
    for policy in of_kind("NetworkPolicy"):
        selected = policy["spec"]["podSelector"].get("matchLabels", {})
        if selected.get("app.kubernetes.io/component") != target:
            continue
        for rule in policy["spec"].get("ingress", []):
            if port not in [p["port"] for p in rule.get("ports", [{"port": port}])]:
                continue
            for source in rule.get("from", [{}]):
                labels = source.get("podSelector", {}).get("matchLabels")
                if labels is None or "namespaceSelector" in source or "ipBlock" in source:
                    peers.add("*")
                else:
                    peers.add(labels.get("app.kubernetes.io/component", "*"))
    return peers


def test_only_rasa_reaches_the_actions_and_only_gateway_and_trainer_reach_rasa() -> None:
    """NetworkPolicies, and the token Rasa sends the action server from the Secret.
    Fails on 538ba62, which had neither."""
    assert allowed_peers("actions", 5055) == {"rasa"}
    assert allowed_peers("rasa", 5005) == {"gateway", "trainer"}
    endpoints = yaml.safe_load(named("ConfigMap", "rasa-endpoints")["data"]["endpoints.yml"])
    header = endpoints["action_endpoint"]["headers"]["Authorization"]
    assert header == "Bearer ${TANYA_ACTIONS_TOKEN}"
    for workload in (named("StatefulSet", "rasa"), named("Deployment", "actions")):
        (container,) = containers(workload)
        [item] = [e for e in container["env"] if e["name"] == "TANYA_ACTIONS_TOKEN"]
        assert item["valueFrom"]["secretKeyRef"] == {
            "name": "tanya-secrets",
            "key": "TANYA_ACTIONS_TOKEN",
        }
