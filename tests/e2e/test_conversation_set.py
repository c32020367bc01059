"""The conversation set (tests/conversations/, issue 21), end to end over SMS and Telegram:
every conversation passes its per-turn expectations, no answer repeats the one before,
and fewer than 3% of tenant turns are answered "not understood". The figures go to
var/results/conversations.json (`make bench` and the README read them).

Conversations that do not pass yet are listed, with the reason, in
tests/conversations/known_failures.yml and expected to fail (strict).

The blind set (tests/conversations/blind/) was written with the main set, before any
tuning, and is never tuned on: it is only measured, by `make bench`
(CONVERSATION_SET=blind), and its figures are reported as they come."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.e2e.conversation_set import Played, Stage, load, play_all, summary

MAX_NOT_UNDERSTOOD_RATE = 0.03
RESULTS = Path(__file__).parents[2] / "var" / "results"
SET_NAME = os.environ.get("CONVERSATION_SET", "main")
ROWS = load(SET_NAME)
# What does not pass yet, and why (issue 21 stays open until it is empty)
KNOWN_FAILURES: dict[str, str] = yaml.safe_load(
    (Path(__file__).parents[1] / "conversations" / "known_failures.yml").read_text()
)


def _cases() -> list:
    return [
        pytest.param(
            row["id"],
            marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[row["id"]]),
        )
        if row["id"] in KNOWN_FAILURES
        else row["id"]
        for row in ROWS
    ]


@pytest.fixture(scope="module")
def played(assistant, gateway_url, gateway_directory, fake_telegram) -> dict[str, Played]:
    stage = Stage(gateway_url, assistant, fake_telegram, gateway_directory / "gateway.db")
    results = play_all(stage, ROWS)
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "set": SET_NAME,
        "summary": summary(results),
        "failures": {p.id: p.failures for p in results if p.failures},
        # what the tenant received in the conversations that failed, to see why
        "transcripts": {
            p.id: [{"said": t.said, "answers": t.answers} for t in p.turns]
            for p in results
            if p.failures
        },
    }
    name = "conversations.json" if SET_NAME == "main" else f"conversations-{SET_NAME}.json"
    (RESULTS / name).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return {p.id: p for p in results}


def test_known_failures_name_conversations_of_the_set():
    assert set(KNOWN_FAILURES) <= {row["id"] for row in load("main")}


def test_the_set_covers_both_languages_and_channels():
    assert len(ROWS) >= (60 if SET_NAME == "main" else 20)
    for language in ("fr", "nl"):
        mine = [row for row in ROWS if row["language"] == language]
        assert len(mine) >= 30 if SET_NAME == "main" else len(mine) >= 10
        assert {row["channel"] for row in mine} == {"sms", "telegram"}


@pytest.mark.skipif(SET_NAME != "main", reason="the blind set is measured, not tuned on")
@pytest.mark.parametrize("conversation", _cases())
def test_each_conversation_follows_the_tenant(played, conversation):
    failures = played[conversation].failures
    assert not failures, "\n".join(failures)


@pytest.mark.skipif(SET_NAME != "main", reason="the blind set is measured, not tuned on")
def test_no_answer_repeats_the_one_before_and_few_are_not_understood(played):
    figures = summary(list(played.values()))
    assert figures["identical_consecutive_replies"] == 0
    assert figures["not_understood_rate"] < MAX_NOT_UNDERSTOOD_RATE


@pytest.mark.skipif(SET_NAME == "main", reason="`make bench` measures the blind set")
def test_the_blind_set_is_played_whole(played):
    report = json.loads((RESULTS / f"conversations-{SET_NAME}.json").read_text())
    assert report["summary"]["conversations"] == len(ROWS) == len(played)
    assert report["summary"]["tenant_turns"] == sum(len(row["turns"]) for row in ROWS)
