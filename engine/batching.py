"""NLU micro-batching: the messages that reach Rasa together are parsed together.

Rasa 3.6 parses every message on its own, and DIET and the ResponseSelector run
TensorFlow once per message. At that size TensorFlow's cost is almost all
per-call overhead, so under load Rasa spends most of its NLU time starting
calls (docs/benchmarks.md, "Engine patches"). Here:

- `MessageProcessor.parse_message` hands the message to the processor's
  `NluBatcher` and waits. The batcher lets the event loop run a couple of times,
  so that every request that arrived meanwhile reaches it too, then runs the NLU
  graph once for all of them. Alone, a message waits for nothing;
- DIET and the ResponseSelector predict the whole list in one TensorFlow call
  and hand each message its own row of the output; the rest of Rasa's code (the
  ranking, entity decoding, retrieval intents, logging) is unchanged and still
  runs per message.

The NLU graph does not read the tracker (Rasa passes it to every run, for the
policies' part of the graph), so messages of different conversations can share
a run. Results are the same as one at a time: masks keep padded positions out of
every token's and sentence's output (tests/e2e/test_serving_engine.py,
test_served_engine_parses_as_rasa_and_needs_less_memory, parses the training texts
and the colloquial check set both ways, and checks that batches really formed).
Installed by engine/patches.py, which wraps Rasa's methods with
the `_batched_parse_message`, `_parse_from_batch`, `_process_in_one_call` and
`_predict_from_rows` below.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.graph import ExecutionContext
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

logger = logging.getLogger(__name__)

# Event-loop turns the batcher waits before it runs, so that requests already
# read from their sockets reach it; few enough that a message alone waits for
# next to nothing.
_GATHER_TURNS = 2
# A parse computed by the batcher for the current task's message.
_parsed_by_batch: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "parsed_by_batch", default=None
)
# Outputs of one batched TensorFlow call, by message, for the component's `process`.
_rows_by_message: contextvars.ContextVar[dict[int, Any] | None] = contextvars.ContextVar(
    "rows_by_message", default=None
)


@dataclass
class _Waiting:
    message: UserMessage
    only_output_properties: bool
    parsed: asyncio.Future[dict[str, Any]]


@dataclass
class NluBatcher:
    """Collects the messages waiting for a parse and parses them in one graph run."""

    processor: MessageProcessor
    waiting: list[_Waiting] = field(default_factory=list)
    flush: asyncio.Task[None] | None = None
    sizes: Counter[int] = field(default_factory=Counter)  # graph runs by batch size

    async def parse(self, message: UserMessage, only_output_properties: bool) -> dict[str, Any]:
        parsed: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting.append(_Waiting(message, only_output_properties, parsed))
        if self.flush is None:
            self.flush = asyncio.create_task(self._parse_waiting())
        return await parsed

    async def _parse_waiting(self) -> None:
        for _ in range(_GATHER_TURNS):
            await asyncio.sleep(0)
        batch, self.waiting, self.flush = self.waiting, [], None
        self.sizes[len(batch)] += 1
        for only_output_properties in (True, False):
            group = [w for w in batch if w.only_output_properties is only_output_properties]
            if len(group) == 1:
                self._parse_alone(group[0], only_output_properties)
            elif group:
                self._parse_group(group, only_output_properties)

    def _parse_group(self, group: list[_Waiting], only_output_properties: bool) -> None:
        try:
            results = parse_together(
                self.processor, [w.message for w in group], only_output_properties
            )
        except Exception:
            # One message may have broken the run: parse each alone, so that only
            # its own request fails, as it would without batching.
            logger.exception("batched NLU failed; parsing %d messages one by one", len(group))
            for waiting in group:
                self._parse_alone(waiting, only_output_properties)
            return
        for waiting, parse_data in zip(group, results, strict=True):
            if not waiting.parsed.done():  # its request may have been cancelled
                waiting.parsed.set_result(parse_data)

    def _parse_alone(self, waiting: _Waiting, only_output_properties: bool) -> None:
        try:
            [parse_data] = parse_together(self.processor, [waiting.message], only_output_properties)
        except Exception as error:
            if not waiting.parsed.done():
                waiting.parsed.set_exception(error)
            return
        if not waiting.parsed.done():
            waiting.parsed.set_result(parse_data)


def parse_together(
    processor: MessageProcessor, messages: list[UserMessage], only_output_properties: bool
) -> list[dict[str, Any]]:
    """Rasa's `_parse_message_with_graph` for several messages in one graph run."""
    target = processor.model_metadata.nlu_target
    results = processor.graph_runner.run(
        inputs={
            PLACEHOLDER_MESSAGE: messages,
            PLACEHOLDER_TRACKER: DialogueStateTracker.from_events("nlu-batch", []),
        },
        targets=[target],
    )
    parsed_messages: list[Message] = results[target]
    if len(parsed_messages) != len(messages):
        raise RuntimeError(f"NLU returned {len(parsed_messages)} parses for {len(messages)}")
    return [_parse_data(m, only_output_properties) for m in parsed_messages]


