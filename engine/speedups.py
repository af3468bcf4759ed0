"""Two pieces of work Rasa 3.6 repeats on every turn although their result never
changes, found by profiling under load (docs/benchmarks.md, "where the time goes"):

- the action server's reply is checked with `jsonschema.validate`, which first checks
  Rasa's own (large) events schema against the JSON Schema metaschema: 18-28 ms of a
  ~50 ms turn. The schema is now checked once and its validator kept; every reply is
  still validated, each event against the schema of its own kind first, with the
  same error Rasa raises when it is invalid;
- every event read from the tracker store finds its class by walking all subclasses
  of Event (about 10 % of a turn). The classes are now looked up in a table, rebuilt
  when a name is missing (a class imported later).

Installed when Rasa imports our channel (engine/channel.py), the one hook into the
engine process we have.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_EVENT_CLASSES: dict[str, type[Event]] = {}


@functools.lru_cache(maxsize=1)
def _action_reply_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@functools.lru_cache(maxsize=1)
def _event_validators() -> dict[str, Any] | None:
    """One validator per event name, or None if the names do not tell the kinds apart.

    Rasa's event schema is a `oneOf` of kinds told apart by `event`'s constant, so
    an event is valid exactly when it is valid for the kind its name names; checking
    that one kind spares trying the other 22 and building their errors.
    """
    events = RemoteAction.action_response_format_spec()["properties"]["events"]["items"]
    shared = {key: value for key, value in events.items() if key != "oneOf"}
    validators: dict[str, Any] = {}
    for kind in events["oneOf"]:
        name = kind["properties"]["event"]["const"]
        if name in validators:
            return None
        schema = {"allOf": [shared, kind]}
        validators[name] = validator_for(schema)(schema)
    return validators


def _valid_by_kind(result: Any) -> bool:
    """True when the reply is certainly valid; False means "ask the full schema"."""
    validators = _event_validators()
    if validators is None or not isinstance(result, dict):
        return False
    events, responses = result.get("events", []), result.get("responses", [])
    if not isinstance(events, list) or not isinstance(responses, list):
        return False
    if not all(isinstance(response, dict) for response in responses):
        return False
    for event in events:
        validator = validators.get(event.get("event")) if isinstance(event, dict) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if _valid_by_kind(result):
        return True
    error = best_match(_action_reply_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Event.resolve_by_type with a table instead of a walk over every subclass."""
    if type_name not in _EVENT_CLASSES:
        _EVENT_CLASSES.clear()
        for cls in all_subclasses(Event):
            _EVENT_CLASSES.setdefault(cls.type_name, cls)
    found = _EVENT_CLASSES.get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # as Rasa: old TopicSet events are ignored
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]
