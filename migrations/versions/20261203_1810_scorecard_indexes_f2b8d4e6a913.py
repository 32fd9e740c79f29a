"""scorecard indexes: a team's interviews by end (and by role), its obligations by kind and owner

Covering indexes for the scorecard's scans (issue 13: the workspace under 300 ms over 1,000
roles and 100,000 interviews, the App Home under 200 ms); ``bench/scorecard_time.py
--plans`` and ``bench/home_time.py --plans`` show them used.

Revision ID: f2b8d4e6a913
Revises: f4b2d8a6c310
Create Date: 2026-12-03 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f2b8d4e6a913"
down_revision: str | None = "f4b2d8a6c310"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_interviews_team_ends",
        "interviews",
        ["team_id", "ends_at", "cancelled_at", "candidate_id"],
        unique=False,
    )
    op.create_index(
        "ix_interviews_team_role_ends",
        "interviews",
        ["team_id", "role_id", "ends_at", "cancelled_at", "candidate_id"],
        unique=False,
    )
    op.create_index(
        "ix_obligations_team_kind_owner",
        "obligations",
        [
            "team_id",
            "kind",
            "owner_id",
            "role_id",
            "due_at",
            "resolved_at",
            "cancelled_at",
            "commitment_id",
        ],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_obligations_team_kind_owner", table_name="obligations")
    op.drop_index("ix_interviews_team_role_ends", table_name="interviews")
    op.drop_index("ix_interviews_team_ends", table_name="interviews")