def _parse_data(parsed: Message, only_output_properties: bool) -> dict[str, Any]:
    parse_data: dict[str, Any] = {
        "text": "",
        "intent": {"name": None, "confidence": 0.0},
        "entities": [],
    }
    parse_data.update(parsed.as_dict(only_output_properties=only_output_properties))
    return parse_data


def _batcher_of(processor: MessageProcessor) -> NluBatcher:
    batcher: NluBatcher | None = getattr(processor, "_tanya_nlu_batcher", None)
    if batcher is None:
        batcher = NluBatcher(processor)
        processor._tanya_nlu_batcher = batcher  # type: ignore[attr-defined]
    return batcher


def batch_sizes(processor: MessageProcessor) -> dict[int, int]:
    """How many graph runs parsed how many messages, since the model loaded."""
    return dict(sorted(_batcher_of(processor).sizes.items()))


def _batched_parse_message(rasa_parse_message: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(rasa_parse_message)
    async def parse_message(
        self: MessageProcessor,
        message: UserMessage,
        tracker: DialogueStateTracker | None = None,
        only_output_properties: bool = True,
    ) -> dict[str, Any]:
        if self.http_interpreter is not None:  # NLU elsewhere: nothing to batch
            return await rasa_parse_message(self, message, tracker, only_output_properties)
        parse_data = await _batcher_of(self).parse(message, only_output_properties)
        token = _parsed_by_batch.set(parse_data)
        try:  # Rasa's own steps after the graph (retrieval intent, logging) still run
            return await rasa_parse_message(self, message, tracker, only_output_properties)
        finally:
            _parsed_by_batch.reset(token)

    return parse_message


def _parse_from_batch(rasa_parse_with_graph: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(rasa_parse_with_graph)
    def parse_with_graph(self: MessageProcessor, *args: Any, **kwargs: Any) -> dict[str, Any]:
        parse_data = _parsed_by_batch.get()
        if parse_data is not None:
            return parse_data
        result: dict[str, Any] = rasa_parse_with_graph(self, *args, **kwargs)
        return result

    return parse_with_graph


def _process_in_one_call(rasa_process: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps a DIET-like component's `process`: one TensorFlow call for the list."""

    @functools.wraps(rasa_process)
    def process(self: DIETClassifier, messages: list[Message]) -> list[Message]:
        token = _rows_by_message.set(predict_rows(self, messages))
        try:
            result: list[Message] = rasa_process(self, messages)
            return result
        finally:
            _rows_by_message.reset(token)

    return process


def _predict_from_rows(rasa_predict: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(rasa_predict)
    def predict(self: DIETClassifier, message: Message) -> Any:
        rows = _rows_by_message.get()
        if rows is not None and id(message) in rows:
            return rows[id(message)]
        return rasa_predict(self, message)

    return predict


def predict_rows(component: DIETClassifier, messages: list[Message]) -> dict[int, Any] | None:
    """The model's output for each message (by id), from one TensorFlow call.

    None when one call cannot stand for the per-message ones: a single message,
    no model, a message without features, or diagnostic data wanted (its arrays
    are not all batch-first).
    """
    context: ExecutionContext = component._execution_context
    if len(messages) < 2 or component.model is None or context.should_add_diagnostic_data:
        return None
    model_data = component._create_model_data(messages, training=False)
    if model_data.is_empty() or model_data.number_of_examples() != len(messages):
        return None
    outputs = component.model.run_inference(model_data, batch_size=len(messages))
    return {id(message): _row(outputs, i) for i, message in enumerate(messages)}


def _row(outputs: Any, index: int) -> Any:
    """Row `index` of every batch-first array, keeping a batch dimension of one."""
    if isinstance(outputs, dict):
        return {key: _row(value, index) for key, value in outputs.items()}
    if isinstance(outputs, np.ndarray) and outputs.ndim > 0:
        return outputs[index : index + 1]
    return outputs
