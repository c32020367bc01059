"""SMS text rules: GSM-7 folding of data text, and the digits of the numbered menu."""

from __future__ import annotations

from bot.sms_rules import measure, menu_keys, numbered_menu, to_gsm7


def test_accents_outside_gsm7_are_dropped_and_those_inside_are_kept():
    assert to_gsm7("Le Chêne, français, naïf, Œuvre") == "Le Chene, francais, naif, OEuvre"
    assert to_gsm7("École été à Ça") == "École été à Ça"  # é, à, É, Ç are GSM-7


def test_one_data_name_no_longer_turns_a_reply_into_unicode():
    text = "1. École de football - Le Chêne Vert\nSamedi 28/11, 10h00-11h30\n" * 2
    assert not measure(text).gsm7 and measure(text).segments == 2  # 67 characters a part
    assert measure(to_gsm7(text)).gsm7 and measure(to_gsm7(text)).segments == 1


def test_what_gsm7_cannot_write_at_all_is_kept_rather_than_lost():
    assert to_gsm7("merci 🙂 شكرا") == "merci 🙂 شكرا"


def test_more_results_is_always_9_and_other_options_count_from_1():
    assert menu_keys(["/affirm", "/deny"]) == ["1", "2"]
    assert menu_keys(["/more_results"]) == ["9"]
    assert menu_keys(["/affirm", "/more_results", "/deny"]) == ["1", "9", "2"]
    assert numbered_menu(["Plus de résultats"], ["9"]) == "9 Plus de résultats"


def test_the_menu_is_always_0_like_the_sms_keyword():
    assert menu_keys(["/guide_next", "/guide_repeat", "/ask_capabilities"]) == ["1", "2", "0"]
    assert menu_keys(["/human_handoff", "/ask_capabilities"]) == ["1", "0"]
