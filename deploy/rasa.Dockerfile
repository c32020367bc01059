# The Rasa server: the trained model, the production endpoints and the custom NLU components
# (config.yml's pipeline imports bot.nlu and bot.lexicon). Build context: the repository root,
# after `make train` (models/ is not in git). See deploy/README-deployment.md.
FROM rasa/rasa:3.6.21-full

# The libraries of the custom components that the image lacks: requirements/rasa.in (the
# runtime set) beyond rasa and rasa-sdk, already in the image. The runtime lock, as
# constraints, pins them and their dependencies to the versions the model was trained and
# tested with (the development tools are only in rasa-dev.lock). The image's virtualenv
# (/opt/venv) belongs to root.
USER root
COPY requirements/rasa.lock /tmp/rasa.lock
RUN pip install --no-cache-dir --disable-pip-version-check -c /tmp/rasa.lock \
        spacy spacy-lookups-data lingua-language-detector rapidfuzz smsutil \
    && rm /tmp/rasa.lock

WORKDIR /app
COPY models/tenant-assistant.tar.gz models/tenant-assistant.tar.gz
COPY config.yml domain.yml endpoints.production.yml credentials.yml ./
# bot/ less the development code (.dockerignore: bot/devtools/, tests/).
COPY bot/ bot/

# PYTHONPATH: the model names its components by module path (bot.nlu...).
ENV PYTHONPATH=/app \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1

# The image's non-root user.
USER 1001
EXPOSE 5005
# The entrypoint is `rasa`. The HTTP API is on (the gateway reads trackers and appends
# events) behind RASA_TOKEN, which the shell reads from the environment (docker-compose.yml
# starts it the same way); the port stays on the internal network all the same.
ENTRYPOINT []
CMD ["sh", "-c", "exec rasa run --enable-api --interface 0.0.0.0 --port 5005 --auth-token \"$RASA_TOKEN\" --model models/tenant-assistant.tar.gz --endpoints endpoints.production.yml --credentials credentials.yml"]
