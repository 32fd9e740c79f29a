"""``tandem demo``: the whole story plays through the real app, its transcript covers every
step and every capability, the HTML page stands alone, and it is fast."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from freezegun import freeze_time
from slack_sdk import WebClient

from bot.demo import STEPS, DemoResult, run_demo
from bot.demo.capture import Capture, Context
from bot.demo.html import transcript_html
from bot.demo.mrkdwn import Reader, mrkdwn_to_text
from bot.demo.render import blocks_to_lines, post_lines, section_text
from bot.demo.transcript import Person, Post, Section, SharedFile, Surface, Transcript
from bot.manifest import load_manifest
from bot.sandbox.slack_standin import BOT_USER_ID, SlackStandin
from bot.scheduler.registry import all_jobs
from bot.slack.ids import Action, Callback, Command

# The demo is played once per module (a module fixture): keep its tests on one worker.
pytestmark = pytest.mark.xdist_group("demo")

# Declared or handled by Tandem but deliberately not in the story, each with the reason.
# Everything else — every slash command, button and modal in bot/slack/ids.py, every event the
# manifest subscribes to, every scheduled job — must be used by some step of
# bot/demo/script.py.
NOT_IN_THE_STORY = {
    Action.POST_AGAIN: "recovery after Slack refused a post; tests/test_kickoff.py covers it",
    Action.CANCEL_INTERVIEW: "the story keeps its interview; tests/test_nudge_ladder.py covers cancelling",
    Action.HOME_PAGE: "the Home tab pages only past 15 items owed or 20 roles; tests/test_app_home.py covers it",
    Action.EDIT_WORKSPACE_SETTINGS: "set once per workspace by an admin; tests/test_admin_settings.py covers it",
    Callback.WORKSPACE_SETTINGS: "set once per workspace by an admin; tests/test_admin_settings.py covers it",
    Callback.FORGET_PICK: "erasing a candidate is not part of a hire; tests/test_forget_candidate.py covers it",
    Callback.FORGET_CONFIRM: "erasing a candidate is not part of a hire; tests/test_forget_candidate.py covers it",
    "app_uninstalled": "uninstalling ends the story; tests/test_events.py covers it",
    "tokens_revoked": "uninstalling ends the story; tests/test_events.py covers it",
}


def subscribed_events() -> set[str]:
    """Event types the manifest subscribes to (``message.channels`` is a ``message``)."""
    events = load_manifest()["settings"]["event_subscriptions"]["bot_events"]
    return {str(e).split(".", 1)[0] for e in events}


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
    b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


# A Wednesday; the story starts the Monday after.
DEMO_TODAY = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@dataclass
class Run:
    result: DemoResult
    text: str
    progress: str
    html: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The demo, played once in this process for every test of this module. It starts from
    a fixed day: the expectations below name wall times of a week in which London and New
    York are five hours apart (in the weeks between the US and the UK changing clocks the
    story, correctly, reads an hour off). The demo's own clock then moves through its story."""
    out, progress = io.StringIO(), io.StringIO()
    html_path = tmp_path_factory.mktemp("demo") / "demo.html"
    with freeze_time(DEMO_TODAY, tick=True):
        result = run_demo(out=out, progress=progress, html_path=html_path)
    print(f"\ntandem demo played in {result.elapsed_seconds:.2f} s")
    return Run(result, out.getvalue(), progress.getvalue(), html_path.read_text("utf-8"))


def test_every_step_is_in_the_transcript_with_what_tandem_showed(run: Run) -> None:
    sections = run.result.transcript.sections
    assert [s.title for s in sections] == [step.title for step in STEPS]
    for number, step in enumerate(STEPS, start=1):
        assert f"{number}/{len(STEPS)} · {step.title}" in run.text
        assert f"[{number}/{len(STEPS)}] {step.title}…" in run.progress
    for section in sections:
        assert section.posts(), f"Tandem showed nothing in step {section.title!r}"


def _flat(text: str) -> str:
    """The transcript with wrapped lines joined again (wrapping is for the terminal)."""
    return re.sub(r"\s*\n\s*(?:│ )?", " ", text)


