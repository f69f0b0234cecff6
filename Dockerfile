# checkly-gate container image: the GitHub container action and `docker run` for other CI.
#
# Base: CPython 3.12 on Debian bookworm, slim. Pinned by tag (for people) and by digest (for
# the builder, which uses the digest and ignores the tag). To move to a newer patch release,
# change both together; the digest is the multi-arch index digest that
#   docker buildx imagetools inspect python:3.12.X-slim-bookworm
# prints. The selftest workflow builds this image on every push, so a wrong pin fails there.
FROM python:3.12.12-slim-bookworm@sha256:593bd06efe90efa80dc4eee3948be7c0fde4134606dd40d8dd8dbcade98e669c

# Unbuffered so the runner shows progress lines as they happen; no .pyc files in the image
# layers or in the workspace the runner mounts.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /app

# Dependencies first (a layer that changes only when requirements.lock does): every package
# pinned and hash-checked, nothing resolved at build time. The lock also holds setuptools so
# that the package build below needs no unpinned download (make lock regenerates it).
COPY requirements.lock /app/requirements.lock
RUN python -m pip install --no-cache-dir --require-hashes --only-binary=:all: \
        -r /app/requirements.lock

# Then the code. --no-deps: everything it needs is already installed from the lock.
# /app/entrypoint.py imports /app/gate (its own folder comes first on sys.path), so that copy
# is byte-compiled here: with PYTHONDONTWRITEBYTECODE every start would compile it again.
COPY pyproject.toml LICENSE entrypoint.py /app/
COPY docs/pypi.md /app/docs/pypi.md
COPY gate/ /app/gate/
RUN python -m pip install --no-cache-dir --no-deps --no-build-isolation /app \
    && rm -rf /app/build /app/*.egg-info \
    && python -m compileall -q /app/gate

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
# could not write the outputs, the job summary or the reports into the workspace. Elsewhere,
# `docker run --user "$(id -u):$(id -g)"` works: the gate writes only where it is told to.

# Exec form, absolute paths: the runner sets its own --workdir (/github/workspace) and passes
# `args:` (none for this action) and `docker run` arguments straight to the gate.
ENTRYPOINT ["/usr/local/bin/python", "/app/entrypoint.py"]
