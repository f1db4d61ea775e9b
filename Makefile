# Two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
MEMBERS ?= 850

.PHONY: demo test install migrate lint bench browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/essaim migrate --noinput

demo: migrate
	$(BIN)/essaim demo --members $(MEMBERS) --addrport $(HOST):$(PORT)

# Browser tests need Debian's Chromium; install it when missing and we may (root, apt).
browser:
	@test -x $(CHROMIUM) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "Chromium absent : les tests navigateur seront ignorés."; }

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check essaim tests bench
	$(BIN)/ruff format --check essaim tests bench

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
