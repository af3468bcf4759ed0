"""How often the console's suggestions hold the right answer.

Starts Rasa (the trained model) and the action server on a fresh demo database,
reads each recorded caller question (bench/suggestion_cases.yml) with the NLU,
asks permits.suggestions for the three best replies, and checks whether the
answer the agent gave (rendered from the database in the bot's wording) is
among them. Prints the hit rate at 1 and at 3 and, as the baseline in the same
run, what the NLU's top intent alone would give (one answer, no ranking, no
permit-topic alternatives).

    .venv/bin/python -m bench.suggestions
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.rasa import RasaClient
from devstack.config import StackConfig
from devstack.supervisor import Stack
from permits.answers import (
    duration_answer,
    fee_answer,
    procedure_answer,
    requirements_answer,
    status_answer,
)
from permits.catalogue import get_permit
from permits.clock import office_zone
from permits.db import create_engine, create_sessionmaker
from permits.faq import faq_answer
from permits.status import status_for_staff
from permits.suggestions import Reading, suggest

ROOT = Path(__file__).resolve().parents[1]
ZONE = office_zone()  # the demo office's
CASES = Path(__file__).with_name("suggestion_cases.yml")
PERMIT_ANSWERS = {
    "requirements": requirements_answer,
    "fee": fee_answer,
    "duration": duration_answer,
    "procedure": procedure_answer,
}


async def expected_answer(session: AsyncSession, expect: dict[str, str]) -> str:
    [(kind, value)] = expect.items()
    if kind in PERMIT_ANSWERS:
        return PERMIT_ANSWERS[kind](await get_permit(session, value))
    if kind == "status":
        return status_answer(await status_for_staff(session, value), ZONE)
    if kind == "faq":
        return await faq_answer(session, value)
    raise ValueError(f"unknown expectation {kind}")


def top_intent_only(reading: Reading) -> Reading:
    """The baseline: the NLU's first intent, nothing else."""
    return Reading(
        ranking=reading.ranking[:1],
        permit=reading.permit,
        number=reading.number,
        faq_topic=reading.faq_topic,
        text=reading.text,
    )


async def measure(stack: Stack, database_url: str) -> dict[str, Any]:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    engine = create_engine(database_url)
    sessions = create_sessionmaker(engine)
    hits = {"top1": 0, "top3": 0, "baseline": 0}
    misses: list[str] = []
    async with aiohttp.ClientSession() as http:
        rasa = RasaClient(http, [stack.rasa_url], stack.config.rasa_token, retry_seconds=10)
        for case in cases:
            reading = Reading.of((await rasa.parse(case["q"])).nlu, case["q"])
            async with sessions() as session:
                wanted = await expected_answer(session, case["expect"])
                texts = [s.text for s in await suggest(session, reading, limit=3, zone=ZONE)]
                baseline = [
                    s.text
                    for s in await suggest(session, top_intent_only(reading), limit=1, zone=ZONE)
                ]
            hits["top1"] += texts[:1] == [wanted]
            hits["top3"] += wanted in texts
            hits["baseline"] += baseline == [wanted]
            if wanted not in texts:
                top = reading.ranking[0][0] if reading.ranking else "-"
                misses.append(f"  {case['q']!r}: read as {top}, permit {reading.permit}")
    await engine.dispose()
    return {"cases": len(cases), **hits, "misses": misses}


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        config = StackConfig.for_tests(
            root=ROOT,
            database_url=database_url,
            api_token="bench-api-token",
            model_dir=ROOT / "models",
            log_dir=Path(tmp) / "logs",
        )
        stack = Stack(config)
        await stack.start()
        try:
            result = await measure(stack, database_url)
        finally:
            await stack.stop()
    n = result["cases"]
    out = sys.stdout
    out.write(f"{'suggestions':<34} {'hits':>6} {'rate':>7}\n")
    for label, key in [
        ("NLU top intent only (baseline)", "baseline"),
        ("first suggestion", "top1"),
        ("among the three suggestions", "top3"),
    ]:
        out.write(f"{label:<34} {result[key]:>3}/{n:<3} {result[key] / n:>6.1%}\n")
    if result["misses"]:
        out.write("missed:\n" + "\n".join(result["misses"]) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
