"""permit lifecycle: validity, and renewal/change/replacement where they differ

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("permit_types") as batch:
        batch.add_column(sa.Column("validity_years", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("validity_note", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "permit_variants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("permit_type_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("offered", sa.Boolean(), nullable=False),
        sa.Column("requirements", sa.JSON(), nullable=True),
        sa.Column("procedure", sa.JSON(), nullable=True),
        sa.Column("fee_rule", sa.JSON(), nullable=True),
        sa.Column("sla_days", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["permit_type_id"],
            ["permit_types.id"],
            name=op.f("fk_permit_variants_permit_type_id_permit_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permit_variants")),
        sa.UniqueConstraint(
            "permit_type_id", "action", name=op.f("uq_permit_variants_permit_type_id")
        ),
    )
    op.create_index(
        op.f("ix_permit_variants_permit_type_id"), "permit_variants", ["permit_type_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_permit_variants_permit_type_id"), table_name="permit_variants")
    op.drop_table("permit_variants")
    with op.batch_alter_table("permit_types") as batch:
        batch.drop_column("validity_note")
        batch.drop_column("validity_years")
