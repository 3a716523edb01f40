# The two commands of the README: `make run` and `make test`. Everything else helps them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DATABASE_URL_TEST ?= postgres://postgres@127.0.0.1:5432/portal
export REDIS_URL_TEST ?= redis://127.0.0.1:6379/0
RUN_PORT ?= 8000

.PHONY: run test machine machine-run machine-bench venv deps deps-dev npm migrate demo lint \
        format typecheck check-migrations check-deploy messages bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

venv: $(VENV)/bin/activate

deps: venv
	$(PIP) install --quiet -r requirements/base.txt

deps-dev: venv
	$(PIP) install --quiet -r requirements/dev.txt

# `npm run build`: css/site.css from Bootstrap's Sass sources, trimmed (frontend/build.mjs).
npm:
	npm ci --no-audit --no-fund --loglevel=error
	npm run build

# The Debian packages of .ci/apt-packages.txt (installed when root, else the apt-get line is
# printed), then PostgreSQL and Redis started if local and silent. `machine-run`: only what
# `make run` needs. `machine-bench`: the whole list, with what only the benchmarks need ("# bench":
# wrk), and the PostgreSQL the benchmarks create their databases in (BENCH_POSTGRES_URL).
machine:
	@DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_TEST)} REDIS_URL=$${REDIS_URL:-$(REDIS_URL_TEST)} \
		.ci/setup-machine.sh
machine-run:
	@.ci/setup-machine.sh --run
machine-bench:
	@DATABASE_URL=$${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
		REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/6} .ci/setup-machine.sh --bench

# Embedded default: SQLite, console e-mail, simulators, demo data; the web server, a Celery worker
# and beat on a broker of files (var/celery), all stopped by Ctrl-C (portal/embedded.py, ADR 0201).
run: machine-run deps npm
	DJANGO_DEBUG=true SITE_URL=$${SITE_URL:-http://127.0.0.1:$(RUN_PORT)} $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=true SITE_URL=$${SITE_URL:-http://127.0.0.1:$(RUN_PORT)} $(PY) manage.py seed_demo
	$(PY) -m portal.embedded --port $(RUN_PORT)

# The whole suite on PostgreSQL and Redis (DATABASE_URL / REDIS_URL, default 127.0.0.1).
# One process by default: under pytest-xdist one PDF-signing test fails (see docs/testing.md).
test: machine deps-dev npm
	@DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_TEST)} REDIS_URL=$${REDIS_URL:-$(REDIS_URL_TEST)} \
		$(PY) -m tests.services_check
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_TEST)} REDIS_URL=$${REDIS_URL:-$(REDIS_URL_TEST)} \
		$(PY) -m pytest -n $${PYTEST_WORKERS:-0} $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates */templates --lint
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck:
	$(VENV)/bin/mypy

check-migrations:
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run

check-deploy:
	DJANGO_SECRET_KEY=$$(openssl rand -hex 32) DJANGO_ALLOWED_HOSTS=dichvucong.tayninh.gov.vn \
		SIGNING_TSA_URL=$${SIGNING_TSA_URL:-https://tsa.example.vn/} \
		$(PY) manage.py check --deploy --fail-level WARNING

messages:
	DJANGO_DEBUG=true $(PY) manage.py makemessages -l en --no-obsolete --no-location --ignore=.venv --ignore=node_modules --ignore=staticfiles
	DJANGO_DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

# Every benchmark; npm for Lighthouse (npm's `lighthouse`, a development dependency) and the CSS.
bench: machine-bench deps-dev npm
	$(PY) -m bench

# --- bench --- (docs/benchmarks.md)
.PHONY: bench-quick bench-backoffice bench-mixed bench-data bench-faults
# The citizen's pages beside the trivial view, search hit rates (no Lighthouse): under two minutes.
bench-quick: machine-bench deps-dev
	BENCH_QUICK=1 $(PY) -m bench pages
# The officer queues on 1,000,000 dossiers (BENCH_DOSSIERS_SET=50000 for a quick look).
bench-backoffice: machine-bench deps-dev
	$(PY) -m bench backoffice
# The mixed locust scenario, 60 s at a fixed rate.
bench-mixed: machine-bench deps-dev
	$(PY) -m bench mixed
# Only build (or find) the back-office data set.
bench-data: machine-bench deps-dev
	$(PY) -m bench.backoffice_data
# The fault tests alone (they also run in `make test`): private PostgreSQL/Redis, killed and restarted.
bench-faults: machine-bench deps-dev
	$(PY) -m pytest tests/faults -m faults -q

clean:
	rm -rf $(VENV) node_modules build staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm media var/celery
