"""checkins: weekly check-ins, their parties and thread replies

Revision ID: fa0f55e9e232
Revises: f864db58bb2c
Create Date: 2026-11-25 21:45:03.747284
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fa0f55e9e232"
down_revision: str | None = "f864db58bb2c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("skipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("skipped_by", sa.String(length=32), nullable=True),
        sa.Column("skip_reason", sa.String(length=500), nullable=True),
        sa.Column("both_replied_on_time", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["role_id"], ["roles.id"], name=op.f("fk_checkins_role_id_roles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("role_id", "week", name=op.f("uq_checkins_role_id_week")),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkins_message_ts"), ["message_ts"], unique=False)
        batch_op.create_index(batch_op.f("ix_checkins_role_id"), ["role_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_checkins_team_id"), ["team_id"], unique=False)

    op.create_table(
        "checkin_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("reply_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_checkin_parties_checkin_id_checkins"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_parties")),
        sa.UniqueConstraint(
            "checkin_id", "user_id", name=op.f("uq_checkin_parties_checkin_id_user_id")
        ),
    )
    op.create_table(
        "checkin_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("from_party", sa.Boolean(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_checkin_replies_checkin_id_checkins"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_replies")),
        sa.UniqueConstraint("checkin_id", "ts", name=op.f("uq_checkin_replies_checkin_id_ts")),
    )


def downgrade() -> None:
    op.drop_table("checkin_replies")
    op.drop_table("checkin_parties")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkins_team_id"))
        batch_op.drop_index(batch_op.f("ix_checkins_role_id"))
        batch_op.drop_index(batch_op.f("ix_checkins_message_ts"))

    op.drop_table("checkins")
