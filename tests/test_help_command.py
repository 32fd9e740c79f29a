"""``/tandem help`` over signed HTTP, and what unsigned or stale requests get."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import func, select

from bot.models import ProcessedEvent, Workspace
from tests import slack_requests as sr
from tests.harness import Tandem

RECRUITER = "U0RECRUIT"


def test_help_lists_every_command_ephemerally(tandem: Tandem) -> None:
    reply = tandem.command("/tandem", "help", user=RECRUITER)

    assert reply.status == 200
    body = reply.json
    assert body["response_type"] == "ephemeral"
    shown = "\n".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")
    for command in ("/kickoff", "/scorecard", "/tandem help"):
        assert command in shown
    assert "/kickoff" in body["text"]


def test_unknown_subcommand_answers_with_help_not_an_error(tandem: Tandem) -> None:
    reply = tandem.command("/tandem", "frobnicate <!channel> now", user=RECRUITER)

    assert reply.status == 200
    first = reply.json["blocks"][0]["text"]["text"]
    assert "frobnicate &lt;!channel&gt; now" in first
    assert "<!channel>" not in reply.body
    assert any("/kickoff" in b.get("text", {}).get("text", "") for b in reply.json["blocks"])


def test_bare_tandem_shows_help(tandem: Tandem) -> None:
    reply = tandem.command("/tandem", "", user=RECRUITER)
    assert reply.status == 200
    assert reply.json["blocks"][0]["type"] == "header"


def _help_body() -> str:
    return sr.slash_command_body("/tandem", "help", user_id=RECRUITER)


def test_unsigned_request_is_refused(tandem: Tandem) -> None:
    reply = tandem.request(
        "/slack/events", _help_body(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert reply.status == 401
    assert tandem.standin.calls == []


def test_wrongly_signed_request_is_refused(tandem: Tandem) -> None:
    reply = tandem.post_signed(
        _help_body(), "application/x-www-form-urlencoded", secret="not-the-secret"
    )
    assert reply.status == 401


def test_stale_request_is_refused_and_changes_nothing(tandem: Tandem) -> None:
    event = {"type": "app_home_opened", "user": RECRUITER, "channel": "D1", "tab": "home"}
    body = sr.event_envelope(event, event_id="Ev0STALE")
    reply = tandem.post_signed(body, "application/json", timestamp=int(time.time()) - 301)

    assert reply.status == 401
    assert tandem.standin.calls_to("views.publish") == []
    with tandem.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


def test_signature_matches_slacks_published_example() -> None:
    """Slack's worked example (verifying-requests-from-slack) through the same signer."""
    vector = json.loads((Path(__file__).parent / "data" / "signature_test_vector.json").read_text())
    headers = sr.signed_headers(
        vector["body"],
        "application/x-www-form-urlencoded",
        secret=vector["signing_secret"],
        timestamp=int(vector["x_slack_request_timestamp"]),
    )
    assert headers["X-Slack-Signature"] == vector["expected_x_slack_signature"]


def _setting(tandem: Tandem, text: str, user: str) -> str:
    """The answer to a settings command: sent to the response_url once the ack is out."""
    assert tandem.command("/tandem", text, user=user).body == ""
    return str(tandem.standin.last("response_url").params["text"])


def test_admin_sets_the_holiday_country_and_candidate_names(tandem: Tandem) -> None:
    tandem.standin.add_user("U0ADMIN", "ada", is_admin=True)
    tandem.standin.add_user(RECRUITER, "rita")
    assert "US" in _setting(tandem, "holidays us", "U0ADMIN")
    assert "Only a workspace admin" in _setting(tandem, "holidays US", RECRUITER)
    assert "not a country code" in _setting(tandem, "holidays Atlantis", "U0ADMIN")
    assert "full names" in _setting(tandem, "names full", "U0ADMIN")
    with tandem.database.sessions() as session:
        workspace = session.scalars(select(Workspace)).one()
    assert workspace.holiday_country == "US" and workspace.full_names_in_channels is True
    assert "Monday to Friday" in _setting(tandem, "holidays off", "U0ADMIN")
