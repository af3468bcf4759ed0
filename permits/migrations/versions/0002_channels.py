"""channels: transcript delivery and de-duplication

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 05:58:48.488398
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sender", sa.String(length=12), nullable=False, server_default="user")
        )
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), nullable=False, server_default="chat")
        )
        batch_op.add_column(sa.Column("buttons", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("state", sa.String(length=10), nullable=False, server_default="pending")
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("provider_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("delivery_status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("error", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("template_variables", sa.JSON(), nullable=True))
        batch_op.create_index(
            "ix_messages_delivery", ["direction", "state", "next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_messages_provider_id"), ["provider_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_messages_conversation_id"), ["conversation_id", "external_id"]
        )

    # Lines stored before this revision were answered and delivered synchronously.
    op.execute(
        "UPDATE messages SET state = CASE direction WHEN 'in' THEN 'answered' ELSE 'sent' END"
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.alter_column("sender", server_default=None)
        batch_op.alter_column("kind", server_default=None)
        batch_op.alter_column("state", server_default=None)
        batch_op.alter_column("attempts", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_messages_conversation_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_messages_provider_id"))
        batch_op.drop_index("ix_messages_delivery")
        batch_op.drop_column("template_variables")
        batch_op.drop_column("error")
        batch_op.drop_column("delivery_status")
        batch_op.drop_column("provider_id")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("state")
        batch_op.drop_column("external_id")
        batch_op.drop_column("buttons")
        batch_op.drop_column("kind")
        batch_op.drop_column("sender")

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("last_inbound_at")
