"""close and retro: closes and hires, retro polls and answers (named, and anonymous in a
table with no user id), action items, interview focus areas, quality-of-hire checks, the
candidate-experience score and the workspace's anonymity threshold and check days

A role status of "closed" (never written by a released version) becomes "cancelled".

Revision ID: b6f1c3d8e2a7
Revises: d91b7e4c2a08
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b6f1c3d8e2a7"
down_revision: str | None = "d91b7e4c2a08"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "panel_focus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.String(length=32), nullable=False),
        sa.Column("must_haves", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_id"], ["roles.id"], name=op.f("fk_panel_focus_role_id_roles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_focus")),
        sa.UniqueConstraint(
            "role_id", "interviewer_id", name=op.f("uq_panel_focus_role_id_interviewer_id")
        ),
    )
    op.create_table(
        "role_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("offer_accepted_on", sa.Date(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(length=32), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reopened_by", sa.String(length=32), nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["roles.id"],
            name=op.f("fk_role_closures_role_id_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_closures")),
    )
    with op.batch_alter_table("role_closures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_closures_role_id"), ["role_id"], unique=False)

    op.create_table(
        "hires",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("closure_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("offer_accepted_on", sa.Date(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_hires_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["closure_id"],
            ["role_closures.id"],
            name=op.f("fk_hires_closure_id_role_closures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["roles.id"], name=op.f("fk_hires_role_id_roles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hires")),
        sa.UniqueConstraint(
            "closure_id", "candidate_id", name=op.f("uq_hires_closure_id_candidate_id")
        ),
    )
    with op.batch_alter_table("hires", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hires_role_id"), ["role_id"], unique=False)

    op.create_table(
        "retro_polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("closure_id", sa.Integer(), nullable=False),
        sa.Column("invited", sa.JSON(), nullable=False),
        sa.Column("anonymity_threshold", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summarized_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["closure_id"],
            ["role_closures.id"],
            name=op.f("fk_retro_polls_closure_id_role_closures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["roles.id"], name=op.f("fk_retro_polls_role_id_roles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retro_polls")),
        sa.UniqueConstraint("closure_id", name=op.f("uq_retro_polls_closure_id")),
    )
    with op.batch_alter_table("retro_polls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retro_polls_closes_at"), ["closes_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_retro_polls_role_id"), ["role_id"], unique=False)

    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("recruiter_id", sa.String(length=32), nullable=False),
        sa.Column("hiring_manager_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["retro_polls.id"],
            name=op.f("fk_action_items_poll_id_retro_polls"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["roles.id"],
            name=op.f("fk_action_items_role_id_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_action_items_pair", ["team_id", "recruiter_id", "hiring_manager_id"], unique=False
        )

    op.create_table(
        "focus_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.String(length=32), nullable=False),
        sa.Column("must_haves", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_focus_areas_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_areas")),
        sa.UniqueConstraint(
            "interview_id",
            "interviewer_id",
            name=op.f("uq_focus_areas_interview_id_interviewer_id"),
        ),
    )
    op.create_table(
        "quality_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("hire_id", sa.Integer(), nullable=False),
        sa.Column("hiring_manager_id", sa.String(length=32), nullable=False),
        sa.Column("days_after", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("must_haves_predicted", sa.String(length=8), nullable=True),
        sa.Column("answered_by", sa.String(length=32), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["hire_id"],
            ["hires.id"],
            name=op.f("fk_quality_checks_hire_id_hires"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["roles.id"],
            name=op.f("fk_quality_checks_role_id_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_checks")),
        sa.UniqueConstraint(
            "hire_id", "days_after", name=op.f("uq_quality_checks_hire_id_days_after")
        ),
    )
    with op.batch_alter_table("quality_checks", schema=None) as batch_op:
        batch_op.create_index("ix_quality_checks_due", ["asked_at", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_quality_checks_role_id"), ["role_id"], unique=False)

    op.create_table(
        "retro_anonymous_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("answerer_hash", sa.String(length=64), nullable=False),
        sa.Column("partnership", sa.Integer(), nullable=False),
        sa.Column("speed", sa.Integer(), nullable=False),
        sa.Column("candidate_quality", sa.Integer(), nullable=False),
        sa.Column("what_worked", sa.Text(), nullable=False),
        sa.Column("what_to_change", sa.Text(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["retro_polls.id"],
            name=op.f("fk_retro_anonymous_answers_poll_id_retro_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retro_anonymous_answers")),
        sa.UniqueConstraint(
            "poll_id",
            "answerer_hash",
            name=op.f("uq_retro_anonymous_answers_poll_id_answerer_hash"),
        ),
    )
    op.create_table(
        "retro_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("capacity", sa.String(length=16), nullable=False),
        sa.Column("partnership", sa.Integer(), nullable=False),
        sa.Column("speed", sa.Integer(), nullable=False),
        sa.Column("candidate_quality", sa.Integer(), nullable=False),
        sa.Column("what_worked", sa.Text(), nullable=False),
        sa.Column("what_to_change", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["retro_polls.id"],
            name=op.f("fk_retro_answers_poll_id_retro_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retro_answers")),
        sa.UniqueConstraint("poll_id", "user_id", name=op.f("uq_retro_answers_poll_id_user_id")),
    )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("experience_score", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("experience_recorded_by", sa.String(length=32), nullable=True)
        )
        batch_op.add_column(
            sa.Column("experience_recorded_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymity_threshold", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quality_check_days", sa.String(length=32), nullable=True))
    op.execute("UPDATE roles SET status = 'cancelled' WHERE status = 'closed'")


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("quality_check_days")
        batch_op.drop_column("anonymity_threshold")

    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("experience_recorded_at")
        batch_op.drop_column("experience_recorded_by")
        batch_op.drop_column("experience_score")

    op.drop_table("retro_answers")
    op.drop_table("retro_anonymous_answers")
    with op.batch_alter_table("quality_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_checks_role_id"))
        batch_op.drop_index("ix_quality_checks_due")

    op.drop_table("quality_checks")
    op.drop_table("focus_areas")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index("ix_action_items_pair")

    op.drop_table("action_items")
    with op.batch_alter_table("retro_polls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retro_polls_role_id"))
        batch_op.drop_index(batch_op.f("ix_retro_polls_closes_at"))

    op.drop_table("retro_polls")
    with op.batch_alter_table("hires", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hires_role_id"))

    op.drop_table("hires")
    with op.batch_alter_table("role_closures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_closures_role_id"))

    op.drop_table("role_closures")
    op.drop_table("panel_focus")