def test_transcript_shows_each_capability_as_a_slack_reader_sees_it(run: Run) -> None:
    text = _flat(run.text)
    for expected in (
        # /tandem help, only to the person who asked
        "#general — Tandem (only visible to you, @rita)",
        "Tandem commands",
        # App Home
        "[App Home] Tandem's Home tab — what @rita sees",
        "Welcome to Tandem",
        # the three-step kickoff modal, pre-filled
        "[modal] Kickoff · 1 of 3 — opens for @rita",
        "Role title: [Staff Data Engineer]",
        "[modal] Kickoff · 3 of 3",
        "[Cancel] [Post brief]",
        # channel, invitations, the pinned brief
        "Tandem created #hire-staff-data-engineer.",
        "Tandem invited @hank, @rita, @kenji, @greta to #hire-staff-data-engineer.",
        "#hire-staff-data-engineer — Tandem 📌",
        "Kickoff brief: Staff Data Engineer",
        "Tandem pinned its message in #hire-staff-data-engineer",
        "[Agree to contract] [Edit brief] [Change plan]",
        # agreement, refusal, signature
        "+ ⏳ Contract not signed yet — waiting for @hank to agree",
        "(only visible to you, @kenji)",
        "Only the role's recruiter and hiring manager can agree",
        "+ ✅ Contract signed by @rita and @hank — today at 09:40",
        # a digest standing in for several DMs, within the attention budget
        "DM to @hank — Tandem, 11:00 in New York 2 things need you",
        "Tandem sends you at most 3 messages a working day",
        # one escalation post for the role, at the start of the HM's day
        "Tandem, 09:00 in New York (as @hank sees it): 🚨 Feedback on *J.D.*",
        # the edit: revision 2, the diff in the thread, the pending acknowledgement
        "(reply in thread) — Tandem",
        "@rita made *revision 2* of the brief:",
        "~Python; SQL at scale; Mentoring engineers~",
        "Python; SQL at scale; Streaming data (Kafka or Flink)",
        "waiting for @hank to acknowledge (see the thread)",
        "+ ✅ @hank acknowledged the change to the must-haves",
        # the plan change and its acknowledgement
        "[modal] Hiring plan — opens for @hank",
        "@hank made *revision 3* of the brief:",
        "+ ✅ @rita acknowledged the change to the timeline",
        # what next
        "Create the Slack app",
        "in Socket Mode",
        "`tandem manifest`",
        "`connections:write`",
        "`SLACK_APP_TOKEN`",
        "`tandem doctor`",
        "`tandem run`",
        "`tandem manifest --url https://your-host`",
    ):
        assert expected in text, expected


def test_names_dates_and_escapes_are_resolved_for_each_reader(run: Run) -> None:
    text = _flat(run.text)
    assert "<@U" not in text and "<#C" not in text and "<!date" not in text
    assert "&amp;" not in text and "&lt;" not in text
    assert "needs a technical lead" in text and "next year & needs" in text
    # The brief posted at 14:05 London time is read by the HM in New York …
    assert "Tandem 📌, 09:05 in New York (as @hank sees it)" in text
    # … the commitment due at 18:00 in London shows in his zone, and Kenji reads in Tokyo.
    assert "First slate of 5 candidates by" in text and "at 13:00 — @rita" in text
    assert "(only visible to you, @kenji), 19:00 in Tokyo" in text


def test_every_command_button_modal_and_job_is_used_by_some_step(run: Run) -> None:
    used = {(r.kind, r.name) for r in run.result.sent}
    missing = []
    for command in Command:
        if command not in NOT_IN_THE_STORY and ("command", command.value) not in used:
            missing.append(f"slash command {command.value}")
    for action in Action:
        if action not in NOT_IN_THE_STORY and ("block_actions", action.value) not in used:
            missing.append(f"button {action.value}")
    for callback in Callback:
        if callback not in NOT_IN_THE_STORY and ("view_submission", callback.value) not in used:
            missing.append(f"modal {callback.value}")
    for event in subscribed_events():
        if event not in NOT_IN_THE_STORY and ("event", event) not in used:
            missing.append(f"event {event}")
    assert not missing, f"add a step to bot/demo/script.py for: {missing}"
    assert {job.name for job in all_jobs()} <= run.result.jobs_run


