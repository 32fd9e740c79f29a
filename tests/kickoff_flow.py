"""Drive a whole kickoff through the app, as the recruiter would in Slack."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.models import Role
from bot.sandbox.slack_standin import SlackStandin
from tests import slack_requests as sr
from tests.harness import Reply, Tandem
from tests.modals import opened_view, submit

RECRUITER = "U0RECRUIT"
HM = "U0HIRINGMGR"
PANEL = ["U0PANEL1", "U0PANEL2"]
NEW_INTERVIEWER = "U0PANEL3"
STRANGER = "U0STRANGER"
ADMIN = "U0ADMIN"
SOME_BOT = "U0SOMEBOT"
TODAY = date.today()
TARGET = TODAY + timedelta(days=60)


def add_people(standin: SlackStandin) -> None:
    standin.add_user(RECRUITER, "rita", real_name="Rita Recruiter", tz="Europe/London")
    standin.add_user(HM, "hank", real_name="Hank Manager", tz="America/New_York")
    for number, user in enumerate([*PANEL, NEW_INTERVIEWER], start=1):
        standin.add_user(user, f"panelist{number}", tz="Asia/Tokyo")
    standin.add_user(STRANGER, "sam", tz="UTC")
    standin.add_user(ADMIN, "ada", tz="UTC", is_admin=True)
    standin.add_user(SOME_BOT, "somebot", is_bot=True)


def role_step(**changes: Any) -> dict[str, Any]:
    return {"hiring_manager": HM, "recruiter": RECRUITER, "panel": PANEL, **changes}


def brief_step(**changes: Any) -> dict[str, Any]:
    return {
        "business_need": "The data platform team doubles next year & needs a lead.",
        "ideal_profile": "Has run a migration of a warehouse to streaming.",
        "must_haves": "Python\nSQL at scale\nMentoring",
        "nice_to_haves": "Kafka",
        "target_fill_date": TARGET.isoformat(),
        "urgency": "high",
        **changes,
    }


def after_ack(tandem: Tandem, pushed: dict[str, Any]) -> dict[str, Any]:
    """The view in front of the person once the work after the ack is done: a pushed view
    with an ``external_id`` ("Checking…") is replaced by ``views.update``."""
    external_id = pushed.get("external_id")
    if not external_id:
        return pushed
    updates = [
        c
        for c in tandem.standin.calls_to("views.update")
        if c.params.get("external_id") == external_id
    ]
    assert len(updates) == 1, f"expected one views.update of {external_id}, got {len(updates)}"
    view: dict[str, Any] = updates[0].response["view"]
    return view


class Kickoff:
    """The views of one kickoff, step by step, and the app's answers."""

    def __init__(self, tandem: Tandem, user: str = RECRUITER, *, team_id: str = sr.TEAM_ID):
        self.tandem = tandem
        self.user = user
        self.team_id = team_id
        self.view: dict[str, Any] = {}
        self.reply: Reply | None = None
        self._below: list[dict[str, Any]] = []  # the views under this one (Slack's stack)

    def start(self, title: str = "Staff Data Engineer", channel_id: str = "C0GENERAL") -> Kickoff:
        reply = self.tandem.command(
            "/kickoff", title, user=self.user, channel_id=channel_id, team_id=self.team_id
        )
        assert reply.status == 200 and reply.body == ""
        self.view = opened_view(self.tandem)
        return self

    def step(self, changes: dict[str, Any]) -> Reply:
        self.reply = submit(
            self.tandem, self.view, user=self.user, changes=changes, team_id=self.team_id
        )
        assert self.reply.status == 200
        body = self.reply.json or {}
        if body.get("response_action") == "push":
            self._below.append(self.view)
            self.view = after_ack(self.tandem, body["view"])
        return self.reply

    def back(self) -> Kickoff:
        """*Back* on a pushed view: the one below, with its answers."""
        self.view = self._below.pop()
        return self

    def shown_text(self) -> str:
        """Everything the current view says (a step-1 problem found after the ack, say)."""
        return json.dumps(self.view.get("blocks") or [], ensure_ascii=False)

    def complete(
        self,
        role: dict[str, Any] | None = None,
        brief: dict[str, Any] | None = None,
        contract: dict[str, Any] | None = None,
    ) -> Reply:
        assert self.step(role_step() if role is None else role).json["response_action"] == "push"
        assert self.step(brief_step() if brief is None else brief).json["response_action"] == "push"
        return self.step(contract or {})


def only_role(tandem: Tandem) -> Role:
    with tandem.database.sessions() as session:
        roles = session.scalars(select(Role)).all()
        assert len(roles) == 1, roles
        return roles[0]
