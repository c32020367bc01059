"""Importing and exporting the whole activities directory from the console
(bot/console/directory_transfer.py), against the real gateway and a real SQLite database:
every curator exports (HSDS JSON, the tabular package zipped), only a regional curator
imports; a file that is not a directory is refused whole and nothing is stored; a bad
service is named with its field while the others are imported; each imported service gets
an "imported" version; exports and imports are audited; other roles get 403.

The uploads are a few services of the sample directory: the gateway's request body limit
(bot/core/body_limit.py) is smaller than the whole sample file."""

from __future__ import annotations

import copy
import html
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from bot.console import directory_transfer
from bot.curation.models import ServiceVersion
from bot.directory.models import Service
from bot.handoff.models import AuditEvent
from tests.gateway.channel_fixtures import console_with_staff, csrf_in, sign_in
from tests.gateway.conftest import SAMPLE

PAGE = "/console/directory/transfer"
EXPORT_JSON = "/console/directory/export.json"
EXPORT_ZIP = "/console/directory/export.zip"
IMPORT = "/console/directory/import"
REGIONAL, CURATOR, CASEWORKER = "rita@region.example", "cleo@a.example", "ana@a.example"
SOME = 5  # services of the sample uploaded at a time


@pytest.fixture
def desk(tmp_path):
    with console_with_staff(
        tmp_path,
        [
            (REGIONAL, "company-a", "regional_curator", "fr"),
            (CURATOR, "company-a", "curator", "fr"),
            (CASEWORKER, "company-a", "caseworker", "fr"),
        ],
    ) as running:
        yield running


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def some_services(sample: dict, count: int = SOME) -> dict:
    return {"metadata": sample["metadata"], "services": copy.deepcopy(sample["services"][:count])}


def login(desk, email: str) -> str:
    """Signs in; the CSRF token of the session."""
    assert sign_in(desk, email).status_code == 303
    return csrf_in(desk.client.get("/console/account/password").text)


def upload(desk, csrf: str, name: str, content: bytes, dry_run: bool = False):
    form = {"csrf": csrf, **({"dry_run": "1"} if dry_run else {})}
    return desk.client.post(IMPORT, data=form, files={"file": (name, content)})


def shown(response) -> str:
    """The page's text as read (its apostrophes are escaped in the HTML)."""
    return html.unescape(response.text)


def as_json(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def stored(desk) -> tuple[int, int, list[str]]:
    """(services, versions, directory audit lines): what an import or export leaves."""
    with desk.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Service)),
            session.scalar(select(func.count()).select_from(ServiceVersion)),
            list(
                session.scalars(
                    select(AuditEvent.action)
                    .where(AuditEvent.action.like("directory_%"))
                    .order_by(AuditEvent.id)
                )
            ),
        )


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_regional_curator_imports_services_found_by_the_api(desk, sample) -> None:
    csrf = login(desk, REGIONAL)
    page = desk.client.get(PAGE)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in shown(page) and 'name="file"' in shown(page)
    assert "Le répertoire des activités compte 0 services." in shown(page)
    document = some_services(sample)

    answer = upload(desk, csrf, "sample-directory.json", as_json(document))

    assert answer.status_code == 200, answer.text
    assert "L'import est terminé." in shown(answer)
    assert "Services importés</dt><dd>5</dd>" in shown(answer)
    assert "Services refusés</dt><dd>0</dd>" in shown(answer)
    assert "données d'EXEMPLE" in shown(answer)  # the sample's metadata says so
    ids = [service["id"] for service in document["services"]]
    for service_id in ids:
        found = desk.client.get(f"/hsds/services/{service_id}")
        assert found.status_code == 200 and found.json()["id"] == service_id
    with desk.sessions() as session:
        rows = session.scalars(select(ServiceVersion)).all()
        detail = session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "directory_import")
        )
    assert sorted(row.service_id for row in rows) == sorted(ids)
    assert {(row.action, row.number, row.staff_name) for row in rows} == {("imported", 1, "Rita")}
    assert all(row.document["id"] == row.service_id for row in rows)
    assert detail == "imported 5 of 5, rejected 0"