def test_the_scorecard_chart_is_embedded_in_the_page(run: Run) -> None:
    assert "data:image/png;base64," in run.html


def test_html_page_is_self_contained_and_has_every_step(run: Run) -> None:
    html = run.html
    assert html.startswith("<!DOCTYPE html>")
    for step in STEPS:
        assert step.title.replace("'", "&#x27;") in html
    assert "Contract signed by" in html and "Kickoff · 1 of 3" in html
    assert not re.search(r"""\bsrc\s*=\s*["']?(https?:)?//""", html, re.I)
    assert not re.search(r"<link\b|<script\b|@import|url\(", html, re.I)
    assert not re.search(r"""<[^>]+\bhref\s*=\s*["']?(https?:)?//""", html, re.I)


def test_tandem_demo_command_ignores_the_callers_slack_settings(tmp_path: Path) -> None:
    """From a fresh shell, with someone's real settings around: exit 0, nothing left behind."""
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=not-a-token\nDATABASE_URL=mysql://nope\n")
    env = {
        **os.environ,
        "SLACK_CLIENT_ID": "123.456",
        "SLACK_CLIENT_SECRET": "secret",
        "SLACK_APP_TOKEN": "xapp-1-socket-mode",
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    html = tmp_path / "out" / "demo.html"
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "tandem"), "demo", "--html", str(html)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    for number, step in enumerate(STEPS, start=1):
        assert step.title in completed.stdout
        assert f"[{number}/{len(STEPS)}]" in completed.stderr
    assert "Traceback" not in completed.stderr and "ERROR" not in completed.stderr
    assert html.is_file() and "Contract signed by" in html.read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env", "out"]

    quiet = subprocess.run(
        [str(Path(sys.executable).parent / "tandem"), "demo", "--quiet"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert STEPS[-1].title in quiet.stdout


# -- the renderers, on their own ----------------------------------------------------------

RITA = Person("U0RITA", "rita", "Rita Rahman", "Europe/London", "recruiter")
KENJI = Person("U0KENJI", "kenji", "Kenji Sato", "Asia/Tokyo", "interviewer")
NOON_UTC = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _transcript() -> Transcript:
    return Transcript(
        workspace="Acme Talent",
        people={p.id: p for p in (RITA, KENJI)},
        channels={"C0HIRE": "hire-x"},
    )


def test_dates_render_in_the_readers_zone_and_relative_to_their_day() -> None:
    transcript = _transcript()
    stamp = int(NOON_UTC.timestamp())
    text = f"Due <!date^{stamp}^{{date_short_pretty}} at {{time}}|Tue 01 Dec 2026 12:00 UTC>"
    assert mrkdwn_to_text(text, Reader(transcript, RITA.id, NOON_UTC)) == "Due today at 12:00"
    # 21:00 in Tokyo, seen there the next morning.
    next_morning = datetime(2026, 12, 2, 0, 30, tzinfo=UTC)
    assert mrkdwn_to_text(text, Reader(transcript, KENJI.id, next_morning)) == (
        "Due yesterday at 21:00"
    )


def test_mentions_links_and_escapes_read_as_slack_shows_them() -> None:
    reader = Reader(_transcript(), RITA.id, NOON_UTC)
    text = "<@U0KENJI> in <#C0HIRE>: R&amp;D &lt;3 <https://example.org/x|the ATS> <!here>"
    assert mrkdwn_to_text(text, reader) == (
        "@kenji in #hire-x: R&D <3 the ATS (https://example.org/x) @here"
    )


def test_blocks_render_fields_in_two_columns_and_buttons_in_brackets() -> None:
    reader = Reader(_transcript(), RITA.id, NOON_UTC)
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Brief"}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Recruiter*\n<@U0RITA>"},
                {"type": "mrkdwn", "text": "*Panel*\n<@U0KENJI>"},
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": ":warning: pending"}]},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Agree"}},
                {"type": "button", "text": {"type": "plain_text", "text": "Edit"}},
            ],
        },
    ]
    lines = blocks_to_lines(blocks, reader)
    assert lines[:2] == ["Brief", "═════"]
    assert re.fullmatch(r"\*Recruiter\* +\*Panel\*", lines[2])
    assert re.fullmatch(r"@rita +@kenji", lines[3])
    assert lines[4:] == ["⚠️ pending", "[Agree] [Edit]"]


