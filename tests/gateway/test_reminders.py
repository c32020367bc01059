"""Activity reminders: when they go out (Europe/Brussels, across both daylight-saving
changes, never at night), what they say, and that they never reach a tenant who said STOP,
asked for erasure or already got one: with two gateway workers racing on the real
PostgreSQL, each reminder is sent exactly once; a restart loses none. The internal API
refuses strangers and bad input and then stores nothing."""

from __future__ import annotations

import copy
import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, func, select, text
from sqlalchemy.orm import sessionmaker

from bot.contacts.models import Contact
from bot.core.db import make_engine, make_session_factory
from bot.directory.importer import import_records
from bot.gateway.migrate import upgrade_to_head
from bot.hsds_profile import TIME_ZONE
from bot.outbox.models import OutboxMessage
from bot.privacy.erasure import erase_gateway_records
from bot.privacy.retention import purge
from bot.reminders.models import Reminder
from bot.reminders.scheduler import ReminderScheduler
from bot.reminders.stopping import set_opted_out
from bot.reminders.store import ReminderRefused, schedule
from bot.reminders.timing import is_quiet, send_time
from bot.sms_rules import measure
from bot.texts import TEXTS
from tests.gateway.channel_fixtures import INTERNAL, TENANT, Channels, replies, running_channels
from tests.gateway.conftest import SAMPLE
from tests.gateway.test_plain_language import assert_plain_language, filled, sentences, words

SERVICE = "81bbf386-2645-5769-9ee3-9ac5c96dd4ab"  # the sample's Colibri homework school
LOCATION = "92bb1bc8-d412-596f-8bbc-66b5ad19477f"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TIME_ZONE)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# --- the send time, a pure function of the session and the clock --------------------------


@pytest.mark.parametrize(
    ("session", "expected_utc"),
    [
        # spring 2026: clocks go forward on Sunday 29 March (CET +1 -> CEST +2)
        (local(2026, 3, 29, 10, 0), utc(2026, 3, 28, 17, 0)),  # Sat 18:00 CET
        (local(2026, 3, 30, 16, 0), utc(2026, 3, 29, 16, 0)),  # Sun 18:00 CEST
        # autumn 2026: clocks go back on Sunday 25 October (CEST +2 -> CET +1)
        (local(2026, 10, 25, 10, 0), utc(2026, 10, 24, 16, 0)),  # Sat 18:00 CEST
        (local(2026, 10, 26, 16, 0), utc(2026, 10, 25, 17, 0)),  # Sun 18:00 CET
    ],
)
def test_the_reminder_goes_out_at_18h_local_the_day_before_across_dst(session, expected_utc):
    when = send_time(
        session, now=utc(2026, 3, 1, 12, 0) if session.month == 3 else utc(2026, 10, 1, 12, 0)
    )
    assert when is not None and when.day_before
    assert when.at == expected_utc
    assert when.at.astimezone(TIME_ZONE).hour == 18


def test_asked_after_18h_the_day_before_it_comes_at_9h_the_same_morning():
    session = local(2026, 3, 29, 14, 0)  # the spring-forward Sunday
    when = send_time(session, now=local(2026, 3, 28, 20, 0))
    assert when is not None and not when.day_before
    assert when.at == utc(2026, 3, 29, 7, 0)  # 09:00 CEST


def test_too_soon_for_any_reminder():
    # the same day, or a session that starts less than an hour after 09:00
    assert send_time(local(2026, 5, 5, 16, 0), now=local(2026, 5, 5, 11, 0)) is None
    assert send_time(local(2026, 5, 5, 9, 30), now=local(2026, 5, 4, 19, 0)) is None
    assert send_time(local(2026, 5, 5, 9, 30), now=local(2026, 5, 5, 10, 0)) is None


def test_no_send_time_falls_in_the_quiet_hours():
    now = utc(2026, 1, 1, 0, 0)
    for day in range(0, 365, 3):
        for hour in (8, 9, 10, 13, 16, 19, 20):
            start = datetime.combine(
                (now + timedelta(days=day + 2)).date(), datetime.min.time(), TIME_ZONE
            ).replace(hour=hour)
            when = send_time(start, now)
            assert when is None or not is_quiet(when.at), start
    assert is_quiet(local(2026, 7, 1, 21, 0)) and is_quiet(local(2026, 7, 1, 8, 59))
    assert not is_quiet(local(2026, 7, 1, 9, 0)) and not is_quiet(local(2026, 7, 1, 20, 59))


