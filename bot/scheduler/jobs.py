"""Job definitions. Each says whether it is at-most-once, at-least-once or idempotent."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.models import JobRun
from bot.models.slack_oauth import oauth_states_table
from bot.scheduler.claims import claim_slot
from bot.scheduler.context import JobContext, WorkspaceNotInstalled
from bot.scheduler.registry import job
from bot.services import quality_checks, retention, retro_summary, weekly_digest
from bot.services.checkin_posts import post_checkin, remind_checkin
from bot.services.checkins import due_checkins, due_reminder_checkins
from bot.services.events import due_retries as due_event_retries
from bot.services.events import purge_processed_events
from bot.services.nudge_delivery import queue_dm, queue_escalations
from bot.services.nudges import due_escalation_roles, due_recipients
from bot.services.reveals import reveal_due
from bot.services.submissions import purge as purge_view_submissions
from bot.slack.lookups import user_fetcher

logger = logging.getLogger(__name__)


@job("purge-processed-events", every_seconds=3600, delivery="idempotent")
def purge_old_event_ids(ctx: JobContext, now: datetime) -> int:
    """Forget Events API ids older than a week (Slack retries within minutes).

    Idempotent: deleting already-deleted rows is harmless, so any number of schedulers may run it.
    """
    return purge_processed_events(ctx.sessions, now=now)


@job("purge-view-submissions", every_seconds=3600, delivery="idempotent")
def purge_old_view_submissions(ctx: JobContext, now: datetime) -> int:
    """Forget the view ids of modals saved more than a week ago (no modal stays open so long).

    Idempotent: deleting already-deleted rows is harmless.
    """
    with ctx.sessions.begin() as session:
        return purge_view_submissions(session, now=now)


@job("retry-events", every_seconds=60, delivery="at-least-once")
def retry_failed_events(ctx: JobContext, now: datetime) -> int:
    """Hand Events API deliveries whose handling failed back to their listener (after 1, 5
    and 30 minutes; the fourth failure parks the event, logged with its error).

    At-least-once: each retry is claimed on the ``processed_events`` row by a conditional
    update, so one scheduler runs it; only a crash mid-handling repeats one.
    """
    from bot.handlers.events import redeliver  # the listeners live with the Slack surface

    retried = 0
    for body in due_event_retries(ctx.sessions, now=now):
        authorization = (body.get("authorizations") or [{}])[0]
        team_id = body.get("team_id") or authorization.get("team_id")
        try:
            client = ctx.client_for(str(team_id), body.get("enterprise_id"))
        except WorkspaceNotInstalled:
            continue
        try:
            retried += redeliver(body, client, ctx.sessions)
        except Exception:
            # Recorded on the row by handle_once (next retry or parked); the others go on.
            logger.info("retried event %s failed again", body.get("event_id"))
    return retried


@job("purge-oauth-states", every_seconds=3600, delivery="idempotent")
def purge_expired_oauth_states(ctx: JobContext, now: datetime) -> int:
    """Delete OAuth ``state`` values that expired (they are single-use and short-lived).

    Idempotent. slack_sdk stores ``expire_at`` as naive UTC.
    """
    with ctx.sessions.begin() as session:
        return session.execute(
            delete(oauth_states_table).where(
                oauth_states_table.c.expire_at < now.replace(tzinfo=None)
            )
        ).rowcount


@job("purge-uninstalled", every_seconds=3600, delivery="idempotent")
def purge_uninstalled_workspaces(ctx: JobContext, now: datetime) -> int:
    """Delete every row of each workspace uninstalled more than TANDEM_RETENTION_DAYS ago.

    Idempotent and claimed: one scheduler per hour claims the hour's slot in ``job_runs``
    and purges (in batches, each re-checking that the workspace was not reinstalled); a
    purge cut short is finished by the next hour's claimer, deleting what is left.
    """
    with ctx.sessions.begin() as session:
        slot = now.strftime("%Y-%m-%dT%H")
        if not claim_slot(session, job_name="purge-uninstalled", slot=slot, now=now):
            return 0
        # Past hours' claims are spent: keep job_runs from growing by one row an hour.
        session.execute(
            delete(JobRun).where(
                JobRun.job_name == "purge-uninstalled", JobRun.claimed_at < now - timedelta(days=1)
            )
        )
    report = retention.purge_due(
        ctx.sessions, now=now, retention_days=ctx.settings.tandem_retention_days
    )
    return report.total


@job("send-nudges", every_seconds=60, delivery="effectively-once")
def send_nudges(ctx: JobContext, now: datetime) -> int:
    """Queue every due nudge in the outbox: DMs (within each person's attention budget, see
    ``bot.services.attention``) and each role's one escalation post of the day.

    Exactly once into the outbox: each nudge is claimed, its message queued and the nudge
    marked sent in one transaction, so any number of schedulers (and crashes) queue it
    once. Delivery is the outbox's: effectively once (see ``deliver-outbox``).
    """
    with ctx.sessions() as session:
        recipients = due_recipients(session, now=now)
        roles = due_escalation_roles(session, now=now)
    queued = 0
    for team_id, recipient_id in recipients:
        try:
            client = ctx.client_for(team_id)
        except WorkspaceNotInstalled:
            continue
        queued += queue_dm(
            ctx.sessions,
            team_id=team_id,
            recipient_id=recipient_id,
            fetch=user_fetcher(client),
            now=now,
        )
    installed = {team_id for team_id in {t for t, _ in roles} if ctx.token_for(team_id)}
    for team_id, role_id in roles:
        if team_id in installed:
            queued += queue_escalations(ctx.sessions, team_id=team_id, role_id=role_id, now=now)
    return queued


@job("reveal-feedback", every_seconds=60, delivery="effectively-once")
def reveal_feedback(ctx: JobContext, now: datetime) -> int:
    """Reveal each round's recommendations together once all are in or the due time passed.

    Effectively once: the reveal is claimed on the interview row (``revealed_at``) in the
    transaction that queues its post in the outbox, so a round is revealed once and its post
    is delivered by ``deliver-outbox`` (retried, never lost). Workspaces without a bot token
    wait for a later tick.
    """
    return reveal_due(
        ctx.sessions, now=now, installed=lambda team_id: ctx.token_for(team_id) is not None
    )


@job("post-checkins", every_seconds=60, delivery="effectively-once")
def post_checkins(ctx: JobContext, now: datetime) -> int:
    """Queue each open role's weekly check-in at the contract's day and time (HM's zone).

    Exactly once into the outbox: a unique ``(role, week)`` row is claimed and the post
    queued in one transaction, so any number of schedulers (and crashes) queue it once;
    delivery is the outbox's, effectively once (see ``deliver-outbox``), and records the
    post's ts, which thread replies are matched on.
    """
    with ctx.sessions() as session:
        due = due_checkins(session, now=now)
    # An uninstalled workspace gets no check-in (not one parked in the outbox every week).
    installed = {team_id for team_id in {d.team_id for d in due} if ctx.token_for(team_id)}
    return sum(post_checkin(ctx.sessions, d, now=now) for d in due if d.team_id in installed)


@job("remind-checkins", every_seconds=60, delivery="effectively-once")
def remind_checkins(ctx: JobContext, now: datetime) -> int:
    """Mention, once, the recruiter or HM who has not replied within one working day (both
    in one message when both are silent), in the check-in's thread.

    Exactly once into the outbox: the parties are claimed, marked reminded and the reminder
    queued in one transaction; sent once it is working hours for one of those mentioned.
    Delivery is the outbox's (see ``deliver-outbox``).
    """
    with ctx.sessions() as session:
        checkins = due_reminder_checkins(session, now=now)
    installed = {team_id for team_id in {t for _, t in checkins} if ctx.token_for(team_id)}
    return sum(
        remind_checkin(ctx.sessions, checkin_id, now=now)
        for checkin_id, team_id in checkins
        if team_id in installed
    )


@job("summarize-retros", every_seconds=60, delivery="effectively-once")
def summarize_retros(ctx: JobContext, now: datetime) -> int:
    """Replace each retro poll whose 3 working days (HM's time zone) are over with its summary.

    Exactly once into the outbox: the poll is claimed (``summarized_at``) by a conditional
    update in the transaction that queues the summary, so any number of schedulers summarize
    it once; delivery is the outbox's (see ``deliver-outbox``).
    """
    return retro_summary.summarize_due(ctx.sessions, now=now)


@job("send-weekly-digests", every_seconds=60, delivery="effectively-once")
def send_weekly_digests(ctx: JobContext, now: datetime) -> int:
    """DM each person who asked for it (``/tandem digest on``) their weekly digest, Monday at
    09:00 their time, inside their working hours and their daily DM budget.

    Exactly once into the outbox: the person's next due moment is moved by a conditional
    update in the transaction that queues the DM, so any number of schedulers send it once.
    """
    return weekly_digest.send_due(ctx.sessions, now=now)


@job("ask-quality-checks", every_seconds=60, delivery="effectively-once")
def ask_quality_checks(ctx: JobContext, now: datetime) -> int:
    """DM the HM each due quality-of-hire poll (30/60/90 days after the start date), inside
    their working hours.

    Exactly once into the outbox: the check is claimed (``asked_at``) by a conditional update
    in the transaction that queues the DM, so any number of schedulers ask once.
    """
    return quality_checks.ask_due(ctx.sessions, now=now)


@job("deliver-outbox", every_seconds=5, delivery="effectively-once", order=1)
def deliver_outbox(ctx: JobContext, now: datetime) -> int:
    """Send due outbox rows (after the jobs that queue them); returns how many were sent.

    Effectively once: a row is claimed by a conditional update before the call and marked
    sent with Slack's answer after it; a post whose outcome is unknown (a timeout, a crash
    between Slack's answer and the commit) is looked up by its outbox id in the channel's
    history before it is posted again. In a process with a background deliverer this job
    only wakes it.
    """
    if ctx.deliverer is not None:
        ctx.deliverer.poke()
        return 0
    return ctx.new_deliverer().run_until_idle()
