"""Every change we make to Rasa's code, installed by one checked function.

Rasa 3.6 has no hooks for what engine/speedups.py, engine/batching.py,
engine/memory.py, engine/stores.py and engine/turn_trackers.py do, so they replace
attributes of Rasa's classes. A replacement is only right for the code it was
written against, so `install()` first checks that Rasa is that version and that
every target still has the signature it had, and refuses (RuntimeError) before
changing anything otherwise; then it applies each patch once.

PATCHES is the one list of targets: `install()` checks and applies it, the tests
compare it with what installing really changes (tests/engine/test_patches.py), and
docs/architecture.md ("Engine patches") has one row for each entry; what each saves
is in docs/benchmarks.md ("Engine patches").
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.core.events import Event
from rasa.shared.nlu.training_data.features import Features
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel

from engine import batching, memory, speedups, stores, turn_trackers

logger = logging.getLogger(__name__)

# The Rasa the patches were written against; tests/engine/test_patches.py checks
# that engine/requirements.txt pins the same.
RASA_VERSION = "3.6.21"


@dataclass(frozen=True)
class Patch:
    """One attribute of a Rasa class that we replace."""

    owner: type
    attribute: str
    signature: str  # Rasa's, as `plain_signature` writes it: names, kinds, defaults
    patched: Callable[[Any], Any]  # Rasa's attribute (as the class holds it) -> ours
    why: str
    test: str  # the test showing ours gives Rasa's result (or the wanted change)

    @property
    def target(self) -> str:
        """The target as docs/architecture.md names it: "module:Class.attribute"."""
        return f"{self.owner.__module__}:{self.owner.__qualname__}.{self.attribute}"


def _replaced_by(ours: Any) -> Callable[[Any], Any]:
    """For replacements that need nothing of Rasa's attribute, or took it on import."""
    return lambda _rasa: ours


_SPEEDUPS = "tests/engine/test_speedups.py::"
_SERVING = (
    "tests/e2e/test_serving_engine.py::test_served_engine_parses_as_rasa_and_needs_less_memory"
)

