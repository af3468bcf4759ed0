#!/usr/bin/env bash
# Creates (or refreshes) the two Python environments, idempotently:
#   .venv         app environment, Python >= 3.11, locked by uv.lock
#   .venv-engine  Rasa engine, Python 3.10, rasa==3.6.21 + engine/constraints.txt
# Usage: scripts/setup.sh [app|engine|all]
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"  # run again below, from the root
cd "$(dirname "$0")/.."
what="${1:-all}"

find_python() {  # $1 = minimum minor, $2 = maximum minor
    local minor candidate
    for minor in $(seq "$2" -1 "$1"); do
        for candidate in "python3.$minor" \
            "$HOME/.pyenv/versions/"3."$minor".*/bin/python3."$minor" \
            "/usr/local/bin/python3.$minor" "/usr/bin/python3.$minor"; do
            if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import venv' 2>/dev/null; then
                command -v "$candidate"
                return 0
            fi
        done
    done
    return 1
}

setup_app() {
    local py
    # 3.11 first: the version the rasa-sdk/Rasa 3.6 pairing was checked on.
    py="${PYTHON_APP:-$(find_python 11 11 || find_python 12 13 || true)}"
    if [ -z "$py" ]; then
        echo "error: the app environment needs Python 3.11, 3.12 or 3.13; none was found." >&2
        echo "       Install one (e.g. 'pyenv install 3.11' or 'apt-get install python3.11')" >&2
        echo "       or point PYTHON_APP at it." >&2
        exit 1
    fi
    if ! command -v uv >/dev/null 2>&1; then
        echo "installing uv (the app environment's package manager) with pip"
        "$py" -m pip install --quiet uv
    fi
    uv sync --frozen --python "$py" --quiet
}

setup_engine() {
    local py stamp want
    want="$(cat engine/requirements.txt engine/constraints.txt | sha256sum | cut -d' ' -f1)"
    stamp=".venv-engine/.tanya-stamp"
    if [ -x .venv-engine/bin/rasa ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    py="${PYTHON310:-$(find_python 10 10 || true)}"
    if [ -z "$py" ]; then
        echo "error: the Rasa engine (rasa 3.6.21) runs only on Python 3.10, which was not found." >&2
        echo "       Install it (e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv')" >&2
        echo "       or set PYTHON310=/path/to/python3.10, then run this again." >&2
        exit 1
    fi
    echo "creating the Rasa engine environment .venv-engine with $py (takes a few minutes once)"
    rm -rf .venv-engine
    "$py" -m venv .venv-engine
    .venv-engine/bin/pip install --quiet --upgrade "pip<24.1"
    .venv-engine/bin/pip install --quiet -r engine/requirements.txt -c engine/constraints.txt
    echo "$want" > "$stamp"
}

# The terminal shows one line when the set-up starts and one when it is done, with its
# time (devstack/steps.py prints the other steps of `make run` the same way); the output
# goes to var/log/setup.log, and its last lines to the terminal when it fails. V=1: all.
step_prefix() {  # "[1/4] " when make run lists "setup" among its TANYA_STEPS
    local words i
    read -r -a words <<< "${TANYA_STEPS:-}"
    for i in "${!words[@]}"; do
        if [ "${words[$i]}" = setup ]; then
            printf '[%d/%d] ' $((i + 1)) "${#words[@]}"
            return
        fi
    done
}

duration() {  # seconds -> "84 s" or "7 min 12 s"
    if [ "$1" -lt 60 ]; then echo "$1 s"; else echo "$(($1 / 60)) min $(($1 % 60)) s"; fi
}

reported() {  # runs this script again for "$1" as the reported step
    local prefix indent log=var/log/setup.log rc=0 took note=""
    prefix="$(step_prefix)"
    indent="$(printf '%*s' "${#prefix}" '')"
    [ -x .venv-engine/bin/rasa ] || note=" (the first time takes a few minutes)"
    echo "${prefix}setting up the Python environments$note …" >&2
    if [ -n "${V:-}" ] && [ "${V:-}" != 0 ]; then
        TANYA_SETUP_REPORTED=1 bash "$self" "$1" || rc=$?
        log=""
    else
        mkdir -p var/log
        TANYA_SETUP_REPORTED=1 bash "$self" "$1" > "$log" 2>&1 || rc=$?
    fi
    took="$(duration "$SECONDS")"
    if [ "$rc" -ne 0 ]; then
        echo "${indent}failed after $took (exit code $rc)" >&2
        if [ -n "$log" ]; then
            echo "${indent}last lines of $log:" >&2
            tail -n 20 "$log" | sed "s/^/${indent}  /" >&2
        fi
        exit "$rc"
    fi
    echo "${indent}done in $took${log:+ (log: $log)}" >&2
}

if [ -z "${TANYA_SETUP_REPORTED:-}" ]; then
    reported "$what"
    exit 0
fi

case "$what" in
    app) setup_app ;;
    engine) setup_engine ;;
    all) setup_app; setup_engine ;;
    *) echo "usage: $0 [app|engine|all]" >&2; exit 2 ;;
esac
