"""FastAPI dependencies for what a request needs from the core: the services container and
one unit of work (bot/core/unit_of_work.py), committed when the route returns and before
the response is sent (so a failed commit is the request's error, not a lost write), or
rolled back whole when the route raises."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from bot.core.services import Services
from bot.core.unit_of_work import UnitOfWork


def get_services(request: Request) -> Services:
    return request.app.state.services


async def unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    work = UnitOfWork(get_services(request).sessions)
    try:
        yield work
        if not work.handed_over:
            await work.commit()
    except BaseException:
        if not work.handed_over:
            await work.rollback()
        raise
    finally:
        if not work.handed_over:
            await work.close()


ServicesDep = Annotated[Services, Depends(get_services)]
# scope="function": the commit runs when the route returns, before the response is sent.
UnitOfWorkDep = Annotated[UnitOfWork, Depends(unit_of_work, scope="function")]
