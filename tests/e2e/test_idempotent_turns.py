"""One bot turn per provider message on the real Rasa server: a message sent again with the
same provider id (a Twilio retry after a gateway worker died mid-turn) is answered with the
first turn's replies and is not stored or run a second time."""

from __future__ import annotations


def user_texts(tracker: dict) -> list[str]:
    return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


def test_a_message_sent_again_with_its_id_gets_the_same_answer_and_one_turn(assistant):
    sender = assistant.new_sender()
    first = assistant.say(sender, "bonjour", message_id="sms:SM-first")
    again = assistant.say(sender, "bonjour", message_id="sms:SM-first")
    assert first and again == first
    assert user_texts(assistant.tracker(sender)) == ["bonjour"]


def test_the_replayed_answer_is_that_of_its_own_turn_not_the_latest(assistant):
    sender = assistant.new_sender()
    greeting = assistant.say(sender, "bonjour", message_id="sms:SM-1")
    search = assistant.say(sender, "activités pour enfants à Jette", message_id="sms:SM-2")
    assert assistant.say(sender, "bonjour", message_id="sms:SM-1") == greeting
    assert assistant.say(sender, "activités pour enfants à Jette", message_id="sms:SM-2") == search
    assert user_texts(assistant.tracker(sender)) == ["bonjour", "activités pour enfants à Jette"]


def test_the_same_words_with_a_new_id_are_a_new_turn(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "merci", message_id="sms:SM-a")
    assistant.say(sender, "merci", message_id="sms:SM-b")
    assert user_texts(assistant.tracker(sender)) == ["merci", "merci"]
