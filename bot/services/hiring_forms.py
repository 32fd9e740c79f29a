"""Validation of the candidate and interview modals (errors keyed by block id)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.models import CandidateStage
from bot.services.candidates import ACTIVE_STAGES, SOURCES, NewCandidate
from bot.services.form_values import clock_time, row_id
from bot.services.interviews import KINDS, InterviewTimes

NAME = "candidate_name"
SOURCE = "candidate_source"
ATS_URL = "candidate_ats_url"
STAGE = "candidate_stage"
CANDIDATE = "candidate"
KIND = "interview_kind"
DAY = "interview_day"
START = "interview_start"
END = "interview_end"
INTERVIEWERS = "interviewers"
MAX_INTERVIEW = timedelta(hours=8)


class FormErrors(Exception):
    """A modal's input was refused; ``errors`` (by block id) are shown next to the fields."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass
class Checked:
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class CandidateForm(Checked):
    candidate: NewCandidate | None = None


def check_candidate(values: dict[str, Any]) -> CandidateForm:
    form = CandidateForm()
    name = " ".join((values.get(NAME) or "").split())
    if not name:
        form.errors[NAME] = "Type the candidate's name."
    elif len(name) > 120:
        form.errors[NAME] = "Keep the name under 120 characters."
    source = values.get(SOURCE) or ""
    if source not in SOURCES:
        form.errors[SOURCE] = "Pick where the candidate came from."
    url = (values.get(ATS_URL) or "").strip() or None
    if url and (not url.startswith(("https://", "http://")) or len(url) > 500 or " " in url):
        form.errors[ATS_URL] = (
            "Paste the full link to the ATS profile (https://…), or leave it empty."
        )
    stage = values.get(STAGE) or CandidateStage.SCREENING
    if stage not in {s.value for s in ACTIVE_STAGES}:
        form.errors[STAGE] = "Pick the stage the candidate is at."
    if form.ok:
        form.candidate = NewCandidate(name, source, url, CandidateStage(stage))
    return form


@dataclass
class InterviewForm(Checked):
    kind: str = ""
    times: InterviewTimes | None = None
    interviewers: list[str] = field(default_factory=list)
    candidate_id: int | None = None


def check_interview(
    values: dict[str, Any], *, today: date, with_candidate: bool, bots: set[str]
) -> InterviewForm:
    form = InterviewForm()
    if with_candidate:
        form.candidate_id = row_id(values.get(CANDIDATE))
        if form.candidate_id is None:
            form.errors[CANDIDATE] = "Pick the candidate."
    kind = values.get(KIND) or ""
    if kind not in KINDS:
        form.errors[KIND] = "Pick the kind of interview."
    form.kind = kind
    try:
        day = date.fromisoformat(values.get(DAY) or "")
    except ValueError:
        form.errors[DAY] = "Pick the day of the interview."
        day = None
    if day is not None and abs((day - today).days) > 366:
        form.errors[DAY] = "Pick a day within a year of today."
    start, end = clock_time(values.get(START)), clock_time(values.get(END))
    if start is None or end is None:
        form.errors[END] = "Pick when the interview starts and ends."
        start = end = None
    if start is not None and end is not None:
        if end <= start:
            form.errors[END] = "The interview must end after it starts."
        elif (end.hour * 60 + end.minute) - (
            start.hour * 60 + start.minute
        ) > MAX_INTERVIEW.total_seconds() / 60:
            form.errors[END] = "That is longer than 8 hours; log each session separately."
    interviewers = list(dict.fromkeys(values.get(INTERVIEWERS) or []))
    if not interviewers:
        form.errors[INTERVIEWERS] = "Pick who interviewed (they will be asked for feedback)."
    elif set(interviewers) & bots:
        form.errors[INTERVIEWERS] = "Interviewers must be people; remove apps and bots."
    form.interviewers = interviewers
    if form.ok and day is not None and start is not None and end is not None:
        form.times = InterviewTimes(day, start, end)
    return form
