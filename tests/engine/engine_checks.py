"""Runs in Rasa's environment (rasa 3.6): engine/speedups.py against Rasa's own code.

    PYTHONPATH=. .venv-engine/bin/python tests/engine/engine_checks.py

Prints one JSON object: for each action-server reply, whether Rasa's stock
validation and ours agree (both accept, or both raise the same message), and for
each event, whether both resolve its type name to the same class.
"""

import json
import sys

from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

REPLIES = [
    {"events": [], "responses": []},
    {},
    {
        "events": [
            {"event": "slot", "timestamp": None, "name": "permit", "value": "PBG"},
            {"event": "bot", "text": "Lama proses PBG 28 hari kerja", "data": {}, "metadata": {}},
            {"event": "followup", "name": "action_listen"},
            {"event": "active_loop", "name": None},
            {"event": "reset_slots"},
        ],
        "responses": [{"text": "Lama proses", "buttons": [{"title": "a", "payload": "/b"}]}],
    },
    {"events": [{"event": "slot", "timestamp": "yesterday"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"timestamp": 1.0}]},
    {"events": [{"event": "bot", "metadata": 3}]},
    {"events": [{"event": "user", "text": "halo", "parse_data": "x"}]},
    {"events": "slot"},
    {"events": [["slot"]]},
    {"responses": [1]},
    {"responses": {"text": "x"}},
    {"events": None},
    [],
]
EVENT_NAMES = ["user", "bot", "slot", "action", "session_started", "followup", "no_such"]


def _outcome(check, reply):
    try:
        check(reply)
    except ValidationError as error:
        return error.message.split(". Failed to validate")[0]
    return "valid"


def _event_classes():
    classes = {}
    for name in EVENT_NAMES:
        try:
            classes[name] = Event.resolve_by_type(name).__name__
        except ValueError:
            classes[name] = "error"
    return classes


def main():
    def stock(reply):
        validate(reply, RemoteAction.action_response_format_spec())

    stock_classes = _event_classes()
    stock_outcomes = [_outcome(stock, reply) for reply in REPLIES]

    from engine import speedups

    speedups.install()
    action = RemoteAction("action_check", None)
    ours = [_outcome(action._validate_action_result, reply) for reply in REPLIES]
    our_classes = _event_classes()
    json.dump(
        {
            "validation": [[s, o] for s, o in zip(stock_outcomes, ours, strict=True)],
            "classes": [[stock_classes[n], our_classes[n]] for n in EVENT_NAMES],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
