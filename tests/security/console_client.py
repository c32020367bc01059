"""A staff member's browser, as far as the tests need one: requests against the real
gateway process, through the whole login (the password, then enrolling the second factor
at the first login or typing its code), CSRF tokens read from the pages like a browser
submits them. Staff accounts are made with the real command (`python -m bot.console
create-user`)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import pyotp
import requests

from bot.devtools.gateway_process import GatewayProcess
from bot.devtools.processes import GATEWAY_PYTHON, ROOT

STAFF_PASSWORD = "a long passphrase nobody guesses"
LOGIN = "/console/login"
SECOND_FACTOR = "/console/login/second-factor"
SETUP = "/console/second-factor/setup"
# What each account enrolled (the secret the setup page showed), and the last code step used.
ENROLLED: dict[str, str] = {}
_LAST_STEP: dict[str, int] = {}


def database_of(gateway: GatewayProcess) -> Path:
    return gateway.log.parent / "gateway.db"


def create_staff(
    gateway: GatewayProcess,
    email: str,
    role: str,
    company: str = "sample-company",
    password: str = STAFF_PASSWORD,
) -> None:
    name = email.split("@")[0].title()
    run_console_command(
        gateway,
        *("create-user", email, "--name", name, "--role", role, "--company", company),
        stdin=password + "\n",
    )
    ENROLLED.pop(email, None)


def run_console_command(gateway: GatewayProcess, *args: str, stdin: str = "") -> str:
    """`python -m bot.console ...` on the gateway's database, as an operator runs it."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{database_of(gateway)}",
    }
    done = subprocess.run(
        [str(GATEWAY_PYTHON), "-m", "bot.console", *args],
        input=stdin,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def sql(gateway: GatewayProcess, statement: str, *params: object) -> list[tuple]:
    """A statement on the gateway's SQLite database (to read state, or to let time pass)."""
    with sqlite3.connect(database_of(gateway)) as database:
        rows = database.execute(statement, params).fetchall()
        database.commit()
    return rows


def fresh_code(email: str) -> str:
    """A code for a step after the last one this account used (codes are good once)."""
    totp = pyotp.TOTP(ENROLLED[email])
    while True:
        step = int(time.time() // totp.interval)
        for candidate in (step, step + 1):  # the gateway accepts one step of drift
            if candidate > _LAST_STEP.get(email, -1):
                _LAST_STEP[email] = candidate
                return totp.at(candidate * totp.interval)
        time.sleep(1)


class ConsoleClient:
    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = requests.Session()
        self.logged_in = False

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, timeout=30, **kwargs)

    def csrf(self, path: str | None = None) -> str:
        page = self.get(path or ("/console/account/password" if self.logged_in else LOGIN))
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found, f"no CSRF token on {path}: {page.status_code}"
        return found.group(1)

    def post(
        self, path: str, data: dict[str, str] | None = None, csrf_from: str | None = None
    ) -> requests.Response:
        form = {"csrf": self.csrf(csrf_from), **(data or {})}
        return self.http.post(self.base + path, data=form, allow_redirects=False, timeout=30)

    def password_step(self, email: str, password: str = STAFF_PASSWORD) -> requests.Response:
        self.http.cookies.clear()
        self.logged_in = False
        return self.post(LOGIN, {"email": email, "password": password}, csrf_from=LOGIN)

    def login(self, email: str, password: str = STAFF_PASSWORD) -> requests.Response:
        """The whole login; the last answer (303 to the home page, or 200 with the recovery
        codes after enrolling)."""
        answer = self.password_step(email, password)
        if answer.status_code != 303:
            return answer
        if answer.headers["location"] == SETUP:
            answer = self.enrol(email)
        else:
            answer = self.post(SECOND_FACTOR, {"code": fresh_code(email)}, csrf_from=SECOND_FACTOR)
        self.logged_in = answer.status_code in (200, 303)
        return answer

    def enrol(self, email: str) -> requests.Response:
        page = self.get(SETUP)
        secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.text)
        assert secret, page.text[:500]
        ENROLLED[email] = secret.group(1)
        _LAST_STEP.pop(email, None)
        confirmed = self.post(SETUP, {"code": fresh_code(email)}, csrf_from=SETUP)
        if confirmed.status_code != 303:
            return confirmed
        # the recovery codes, shown once on the page the confirmation leads to
        return self.get(confirmed.headers["location"])

    def logout(self) -> requests.Response:
        answer = self.post("/console/logout")
        self.logged_in = False
        return answer
