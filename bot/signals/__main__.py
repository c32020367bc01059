"""`python -m bot.signals consume`: turn Rasa's event stream into anonymous signal rows.

SIGNALS_SOURCE=sql (the default, `make run`) reads Rasa's SQL event broker
(RASA_EVENT_BROKER_URL, endpoints.yml); SIGNALS_SOURCE=rabbitmq reads its Pika broker's
queue (RABBITMQ_HOST, RABBITMQ_PORT, RABBITMQ_USER, RABBITMQ_PASSWORD, RABBITMQ_QUEUE, as
endpoints.production.yml)."""

from __future__ import annotations

import argparse
import logging
import sys
from functools import partial
from pathlib import Path

import pika

from bot.core.db import make_engine, make_session_factory
from bot.core.schema import require_current_schema
from bot.core.settings import Settings, get_settings
from bot.handoff.store import load_companies
from bot.signals import cli_summary
from bot.signals.recorder import Recorder
from bot.signals.sources import consume_rabbitmq, consume_sql, run_forever


def rabbitmq_parameters(settings: Settings) -> pika.ConnectionParameters:
    credentials = pika.PlainCredentials(
        settings.rabbitmq_user, settings.rabbitmq_password.get_secret_value()
    )
    return pika.ConnectionParameters(
        host=settings.rabbitmq_host,
        port=settings.rabbitmq_port,
        credentials=credentials,
        heartbeat=60,
        connection_attempts=1,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.signals")
    commands = parser.add_subparsers(dest="command", required=True)
    consume = commands.add_parser("consume", help="record Rasa's events as anonymous signals")
    consume.add_argument(
        "--until-empty", action="store_true", help="SQL source: stop once every event is read"
    )
    cli_summary.add_commands(commands)  # summary, seed-sample (the coordinators' read side)
    args = parser.parse_args(argv)
    if args.command != "consume":
        return args.run(args)
    settings = get_settings()
    require_current_schema(settings.database_url)  # `python -m bot.gateway migrate` first
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("pika").setLevel(logging.WARNING)
    sessions = make_session_factory(make_engine(settings.database_url))
    with sessions() as session:  # a site's housing company (idempotent, as the gateway does)
        load_companies(session, Path(settings.housing_companies_file))
        session.commit()
    recorder = Recorder(sessions)
    if settings.signals_source == "rabbitmq":
        run_forever(
            partial(
                consume_rabbitmq, rabbitmq_parameters(settings), settings.rabbitmq_queue, recorder
            )
        )
    else:
        run_forever(
            lambda stop: consume_sql(
                settings.rasa_event_broker_url, recorder, stop, until_empty=args.until_empty
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
