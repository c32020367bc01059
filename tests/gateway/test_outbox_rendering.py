"""One rendering of a text for a tenant's channel (bot/outbox/rendering.py): SMS in GSM-7
letters within the SMS budget, Telegram as escaped HTML."""

from __future__ import annotations

import pytest

from bot.channels.sms_render import render_turn
from bot.outbox.rendering import bodies_for
from bot.sms_rules import HARD_MAX_SEGMENTS, measure

LONG = "\n".join(
    f"{n}. École de devoirs du Chêne - rue de l’Église {n}, lundi et jeudi 16h-18h."
    for n in range(1, 9)
)


def test_a_short_sms_is_one_gsm7_message():
    assert bodies_for("sms", "Le Chêne “Vert” – à bientôt…") == ['Le Chene "Vert" - à bientot...']


def test_a_long_sms_is_cut_into_at_most_three_messages_at_list_items():
    parts = bodies_for("sms", LONG)
    assert 1 < len(parts) <= HARD_MAX_SEGMENTS
    assert all(measure(part).gsm7 for part in parts)
    assert all(part.split("\n")[0][:2] in {f"{n}." for n in range(1, 9)} for part in parts)
    assert "\n".join(parts).count("École") == 8  # nothing lost


def test_a_bot_turn_and_a_caseworker_reply_of_the_same_text_are_cut_alike():
    for text in (LONG, "Bonjour.", "Une phrase assez longue pour compter. " * 12):
        assert bodies_for("sms", text) == render_turn([{"text": text}]).parts


def test_telegram_text_is_escaped_html_with_quotes_kept():
    assert bodies_for("telegram", 'Dag, ik ben Ana <sociale dienst> & "jij"') == [
        'Dag, ik ben Ana &lt;sociale dienst&gt; &amp; "jij"'
    ]


def test_an_unknown_channel_is_refused():
    with pytest.raises(ValueError):
        bodies_for("fax", "Bonjour")
