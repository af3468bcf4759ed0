"""Parses messages with a trained model; runs in the engine environment (rasa 3.6).

    .venv-engine/bin/python nlu/eval_engine.py MODEL.tar.gz OUT.json < texts.json

Input: a JSON list of texts. Output (a file, since Rasa prints to stdout): a JSON
list of Rasa parse results.
"""

import asyncio
import json
import logging
import sys


async def parse_all(model_path, texts):
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    results = []
    for text in texts:
        parsed = await agent.parse_message(text)
        results.append(
            {
                "text": text,
                "intent": parsed.get("intent", {}),
                "entities": [
                    {"entity": e["entity"], "value": e.get("value")}
                    for e in parsed.get("entities", [])
                ],
                "response_selector": parsed.get("response_selector", {}),
            }
        )
    return results


def main():
    logging.disable(logging.WARNING)
    texts = json.load(sys.stdin)
    results = asyncio.run(parse_all(sys.argv[1], texts))
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(results, out, ensure_ascii=False)


if __name__ == "__main__":
    main()
