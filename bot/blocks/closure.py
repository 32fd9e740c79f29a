"""Closing a role: the *Close role* modal, the outcome shown on the brief, the shared win
posted in the role's channel, and the *Close role as filled* offer after a hire."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from bot.blocks.inputs import Option, date_picker, options, radio_buttons, text_input
from bot.blocks.text import context, escape_mrkdwn, plain, section
from bot.dates import plain_date, slack_datetime
from bot.models import Outcome, Role, RoleClosure
from bot.services.closure_rules import MAX_REASON, SharedWin, Tally
from bot.slack.ids import Action, Callback
from bot.slack.ids import Field as F

OUTCOMES: list[Option] = [
    (Outcome.FILLED, "Filled — the offer was accepted"),
    (Outcome.CANCELLED, "Cancelled — the role is not needed any more"),
    (Outcome.ON_HOLD, "On hold — paused for now, may reopen"),
]
MAX_HIRE_OPTIONS = 100


def _optional(block: dict[str, Any]) -> dict[str, Any]:
    # Which fields apply depends on the outcome picked; the service says which are missing.
    return {**block, "optional": True}


def close_modal(
    *,
    role_id: int,
    title: str,
    candidates: list[Option],
    headcount_open: int,
    today: date,
    preselected: int | None = None,
    origin: str | None = None,
) -> dict[str, Any]:
    """*Close role*: how it ends, and for a filled role the hires (up to the headcount still
    open), the day the offer was accepted and the start date; a reason otherwise."""
    blocks: list[dict[str, Any]] = [
        context(
            f"Closing *{escape_mrkdwn(title)}* stops its check-ins, reminders and escalations. "
            "You can reopen it later; nothing is deleted."
        ),
        radio_buttons(
            F.CLOSE_OUTCOME,
            "How does the role end?",
            OUTCOMES,
            initial=Outcome.FILLED if preselected else None,
        ),
    ]
    if candidates:
        element: dict[str, Any] = {
            "type": "multi_static_select",
            "action_id": "value",
            "placeholder": plain("Pick the hire(s)"),
            "options": options(candidates[:MAX_HIRE_OPTIONS]),
            "max_selected_items": max(1, min(headcount_open, MAX_HIRE_OPTIONS)),
        }
        chosen = [o for o in options(candidates) if o["value"] == str(preselected)]
        if chosen:
            element["initial_options"] = chosen
        blocks.append(
            {
                "type": "input",
                "block_id": F.CLOSE_HIRES,
                "label": plain("Hired (if filled)"),
                "element": element,
                "optional": True,
                "hint": plain(
                    f"Up to {headcount_open} — the positions still open on this role."
                    if headcount_open > 0
                    else "Every position is already filled."
                ),
            }
        )
    else:
        blocks.append(
            context(
                "This role has no candidate who can be marked hired yet — add them with "
                "*Add candidate* first to close it as filled."
            )
        )
    blocks += [
        _optional(
            date_picker(
                F.CLOSE_OFFER_DATE,
                "Offer accepted on (if filled)",
                initial=today.isoformat() if preselected else None,
            )
        ),
        _optional(date_picker(F.CLOSE_START_DATE, "Start date (if filled)")),
        text_input(
            F.CLOSE_REASON,
            "Reason (if cancelled or on hold)",
            multiline=True,
            optional=True,
            max_length=MAX_REASON,
        ),
    ]
    meta: dict[str, Any] = {"role": role_id}
    if preselected:
        meta["candidate"] = preselected
    if origin:
        meta["origin"] = origin
    return {
        "type": "modal",
        "callback_id": Callback.CLOSE_ROLE,
        "title": plain("Close role"),
        "submit": plain("Close role"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps(meta),
        "blocks": blocks,
    }


# -- on the brief ---------------------------------------------------------------------------


def outcome_line(closure: RoleClosure, hires: list[str]) -> str:
    """What the brief says about a closed or held role: the outcome, the hires or the
    reason, who closed it and when."""
    who = f"<@{closure.closed_by}> {slack_datetime(closure.closed_at)}"
    if closure.outcome == Outcome.FILLED:
        hired = ", ".join(escape_mrkdwn(h) for h in hires) or "—"
        offer = closure.offer_accepted_on
        start = closure.start_on
        dates = ""
        if offer is not None and start is not None:
            dates = f" · offer accepted {plain_date(offer)} · starts {plain_date(start)}"
        return f":tada: *Filled* — hired {hired}{dates}\nClosed by {who}"
    cancelled = closure.outcome == Outcome.CANCELLED
    label = ":no_entry: *Cancelled*" if cancelled else ":pause_button: *On hold*"
    verb = "Cancelled" if cancelled else "Put on hold"
    reason = escape_mrkdwn(closure.reason or "")
    return f"{label} — {reason}\n{verb} by {who}"[:3000]


def reopen_confirm(role: Role) -> dict[str, Any]:
    """The confirm dialog on *Reopen role* (a stray click should not restart the reminders)."""
    return {
        "title": plain("Reopen this role?"),
        "text": plain(
            "Check-ins start again and the brief's buttons come back. The role's history, "
            "and any hires, are kept."
        ),
        "confirm": plain("Reopen"),
        "deny": plain("Not now"),
    }


# -- the shared win ------------------------------------------------------------------------


def _tally(tally: Tally, what: str) -> str | None:
    if not tally.total:
        return None
    return f"{what}: {tally.kept} of {tally.total} on time ({tally.share}%)"


def _pace(win: SharedWin) -> str:
    days = f"{win.days_to_offer} day{'' if win.days_to_offer == 1 else 's'}"
    ahead = win.days_against_target
    if ahead is None or win.target_days is None:
        return f"Offer accepted {days} after kickoff."
    if ahead > 0:
        return (
            f"Offer accepted {days} after kickoff — {ahead} ahead of the plan's {win.target_days}."
        )
    if ahead == 0:
        return f"Offer accepted {days} after kickoff — right on the plan's {win.target_days}."
    return (
        f"Offer accepted {days} after kickoff, against a plan of {win.target_days} "
        "— worth a look together in the retro."
    )


def shared_win_message(
    *,
    title: str,
    recruiter_id: str,
    hiring_manager_id: str,
    hires: list[str],
    start_on: date,
    win: SharedWin,
) -> tuple[str, list[dict[str, Any]]]:
    """The role's result, announced as the pair's: both named alike, the figures of how they
    worked together, nobody singled out (no "finally", no blame)."""
    pair = f"<@{hiring_manager_id}> and <@{recruiter_id}>"
    hired = ", ".join(escape_mrkdwn(h) for h in hires)
    headline = f":tada: *{escape_mrkdwn(title)} is filled* — a shared win for {pair}."
    lines = [_pace(win)]
    for line in (
        _tally(win.feedback, "Interview feedback"),
        _tally(win.commitments, "Contract commitments kept"),
    ):
        if line:
            lines.append(line)
    welcome = f"Welcome aboard, {hired} — starting {plain_date(start_on)}."
    text = f"{title} is filled — a shared win for {pair}."
    blocks = [
        section(headline[:3000]),
        section("\n".join(f"• {line}" for line in lines)[:3000]),
        section(welcome[:3000]),
        context("Credit goes to both sides: hiring manager and recruiter did this together."),
    ]
    return text, blocks


# -- after a hire ------------------------------------------------------------------------------


def close_as_filled_offer(candidate_id: int) -> list[dict[str, Any]]:
    """Added to the "moved to Hired" note: close the role as filled with this hire."""
    return [
        context("Was this the last position? Close the role as filled to share the win."),
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": plain("Close role as filled"),
                    "action_id": Action.CLOSE_AS_FILLED,
                    "value": str(candidate_id),
                    "style": "primary",
                }
            ],
        },
    ]


def closed_note(closure: RoleClosure) -> tuple[str, list[dict[str, Any]]]:
    """The note in the brief's thread when a role is closed or held."""
    verb = {
        Outcome.FILLED: ":tada: Closed as *filled*",
        Outcome.CANCELLED: ":no_entry: *Cancelled*",
        Outcome.ON_HOLD: ":pause_button: Put *on hold*",
    }[Outcome(closure.outcome)]
    text = f"{verb} by <@{closure.closed_by}>. Check-ins and reminders are stopped."
    return text, [section(text)]


def reopened_note(actor_id: str, at: datetime) -> tuple[str, list[dict[str, Any]]]:
    text = f":arrows_counterclockwise: Reopened by <@{actor_id}> {slack_datetime(at)} — check-ins start again."
    return text, [section(text)]
