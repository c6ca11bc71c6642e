# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint install install-dev migrate clean bench-probes

$(VENV)/bin/activate:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

## The product on the embedded default: web (gunicorn), Celery worker and beat.
run: migrate
	$(PY) manage.py collectstatic --noinput --verbosity 0
	PORT=$(PORT) exec bin/run-all

## The whole test suite (system packages it needs are installed first). The
## ten-minute soak of the embedded default (tests marked soak) and a few
## minutes-long fault tests (marked background) run beside the rest, in the
## background; both must pass.
test: install-dev
	bin/install-system-deps
	@soak_log=$$(mktemp); \
	$(VENV)/bin/pytest -m "soak or background" -p no:cacheprovider >"$$soak_log" 2>&1 & soak=$$!; \
	$(VENV)/bin/pytest -m "not soak and not background"; rest=$$?; \
	wait $$soak; soaked=$$?; \
	echo "--- the soak and the background fault tests (pytest -m 'soak or background'):"; \
	cat "$$soak_log"; rm -f "$$soak_log"; \
	test $$rest -eq 0 && test $$soaked -eq 0

## The probe engine's benchmark (PostgreSQL and Redis on this machine; ~3 minutes).
bench-probes: install
	$(PY) bench/probes.py

## Lint, format, layers and types (CI runs it before the tests).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var
