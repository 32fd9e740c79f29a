"""admin settings: workspace defaults for the contract, retention, an admin user group;
a person's own holiday country

Revision ID: b5d1e7f3a9c2
Revises: 9c1e5a7d3b20
Create Date: 2026-12-07 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b5d1e7f3a9c2"
down_revision: str | None = "9c1e5a7d3b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs (a batch would copy each table on SQLite).
    for column in (
        sa.Column("default_turnaround_hours", sa.Integer(), nullable=True),
        sa.Column("default_checkin_weekday", sa.Integer(), nullable=True),
        sa.Column("default_checkin_time", sa.Time(), nullable=True),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("admin_usergroup_id", sa.String(length=32), nullable=True),
        sa.Column("admin_group_members", sa.Text(), nullable=True),
        sa.Column("admin_group_refreshed_at", sa.DateTime(timezone=True), nullable=True),
    ):
        op.add_column("workspaces", column)
    op.add_column("people", sa.Column("holiday_country", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("holiday_country")
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        for column in (
            "admin_group_refreshed_at",
            "admin_group_members",
            "admin_usergroup_id",
            "retention_days",
            "default_checkin_time",
            "default_checkin_weekday",
            "default_turnaround_hours",
        ):
            batch_op.drop_column(column)
