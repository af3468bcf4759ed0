"""A tracker store that fails the turn when the database fails.

Rasa wraps every tracker store in `FailSafeTrackerStore`: if PostgreSQL cannot be
read, the turn goes on with an empty tracker (the applicant's "kalau biayanya?" is
answered without knowing which permit was meant), and if it cannot be written,
the turn is kept in the process's memory, where the other Rasa replicas never see
it and a restart loses it. Here an error of the tracker store fails the turn
instead: our channel answers 500, the gateway keeps the message pending and sends
it again (marked as a possible repeat) once the database is back, so the turn runs
with the conversation's context and is stored where every replica reads it
(tests/e2e/test_replicas.py, PostgreSQL stopped and started under load).
Installed by engine/patches.py as Agent._create_tracker_store.
"""

from __future__ import annotations

from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker


class StrictTrackerStore(FailSafeTrackerStore):
    """FailSafeTrackerStore's interface (Rasa checks for it) without the fallback."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._tracker_store.retrieve_full_tracker(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._tracker_store.save(tracker)


def _create_tracker_store(store: TrackerStore | None, domain: Domain) -> TrackerStore:
    if store is None:
        return StrictTrackerStore(InMemoryTrackerStore(domain))
    store.domain = domain
    if isinstance(store, StrictTrackerStore):  # a model swap hands over the store in use
        return store
    return StrictTrackerStore(store)
