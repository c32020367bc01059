"""An offline advisory audit of the lock files: every pinned version is checked against the
OSV records in security/advisories/ (a dated snapshot of the PyPA advisory database,
refreshed by scripts/refresh_advisories.py). These machines reach the package index but no
vulnerability service, so pip-audit and osv-scanner cannot run here.

An advisory that matches a pinned version fails the audit unless security/allow-list.yml
lists it (id, package) with the reason it cannot be fixed and why it is not reachable here.
An allow-list entry that matches nothing any more (fixed by an upgrade, or a refreshed
snapshot) fails too, so the list never hides more than it says.

    python scripts/audit_dependencies.py        (make audit)"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
LOCKS = (
    "requirements/rasa.lock",
    "requirements/rasa-dev.lock",
    "requirements/gateway.lock",
    "requirements/gateway-dev.lock",
)
SNAPSHOT = ROOT / "security" / "advisories"
# GitHub-reviewed records read one by one (security/advisories-ghsa/SOURCE.md)
SUPPLEMENT = ROOT / "security" / "advisories-ghsa"
ALLOW_LIST = ROOT / "security" / "allow-list.yml"


def normalized(name: str) -> str:
    """PEP 503's name: lower case, runs of -, _ and . as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_packages(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[normalized(name.split("[")[0])] = version.split(";")[0].strip()
    return pins


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def in_range(version: Version, events: list[dict[str, str]]) -> bool:
    """OSV ECOSYSTEM range semantics: sorted events; introduced opens, fixed closes (not
    affected from it on), last_affected closes after itself."""
    affected = False
    for event in events:
        if "introduced" in event:
            start = event["introduced"]
            if start == "0" or ((bound := _version(start)) is not None and version >= bound):
                affected = True
        elif "fixed" in event:
            bound = _version(event["fixed"])
            if bound is not None and version >= bound:
                affected = False
        elif "last_affected" in event:
            bound = _version(event["last_affected"])
            if bound is not None and version > bound:
                affected = False
    return affected


def affects(record: dict[str, Any], package: str, version_text: str) -> bool:
    version = _version(version_text)
    for affected in record.get("affected", []):
        if normalized(affected.get("package", {}).get("name", "")) != package:
            continue
        if version_text in affected.get("versions", []):
            return True
        if version is None:
            continue
        for span in affected.get("ranges", []):
            if span.get("type") in ("ECOSYSTEM", "SEMVER") and in_range(version, span["events"]):
                return True
    return False


@dataclass(frozen=True)
class Finding:
    id: str
    package: str
    version: str
    locks: tuple[str, ...]
    aliases: tuple[str, ...]
    summary: str


def findings() -> list[Finding]:
    pins: dict[tuple[str, str], list[str]] = {}
    for lock in LOCKS:
        for package, version in locked_packages(ROOT / lock).items():
            pins.setdefault((package, version), []).append(Path(lock).name)
    by_package: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for (package, version), locks in pins.items():
        by_package.setdefault(package, []).append((version, tuple(locks)))
    found = []
    folders = [f for source in (SNAPSHOT, SUPPLEMENT) if source.is_dir() for f in source.iterdir()]
    for folder in sorted(f for f in folders if f.is_dir()):
        package = normalized(folder.name)
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.json")]):
            record = yaml.safe_load(path.read_text())  # JSON is YAML too
            if record.get("withdrawn"):
                continue
            for version, locks in by_package.get(package, []):
                if affects(record, package, version):
                    found.append(
                        Finding(
                            record["id"],
                            package,
                            version,
                            locks,
                            tuple(record.get("aliases") or ()),
                            (record.get("summary") or record.get("details") or "")[:80],
                        )
                    )
    return found


def allowed() -> dict[tuple[str, str], dict[str, str]]:
    entries = yaml.safe_load(ALLOW_LIST.read_text()) if ALLOW_LIST.exists() else []
    listed = {}
    for entry in entries or []:
        missing = {"id", "package", "reason", "not_reachable"} - set(entry)
        if missing:
            raise SystemExit(f"allow-list entry {entry.get('id')}: missing {sorted(missing)}")
        listed[(entry["id"], normalized(entry["package"]))] = entry
    return listed


def main() -> int:
    if not SNAPSHOT.is_dir():
        print(f"no advisory snapshot in {SNAPSHOT}: see scripts/refresh_advisories.py")
        return 1
    found, listed = findings(), allowed()
    unlisted = [f for f in found if (f.id, f.package) not in listed]
    matched = {(f.id, f.package) for f in found}
    stale = [key for key in listed if key not in matched]
    print((SNAPSHOT / "SNAPSHOT.md").read_text().splitlines()[3])
    print(
        f"{len(found)} advisories match a pinned version: {len(found) - len(unlisted)} allow-listed"
    )
    for f in sorted(found, key=lambda f: (f.package, f.id)):
        mark = "allowed " if (f.id, f.package) in listed else "FAILS   "
        aliases = ",".join(a for a in f.aliases if a.startswith("CVE"))[:40]
        pin = f"{f.package}=={f.version}"
        print(f"  {mark}{pin:<28} {f.id:<22} {aliases:<16} {', '.join(f.locks)}")
    for key in stale:
        print(f"  STALE   allow-list entry {key[0]} ({key[1]}) matches no pinned version any more")
    if unlisted or stale:
        print(f"audit failed: {len(unlisted)} unlisted advisories, {len(stale)} stale entries")
        return 1
    print("audit passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
