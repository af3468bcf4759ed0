"""answer feedback: applicants' verdicts on the bot's answers, and why an inbox entry was filed

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=120), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["messages.id"],
            name=op.f("fk_answer_feedback_question_id_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_feedback")),
        sa.UniqueConstraint("question_id", name=op.f("uq_answer_feedback_question_id")),
    )
    op.create_index(
        op.f("ix_answer_feedback_created_at"), "answer_feedback", ["created_at"], unique=False
    )
    with op.batch_alter_table("unrecognised_messages") as batch:
        batch.add_column(sa.Column("feedback", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch.add_column(sa.Column("rephrasing", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unrecognised_messages") as batch:
        batch.drop_column("rephrasing")
        batch.drop_column("answer")
        batch.drop_column("feedback")
    op.drop_index(op.f("ix_answer_feedback_created_at"), table_name="answer_feedback")
    op.drop_table("answer_feedback")