def test_html_escapes_user_text_and_embeds_uploaded_images() -> None:
    transcript = _transcript()
    post = Post(
        Surface.CHANNEL,
        NOON_UTC,
        RITA.id,
        channel="C0HIRE",
        text="*Bold* &lt;script&gt;alert(1)&lt;/script&gt; <b>raw</b> `x<y`",
        files=[SharedFile("F1", "chart.png", "Time to fill", PNG)],
    )
    transcript.sections.append(
        Section(1, 1, "A <step>", "About & more", NOON_UTC, RITA.id, items=[post])
    )
    html = transcript_html(transcript)
    assert "<script>" not in html and "<b>raw</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html and "<code>x&lt;y</code>" in html
    assert "<b>Bold</b>" in html and "A &lt;step&gt;" in html
    assert 'src="data:image/png;base64,' in html
    shown = section_text(transcript.sections[0], transcript)
    assert f"📎 Time to fill (chart.png, {len(PNG)} bytes)" in shown


def test_a_chart_uploaded_to_slack_is_captured_with_its_bytes() -> None:
    """The hook for charts: files_upload_v2 to the stand-in keeps the bytes, the capture
    turns the upload into a post in the channel, and the page embeds it."""
    transcript = _transcript()
    with SlackStandin() as standin:
        standin.add_channel("C0HIRE", "hire-x", members={BOT_USER_ID})
        client = WebClient(token="xoxb-test", base_url=standin.api_url)
        client.files_upload_v2(
            channel="C0HIRE",
            content=PNG,
            filename="chart.png",
            title="Time to fill",
            initial_comment="The scorecard",
        )
        items = Capture(transcript, standin).from_calls(
            standin.calls, Context(actor=None, reader=RITA.id)
        )
    posts = [item for item in items if isinstance(item, Post)]
    assert len(posts) == 1
    assert posts[0].text == "The scorecard" and posts[0].channel == "C0HIRE"
    assert [(f.name, f.title, f.content) for f in posts[0].files] == [
        ("chart.png", "Time to fill", PNG)
    ]
    transcript.sections.append(Section(1, 1, "Chart", "", NOON_UTC, RITA.id, items=items))
    assert 'src="data:image/png;base64,' in transcript_html(transcript)


def test_a_direct_message_reads_as_a_dm_to_that_person_in_their_zone() -> None:
    """Nudges will be DMs: shown as ``DM to @kenji``, dates in Tokyo time, whoever the step
    follows."""
    transcript = _transcript()
    with SlackStandin() as standin:
        client = WebClient(token="xoxb-test", base_url=standin.api_url)
        dm = client.conversations_open(users=KENJI.id)["channel"]["id"]
        due = int(NOON_UTC.timestamp())
        client.chat_postMessage(
            channel=dm,
            text="Feedback is due",
            blocks=[
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": f"Due <!date^{due}^{{time}}|12:00 UTC>"},
                },
                {
                    "type": "actions",
                    "elements": [
                        {"type": "button", "text": {"type": "plain_text", "text": "Snooze 1 day"}}
                    ],
                },
            ],
        )
        items = Capture(transcript, standin).from_calls(
            standin.calls, Context(actor=None, reader=RITA.id)
        )
    [post] = [item for item in items if isinstance(item, Post)]
    assert post.surface == Surface.DM and post.reader == KENJI.id
    lines = post_lines(post, transcript)
    assert lines[0].startswith("DM to @kenji — Tandem, ") and lines[0].endswith("in Tokyo")
    assert lines[1:] == ["│ Due 21:00", "│ [Snooze 1 day]"]
