"""deploy/k8s agrees with the code: settings, commands, probes, references, network policies.

The Dockerfiles in deploy/docker are tested in test_dockerfiles.py."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml

from actions.settings import ActionSettings
from bot.settings import GatewaySettings
from permits.settings import DatabaseSettings
from tests.deploy.files import (
    DOCKER,
    DOCKERFILES,
    EXAMPLE_SECRET,
    K8S,
    KUSTOMIZATION,
    ROOT,
    WORKLOADS,
    Doc,
    all_containers,
    containers,
    dockerfile_cmd,
    load,
    manifest_files,
    named,
    of_kind,
    pod_spec,
)

INTERNAL_PATHS = ("/health", "/ready", "/metrics")
TANYA_NAME = re.compile(r"\bTANYA_[A-Z0-9_]+\b")


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


# -- network policies -----------------------------------------------------------------


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
