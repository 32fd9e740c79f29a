"""one update per candidate: merge a candidate's duplicate open candidate updates

A candidate with two interviews used to get two open "update the candidate" obligations
(two nudge ladders, two identical escalations); from now on a later interview moves the
open one instead (``bot.services.candidate_obligations``). For existing data: of each
candidate's open candidate updates (and, for safety, résumé reviews), the one due last is
kept and the others are cancelled with their unsent nudges. Data only, no schema change;
the downgrade leaves the merge in place (the cancelled duplicates are not wanted back).

Revision ID: d91b7e4c2a08
Revises: a4d8e2c61f35
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "d91b7e4c2a08"
down_revision: str | None = "a4d8e2c61f35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = ("candidate_update", "resume_review")
_obligations = sa.table(
    "obligations",
    sa.column("id", sa.Integer),
    sa.column("team_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("candidate_id", sa.Integer),
    sa.column("due_at", sa.DateTime(timezone=True)),
    sa.column("resolved_at", sa.DateTime(timezone=True)),
    sa.column("cancelled_at", sa.DateTime(timezone=True)),
)
_nudges = sa.table(
    "nudges",
    sa.column("obligation_id", sa.Integer),
    sa.column("sent_at", sa.DateTime(timezone=True)),
    sa.column("cancelled_at", sa.DateTime(timezone=True)),
    sa.column("cancel_reason", sa.String),
)


def upgrade() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    # SQLite columns hold naive UTC (as the models' UTCDateTime writes them).
    stamp = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now
    rows = bind.execute(
        sa.select(_obligations.c.id, _obligations.c.team_id, _obligations.c.kind)
        .add_columns(_obligations.c.candidate_id)
        .where(
            _obligations.c.kind.in_(_KINDS),
            _obligations.c.candidate_id.is_not(None),
            _obligations.c.resolved_at.is_(None),
            _obligations.c.cancelled_at.is_(None),
        )
        # Within each candidate and kind, the one due last (then the newest) comes first.
        .order_by(
            _obligations.c.team_id,
            _obligations.c.kind,
            _obligations.c.candidate_id,
            _obligations.c.due_at.desc(),
            _obligations.c.id.desc(),
        )
    ).all()
    kept: set[tuple[str, str, int]] = set()
    duplicates: list[int] = []
    for obligation_id, team_id, kind, candidate_id in rows:
        group = (team_id, kind, candidate_id)
        if group in kept:
            duplicates.append(obligation_id)
        else:
            kept.add(group)
    for start in range(0, len(duplicates), 500):
        chunk = duplicates[start : start + 500]
        bind.execute(
            sa.update(_obligations).where(_obligations.c.id.in_(chunk)).values(cancelled_at=stamp)
        )
        bind.execute(
            sa.update(_nudges)
            .where(
                _nudges.c.obligation_id.in_(chunk),
                _nudges.c.sent_at.is_(None),
                _nudges.c.cancelled_at.is_(None),
            )
            .values(cancelled_at=stamp, cancel_reason="merged")
        )


def downgrade() -> None:
    """Nothing to undo: the kept obligation carries on; the duplicates stay cancelled."""
