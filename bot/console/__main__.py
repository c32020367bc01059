"""`python -m bot.console create-user EMAIL --name NAME --role ROLE --company ID`: a staff
account (the password is read from standard input, never from the command line; the
second factor is enrolled at the first login). `deactivate EMAIL`: the account can no
longer sign in and its sessions end at once. `reset-second-factor EMAIL`: a lost phone;
the account enrols again at its next login, and its sessions end."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.console import second_factor
from bot.console.security import hash_password
from bot.console.sessions import end_every_session
from bot.core.db import make_engine, make_session_factory
from bot.core.schema import require_current_schema
from bot.core.settings import get_settings
from bot.handoff.models import ROLES, HousingCompany, StaffUser
from bot.handoff.store import audit, load_companies

MIN_PASSWORD = 12


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.console")
    parser.add_argument("--database-url", default=None)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-user", help="create or update a staff account")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--company", required=True, help="housing company id")
    create.add_argument("--language", choices=["fr", "nl"], default="fr")
    for name, what in (
        ("deactivate", "disable an account and end its sessions"),
        ("reset-second-factor", "make an account enrol its second factor again"),
    ):
        commands.add_parser(name, help=what).add_argument("email")
    args = parser.parse_args(argv)
    settings = get_settings()
    url = args.database_url or settings.database_url
    require_current_schema(url)
    sessions = make_session_factory(make_engine(url))
    if args.command != "create-user":
        return _account_command(sessions, args.command, args.email.strip().lower())
    password = (
        getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    )
    if len(password) < MIN_PASSWORD:
        print(f"error: the password needs at least {MIN_PASSWORD} characters", file=sys.stderr)
        return 2
    with sessions() as session:
        load_companies(session, Path(settings.housing_companies_file))
        if session.get(HousingCompany, args.company) is None:
            print(f"error: no housing company {args.company!r}", file=sys.stderr)
            return 2
        email = args.email.strip().lower()
        user = session.scalar(select(StaffUser).where(StaffUser.email == email)) or StaffUser(
            email=email
        )
        user.name, user.role, user.company_id = args.name, args.role, args.company
        user.language, user.active = args.language, True
        user.password_hash = hash_password(password)
        session.add(user)
        session.commit()
    print(f"staff account {email} ({args.role}, {args.company}) is ready")
    return 0


def _account_command(sessions: sessionmaker[Session], command: str, email: str) -> int:
    with sessions() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None:
            print(f"error: no staff account {email!r}", file=sys.stderr)
            return 2
        if command == "deactivate":
            user.active = False
        else:
            second_factor.reset(session, user)
        ended = end_every_session(session, user.id)
        audit(session, None, command.replace("-", "_")[:32], detail=email)
        session.commit()
    print(f"{command}: {email} done ({ended} session(s) ended)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
