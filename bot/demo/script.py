"""The story ``tandem demo`` plays: one hire, step by step, one function per step.

Each step lets time pass to when it happens, then does what people do in Slack — type a
command, open the Home tab, press a button, fill in a modal — through :class:`Demo`, which
sends the signed requests and records what Tandem shows whom. The transcript section of a
step is everything recorded while its function ran.

Adding a capability to the demo (whoever ships a capability adds its step):

1. Write ``def your_step(demo: Demo) -> None`` here. Start with
   ``demo.wait_until(demo.day(N, PERSON, "HH:MM"))`` (day 0 is the first Monday; time only
   moves forward), then act with ``demo.slash``, ``demo.open_home``, ``demo.press``,
   ``demo.submit``; find messages with ``demo.pinned``, ``demo.replies``. Scheduled jobs run
   by themselves while time passes, and what they post lands in the step that waited.
2. Add ``Step("Title", "What the capability does, in one sentence.", your_step)`` to
   :data:`STEPS`, in story order.
3. ``tests/test_demo.py`` fails until every slash command, button and modal of
   ``bot/slack/ids.py``, every event the manifest subscribes to and every scheduled job is
   used by some step — so a new capability cannot be left out by accident. (Its
   ``NOT_IN_THE_STORY`` lists the deliberate exceptions, each with its reason.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.demo.session import Cast, Demo, DemoError, Message
from bot.demo.transcript import Person

ROLE = "Staff Data Engineer"
CHANNEL = "hire-staff-data-engineer"

RITA = Person("U0RITA", "rita", "Rita Rahman", "Europe/London", "recruiter")
HANK = Person("U0HANK", "hank", "Hank Moreau", "America/New_York", "hiring manager")
KENJI = Person("U0KENJI", "kenji", "Kenji Sato", "Asia/Tokyo", "interviewer")
GRETA = Person("U0GRETA", "greta", "Greta Vogel", "Europe/Berlin", "interviewer")
CAST = Cast(recruiter=RITA, hiring_manager=HANK, interviewers=(KENJI, GRETA))


@dataclass(frozen=True)
class Step:
    """One step of the story: its title (shown in the progress line and the transcript), one
    sentence on the capability it shows, and the function that plays it."""

    title: str
    about: str
    run: Callable[[Demo], None]


# -- looking things up the way a person would ---------------------------------------------


def the_brief(demo: Demo) -> Message:
    """The role's brief: the message pinned in its channel."""
    return demo.pinned(demo.channel_named(CHANNEL))


def waiting_for_acknowledgement(demo: Demo) -> Message:
    """The latest note in the brief's thread that still has an *Acknowledge* button."""
    for reply in reversed(demo.replies(the_brief(demo))):
        if "Acknowledge" in reply.buttons():
            return reply
    raise DemoError("no change in the brief's thread is waiting for an acknowledgement")


# -- the steps ----------------------------------------------------------------------------


def ask_for_help(demo: Demo) -> None:
    """A newcomer's first command."""
    demo.read_as(RITA)
    demo.wait_until(demo.day(0, RITA, "14:00"))
    demo.slash(RITA, "/tandem", "help")


def open_app_home(demo: Demo) -> None:
    demo.read_as(RITA)
    demo.wait_until(demo.day(0, RITA, "14:02"))
    demo.open_home(RITA)


def kick_off(demo: Demo) -> None:
    """The whole three-step kickoff modal, ending with the brief pinned in a new channel."""
    demo.wait_until(demo.day(0, RITA, "14:05"))
    demo.slash(RITA, "/kickoff", ROLE)
    demo.submit(
        RITA,
        {
            "level": "Staff (L6)",
            "location": "Remote — Americas or Europe",
            "hiring_manager": HANK.id,
            "panel": [KENJI.id, GRETA.id],
        },
    )
    demo.submit(
        RITA,
        {
            "business_need": "The data platform team doubles next year & needs a technical "
            "lead for the move from nightly batches to streaming.",
            "ideal_profile": "Has led a warehouse-to-streaming migration and grown engineers "
            "while doing it.",
            "must_haves": "Python\nSQL at scale\nMentoring engineers",
            "nice_to_haves": "Kafka\ndbt",
            "urgency": "high",
        },
    )
    demo.submit(RITA)  # the suggested contract, matrix and plan, as they are


