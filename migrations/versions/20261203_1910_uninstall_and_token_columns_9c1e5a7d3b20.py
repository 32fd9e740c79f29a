"""uninstall retention and encrypted tokens: workspaces.uninstalled_at; token columns as Text

Revision ID: 9c1e5a7d3b20
Revises: a7c3e5f9b2d4
Create Date: 2026-12-03 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c1e5a7d3b20"
down_revision: str | None = "a7c3e5f9b2d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Encrypted tokens (bot/services/token_keys.py) outgrow slack_sdk's String(200).
TOKEN_COLUMNS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def upgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uninstalled_at", sa.DateTime(timezone=True), nullable=True))
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.String(length=200), type_=sa.Text())


def downgrade() -> None:
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.String(length=200))
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("uninstalled_at")
