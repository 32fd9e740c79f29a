"""lookup indexes: obligations and feedback by interview and candidate, check-in replies owed

The foreign keys the App Home, the scorecard and the scheduler follow (an interview's
feedback, a candidate's obligations, a person's unanswered check-ins) had no index, so each
look-up walked the table.

Revision ID: a7c3e5f9b2d4
Revises: f2b8d4e6a913
Create Date: 2026-12-03 19:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a7c3e5f9b2d4"
down_revision: str | None = "f2b8d4e6a913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_obligations_interview_id", "obligations", ["interview_id"]),
    ("ix_obligations_candidate_id", "obligations", ["candidate_id"]),
    ("ix_feedback_interview_id", "feedback", ["interview_id"]),
    ("ix_feedback_candidate_id", "feedback", ["candidate_id"]),
    ("ix_checkin_parties_team_user", "checkin_parties", ["team_id", "user_id", "replied_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
