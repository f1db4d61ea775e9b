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

# Install Debian packages ($(1)) when we may: root with apt-get. Fails otherwise.
APT_INSTALL = ( [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && \
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null )

# A bare Debian has python3 without venv/ensurepip: install python3-venv first.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || $(call APT_INSTALL,python3-venv) || \
	  { echo "Le module venv de Python manque : installez le paquet Debian python3-venv." >&2; \
	    exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,semantic]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/essaim migrate --noinput

demo: migrate
	$(BIN)/essaim demo --members $(MEMBERS) --addrport $(HOST):$(PORT)

# Browser tests need Debian's Chromium; install it when missing and we may (root, apt).
browser:
	@test -x $(CHROMIUM) || $(call APT_INSTALL,chromium) || \
	  echo "Chromium absent : les tests navigateur seront ignorés."

# pytest exits 5 when it collected no test: a failure too, said plainly.
test: install browser
	@ESSAIM_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest n'a trouvé aucun test à lancer." >&2; fi; \
	  exit $$status

lint: install
	$(BIN)/ruff check essaim tests bench
	$(BIN)/ruff format --check essaim tests bench

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
