"""``/tandem forget-candidate``: erase a candidate's personal data on request (product.md §6).

Who: the recruiter of the candidate's role, or a workspace admin — admin rights from Slack
(``is_admin``/``is_owner``) looked up at most :data:`bot.services.people.ADMIN_MAX_AGE` ago, because this
changes data for good. Anyone else gets :data:`NOT_ALLOWED`, the same answer whether the
candidate exists or not.

What, in one transaction:

* the candidate's name, initials and ATS link (the row stays, as ``Candidate #<id>`` —
  what :func:`bot.services.candidates.label` shows for an erased candidate — so its stage
  changes, interviews, scores and feedback still count, anonymously, in the scorecard);
* the free text of every feedback on them (notes and nice-to-have notes, in drafts too);
  recommendations, ratings and due/submitted times stay, so no scorecard figure moves;
* the name wherever Tandem stored it as text: the role's timeline, check-in replies, retro
  answers and action items, and every outbox row of the workspace (pending ones leave
  without it; sent ones no longer keep it);
* Tandem's own Slack messages (channel posts and DMs) that show the name — or, in the role's
  channel, the initials: each is edited through the outbox (``chat.update`` with its
  current text, the name replaced), so Slack no longer shows it;
* a timeline entry saying who erased a candidate and when (not the name).

A second confirmation (a double-click, another admin at the same time) finds the candidate
erased and changes nothing: the erasure claims the row with a conditional update first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.blocks import forget_candidate as views
from bot.blocks.text import escape_mrkdwn
from bot.db import SessionFactory
from bot.models import (
    ActionItem,
    Candidate,
    CheckIn,
    CheckInReply,
    Feedback,
    OutboxMessage,
    OutboxState,
    ProcessedEvent,
    RetroAnonymousAnswer,
    RetroAnswer,
    RetroPoll,
    Role,
    TimelineEntry,
)
from bot.services import home_refresh, outbox, submissions
from bot.services.actors import Actor, SubmittedView
from bot.services.errors import NotAllowed
from bot.services.feedback import NICE_NOTES_FIELD, NOTES_FIELD
from bot.services.form_values import row_id
from bot.services.hiring_forms import FormErrors
from bot.services.outbox_claims import STALE_CLAIM
from bot.services.people import is_fresh_admin

# The timeline kind of an erasure (recorded directly: it names no candidate, only its id).
ERASED_EVENT = "candidate_erased"
# The kind of the outbox rows that edit a message so it no longer shows the name.
EDIT_KIND = "erasure-edit"
# Outbox rows read per round trip while looking for the name.
_BATCH = 500

NOT_ALLOWED = (
    "Only the recruiter of a candidate's role or a workspace admin can erase a candidate "
    "(admin rights are checked with Slack at the time). Nothing was changed."
)
NOTHING_TO_ERASE = "None of your roles has a candidate left to erase."
ALREADY_ERASED = "That candidate was already erased; nothing more to do."
PICK_ONE = "Pick the candidate to erase."


def placeholder(candidate_id: int) -> str:
    """How an erased candidate is named from now on, everywhere."""
    return f"Candidate #{candidate_id}"


# -- who may -------------------------------------------------------------------------------


def _is_fresh_admin(session: Session, actor: Actor, now: datetime) -> bool:
    """A workspace admin per Slack (or the admin user group), as looked up at most
    :data:`bot.services.people.ADMIN_MAX_AGE` ago; when Slack cannot be asked, an older cached answer does not
    count."""
    return is_fresh_admin(
        session,
        team_id=actor.team_id,
        user_id=actor.user_id,
        fetch=actor.fetch,
        now=now,
        fetch_group=actor.fetch_group,
    )


def _erasable(
    session: Session, actor: Actor, candidate_id: int | None, now: datetime
) -> Candidate | None:
    """The candidate, if the actor may erase it; None otherwise — alike for a candidate
    that does not exist, is in another workspace, or is not theirs (anyone but the role's
    recruiter is looked up as an admin either way, so not even the time taken differs)."""
    candidate = session.get(Candidate, candidate_id) if candidate_id is not None else None
    role = session.get(Role, candidate.role_id) if candidate is not None else None
    if candidate is None or role is None or {candidate.team_id, role.team_id} != {actor.team_id}:
        candidate, role = None, None
    if role is not None and role.recruiter_id == actor.user_id:
        return candidate
    admin = _is_fresh_admin(session, actor, now)
    return candidate if admin else None


def _scope(actor: Actor, *, admin: bool) -> Any:
    """The candidates (not yet erased) the actor may erase, as a query: the workspace's for
    an admin, those of the roles they recruit for otherwise."""
    query = select(Candidate, Role.title).join(Role, Role.id == Candidate.role_id)
    query = query.where(Candidate.team_id == actor.team_id, Candidate.erased_at.is_(None))
    if admin:
        return query
    return query.where(Role.team_id == actor.team_id, Role.recruiter_id == actor.user_id)


def _recruits(session: Session, actor: Actor) -> bool:
    found = session.scalar(
        select(Role.id)
        .where(Role.team_id == actor.team_id, Role.recruiter_id == actor.user_id)
        .limit(1)
    )
    return found is not None


def open_picker(sessions: SessionFactory, actor: Actor, *, now: datetime) -> dict[str, Any] | str:
    """The first modal (pick the candidate), or why not (a private answer)."""
    with sessions.begin() as session:
        admin = _is_fresh_admin(session, actor, now)
        if not admin and not _recruits(session, actor):
            return NOT_ALLOWED
        query = _scope(actor, admin=admin)
        if session.execute(query.limit(1)).first() is None:
            return NOTHING_TO_ERASE
        return views.picker_view()


def candidate_options(
    sessions: SessionFactory, actor: Actor, typed: str, *, now: datetime
) -> list[dict[str, Any]]:
    """The picker's options as the person types: only candidates they may erase."""
    typed = " ".join(typed.split())[:120]
    with sessions.begin() as session:
        query = _scope(actor, admin=_is_fresh_admin(session, actor, now))
        if typed:
            pattern = (
                "%"
                + typed.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            query = query.where(
                or_(
                    func.lower(Candidate.name).like(pattern, escape="\\"),
                    func.lower(Role.title).like(pattern, escape="\\"),
                )
            )
        rows = session.execute(query.order_by(Candidate.name, Candidate.id).limit(100)).all()
        return views.options([(c.id, c.name or placeholder(c.id), title) for c, title in rows])


# -- what will be erased --------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    """What erasing one candidate changes (shown in the confirmation, then done)."""

    candidate_id: int
    name: str
    role_title: str
    has_link: bool
    feedback_notes: int
    messages: int


def _pattern(needles: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({n for n in needles if n and n.strip()}, key=len, reverse=True)
    if not words:
        return None
    # Whole words only, so "Ann" does not eat into "Annual", nor "J.D." into "J.D.2".
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )


def _scrub(value: Any, pattern: re.Pattern[str], replacement: str) -> Any:
    """``value`` (JSON-shaped) with every match of ``pattern`` in its strings replaced."""
    if isinstance(value, str):
        return pattern.sub(lambda _match: replacement, value)
    if isinstance(value, list):
        return [_scrub(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern, replacement) for k, v in value.items()}
    return value


@dataclass
class _Patterns:
    name: re.Pattern[str] | None  # anywhere in the workspace
    channel: re.Pattern[str] | None  # the name or the initials, in the role's own rows
    replacement: str
    role_id: int

    def for_row(self, row: OutboxMessage) -> re.Pattern[str] | None:
        return self.channel if row.role_id == self.role_id else self.name

    def scrub(self, value: Any, pattern: re.Pattern[str] | None) -> Any:
        return value if pattern is None else _scrub(value, pattern, self.replacement)


def _patterns(candidate: Candidate) -> _Patterns:
    name = candidate.name or ""
    needles = [name, escape_mrkdwn(name), candidate.ats_url or ""]
    return _Patterns(
        name=_pattern(needles),
        channel=_pattern([*needles, candidate.initials]),
        replacement=placeholder(candidate.id),
        role_id=candidate.role_id,
    )


def _team_rows(session: Session, team_id: str, *, lock: bool) -> Iterable[OutboxMessage]:
    """The workspace's outbox rows, oldest first, in batches; pending ones locked (PostgreSQL)
    so a deliverer cannot claim one with the old text while this transaction runs."""
    last = 0
    while True:
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.team_id == team_id, OutboxMessage.id > last)
            .order_by(OutboxMessage.id)
            .limit(_BATCH)
        )
        batch = list(session.scalars(query))
        if not batch:
            return
        if lock:
            pending = [r.id for r in batch if r.state == OutboxState.PENDING]
            if pending:
                session.scalars(
                    select(OutboxMessage.id).where(OutboxMessage.id.in_(pending)).with_for_update()
                ).all()
                for row in batch:
                    if row.id in pending:
                        session.refresh(row)
        yield from batch
        last = batch[-1].id


