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
NEXT_ROLE = "Analytics Engineer"
NEXT_CHANNEL = "hire-analytics-engineer"

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


def option(demo: Demo, person: Person, block_id: str, starting: str) -> str:
    """The value of the option of ``block_id`` (in ``person``'s modal) whose label starts so;
    a searchable menu is searched for it, as the person would type it."""
    for block in demo.modal(person)["blocks"]:
        if block.get("block_id") == block_id:
            if block["element"].get("type") == "external_select":
                return demo.pick(person, block_id, starting)
            for choice in block["element"].get("options", []):
                if choice["text"]["text"].startswith(starting):
                    return str(choice["value"])
    raise DemoError(f"no option {starting!r} in {block_id}")


def the_checkin(demo: Demo) -> Message:
    return demo.latest_post(demo.channel_named(CHANNEL), "Weekly check-in")


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
    demo.slash(HANK, "/tandem", "digest on")


def recruiter_adds_candidates(demo: Demo) -> None:
    """Two candidates; the channel sees initials, the HM is asked for résumé reviews."""
    demo.read_as(RITA)
    demo.wait_until(demo.day(1, RITA, "15:30"))
    for name, source in (("Jane Doe", "referral"), ("Omar Haddad", "sourced")):
        demo.press(RITA, the_brief(demo), "Add candidate", on="the pinned brief")
        demo.submit(RITA, {"candidate_name": name, "candidate_source": source})


def hiring_manager_reviews(demo: Demo) -> None:
    """Hank's résumé reviews come as one digest standing in for two DMs; Jane moves to the
    panel."""
    demo.wait_until(demo.day(1, HANK, "11:30"))
    demo.press(
        HANK, demo.latest_dm(HANK, "2 things need you"), "Mark done", on="his DM from Tandem"
    )
    demo.press(HANK, the_brief(demo), "Move candidate", on="the pinned brief")
    jane = option(demo, HANK, "candidate", "Jane Doe")
    demo.submit(HANK, {"candidate": jane, "candidate_stage": "panel"})


def recruiter_sets_panel_focus(demo: Demo) -> None:
    """Before the panel meets Jane, Rita gives each panel member the must-haves to cover."""
    demo.read_as(RITA)
    demo.wait_until(demo.day(2, RITA, "09:00"))
    demo.press(RITA, the_brief(demo), "Panel focus areas", on="the pinned brief")
    demo.submit(
        RITA,
        {
            f"focus:{KENJI.id}": ["Python", "SQL at scale"],
            f"focus:{GRETA.id}": ["Mentoring engineers"],
        },
    )


def hiring_manager_logs_interview(demo: Demo) -> None:
    """A panel interview on Thursday, then moved an hour later: due times move with it."""
    demo.wait_until(demo.day(2, HANK, "10:00"))
    demo.press(HANK, the_brief(demo), "Log interview", on="the pinned brief")
    jane = option(demo, HANK, "candidate", "Jane Doe")
    thursday = (demo.today(HANK) + timedelta(days=1)).isoformat()
    demo.submit(
        HANK,
        {
            "candidate": jane,
            "interview_kind": "panel",
            "interview_day": thursday,
            "interview_start": "09:00",
            "interview_end": "10:00",
        },
    )
    note = next(r for r in demo.replies(the_brief(demo)) if "Edit interview" in r.buttons())
    demo.press(HANK, note, "Edit interview", on="the interview's note in the brief's thread")
    demo.submit(HANK, {"interview_start": "10:00", "interview_end": "11:00"})
    note = next(r for r in demo.replies(the_brief(demo)) if "Focus areas" in r.buttons())
    demo.press(HANK, note, "Focus areas", on="the interview's note in the brief's thread")
    demo.submit(HANK, {f"focus:{GRETA.id}": ["SQL at scale", "Mentoring engineers"]})


def greta_mutes_reminders(demo: Demo) -> None:
    """The interview ends at 17:00 in Berlin: Greta's request arrives at once."""
    demo.read_as(GRETA)
    demo.wait_until(demo.day(3, GRETA, "17:30"))
    demo.press(
        GRETA, demo.latest_dm(GRETA, "Submit feedback"), "Mute reminders for this role", on="her DM"
    )


def kenji_snoozes(demo: Demo) -> None:
    """For Kenji the interview ended at 01:00 in Tokyo: his request waited for 09:00."""
    demo.read_as(KENJI)
    demo.wait_until(demo.day(4, KENJI, "09:30"))
    demo.press(KENJI, demo.latest_dm(KENJI, "Submit feedback"), "Snooze 1 day", on="his DM")


