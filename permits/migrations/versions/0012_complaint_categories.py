"""complaint categories, and anonymous integrity reports without a conversation id

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What an anonymous ticket's conversation id becomes if the schema goes back to one that
# requires it: no channel's prefix, so no conversation and nobody is named.
ANONYMOUS_PLACEHOLDER = "anonim"


def upgrade() -> None:
    # Tickets filed before categories existed are service complaints until an agent
    # says otherwise, and were all filed with their conversation.
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(
            sa.Column("category", sa.String(length=16), nullable=False, server_default="pelayanan")
        )
        batch.add_column(
            sa.Column("anonymous", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.alter_column("conversation_id", existing_type=sa.String(length=120), nullable=True)


def downgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE complaints SET conversation_id = :placeholder WHERE conversation_id IS NULL"
        ).bindparams(placeholder=ANONYMOUS_PLACEHOLDER)
    )
    with op.batch_alter_table("complaints") as batch:
        batch.alter_column("conversation_id", existing_type=sa.String(length=120), nullable=False)
        batch.drop_column("anonymous")
        batch.drop_column("category")
