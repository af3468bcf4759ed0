"""What an applicant sees when a part of the system is down."""

from __future__ import annotations

import pytest

from devstack.supervisor import Stack

from .conftest import Gateway

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


async def test_action_server_down_gets_an_apology_then_answers_again(
    stack: Stack, gateway: Gateway, fresh_conversation_id: str
) -> None:
    await stack.stop_child("actions")
    reply = await gateway.send(fresh_conversation_id, "syarat imb apa aja")
    assert "sedang gangguan" in reply.text
    await stack.restart_child("actions")
    reply = await gateway.send(fresh_conversation_id, "syarat imb apa aja")
    assert "Persyaratan Persetujuan Bangunan Gedung" in reply.text
