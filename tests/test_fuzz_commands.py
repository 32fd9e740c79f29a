"""Fuzzed slash commands: every command Tandem has (``/tandem``, ``/scorecard``, ``/kickoff``)
with generated text, from people with every part (recruiter, HM, panel, admin, stranger, a
bot, someone Slack does not know), in channels, DMs and unknown conversations, as signed
requests (see tests/fuzz_support.py for how they are sent and the properties checked on
every one).

"A specific answer where the person can see it", for a command: exactly one answer, private
to the person — an ephemeral reply (the ack, or through ``response_url``) whose text is not
empty, or, for ``/kickoff``, the kickoff modal opened. What it says is the command's own
answer or usage line; Tandem's generic "unexpected problem" apology is a failure. Commands
change settings only, never Tandem's records: the row counts of the main tables stay the
same whatever the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.ids import Command
from tests.conftest import session_today
from tests.fuzz_strategies import kickoff_text, scorecard_text, tandem_text
from tests.fuzz_support import Outcome, World, fuzz_settings, world
from tests.hiring_flow import start_role
from tests.kickoff_flow import ADMIN, HM, PANEL, RECRUITER, SOME_BOT, STRANGER, only_role

CHANNELS = ["C0GENERAL", "D0DIRECT1", "C0UNKNOWN", "G0PRIVATE1"]
PEOPLE = [RECRUITER, HM, PANEL[0], ADMIN, STRANGER, SOME_BOT, "U0NOBODY", "W0ENTERPRISE1"]
# Cases per test in CI's run on SQLite (a tenth of that on PostgreSQL: fuzz_support).
CASES = {Command.TANDEM: 500, Command.SCORECARD: 200, Command.KICKOFF: 150}


@pytest.fixture(scope="module")
def fuzz_world(
    migrated_url: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[World]:
    backend = "sqlite" if migrated_url.startswith("sqlite") else "postgresql"
    directory: Path = tmp_path_factory.mktemp("fuzz-commands")
    with world(migrated_url, directory, session_today(request.config), backend) as built:
        role_id = start_role(built.tandem)
        built.ids["role"] = role_id
        role_channel = only_role(built.tandem).channel_id
        built.ids["channels"] = [*CHANNELS, *([role_channel] if role_channel else [])]
        yield built


def visible_answers(outcome: Outcome) -> list[dict[str, Any]]:
    """What the person who typed the command sees: the ack's message, messages through the
    ``response_url``, a modal opened."""
    answers = []
    ack = outcome.ack_json()
    if isinstance(ack, dict) and ack:
        answers.append(ack)
    answers += outcome.responses()
    answers += [{"modal": c.params.get("view")} for c in outcome.calls if c.method == "views.open"]
    return answers


def check_command(fuzz_world: World, command: str, text: str, user: str, channel: str) -> None:
    outcome = fuzz_world.fuzzer.command(command, text, user=user, channel_id=channel)
    fuzz_world.fuzzer.check(outcome)
    answers = visible_answers(outcome)
    assert len(answers) == 1, (text, answers)
    [answer] = answers
    if "modal" in answer:
        assert command == Command.KICKOFF, answer
        assert answer["modal"]["callback_id"] == "kickoff-role"
    else:
        assert answer.get("response_type") == "ephemeral", answer
        assert str(answer.get("text") or "").strip(), answer
    # A command changes settings, never records; the kickoff modal's draft (one per person,
    # kept for the next step) is the only row one may write.
    fuzz_world.check_records(refused=True, may_change=("kickoff_drafts",))


def _case(
    texts: st.SearchStrategy[str], channels: list[str]
) -> st.SearchStrategy[tuple[str, str, str]]:
    return st.tuples(texts, st.sampled_from(PEOPLE), st.sampled_from(channels))


@pytest.mark.parametrize(
    ("command", "texts"),
    [
        (Command.TANDEM, tandem_text()),
        (Command.SCORECARD, scorecard_text()),
        (Command.KICKOFF, kickoff_text()),
    ],
    ids=["tandem", "scorecard", "kickoff"],
)
def test_fuzzed_command_text_gets_one_private_answer(
    fuzz_world: World, command: Command, texts: st.SearchStrategy[str], record_property: Any
) -> None:
    @fuzz_settings(CASES[command], fuzz_world.backend)
    @given(_case(texts, fuzz_world.ids["channels"]))
    def run(case: tuple[str, str, str]) -> None:
        text, user, channel = case
        check_command(fuzz_world, command, text, user, channel)

    before = fuzz_world.fuzzer.cases
    with fuzz_world.clock():
        run()
    record_property("fuzz_cases", fuzz_world.fuzzer.cases - before)
