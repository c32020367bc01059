"""How the gateway logs: uvicorn's own configuration, with the time on every line and the
gateway's loggers (`bot.*`) at GATEWAY_LOG_LEVEL. What is logged never holds a phone number
or a message's text (pseudonymous ids only)."""

from __future__ import annotations

import copy
from typing import Any

from uvicorn.config import LOGGING_CONFIG


def gateway_log_config(level: str) -> dict[str, Any]:
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["default"]["fmt"] = "%(asctime)s %(levelprefix)s %(name)s: %(message)s"
    config["formatters"]["access"]["fmt"] = "%(asctime)s " + config["formatters"]["access"]["fmt"]
    config["loggers"]["bot"] = {"handlers": ["default"], "level": level, "propagate": False}
    return config