def greta_submits_on_time(demo: Demo) -> None:
    demo.read_as(GRETA)
    demo.wait_until(demo.day(4, GRETA, "10:00"))
    demo.press(GRETA, demo.latest_dm(GRETA, "Submit feedback"), "Submit feedback", on="her DM")
    demo.submit(
        GRETA,
        {
            "recommendation": "yes",
            "rating:0": "3",
            "rating:1": "4",
            "notes": "Designed the streaming cut-over cleanly; light on mentoring examples.",
        },
    )


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


def recruiter_answers_checkin(demo: Demo) -> None:
    """Monday's check-in went out at 10:00 New York with the pipeline in numbers."""
    demo.read_as(RITA)
    demo.wait_until(demo.day(7, RITA, "16:00"))
    demo.reply_in_thread(
        RITA, the_checkin(demo), "Moved: Jane through the panel. Blocked: Omar's screen slot."
    )


def kenji_is_overdue(demo: Demo) -> None:
    """Due at 01:00 Tuesday in Tokyo; the reminder and the overdue notice wait for 09:00
    and go as one message."""
    demo.read_as(KENJI)
    demo.wait_until(demo.day(8, KENJI, "09:05"))


def hiring_manager_reminded(demo: Demo) -> None:
    """Hank has not answered within one working day: one mention in the thread."""
    demo.wait_until(demo.day(8, HANK, "10:15"))
    demo.reply_in_thread(HANK, the_checkin(demo), "Panel went well; let's move Jane to offer.")


def escalation(demo: Demo) -> None:
    """Kenji's feedback became one working day late overnight (09:00 Wednesday in Tokyo): it
    is raised in the channel at the start of Hank's Wednesday, in one post for the role."""
    demo.wait_until(demo.day(9, HANK, "09:05"))


def kenji_submits_late(demo: Demo) -> None:
    demo.read_as(KENJI)
    demo.wait_until(demo.day(10, KENJI, "10:00"))
    demo.press(KENJI, demo.latest_dm(KENJI, "Submit feedback"), "Submit feedback", on="his DM")
    demo.submit(KENJI, {"recommendation": "strong_yes", "rating:0": "4", "rating:2": "3"})


def hiring_manager_opens_home(demo: Demo) -> None:
    """Hank's Home tab: what he owes today, his roles and their health, his scorecard."""
    demo.read_as(HANK)
    demo.wait_until(demo.day(9, HANK, "10:45"))
    demo.open_home(HANK)


def hiring_manager_changes_plan(demo: Demo) -> None:
    """The HM interviews and the panel each move a week later (still working days)."""
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
        field: min(offer, date.fromisoformat(plan[field]) + timedelta(days=7)).isoformat()
        for field in ("plan:hm_interview:date", "plan:panel:date")
    }
    demo.submit(HANK, later)


def recruiter_acknowledges(demo: Demo) -> None:
    demo.wait_until(demo.day(10, RITA, "09:30"))
    change = waiting_for_acknowledgement(demo)
    demo.press(RITA, change, "Acknowledge", on="Tandem's note in the brief's thread")


def hiring_manager_skips_checkin(demo: Demo) -> None:
    demo.wait_until(demo.day(10, HANK, "10:30"))
    demo.press(HANK, the_checkin(demo), "Skip next week", on="the check-in")
    demo.submit(HANK, {"skip_reason": "Both of us are at the leadership offsite."})


def recruiter_moves_checkin(demo: Demo) -> None:
    demo.read_as(RITA)
    demo.wait_until(demo.day(10, RITA, "16:30"))
    demo.press(RITA, the_checkin(demo), "Change day or time", on="the check-in")
    demo.submit(RITA, {"checkin_day": "1", "checkin_time": "09:30"})


def the_retro(demo: Demo) -> Message:
    return demo.latest_post(demo.channel_named(CHANNEL), "Retro:")


def hiring_manager_hires_jane(demo: Demo) -> None:
    """Jane accepts: Hank moves her to hired and takes the offer to close the role."""
    demo.wait_until(demo.day(11, HANK, "10:00"))
    demo.press(HANK, the_brief(demo), "Move candidate", on="the pinned brief")
    jane = option(demo, HANK, "candidate", "Jane Doe")
    demo.submit(HANK, {"candidate": jane, "candidate_stage": "hired"})
    note = next(r for r in demo.replies(the_brief(demo)) if "Close role as filled" in r.buttons())
    demo.press(HANK, note, "Close role as filled", on="the note in the brief's thread")
    starts = demo.today(HANK) + timedelta(days=17)  # a Monday, three weeks on
    demo.submit(
        HANK,
        {
            "close_offer_accepted_on": demo.today(HANK).isoformat(),
            "close_start_on": starts.isoformat(),
        },
    )


