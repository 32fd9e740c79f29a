"""Files through the outbox: an upload row goes through Slack's three steps
(files.getUploadURLExternal, the upload, files.completeUploadExternal) to its channel or DM,
once — also when the answer of the last step is lost — and a corrupt row is parked."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from bot.models import OutboxState
from bot.runtime import Database
from bot.sandbox.slack_standin import SlackStandin
from bot.services import outbox
from tests.clock import advance_clock_to
from tests.outbox_flow import channels, deliverer, queue, row

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _upload(db: Database, channel: str, filename: str = "scorecard-1.png") -> int:
    return queue(
        db,
        method=outbox.UPLOAD,
        channel=channel,
        payload=outbox.upload_payload(
            PNG,
            filename=filename,
            title="Scorecard",
            initial_comment="The scorecard, as a chart",
            alt_text="Time to fill by month",
        ),
    )


def _shared(standin: SlackStandin, channel: str) -> list[dict]:
    return [m for m in standin.posted(channel) if m.get("files")]


def test_an_upload_lands_in_its_channel_with_its_bytes(db: Database, standin: SlackStandin) -> None:
    channels(standin, "C0CHART")
    row_id = _upload(db, "C0CHART")
    deliverer(db, standin).run_until_idle()
    assert row(db, row_id).state == OutboxState.SENT
    [message] = _shared(standin, "C0CHART")
    assert message["text"] == "The scorecard, as a chart"
    [shared] = message["files"]
    assert shared["name"] == "scorecard-1.png" and shared["title"] == "Scorecard"
    assert standin.uploads[shared["id"]]["content"] == PNG
    assert [c.method for c in standin.calls if c.method.startswith("files.")] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


def test_an_upload_to_a_person_goes_to_their_dm(db: Database, standin: SlackStandin) -> None:
    standin.add_user("U0VIEWER", "viewer")
    row_id = _upload(db, "U0VIEWER")
    deliverer(db, standin).run_until_idle()
    assert row(db, row_id).state == OutboxState.SENT
    assert len(_shared(standin, "U0VIEWER")) == 1


def test_a_lost_answer_after_slack_shared_the_file_is_not_uploaded_twice(
    db: Database, standin: SlackStandin
) -> None:
    channels(standin, "C0CHART")
    standin.drop("files.completeUploadExternal", after_processing=True)
    row_id = _upload(db, "C0CHART", filename="scorecard-lost.png")
    deliverer(db, standin).run_until_idle()
    assert row(db, row_id).state == OutboxState.PENDING
    advance_clock_to(datetime.now(UTC) + timedelta(minutes=5))
    deliverer(db, standin).run_until_idle()
    assert row(db, row_id).state == OutboxState.SENT
    assert len(_shared(standin, "C0CHART")) == 1


def test_a_failed_first_step_is_retried(db: Database, standin: SlackStandin) -> None:
    channels(standin, "C0CHART")
    standin.fail("files.getUploadURLExternal", status=503)
    row_id = _upload(db, "C0CHART")
    deliverer(db, standin).run_until_idle()
    assert row(db, row_id).state == OutboxState.PENDING
    advance_clock_to(datetime.now(UTC) + timedelta(minutes=5))
    deliverer(db, standin).run_until_idle()
    deadline = time.monotonic() + 5
    while row(db, row_id).state != OutboxState.SENT and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_shared(standin, "C0CHART")) == 1


def test_a_corrupt_file_is_parked_not_retried(db: Database, standin: SlackStandin) -> None:
    channels(standin, "C0CHART")
    row_id = queue(
        db,
        method=outbox.UPLOAD,
        channel="C0CHART",
        payload={"content_b64": "not base64!", "filename": "x.png", "title": "x"},
    )
    deliverer(db, standin).run_until_idle()
    parked = row(db, row_id)
    assert parked.state == OutboxState.FAILED and parked.last_error == "invalid_arguments"
    assert _shared(standin, "C0CHART") == []