def recruiter_agrees(demo: Demo) -> None:
    demo.wait_until(demo.day(1, RITA, "09:15"))
    demo.press(RITA, the_brief(demo), "Agree to contract", on="the pinned brief")
    demo.wait_until(demo.day(1, KENJI, "19:00"))
    demo.press(KENJI, the_brief(demo), "Agree to contract", on="the pinned brief")


def hiring_manager_agrees(demo: Demo) -> None:
    demo.wait_until(demo.day(1, HANK, "09:40"))
    demo.press(HANK, the_brief(demo), "Agree to contract", on="the pinned brief")


def recruiter_edits_brief(demo: Demo) -> None:
    """A week in, the must-haves change: revision 2, a diff in the thread, an ack asked."""
    demo.wait_until(demo.day(7, RITA, "11:00"))
    demo.press(RITA, the_brief(demo), "Edit brief", on="the pinned brief")
    demo.submit(RITA)
    demo.submit(RITA, {"must_haves": "Python\nSQL at scale\nStreaming data (Kafka or Flink)"})
    demo.submit(RITA)


def hiring_manager_acknowledges(demo: Demo) -> None:
    demo.wait_until(demo.day(7, HANK, "09:30"))
    change = waiting_for_acknowledgement(demo)
    demo.press(HANK, change, "Acknowledge", on="Tandem's note in the brief's thread")


def hiring_manager_changes_plan(demo: Demo) -> None:
    """The HM interviews and the panel each move five days later."""
    demo.read_as(RITA)
    demo.wait_until(demo.day(9, HANK, "11:00"))
    demo.press(HANK, the_brief(demo), "Change plan", on="the pinned brief")
    plan = {
        b["block_id"]: b["element"].get("initial_date")
        for b in demo.modal(HANK)["blocks"]
        if b.get("type") == "input"
    }
    offer = date.fromisoformat(plan["plan:offer:date"])
    later = {
        field: min(offer, date.fromisoformat(plan[field]) + timedelta(days=5)).isoformat()
        for field in ("plan:hm_interview:date", "plan:panel:date")
    }
    demo.submit(HANK, later)


def recruiter_acknowledges(demo: Demo) -> None:
    demo.wait_until(demo.day(10, RITA, "09:30"))
    change = waiting_for_acknowledgement(demo)
    demo.press(RITA, change, "Acknowledge", on="Tandem's note in the brief's thread")


STEPS: tuple[Step, ...] = (
    Step(
        "Rita asks Tandem for help",
        "`/tandem help` answers only the person who asked, with every command and what it does.",
        ask_for_help,
    ),
    Step(
        "Rita opens Tandem's Home tab",
        "The App Home tab says what Tandem does and lists its commands.",
        open_app_home,
    ),
    Step(
        "Rita kicks off the Staff Data Engineer hire",
        "`/kickoff` opens a three-step modal (the role and its people, the brief, the "
        "collaboration contract and hiring plan). On the last step Tandem saves the role, "
        "creates #hire-<role>, invites both sides and the panel, posts the brief and pins it.",
        kick_off,
    ),
    Step(
        "Rita agrees to the contract",
        "The recruiter and the hiring manager each press *Agree to contract*; the brief "
        "updates in place. Anyone else gets a private explanation.",
        recruiter_agrees,
    ),
    Step(
        "Hank agrees: the contract is signed",
        "With both agreements the brief says the contract is signed, by whom and when.",
        hiring_manager_agrees,
    ),
    Step(
        "Rita edits the brief: the must-haves change",
        "*Edit brief* reopens the kickoff modal pre-filled. Saving makes a new revision (the "
        "old one is kept), updates the pinned brief and posts what changed in its thread; a "
        "change to the must-haves asks the other side to acknowledge it.",
        recruiter_edits_brief,
    ),
    Step(
        "Hank acknowledges the change",
        "Only the person asked can acknowledge. The note in the thread and the brief stop "
        "showing the change as pending.",
        hiring_manager_acknowledges,
    ),
    Step(
        "Hank changes the hiring plan",
        "*Change plan* edits each stage's owner and target date: a new revision like any "
        "other, and the other side is asked to acknowledge the new timeline.",
        hiring_manager_changes_plan,
    ),
    Step(
        "Rita acknowledges the new timeline",
        "Once acknowledged, nothing is pending: both sides have seen every change to the brief.",
        recruiter_acknowledges,
    ),
)
