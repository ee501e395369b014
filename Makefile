# Relais: the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
# The second engines (MaterialX, on MkDocs and on ProperDocs) in a virtualenv of their own:
# mkdocs-materialx installs over mkdocs-material's package folder (docs/contributor/engines.md).
VENV_ENGINES ?= .venv-engines
PY_ENGINES    = $(VENV_ENGINES)/bin/python
ENGINE_TESTS  = tests/test_engine.py tests/test_search_index.py tests/test_browser_home.py
DEMO_NOW ?= 2026-12-01T08:00

.PHONY: demo serve test test-engines lint check bench browser dictionaries docs docs-serve clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(VENV_ENGINES)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV_ENGINES)
	$(PY_ENGINES) -m pip install --quiet --upgrade pip
	$(PY_ENGINES) -m pip install --quiet -e '.[test,materialx]'
	@# Both distributions write material/: MaterialX's files must be the last ones written.
	$(PY_ENGINES) -m pip install --quiet --force-reinstall --no-deps "mkdocs-materialx==$$( \
		$(PY_ENGINES) -c 'from importlib.metadata import version; print(version("mkdocs-materialx"))')"
	touch $@

## demo: install into .venv and build the demo portal into site/
demo: $(VENV)/.installed dictionaries
	mkdir -p .relais && [ -d .relais/watch ] || cp -r demo-watch-cache .relais/watch
	$(PY) -m generator check --now $(DEMO_NOW)
	$(PY) -m generator build --now $(DEMO_NOW)
	@echo ""
	@echo "The demo portal is in site/. To look at it (search and kits need a web server):"
	@echo "    make serve    then open http://127.0.0.1:8000/ in a browser"

## serve: live preview of the demo at http://127.0.0.1:8000/
serve: $(VENV)/.installed
	$(PY) -m generator serve --now $(DEMO_NOW)

## browser: install Debian's Chromium for the browser tests (needs root or sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || sh scripts/install-chromium.sh

## dictionaries: install Debian's Hunspell dictionaries (French, English) for the spelling check
dictionaries:
	@[ -f /usr/share/hunspell/fr.dic ] && [ -f /usr/share/hunspell/en_US.dic ] \
		&& [ -f /usr/share/hunspell/en_GB.dic ] || sh scripts/install-dictionaries.sh

## lint: ruff (lint and format) over the repository, mypy --strict over generator/
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# axe-core for the accessibility audit (tests/test_a11y.py), from the npm registry at the
# version pinned in tests/a11y/package-lock.json (npm itself from Debian when missing).
tests/a11y/node_modules/.installed: tests/a11y/package.json tests/a11y/package-lock.json
	@command -v npm >/dev/null 2>&1 || sh scripts/install-npm.sh
	cd tests/a11y && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## test: install everything (Chromium, the dictionaries, axe-core), lint, run the whole test suite, then the second engines' smoke tests
test: $(VENV)/.installed-test browser dictionaries tests/a11y/node_modules/.installed lint
	$(PY) -m pytest
	$(MAKE) test-engines

## test-engines: the demo built by the second engines (MaterialX on MkDocs, then on ProperDocs) and its smoke tests
test-engines: $(VENV_ENGINES)/.installed browser dictionaries
	RELAIS_ENGINE=materialx $(PY_ENGINES) -m pytest -q $(ENGINE_TESTS)
	RELAIS_ENGINE=properdocs-materialx $(PY_ENGINES) -m pytest -q $(ENGINE_TESTS)

## docs: build the documentation (docs/, strictly: any warning fails) into docs-site/
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --config-file mkdocs-docs.yml

## docs-serve: live preview of the documentation at http://127.0.0.1:8001/
docs-serve: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs serve --strict --config-file mkdocs-docs.yml --dev-addr 127.0.0.1:8001

## bench: the performance benchmark (see docs/contributor/performance.md)
bench: $(VENV)/.installed-test dictionaries
	$(PY) bench/run.py

clean:
	rm -rf site docs-site .relais $(VENV) $(VENV_ENGINES)