# --- stored, claimed and sent: against the sample activity, with a fixed clock ------------


def weekly_service() -> dict:
    """The sample's Colibri with a simple schedule: Sundays 10:00-12:00, Mondays 16:00-18:00."""
    services = json.loads(SAMPLE.read_text(encoding="utf-8"))["services"]
    service = copy.deepcopy(next(s for s in services if s["id"] == SERVICE))
    template = service["schedules"][0]
    service["schedules"] = [
        {
            **template,
            "id": f"{template['id'][:-1]}{n}",
            "byday": day,
            "opens_at": opens,
            "closes_at": closes,
            "dtstart": "2026-01-04",
            "valid_from": "2026-01-01",
            "valid_to": "2027-12-31",
        }
        for n, (day, opens, closes) in enumerate(
            (("SU", "10:00", "12:00"), ("MO", "16:00", "18:00"))
        )
    ]
    return service


def with_activity(url: str) -> sessionmaker:
    upgrade_to_head(url)
    sessions = make_session_factory(make_engine(url))
    report = import_records(sessions, [weekly_service()])
    assert report.imported == 1 and not report.rejected, report
    return sessions


def add_contact(
    sessions: sessionmaker, name: str, channel: str = "sms", language: str = "fr"
) -> int:
    with sessions() as session:
        contact = Contact(
            channel=channel,
            address=f"+3247{abs(hash(name)) % 10**7:07d}",
            pseudonym=name,
            language=language,
        )
        session.add(contact)
        session.commit()
        return contact.id


def ask(
    sessions: sessionmaker,
    name: str,
    now: datetime,
    start: datetime | None = None,
    language: str = "fr",
):
    with sessions() as session:
        done = schedule(session, name, SERVICE, LOCATION, start, language, now=now)
        session.commit()
        return done


def outbox(sessions: sessionmaker) -> list[OutboxMessage]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def reminders(sessions: sessionmaker) -> list[Reminder]:
    with sessions() as session:
        return list(session.scalars(select(Reminder).order_by(Reminder.id)))


def scheduler_at(sessions: sessionmaker, moment: datetime) -> ReminderScheduler:
    return ReminderScheduler(sessions, clock=lambda: moment)


@pytest.fixture
def activity(tmp_path: Path) -> sessionmaker:
    return with_activity(f"sqlite:///{tmp_path / 'gateway.db'}")


def test_asking_stores_one_reminder_for_the_next_session_sent_at_18h_the_day_before(activity):
    add_contact(activity, "tenant-a")
    now = local(2026, 3, 26, 12, 0)  # a Thursday; the next session is Sunday 29 March
    done = ask(activity, "tenant-a", now)
    assert done.created and done.scheduled
    assert done.session.start == local(2026, 3, 29, 10, 0)
    assert done.send_at == utc(2026, 3, 28, 17, 0)  # Saturday 18:00, still winter time
    again = ask(activity, "tenant-a", now + timedelta(hours=1))
    assert not again.created and again.scheduled and len(reminders(activity)) == 1

    assert scheduler_at(activity, utc(2026, 3, 28, 16, 59)).send_due() == 0
    assert outbox(activity) == []
    assert scheduler_at(activity, utc(2026, 3, 28, 17, 0)).send_due() == 1
    [message] = outbox(activity)
    assert message.channel == "sms" and message.status == "pending"
    assert message.body.startswith("Rappel pour demain : École de devoirs - Le Colibri.")
    assert "Dimanche 29/3, 10h00-12h00" in message.body
    assert "Rue des Lucioles 83, Schaerbeek" in message.body
    assert "STOP RAPPEL" in message.body
    assert measure(message.body).encoding == "gsm0338" and measure(message.body).segments <= 2
    assert scheduler_at(activity, utc(2026, 3, 28, 17, 5)).send_due() == 0  # once
    assert [r.status for r in reminders(activity)] == ["sent"]


def test_the_session_after_the_spring_change_keeps_its_local_hour(activity):
    add_contact(activity, "tenant-nl", language="nl")
    done = ask(activity, "tenant-nl", local(2026, 3, 29, 12, 0), language="nl")
    assert done.session.start == local(2026, 3, 30, 16, 0)  # Monday, summer time
    assert done.session.start.astimezone(timezone.utc) == utc(2026, 3, 30, 14, 0)
    assert done.send_at == utc(2026, 3, 29, 16, 0)  # Sunday 18:00 CEST
    scheduler_at(activity, utc(2026, 3, 29, 16, 0)).send_due()
    [message] = outbox(activity)
    assert message.body.startswith("Niet vergeten: morgen Huiswerkbegeleiding - De Kolibrie.")
    assert "Maandag 30/3, 16.00-18.00" in message.body
    assert "Vuurvliegjesstraat 83, Schaarbeek" in message.body
    assert "STOP HERINNERING" in message.body


