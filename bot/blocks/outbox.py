"""The DM a recruiter gets when Slack refuses a role's message for a reason a person can fix."""

from __future__ import annotations

from bot.blocks.text import escape_mrkdwn

_FIXES = {
    "not_in_channel": "Tandem is not a member of {channel}. Add it there (`/invite @Tandem`).",
    "channel_not_found": (
        "Tandem cannot see {channel}: it was deleted, or it is private and Tandem is not in it."
    ),
    "is_archived": "{channel} is archived. Unarchive it so Tandem can post there.",
    "channel_is_archived": "{channel} is archived. Unarchive it so Tandem can post there.",
    "restricted_action": "Only some members may post in {channel}; Tandem is not one of them.",
    "restricted_action_read_only_channel": "{channel} is read-only for Tandem.",
    "cant_invite": "Slack would not let Tandem invite people into {channel}.",
    "method_not_supported_for_channel_type": "Tandem cannot act in {channel} (its type).",
}

FIXABLE = frozenset(_FIXES)


def undeliverable_text(*, role_title: str, channel: str, error: str, outbox_id: int) -> str:
    """Plain mrkdwn: what failed, why, and how to get it sent."""
    mention = f"<#{channel}>"
    fix = _FIXES.get(error, "Slack refused it ({error}).").format(channel=mention, error=error)
    return (
        f":warning: Tandem could not deliver a message for *{escape_mrkdwn(role_title)}* "
        f"in {mention}. {fix} Once that is fixed, your Tandem admin can send it with "
        f"`tandem outbox retry {outbox_id}`."
    )