def _shown(row: OutboxMessage, now: datetime) -> bool:
    """Whether Slack shows (or is being handed right now) what this row carries."""
    if row.state == OutboxState.SENT:
        return True
    live_claim = row.claimed_by is not None and (
        row.claimed_at is not None and row.claimed_at > now - STALE_CLAIM
    )
    return row.state == OutboxState.PENDING and live_claim


@dataclass
class _Message:
    """One message Tandem put in Slack: its post, then its updates (in order)."""

    post: OutboxMessage
    versions: list[OutboxMessage]
    named: bool = False  # a version Slack shows (or is being handed) names the candidate


def _messages(
    session: Session, team_id: str, patterns: _Patterns, now: datetime, *, erase: bool
) -> list[_Message]:
    """Tandem's messages of the workspace whose shown text names the candidate; with
    ``erase`` every outbox row's payload loses the name as well."""
    latest_post: dict[str, _Message] = {}
    messages: list[_Message] = []
    for row in _team_rows(session, team_id, lock=erase):
        pattern = patterns.for_row(row)
        scrubbed = patterns.scrub(row.payload, pattern)
        named = scrubbed != row.payload
        if named and erase:
            row.payload = scrubbed
        live = row.state in (OutboxState.SENT, OutboxState.PENDING)
        if row.method == outbox.POST and live:
            message = _Message(row, [row], named and _shown(row, now))
            messages.append(message)
            if row.key:
                latest_post[row.key] = message
        elif row.method == outbox.UPDATE and live and row.parent_key in latest_post:
            message = latest_post[row.parent_key]
            message.versions.append(row)
            message.named = message.named or (named and _shown(row, now))
    return [m for m in messages if m.named]