def test_the_autumn_change_too(activity):
    add_contact(activity, "tenant-b")
    done = ask(activity, "tenant-b", local(2026, 10, 23, 12, 0))  # Friday
    assert done.session.start == local(2026, 10, 25, 10, 0)  # the fall-back Sunday
    assert done.send_at == utc(2026, 10, 24, 16, 0)  # Saturday 18:00 CEST
    add_contact(activity, "tenant-c")
    done = ask(activity, "tenant-c", local(2026, 10, 25, 12, 0))
    assert done.session.start == local(2026, 10, 26, 16, 0)
    assert done.send_at == utc(2026, 10, 25, 17, 0)  # Sunday 18:00 CET


def test_too_soon_is_said_and_nothing_is_stored(activity):
    add_contact(activity, "tenant-d")
    done = ask(activity, "tenant-d", local(2026, 3, 29, 9, 30))  # Sunday's session is at 10:00
    assert not done.scheduled and done.send_at is None
    assert done.session.start == local(2026, 3, 29, 10, 0)
    assert reminders(activity) == []


def test_a_reminder_due_at_night_waits_for_9h_and_one_whose_session_began_is_dropped(activity):
    add_contact(activity, "tenant-e")
    ask(activity, "tenant-e", local(2026, 4, 1, 12, 0))  # Sunday 5 April 10:00
    assert scheduler_at(activity, local(2026, 4, 4, 22, 0)).send_due() == 0  # down until 22:00
    assert scheduler_at(activity, local(2026, 4, 5, 8, 0)).send_due() == 0
    assert outbox(activity) == []
    assert scheduler_at(activity, local(2026, 4, 5, 9, 0)).send_due() == 1
    assert outbox(activity)[0].body.startswith("Rappel pour aujourd'hui :")
    add_contact(activity, "tenant-f")
    ask(activity, "tenant-f", local(2026, 4, 1, 12, 0), start=local(2026, 4, 6, 16, 0))
    assert scheduler_at(activity, local(2026, 4, 6, 15, 45)).send_due() == 0
    assert [r.reason for r in reminders(activity)] == [None, "missed"]
    assert len(outbox(activity)) == 1


def test_not_sent_after_stop(activity):
    first = add_contact(activity, "tenant-g")
    ask(activity, "tenant-g", local(2026, 4, 1, 12, 0))
    with activity() as session:
        set_opted_out(session, first, True)
        session.commit()
    assert [(r.status, r.reason) for r in reminders(activity)] == [("cancelled", "opted out")]
    # and even with a pending row (an opt-out recorded by hand): checked again at send time
    second = add_contact(activity, "tenant-h")
    ask(activity, "tenant-h", local(2026, 4, 1, 12, 0))
    with activity() as session:
        session.get_one(Contact, second).opted_out_at = local(2026, 4, 2, 12, 0)
        session.commit()
    assert scheduler_at(activity, local(2026, 4, 4, 18, 0)).send_due() == 0
    assert outbox(activity) == []
    with activity() as session, pytest.raises(ReminderRefused) as refused:
        schedule(session, "tenant-h", SERVICE, LOCATION, None, "fr", now=local(2026, 4, 2, 13, 0))
    assert refused.value.status == 409


def test_gone_after_erasure(activity):
    contact = add_contact(activity, "tenant-i")
    ask(activity, "tenant-i", local(2026, 4, 1, 12, 0))
    with activity() as session:
        erase_gateway_records(session, contact)
        session.commit()
    assert reminders(activity) == []
    assert scheduler_at(activity, local(2026, 4, 4, 18, 0)).send_due() == 0
    assert outbox(activity) == []
    # the foreign key cascades too (any other path that deletes a contact)
    other = add_contact(activity, "tenant-j")
    ask(activity, "tenant-j", local(2026, 4, 1, 12, 0))
    with activity() as session:
        session.execute(delete(Contact).where(Contact.id == other))
        session.commit()
    assert reminders(activity) == []


