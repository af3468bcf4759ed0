#!/bin/sh
# Starts the Rasa server with the model in service (the image's ENTRYPOINT).
#
#   1. $TANYA_MODELS_DIR/in-service.txt names the model the admin pages deployed last
#      (bot/admin/trainer.py writes it); it is used if the file it names exists;
#   2. otherwise the model baked into the image. If the models directory is writable
#      it is first copied there under its checksum (once; the copy is atomic), so the
#      path Rasa reports is one the gateway's trainer can read on the shared volume.
#
# Environment: TANYA_RASA_TOKEN (required), TANYA_MODELS_DIR (default /app/models),
# RASA_ENDPOINTS_FILE (default /app/endpoints.yml: in-memory stores, actions on
# 127.0.0.1), RASA_PORT (default 5005). Extra arguments go to `rasa run`.
# TANYA_RASA_TOKEN is the token engine/channel.py checks on every gateway request;
# TANYA_ACTIONS_TOKEN the one Rasa sends to the action server (endpoints.yml).
set -eu

: "${TANYA_RASA_TOKEN:?set TANYA_RASA_TOKEN (shared with the gateway)}"
: "${TANYA_ACTIONS_TOKEN:?set TANYA_ACTIONS_TOKEN (shared with the action server)}"
models="${TANYA_MODELS_DIR:-/app/models}"
baked="${RASA_BAKED_MODEL:-/opt/tanya/model/tanya-izin.tar.gz}"
endpoints="${RASA_ENDPOINTS_FILE:-/app/endpoints.yml}"

model=""
if [ -f "$models/in-service.txt" ]; then
    named="$(head -n 1 "$models/in-service.txt")"
    if [ -f "$named" ]; then
        model="$named"
    else
        echo "rasa-entrypoint: in-service.txt names $named, which does not exist" >&2
    fi
fi
if [ -z "$model" ]; then
    model="$baked"
    if [ -d "$models" ] && [ -w "$models" ]; then
        sum="$(sha256sum "$baked" | cut -c1-12)"
        copy="$models/image/tanya-izin-$sum.tar.gz"
        if [ ! -f "$copy" ]; then
            mkdir -p "$models/image"
            cp "$baked" "$copy.$$.tmp"
            mv -f "$copy.$$.tmp" "$copy"
        fi
        model="$copy"
    fi
fi
echo "rasa-entrypoint: serving $model" >&2

# No --enable-api: the gateway reaches Rasa only through our channel's routes
# (/webhooks/gateway/..., token-checked in engine/channel.py); Rasa's own REST API
# (trackers, trigger_intent, training, model loading) stays off.
exec rasa run \
    -i 0.0.0.0 -p "${RASA_PORT:-5005}" \
    --credentials /app/credentials.yml --endpoints "$endpoints" \
    -m "$model" "$@"
