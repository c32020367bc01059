"""The gateway web app (FastAPI). This first part holds the foundation: settings, database,
Rasa client and /healthz; channels, directory, handoff and signals mount here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from bot.directory import api as directory_api
from bot.gateway.db import database_answers, make_engine, make_session_factory
from bot.gateway.rasa_client import RasaClient
from bot.gateway.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = (settings or get_settings()).check()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.engine = make_engine(settings.database_url)
        app.state.sessions = make_session_factory(app.state.engine)
        app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds)
        try:
            yield
        finally:
            await app.state.rasa.close()
            app.state.engine.dispose()

    app = FastAPI(title="Tenant assistant gateway", lifespan=lifespan)
    app.include_router(directory_api.router)

    @app.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        state = request.app.state
        checks = {
            "gateway": "ok",
            "database": "ok" if await run_in_threadpool(database_answers, state.engine)
            else "unreachable",
            "rasa": "ok" if await state.rasa.answers() else "unreachable",
        }  # fmt: skip
        healthy = all(value == "ok" for value in checks.values())
        return JSONResponse(
            {"status": "ok" if healthy else "degraded", "checks": checks},
            status_code=200 if healthy else 503,
        )

    return app