def test_retention_keeps_pending_reminders_and_forgets_old_finished_ones(activity):
    add_contact(activity, "tenant-k")
    add_contact(activity, "tenant-l")
    ask(activity, "tenant-k", local(2026, 4, 1, 12, 0))
    ask(activity, "tenant-l", local(2026, 4, 1, 12, 0), start=local(2026, 6, 7, 10, 0))
    scheduler_at(activity, local(2026, 4, 4, 18, 0)).send_due()
    tracker = f"sqlite:///{Path(str(activity.kw['bind'].url.database)).parent / 'rasa.db'}"
    with create_engine(tracker).begin() as connection:
        connection.execute(text("CREATE TABLE events (sender_id TEXT, timestamp REAL)"))
    with activity() as session:
        purged = purge(session, tracker, 30, 365, now=local(2026, 5, 20, 12, 0))
        session.commit()
    assert purged.reminders == 1
    assert [r.status for r in reminders(activity)] == ["pending"]


def test_a_restart_loses_no_reminder(tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    sessions = with_activity(url)
    add_contact(sessions, "tenant-m")
    ask(sessions, "tenant-m", local(2026, 4, 1, 12, 0))
    sessions.kw["bind"].dispose()  # the process ends; the reminder is a row
    restarted = make_session_factory(make_engine(url))
    assert scheduler_at(restarted, local(2026, 4, 4, 18, 0)).send_due() == 1
    assert len(outbox(restarted)) == 1


# --- two workers on the real PostgreSQL -----------------------------------------------------


def test_two_workers_on_postgresql_send_each_reminder_exactly_once(postgres_url):
    sessions = with_activity(postgres_url)
    tenants = [f"tenant-pg-{n}" for n in range(40)]
    for tenant in tenants:
        add_contact(sessions, tenant)
        ask(sessions, tenant, local(2026, 4, 1, 12, 0))
    due = local(2026, 4, 4, 18, 0)
    workers = [
        ReminderScheduler(make_session_factory(make_engine(postgres_url)), clock=lambda: due)
        for _ in range(2)
    ]
    barrier, sent = threading.Barrier(2), []

    def work(worker: ReminderScheduler) -> None:
        barrier.wait()
        for _ in range(3):
            sent.append(worker.send_due())

    threads = [threading.Thread(target=work, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    messages = outbox(sessions)
    with sessions() as session:
        per_contact = dict(
            session.execute(
                select(OutboxMessage.contact_id, func.count()).group_by(OutboxMessage.contact_id)
            ).all()
        )
    assert sum(sent) == len(tenants) == len(messages)
    assert sorted(set(per_contact.values())) == [1] and len(per_contact) == len(tenants)
    assert {r.status for r in reminders(sessions)} == {"sent"}
    for worker in workers:
        worker.sessions.kw["bind"].dispose()
    sessions.kw["bind"].dispose()


# --- the texts --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_sample_activity_makes_a_plain_short_reminder(language):
    from bot.reminders.texts import reminder_parts, reminder_text
    from bot.sms_rules import to_gsm7

    services = json.loads(SAMPLE.read_text(encoding="utf-8"))["services"]
    for service in services:
        for day_before in (True, False):
            parts = reminder_parts(
                service, None, local(2026, 4, 6, 16, 0), local(2026, 4, 6, 18, 0), language
            )
            body = reminder_text(parts, language, day_before)
            # our sentences are scored in test_plain_language (TEXTS); the directory's names
            # and streets are not ours to reword, but no line may grow past 15 words
            assert max(len(words(line)) for line in sentences(body)) <= 15, body
            assert measure(to_gsm7(body)).segments <= 2, body
    assert {"reminder_day_before", "reminder_same_day", "reminders_stopped"} <= set(TEXTS)
    for name in ("reminder_day_before", "reminder_same_day", "reminders_stopped"):
        for language_, template in TEXTS[name].items():
            assert_plain_language(filled(template), language_)


# --- over the channels and the internal API (a real gateway app) -----------------------------


@pytest.fixture
def gateway(tmp_path: Path):
    with running_channels(tmp_path) as running:
        assert import_records(running.sessions, [weekly_service()]).imported == 1
        yield running


def secret_header(channels: Channels) -> dict[str, str]:
    return {"Authorization": f"Bearer {channels.settings.internal_api_token.get_secret_value()}"}


def contact_of(channels: Channels) -> Contact:
    with channels.sessions() as session:
        return session.scalar(select(Contact).where(Contact.address == TENANT))


def future_session() -> str:
    """A real session of the activity, days from now (the app runs on the real clock)."""
    moment = datetime.now(TIME_ZONE) + timedelta(days=3)
    monday = moment + timedelta(days=(7 - moment.weekday()) % 7)
    return monday.replace(hour=16, minute=0, second=0, microsecond=0).isoformat()


def request_reminder(channels: Channels, **changes) -> object:
    tenant = contact_of(channels)
    body = {
        "sender_id": tenant.pseudonym,
        "service_id": SERVICE,
        "location_id": LOCATION,
        "session_start": future_session(),
        "language": "fr",
        **changes,
    }
    return channels.client.post(
        f"{INTERNAL}/internal/reminders", json=body, headers=secret_header(channels)
    )


def test_the_internal_api_stores_a_reminder_once(gateway):
    replies(gateway.sms("bonjour"))
    first = request_reminder(gateway)
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["scheduled"] and answer["session_start"] == future_session()
    assert datetime.fromisoformat(answer["send_at"]).hour == 18
    again = request_reminder(gateway)
    assert again.status_code == 200 and not again.json()["created"]
    assert len(reminders(gateway.sessions)) == 1


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"service_id": "no-such-service"}, 422),
        ({"location_id": "no-such-place"}, 422),
        ({"session_start": "2031-01-01T03:00:00+01:00"}, 422),  # not a session of it
        ({"session_start": "2026-04-06T16:00:00"}, 422),  # no time zone
        ({"session_start": "tomorrow"}, 422),
        ({"language": "en"}, 422),
        ({"sender_id": ""}, 422),
        ({"sender_id": "x" * 65}, 422),
        ({"sender_id": "nobody"}, 404),
    ],
)
def test_the_internal_api_refuses_bad_input_and_stores_nothing(gateway, changes, status):
    replies(gateway.sms("bonjour"))
    response = request_reminder(gateway, **changes)
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert reminders(gateway.sessions) == []