def test_the_json_export_imports_back_unchanged_in_a_dry_run(desk, sample) -> None:
    csrf = login(desk, REGIONAL)
    assert upload(desk, csrf, "some.json", as_json(some_services(sample))).status_code == 200
    before = stored(desk)

    exported = desk.client.get(EXPORT_JSON)

    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/json")
    assert exported.headers["content-disposition"].startswith("attachment; filename=")
    services = exported.json()
    assert len(services) == SOME and all(service["organization"] for service in services)
    answer = upload(desk, csrf, "export.json", exported.content, dry_run=True)
    assert answer.status_code == 200
    assert "C'était un essai : rien n'a été enregistré." in shown(answer)
    assert "Services lus</dt><dd>5</dd>" in shown(answer)
    assert "Services acceptés</dt><dd>5</dd>" in shown(answer)
    assert "Services refusés</dt><dd>0</dd>" in shown(answer)
    assert "Aucun service refusé." in shown(answer)
    services_after, versions_after, audit_after = stored(desk)
    assert (services_after, versions_after) == before[:2]  # a dry run stores nothing
    assert audit_after == [*before[2], "directory_export"]


def test_the_zip_export_holds_the_tabular_package_and_imports_back(desk, sample) -> None:
    csrf = login(desk, REGIONAL)
    assert upload(desk, csrf, "some.json", as_json(some_services(sample))).status_code == 200

    exported = desk.client.get(EXPORT_ZIP)

    assert exported.status_code == 200
    assert exported.headers["content-type"] == "application/zip"
    assert exported.headers["content-disposition"].startswith("attachment; filename=")
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        names = set(archive.namelist())
        descriptor = json.loads(archive.read("datapackage.json"))
    assert {"datapackage.json", "services.csv", "organizations.csv"} <= names
    assert descriptor["name"] == "tenant-assistant-directory"
    answer = upload(desk, csrf, "directory.zip", exported.content)
    assert answer.status_code == 200, answer.text
    assert "Services importés</dt><dd>5</dd>" in shown(answer)
    assert "Services refusés</dt><dd>0</dd>" in shown(answer)
    services, versions, audit_lines = stored(desk)
    assert (services, versions) == (SOME, 2 * SOME)  # a second version each
    assert audit_lines == ["directory_import", "directory_export", "directory_import"]


def test_a_bad_service_is_named_with_its_field_and_the_others_imported(desk, sample) -> None:
    csrf = login(desk, REGIONAL)
    document = some_services(sample)
    bad = document["services"][2]
    bad["status"] = "perhaps"

    answer = upload(desk, csrf, "some.json", as_json(document))

    assert answer.status_code == 200
    assert "Services importés</dt><dd>4</dd>" in shown(answer)
    assert "Services refusés</dt><dd>1</dd>" in shown(answer)
    assert f"<td><code>{bad['id']}</code></td><td><code>status</code></td>" in shown(answer)
    assert desk.client.get(f"/hsds/services/{bad['id']}").status_code == 404
    good = document["services"][0]["id"]
    assert desk.client.get(f"/hsds/services/{good}").status_code == 200
    assert stored(desk)[:2] == (SOME - 1, SOME - 1)
    with desk.sessions() as session:
        detail = session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "directory_import")
        )
    assert detail == "imported 4 of 5, rejected 1"


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        (
            "notes.txt",
            b"\x00\x01 not a directory at all \xff",
            "n'est ni du JSON ni un fichier ZIP",
        ),
        ("notes.json", b'{"hello": "world"}', "n'est pas un répertoire HSDS"),
        ("location.json", b'{"id": "l1", "latitude": 50.8}', "n'est pas un répertoire HSDS"),
        ("directory.zip", b"PK\x03\x04 cut short", "abîmé"),
        ("directory.zip", zipped({"notes.txt": b"hello"}), "pas un paquet HSDS en tableaux"),
        ("directory.zip", zipped({"a": b"file", "a/b": b"and folder"}), "abîmé"),
        ("directory.zip", zipped({"datapackage.json": b"{"}), "pas un paquet HSDS en tableaux"),
        ("empty.json", b"", "Choisissez un fichier"),
    ],
)
def test_a_file_that_is_not_a_directory_is_refused_whole(desk, name, content, says) -> None:
    csrf = login(desk, REGIONAL)

    answer = upload(desk, csrf, name, content)

    assert answer.status_code == 422
    assert "Le fichier n'a pas été importé. Rien n'a été enregistré." in shown(answer)
    assert says in shown(answer)
    assert 'name="file"' in shown(answer)  # the form again, to try another file
    assert stored(desk) == (0, 0, [])


