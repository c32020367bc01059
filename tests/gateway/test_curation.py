"""Curators keep the activities directory in the console (issue 23): a bilingual activity
added with the schedule form is found by the directory search at once; an invalid save
shows the field's problem and stores nothing; a revert restores the previous version;
"confirmed today" takes a service off the list to confirm; and the role matrix: a curator
keeps only their company's services, a regional curator every one, other roles none.
Every state saved passes the official HSDS 3.0 schemas and the Brussels profile."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.clock import utcnow
from bot.curation.models import CuratedService, ServiceShownDay, ServiceVersion
from bot.directory.hsds_schema import problems
from bot.directory.importer import import_records
from bot.directory.models import Service
from bot.directory.profile_checks import profile_problems
from bot.directory.store import load
from bot.directory.synthetic import service as synthetic_service
from bot.handoff.models import AuditEvent
from bot.hsds_profile import TIME_ZONE
from tests.gateway.channel_fixtures import console_with_staff, csrf_in, sign_in

NEW = "/console/directory/new"


@pytest.fixture
def desk(tmp_path):
    with console_with_staff(
        tmp_path,
        [
            ("cleo@a.example", "company-a", "curator", "fr"),
            ("kees@a.example", "company-a", "curator", "nl"),
            ("bert@b.example", "company-b", "curator", "fr"),
            ("rita@a.example", "company-a", "regional_curator", "fr"),
            ("ana@a.example", "company-a", "caseworker", "fr"),
            ("adam@a.example", "company-a", "admin", "fr"),
        ],
    ) as running:
        yield running


def login(desk, email: str) -> None:
    answer = sign_in(desk, email)
    assert answer.status_code == 303, answer.text


def forest_activity(**changes: str | list[str]) -> dict[str, str | list[str]]:
    """The form of a bilingual weekly activity in Forest, as a curator fills it in."""
    form: dict[str, str | list[str]] = {
        "name_fr": "Atelier couture du mardi",
        "name_nl": "Naaiatelier op dinsdag",
        "description_fr": "On apprend à coudre ensemble. Les machines sont là.",
        "description_nl": "Samen leren naaien. De machines zijn er.",
        "organization_fr": "Fil d'Ariane ASBL",
        "organization_nl": "Ariadnedraad vzw",
        "street_fr": "Rue du Curé 12",
        "street_nl": "Pastoorstraat 12",
        "postcode": "1190",
        "commune": "forest",
        "phone": "02 000 12 34",
        "price": "0",
        "categories": ["crafts"],
        "audiences": ["adults"],
        "languages": ["fr", "nl"],
        "status": "active",
        "frequency": "weekly",
        "weekdays": ["TU"],
        "week_of_month": "",
        "opens_at": "14:00",
        "closes_at": "16:00",
        "valid_from": "",
        "valid_to": "",
        "except_school_holidays": "",
        "action": "save",
    }
    form.update(changes)
    return form


def post_form(desk, path: str, form: dict, page: str = NEW):
    token = csrf_in(desk.client.get(page).text)
    return desk.client.post(path, data={**form, "csrf": token}, follow_redirects=False)


def problems_shown(page: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'class="field-error"[^>]*>([^<]+)<', page)]


def created_id(answer) -> str:
    assert answer.status_code == 303, problems_shown(answer.text)
    found = re.search(
        r"/console/directory/services/([0-9a-f-]+)\?done=created", answer.headers["location"]
    )
    assert found, answer.headers["location"]
    return found.group(1)


def service_count(desk) -> int:
    with desk.sessions() as session:
        return session.scalar(select(func.count()).select_from(Service))


def stored(desk, service_id: str) -> dict:
    with desk.sessions() as session:
        return load(session, "service", [service_id])[service_id]


def assert_valid_hsds(record: dict) -> None:
    assert problems("service", record) == []
    assert profile_problems("service", record) == []


def test_a_curator_adds_a_bilingual_weekly_activity_that_search_finds_at_once(desk):
    login(desk, "cleo@a.example")
    service_id = created_id(post_form(desk, NEW, forest_activity()))
    record = stored(desk, service_id)
    assert_valid_hsds(record)
    assert record["name"] == "Atelier couture du mardi"
    assert record["translations"]["nl"]["name"] == "Naaiatelier op dinsdag"
    assert record["assured_date"] == utcnow().astimezone(TIME_ZONE).date().isoformat()
    address = record["service_at_locations"][0]["location"]["addresses"][0]
    assert (address["postal_code"], address["city"]) == ("1190", "Forest")
    assert address["translations"]["nl"]["city"] == "Vorst"
    # The directory search the bot asks (same parameters as actions/activities.py)
    found = desk.client.get(
        "/hsds/services", params={"commune": "forest", "taxonomy_term": "crafts", "full": "true"}
    ).json()
    assert [item["id"] for item in found["contents"]] == [service_id]
    with desk.sessions() as session:
        owner = session.get(CuratedService, service_id)
        assert owner is not None and owner.company_id == "company-a"
        versions = session.scalars(
            select(ServiceVersion).where(ServiceVersion.service_id == service_id)
        ).all()
        assert [(v.number, v.action, v.staff_name) for v in versions] == [(1, "created", "Cleo")]
        assert "directory_create" in session.scalars(select(AuditEvent.action)).all()
    page = desk.client.get(f"/console/directory/services/{service_id}?done=created").text
    assert "Activité ajoutée" in page
    # The next five sessions: Tuesdays, 14:00-16:00, one week apart
    sessions = re.findall(r'<time datetime="([^"]+)">mardi', page)
    assert len(sessions) == 5
    days = [date.fromisoformat(moment[:10]) for moment in sessions]
    assert all(
        later - earlier == timedelta(days=7) for earlier, later in zip(days, days[1:], strict=False)
    )
    assert all("T14:00:00" in moment for moment in sessions)


def test_the_preview_shows_the_next_five_sessions_and_stores_nothing(desk):
    login(desk, "cleo@a.example")
    before = service_count(desk)
    answer = post_form(
        desk,
        NEW,
        forest_activity(action="preview", frequency="monthly", weekdays=["FR"], week_of_month="-1"),
    )
    assert answer.status_code == 200
    fridays = re.findall(r'<time datetime="([^"]+)">vendredi', answer.text)
    assert len(fridays) == 5
    for moment in fridays:  # the last Friday of its month: a week later is next month
        day = date.fromisoformat(moment[:10])
        assert (day + timedelta(days=7)).month != day.month
    assert service_count(desk) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"postcode": "1000"}, "postcode", "Ce code postal n'est pas à Forest."),
        ({"postcode": "1300"}, "postcode", "pas dans la Région de Bruxelles-Capitale"),
        ({"name_nl": ""}, "name_nl", "Ce champ est obligatoire."),
        ({"phone": "12"}, "phone", "Ce numéro n'est pas complet."),
        ({"categories": []}, "categories", "Choisissez au moins une catégorie."),
        ({"minimum_age": "12", "maximum_age": "6"}, "maximum_age", "plus petit que l'âge minimum"),
        ({"opens_at": "16:00", "closes_at": "14:00"}, "closes_at", ""),
        ({"weekdays": []}, "weekdays", ""),
    ],
)
def test_an_invalid_save_shows_the_field_problem_and_stores_nothing(desk, changes, field, message):
    login(desk, "cleo@a.example")
    before = service_count(desk)
    answer = post_form(desk, NEW, forest_activity(**changes))
    assert answer.status_code == 422
    assert f'id="err-{field}"' in answer.text
    problem = re.search(rf'<span class="field-error" id="err-{field}">([^<]+)</span>', answer.text)
    assert problem and message in html.unescape(problem.group(1))
    assert "Rien n&#39;est enregistré" in answer.text or "Rien n'est enregistré" in answer.text
    # What the curator typed is still there
    assert "Atelier couture du mardi" in answer.text
    assert service_count(desk) == before
    with desk.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ServiceVersion)) == 0


def test_a_dutch_curator_reads_the_problems_in_dutch(desk):
    login(desk, "kees@a.example")
    answer = post_form(desk, NEW, forest_activity(postcode="1000"))
    assert answer.status_code == 422
    assert "Deze postcode ligt niet in Vorst." in answer.text


def test_a_revert_restores_the_previous_version(desk):
    login(desk, "cleo@a.example")
    service_id = created_id(post_form(desk, NEW, forest_activity()))
    page = f"/console/directory/services/{service_id}"
    changed = post_form(
        desk, page, forest_activity(name_fr="Atelier couture (nouveau local)", price="5"), page
    )
    assert changed.status_code == 303
    assert stored(desk, service_id)["name"] == "Atelier couture (nouveau local)"
    history = desk.client.get(page).text
    assert re.search(r"changée : nom.*prix", history), history
    # what the change was, before and after, in words (what a revert would bring back)
    shown = html.unescape(re.sub(r"<[^>]+>", "", history))
    assert "Nom (français) : Atelier couture du mardi → Atelier couture (nouveau local)" in shown
    assert "Prix : 0 € → 5 €" in shown
    reverted = desk.client.post(
        f"{page}/revert/1", data={"csrf": csrf_in(history)}, follow_redirects=False
    )
    assert reverted.status_code == 303
    record = stored(desk, service_id)
    assert record["name"] == "Atelier couture du mardi"
    assert record["cost_options"][0]["amount"] == 0
    assert_valid_hsds(record)
    with desk.sessions() as session:
        actions = session.scalars(
            select(ServiceVersion.action)
            .where(ServiceVersion.service_id == service_id)
            .order_by(ServiceVersion.number)
        ).all()
    assert actions == ["created", "edited", "reverted"]
    found = desk.client.get(
        "/hsds/services", params={"commune": "forest", "taxonomy_term": "crafts"}
    ).json()
    assert [item["name"] for item in found["contents"]] == ["Atelier couture du mardi"]


def imported(desk, *records: dict, company: str | None = "company-a") -> None:
    report = import_records(desk.sessions, list(records))
    assert report.imported == len(records), report.rejected
    with desk.sessions() as session:
        for record in records:
            session.add(CuratedService(service_id=record["id"], company_id=company))
        session.commit()


def test_confirmed_today_takes_a_service_off_the_list_to_confirm(desk):
    old = (utcnow().date() - timedelta(days=330)).isoformat()  # 11 months: stale, still shown
    quiet = synthetic_service("quiet", postcode="1190", assured_date=old)
    busy = synthetic_service("busy", postcode="1190", assured_date=old)
    fresh = synthetic_service("fresh", postcode="1190")
    imported(desk, quiet, busy, fresh)
    with desk.sessions() as session:  # the bot showed "busy" more often last month
        session.add(ServiceShownDay(service_id=busy["id"], day=utcnow().date(), count=7))
        session.add(ServiceShownDay(service_id=quiet["id"], day=utcnow().date(), count=1))
        session.commit()
    login(desk, "cleo@a.example")
    page = desk.client.get("/console/directory").text
    stale = page[page.index('id="stale"') : page.index("</table>", page.index('id="stale"'))]
    assert stale.index("Activité busy") < stale.index("Activité quiet")
    assert "Activité fresh" not in stale
    confirm = desk.client.post(
        f"/console/directory/services/{busy['id']}/confirm",
        data={"csrf": csrf_in(page)},
        follow_redirects=False,
    )
    assert confirm.status_code == 303
    page = desk.client.get("/console/directory").text
    stale = page[page.index('id="stale"') : page.index("</table>", page.index('id="stale"'))]
    assert "Activité busy" not in stale and "Activité quiet" in stale
    record = stored(desk, busy["id"])
    assert record["assured_date"] == utcnow().astimezone(TIME_ZONE).date().isoformat()
    assert_valid_hsds(record)
    with desk.sessions() as session:  # its state before the confirmation is kept
        actions = session.scalars(
            select(ServiceVersion.action)
            .where(ServiceVersion.service_id == busy["id"])
            .order_by(ServiceVersion.number)
        ).all()
    assert actions == ["imported", "confirmed"]


def test_a_service_past_the_window_is_no_longer_recommended_and_the_curator_is_told(desk):
    very_old = (utcnow().date() - timedelta(days=420)).isoformat()
    imported(desk, synthetic_service("forgotten", postcode="1190", assured_date=very_old))
    login(desk, "cleo@a.example")
    page = desk.client.get("/console/directory").text
    assert "1 activités ne sont plus proposées aux locataires" in page
    assert "plus proposée" in page
    found = desk.client.get("/hsds/services", params={"commune": "forest"}).json()
    assert found["contents"] == []


# ------------------------------------------------------------------------ the role matrix


def test_a_curator_of_another_company_gets_403_and_changes_nothing(desk):
    login(desk, "cleo@a.example")
    service_id = created_id(post_form(desk, NEW, forest_activity()))
    before = stored(desk, service_id)
    login(desk, "bert@b.example")
    page = f"/console/directory/services/{service_id}"
    assert desk.client.get(page).status_code == 403
    token = csrf_in(desk.client.get("/console/directory").text)
    for path, form in (
        (page, forest_activity(name_fr="Pris par une autre société")),
        (f"{page}/confirm", {}),
        (f"{page}/revert/1", {}),
    ):
        answer = desk.client.post(path, data={**form, "csrf": token}, follow_redirects=False)
        assert answer.status_code == 403, path
    assert stored(desk, service_id) == before
    assert "Atelier couture" not in desk.client.get("/console/directory").text
    with desk.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ServiceVersion)) == 1


def test_a_regional_curator_edits_every_company_s_services(desk):
    imported(desk, synthetic_service("of-b", postcode="1190"), company="company-b")
    imported(desk, synthetic_service("of-region", postcode="1190"), company=None)
    login(desk, "rita@a.example")
    page = desk.client.get("/console/directory").text
    assert "Activité of-b" in page and "Activité of-region" in page
    for key in ("of-b", "of-region"):
        service_id = synthetic_service(key)["id"]
        path = f"/console/directory/services/{service_id}"
        form = forest_activity(name_fr=f"Revu par la Région {key}")
        form.pop("company", None)
        answer = post_form(desk, path, {**form, "company": "company-b"}, path)
        assert answer.status_code == 303, answer.text[:1500]
        assert stored(desk, service_id)["name"] == f"Revu par la Région {key}"
        assert_valid_hsds(stored(desk, service_id))


def test_a_company_curator_does_not_see_the_region_s_services(desk):
    imported(desk, synthetic_service("of-region", postcode="1190"), company=None)
    login(desk, "cleo@a.example")
    assert "Activité of-region" not in desk.client.get("/console/directory").text
    path = f"/console/directory/services/{synthetic_service('of-region')['id']}"
    assert desk.client.get(path).status_code == 403


@pytest.mark.parametrize("email", ["ana@a.example", "adam@a.example"])
def test_staff_who_are_not_curators_cannot_open_the_directory_pages(desk, email):
    imported(desk, synthetic_service("kept", postcode="1190"))
    login(desk, email)
    token = csrf_in(desk.client.get("/console/account/password").text)
    service_id = synthetic_service("kept")["id"]
    assert desk.client.get("/console/directory").status_code == 403
    assert desk.client.get(NEW).status_code == 403
    answer = desk.client.post(
        NEW, data={**forest_activity(), "csrf": token}, follow_redirects=False
    )
    assert answer.status_code == 403
    answer = desk.client.post(
        f"/console/directory/services/{service_id}/confirm",
        data={"csrf": token},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert service_count(desk) == 1
    with desk.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ServiceVersion)) == 0


def test_a_curator_lands_on_the_directory(desk):
    login(desk, "cleo@a.example")
    home = desk.client.get("/console/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/console/directory"


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"frequency": "fortnightly", "weekdays": ["MO", "TH"], "valid_from": "2027-01-04"},
        {"frequency": "monthly", "weekdays": ["WE"], "week_of_month": "2", "price": "3,50"},
        {"except_school_holidays": "fr", "audiences": ["children", "parents"], "minimum_age": "6"},
        {"except_school_holidays": "nl", "valid_to": "2027-06-30", "languages": ["nl", "ar"]},
        {"status": "inactive", "categories": ["homework_help", "digital_help"]},
    ],
)
def test_every_save_passes_the_official_hsds_schemas(desk, changes):
    login(desk, "cleo@a.example")
    service_id = created_id(post_form(desk, NEW, forest_activity(**changes)))
    assert_valid_hsds(stored(desk, service_id))
    path = f"/console/directory/services/{service_id}"
    again = post_form(desk, path, forest_activity(**changes, name_fr="Encore"), path)
    assert again.status_code == 303
    assert_valid_hsds(stored(desk, service_id))
    with desk.sessions() as session:
        for version in session.scalars(select(ServiceVersion)):
            assert_valid_hsds(version.document)


# ------------------------------------------------- "this place was closed", from a caseworker


def conversation_shown(desk, *services: dict) -> int:
    """A tenant's open conversation with a person, after the assistant showed them these
    services (as the action server tells the gateway)."""
    from bot.contacts.models import Contact
    from tests.gateway.channel_fixtures import INTERNAL

    desk.sms("bonjour")
    with desk.sessions() as session:
        sender = session.scalar(select(Contact.pseudonym))
    headers = {"Authorization": f"Bearer {desk.settings.internal_api_token.get_secret_value()}"}
    shown = desk.client.post(
        f"{INTERNAL}/internal/directory/shown",
        json={"sender_id": sender, "service_ids": [record["id"] for record in services]},
        headers=headers,
    )
    assert shown.status_code in (200, 204), shown.text
    opened = desk.client.post(
        f"{INTERNAL}/internal/handoffs",
        json={"sender_id": sender, "reason": "asked", "language": "fr", "channel": "sms"},
        headers=headers,
    )
    return opened.json()["id"]


def test_a_caseworker_s_closed_place_report_reaches_the_curator(desk):
    shown_place = synthetic_service("couture", postcode="1190")
    other = synthetic_service("jamais-montre", postcode="1190")
    imported(desk, shown_place, other)
    handoff_id = conversation_shown(desk, shown_place)
    login(desk, "ana@a.example")
    page = desk.client.get(f"/console/handoffs/{handoff_id}").text
    assert (
        "Activités proposées par l&#39;assistant" in page
        or "Activités proposées par l'assistant" in page
    )
    assert "Activité couture" in page and "Activité jamais-montre" not in page
    token = csrf_in(page)
    refused = desk.client.post(  # a service the assistant never showed here: refused
        f"/console/handoffs/{handoff_id}/closed-place",
        data={"csrf": token, "service_id": other["id"]},
        follow_redirects=False,
    )
    assert refused.status_code == 404
    answer = desk.client.post(
        f"/console/handoffs/{handoff_id}/closed-place",
        data={"csrf": token, "service_id": shown_place["id"]},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert "signalé aux curateurs" in desk.client.get(f"/console/handoffs/{handoff_id}").text
    login(desk, "cleo@a.example")
    listing = desk.client.get("/console/directory").text
    reported = listing[listing.index('id="reported-title"') : listing.index('id="stale-title"')]
    assert "Activité couture" in reported and "Activité jamais-montre" not in reported
    service_page = desk.client.get(f"/console/directory/services/{shown_place['id']}").text
    assert "Quelqu&#39;un a signalé que ce lieu était fermé" in service_page
    # Confirming it deals with the report
    desk.client.post(
        f"/console/directory/services/{shown_place['id']}/confirm",
        data={"csrf": csrf_in(service_page)},
        follow_redirects=False,
    )
    listing = desk.client.get("/console/directory").text
    assert "Aucun lieu signalé fermé." in listing


def test_a_curator_of_another_company_does_not_see_the_report(desk):
    place = synthetic_service("couture", postcode="1190")
    imported(desk, place)
    handoff_id = conversation_shown(desk, place)
    login(desk, "ana@a.example")
    page = desk.client.get(f"/console/handoffs/{handoff_id}").text
    desk.client.post(
        f"/console/handoffs/{handoff_id}/closed-place",
        data={"csrf": csrf_in(page), "service_id": place["id"]},
        follow_redirects=False,
    )
    login(desk, "bert@b.example")
    assert "Activité couture" not in desk.client.get("/console/directory").text


def test_a_schedule_the_form_cannot_show_is_kept_unless_replaced(desk):
    """Two rules (Monday and Thursday at other hours): the form keeps them as they are
    when the curator changes something else, and replaces them when asked to."""
    record = synthetic_service("two-rules", postcode="1190")
    second = dict(record["schedules"][0], id=str(uuid.uuid4()), byday="TH", opens_at="10:00")
    second["closes_at"] = "11:00"
    record["schedules"].append(second)
    imported(desk, record)
    login(desk, "cleo@a.example")
    path = f"/console/directory/services/{record['id']}"
    page = desk.client.get(path).text
    assert 'id="keep-schedule"' in page and "Ce formulaire ne peut pas montrer" in page
    kept = forest_activity(name_fr="Nouveau nom", keep_schedule="true", weekdays=[], opens_at="")
    assert post_form(desk, path, kept, path).status_code == 303
    after = stored(desk, record["id"])
    assert after["name"] == "Nouveau nom"
    assert [item["byday"] for item in after["schedules"]] == ["MO", "TH"]
    assert_valid_hsds(after)
    replaced = forest_activity(name_fr="Nouveau nom")  # keep unticked: Tuesdays now
    assert post_form(desk, path, replaced, path).status_code == 303
    assert [item["byday"] for item in stored(desk, record["id"])["schedules"]] == ["TU"]


def test_a_version_shows_its_schedule_and_address_before_and_after(desk):
    login(desk, "kees@a.example")  # in Dutch
    service_id = created_id(post_form(desk, NEW, forest_activity()))
    path = f"/console/directory/services/{service_id}"
    moved = forest_activity(
        weekdays=["TH"], street_fr="Rue du Curé 14", street_nl="Pastoorstraat 14"
    )
    assert post_form(desk, path, moved, path).status_code == 303
    shown = html.unescape(re.sub(r"<[^>]+>", "", desk.client.get(path).text))
    assert "Voor en na bekijken" in shown
    assert (
        "Uurrooster : Elke dinsdag, van 14:00 tot 16:00 → Elke donderdag, van 14:00 tot 16:00"
        in shown
    )
    assert "Adres : Rue du Curé 12, 1190 Forest → Rue du Curé 14, 1190 Forest" in shown


def test_a_save_over_a_colleague_s_newer_version_overwrites_nothing_until_confirmed(desk):
    login(desk, "cleo@a.example")
    service_id = created_id(post_form(desk, NEW, forest_activity()))
    path = f"/console/directory/services/{service_id}"
    drawn = desk.client.get(path).text  # Cleo's form, drawn on version 1
    based_on = re.search(r'name="based_on" value="(\d+)"', drawn).group(1)
    assert based_on == "1"
    login(desk, "kees@a.example")  # a colleague saves meanwhile: version 2
    assert (
        post_form(desk, path, forest_activity(name_fr="Changé par Kees"), path).status_code == 303
    )
    login(desk, "cleo@a.example")
    late = forest_activity(name_fr="Changé par Cléo", based_on=based_on)
    answer = post_form(desk, path, late, path)
    assert answer.status_code == 409
    assert "Quelqu&#39;un a enregistré cette activité" in answer.text
    assert "Changé par Cléo" in answer.text  # what she typed is still in the form
    assert stored(desk, service_id)["name"] == "Changé par Kees"
    again = re.search(r'name="based_on" value="(\d+)"', answer.text).group(1)
    assert again == "2"
    resent = post_form(desk, path, {**late, "based_on": again}, path)
    assert resent.status_code == 303
    assert stored(desk, service_id)["name"] == "Changé par Cléo"
