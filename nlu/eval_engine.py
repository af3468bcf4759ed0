"""Parses messages with a trained model; runs in the engine environment (rasa 3.6).

    .venv-engine/bin/python nlu/eval_engine.py MODEL.tar.gz OUT.json [SKIPPED] < texts.json

Input: a JSON list of texts. Output (a file, since Rasa prints to stdout): a JSON
list of Rasa parse results. SKIPPED: comma-separated class names of components
that only post-process a parse (the gazetteer, the number rule); their step passes
the messages on unchanged, which is the same model without them, for the ablation.
"""

import asyncio
import json
import logging
import sys


def skip_components(agent, names):
    """Each graph node running one of the named components hands its input on."""
    for node in agent.processor.graph_runner._instantiated_nodes.values():
        if type(getattr(node, "_component", None)).__name__ in names:
            node._fn = lambda _component, messages, **_: messages


async def parse_all(model_path, texts, skipped):
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    skip_components(agent, skipped)
    results = []
    for text in texts:
        parsed = await agent.parse_message(text)
        results.append(
            {
                "text": text,
                "intent": parsed.get("intent", {}),
                "intent_ranking": parsed.get("intent_ranking", []),
                "entities": [
                    {k: e.get(k) for k in ("entity", "value", "start", "end")}
                    for e in parsed.get("entities", [])
                ],
                "response_selector": parsed.get("response_selector", {}),
            }
        )
    return results


def main():
    logging.disable(logging.WARNING)
    texts = json.load(sys.stdin)
    skipped = set(sys.argv[3].split(",")) if len(sys.argv) > 3 and sys.argv[3] else set()
    results = asyncio.run(parse_all(sys.argv[1], texts, skipped))
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(results, out, ensure_ascii=False)


if __name__ == "__main__":
    main()
