"""The permit editor shows the fee fields of the permit's own fee rule only."""

from __future__ import annotations

import re
from typing import Any

from tests.bot.admin.conftest import client_for, with_demo
from tests.bot.conftest import GatewayFactory


def fee_sections(page: str) -> dict[str, bool]:
    """Fee kind → whether its fields show when the page opens."""
    found = re.findall(r'<(?:fieldset|div) data-fee-kind="([a-z_]+)"( hidden)?', page)
    return {kind: not hidden for kind, hidden in found}


async def test_each_permit_opens_with_its_own_fee_fields_only(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    pbg = await (await admin.get("/console/admin/permits/pbg")).text()
    assert fee_sections(pbg) == {"flat": False, "pbg_retribution": True, "table": False}
    reklame = await (await admin.get("/console/admin/permits/reklame")).text()
    assert fee_sections(reklame) == {"flat": False, "pbg_retribution": False, "table": True}
    free = await (await admin.get("/console/admin/permits/nib")).text()
    assert not any(fee_sections(free).values())
