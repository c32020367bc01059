"""The offline advisory audit (scripts/audit_dependencies.py): OSV range semantics, explicit
version lists, the allow-list, and stale entries, on small records of its own."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
sys.modules["audit_dependencies"] = audit
spec.loader.exec_module(audit)
Version = audit.Version


@pytest.mark.parametrize(
    ("version", "events", "affected"),
    [
        ("1.10.9", [{"introduced": "0"}, {"fixed": "1.10.13"}], True),
        ("1.10.13", [{"introduced": "0"}, {"fixed": "1.10.13"}], False),
        ("2.3.0", [{"introduced": "2.0.0"}, {"fixed": "2.4.0"}], True),
        ("1.9.0", [{"introduced": "2.0.0"}, {"fixed": "2.4.0"}], False),
        ("3.1", [{"introduced": "3.0"}, {"last_affected": "3.1"}], True),
        ("3.2", [{"introduced": "3.0"}, {"last_affected": "3.1"}], False),
        # two ranges in one list: affected again from the second introduction
        ("5.1", [{"introduced": "1"}, {"fixed": "2"}, {"introduced": "5"}, {"fixed": "6"}], True),
        ("3", [{"introduced": "1"}, {"fixed": "2"}, {"introduced": "5"}, {"fixed": "6"}], False),
    ],
)
def test_osv_ranges(version, events, affected) -> None:
    assert audit.in_range(Version(version), events) is affected


def record(identifier: str, package: str, events: list[dict], versions: list[str] = ()) -> dict:
    return {
        "id": identifier,
        "summary": "a test advisory",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": package},
                "ranges": [{"type": "ECOSYSTEM", "events": events}],
                "versions": list(versions),
            }
        ],
    }


@pytest.fixture
def world(tmp_path, monkeypatch):
    """A repository of its own: one lock file, a snapshot, a supplement and an allow-list."""
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "x.lock").write_text("Some_Package==1.0.0\nother==2.0\n")
    snapshot, supplement = tmp_path / "snap", tmp_path / "ghsa"
    for folder in (snapshot / "some-package", supplement / "other"):
        folder.mkdir(parents=True)
    (snapshot / "SNAPSHOT.md").write_text("# x\n\nline\ntaken from a test\n")
    monkeypatch.setattr(audit, "ROOT", tmp_path)
    monkeypatch.setattr(audit, "LOCKS", ("requirements/x.lock",))
    monkeypatch.setattr(audit, "SNAPSHOT", snapshot)
    monkeypatch.setattr(audit, "SUPPLEMENT", supplement)
    monkeypatch.setattr(audit, "ALLOW_LIST", tmp_path / "allow.yml")
    return snapshot, supplement, tmp_path / "allow.yml"


def test_a_matching_advisory_fails_the_audit_until_it_is_allow_listed(world, capsys) -> None:
    snapshot, supplement, allow = world
    (snapshot / "some-package" / "PYSEC-1.yaml").write_text(
        json.dumps(record("PYSEC-1", "some_package", [{"introduced": "0"}, {"fixed": "1.2"}]))
    )
    (supplement / "other" / "GHSA-2.json").write_text(
        json.dumps(record("GHSA-2", "other", [{"introduced": "9"}], versions=["2.0"]))
    )
    assert audit.main() == 1
    assert "FAILS" in capsys.readouterr().out
    allow.write_text(
        "- {id: PYSEC-1, package: Some-Package, reason: r, not_reachable: n}\n"
        "- {id: GHSA-2, package: other, reason: r, not_reachable: n}\n"
    )
    assert audit.main() == 0


def test_a_fixed_version_passes(world) -> None:
    snapshot, _, _ = world
    (snapshot / "some-package" / "PYSEC-3.yaml").write_text(
        json.dumps(record("PYSEC-3", "some-package", [{"introduced": "0"}, {"fixed": "1.0.0"}]))
    )
    assert audit.main() == 0


def test_a_stale_allow_list_entry_fails(world, capsys) -> None:
    _, _, allow = world
    allow.write_text("- {id: PYSEC-9, package: some-package, reason: r, not_reachable: n}\n")
    assert audit.main() == 1
    assert "STALE" in capsys.readouterr().out


def test_an_entry_without_its_reasons_is_refused(world) -> None:
    _, _, allow = world
    allow.write_text("- {id: PYSEC-9, package: some-package}\n")
    with pytest.raises(SystemExit, match="missing"):
        audit.main()
