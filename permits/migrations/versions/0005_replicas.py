"""replicas: offered buttons and reply links live in the database, not in a process

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("offered_buttons", sa.JSON(), nullable=True))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("reply_to", sa.Integer(), nullable=True))
        batch.create_index("ix_messages_reply_to", ["reply_to"])


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_index("ix_messages_reply_to")
        batch.drop_column("reply_to")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("offered_buttons")
