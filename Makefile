# Quick start: `make run` (serve the demo site) and `make test` (run every check).
VENV   := .venv
FLASK  := $(VENV)/bin/flask --app asti
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test test-pg lint format clean chromium audit audit-selftest scanners mutate bench lighthouse screenshots

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

test: install lint chromium checkers
	$(VENV)/bin/pytest

# The same suite on PostgreSQL: ASTI_TEST_DATABASE_URL names a server (see .ci/run).
test-pg: install chromium checkers
	@test -n "$$ASTI_TEST_DATABASE_URL" || { echo "set ASTI_TEST_DATABASE_URL"; exit 2; }
	$(VENV)/bin/pytest

# Checkers nobody on the team wrote, from npm, kept inside the virtualenv (the top level of
# the repository has no package.json): axe-core for accessibility (injected into pages in
# Chromium) and the Nu HTML Checker (vnu-jar, run with the machine's Java).
NODE := $(VENV)/node
checkers: $(NODE)/checkers
$(NODE)/checkers: Makefile
	@command -v npm >/dev/null && command -v java >/dev/null || { apt-get update && apt-get install -y npm default-jre-headless; }
	npm install --prefix $(NODE) --no-audit --no-fund --loglevel=error axe-core@4.11.0 vnu-jar@26.9.27
	touch $@

# Browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@test -x /usr/bin/chromium || { apt-get update && apt-get install -y chromium; }

# Security audit on loopback: Debian's wapiti and sqlmap against gunicorn (about 35
# minutes); writes docs/security-audit.md and fails on any finding.
audit: install scanners
	$(VENV)/bin/python -m bench.audit

# The audit's own check (about 4 minutes): plants an SQL injection, a reflected XSS and an
# SSRF in a temporary copy and fails unless the audit reports all three; writes
# docs/audit-selftest.md.
audit-selftest: install scanners
	$(VENV)/bin/python -m bench.audit_selftest

scanners:
	@test -x /usr/bin/wapiti -a -x /usr/bin/sqlmap || { apt-get update && apt-get install -y wapiti sqlmap; }

# Mutation testing with mutmut 3, in a copy (mutants/): small changes to the modules that hold
# the site's promises, each run against their own tests (about 90 minutes on two cores); writes
# docs/mutation.md and fails on a surviving change that bench/mutate.py does not explain.
mutate: install
	@test -x $(VENV)/bin/mutmut || $(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev,postgres,mutate]'
	$(VENV)/bin/python -m bench.mutate

# Speed on loopback: our gunicorn against a bare Flask app and nginx, with Debian's wrk
# (about 20 minutes; BENCH_ARGS="--rounds 1 --duration 3" for a quick look). Prints Markdown
# tables and writes them into docs/performance.md, above its hand-written part.
bench: install
	@command -v wrk >/dev/null && test -x /usr/sbin/nginx || { apt-get update && apt-get install -y wrk nginx-light; }
	$(VENV)/bin/python -m bench.run $(BENCH_ARGS)

# Lighthouse (npm) in Debian's Chromium, as a phone on slow 4G sees the site: the home page,
# news list and an article in Tajik and English (about 4 minutes). Writes docs/lighthouse.md
# and fails below 95. In a folder of its own: its axe-core must not replace the tests' one.
LIGHTHOUSE := $(VENV)/node/lighthouse
lighthouse: install chromium $(LIGHTHOUSE)/installed
	$(VENV)/bin/python -m bench.lighthouse
$(LIGHTHOUSE)/installed: Makefile
	@command -v npm >/dev/null || { apt-get update && apt-get install -y npm; }
	npm install --prefix $(LIGHTHOUSE) --no-audit --no-fund --loglevel=error lighthouse@13.5.0
	touch $@

# PNG screenshots for the README, in Debian's Chromium: the public pages and the editor's
# form, in Tajik at 1280 px and in Russian at 360 px, first screen only (about a minute).
# Writes docs/screenshots/; not part of `make test`.
screenshots: install chromium
	$(VENV)/bin/python -m bench.screenshots

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache translations/*/LC_MESSAGES/*.mo
