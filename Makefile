# make demo  — set up .venv, create the demo survey and QR codes, serve on http://127.0.0.1:5000
# make test  — set up .venv and node_modules (and Chromium, a CJK font, PostgreSQL, nginx when missing), run the whole suite
# make bench — the benchmarks in bench/ (not part of make test)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

AXE    := node_modules/.installed-stamp

.PHONY: demo test bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $(STAMP)

# Debian packages the tests need: Chromium for the browser tests, Noto CJK so charts show Chinese,
# PostgreSQL for the storage tests (tests/pg_cluster.py starts its own throwaway server as the postgres user).
# The drop-in stops the package from creating (and starting) the usual "main" cluster: nothing is left
# running, and a cluster that cannot start in a container cannot fail the install. It is removed afterwards.
PG_NO_MAIN := /etc/postgresql-common/createcluster.d/00-manyi-no-main-cluster.conf
# pgbouncer for tests/test_pg_pgbouncer.py (its own, started by the test). nginx for tests/test_slow_clients.py (the shipped deploy/nginx-manyi.conf, run by the tests themselves).
# A policy-rc.d that answers 101 keeps the package from starting the system's nginx on port 80; it is
# made only if none exists (Docker images ship one) and removed afterwards.
NO_START := /usr/sbin/policy-rc.d
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  echo "Installing chromium and fonts-noto-cjk (Debian packages)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fontconfig >/dev/null; \
	fi
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "Installing postgresql (Debian package; no cluster is created or started)"; \
	  $(SUDO) mkdir -p $(dir $(PG_NO_MAIN)) && echo "create_main_cluster = off" | $(SUDO) tee $(PG_NO_MAIN) >/dev/null && \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  status=$$?; $(SUDO) rm -f $(PG_NO_MAIN); $(SUDO) rmdir --ignore-fail-on-non-empty $(dir $(PG_NO_MAIN)); exit $$status; \
	fi
	@if ! command -v nginx >/dev/null 2>&1 && ! test -x /usr/sbin/nginx; then \
	  echo "Installing nginx (Debian package; the tests run deploy/nginx-manyi.conf in their own nginx, not the service)"; \
	  made=; if ! test -e $(NO_START); then printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee $(NO_START) >/dev/null && $(SUDO) chmod +x $(NO_START) && made=1; fi; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  status=$$?; if [ -n "$$made" ]; then $(SUDO) rm -f $(NO_START); fi; exit $$status; \
	fi
	@if ! command -v pgbouncer >/dev/null 2>&1 && ! test -x /usr/sbin/pgbouncer; then \
	  echo "Installing pgbouncer (Debian package; tests/pgbouncer.py runs its own, in front of the test server)"; \
	  made=; if ! test -e $(NO_START); then printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee $(NO_START) >/dev/null && $(SUDO) chmod +x $(NO_START) && made=1; fi; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null; \
	  status=$$?; if [ -n "$$made" ]; then $(SUDO) rm -f $(NO_START); fi; exit $$status; \
	fi

# axe-core (npm, pinned in package.json and package-lock.json) for tests/test_accessibility.py
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

demo: $(STAMP)
	FLASK_PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(VENV)/bin/manyi demo --host $(HOST) --port $(PORT)

test: $(STAMP) system-deps $(AXE)
	$(PY) -m pytest -q

bench: $(STAMP) system-deps
	@command -v wrk >/dev/null 2>&1 || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk >/dev/null)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache node_modules
