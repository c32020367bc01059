"""Language identification (lingua) and the sticky-language rules."""

import pytest

from actions.language_rules import TurnLanguage, is_unsupported_language, next_language
from bot.language_id import identify


def test_long_clear_messages_are_reliable():
    french = identify("bonjour je cherche une activité pour mon fils le mercredi")
    dutch = identify("goeiedag ik zoek een activiteit voor mijn zoon op woensdag")
    assert (french.code, french.reliable) == ("fr", True)
    assert (dutch.code, dutch.reliable) == ("nl", True)


@pytest.mark.parametrize("text", ["ok", "merci", "1", "Schaerbeek", "Mohamed", "👍", ""])
def test_short_messages_are_never_reliable(text):
    assert not identify(text).reliable


def test_language_names_are_explicit_requests():
    guess = identify("Nederlands")
    assert (guess.code, guess.explicit) == ("nl", True)


def test_short_everyday_words_still_give_a_first_guess():
    assert identify("hallo").code == "nl"
    assert identify("bjr").code == "fr"


def test_other_languages_are_recognised_as_such():
    english = identify("hello I need some help with my rent please")
    assert english.code == "en" and english.reliable and not english.supported
    assert is_unsupported_language(english.as_dict())


def turn(**overrides):
    values = dict(
        current="fr", intent="greet", guess={}, target_entity=None, hint=None, first_message=False
    )
    values.update(overrides)
    return TurnLanguage(**values)


def test_language_is_sticky_on_short_messages():
    for text in ["ok", "merci", "1", "Schaerbeek", "dank u"]:
        guess = identify(text).as_dict()
        assert next_language(turn(current="nl", guess=guess)) == "nl", text
        assert next_language(turn(current="fr", guess=guess)) == "fr", text


def test_a_long_clear_message_in_the_other_language_switches():
    guess = identify("ik heb een vraag over de huur van mijn appartement").as_dict()
    assert next_language(turn(current="fr", guess=guess)) == "nl"


def test_explicit_requests_switch():
    assert next_language(turn(intent="change_language", target_entity="nl")) == "nl"
    assert next_language(turn(current="nl", guess=identify("FR").as_dict())) == "fr"
    # "change language" without naming one: the other language
    assert next_language(turn(current="fr", intent="change_language")) == "nl"


def test_a_negated_language_means_the_other_one():
    words = ("je", "comprends", "pas", "le", "neerlandais")
    assert (
        next_language(turn(current="nl", intent="change_language", target_entity="nl", words=words))
        == "fr"
    )


def test_first_message_takes_the_channel_hint_only_when_it_does_not_tell_its_own():
    short = identify("ok").as_dict()
    assert next_language(turn(first_message=True, guess=short, hint="nl")) == "nl"
    assert next_language(turn(first_message=True, guess=identify("hallo").as_dict())) == "nl"
    # a hint never overrides a later message
    assert next_language(turn(current="fr", guess=short, hint="nl")) == "fr"


@pytest.mark.parametrize(
    ("text", "hint", "code"),
    [
        ("dag", "fr", "nl"),
        ("goeiemiddag", "fr", "nl"),
        ("hallo", "fr", "nl"),
        ("hoi", "fr", "nl"),
        ("hallo, ik zoek taallessen in Etterbeek", "fr", "nl"),
        ("salut", "nl", "fr"),
        ("coucou", "nl", "fr"),
        ("bjr", "nl", "fr"),
        ("bonjour je cherche un cours de néerlandais à Jette", "nl", "fr"),
        ("ok", "nl", "nl"),  # says nothing: the hint decides
        ("Etterbeek", "fr", "fr"),
    ],
)
def test_a_first_message_that_tells_its_language_beats_the_channel_hint(text, hint, code):
    guess = identify(text).as_dict()
    assert next_language(turn(first_message=True, guess=guess, hint=hint)) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("du sport à Schaerbeek", "fr"),  # lingua alone says Dutch (0.66)
        ("sport in Jette", "nl"),
        ("de la danse à Uccle", "fr"),
        ("een cursus in Evere", "nl"),
    ],
)
def test_grammar_words_decide_short_unclear_messages(text, code):
    assert identify(text).code == code


def test_a_guess_from_grammar_words_never_switches_a_conversation():
    assert not identify("du sport à Schaerbeek").reliable
