"""Driving Debian's Chromium with Playwright: launch settings and the widget's moves."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from playwright.async_api import Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# The screenshots in docs/ are refreshed on purpose (`make screenshots`, which sets
# TANYA_SCREENSHOTS=docs); otherwise they go to a fresh temporary directory, so that a
# test run leaves the checkout (and other runs' files) as it found them.
DOCS = (
    Path(__file__).resolve().parents[2] / "docs"
    if os.environ.get("TANYA_SCREENSHOTS") == "docs"
    else Path(tempfile.mkdtemp(prefix="tanya-screens-"))
)
ANSWER_TIMEOUT = 30_000  # ms; the first turn may wait for Rasa to warm up
USER_TEXTS = "[data-tanya=message][data-from=user] .tanya-text"
BOT_TEXTS = "[data-tanya=message][data-from=bot] .tanya-text"
RECONNECT_TIMEOUT = 60_000  # the widget's backoff reaches 16 s while the gateway restarts


async def open_chat(page: Page) -> None:
    """Open the widget and wait until it shows the conversation: the greeting of a new
    one or the history of a resumed one, both of which hold a bot message. Counting
    the bot's messages before that would count the greeting as an answer."""
    await page.locator("[data-tanya=launcher]").click()
    await expect(page.locator("[data-tanya=panel]")).to_be_visible()
    await expect(page.locator("[data-tanya=message][data-from=bot]").first).to_be_visible(
        timeout=ANSWER_TIMEOUT
    )


async def ask(page: Page, text: str) -> None:
    await page.locator("[data-tanya=input]").fill(text)
    await page.locator("[data-tanya=send]").click()


async def last_bot_text(page: Page, count_before: int) -> str:
    """Wait until the bot said more than `count_before` messages; return its last one."""
    await page.wait_for_function(
        "n => document.querySelectorAll('[data-tanya=message][data-from=bot]').length > n",
        arg=count_before,
        timeout=ANSWER_TIMEOUT,
    )
    return await page.locator("[data-tanya=message][data-from=bot]").last.inner_text()


async def bot_said(page: Page, fact: str) -> None:
    """Wait until one of the bot's messages holds `fact` (whitespace aside)."""
    try:
        await page.wait_for_function(
            """fact => {
              const squash = t => t.replace(/\\s+/g, ' ').trim();
              return [...document.querySelectorAll('[data-tanya=message][data-from=bot]')]
                .some(m => squash(m.innerText).includes(squash(fact)));
            }""",
            arg=fact,
            timeout=ANSWER_TIMEOUT,
        )
    except PlaywrightTimeout:
        said = await page.locator("[data-tanya=message][data-from=bot]").all_inner_texts()
        raise AssertionError(f"the bot never said {fact!r}; it said {said!r}") from None


async def bot_count(page: Page) -> int:
    return await page.locator("[data-tanya=message][data-from=bot]").count()


async def open_admin_page(page: Page, link: str) -> None:
    """Follow a link of the console's top bar. Admins' pages sit in its menus
    (base.html), so the menu holding the link is opened first."""
    bar = page.locator("[data-console=menu-bar]")
    menu = bar.locator("[data-console=menu]").filter(has=page.locator("a", has_text=link))
    if await menu.count():
        await menu.first.locator("summary").click()
    await bar.get_by_role("link", name=link).first.click()
