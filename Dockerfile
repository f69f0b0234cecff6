# checkly-gate container image: the GitHub container action and `docker run` for other CI.
#
# Base: CPython 3.12 on Debian bookworm, slim. Pinned by tag (for people) and by digest (for
# the builder, which uses the digest and ignores the tag). To move to a newer patch release,
# change both together; the digest is the multi-arch index digest that
#   docker buildx imagetools inspect python:3.12.X-slim-bookworm
# prints. The selftest workflow builds this image on every push, so a wrong pin fails there.
# A build argument only so that `make image-test` can build this file unchanged on a stand-in
# base where no registry is reachable (docs/development.md); releases use the default.
# Needs BuildKit (Docker 23+'s default builder) or buildah: `RUN --mount` keeps the lock and
# the builder's wheel out of the image's layers.
ARG BASE=python:3.12.12-slim-bookworm@sha256:593bd06efe90efa80dc4eee3948be7c0fde4134606dd40d8dd8dbcade98e669c

# --- builder: the wheel, with the locked setuptools; nothing of this stage is in the image ---
FROM ${BASE} AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /src
COPY requirements-build.lock /src/
RUN python -m pip install --no-cache-dir --require-hashes --only-binary=:all: \
        -r /src/requirements-build.lock
COPY pyproject.toml LICENSE /src/
COPY docs/pypi.md /src/docs/pypi.md
COPY gate/ /src/gate/
RUN python -m pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /dist /src

# --- the image: tini, the locked dependencies and the wheel, all byte-compiled ---
FROM ${BASE}

# Unbuffered so the runner shows progress lines as they happen; no .pyc files written at run
# time (into the workspace the runner mounts): the image's own are compiled at build time.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# tini as PID 1: it forwards SIGINT/SIGTERM to the gate from the first instant (the kernel
# drops a signal that PID 1 has no handler for, and Python has none for SIGTERM while it
# starts) and reaps. Then the standard library, byte-compiled: the python image ships it
# without *.pyc, and compiling it at every start costs ~0.5 s. unchecked-hash: the .pyc files
# stay valid whatever a builder does to the files' timestamps (the image is never edited).
# tini is not pinned to a version: bookworm's changes only with a security fix, and a Debian
# version can differ between architectures (binNMUs), which would break the arm64 build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && python -m compileall -q -j 0 --invalidation-mode unchecked-hash \
        -x '/(site-packages|idlelib|tkinter|turtledemo|lib2to3|ensurepip|pydoc_data)/' \
        "$(python -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')"

# The dependencies (a layer that changes only when requirements.lock does): every package
# pinned and hash-checked, nothing resolved at build time. The lock is mounted, not copied.
RUN --mount=type=bind,source=requirements.lock,target=/tmp/requirements.lock \
    python -m pip install --no-cache-dir --no-compile --require-hashes --only-binary=:all: \
        -r /tmp/requirements.lock \
    && python -m compileall -q -j 0 --invalidation-mode unchecked-hash -x '/site-packages/pip/' \
        "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"

# Then the gate: the builder's wheel, mounted (so no copy of it stays in a layer), installed
# with --no-deps (everything it needs is already installed from the lock).
RUN --mount=type=bind,from=builder,source=/dist,target=/tmp/dist \
    python -m pip install --no-cache-dir --no-compile --no-deps --no-index /tmp/dist/*.whl \
    && python -m compileall -q -j 0 --invalidation-mode unchecked-hash \
        "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/gate"

# The version, for the image's label: release.yml passes the version it checked against the tag
# (`--build-arg VERSION=X.Y.Z`, the same value the wheel on PyPI carries), and the build fails
# unless it is the installed package's own `gate.__version__`. A local `docker build .` passes
# none and gets the label "dev".
ARG VERSION=dev
RUN test "${VERSION}" = dev \
    || test "${VERSION}" = "$(python -c 'import gate; print(gate.__version__)')" \
    || { echo "VERSION=${VERSION} is not gate.__version__" >&2; exit 1; }
LABEL org.opencontainers.image.title="checkly-gate" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"

# Runs as root, on purpose (hence no USER): GitHub's docs require container actions to run as
# the default (root) user, because the runner mounts /github/workspace, /github/file_commands
# (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) and /github/home owned by its own user; a non-root user
# could not write the outputs, the job summary or the reports into the workspace. What the gate
# creates in the workspace gets the workspace's owner, so the runner's user can change or
# delete it later. Elsewhere, `docker run --user "$(id -u):$(id -g)"` works: the gate writes
# only where it is told to.

# Exec form, absolute paths: the runner sets its own --workdir (/github/workspace) and passes
# `args:` (none for this action) and `docker run` arguments straight to the gate. coreutils'
# env starts it with SIGINT and SIGTERM blocked: one that comes while Python starts waits until
# the gate's first code has its handlers in place (gate/launch.py), instead of raising
# KeyboardInterrupt inside the standard library; a signal before Python even runs ends env.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/bin/env", "--block-signal=INT,TERM", \
            "/usr/local/bin/checkly-gate"]
