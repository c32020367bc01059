"""The gateway web app (FastAPI): settings, database, Rasa client and /healthz; the
directory's HSDS API; the SMS and Telegram webhooks and the outbox worker that sends what
is not answered in a webhook's response; the console, the internal API and the signals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware

from bot.channels import sms, telegram, voice, voice_callback, whatsapp
from bot.channels.sms_recovery import PendingTurnRecovery
from bot.channels.telegram_sender import TelegramSender, make_bot
from bot.channels.twilio_sender import TwilioSender
from bot.console import directory_transfer
from bot.console import errors as console_errors
from bot.console import signals_page as console_signals
from bot.console import views as console
from bot.console.headers import SecurityHeaders
from bot.core.body_limit import BodyLimit
from bot.core.db import database_answers, make_engine, make_session_factory
from bot.core.listeners import ListenerSplit
from bot.core.logs import quiet_chatty_libraries
from bot.core.metrics import Metrics
from bot.core.rasa_client import RasaClient
from bot.core.rate_limit import SenderLimiter
from bot.core.services import Services, in_session
from bot.core.settings import Settings, get_settings
from bot.core.unit_of_work import DatabaseBusy
from bot.handoff.overdue import OverdueWatcher
from bot.handoff.store import load_companies
from bot.hsds_api import routes as directory_api
from bot.internal_api import closed_places as closed_places_api
from bot.internal_api import directory_shown as shown_api
from bot.internal_api import handoffs as internal_api
from bot.internal_api import reminders as reminders_api
from bot.notify.mail import mailer_from
from bot.notify.watcher import StaffNoticeWatcher
from bot.outbox.delivery import Delivery, Sender
from bot.outbox.store import depth, gauges
from bot.outbox.worker import OutboxWorker
from bot.privacy.retention import purge
from bot.privacy.twilio_erasure import TwilioErasureWorker, TwilioLogEraser
from bot.reminders.scheduler import ReminderScheduler

log = logging.getLogger(__name__)
CONSOLE_STATIC = Path(__file__).resolve().parents[1] / "console" / "static"
CONSOLE_COOKIE = {"production": "__Host-console_session", "development": "console_session"}
RETENTION_EVERY_SECONDS = 6 * 3600


async def retention_loop(services: Services) -> None:
    """The retention job, every few hours, in this process (idempotent, so several
    gateway processes running it at once do no harm)."""
    settings = services.settings
    while True:
        await asyncio.sleep(60)  # not in the middle of start-up
        try:
            purged = await in_session(
                services,
                purge,
                settings.rasa_tracker_store_url,
                settings.retention_bot_days,
                settings.retention_handoff_days,
                None,
                False,
                settings.retention_signal_weeks,
                settings.sql_event_broker_url,
            )
            log.info("retention: %s", purged)
        except Exception:  # a missing tracker store or a database hiccup: try next time
            log.warning("retention run failed", exc_info=True)
        await asyncio.sleep(RETENTION_EVERY_SECONDS)


async def _load_companies(services: Services, path: Path) -> None:
    """Every worker loads the companies' file at start; two starting together race to
    insert the same rows, and the loser, finding them there, updates them instead."""
    for attempt in (1, 2):
        try:
            await in_session(services, load_companies, path)
            return
        except IntegrityError:
            if attempt == 2:
                log.warning("housing companies not loaded: another worker kept conflicting")
        except SQLAlchemyError:  # the database is down: /healthz says so; retried at restart
            log.warning("housing companies not loaded: the database did not answer")
            return


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = (settings or get_settings()).check()
    if settings.directory_clock is not None:
        log.warning("DIRECTORY_CLOCK is set: directory searches run at a fixed moment (tests)")
    quiet_chatty_libraries()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.engine = make_engine(settings.database_url)
        app.state.sessions = make_session_factory(app.state.engine)
        app.state.rasa = RasaClient(
            settings.rasa_url,
            settings.rasa_timeout_seconds,
            settings.rasa_token.get_secret_value(),
        )
        app.state.telegram_bot = make_bot(
            settings.telegram_bot_token.get_secret_value(), settings.telegram_api
        )
        twilio = TwilioSender(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_number,
            f"{settings.public_url.rstrip('/')}/webhooks/sms/status",
            settings.twilio_api,
        )

        def outbox_depth() -> float:
            with app.state.sessions() as session:
                return float(depth(session))

        def outbox_states() -> dict[str, float]:
            with app.state.sessions() as session:
                return gauges(session)

        whatsapp_sender = TwilioSender(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            settings.twilio_whatsapp_number,
            f"{settings.public_url.rstrip('/')}/webhooks/whatsapp/status",
            settings.twilio_api,
            settings.whatsapp_template,
        )

        metrics = Metrics(outbox_depth, outbox_states)
        app.state.metrics = metrics
        senders: dict[str, Sender] = {
            "sms": twilio,
            "whatsapp": whatsapp_sender,
            "telegram": TelegramSender(app.state.telegram_bot),
            "voice": twilio,  # what a caller gets in writing goes by SMS to their number
        }

        async def send_now(channel: str, address: str, body: str) -> None:
            await senders[channel].send(Delivery(0, 0, channel, address, body, None))

        outbox = OutboxWorker(
            app.state.sessions,
            senders,
            on_sent=lambda channel: metrics.messages_out.labels(channel, "outbox").inc(),
            lease_seconds=settings.outbox_lease_seconds,
        )
        limiter = SenderLimiter(settings.rate_limit, settings.rate_limit_storage)
        app.state.services = Services(
            settings,
            app.state.sessions,
            app.state.rasa,
            outbox,
            set(),
            app.state.telegram_bot,
            limiter,
            metrics,
            send_now,
            twilio.place_call,
        )
        await _load_companies(app.state.services, Path(settings.housing_companies_file))
        worker = asyncio.create_task(outbox.run())
        retention = asyncio.create_task(retention_loop(app.state.services))
        reminders = ReminderScheduler(
            app.state.sessions, outbox.wake, settings.reminder_poll_seconds
        )
        reminder_task = asyncio.create_task(reminders.run())
        eraser = TwilioLogEraser(
            settings.twilio_api,
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
        )
        twilio_erasure = TwilioErasureWorker(
            app.state.sessions, eraser, settings.twilio_erasure_poll_seconds
        )
        twilio_erasure_task = asyncio.create_task(twilio_erasure.run())
        overdue = OverdueWatcher(app.state.sessions, outbox.wake, settings.overdue_poll_seconds)
        overdue_task = asyncio.create_task(overdue.run())
        staff_notices = StaffNoticeWatcher(
            app.state.sessions,
            mailer_from(settings),
            settings.staff_notice_poll_seconds,
            public_url=settings.public_url,
            escalation_minutes=settings.staff_escalation_minutes,
            assured_within_months=settings.directory_assured_within_months,
        )
        staff_notices_task = asyncio.create_task(staff_notices.run())
        recovery = PendingTurnRecovery(
            app.state.services,
            settings.late_turn_lease_seconds,
            min(30.0, settings.late_turn_lease_seconds / 4),
        )
        recovery_task = asyncio.create_task(recovery.run())
        try:
            yield
        finally:
            outbox.stop()
            reminders.stop()
            twilio_erasure.stop()
            overdue.stop()
            staff_notices.stop()
            recovery.stop()
            retention.cancel()
            await worker
            await reminder_task
            await twilio_erasure_task
            await overdue_task
            await staff_notices_task
            await recovery_task
            await eraser.close()
            for task in list(app.state.services.background):
                task.cancel()
            await twilio.close()
            await whatsapp_sender.close()
            await app.state.telegram_bot.shutdown()
            await app.state.rasa.close()
            app.state.engine.dispose()

    # The framework's own API description lists the internal routes: development only.
    documented = settings.profile == "development"
    app = FastAPI(
        title="Tenant assistant gateway",
        lifespan=lifespan,
        docs_url="/docs" if documented else None,
        redoc_url="/redoc" if documented else None,
        openapi_url="/openapi.json" if documented else None,
    )
    app.include_router(directory_api.router)
    app.include_router(sms.router)
    app.include_router(whatsapp.router)
    app.include_router(voice.router)
    app.include_router(voice_callback.router)
    app.include_router(telegram.router)
    app.include_router(internal_api.router)
    app.include_router(reminders_api.router)
    app.include_router(shown_api.router)
    app.include_router(closed_places_api.router)
    app.include_router(console.router)
    app.include_router(console_signals.router)
    app.mount("/console/static", StaticFiles(directory=CONSOLE_STATIC), name="console-static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.console_secret.get_secret_value(),
        # __Host-: the browser sends it only over https, to this host, for every path;
        # production only (a development gateway serves plain http).
        session_cookie=CONSOLE_COOKIE[settings.profile],
        max_age=12 * 3600,  # the server-side session ends at 12 h anyway (sessions.py)
        same_site="strict",
        https_only=settings.profile == "production",
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ListenerSplit, internal_port=settings.internal_port)
    # outermost: before the session cookie or any parsing
    app.add_middleware(
        BodyLimit, larger={directory_transfer.IMPORT_PATH: directory_transfer.MAX_UPLOAD_BYTES}
    )

    console_errors.install(app)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(DatabaseBusy)
    async def database_unavailable(request: Request, error: Exception) -> Response:
        """The database is down or restarting: a clear, retryable answer (Twilio and
        Telegram see a 503), never a half-done turn; nothing was accepted."""
        log.error(
            "database unavailable on %s: %s",
            request.url.path,
            type(getattr(error, "orig", error)).__name__,
        )
        return PlainTextResponse(
            "database unavailable, retry later", status_code=503, headers={"Retry-After": "5"}
        )

    @app.get("/metrics")
    async def prometheus_metrics(request: Request) -> Response:
        body = await run_in_threadpool(request.app.state.metrics.exposition)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        """200 while tenants can be served (the database and some Rasa replica answer);
        "degraded" names what is missing (each replica's state only on the private port)."""
        state = request.app.state
        replicas = await state.rasa.replica_status()
        database = await run_in_threadpool(database_answers, state.engine)
        checks: dict[str, object] = {
            "gateway": "ok",
            "database": "ok" if database else "unreachable",
            "rasa": "ok"
            if all(replicas.values())
            else "degraded"
            if any(replicas.values())
            else "unreachable",
        }
        private = (request.scope.get("server") or (None, None))[1] == settings.internal_port
        if len(replicas) > 1 and private:  # internal addresses: never on the public port
            checks["rasa_replicas"] = {
                url: "ok" if up else "unreachable" for url, up in replicas.items()
            }
        usable = database and any(replicas.values())
        healthy = usable and all(replicas.values())
        return JSONResponse(
            {"status": "ok" if healthy else "degraded", "checks": checks},
            status_code=200 if usable else 503,
        )

    return app
