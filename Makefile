# tanya-izin: the two commands a newcomer needs are `make run` and `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

APP_PY := .venv/bin/python
# No usage telemetry to Rasa's servers from any Rasa a target starts (train, run, test, bench).
export RASA_TELEMETRY_ENABLED := false
LOCALE := permits/locale
ENGINE := PYTHONPATH=$(CURDIR) .venv-engine/bin/rasa

.PHONY: help setup train run test test-fast lint validate nlu-report bench bench-reports soak demo chat texts screenshots clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup:  ## create/refresh both Python environments (idempotent)
	@scripts/setup.sh all

train: setup  ## train the Rasa model when data or config changed (log: var/log/train.log)
	@$(APP_PY) -m nlu.train

demo: setup  ## create the SQLite database and load the demo catalogue
	@$(APP_PY) -m permits demo

# Each step prints its start and its end with the time; the children's output goes to
# var/log/ (devstack/steps.py). `make run V=1` (or V=1 make run) shows all of it.
# TANYA_STEPS numbers the steps "[n/4]"; make passes it on to the prerequisites too.
run: export TANYA_STEPS := setup train demo stack
run: train  ## start Rasa, the action server and the gateway with demo data (V=1: all output)
	@$(APP_PY) -m devstack run

chat: setup  ## chat in the terminal with the running stack
	@$(APP_PY) -m devstack chat

test: train  ## run every test (unit, SQLite + PostgreSQL, end-to-end through Rasa)
	@$(APP_PY) -m pytest -q --durations=15

test-fast: setup  ## run the tests that need no trained model
	@$(APP_PY) -m pytest -q -m "not e2e"

# Tests never write into the checkout; refreshing docs/*.png is done on purpose here.
screenshots: train  ## run the browser tests that take docs/*.png and keep their screenshots
	@TANYA_SCREENSHOTS=docs $(APP_PY) -m pytest -q -m e2e tests/e2e/test_web_chat.py \
		tests/e2e/test_admin.py tests/e2e/test_console.py tests/e2e/test_training.py

lint: setup  ## ruff and mypy
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/mypy

validate: setup  ## rasa data validate
	@$(ENGINE) data validate --domain domain.yml --data nlu/data --config config.yml

nlu-report: setup  ## measure the NLU (blind set, colloquial file, 5-fold CV, ablation), write docs/nlu.md
	@$(APP_PY) -m nlu.report

bench: train  ## load benchmark: ours vs stock Rasa at 1, 8, 32 conversations (docs/benchmarks.md)
	@$(APP_PY) -m bench.load

# Not part of `bench`: seeding a million messages twice takes about four minutes.
bench-reports: setup  ## the report page on a year of traffic (1M messages), SQL vs Python, SQLite + PostgreSQL
	@$(APP_PY) -m bench.reports

soak: train  ## soak: 20 minutes at 30 messages per second, memory and latency per minute
	@$(APP_PY) -m bench.soak

# Locations without line numbers: a catalogue does not change when code only moves.
texts: setup  ## extract the user-facing texts, update each language's catalogue, compile it
	@.venv/bin/pybabel -q extract -F babel.cfg --project=tanya-izin --add-location=file \
		--sort-by-file -o $(LOCALE)/tanya.pot .
	@.venv/bin/pybabel -q update -i $(LOCALE)/tanya.pot -d $(LOCALE) -D tanya \
		--ignore-obsolete --ignore-pot-creation-date
	@.venv/bin/pybabel -q compile -d $(LOCALE) -D tanya

clean:  ## remove models, database and caches (keeps the environments)
	rm -rf models var .pytest_cache .mypy_cache .ruff_cache
