# The action server. rasa-sdk 3.6.2 is the version requirements/rasa.lock pins (rasa 3.6.21
# talks to it). Build context: the repository root. See deploy/README-deployment.md.
FROM rasa/rasa-sdk:3.6.2

USER root
# bot.hsds_profile reads the Europe/Brussels time zone when imported; the Ubuntu base
# image may lack the zone database.
RUN apt-get update -qq \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/*
# What actions/ and the bot modules it imports (lexicon, sms, directory.profile,
# channels.texts) need beyond rasa-sdk: aiohttp (calls to the gateway), PyYAML (the lexicon),
# smsutil (SMS segments). The lock file, as constraints, pins them and their dependencies.
COPY requirements/rasa.lock /tmp/rasa.lock
RUN pip install --no-cache-dir --disable-pip-version-check -c /tmp/rasa.lock \
        aiohttp pyyaml smsutil \
    && rm /tmp/rasa.lock

WORKDIR /app
COPY actions/ actions/
# Only bot/ (shared vocabulary and texts), less the development code (.dockerignore); the
# actions read no file under data/.
COPY bot/ bot/
ENV PYTHONPATH=/app

# The image's non-root user.
USER 1001
EXPOSE 5055
# Not rasa-sdk's own server: ours binds the given interface and refuses requests without
# Rasa's token (actions/server.py).
ENTRYPOINT ["python", "-m", "actions.server"]
CMD ["--host", "0.0.0.0", "--port", "5055"]