def test_the_internal_api_wants_the_secret(gateway):
    replies(gateway.sms("bonjour"))
    tenant = contact_of(gateway)
    body = {"sender_id": tenant.pseudonym, "service_id": SERVICE, "session_start": future_session()}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = gateway.client.post(f"{INTERNAL}/internal/reminders", json=body, headers=headers)
        assert response.status_code == 401
    assert reminders(gateway.sessions) == []


def test_stop_rappel_and_a_bare_stop_cancel_reminders_over_sms(gateway):
    replies(gateway.sms("bonjour"))
    assert request_reminder(gateway).status_code == 201
    assert replies(gateway.sms("Stop rappel")) == ["C'est noté. Vous ne recevrez plus de rappel."]
    assert [(r.status, r.reason) for r in reminders(gateway.sessions)] == [("cancelled", "stopped")]
    assert all("Stop rappel" not in str(r.body) for r in gateway.rasa.requests)  # gateway only
    assert request_reminder(gateway).status_code == 201  # asked again: on again
    replies(gateway.sms("STOP"))
    assert [(r.status, r.reason) for r in reminders(gateway.sessions)] == [
        ("cancelled", "opted out")
    ]
    assert request_reminder(gateway).status_code == 409  # opted out: nothing stored
    assert contact_of(gateway).opted_out


def test_stop_herinnering_over_telegram(gateway):
    gateway.telegram_update("text")
    with gateway.sessions() as session:
        tenant = session.scalar(select(Contact).where(Contact.channel == "telegram"))
    body = {
        "sender_id": tenant.pseudonym,
        "service_id": SERVICE,
        "location_id": LOCATION,
        "session_start": future_session(),
        "language": "nl",
    }
    response = gateway.client.post(
        f"{INTERNAL}/internal/reminders", json=body, headers=secret_header(gateway)
    )
    assert response.status_code == 201
    update = json.loads((Path(__file__).parents[1] / "data" / "telegram" / "text.json").read_text())
    update["update_id"] += 1
    update["message"]["message_id"] += 1
    update["message"]["text"] = "STOP HERINNERING"
    gateway.client.post(
        "/webhooks/telegram",
        json=update,
        headers={
            "X-Telegram-Bot-Api-Secret-Token": (
                gateway.settings.telegram_secret_token.get_secret_value()
            )
        },
    )
    assert [r.status for r in reminders(gateway.sessions)] == ["cancelled"]