PATCHES: tuple[Patch, ...] = (
    # engine/speedups.py
    Patch(
        owner=RemoteAction,
        attribute="_validate_action_result",
        signature="(self, result)",
        patched=_replaced_by(speedups._validate_action_result),
        why="the events schema is checked against the metaschema on every reply",
        test=_SPEEDUPS + "test_replies_get_the_verdict_rasa_gives",
    ),
    Patch(
        owner=Event,
        attribute="resolve_by_type",
        signature="(type_name, default=None)",
        patched=_replaced_by(staticmethod(speedups._resolve_by_type)),
        why="every event read walks all Event subclasses",
        test=_SPEEDUPS + "test_replies_get_the_verdict_rasa_gives",
    ),
    Patch(
        owner=Features,
        attribute="_combine_sparse_features",
        signature="(self, additional_features)",
        patched=_replaced_by(speedups._combine_sparse_features),
        why="scipy's general hstack is a large share of Rasa's CPU under load",
        test=_SPEEDUPS + "test_sparse_features_join_into_the_matrix_rasa_builds",
    ),
    Patch(
        owner=CountVectorsFeaturizer,
        attribute="_create_features",
        signature="(self, attribute, all_tokens)",
        patched=_replaced_by(speedups._create_features),
        why="each message is counted twice; the sentence feature is the tokens' sum",
        test=_SPEEDUPS + "test_count_vector_features_are_the_ones_rasa_computes",
    ),
    Patch(
        owner=EndpointConfig,
        attribute="session",
        signature="(self)",
        patched=_replaced_by(speedups._kept_session),
        why="a new HTTP session and connection for every action-server call",
        test=_SPEEDUPS + "test_action_calls_keep_one_session_with_rasas_settings",
    ),
    # engine/batching.py
    Patch(
        owner=MessageProcessor,
        attribute="parse_message",
        signature="(self, message, tracker=None, only_output_properties=True)",
        patched=batching._batched_parse_message,
        why="one NLU graph run for the messages that arrive together",
        test=_SERVING,
    ),
    Patch(
        owner=MessageProcessor,
        attribute="_parse_message_with_graph",
        signature="(self, message, tracker, only_output_properties=True)",
        patched=batching._parse_from_batch,
        why="hands Rasa's parse steps the batch's result instead of running the graph",
        test=_SERVING,
    ),
    Patch(
        owner=DIETClassifier,
        attribute="process",
        signature="(self, messages)",
        patched=batching._process_in_one_call,
        why="one TensorFlow call for the batch instead of one per message",
        test=_SERVING,
    ),
    Patch(
        owner=ResponseSelector,
        attribute="process",
        signature="(self, messages)",
        patched=batching._process_in_one_call,
        why="one TensorFlow call for the batch instead of one per message",
        test=_SERVING,
    ),
    Patch(
        owner=DIETClassifier,
        attribute="_predict",
        signature="(self, message)",
        patched=batching._predict_from_rows,
        why="each message's row of the batched call (DIET and the ResponseSelector)",
        test=_SERVING,
    ),
    # engine/memory.py
    Patch(
        owner=RasaModel,
        attribute="load",
        signature=(
            "(model_file_name, model_data_example, predict_data_example=None,"
            " finetune_mode=False, *args, **kwargs)"
        ),
        patched=_replaced_by(classmethod(memory._load_for_serving)),
        why="a training step at load keeps its graph and optimizer slots for good",
        test=_SERVING,
    ),
    Patch(
        owner=Agent,
        attribute="load_model",
        signature="(self, model_path, fingerprint=None)",
        patched=_replaced_by(memory._load_model),
        why="glibc keeps what loading freed; full GCs over the model stall requests",
        test=_SERVING,
    ),
    # engine/stores.py
    Patch(
        owner=Agent,
        attribute="_create_tracker_store",
        signature="(store, domain)",
        patched=_replaced_by(staticmethod(stores._create_tracker_store)),
        why="a database error must fail the turn, not answer without context",
        test="tests/e2e/test_replicas.py::test_postgres_stopped_and_started_mid_load_loses_no_message",
    ),
    # engine/turn_trackers.py
    Patch(
        owner=MessageProcessor,
        attribute="log_message",
        signature="(self, message, should_save_tracker=True)",
        patched=turn_trackers._keep_turn_tracker,
        why="the channel answers with the turn's parse without reading the tracker again",
        test="tests/e2e/test_console.py::test_an_agent_takes_over_helps_with_live_data_and_hands_back",
    ),
)

_installed = False


def plain_signature(function: Any) -> str:
    """The signature without annotations: what a replacement must keep."""
    signature = inspect.signature(function)
    parameters = [
        p.replace(annotation=inspect.Parameter.empty) for p in signature.parameters.values()
    ]
    return str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))


def _check_version() -> None:
    found = rasa.__version__
    if found != RASA_VERSION:
        raise RuntimeError(
            f"engine patches were written for rasa {RASA_VERSION}, found rasa {found}: "
            "check every target in engine/patches.py against the new Rasa, then update "
            "RASA_VERSION and engine/requirements.txt together"
        )


def _check_target(patch: Patch) -> None:
    owner = patch.owner
    if patch.attribute not in vars(owner):
        raise RuntimeError(f"engine patch target {patch.target} no longer exists in rasa")
    found = plain_signature(getattr(owner, patch.attribute))
    if found != patch.signature:
        raise RuntimeError(
            f"engine patch target {patch.target} changed signature: "
            f"expected {patch.signature}, found {found}"
        )


def install() -> None:
    """Checks Rasa and every target, then patches them all; a second call does nothing.

    Raises RuntimeError, having changed nothing, if Rasa is not RASA_VERSION or a
    target is missing or has another signature.
    """
    global _installed
    if _installed:
        return
    _check_version()
    for patch in PATCHES:
        _check_target(patch)
    for patch in PATCHES:
        setattr(patch.owner, patch.attribute, patch.patched(vars(patch.owner)[patch.attribute]))
    _installed = True
    logger.info(
        "engine patches installed: rasa=%s count=%d targets=%s",
        rasa.__version__,
        len(PATCHES),
        ",".join(patch.target for patch in PATCHES),
    )
