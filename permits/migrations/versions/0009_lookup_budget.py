"""lookup budget: an index for counting every conversation's recent failed look-ups

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_lookup_attempts_found_at", "lookup_attempts", ["found", "at"])


def downgrade() -> None:
    op.drop_index("ix_lookup_attempts_found_at", table_name="lookup_attempts")
