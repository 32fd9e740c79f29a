"""outbox: every message to Slack as a row (the deliverer claims, sends and settles it),
per-channel and per-method gates, and the nudges' link to the row that carries them

Revision ID: 354672990880
Revises: 03e4ff1896f4
Create Date: 2026-12-02 01:15:02.277504
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "354672990880"
down_revision: str | None = "03e4ff1896f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_gates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("gate", sa.String(length=100), nullable=False),
        sa.Column("open_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_gates")),
        sa.UniqueConstraint("team_id", "gate", name=op.f("uq_outbox_gates_team_id_gate")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=48), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=True),
        sa.Column("parent_key", sa.String(length=128), nullable=True),
        sa.Column("role_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("in_doubt", sa.Boolean(), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("result_channel", sa.String(length=32), nullable=True),
        sa.Column("result_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["role_id"], ["roles.id"], name=op.f("fk_outbox_role_id_roles"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_pending_due",
            ["not_before", "id"],
            unique=False,
            sqlite_where=sa.text("state = 'pending'"),
            postgresql_where=sa.text("state = 'pending'"),
        )
        batch_op.create_index(
            "ix_outbox_pending_lane",
            ["team_id", "channel", "id"],
            unique=False,
            sqlite_where=sa.text("state = 'pending'"),
            postgresql_where=sa.text("state = 'pending'"),
        )
        batch_op.create_index("ix_outbox_state_created", ["state", "created_at"], unique=False)
        batch_op.create_index("ix_outbox_team_key", ["team_id", "key"], unique=False)
        batch_op.create_index("ix_outbox_team_parent_key", ["team_id", "parent_key"], unique=False)

    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outbox_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_nudges_outbox_id"), ["outbox_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_nudges_outbox_id_outbox"),
            "outbox",
            ["outbox_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_nudges_outbox_id_outbox"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_nudges_outbox_id"))
        batch_op.drop_column("outbox_id")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_team_parent_key")
        batch_op.drop_index("ix_outbox_team_key")
        batch_op.drop_index("ix_outbox_state_created")
        batch_op.drop_index(
            "ix_outbox_pending_lane",
            sqlite_where=sa.text("state = 'pending'"),
            postgresql_where=sa.text("state = 'pending'"),
        )
        batch_op.drop_index(
            "ix_outbox_pending_due",
            sqlite_where=sa.text("state = 'pending'"),
            postgresql_where=sa.text("state = 'pending'"),
        )

    op.drop_table("outbox")
    op.drop_table("outbox_gates")
