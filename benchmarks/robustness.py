"""`make bench-robustness`: the clean messages of the blind set v2 (without those in or
near the training data), each also rewritten the ways tenants write, and scored apart so
the drop is visible (issue 19). The rewrites are deterministic (seeded per message):

- no_accents: accents dropped;
- voice: lower case, no punctuation (dictated);
- sms: common words in SMS spelling ("pour" -> "pr", "ik" -> "k", "alstublieft" -> "aub");
- typos: two letters swapped in the longest word, a doubled letter made single;
- preamble: a sentence of context before the question;
- code_switch: a word of the other language or of English added.

The whole NLU pipeline (config.yml) is trained here on all of data/nlu; accuracy counts
"not understood" as a miss, as a tenant sees it. Tuning may use the tuning split of the
training data, never these messages. Writes var/results/robustness.json and
benchmarks/figures/robustness.md (the README's table)."""

from __future__ import annotations

import asyncio
import hashlib
import random
import re
import sys
import unicodedata
from collections.abc import Callable

from benchmarks.blind_overlap import BlindMessage, blind_v2, kept
from benchmarks.blind_v2 import FALLBACK, WORK, predictions
from benchmarks.figures_io import publish
from benchmarks.run import nlu_only_config, train
from benchmarks.split import LANGUAGES, NLU_DIR, ROOT

SMS = {
    "fr": {
        "pour": "pr",
        "bonjour": "bjr",
        "quand": "qd",
        "beaucoup": "bcp",
        "aujourd'hui": "auj",
        "rendez-vous": "rdv",
        "c'est": "c",
        "est-ce que": "esk",
        "je suis": "chui",
        "tout": "tt",
        "s'il vous plaît": "svp",
        "s'il te plaît": "stp",
        "quelqu'un": "qqn",
        "je ": "j ",
    },
    "nl": {
        "ik ": "k ",
        "het ": "t ",
        "niet": "nie",
        "een ": "ne ",
        "alstublieft": "aub",
        "bedankt": "thx",
        "voor": "vr",
        "even": "ff",
        "dat is": "da's",
        "goedemorgen": "goeiemorgen",
        "hebben": "hebbe",
        "kunnen": "kunne",
    },
}
PREAMBLE = {
    # no word of any topic: only the length and the politeness of a real first message
    "fr": "Bonjour, excusez-moi de vous déranger, je ne sais plus trop à qui demander, "
    "alors je vous écris ici en espérant que vous pourrez me répondre. ",
    "nl": "Goeiendag, sorry dat ik stoor, ik weet niet goed meer aan wie ik het moet "
    "vragen, dus ik schrijf het hier in de hoop dat u mij kunt antwoorden. ",
}
OTHER_WORDS = {"fr": ("sorry", "dank u", "please", "wallah"), "nl": ("merci", "sorry", "svp")}


def _seeded(message: BlindMessage, kind: str) -> random.Random:
    digest = hashlib.sha256(f"{kind}:{message.text}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def no_accents(message: BlindMessage) -> str:
    decomposed = unicodedata.normalize("NFD", message.text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def voice(message: BlindMessage) -> str:
    return " ".join(re.sub(r"[^\w' ]", " ", message.text.lower()).split())


def sms(message: BlindMessage) -> str:
    text = f"{message.text.lower()} "
    for word, short in SMS[message.language].items():
        text = re.sub(rf"(?<!\w){re.escape(word)}", short, text)
    return text.strip()


def typos(message: BlindMessage) -> str:
    words = message.text.split()
    if not words:
        return message.text
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) >= 4:
        at = _seeded(message, "typos").randrange(1, len(word) - 2)
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    words[index] = re.sub(r"(\w)\1", r"\1", word, count=1)
    return " ".join(words)


def preamble(message: BlindMessage) -> str:
    return PREAMBLE[message.language] + message.text


def code_switch(message: BlindMessage) -> str:
    rng = _seeded(message, "code_switch")
    word = rng.choice(OTHER_WORDS[message.language])
    return f"{message.text} {word}" if rng.random() < 0.5 else f"{word} {message.text}"


REWRITES: dict[str, Callable[[BlindMessage], str]] = {
    "no_accents": no_accents,
    "voice": voice,
    "sms": sms,
    "typos": typos,
    "preamble": preamble,
    "code_switch": code_switch,
}


def accuracy(messages: list[BlindMessage], parsed: list[dict]) -> float:
    said = [str((p.get("intent") or {}).get("name") or FALLBACK) for p in parsed]
    return sum(m.intent == s for m, s in zip(messages, said, strict=True)) / len(messages)


def measure() -> dict[str, dict[str, dict[str, float]]]:
    WORK.mkdir(parents=True, exist_ok=True)
    model = train("pipeline", nlu_only_config(ROOT / "config.yml", WORK / "p.yml"), NLU_DIR, WORK)
    clean = [m for m in kept(blind_v2()) if m.style == "clean"]
    results: dict[str, dict[str, dict[str, float]]] = {}
    for language in LANGUAGES:
        mine = [m for m in clean if m.language == language]
        base = accuracy(mine, asyncio.run(predictions(model.model, mine)))
        results[language] = {"clean": {"n": len(mine), "accuracy": base}}
        for kind, rewrite in REWRITES.items():
            changed = [
                BlindMessage(m.language, m.intent, rewrite(m), kind)
                for m in mine
                if rewrite(m) != m.text
            ]
            if not changed:
                continue
            originals = [m for m in mine if rewrite(m) != m.text]
            before = accuracy(originals, asyncio.run(predictions(model.model, originals)))
            after = accuracy(changed, asyncio.run(predictions(model.model, changed)))
            results[language][kind] = {"n": len(changed), "clean": before, "rewritten": after}
    return results


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    lines = [
        "| language | rewrite | n | as written | rewritten | change (points) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for language, kinds in results.items():
        base = kinds["clean"]
        lines.append(f"| {language} | none | {base['n']} | {100 * base['accuracy']:.1f}% | – | – |")
        for kind, row in kinds.items():
            if kind == "clean":
                continue
            change = 100 * (row["rewritten"] - row["clean"])
            lines.append(
                f"| {language} | {kind} | {row['n']} | {100 * row['clean']:.1f}% | "
                f"{100 * row['rewritten']:.1f}% | {change:+.1f} |"
            )
    return "\n".join(lines)


def main() -> int:
    results = measure()
    markdown = (
        "Generated by `make bench-robustness` (benchmarks/robustness.py): the clean messages "
        "of the blind set v2, as written and rewritten; accuracy as a tenant sees it.\n\n"
        + table(results)
        + "\n"
    )
    publish("robustness", markdown, results)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
