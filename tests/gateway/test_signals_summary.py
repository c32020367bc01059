"""The coordinators' signals: the summary counts distinct conversations per week, hides every
cell under 5 conversations ("<5") and the one cell that would give a hidden one away ("x"),
and the console page, its CSV export and the command line show the same; coordinators see
only their housing company's signals and nothing else of the console."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from bot.handoff.models import AuditEvent
from bot.signals.__main__ import main as signals_main
from bot.signals.models import SignalEvent
from bot.signals.sample import sample_rows, seed_sample
from bot.signals.summary import summarise, to_csv, week_range
from tests.gateway.channel_fixtures import console_with_staff, sign_in
from tests.gateway.conftest import migrated_sessions

W1, W2, W3 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)  # Mondays
RANGE = "from=2026-03-02&to=2026-03-20"  # the weeks W1 to W3 (the 20th is in W3)
_tokens = itertools.count()


def add(
    session, week: date, conversations: int, turns: int = 1, company: str = "company-a", **fields
) -> None:
    """`conversations` new conversations in `week`, each with `turns` identical rows."""
    row = {
        "topic": "rent_question",
        "language": "fr",
        "channel": "sms",
        "commune": None,
        "understood": True,
        "urgent": False,
        "handoff_reason": None,
        **fields,
    }
    for _ in range(conversations):
        token = f"t{next(_tokens):031d}"
        for _ in range(turns):
            session.add(SignalEvent(week=week, conversation=token, company_id=company, **row))


def scenario(session) -> None:
    """Company A: week 1 has 20 SMS and 3 Telegram conversations (rent, 3 turns each), 6 of
    them in Schaerbeek, 4 in Jette; 6 handed over because asked, 2 urgent. Week 2: 4
    conversations. Company B: 9 repair conversations in week 1."""
    add(session, W1, 6, turns=3, commune="schaerbeek", handoff_reason="asked")
    add(session, W1, 4, turns=3, commune="jette", understood=False, topic="nlu_fallback")
    add(session, W1, 8, turns=3, language="nl")
    add(session, W1, 2, turns=3, urgent=True, handoff_reason="danger")
    add(session, W1, 3, turns=3, channel="telegram")
    add(session, W2, 4)
    add(session, W1, 9, company="company-b", topic="report_repair")
    session.commit()


# --- the summary --------------------------------------------------------------------------


def test_counts_are_distinct_conversations_per_week_not_turns(sessions):
    with sessions() as session:
        scenario(session)
        summary = summarise(session, W1, W3, "company-a")
    assert summary.weeks == [W1, W2, W3]
    assert [str(c) for c in summary.conversations] == ["23", "<5", "<5"]  # 69 turns in W1
    assert [str(c) for c in summary.breakdowns["language"]["nl"]] == ["8", "<5", "<5"]
    assert [str(c) for c in summary.breakdowns["language"]["fr"]] == ["15", "<5", "<5"]


def test_cells_under_five_conversations_are_never_shown(sessions):
    with sessions() as session:
        scenario(session)
        summary = summarise(session, W1, W3, "company-a")
    jette, urgent = summary.breakdowns["commune"]["jette"], summary.urgent
    assert jette[0].value is None and str(jette[0]) == "<5"  # 4 conversations
    assert urgent[0].value is None and str(urgent[0]) == "<5"  # 2 conversations
    assert str(summary.not_understood[0].cell) == "<5" and summary.not_understood[0].share is None
    # Weeks without anything are "<5" too, so a hidden cell never says whether anyone is in it.
    assert str(summary.breakdowns["commune"]["schaerbeek"][2]) == "<5"


def test_a_lone_hidden_cell_cannot_be_worked_out_from_the_total(sessions):
    with sessions() as session:
        scenario(session)
        summary = summarise(session, W1, W3, "company-a")
    sms, telegram = summary.breakdowns["channel"]["sms"], summary.breakdowns["channel"]["telegram"]
    assert str(summary.conversations[0]) == "23"
    # 23 - 20 would give Telegram's 3 away: SMS is hidden as well.
    assert str(telegram[0]) == "<5" and str(sms[0]) == "x" and sms[0].value is None
    # Every breakdown gets the same rule: Jette's 4 hides Schaerbeek's 6 in week 1; in week 2
    # both are empty, hidden, and cover each other.
    communes, topics = summary.breakdowns["commune"], summary.breakdowns["topic"]
    assert [str(c) for c in communes["jette"]] == ["<5", "<5", "<5"]
    assert [str(c) for c in communes["schaerbeek"]] == ["x", "<5", "<5"]
    assert [str(c) for c in topics["nlu_fallback"]] == ["<5", "<5", "<5"]
    assert [str(c) for c in topics["rent_question"]] == ["x", "<5", "<5"]


def test_rates_are_shown_only_over_five_conversations(sessions):
    with sessions() as session:
        scenario(session)
        summary = summarise(session, W1, W3, "company-a")
    asked, danger = summary.handoffs["asked"], summary.handoffs["danger"]
    assert str(asked[0].cell) == "6" and asked[0].percent() == "26%"  # 6 of 23
    assert str(danger[0].cell) == "<5" and danger[0].percent() == ""  # would give 2 back
    assert asked[1].percent() == "" and str(asked[1].cell) == "<5"  # 4 conversations that week


def test_a_company_sees_only_its_own_rows_and_the_command_line_may_see_all(sessions):
    with sessions() as session:
        scenario(session)
        own = summarise(session, W1, W3, "company-a")
        other = summarise(session, W1, W3, "company-b")
        every = summarise(session, W1, W3, None)
    assert "report_repair" not in own.breakdowns["topic"]
    assert str(other.breakdowns["topic"]["report_repair"][0]) == "9"
    assert "rent_question" not in other.breakdowns["topic"]
    assert str(every.conversations[0]) == "32"


def test_the_range_is_whole_weeks_and_has_limits():
    assert week_range(date(2026, 3, 4), date(2026, 3, 15)) == [W1, W2]
    with pytest.raises(ValueError):
        week_range(W3, W1)
    with pytest.raises(ValueError):
        week_range(date(2025, 1, 1), date(2026, 3, 1))


def test_the_sample_is_the_same_every_time_and_reseeding_replaces_it(sessions):
    def shape(rows):  # noqa: ANN001, ANN202
        return [
            (r.week, r.conversation, r.topic, r.language, r.commune, r.handoff_reason) for r in rows
        ]

    assert shape(sample_rows("company-a", W3)) == shape(sample_rows("company-a", W3))
    with sessions() as session:
        written = seed_sample(session, "company-a", W3)
        session.commit()
        seed_sample(session, "company-a", W3)
        session.commit()
        stored = session.scalar(select(func.count()).select_from(SignalEvent))
        summary = summarise(session, date(2025, 12, 29), W3, "company-a")
    assert stored == written
    assert all(row.conversation.startswith("sample") for row in sample_rows("company-a", W3))
    shown = [c.value for c in summary.conversations]
    assert all(value is not None and value >= 20 for value in shown)
    assert any(str(c) == "<5" for c in summary.breakdowns["commune"]["jette"])


# --- the command line ---------------------------------------------------------------------


def test_the_command_line_prints_the_same_suppressed_summary(tmp_path, capsys):
    url, sessions = migrated_sessions(tmp_path / "gateway.db")
    with sessions() as session:
        scenario(session)
        expected = to_csv(summarise(session, W1, W3, "company-a"))
    args = [
        "summary",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-20",
        "--company",
        "company-a",
        "--database-url",
        url,
    ]
    assert signals_main([*args, "--csv"]) == 0
    assert capsys.readouterr().out == expected
    assert signals_main(args) == 0
    text = capsys.readouterr().out
    channel = text.split("Per channel")[1].split("\n\n")[0]
    assert re.search(r"^sms\s+x\s+", channel, re.M)
    assert re.search(r"^telegram\s+<5\s+", channel, re.M)
    assert re.search(r"^all\s+23\s+<5\s+<5$", text, re.M)
    assert (
        signals_main(
            ["summary", "--from", "2026-03-20", "--to", "2026-03-02", "--database-url", url]
        )
        == 2
    )


# --- the console page and the CSV export ----------------------------------------------------


@pytest.fixture
def console(tmp_path):
    """The gateway, company A's and B's signals, and staff of every kind."""
    with console_with_staff(
        tmp_path,
        [
            ("cora@a.example", "company-a", "coordinator", "fr"),
            ("koen@a.example", "company-a", "coordinator", "nl"),
            ("ana@a.example", "company-a", "caseworker", "fr"),
            ("adam@a.example", "company-a", "admin", "fr"),
            ("bea@b.example", "company-b", "coordinator", "fr"),
        ],
    ) as running:
        with running.sessions() as session:
            scenario(session)
        yield running


def login(console, email: str) -> None:
    answer = sign_in(console, email)
    assert answer.status_code == 303, answer.text


def _csrf(console, path: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', console.client.get(path).text).group(1)


def row_cells(page: str, table: str, name: str) -> list[str]:
    """The cells of one row (by its name) of one table (by its data-table) on the page."""
    body = page.split(f'data-table="{table}"')[1].split("</table>")[0]
    row = re.search(rf'<th scope="row">{re.escape(name)}</th>(.*?)</tr>', body, re.S)
    assert row, f"no row {name!r} in table {table!r}"
    return [
        unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


def test_the_page_hides_small_cells_and_the_cell_that_would_give_one_away(console):
    login(console, "cora@a.example")
    page = console.client.get(f"/console/signals?{RANGE}")
    assert page.status_code == 200
    html = page.text
    assert row_cells(html, "conversations", "Toutes") == ["23", "<5", "<5"]
    assert row_cells(html, "commune", "Jette") == ["<5", "<5", "<5"]  # 4 conversations
    assert row_cells(html, "commune", "Schaerbeek") == ["x", "<5", "<5"]
    assert row_cells(html, "channel", "Telegram") == ["<5", "<5", "<5"]
    assert row_cells(html, "channel", "SMS") == ["x", "<5", "<5"]  # 23 - 3 is hidden too
    assert row_cells(html, "conversations", "Urgent") == ["<5", "<5", "<5"]
    assert row_cells(html, "handoff", "demande une personne") == ["6 (26%)", "<5", "<5"]
    assert row_cells(html, "handoff", "danger") == ["<5", "<5", "<5"]
    assert row_cells(html, "topic", "Le loyer") == ["x", "<5", "<5"]
    assert row_cells(html, "language", "FR") == ["15", "<5", "<5"]
    assert row_cells(html, "language", "NL") == ["8", "<5", "<5"]


def test_the_csv_export_has_the_same_suppression(console):
    login(console, "cora@a.example")
    answer = console.client.get(f"/console/signals.csv?{RANGE}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = {
        (r["section"], r["item"], r["week"]): r for r in csv.DictReader(io.StringIO(answer.text))
    }
    assert rows[("commune", "jette", "2026-03-02")]["conversations"] == "<5"
    assert rows[("channel", "telegram", "2026-03-02")]["conversations"] == "<5"
    assert rows[("channel", "sms", "2026-03-02")]["conversations"] == "x"
    assert rows[("conversations", "all", "2026-03-02")]["conversations"] == "23"
    assert rows[("handoff", "asked", "2026-03-02")]["rate"] == "26%"
    assert rows[("handoff", "danger", "2026-03-02")]["rate"] == ""
    assert ("topic", "report_repair", "2026-03-02") not in rows  # company B's
    values = {r["conversations"] for r in rows.values()}
    assert not values & {"1", "2", "3", "4"}  # no small number anywhere


def test_the_page_has_trend_charts_as_svg_without_external_scripts(console):
    login(console, "cora@a.example")
    html = console.client.get(f"/console/signals?{RANGE}").text
    charts = re.findall(r'<svg role="img" aria-label="([^"]+)"', html)
    assert len(charts) == 5 and charts[0].startswith("Conversations")
    assert "<script src" not in html and "cdn" not in html.lower()
    assert '<desc class="value">23</desc>' in html  # the week's conversations, drawn
    assert re.search(r"<title>Le loyer</title>|>Le loyer<", html)


def test_a_dutch_coordinator_reads_the_page_in_dutch(console):
    login(console, "koen@a.example")
    html = console.client.get(f"/console/signals?{RANGE}").text
    assert "Per onderwerp" in html and "Per gemeente" in html and "De huur" in html
    assert row_cells(html, "commune", "Schaarbeek") == ["x", "<5", "<5"]
    assert row_cells(html, "language", "NL") == ["8", "<5", "<5"]


def test_a_coordinator_sees_only_signals_and_only_their_company(console):
    login(console, "bea@b.example")
    html = console.client.get(f"/console/signals?{RANGE}").text
    assert row_cells(html, "conversations", "Toutes") == ["9", "<5", "<5"]
    assert "Le loyer" not in html
    queue = console.client.get("/console/", follow_redirects=False)
    assert queue.status_code == 303 and queue.headers["location"] == "/console/signals"
    assert console.client.get("/console/handoffs/1").status_code == 403
    assert console.client.get("/console/canned").status_code == 403
    claim = console.client.post(
        "/console/handoffs/1/claim", data={"csrf": _csrf(console, "/console/signals")}
    )
    assert claim.status_code == 403
    logout = console.client.post(
        "/console/logout", follow_redirects=False, data={"csrf": _csrf(console, "/console/signals")}
    )
    assert logout.status_code == 303


def test_caseworkers_cannot_see_signals_admins_can(console):
    login(console, "ana@a.example")
    assert console.client.get("/console/signals").status_code == 403
    assert console.client.get("/console/signals.csv").status_code == 403
    login(console, "adam@a.example")
    assert console.client.get(f"/console/signals?{RANGE}").status_code == 200
    assert console.client.get("/console/").status_code == 200  # and the queue as before


def test_anonymous_visitors_are_sent_to_the_login(console):
    for path in ("/console/signals", "/console/signals.csv"):
        answer = console.client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/console/login"


def test_the_default_range_is_the_last_twelve_weeks_and_a_bad_range_is_refused(console):
    login(console, "cora@a.example")
    html = console.client.get("/console/signals").text
    assert (
        len(
            re.findall(
                r'<th scope="col"><time',
                html.split('data-table="conversations"')[1].split("</thead>")[0],
            )
        )
        == 12
    )
    bad = console.client.get("/console/signals?from=2026-03-20&to=2026-03-02")
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert (
        console.client.get("/console/signals.csv?from=2020-01-01&to=2026-01-01").status_code == 422
    )


def test_viewing_and_exporting_are_in_the_audit_trail(console):
    login(console, "cora@a.example")
    console.client.get(f"/console/signals?{RANGE}")
    console.client.get(f"/console/signals.csv?{RANGE}")
    with console.sessions() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["signals_view", "signals_export"]
