"""legacy messages: messages posted before the outbox get a "sent" outbox row with their key

Updates, pins and thread replies name the message they act on by a stable key and wait
for its outbox row to be sent (``bot.services.message_keys``). A brief, a role's channel, a
revision's change message, an interview note or a check-in posted before the outbox existed
has no such row; this gives each one, so an update of an old brief edits it instead of
waiting for ever. Data only, no schema change.

Revision ID: 7c3e9f2a1b60
Revises: 5b1d2c7e9a04
Create Date: 2026-12-02 06:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7c3e9f2a1b60"
down_revision: str | None = "5b1d2c7e9a04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    "team_id, kind, method, channel, payload, key, role_id, state, not_before, attempts, "
    "in_doubt, result_channel, result_ts, created_at, sent_at"
)
# One SELECT per kind of message: (kind, method, channel, key, role_id, ts, moment, FROM …).
_LEGACY = [
    (
        "legacy-role-channel",
        "conversations.create",
        "r.channel_id",
        "'role-channel:' || r.id",
        "r.id",
        "NULL",
        "r.created_at",
        "roles r WHERE r.channel_id IS NOT NULL",
    ),
    (
        "legacy-brief",
        "chat.postMessage",
        "r.channel_id",
        "'brief:' || r.id",
        "r.id",
        "r.brief_ts",
        "r.created_at",
        "roles r WHERE r.channel_id IS NOT NULL AND r.brief_ts IS NOT NULL",
    ),
    (
        "legacy-change",
        "chat.postMessage",
        "r.channel_id",
        "'change:' || r.id || ':' || b.number",
        "r.id",
        "b.change_message_ts",
        "b.created_at",
        "brief_revisions b JOIN roles r ON r.id = b.role_id "
        "WHERE r.channel_id IS NOT NULL AND b.change_message_ts IS NOT NULL",
    ),
    (
        "legacy-interview-note",
        "chat.postMessage",
        "r.channel_id",
        "'interview-note:' || i.id",
        "r.id",
        "i.note_ts",
        "i.created_at",
        "interviews i JOIN roles r ON r.id = i.role_id "
        "WHERE r.channel_id IS NOT NULL AND i.note_ts IS NOT NULL",
    ),
    (
        "legacy-checkin",
        "chat.postMessage",
        "c.channel_id",
        "'checkin:' || c.id",
        "c.role_id",
        "c.message_ts",
        "c.posted_at",
        "checkins c WHERE c.channel_id IS NOT NULL AND c.message_ts IS NOT NULL "
        "AND c.posted_at IS NOT NULL",
    ),
]


def upgrade() -> None:
    for kind, method, channel, key, role_id, ts, moment, source in _LEGACY:
        team = source.split()[1]  # the alias of the table that holds team_id
        op.execute(
            f"INSERT INTO outbox ({_COLUMNS}) "
            f"SELECT {team}.team_id, '{kind}', '{method}', {channel}, CAST('{{}}' AS JSON), "
            f"{key}, {role_id}, 'sent', {moment}, 0, FALSE, {channel}, {ts}, {moment}, {moment} "
            f"FROM {source}"
        )


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE kind LIKE 'legacy-%'")
