"""integrity: view submissions (one save per modal), snoozes that survive a reschedule,
check-in participation recorded on time or late

Revision ID: 03e4ff1896f4
Revises: fa0f55e9e232
Create Date: 2026-12-02 00:40:38.144685
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "03e4ff1896f4"
down_revision: str | None = "fa0f55e9e232"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "view_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("view_id", sa.String(length=64), nullable=False),
        sa.Column("callback_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_view_submissions")),
        sa.UniqueConstraint("team_id", "view_id", name=op.f("uq_view_submissions_team_id_view_id")),
    )
    with op.batch_alter_table("view_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_view_submissions_submitted_at"), ["submitted_at"], unique=False
        )

    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("participation", sa.String(length=8), nullable=True))

    with op.batch_alter_table("obligations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("obligations", schema=None) as batch_op:
        batch_op.drop_column("snoozed_until")

    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_column("participation")

    with op.batch_alter_table("view_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_view_submissions_submitted_at"))

    op.drop_table("view_submissions")
