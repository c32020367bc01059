"""`make chat`: a tenant in the terminal, talking to the running gateway (`make run`) the way
Twilio or Telegram would.

SMS (default): each line is sent as a Twilio webhook signed with the configured auth token
(the development token when none is set); the TwiML reply is printed with its SMS segment
count and encoding. Replies that come later (through the outbox) arrive at a loopback
"Twilio" this tool runs, and are printed too.

WhatsApp (`make chat CHANNEL=whatsapp`): each line is sent as Twilio's WhatsApp webhook
(/webhooks/whatsapp: `whatsapp:` addresses, ProfileName, WaId, signed the same way); the
TwiML reply is printed with its length (a turn is one WhatsApp message). What goes later
arrives at the same loopback "Twilio": a free-form message is printed as its body, a template
(outside WhatsApp's 24-hour window: a reminder, or "a message is waiting") as its ContentSid
and variables; templates go only when the gateway has their ids (WHATSAPP_TEMPLATE_*), else
the console says why nothing went. A digit picks a menu option, as on SMS.

Telegram (`make chat CHANNEL=telegram`): each line is sent as a Telegram update with the
secret token; the gateway's messages arrive at a loopback "Telegram Bot API" this tool runs.
A digit presses the matching button of the last keyboard.

Voice (`make chat CHANNEL=voice`): the terminal is the caller of the phone line; what
would be said is printed, optionally also said by a local synthesiser (`--speak`,
`--audio-dir`): bot/devtools/voice_chat.py."""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

from twilio.request_validator import RequestValidator

from bot.core.settings import Settings
from bot.devtools import voice_chat
from bot.devtools.loopback import FakeTelegram, FakeTwilio, Recorded
from bot.devtools.whatsapp_form import WEBHOOK, whatsapp_form, whatsapp_signature
from bot.sms_rules import measure

DIGIT = re.compile(r"^\s*(\d)\s*\.?\s*$")
CHAT_ID = 700000001  # a made-up Telegram chat


def describe(text: str) -> str:
    size = measure(text)
    return f"[{size.segments} SMS, {'GSM-7' if size.gsm7 else 'Unicode'}]"


def describe_whatsapp(text: str) -> str:
    return f"[WhatsApp, {len(text)} characters]"


def later(sent: dict[str, Any]) -> str:
    """What a send to the loopback Twilio would put on the tenant's phone."""
    if not str(sent.get("To", "")).lower().startswith("whatsapp:"):
        body = sent.get("Body", "")
        return f"(later SMS)\n{body}\n   {describe(body)}"
    if "ContentSid" in sent:  # outside the 24-hour window: an approved template only
        try:
            variables = json.loads(sent.get("ContentVariables") or "{}")
        except ValueError:
            variables = sent.get("ContentVariables")
        return (
            f"(later WhatsApp template)\nContentSid {sent['ContentSid']}, variables "
            f"{json.dumps(variables, ensure_ascii=False)}"
        )
    body = sent.get("Body", "")
    return f"(later WhatsApp)\n{body}\n   {describe_whatsapp(body)}"


class PrintingTwilio(FakeTwilio):
    def on_request(self, request: Recorded) -> None:
        if request.method != "POST" or not request.path.endswith("/Messages.json"):
            return
        print(f"\n{later(request.body)}\n> ", end="", flush=True)


class PrintingTelegram(FakeTelegram):
    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.buttons: list[str] = []

    def on_request(self, request: Recorded) -> None:
        if not request.path.endswith("/sendMessage"):
            return
        print(f"\n{request.body.get('text', '')}")
        markup = request.body.get("reply_markup")
        if markup:
            rows = (json.loads(markup) if isinstance(markup, str) else markup)["inline_keyboard"]
            self.buttons = [row[0]["callback_data"] for row in rows]
            for number, row in enumerate(rows, start=1):
                print(f"  [{number}] {row[0]['text']}")
        print("> ", end="", flush=True)


def post(url: str, data: bytes, headers: dict[str, str]) -> str:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


