# syntax=docker/dockerfile:1.7
#
# The app image: the gateway by default, the action server and the migrations with
# another command. Build from the repository root:
#
#   docker build -f deploy/docker/gateway.Dockerfile -t tanya-izin/gateway .
#   docker build -f deploy/docker/gateway.Dockerfile --target trainer -t tanya-izin/trainer .
#
#   docker run tanya-izin/gateway                          # python -m bot serve   (8080)
#   docker run tanya-izin/gateway python -m actions        # the action server     (5055)
#   docker run tanya-izin/gateway python -m permits migrate
#
# The `trainer` target adds the Rasa engine environment (Python 3.10), which the admin
# pages' "Latih & Terapkan" runs `rasa train` in; see docs/deploy.md. No secret is
# baked in: every setting comes from TANYA_* environment variables at run time.

ARG PYTHON_APP_IMAGE=python:3.11-slim-bookworm
ARG PYTHON_ENGINE_IMAGE=python:3.10-slim-bookworm

# ---------------------------------------------------------------------------
# The app environment, exactly as uv.lock pins it (scripts/setup.sh: uv sync
# --frozen), without the dev group (pytest, ruff, mypy, playwright).
FROM ${PYTHON_APP_IMAGE} AS app-venv
ARG UV_VERSION=0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN pip install --no-cache-dir "uv==${UV_VERSION}"
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3.11

# ---------------------------------------------------------------------------
# The Rasa engine environment, for the trainer target only. Same commands as
# scripts/setup.sh and rasa.Dockerfile (tests/deploy checks they stay the same),
# so a model trained here loads in the Rasa image.
FROM ${PYTHON_ENGINE_IMAGE} AS engine-venv
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY engine/requirements.txt engine/constraints.txt engine/
RUN --mount=type=cache,target=/root/.cache/pip \
    /usr/local/bin/python3.10 -m venv /app/.venv-engine \
    && /app/.venv-engine/bin/pip install --quiet --upgrade "pip<24.1" \
    && /app/.venv-engine/bin/pip install --quiet -r engine/requirements.txt -c engine/constraints.txt

# ---------------------------------------------------------------------------
FROM ${PYTHON_APP_IMAGE} AS base
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TANYA_GATEWAY_HOST=0.0.0.0 \
    TANYA_ACTIONS_HOST=0.0.0.0 \
    TANYA_MODELS_DIR=/app/models \
    TANYA_TRAINING_DIR=/app/var/training
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=app-venv /app/.venv /app/.venv
# Code and data are owned by root and read-only for the app user. nlu/ and the Rasa
# project files serve the admin pages (training data, the check set).
COPY bot/ bot/
COPY actions/ actions/
COPY permits/ permits/
COPY nlu/ nlu/
COPY config.yml domain.yml alembic.ini ./
COPY deploy/docker/healthcheck.py /usr/local/lib/tanya/healthcheck.py
RUN python -m compileall -q bot actions permits nlu \
    && mkdir -p /app/models /app/var \
    && chown app:app /app/models /app/var
USER 10001:10001
EXPOSE 8080 5055
# Probes whichever process the container runs (gateway /health or actions /health).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/usr/local/lib/tanya/healthcheck.py"]
CMD ["python", "-m", "bot", "serve"]

# ---------------------------------------------------------------------------
# A gateway that can also train: the Python 3.10 runtime and the engine venv beside
# the app. Both base images are Debian bookworm, so the interpreter's shared
# libraries are the same; the venv points at /usr/local/bin/python3.10.
FROM base AS trainer
USER root
COPY --from=engine-venv /usr/local/bin/python3.10 /usr/local/bin/python3.10
COPY --from=engine-venv /usr/local/lib/python3.10 /usr/local/lib/python3.10
COPY --from=engine-venv /usr/local/lib/libpython3.10.so* /usr/local/lib/
RUN ldconfig
COPY --from=engine-venv /app/.venv-engine /app/.venv-engine
# HOME: Rasa and Keras write small config files there; /app is read-only.
ENV RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    RASA_CACHE_DIRECTORY=/app/var/rasa-cache \
    HOME=/tmp \
    MPLCONFIGDIR=/tmp/matplotlib
USER 10001:10001

# ---------------------------------------------------------------------------
# Default target (last stage): the gateway / action server image.
FROM base AS gateway
