"""Rasa 3.6 checks the action server's reply with `jsonschema.validate`, which first
checks Rasa's own (large) events schema against the JSON Schema metaschema, on every
action call: 18-28 ms of a ~50 ms turn in our profile (docs/benchmarks.md). The
schema never changes, so it is checked once and its validator kept; every reply is
still validated, with the same error Rasa raises.

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


@functools.lru_cache(maxsize=1)
def _action_reply_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_action_reply_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
