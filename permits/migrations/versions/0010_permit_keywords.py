"""permit keywords: words about the activity a permit is for, to suggest it by meaning

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("permit_types") as batch:
        batch.add_column(sa.Column("keywords", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("permit_types") as batch:
        batch.drop_column("keywords")