def _edit(session: Session, message: _Message, now: datetime) -> None:
    """Queue ``chat.update`` of one message with its latest text (already without the name).
    A post nothing can name (no key, or an older post of a reused key) gets a key of its own
    so the update can find its channel and ts."""
    post = message.post
    if post.key is None or outbox.sent_parent(session, post.team_id, post.key) not in (None, post):
        post.key = f"erased-post:{post.id}"
    latest = message.versions[-1].payload
    payload = {k: latest[k] for k in ("text", "blocks", "attachments") if k in latest}
    outbox.enqueue(
        session,
        team_id=post.team_id,
        enterprise_id=post.enterprise_id,
        kind=EDIT_KIND,
        method=outbox.UPDATE,
        parent_key=post.key,
        payload=payload,
        # No role context: a message Slack will not let us edit any more (deleted, too old)
        # is parked for the operator, not announced to the recruiter.
        role_id=None,
        now=now,
    )


def _feedback(session: Session, candidate: Candidate) -> list[Feedback]:
    return list(
        session.scalars(
            select(Feedback).where(
                Feedback.team_id == candidate.team_id, Feedback.candidate_id == candidate.id
            )
        )
    )


def _has_notes(feedback: Feedback) -> bool:
    draft = feedback.draft or {}
    return bool(
        feedback.notes
        or feedback.nice_to_have_notes
        or draft.get(NOTES_FIELD)
        or draft.get(NICE_NOTES_FIELD)
    )


def _summary(session: Session, candidate: Candidate, now: datetime) -> Erasure:
    role = session.get(Role, candidate.role_id)
    patterns = _patterns(candidate)
    return Erasure(
        candidate_id=candidate.id,
        name=candidate.name or placeholder(candidate.id),
        role_title=role.title if role is not None else "",
        has_link=bool(candidate.ats_url),
        feedback_notes=sum(1 for f in _feedback(session, candidate) if _has_notes(f)),
        messages=len(_messages(session, candidate.team_id, patterns, now, erase=False)),
    )


def confirm_view(
    sessions: SessionFactory, actor: Actor, values: dict[str, Any], *, now: datetime
) -> dict[str, Any] | str:
    """The picker submitted: the confirmation saying exactly what will be erased, or a
    refusal (``NotAllowed``, raised), or the text to show instead (already erased)."""
    candidate_id = row_id(values.get(views.PICK_FIELD))
    if candidate_id is None:
        raise FormErrors({views.PICK_FIELD: PICK_ONE})
    with sessions.begin() as session:
        # The rights' lookup is kept (committed) even when it refuses: Slack's answer is news.
        candidate = _erasable(session, actor, candidate_id, now)
        if candidate is not None and candidate.erased_at is not None:
            return ALREADY_ERASED
        if candidate is not None:
            return views.confirm_view(_summary(session, candidate, now))
    raise NotAllowed(NOT_ALLOWED)


# -- erasing ---------------------------------------------------------------------------------


