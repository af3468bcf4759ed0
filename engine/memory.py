"""Rasa's TensorFlow models loaded for serving, without a training step.

Rasa 3.6 loads DIET and the ResponseSelector (`RasaModel.load`) by compiling the
model with an Adam optimizer and training it for one step on an example, only to
create weights of the right shapes, which the trained weights then overwrite.
That step traces the whole training graph (losses, gradients, the optimizer's
update) and creates the optimizer's slots, and none of it is ever freed: it is a
large part of Rasa's memory after loading and most of the time loading takes
(docs/benchmarks.md, "Engine patches").

Here the weights are created by one forward pass of the same example (the loss,
without a gradient tape, so every layer of the training graph is built and no
optimizer is involved), then the trained weights are read from the same
checkpoint as before and the prediction function is traced as Rasa does. The
checkpoint's optimizer slots are left unread. Answers are the same, and the memory
is less (tests/e2e/test_serving_engine.py,
test_served_engine_parses_as_rasa_and_needs_less_memory, on the training texts and
the colloquial check set). Fine-tuning (`rasa train --finetune`) needs the
optimizer, so that load keeps Rasa's way.

Installed by engine/patches.py, like engine/speedups.py. After every model load,
whether at start or when the admin's deploy swaps a model in, the memory the
loading freed is handed back to the system (`malloc_trim`), otherwise glibc keeps
it for the process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent
from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)

_rasa_load: Callable[..., RasaModel] = RasaModel.load.__func__  # type: ignore[attr-defined]
_rasa_load_model: Callable[..., None] = Agent.load_model


def _build_weights(model: RasaModel, model_data_example: RasaModelData) -> None:
    """Creates every weight of the training graph by computing the loss of one example."""
    batch, _ = RasaBatchDataGenerator(model_data_example, batch_size=1, shuffle=False)[0]
    # As in Rasa's training step, so that the same layers (dropout's, too) are built.
    model._training = True
    try:
        model.batch_loss(batch)
    finally:
        model._training = None


def _load_for_serving(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """RasaModel.load, with the weights built by a forward pass instead of a training step."""
    if finetune_mode:
        return _rasa_load(
            cls, model_file_name, model_data_example, predict_data_example, True, *args, **kwargs
        )
    model = cls(*args, **kwargs)
    # run_eagerly as Rasa compiles it. No Adam: Keras's default optimizer object is
    # made but never built, as nothing trains, so it has no slots.
    model.compile(run_eagerly=kwargs.get("config", {}).get(RUN_EAGERLY))
    _build_weights(model, model_data_example)
    status = model.load_weights(model_file_name)
    # Every weight the forward pass built must have its trained value in the file;
    # only the optimizer's slots, which we do not build, stay unread.
    status.assert_existing_objects_matched()
    status.expect_partial()
    if predict_data_example:
        # Traces the prediction function now rather than on the first message, as Rasa does.
        model.run_inference(predict_data_example)
    return model


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None on a C library without it (musl, macOS)."""
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def release_freed_memory() -> None:
    """Frees unreachable objects, then returns the C heap's free pages to the system.

    What is left (the model, Rasa's modules) lives until the next swap, so it is
    frozen: the collector's full collections skip it. Rasa's process tracks hundreds
    of thousands of objects, and a full collection walking them all stalls every
    request while it runs (docs/benchmarks.md, "Engine patches"). Unfrozen first, so
    that a model swapped out is collected.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _load_model(self: Agent, model_path: str | Path, fingerprint: str | None = None) -> None:
    _rasa_load_model(self, model_path, fingerprint)
    # Loading leaves freed memory in glibc's heap (the checkpoint's buffers, the
    # unread optimizer slots, after a swap the old model once it is dropped).
    release_freed_memory()
