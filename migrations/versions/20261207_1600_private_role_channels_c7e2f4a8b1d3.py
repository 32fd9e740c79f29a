"""private hiring channels: roles.channel_private (a channel Tandem creates is private
unless the kickoff chose public; existing rows keep the public channels they had)

Revision ID: c7e2f4a8b1d3
Revises: b5d1e7f3a9c2
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c7e2f4a8b1d3"
down_revision: str | None = "b5d1e7f3a9c2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: on SQLite a batch copies ``roles`` into a new table
    # and drops the old one, which (foreign keys on) would cascade to every row under it.
    op.add_column(
        "roles",
        sa.Column("channel_private", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("roles", "channel_private")