def recruiter_records_survey_score(demo: Demo) -> None:
    """Jane's candidate-experience survey came back: Rita records it on the brief."""
    demo.read_as(RITA)
    demo.wait_until(demo.day(11, RITA, "16:20"))
    demo.press(RITA, the_brief(demo), "Record survey score", on="the pinned brief")
    jane = demo.pick(RITA, "survey_candidate", "Jane")
    demo.submit(RITA, {"survey_candidate": jane, "survey_score": "5"})


def both_sides_answer_the_retro(demo: Demo) -> None:
    """Rita and Hank answer with their names; Greta answers anonymously."""
    demo.wait_until(demo.day(11, RITA, "16:30"))
    demo.press(RITA, the_retro(demo), "Answer the retro", on="the retro poll")
    demo.submit(
        RITA,
        {
            "retro_partnership": "4",
            "retro_speed": "4",
            "retro_candidate_quality": "5",
            "retro_what_worked": "Hank reviewed résumés within a day, every time.",
            "retro_what_to_change": "Agree the panel's interview slots at kickoff.",
        },
    )
    demo.read_as(GRETA)
    demo.wait_until(demo.day(11, GRETA, "17:45"))
    demo.press(GRETA, the_retro(demo), "Answer the retro", on="the retro poll")
    demo.submit(
        GRETA,
        {
            "retro_partnership": "4",
            "retro_speed": "3",
            "retro_candidate_quality": "4",
            "retro_what_to_change": "Send the panel the brief before the interview, not on the day.",
            "retro_anonymous": ["anonymous"],
        },
    )
    demo.read_as(HANK)
    demo.wait_until(demo.day(11, HANK, "12:15"))
    demo.press(HANK, the_retro(demo), "Answer the retro", on="the retro poll")
    demo.submit(
        HANK,
        {
            "retro_partnership": "5",
            "retro_speed": "4",
            "retro_candidate_quality": "4",
            "retro_what_worked": "A shortlist in the first week.",
            "retro_what_to_change": "Feedback from the whole panel within two days.",
        },
    )


def the_retro_summary(demo: Demo) -> None:
    """Kenji never answered: after three working days on Hank's clock the summary replaces
    the poll."""
    demo.read_as(HANK)
    demo.wait_until(demo.day(16, HANK, "10:30"))


def both_sides_read_the_scorecard(demo: Demo) -> None:
    """Rita and Hank each type `/scorecard` in the role's channel: the same numbers, the same
    chart, posted where both see them."""
    demo.read_as(RITA)
    demo.wait_until(demo.day(16, RITA, "15:30"))
    demo.slash(RITA, "/scorecard", channel=demo.channel_named(CHANNEL))
    demo.read_as(HANK)
    demo.wait_until(demo.day(16, HANK, "11:00"))
    demo.slash(HANK, "/scorecard", "me", channel=demo.channel_named(CHANNEL))


def recruiter_adds_action_item(demo: Demo) -> None:
    """Rita turns one *what to change* into an action item that Hank owns."""
    demo.read_as(RITA)
    demo.wait_until(demo.day(16, RITA, "16:00"))
    demo.press(RITA, the_retro(demo), "Add action item", on="the retro summary")
    demo.submit(RITA, {"action_from_retro": "1", "action_owner": HANK.id})


def quality_of_hire(demo: Demo) -> None:
    """Thirty days after Jane's start date, Hank is asked how she is doing."""
    demo.read_as(HANK)
    starts = demo.day(11, HANK, "09:30") + timedelta(days=17)
    demo.wait_until(starts + timedelta(days=30), tick=timedelta(hours=6))
    demo.press(
        HANK, demo.latest_dm(HANK, "How is"), "Answer (2 questions)", on="his DM from Tandem"
    )
    demo.submit(HANK, {"quality_rating": "4", "must_haves_predicted": "yes"})


