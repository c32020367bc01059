"""Talk to the running assistant in a terminal (`make chat`), as a tenant on a basic
phone would: buttons are shown as a numbered menu, and a digit picks an option.

Talks to Rasa's REST channel directly; only the standard library, so it runs anywhere."""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
import uuid

from bot.sms import measure, menu_keys, render

_DIGIT = re.compile(r"^\s*(\d)\s*\.?\s*$")


def send(url: str, sender: str, text: str, language_hint: str | None) -> list[dict]:
    metadata = {"channel": "terminal"}
    if language_hint:
        metadata["language_hint"] = language_hint
    body = json.dumps({"sender": sender, "message": text, "metadata": metadata}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"[]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:5005/webhooks/rest/webhook")
    parser.add_argument("--language", choices=["fr", "nl"], help="the channel's language hint")
    args = parser.parse_args()
    sender = f"terminal-{uuid.uuid4().hex[:12]}"
    print("Écrivez un message / Schrijf een bericht. Ctrl-D pour quitter / om te stoppen.")
    options: dict[str, str] = {}
    while True:
        try:
            text = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        digit = _DIGIT.match(text)
        if digit and digit.group(1) in options:
            text = options[digit.group(1)]
        try:
            replies = send(args.url, sender, text, args.language)
        except (urllib.error.URLError, TimeoutError) as error:
            print(f"[the assistant is not reachable at {args.url}: {error}. Run `make run`.]")
            continue
        options = {}
        for reply in replies:
            buttons = reply.get("buttons") or []
            keys = menu_keys(button["payload"] for button in buttons)
            options = {
                key: button["payload"] for key, button in zip(keys, buttons, strict=True)
            } or options
            shown = render(reply.get("text", ""), [button["title"] for button in buttons], keys)
            size = measure(shown)
            print(f"{shown}\n   [{size.segments} SMS, {'GSM-7' if size.gsm7 else 'Unicode'}]")


if __name__ == "__main__":
    sys.exit(main())
