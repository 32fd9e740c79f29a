"""Stable keys of the logical messages Tandem posts and later updates or replies to.

An outbox row that creates a message carries its key (``key=``); an update, a pin, a thread
reply or an invitation names it (``parent_key=``) and waits for it to be sent (see
``bot.services.outbox``). Messages posted before the outbox existed get a "sent" row with
the same key from a migration, so updates to them work the same way.
"""

from __future__ import annotations


def role_channel(role_id: int) -> str:
    """The channel Tandem created for a role (``conversations.create``)."""
    return f"role-channel:{role_id}"


def brief(role_id: int) -> str:
    """The role's pinned brief; its thread holds the role's notes."""
    return f"brief:{role_id}"


def change_message(role_id: int, revision_number: int) -> str:
    """The thread message announcing a brief revision (updated when acknowledged)."""
    return f"change:{role_id}:{revision_number}"


def interview_note(interview_id: int) -> str:
    """An interview's note in the brief's thread (updated when the interview changes)."""
    return f"interview-note:{interview_id}"


def checkin(checkin_id: int) -> str:
    """A weekly check-in post; its reminders are replies in its thread."""
    return f"checkin:{checkin_id}"


def retro_poll(poll_id: int) -> str:
    """A role's retro poll; updated in place with who has answered, then by its summary."""
    return f"retro-poll:{poll_id}"


def shared_win(closure_id: int) -> str:
    """The channel post announcing a filled role as the pair's joint result."""
    return f"shared-win:{closure_id}"


def quality_check(check_id: int) -> str:
    """The HM's quality-of-hire DM (updated once they answer)."""
    return f"quality-check:{check_id}"