def next_kickoff_brings_back_the_action_item(demo: Demo) -> None:
    """Rita kicks off her next hire with Hank: their open action item is in the modal and on
    the new brief, and Hank marks it done."""
    demo.read_as(RITA)
    demo.wait_until(demo.day(60, RITA, "10:00"), tick=timedelta(hours=6))
    demo.slash(RITA, "/kickoff", NEXT_ROLE)
    demo.submit(RITA, {"level": "Senior (L5)", "hiring_manager": HANK.id, "panel": [GRETA.id]})
    demo.submit(
        RITA,
        {
            "business_need": "Dashboards for the streaming platform's first customers.",
            "ideal_profile": "Has shipped analytics on event data.",
            "must_haves": "SQL at scale\ndbt",
            "urgency": "normal",
        },
    )
    demo.submit(RITA)
    demo.read_as(HANK)
    demo.wait_until(demo.day(60, HANK, "09:30"))
    brief = demo.pinned(demo.channel_named(NEXT_CHANNEL))
    demo.press(HANK, brief, "Mark done", on="the new role's pinned brief")


def next_role_on_hold(demo: Demo) -> None:
    """The new role is put on hold for a budget review, then reopened."""
    demo.read_as(RITA)
    demo.wait_until(demo.day(60, RITA, "14:45"))
    brief = demo.pinned(demo.channel_named(NEXT_CHANNEL))
    demo.press(RITA, brief, "Close role", on="the new role's pinned brief")
    demo.submit(
        RITA, {"close_outcome": "on_hold", "close_reason": "Budget review until next month"}
    )
    demo.wait_until(demo.day(60, RITA, "16:00"))
    brief = demo.pinned(demo.channel_named(NEXT_CHANNEL))
    demo.press(RITA, brief, "Reopen role", on="the new role's pinned brief")


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
        "With both agreements the brief says the contract is signed, by whom and when. Hank "
        "also asks for the weekly digest: one DM each Monday at 09:00 his time with his roles, "
        "what changed in his scorecard and what is due that week.",
        hiring_manager_agrees,
    ),
    Step(
        "Rita adds two candidates",
        "*Add candidate* records name, source, ATS link and stage. The thread shows initials "
        "only; the hiring manager owes a résumé review within one working day.",
        recruiter_adds_candidates,
    ),
    Step(
        "Hank reviews and moves Jane to the panel",
        "Both reviews came as one digest instead of two DMs: Tandem sends a person at most 3 "
        "DMs a working day, feedback requests when the interview ends and everything else in "
        "a morning and an early-afternoon digest, most urgent first, each item with its own "
        "buttons. *Mark done* settles a commitment; *Move candidate* records the stage change "
        "with who and when.",
        hiring_manager_reviews,
    ),
    Step(
        "Rita gives the panel its focus areas",
        "*Panel focus areas* on the brief gives each panel member the must-haves they are to "
        "cover; every interview they are logged for starts with that focus.",
        recruiter_sets_panel_focus,
    ),
    Step(
        "Hank logs the panel interview, then moves it",
        "*Log interview* takes the times in the logger's zone; feedback is due within 2 "
        "working days of the end, on each interviewer's own clock and inside their working "
        "hours. Editing moves every due time. *Focus areas* on the interview's note changes who "
        "covers what in this interview; each feedback form asks the person's focus first.",
        hiring_manager_logs_interview,
    ),
    Step(
        "Greta gets her feedback request and mutes reminders",
        "The *Submit feedback* DM comes when the interview ends, inside working hours. Muting "
        "drops reminders only: requests, overdue notices and escalations still come.",
        greta_mutes_reminders,
    ),
    Step(
        "Kenji's request waits for the Tokyo morning; he snoozes it",
        "No DM outside 09:00–18:00 of the recipient's working day. *Snooze 1 day* holds the "
        "DMs, not the due time.",
        kenji_snoozes,
    ),
    Step(
        "Greta submits her feedback on time",
        "A recommendation, a 1–4 rating per must-have, notes. She sees the panel's feedback "
        "only after submitting hers — nobody else has yet.",
        greta_submits_on_time,
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
        "Rita answers Monday's check-in",
        "Each open role gets a check-in at the contract's day and time in the HM's zone, with "
        "the pipeline in numbers. Replies in its thread are recorded.",
        recruiter_answers_checkin,
    ),
    Step(
        "Kenji's feedback is overdue",
        "At the due time the overdue DM goes — here at 09:00 Tokyo, the reminder folded into it.",
        kenji_is_overdue,
    ),
    Step(
        "Hank is reminded about the check-in, and answers",
        "Whoever has not replied within one working day is mentioned once in the thread.",
        hiring_manager_reminded,
    ),
    Step(
        "Kenji's late feedback is raised in the channel",
        "One working day after the due time, at the start of the hiring manager's next "
        "working day: one post per role listing what is late and whose it is, mentioning "
        "them and the hiring manager, for everyone on the role to see.",
        escalation,
    ),
    Step(
        "Hank opens his Home tab",
        "App Home first lists what the person owes today — feedback with *Submit feedback*, "
        "commitments with *Mark done*, check-ins awaiting their reply, open retros, changes to "
        "acknowledge — then the roles they are on with days open against the target, overdue "
        "items per side and whether the contract is signed, then their headline scorecard.",
        hiring_manager_opens_home,
    ),
    Step(
        "Hank changes the hiring plan",
        "*Change plan* edits each stage's owner and target date: a new revision like any "
        "other, and the other side is asked to acknowledge the new timeline.",
        hiring_manager_changes_plan,
    ),
    Step(
        "Kenji submits late; he sees the panel's feedback now",
        "The round's recommendations went to the channel together when its due time passed "
        "(initials, no details, must-haves nobody assessed flagged); a late one is added.",
        kenji_submits_late,
    ),
    Step(
        "Rita acknowledges the new timeline",
        "Once acknowledged, nothing is pending: both sides have seen every change to the brief.",
        recruiter_acknowledges,
    ),
    Step(
        "Hank skips next week's check-in",
        "Either side can skip one week, with a reason that is recorded and noted in the thread.",
        hiring_manager_skips_checkin,
    ),
    Step(
        "Rita moves the check-in to Tuesdays",
        "The check-in's day and time are part of the contract: moving it is a new revision "
        "the other side acknowledges, and the contract is not signed again until they do.",
        recruiter_moves_checkin,
    ),
    Step(
        "Jane accepts: Hank closes the role as filled",
        "Moving a candidate to hired offers *Close role as filled*, pre-filled with them: the "
        "offer-accepted and start dates are recorded, the role's check-ins, nudges and "
        "commitments stop, the brief shows the outcome, and the channel gets the pair's "
        "shared win and the retro poll.",
        hiring_manager_hires_jane,
    ),
    Step(
        "Rita records Jane's survey score",
        "*Record survey score* keeps each candidate's 1–5 candidate-experience score (a closed "
        "role's brief keeps this button: surveys come back after the decision).",
        recruiter_records_survey_score,
    ),
    Step(
        "Rita and Hank answer the retro; Greta answers anonymously",
        "Each person answers in a modal: three 1–5 ratings (the HM rates the recruiting "
        "partnership, the recruiter the HM's responsiveness and clarity), what worked, what "
        "to change. The poll updates in place with who has answered — never what — and "
        "counts anonymous answers without naming anyone.",
        both_sides_answer_the_retro,
    ),
    Step(
        "Three working days later, the summary replaces the poll",
        "First the facts from the role's timeline (days in each stage, feedback on time and "
        "late per side, commitments kept, brief revisions, check-ins), then the ratings and "
        "the items. One anonymous answer is below the threshold of three: withheld, and "
        "the summary says so.",
        the_retro_summary,
    ),
    Step(
        "Rita and Hank look at the shared scorecard",
        "`/scorecard` in a role's channel posts the role's figures there — every number in "
        "text with the count it rests on, a published reference beside time to fill and offer "
        "acceptance, and a chart (colour-blind-safe) of time to fill and feedback on time by "
        "month and each side's contract kept. `/scorecard me` answers only the person, with "
        "the chart in their DM.",
        both_sides_read_the_scorecard,
    ),
    Step(
        "Rita turns a *what to change* into an action item",
        "The summary's *Add action item* (recruiter, HM or admin) takes one of its *what to "
        "change* items or new words, an owner on either side and an optional due date; the "
        "summary lists it.",
        recruiter_adds_action_item,
    ),
    Step(
        "Thirty days after Jane starts, Hank is asked how she is doing",
        "Quality of hire: a DM at 30, 60 and 90 days after the start date, inside the HM's "
        "working hours and never twice — 1–5 and whether the must-haves predicted it.",
        quality_of_hire,
    ),
    Step(
        "Rita's next kickoff with Hank brings back their action item",
        "When the same recruiter and HM start a new `/kickoff`, the modal and the new brief "
        "show their open action items; either can *Mark done*.",
        next_kickoff_brings_back_the_action_item,
    ),
    Step(
        "The next role goes on hold, and is reopened",
        "*Close role* can also hold a role (with a reason): its check-ins and reminders stop "
        "until *Reopen role* puts it back to open with its history.",
        next_role_on_hold,
    ),
)
