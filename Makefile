# Tenant assistant for Brussels social housing. `make run` and `make test` are all a
# newcomer needs: they set up the environment and train the model when needed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

RASA_VENV := .venv-rasa
GATEWAY_VENV := .venv-gateway
PY := $(RASA_VENV)/bin/python
GATEWAY_PY := $(GATEWAY_VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
MODEL := models/tenant-assistant.tar.gz
# The activities directory `make run` serves (HSDS JSON or a tabular package directory).
DIRECTORY_DATA ?= data/activities/sample-directory.json
# The development crisis sets are read by the danger classifier (bot/nlu/danger_classifier.py).
DEVELOPMENT_CRISIS_SETS := tests/data/crisis tests/data/crisis_v2 tests/data/crisis_v6 tests/data/crisis_v7
TRAINING_INPUTS := config.yml domain.yml $(shell find data bot/nlu bot/lexicon $(DEVELOPMENT_CRISIS_SETS) -name '*.yml' -o -name '*.py' 2>/dev/null | sort)
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# Rasa's telemetry and crash reports would send data out (and there is no internet here).
export RASA_TELEMETRY_ENABLED := false

.PHONY: help setup system-packages services migrate train run chat telegram-polling test test-unit test-gateway test-browser test-faults test-stories validate bench bench-directory bench-channels bench-conversations bench-crisis bench-danger bench-danger-settings bench-overlap bench-blind bench-robustness bench-cv bench-load bench-load-short lint lint-ruff typecheck lint-imports audit clean

help:
	@echo "make run    set up, train if needed, start Rasa, action server and gateway (embedded defaults)"
	@echo "make chat   talk to the running assistant in this terminal, as an SMS tenant"
	@echo "            (CHANNEL=whatsapp / telegram / voice: as a WhatsApp or Telegram tenant, or a phone caller)"
	@echo "make test   set up, train if needed, run every test"
	@echo "make bench  NLU quality and speed against Rasa's default pipeline, directory speed"
	@echo "make bench-load  throughput, latency, lost/duplicated messages on the production profile"
	@echo "                 and CPU and memory per process against stock Rasa (bench-load-short: minutes)"
	@echo "make lint   ruff, the type checker (mypy), the import layers (lint-imports), the advisory audit"
	@echo "make setup | system-packages | services | migrate | train | clean"

setup: $(RASA_VENV)/.installed $(GATEWAY_VENV)/.installed

# A virtual environment at $(@D) with Python 3.10 and exactly the pins of its lock file (what
# it does not pin is removed): the development lock (runtime + tests + lint tools); the
# images install the runtime lock only.
define install_venv
	@PYTHON310=$$(scripts/find-python310) && \
	  { [ -x $(@D)/bin/python ] || $$PYTHON310 -m venv $(@D); }
	$(@D)/bin/python -m pip install --quiet --disable-pip-version-check "pip<24"
	$(@D)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@extra=$$($(@D)/bin/python -m pip freeze --disable-pip-version-check | grep -vixFf <(grep -v '^#' $<) | cut -d= -f1); \
	  if [ -n "$$extra" ]; then echo "removing what $< does not pin:" $$extra; \
	    $(@D)/bin/python -m pip uninstall --quiet --disable-pip-version-check -y $$extra; fi
	$(@D)/bin/python -m pip check
	@touch $@
endef

$(RASA_VENV)/.installed: requirements/rasa-dev.lock requirements/rasa.lock
	$(install_venv)

# The gateway has its own dependency set, not held to Rasa's pins.
$(GATEWAY_VENV)/.installed: requirements/gateway-dev.lock requirements/gateway.lock
	$(install_venv)

# What the tests need from this machine (Debian 12, as root or with sudo): Debian's chromium
# for the console's browser test. Checks first; apt-get update only when the install needs it.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
DEBIAN_PACKAGES := chromium
system-packages:
	@missing=$$(for package in $(DEBIAN_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || echo $$package; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get install -y -qq $$missing >/dev/null 2>&1 \
	    || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; }; \
	fi

# PostgreSQL (5432: the claim race, the production profile), Redis (6379) and RabbitMQ
# (5672: the production profile's lock store and event broker) on 127.0.0.1. This kind of
# machine starts them before a session; each one that does not answer is started here.
define answers
(exec 3<>/dev/tcp/127.0.0.1/$(1)) 2>/dev/null
endef
define wait_for
for _ in $$(seq 1 $(2)); do $(call answers,$(1)) && break; sleep 1; done; \
	  $(call answers,$(1)) || { echo "nothing answers on 127.0.0.1:$(1) ($(3))" >&2; exit 1; }
endef
# pg_isready tells "accepting connections" from "starting up"; a bare TCP answer where it is missing.
POSTGRES_READY := $(if $(shell command -v pg_isready),pg_isready -q -h 127.0.0.1 -p 5432,$(call answers,5432))
services:
	@if ! $(POSTGRES_READY); then \
	  echo "starting PostgreSQL"; \
	  $(SUDO) service postgresql start >/dev/null 2>&1 \
	    || $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start; \
	  for _ in $$(seq 1 30); do $(POSTGRES_READY) && break; sleep 1; done; \
	  $(POSTGRES_READY) || { echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }; \
	fi
	@if ! $(call answers,6379); then \
	  echo "starting Redis"; \
	  $(SUDO) service redis-server start >/dev/null 2>&1 \
	    || $(SUDO) redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; \
	  $(call wait_for,6379,30,Redis); \
	fi
	@if ! $(call answers,5672); then \
	  echo "starting RabbitMQ"; \
	  $(SUDO) service rabbitmq-server start >/dev/null 2>&1 || $(SUDO) rabbitmq-server -detached; \
	  $(call wait_for,5672,90,RabbitMQ); \
	fi

# Where the development defaults keep their SQLite files (the gateway's, Rasa's trackers and
# event broker) and the test runs their results.
var:
	@mkdir -p $@

# The one command that migrates (python -m bot.gateway migrate); every other process refuses
# an old or missing schema. DATABASE_URL as for the gateway (SQLite under var/ by default).
migrate: $(GATEWAY_VENV)/.installed | var
	$(GATEWAY_PY) -m bot.gateway migrate

train: $(MODEL)

# Rasa's own fingerprinting needs TensorFlow loaded to say "nothing changed"; a make
# stamp on the training inputs answers at once.
$(MODEL): $(RASA_VENV)/.installed $(TRAINING_INPUTS) | var
	@mkdir -p models
	$(RASA) train --quiet --fixed-model-name tenant-assistant --out models
	@touch $@

# Migrating, then importing DIRECTORY_DATA into an empty directory only (what curators
# changed in the console survives a restart; `python -m bot.directory import FILE` or the
# console's import brings a directory up to date with a file), then the Procfile's
# processes; its `release` (the migration, for a platform that runs Procfiles) has already
# run here.
run: $(MODEL) migrate
	$(GATEWAY_PY) -m bot.directory import --if-empty $(DIRECTORY_DATA)
	$(RASA_VENV)/bin/honcho start -f Procfile -c release=0

# A tenant in the terminal, over the gateway's SMS webhook (CHANNEL=whatsapp for WhatsApp,
# CHANNEL=telegram for Telegram, CHANNEL=voice for a caller of the phone line: what would be
# said is printed; ARGS=--speak says it with espeak-ng if installed, ARGS="--audio-dir DIR"
# writes it as WAV files).
chat: $(GATEWAY_VENV)/.installed
	$(GATEWAY_PY) -m bot.devtools.chat --channel $(or $(CHANNEL),sms) $(ARGS)

# Telegram without a public URL: long-poll and feed the running gateway (`make run`).
telegram-polling: $(GATEWAY_VENV)/.installed
	$(GATEWAY_PY) -m bot.telegram poll

validate: $(RASA_VENV)/.installed
	$(PY) scripts/validate_data.py

test-unit: $(RASA_VENV)/.installed | var
	$(PY) -m pytest tests/unit -q

test-gateway: $(GATEWAY_VENV)/.installed services | var
	$(GATEWAY_PY) -m pytest tests/gateway -q -p no:cacheprovider

# Every fault under load on the production profile (also part of `make test`).
test-faults: $(MODEL) $(GATEWAY_VENV)/.installed services | var
	$(PY) -m pytest tests/e2e/test_faults.py -q

test-stories: $(MODEL) | var
	$(RASA) test core --stories tests/stories --fail-on-prediction-errors --out var/results/core --quiet

# The console in a real browser (Playwright + Debian's chromium) with the real Rasa stack;
# the screenshots are the run's artifacts, listed even when a test fails.
test-browser: $(MODEL) $(GATEWAY_VENV)/.installed system-packages | var
	$(GATEWAY_PY) -m pytest tests/browser -q -p no:cacheprovider; status=$$?; \
	  echo "browser screenshots in $(CURDIR)/var/results/screenshots/:"; \
	  ls var/results/screenshots/ 2>/dev/null; exit $$status

# Everything CI runs (.ci/run is `make test`): the machine's packages and services, both
# environments, the model, lint, then every test.
test: system-packages services $(MODEL) lint validate test-gateway | var
	$(PY) -m pytest tests -q --ignore=tests/gateway --ignore=tests/browser
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-stories

bench: bench-directory bench-channels bench-conversations bench-crisis bench-danger bench-danger-settings bench-overlap bench-blind bench-robustness bench-cv $(RASA_VENV)/.installed
	$(PY) -m benchmarks.run

# The multi-turn conversation set end to end (a few minutes): the main set, which `make test`
# requires to pass, and the blind set, measured only (tests/conversations/README.md).
bench-conversations: $(MODEL) $(GATEWAY_VENV)/.installed | var
	$(PY) -m pytest tests/e2e/test_conversation_set.py -q -p no:cacheprovider; \
	  CONVERSATION_SET=blind $(PY) -m pytest tests/e2e/test_conversation_set.py -q \
	    -p no:cacheprovider; $(PY) -m benchmarks.conversations

# The safety layer on the crisis sets: the blind v10 (tests/data/crisis_v10/), reported only,
# and the development sets v9 to v1: recall, the right line and false alarms; then the blind
# set in seven other languages (tests/data/crisis_third/) (a few minutes).
bench-crisis: $(MODEL) | var
	$(PY) -m benchmarks.crisis
	$(PY) -m benchmarks.crisis_third

# The danger classifier against the intent classifier's urgent_help, each development
# crisis set held out in turn (a minute): how its threshold was chosen.
bench-danger: $(MODEL) | var
	$(PY) -m benchmarks.danger_heldout

# The danger classifier's shipped setting against those tried and left out, on the tuning
# split and the crisis sets each learns, held out in turn (a few minutes).
bench-danger-settings: $(RASA_VENV)/.installed | var
	$(PY) -m benchmarks.danger_settings

# How much of each blind set is the same as or near a training example (seconds).
bench-overlap: $(RASA_VENV)/.installed | var
	$(PY) -m benchmarks.blind_overlap

# The blind set v2 without those: the classifier alone and the whole NLU pipeline, trained
# here on all the data, with 95% intervals (about two minutes; BLIND_ARGS=--rasa-default
# adds Rasa's default pipeline, about 40 minutes more).
bench-blind: $(RASA_VENV)/.installed | var
	$(PY) -m benchmarks.blind_v2 $(BLIND_ARGS)

# Clean messages rewritten the ways tenants write (no accents, dictated, SMS words, typos, a
# polite preamble, a word of another language), scored apart, before and after the
# classifier's robustness steps, on the tuning split and the blind set v2 (about 15 minutes).
bench-robustness: $(RASA_VENV)/.installed | var
	$(PY) -m benchmarks.robustness

# 5-fold cross-validated macro-F1 per language with 95% intervals, the classifier alone and
# the whole pipeline as a tenant sees it (about 15 minutes: ten trainings).
bench-cv: $(RASA_VENV)/.installed | var
	$(PY) -m benchmarks.crossval

# What the gateway adds on SMS, against direct calls to Rasa (a few minutes).
bench-channels: $(MODEL) $(GATEWAY_VENV)/.installed
	$(PY) -m benchmarks.channels

# The production profile under load (about an hour): 1,000 SMS conversations x 10 turns through
# the gateway (PostgreSQL, 2 workers) to 1 and then 2 Rasa replicas (PostgreSQL, Redis, RabbitMQ).
# ARGS="--conversations 100" for a short run.
bench-load: $(MODEL) $(GATEWAY_VENV)/.installed services | var
	$(PY) -m benchmarks.load $(ARGS)

# The same, short (a few minutes): 2 replicas, 30 conversations; before and after a change.
bench-load-short: $(MODEL) $(GATEWAY_VENV)/.installed services | var
	$(PY) -m benchmarks.load --short $(ARGS)

# The directory's part alone (a few minutes): import rate and search latency, 20,000 services.
bench-directory: $(GATEWAY_VENV)/.installed | var
	$(GATEWAY_PY) -m benchmarks.directory

lint: lint-ruff typecheck lint-imports audit

# The lock files against a dated, offline snapshot of the advisories for what they pin
# (security/advisories/SNAPSHOT.md; refresh: scripts/refresh_advisories.py) and the reviewed
# allow-list (security/allow-list.yml): fails on any advisory not listed, or a stale entry.
audit: $(RASA_VENV)/.installed
	$(PY) scripts/audit_dependencies.py

lint-ruff: $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/ruff check .
	$(RASA_VENV)/bin/ruff format --check .

# mypy ([tool.mypy] in pyproject.toml), once per environment, as each side's libraries live in
# its own: the gateway's code with the gateway's libraries; the Rasa side (actions, bot.nlu,
# the shared modules that need lingua and rapidfuzz, the production-profile devtool that needs
# aio_pika and psycopg2) with Rasa's.
RASA_SIDE := actions bot/nlu bot/language_id.py bot/lexicon/gazetteer.py bot/devtools/stack.py
typecheck: $(RASA_VENV)/.installed $(GATEWAY_VENV)/.installed | var
	$(GATEWAY_VENV)/bin/mypy --cache-dir var/mypy-gateway bot \
	  --exclude '^bot/(nlu/|language_id\.py$$|lexicon/gazetteer\.py$$|devtools/stack\.py$$)'
	$(RASA_VENV)/bin/mypy --cache-dir var/mypy-rasa $(RASA_SIDE)

# The layers and forbidden imports of [tool.importlinter] in pyproject.toml.
lint-imports: $(GATEWAY_VENV)/.installed
	$(GATEWAY_VENV)/bin/lint-imports

clean:
	rm -rf models var .pytest_cache
