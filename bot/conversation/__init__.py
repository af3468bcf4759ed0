"""The conversation core: the path of every message, the same for every channel.

    channel adapter ──receive──▶ turns ──▶ diversions (agent holds it, survey, call-back)
                                   │  └──▶ guard ──▶ rasa (NLU + dialogue, retried)
                                   ▼
              transcript + outbox (permits.transcripts, one transaction)
                                   ▼
                 delivery worker ──send──▶ Channel (outbound.py protocol)

- inbound.py    checks on text as it arrives (readable, size, JSON bodies)
- turns.py      stores, flood-limits and answers messages in order, both for pushed
                channels and for the HTTP API's answer-in-response
- answering.py  one message asked of Rasa and its answer written down (transcript,
                inbox of unrecognised messages, metrics)
- flood.py      the flood limit per conversation (let through when Redis is away)
- notices.py    the gateway's own notices, at most once in five minutes
- ordering.py   one turn at a time per conversation, across replicas (Redis locks)
- diversions.py messages the gateway answers itself instead of Rasa
- guard.py      what of a message may reach Rasa (offered button payloads only)
- rasa.py       the client of Rasa's gateway channel (engine/channel.py)
- delivery.py   the worker that sends queued replies through the channels
- outbound.py   what a channel receives and implements

Channels (bot/channels/) import from here; nothing here imports a channel.
"""
