"""ask_other_service: where to go for a service another office handles."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import ActionExecutor

from tests.actions.conftest import action_call, run


def _service(value: str) -> list[dict[str, object]]:
    return [{"entity": "public_service", "value": value, "start": 0, "end": len(value)}]


@pytest.mark.parametrize(
    ("said", "office", "detail"),
    [
        ("kk", "Disdukcapil", "Jl. Pahlawan No. 12"),
        ("skck", "Polres Sukamaju", "skck.polri.go.id"),
        ("stnk", "Samsat", "SIGNAL"),  # an alias finds the service too
        ("paspor", "Kantor Imigrasi", "M-Paspor"),
    ],
)
async def test_a_known_service_names_its_office_and_how(
    executor: ActionExecutor, said: str, office: str, detail: str
) -> None:
    call = action_call(
        "action_answer_other_service",
        f"bikin {said} dimana ya",
        "ask_other_service",
        entities=_service(said),
    )
    text, _, _ = await run(executor, call)
    assert "bukan DPMPTSP" in text and office in text and detail in text


@pytest.mark.parametrize("entities", [[], _service("izin tambang")])
async def test_an_unknown_service_gets_the_honest_answer_and_the_call_centre(
    executor: ActionExecutor, entities: list[dict[str, object]]
) -> None:
    call = action_call(
        "action_answer_other_service", "urus itu dimana", "ask_other_service", entities=entities
    )
    text, _, _ = await run(executor, call)
    assert "di luar layanan kami" in text and "1500164" in text
