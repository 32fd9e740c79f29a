"""work settings: a person's own working hours and days, and the workspace default

``/tandem quiet`` stores them; every column is nullable, None meaning "the default" (the
workspace's, then Tandem's standard 09:00–18:00, Monday–Friday), so existing rows keep the
hours they had.

Revision ID: a4d8e2c61f35
Revises: 7c3e9f2a1b60
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a4d8e2c61f35"
down_revision: str | None = "7c3e9f2a1b60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("people", "workspaces")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("work_start", sa.Time(), nullable=True))
            batch_op.add_column(sa.Column("work_end", sa.Time(), nullable=True))
            batch_op.add_column(sa.Column("workdays", sa.String(length=7), nullable=True))
            batch_op.add_column(sa.Column("morning_digest_only", sa.Boolean(), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("morning_digest_only")
            batch_op.drop_column("workdays")
            batch_op.drop_column("work_end")
            batch_op.drop_column("work_start")
