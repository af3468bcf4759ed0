# syntax=docker/dockerfile:1.7
#
# The Rasa server (rasa 3.6.21 on Python 3.10) with our gateway channel
# (engine/channel.py), the custom NLU components (nlu/components/) and a model
# trained from this commit's nlu/data during the build. Build from the repository root:
#
#   docker build -f deploy/docker/rasa.Dockerfile -t tanya-izin/rasa .
#   docker run -e TANYA_RASA_TOKEN=... tanya-izin/rasa
#
# Which model it serves (deploy/docker/rasa-entrypoint.sh): the one named by
# $TANYA_MODELS_DIR/in-service.txt (the admin pages' latest deployment) if the models
# volume holds it, otherwise the model baked into this image, copied into the volume
# first so that the gateway's trainer can read it too. See docs/deploy.md, "Models".

ARG PYTHON_ENGINE_IMAGE=python:3.10-slim-bookworm

# ---------------------------------------------------------------------------
# Exactly scripts/setup.sh's engine install: pip < 24.1, rasa pinned by
# engine/requirements.txt, the whole tree fixed by engine/constraints.txt.
FROM ${PYTHON_ENGINE_IMAGE} AS engine-venv
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY engine/requirements.txt engine/constraints.txt engine/
RUN --mount=type=cache,target=/root/.cache/pip \
    /usr/local/bin/python3.10 -m venv /app/.venv-engine \
    && /app/.venv-engine/bin/pip install --quiet --upgrade "pip<24.1" \
    && /app/.venv-engine/bin/pip install --quiet -r engine/requirements.txt -c engine/constraints.txt

# ---------------------------------------------------------------------------
# What the engine imports from the repository (PYTHONPATH=/app): the channel, the
# custom components and the stdlib-only modules they use.
FROM scratch AS engine-code
COPY credentials.yml endpoints.yml /app/
COPY engine/__init__.py engine/channel.py engine/patches.py engine/batching.py \
     engine/memory.py engine/speedups.py engine/stores.py engine/turn_trackers.py /app/engine/
COPY nlu/__init__.py nlu/gazetteer.py nlu/lexicon.py nlu/stemming.py /app/nlu/
COPY nlu/components/ /app/nlu/components/
COPY permits/__init__.py permits/numbers.py permits/follow_ups.py /app/permits/

# ---------------------------------------------------------------------------
# The model of this commit, as `make train` builds it (same config, data and seeds).
# Cached by BuildKit until config.yml, domain.yml or nlu/ change.
FROM engine-venv AS model
COPY --from=engine-code /app/ /app/
COPY config.yml domain.yml /app/
COPY nlu/data/ /app/nlu/data/
RUN RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH=/app \
    /app/.venv-engine/bin/rasa train --config config.yml --domain domain.yml \
        --data nlu/data --out /opt/tanya/model --fixed-model-name tanya-izin --quiet

# ---------------------------------------------------------------------------
FROM ${PYTHON_ENGINE_IMAGE} AS rasa
ENV PATH=/app/.venv-engine/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    HOME=/tmp \
    MPLCONFIGDIR=/tmp/matplotlib \
    TANYA_MODELS_DIR=/app/models
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=engine-venv /app/.venv-engine /app/.venv-engine
COPY --from=engine-code /app/ /app/
COPY --from=model /opt/tanya/model/tanya-izin.tar.gz /opt/tanya/model/tanya-izin.tar.gz
COPY --chmod=0755 deploy/docker/rasa-entrypoint.sh /usr/local/bin/rasa-entrypoint
RUN mkdir -p /app/models && chown app:app /app/models
USER 10001:10001
EXPOSE 5005
# Our channel's GET /webhooks/gateway/ answers {"status":"ok"} without the token, and
# only once the model is loaded (Rasa loads it before it starts listening).
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/webhooks/gateway/', timeout=4)"]
ENTRYPOINT ["rasa-entrypoint"]
