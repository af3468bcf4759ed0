"""reports: the permit a question named in its own column, and two indexes of the questions

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out as in permits.models.conversations.QUESTION_ROWS when this was written.
QUESTION_ROWS = "direction = 'in' AND sender = 'user'"
INDEXES = {
    "ix_messages_questions": [
        "at",
        "conversation_id",
        "state",
        "intent",
        "confidence",
        "permit_type",
    ],
    "ix_messages_question_topics": ["intent", "permit_type", "at", "state", "confidence"],
}

# The first permit_type entity of each answered question's NLU reading
# (permits.transcripts.permit_of), read once for the messages stored before.
BACKFILL = {
    "sqlite": (
        "UPDATE messages SET permit_type = ("
        " SELECT json_extract(entity.value, '$.value')"
        " FROM json_each(messages.nlu, '$.entities') AS entity"
        " WHERE json_extract(entity.value, '$.entity') = 'permit_type'"
        " AND json_extract(entity.value, '$.value') IS NOT NULL LIMIT 1)"
        f" WHERE {QUESTION_ROWS} AND json_type(messages.nlu, '$.entities') = 'array'"
    ),
    "postgresql": (
        "UPDATE messages SET permit_type = ("
        " SELECT entity ->> 'value' FROM json_array_elements(messages.nlu -> 'entities') AS entity"
        " WHERE entity ->> 'entity' = 'permit_type' AND entity ->> 'value' IS NOT NULL LIMIT 1)"
        f" WHERE {QUESTION_ROWS} AND json_typeof(messages.nlu -> 'entities') = 'array'"
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("permit_type", sa.String(length=60), nullable=True))
    op.execute(BACKFILL[op.get_bind().dialect.name])
    for name, columns in INDEXES.items():
        op.create_index(
            name,
            "messages",
            columns,
            sqlite_where=sa.text(QUESTION_ROWS),
            postgresql_where=sa.text(QUESTION_ROWS),
        )


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("permit_type")
