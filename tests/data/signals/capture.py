"""Records what Rasa's SQL event broker writes for a few real conversations, as the
fixture tests/data/signals/rasa_events.json (run from the repo root with the Rasa venv:
`.venv-rasa/bin/python tests/data/signals/capture.py`). Needs the trained model."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import requests

from bot.dev_defaults import DEV_ACTION_SERVER_TOKEN
from bot.devtools.gateway_process import running_gateway
from bot.devtools.processes import free_port, running_actions, running_rasa

OUT = Path(__file__).with_name("rasa_events.json")
CONVERSATIONS = {
    "capture-activity": [
        ("Bonjour", {"channel": "sms", "site": "foyer-schaerbeek"}),
        ("je cherche une école de devoirs à Schaerbeek", {"channel": "sms"}),
        ("pour les enfants", {"channel": "sms"}),
    ],
    "capture-rent": [
        ("hoeveel huur moet ik betalen", {"channel": "telegram", "language_hint": "nl"}),
        ("ja", {"channel": "telegram"}),
    ],
    "capture-danger": [("je veux me suicider", {"channel": "sms"})],
    "capture-nonsense": [
        ("blorf zzkx qwp", {"channel": "sms"}),
        ("vlup grmbl", {"channel": "sms"}),
    ],
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = free_port()
        with (
            running_gateway(work, f"http://127.0.0.1:{port}") as gateway,
            running_actions(work, gateway) as actions,
        ):
            endpoints = work / "endpoints.yml"
            endpoints.write_text(
                f'action_endpoint:\n  url: "{actions.url}"\n'
                f'  headers:\n    Authorization: "Bearer {DEV_ACTION_SERVER_TOKEN}"\n'
                f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{work / "t.db"}"\n'
                f'event_broker:\n  type: SQL\n  dialect: "sqlite"\n  db: "{work / "e.db"}"\n'
            )
            with running_rasa(work, port, gateway, endpoints, actions_url=actions.url) as rasa:
                for sender, turns in CONVERSATIONS.items():
                    for text, metadata in turns:
                        requests.post(
                            f"{rasa}/webhooks/rest/webhook",
                            timeout=60,
                            json={
                                "sender": sender,
                                "message": text,
                                "metadata": metadata,
                            },
                        ).raise_for_status()
        rows = (
            sqlite3.connect(work / "e.db")
            .execute("SELECT sender_id, data FROM events ORDER BY id")
            .fetchall()
        )
    OUT.write_text(
        json.dumps([json.loads(data) for _, data in rows], indent=1, ensure_ascii=False) + "\n"
    )
    print(f"{len(rows)} events -> {OUT}")


if __name__ == "__main__":
    main()
