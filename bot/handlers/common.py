"""Small pieces every handler module shares: answering privately, reading a button, rights."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.kickoff import message_view
from bot.clock import utcnow
from bot.services.actors import Actor, SubmittedView
from bot.services.candidates import CandidateNotFound
from bot.services.errors import NotAllowed, RoleNotFound
from bot.services.hiring_forms import FormErrors
from bot.services.submissions import AlreadySubmitted
from bot.slack.forms import read_values
from bot.slack.lookups import request_group_fetcher, request_user_fetcher
from bot.slack.metadata import BadPayload, parse_id, parse_metadata

logger = logging.getLogger(__name__)

NOT_HERE = "That role does not exist in this workspace (or was removed)."
ALREADY_SAVED = (
    "This form is already saved: it was submitted once (a double-click, or Slack sending it "
    "again) and Tandem kept that submission. Nothing was saved twice."
)


NO_TRIGGER = (
    "Slack did not send what Tandem needs to open that form (a trigger id). "
    "Please try again; if it keeps happening, tell whoever runs Tandem."
)
TRIGGER_EXPIRED = (
    "Slack took too long to hand the form over, so it could not open. "
    "Please press the button (or type the command) again."
)
# views.open's answers when the trigger id is older than 3 seconds, used or unknown.
_TRIGGER_ERRORS = {"expired_trigger_id", "trigger_expired", "exchanged_trigger_id"}


def tell(respond: Respond | None, text: str) -> None:
    """An ephemeral answer to the person who pressed the button. A button in the Home tab
    has no ``response_url`` (Bolt's ``respond`` would raise): nothing to answer through, so
    it is logged, not raised — the person's change was made (see bot/handlers/home.py)."""
    if respond is None or not getattr(respond, "response_url", None):
        logger.info("no response_url to answer through: %s", text[:200])
        return
    respond(text=text, response_type="ephemeral", replace_original=False)


def open_modal(
    client: WebClient, body: dict[str, Any], respond: Respond, view: dict[str, Any]
) -> None:
    """``views.open`` with the request's trigger id; a missing or expired one is explained
    to the person (what to do next) instead of failing."""
    trigger_id = body.get("trigger_id")
    if not isinstance(trigger_id, str) or not trigger_id:
        logger.warning("cannot open a modal: the request has no trigger_id")
        tell(respond, NO_TRIGGER)
        return
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        if error not in _TRIGGER_ERRORS:
            raise
        logger.warning("views.open refused the trigger id: %s", error)
        tell(respond, TRIGGER_EXPIRED)


def actor_of(context: BoltContext, client: WebClient) -> Actor:
    """The person a request is from, with a ``users.info`` bounded by the request's budget
    (so a use case can check an outsider's admin rights without holding up the answer)."""
    assert context.team_id is not None and context.user_id is not None
    budget = context["settings"].tandem_slack_lookup_budget_seconds
    return Actor(
        team_id=context.team_id,
        user_id=context.user_id,
        fetch=request_user_fetcher(client, budget),
        enterprise_id=context.enterprise_id,
        fetch_group=request_group_fetcher(client, budget),
    )


def unique_external_id(prefix: str) -> str:
    """A view's ``external_id`` (unique per workspace), to replace a view pushed by an ack."""
    return f"{prefix}-{uuid.uuid4().hex}"


def replace_view(client: WebClient, external_id: str, view: dict[str, Any]) -> None:
    """``views.update`` of the view an ack pushed; a person who closed it meanwhile is no
    error (the draft keeps their answers for the next /kickoff)."""
    try:
        client.views_update(external_id=external_id, view=view)
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        logger.info("views.update %s: %s", external_id, error)


def submitted_view(view: dict[str, Any]) -> SubmittedView:
    """What identifies a modal's submission (``BadPayload`` without a view id)."""
    return SubmittedView(view_id=view_id(view), callback_id=str(view.get("callback_id") or ""))


def action_value(body: dict[str, Any]) -> int:
    return parse_id(body["actions"][0].get("value"))


def view_id(view: dict[str, Any]) -> str:
    value = str(view.get("id") or "")
    if not value:
        raise BadPayload("view id")
    return value[:64]


def open_or_tell(
    client: WebClient, body: dict[str, Any], respond: Respond, outcome: dict[str, Any] | str
) -> None:
    """Open the modal a use case built, or say privately the text it returned instead."""
    if isinstance(outcome, str):
        tell(respond, outcome)
        return
    open_modal(client, body, respond, outcome)


ViewOpener = Callable[..., "dict[str, Any] | str"]


def open_from_button(
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    open_view: ViewOpener,
    *,
    not_found: str = NOT_HERE,
    missing: tuple[type[Exception], ...] = (RoleNotFound,),
) -> None:
    """Open the modal a use case builds for the pressed button's row (a role unless said
    otherwise), or say privately the text it returned instead; a forged id, a row not in this
    workspace (``missing``) or a person who may not gets a private answer.
    ``open_view(actor, row_id, now=)`` is the use case (a ``functools.partial`` with its
    ``sessions``). Call after ``ack()``: the trigger id is fresh for 3 seconds."""
    try:
        outcome = open_view(actor_of(context, client), action_value(body), now=utcnow())
    except (BadPayload, *missing):
        tell(respond, not_found)
        return
    except NotAllowed as exc:
        tell(respond, str(exc))
        return
    open_or_tell(client, body, respond, outcome)


FormSaver = Callable[..., object]


def save_form(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    *,
    title: str,
    save: FormSaver,
    subject: str = "role",
    not_found: str = NOT_HERE,
    missing: tuple[type[Exception], ...] = (RoleNotFound, CandidateNotFound),
    refusals: dict[type[Exception], str] | None = None,
) -> None:
    """Save a submitted modal about one row — named in its ``private_metadata`` under
    ``subject`` (``role``, ``poll``, ``interview`` …) — with the use case
    ``save(actor, submitted_view, <subject>_id=, values=, now=)``, and ack with what became of
    it: field errors, the modal replaced by a refusal (``refusals`` maps further exceptions to
    their text), closed (saved now or before), or replaced by the text the use case returned."""
    try:
        said = save(
            actor_of(context, client),
            submitted_view(view),
            values=read_values(view),
            now=utcnow(),
            **{f"{subject}_id": getattr(parse_metadata(view.get("private_metadata")), subject)},
        )
    except FormErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    except (BadPayload, *missing):
        ack(**modal_update(title, not_found))
        return
    except AlreadySubmitted:
        ack()  # the first submission was saved; this one only closes the modal
        return
    except Exception as exc:
        refusal = next(
            (text for kind, text in (refusals or {}).items() if isinstance(exc, kind)), None
        )
        if refusal is None and isinstance(exc, NotAllowed):
            refusal = str(exc)
        if refusal is None:
            raise
        ack(**modal_update(title, refusal))
        return
    if isinstance(said, str) and said:
        ack(**modal_update(title, said))
        return
    ack()


def save_role_form(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    *,
    title: str,
    save: FormSaver,
) -> None:
    """:func:`save_form` for a modal about one role."""
    save_form(ack, view, client, context, title=title, save=save)


def modal_update(title: str, text: str) -> dict[str, Any]:
    """An ``ack`` that replaces a submitted modal with a message (why it was not saved)."""
    return {"response_action": "update", "view": message_view(title, text)}