def _scrub_text_rows(session: Session, candidate: Candidate, patterns: _Patterns) -> None:
    """The name in what people typed about the role — check-in replies, retro answers,
    action items, an event delivery kept for a retry — and in the role's timeline."""
    pattern = patterns.name
    if pattern is None:
        return
    team, role = candidate.team_id, candidate.role_id
    checkins = select(CheckIn.id).where(CheckIn.team_id == team, CheckIn.role_id == role)
    polls = select(RetroPoll.id).where(RetroPoll.team_id == team, RetroPoll.role_id == role)
    for reply in session.scalars(
        select(CheckInReply).where(
            CheckInReply.team_id == team, CheckInReply.checkin_id.in_(checkins)
        )
    ):
        reply.text = patterns.scrub(reply.text, pattern)
    for model in (RetroAnswer, RetroAnonymousAnswer):
        for answer in session.scalars(
            select(model).where(model.team_id == team, model.poll_id.in_(polls))
        ):
            answer.what_worked = patterns.scrub(answer.what_worked, pattern)
            answer.what_to_change = patterns.scrub(answer.what_to_change, pattern)
    for item in session.scalars(
        select(ActionItem).where(ActionItem.team_id == team, ActionItem.role_id == role)
    ):
        item.text = patterns.scrub(item.text, pattern)[:300]
    # An Events API delivery waiting for a retry keeps its body (a thread reply's text).
    for event in session.scalars(
        select(ProcessedEvent).where(
            ProcessedEvent.team_id == team, ProcessedEvent.payload.is_not(None)
        )
    ):
        payload = patterns.scrub(event.payload, pattern)
        if payload != event.payload:
            event.payload = payload
    for entry in session.scalars(
        select(TimelineEntry).where(TimelineEntry.team_id == team, TimelineEntry.role_id == role)
    ):
        detail = patterns.scrub(entry.detail, patterns.channel)
        if detail != entry.detail:
            entry.detail = detail


def _erase_feedback(session: Session, candidate: Candidate, now: datetime) -> None:
    """Free text goes; recommendation, ratings and the times the scorecard counts stay."""
    for feedback in _feedback(session, candidate):
        feedback.notes = ""
        feedback.nice_to_have_notes = ""
        if feedback.draft:
            feedback.draft = {
                k: v for k, v in feedback.draft.items() if k not in (NOTES_FIELD, NICE_NOTES_FIELD)
            }


def _people_of(session: Session, candidate: Candidate) -> set[str]:
    role = session.get(Role, candidate.role_id)
    people = {f.interviewer_id for f in _feedback(session, candidate)}
    if role is not None:
        people |= {role.recruiter_id, role.hiring_manager_id}
    return people


def forget(
    sessions: SessionFactory,
    actor: Actor,
    view: SubmittedView,
    *,
    candidate_id: int | None,
    now: datetime,
    values: dict[str, Any] | None = None,
) -> str:
    """The confirmation submitted: erase the candidate (see the module docstring); returns
    what to tell the person. ``NotAllowed`` for anyone who may not, whatever the id."""
    with sessions.begin() as session:
        allowed = _erasable(session, actor, candidate_id, now) is not None
    if not allowed:
        raise NotAllowed(NOT_ALLOWED)
    with sessions.begin() as session:
        # Writes first: the view's claim (a double-click) and the candidate's (a second
        # confirmation elsewhere) — on SQLite that also takes the write lock before
        # anything is read, so no deliverer commits a claim between the reads and writes.
        submissions.claim_view(
            session,
            team_id=actor.team_id,
            view_id=view.view_id,
            callback_id=view.callback_id,
            user_id=actor.user_id,
            now=now,
        )
        claimed = session.execute(
            update(Candidate)
            .where(
                Candidate.id == candidate_id,
                Candidate.team_id == actor.team_id,
                Candidate.erased_at.is_(None),
            )
            .values(erased_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            return ALREADY_ERASED
        candidate = session.get(Candidate, candidate_id, populate_existing=True)
        assert candidate is not None
        patterns = _patterns(candidate)
        for message in _messages(session, candidate.team_id, patterns, now, erase=True):
            _edit(session, message, now)
        _scrub_text_rows(session, candidate, patterns)
        _erase_feedback(session, candidate, now)
        candidate.name = None
        candidate.initials = ""
        candidate.ats_url = None
        candidate.updated_at = now
        session.add(
            TimelineEntry(
                team_id=candidate.team_id,
                role_id=candidate.role_id,
                at=now,
                actor_id=actor.user_id,
                kind=ERASED_EVENT,
                detail={"candidate_id": candidate.id},
            )
        )
        for user_id in sorted(_people_of(session, candidate)):
            home_refresh.queue_refresh(
                session,
                team_id=candidate.team_id,
                user_id=user_id,
                now=now,
                enterprise_id=actor.enterprise_id,
            )
        return views.done_text(candidate.id)
