"""`python -m bot.privacy purge [--dry-run]`: one retention run (see retention.py)."""

from __future__ import annotations

import argparse
import sys

from bot.core.db import make_engine, make_session_factory
from bot.core.schema import require_current_schema
from bot.core.settings import get_settings
from bot.privacy.retention import purge


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.privacy")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("purge", help="delete what is older than the retention limits")
    run.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    args = parser.parse_args(argv)
    settings = get_settings()
    require_current_schema(settings.database_url)
    with make_session_factory(make_engine(settings.database_url))() as session:
        purged = purge(
            session,
            settings.rasa_tracker_store_url,
            settings.retention_bot_days,
            settings.retention_handoff_days,
            dry_run=args.dry_run,
            signal_weeks=settings.retention_signal_weeks,
            event_broker_url=settings.sql_event_broker_url,
        )  # committed (rolled back for a dry run) by purge itself
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"{verb}: {purged.handoffs} closed handoffs, {purged.outbox} outbox messages, "
        f"{purged.menus} menu options, {purged.inbound} message ids, {purged.contacts} "
        f"idle contacts, {purged.rasa_events} Rasa events, "
        f"{purged.reminders} finished reminders, {purged.signals} signal rows, "
        f"{purged.broker_events} unread broker events, "
        f"{purged.staff_sessions} console sessions, {purged.login_failures} login failures, "
        f"{purged.shown} services-shown rows"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