def sms_loop(settings: Settings, gateway: str, number: str) -> None:
    token = settings.twilio_auth_token.get_secret_value()
    public = settings.public_url.rstrip("/")
    for count in itertools.count(1):
        line = input("> ")
        params = {
            "MessageSid": f"SMchat{time.time_ns():x}{count}",
            "From": number,
            "To": settings.twilio_number,
            "Body": line,
            "NumMedia": "0",
            "AccountSid": settings.twilio_account_sid,
        }
        signature = RequestValidator(token).compute_signature(f"{public}/webhooks/sms", params)
        twiml = post(
            f"{gateway}/webhooks/sms",
            urllib.parse.urlencode(params).encode(),
            {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
        )
        for message in ElementTree.fromstring(twiml).iter("Message"):
            print(f"{message.text}\n   {describe(message.text or '')}")


def whatsapp_loop(settings: Settings, gateway: str, number: str) -> None:
    token = settings.twilio_auth_token.get_secret_value()
    for count in itertools.count(1):
        sid = f"SMchat{time.time_ns():x}{count}"
        form = whatsapp_form(
            sid, number, settings.twilio_whatsapp_number, input("> "), settings.twilio_account_sid
        )
        twiml = post(
            f"{gateway}{WEBHOOK}",
            urllib.parse.urlencode(form).encode(),
            {
                "X-Twilio-Signature": whatsapp_signature(token, settings.public_url, form),
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        for message in ElementTree.fromstring(twiml).iter("Message"):
            print(f"{message.text}\n   {describe_whatsapp(message.text or '')}", flush=True)


def telegram_loop(settings: Settings, gateway: str, api: PrintingTelegram, language: str) -> None:
    secret = settings.telegram_secret_token.get_secret_value()
    user = {"id": CHAT_ID, "is_bot": False, "first_name": "Tenant", "language_code": language}
    chat = {"id": CHAT_ID, "type": "private", "first_name": "Tenant"}
    for update_id in itertools.count(int(time.time())):
        line = input("> ")
        digit = DIGIT.match(line)
        update: dict[str, Any] = {"update_id": update_id}
        if digit and 0 < int(digit.group(1)) <= len(api.buttons):
            update["callback_query"] = {
                "id": str(update_id),
                "from": user,
                "chat_instance": "1",
                "data": api.buttons[int(digit.group(1)) - 1],
                "message": {"message_id": 1, "date": int(time.time()), "chat": chat},
            }
        else:
            update["message"] = {
                "message_id": update_id,
                "date": int(time.time()),
                "from": user,
                "chat": chat,
                "text": line,
            }
        post(
            f"{gateway}/webhooks/telegram",
            json.dumps(update).encode(),
            {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"},
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make chat", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--channel", choices=["sms", "whatsapp", "telegram", "voice"], default="sms"
    )
    parser.add_argument("--gateway", default=None, help="default: the configured gateway")
    parser.add_argument("--number", default="+32470000000", help="the tenant's (made-up) number")
    parser.add_argument("--language", default="fr", help="Telegram's language_code")
    parser.add_argument(
        "--speak", action="store_true", help="voice: say each text with espeak-ng or espeak"
    )
    parser.add_argument(
        "--audio-dir", type=Path, metavar="DIR", help="voice: write WAV files there, not play"
    )
    args = parser.parse_args(argv)
    settings = Settings()
    gateway = args.gateway or f"http://127.0.0.1:{settings.gateway_port}"
    if args.channel == "voice":
        return voice_chat.main(settings, gateway, args.number, args.speak, args.audio_dir)
    print("Écrivez un message / Schrijf een bericht. Ctrl-D pour quitter / om te stoppen.")
    try:
        if args.channel in ("sms", "whatsapp"):
            port = urllib.parse.urlsplit(settings.twilio_api).port
            if port:
                PrintingTwilio(port).start()
            if args.channel == "sms":
                sms_loop(settings, gateway, args.number)
            else:
                whatsapp_loop(settings, gateway, args.number)
        else:
            api = PrintingTelegram(urllib.parse.urlsplit(settings.telegram_api).port or 8026)
            api.start()
            telegram_loop(settings, gateway, api, args.language)
    except (EOFError, KeyboardInterrupt):
        print()
    except urllib.error.URLError as error:
        print(f"[the gateway is not reachable at {gateway}: {error}. Run `make run`.]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
