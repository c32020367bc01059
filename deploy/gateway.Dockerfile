# The gateway (FastAPI): tenants' channels, the directory API, the console. Build context:
# the repository root. See deploy/README-deployment.md.
FROM python:3.10-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# The runtime lock only (pip<24 as `make setup`; the lock is pip-check clean with it): no
# test or lint tool. `make setup` installs gateway-dev.lock, the same pins plus those.
COPY requirements/gateway.lock requirements/gateway.lock
RUN pip install "pip<24" && pip install -r requirements/gateway.lock && pip check

# bot/ less the test and development code and the Rasa side: deploy/gateway.Dockerfile.dockerignore.
COPY bot/ bot/
# The housing companies (HOUSING_COMPANIES_FILE, loaded at each start) and the sample
# directory (for `python -m bot.directory import`; see the deployment notes).
COPY data/housing_companies.yml data/housing_companies.yml
COPY data/activities/ data/activities/
COPY data/school_holidays.yml data/school_holidays.yml

# A non-root user; it owns nothing in /app (the code is read-only to it).
RUN useradd --system --uid 1001 --no-create-home --home-dir /app gateway
USER 1001

ENV PYTHONPATH=/app \
    GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=8000
EXPOSE 8000
# Serves with GATEWAY_WORKERS processes once the schema is at head; it refuses an old one.
# `python -m bot.gateway migrate` migrates (the compose file's one-shot `migrate` service).
CMD ["python", "-m", "bot.gateway"]
