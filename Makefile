# PartnerHub: the commands a newcomer needs. `make run` and `make test`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000

.PHONY: install translations run test test-sqlite test-postgresql bench lint format

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

translations: install
	$(VENV)/bin/pybabel compile --use-fuzzy -d partnerhub/translations

run: install translations
	$(FLASK) db upgrade -d migrations
	$(FLASK) demo --if-empty
	PORT=$(PORT) $(FLASK) serve

test: install translations
	$(MAKE) test-sqlite
	$(MAKE) test-postgresql

test-sqlite:
	$(VENV)/bin/pytest --db sqlite $(PYTEST_ARGS)

test-postgresql:
	$(VENV)/bin/pytest --db postgresql $(PYTEST_ARGS)

bench: install translations
	$(VENV)/bin/python -m bench.run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Collect the strings to translate into the Russian catalog (then fill it in).
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
		-o partnerhub/translations/messages.pot .
	$(VENV)/bin/pybabel update -i partnerhub/translations/messages.pot \
		-d partnerhub/translations --no-fuzzy-matching
