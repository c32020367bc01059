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
TRAINING_INPUTS := config.yml domain.yml $(shell find data bot/nlu bot/lexicon -name '*.yml' -o -name '*.py' 2>/dev/null | sort)
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# Rasa's telemetry and crash reports would send data out (and there is no internet here).
export RASA_TELEMETRY_ENABLED := false

.PHONY: help setup train run chat telegram-polling test test-unit test-gateway test-browser test-faults test-stories validate bench bench-directory bench-channels bench-load lint clean

help:
	@echo "make run    set up, train if needed, start Rasa, action server and gateway (embedded defaults)"
	@echo "make chat   talk to the running assistant in this terminal, as an SMS tenant"
	@echo "            (CHANNEL=telegram: as a Telegram tenant)"
	@echo "make test   set up, train if needed, run every test"
	@echo "make bench  NLU quality and speed against Rasa's default pipeline, directory speed"
	@echo "make bench-load  throughput, latency, lost/duplicated messages on the production profile"
	@echo "make setup | train | lint | clean"

setup: $(RASA_VENV)/.installed $(GATEWAY_VENV)/.installed

# A virtual environment at $(@D) with Python 3.10 and exactly the pins of the lock file.
define install_venv
	@PYTHON310=$$(scripts/find-python310) && \
	  { [ -x $(@D)/bin/python ] || $$PYTHON310 -m venv $(@D); }
	$(@D)/bin/python -m pip install --quiet --disable-pip-version-check "pip<24"
	$(@D)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	$(@D)/bin/python -m pip check
	@touch $@
endef

$(RASA_VENV)/.installed: requirements/rasa.lock
	$(install_venv)

# The gateway has its own dependency set, not held to Rasa's pins.
$(GATEWAY_VENV)/.installed: requirements/gateway.lock
	$(install_venv)

train: $(MODEL)

# Rasa's own fingerprinting needs TensorFlow loaded to say "nothing changed"; a make
# stamp on the training inputs answers at once.
$(MODEL): $(RASA_VENV)/.installed $(TRAINING_INPUTS)
	@mkdir -p models var
	$(RASA) train --quiet --fixed-model-name tenant-assistant --out models
	@touch $@

# Importing is idempotent: the directory is brought up to date with DIRECTORY_DATA each run.
run: $(MODEL) $(GATEWAY_VENV)/.installed
	@mkdir -p var
	$(GATEWAY_PY) -m bot.directory import $(DIRECTORY_DATA)
	$(RASA_VENV)/bin/honcho start -f Procfile

# A tenant in the terminal, over the gateway's SMS webhook (CHANNEL=telegram for Telegram).
chat: $(GATEWAY_VENV)/.installed
	$(GATEWAY_PY) -m bot.devtools.chat --channel $(or $(CHANNEL),sms) $(ARGS)

# Telegram without a public URL: long-poll and feed the running gateway (`make run`).
telegram-polling: $(GATEWAY_VENV)/.installed
	$(GATEWAY_PY) -m bot.telegram poll

validate: $(RASA_VENV)/.installed
	$(PY) scripts/validate_data.py

test-unit: $(RASA_VENV)/.installed
	$(PY) -m pytest tests/unit -q

test-gateway: $(GATEWAY_VENV)/.installed
	$(GATEWAY_PY) -m pytest tests/gateway -q -p no:cacheprovider

# Every fault under load on the production profile (also part of `make test`).
test-faults: $(MODEL) $(GATEWAY_VENV)/.installed
	$(PY) -m pytest tests/e2e/test_faults.py -q

test-stories: $(MODEL)
	$(RASA) test core --stories tests/stories --fail-on-prediction-errors --out var/results/core --quiet

# The console in a real browser (Playwright + Debian's chromium) with the real Rasa stack;
# the screenshots are the run's artifacts, listed even when a test fails.
test-browser: $(MODEL) $(GATEWAY_VENV)/.installed
	$(GATEWAY_PY) -m pytest tests/browser -q -p no:cacheprovider; status=$$?; \
	  echo "browser screenshots in $(CURDIR)/var/results/screenshots/:"; \
	  ls var/results/screenshots/ 2>/dev/null; exit $$status

test: $(MODEL) lint validate test-gateway
	$(PY) -m pytest tests -q --ignore=tests/gateway --ignore=tests/browser
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-stories

bench: bench-directory bench-channels $(RASA_VENV)/.installed
	$(PY) -m benchmarks.run

# What the gateway adds on SMS, against direct calls to Rasa (a few minutes).
bench-channels: $(MODEL) $(GATEWAY_VENV)/.installed
	$(PY) -m benchmarks.channels

# The production profile under load (about an hour): 1,000 SMS conversations x 10 turns through
# the gateway (PostgreSQL, 2 workers) to 1 and then 2 Rasa replicas (PostgreSQL, Redis, RabbitMQ).
# ARGS="--conversations 100" for a short run.
bench-load: $(MODEL) $(GATEWAY_VENV)/.installed
	$(PY) -m benchmarks.load $(ARGS)

# The directory's part alone (a few minutes): import rate and search latency, 20,000 services.
bench-directory: $(GATEWAY_VENV)/.installed
	$(GATEWAY_PY) -m benchmarks.directory

lint: $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/ruff check .
	$(RASA_VENV)/bin/ruff format --check .

clean:
	rm -rf models var .pytest_cache
