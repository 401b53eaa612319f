# Quick start: `make run` (serve the demo site) and `make test` (run every check).
VENV   := .venv
FLASK  := $(VENV)/bin/flask --app asti
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test test-pg lint format clean chromium audit bench

install: $(VENV)/installed instance/config.py
	$(FLASK) translate compile
	$(VENV)/bin/python -m whitenoise.compress -q static

# Reinstall only when the dependencies change.
$(VENV)/installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev,postgres]'
	touch $@

# A random secret key for this checkout, made once; production sets ASTI_SECRET_KEY instead.
instance/config.py:
	python3 -c "import secrets; print('SECRET_KEY = %r' % secrets.token_hex(32))" > $@

run: install
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - wsgi:app

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install lint chromium
	$(VENV)/bin/pytest

# The same suite on PostgreSQL: ASTI_TEST_DATABASE_URL names a server (see .ci/run).
test-pg: install chromium
	@test -n "$$ASTI_TEST_DATABASE_URL" || { echo "set ASTI_TEST_DATABASE_URL"; exit 2; }
	$(VENV)/bin/pytest

# Browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@test -x /usr/bin/chromium || { apt-get update && apt-get install -y chromium; }

# Security audit on loopback: Debian's wapiti and sqlmap against gunicorn (8 to 10 minutes);
# writes docs/security-audit.md and fails on any finding.
audit: install
	@test -x /usr/bin/wapiti -a -x /usr/bin/sqlmap || { apt-get update && apt-get install -y wapiti sqlmap; }
	$(VENV)/bin/python tests/security_audit.py

# Speed on loopback: our gunicorn against a bare Flask app and nginx, with Debian's wrk
# (about 15 minutes; BENCH_ARGS="--rounds 1 --duration 3" for a quick look). Prints a
# Markdown table and writes it to bench/results.md.
bench: install
	@command -v wrk >/dev/null && test -x /usr/sbin/nginx || { apt-get update && apt-get install -y wrk nginx-light; }
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache translations/*/LC_MESSAGES/*.mo