@pytest.mark.parametrize("evil", ["../evil.csv", "/tmp/evil.csv", "..\\evil.csv", "a/../../evil"])
def test_a_zip_reaching_out_of_its_folder_is_refused(desk, sample, tmp_path, evil) -> None:
    csrf = login(desk, REGIONAL)
    archive = zipped(
        {"datapackage.json": b'{"name": "x", "resources": []}', evil: b"id,name\nx,y\n"}
    )

    answer = upload(desk, csrf, "directory.zip", archive)

    assert answer.status_code == 422
    assert "chemin refusé" in shown(answer)
    assert stored(desk) == (0, 0, [])


def test_a_zip_with_too_many_files_is_refused(desk, monkeypatch) -> None:
    monkeypatch.setattr(directory_transfer, "MAX_ZIP_FILES", 3)
    csrf = login(desk, REGIONAL)
    files = {f"table-{number}.csv": b"id\n1\n" for number in range(4)}

    answer = upload(desk, csrf, "directory.zip", zipped(files))

    assert answer.status_code == 422 and "trop de fichiers" in shown(answer)


def test_a_zip_bomb_is_refused(desk, monkeypatch) -> None:
    monkeypatch.setattr(directory_transfer, "MAX_UNPACKED_BYTES", 100_000)
    csrf = login(desk, REGIONAL)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("services.csv", b"0" * 1_000_000)  # a few kB zipped

    answer = upload(desk, csrf, "directory.zip", buffer.getvalue())

    assert answer.status_code == 422 and "trop grand" in shown(answer)


def test_a_company_curator_exports_but_cannot_import(desk, sample) -> None:
    csrf = login(desk, CURATOR)
    page = desk.client.get(PAGE)
    assert page.status_code == 200
    assert EXPORT_JSON in shown(page) and EXPORT_ZIP in shown(page)
    assert 'name="file"' not in shown(page) and IMPORT not in shown(page)
    assert "Seul un·e curateur·rice régional·e peut importer le répertoire." in shown(page)
    assert desk.client.get(EXPORT_JSON).json() == []
    with zipfile.ZipFile(io.BytesIO(desk.client.get(EXPORT_ZIP).content)) as archive:
        assert "datapackage.json" in archive.namelist()

    answer = upload(desk, csrf, "some.json", as_json(some_services(sample)))

    assert answer.status_code == 403
    assert stored(desk) == (0, 0, ["directory_export", "directory_export"])


def test_a_caseworker_is_refused_everywhere_and_nothing_changes(desk, sample) -> None:
    csrf = login(desk, CASEWORKER)
    for path in (PAGE, EXPORT_JSON, EXPORT_ZIP):
        assert desk.client.get(path).status_code == 403, path
    answer = upload(desk, csrf, "some.json", as_json(some_services(sample)))
    assert answer.status_code == 403
    assert stored(desk) == (0, 0, [])


def test_an_import_without_the_form_token_is_refused(desk, sample) -> None:
    login(desk, REGIONAL)
    answer = upload(desk, "not-the-token", "some.json", as_json(some_services(sample)))
    assert answer.status_code == 403
    assert stored(desk) == (0, 0, [])


def test_the_words_exist_in_both_languages() -> None:
    from bot.console.transfer_words import TRANSFER_WORDS

    assert all(key.startswith("transfer_") for key in TRANSFER_WORDS)
    assert all(french and dutch for french, dutch in TRANSFER_WORDS.values())
    from bot.console.i18n import words

    assert set(TRANSFER_WORDS) <= set(words("nl"))
