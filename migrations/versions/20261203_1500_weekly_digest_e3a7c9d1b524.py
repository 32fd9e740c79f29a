"""weekly digest: when each person's next weekly digest is due (None: not asked for)

Revision ID: e3a7c9d1b524
Revises: b6f1c3d8e2a7
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e3a7c9d1b524"
down_revision: str | None = "b6f1c3d8e2a7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("weekly_digest_due_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_people_weekly_digest_due_at"), ["weekly_digest_due_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_weekly_digest_due_at"))
        batch_op.drop_column("weekly_digest_due_at")
