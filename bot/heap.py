"""The objects a process starts with, kept out of the garbage collector's way.

Once a service has started (modules, settings, pools, prepared statements), the
objects it holds live until it exits. CPython's full collection walks every tracked
object, and while it runs every request of the process waits. Nearly all of the
long ones ran while the process started, but any one under load would stall every
conversation of the process (docs/benchmarks.md, "Garbage collection"). `gc.freeze` moves
them to a permanent generation that collections skip; reference counting still
frees them.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_startup_objects() -> None:
    """Collect the start-up's garbage, then freeze what is left (call once started)."""
    gc.collect()
    gc.freeze()
    log.info("start-up objects frozen", extra={"frozen": gc.get_freeze_count()})
