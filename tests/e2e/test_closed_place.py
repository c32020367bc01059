"""A tenant tells the assistant that a place it proposed was closed (issue 23), with the
real Rasa server, action server and gateway: after a search, "c'était fermé" asks which
place (the results' names as choices), the choice is thanked with the place's name, and
the gateway keeps the report for the directory's curators."""

from __future__ import annotations

import sqlite3

from tests.e2e.conftest import buttons, texts


def reports(gateway_directory) -> set[tuple]:
    with sqlite3.connect(gateway_directory / "gateway.db") as db:
        return set(db.execute("SELECT service_id, source FROM service_closed_report").fetchall())


def test_after_a_search_a_closed_place_is_reported_in_french(assistant, gateway_directory):
    sender = assistant.new_sender()
    assistant.say(sender, "du sport à Jette")
    shown = assistant.tracker(sender)["slots"]["shown_activities"]
    assert len(shown) >= 2
    before = reports(gateway_directory)
    replies = assistant.say(sender, "j'y suis allé mais c'était fermé")
    assert "Quel lieu était fermé ?" in texts(replies)
    choices = buttons(replies)
    assert choices[:2] == [
        '/report_place_closed{"place_number":"1"}',
        '/report_place_closed{"place_number":"2"}',
    ]
    thanks = "\n".join(texts(assistant.say(sender, choices[1])))
    assert shown[1]["name"] in thanks and "liste à jour" in thanks
    assert reports(gateway_directory) - before == {(shown[1]["service_id"], "tenant")}


def test_a_dutch_tenant_names_the_closed_place_by_its_number(assistant, gateway_directory):
    sender = assistant.new_sender()
    assistant.say(sender, "huiswerkbegeleiding in Molenbeek")
    shown = assistant.tracker(sender)["slots"]["shown_activities"]
    before = reports(gateway_directory)
    thanks = "\n".join(texts(assistant.say(sender, "nummer 2 was dicht")))
    assert shown[1]["name"] in thanks and "lijst bijhoudt" in thanks
    assert reports(gateway_directory) - before == {(shown[1]["service_id"], "tenant")}


def test_before_any_search_the_tenant_is_told_who_to_tell(assistant):
    replies = assistant.say(assistant.new_sender(), "c'était fermé, il n'y avait personne")
    assert "Dites-le au service social" in "\n".join(texts(replies))
