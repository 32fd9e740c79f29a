"""Every slash command, callback, block and action id Tandem uses, in one place."""

from enum import StrEnum


class Command(StrEnum):
    KICKOFF = "/kickoff"
    SCORECARD = "/scorecard"
    TANDEM = "/tandem"


class Callback(StrEnum):
    """``callback_id`` of each modal."""

    KICKOFF_ROLE = "kickoff-role"
    KICKOFF_BRIEF = "kickoff-brief"
    KICKOFF_CONTRACT = "kickoff-contract"
    PLAN = "plan"
    ADD_CANDIDATE = "candidate-add"
    MOVE_CANDIDATE = "candidate-move"
    LOG_INTERVIEW = "interview-log"
    EDIT_INTERVIEW = "interview-edit"
    FEEDBACK = "feedback"
    SKIP_CHECKIN = "checkin-skip"
    MOVE_CHECKIN = "checkin-move"
    CLOSE_ROLE = "role-close"
    RETRO_ANSWER = "retro-answer"
    ACTION_ITEM = "retro-action-item"
    QUALITY_CHECK = "quality-check"
    SURVEY_SCORE = "candidate-survey"
    FOCUS_AREAS = "interview-focus"
    PANEL_FOCUS = "panel-focus"
    # ``/tandem forget-candidate``: pick the candidate, then confirm the erasure.
    FORGET_PICK = "forget-candidate-pick"
    FORGET_CONFIRM = "forget-candidate-confirm"
    # App Home, admins only: the workspace's settings.
    WORKSPACE_SETTINGS = "workspace-settings"


class Action(StrEnum):
    """``action_id`` of each button Tandem reacts to."""

    AGREE = "brief-agree"
    EDIT = "brief-edit"
    CHANGE_PLAN = "brief-change-plan"
    ACKNOWLEDGE = "brief-acknowledge"
    POST_AGAIN = "brief-post-again"
    ADD_CANDIDATE = "brief-add-candidate"
    MOVE_CANDIDATE = "brief-move-candidate"
    LOG_INTERVIEW = "brief-log-interview"
    EDIT_INTERVIEW = "interview-edit"
    CANCEL_INTERVIEW = "interview-cancel"
    SUBMIT_FEEDBACK = "feedback-open"
    SNOOZE = "nudge-snooze"
    MUTE_ROLE = "nudge-mute-role"
    MARK_DONE = "obligation-done"
    SKIP_CHECKIN = "checkin-skip"
    MOVE_CHECKIN = "checkin-move"
    CLOSE_ROLE = "brief-close"
    REOPEN_ROLE = "brief-reopen"
    # On the "hired" note of *Move candidate*: close the role as filled with that candidate.
    CLOSE_AS_FILLED = "candidate-hired-close"
    RECORD_SURVEY = "brief-record-survey"
    PANEL_FOCUS = "brief-panel-focus"
    FOCUS_AREAS = "interview-focus"
    RETRO_ANSWER = "retro-answer"
    ADD_ACTION_ITEM = "retro-add-action-item"
    ACTION_ITEM_DONE = "action-item-done"
    QUALITY_CHECK = "quality-check-open"
    # In the Home tab: another page of one of its lists (value ``"<list>:<page>"``).
    HOME_PAGE = "home-page"
    # In the Home tab, admins only: open the workspace settings.
    EDIT_WORKSPACE_SETTINGS = "home-workspace-settings"


class Suggestion(StrEnum):
    """``action_id`` of each ``external_select`` whose options Tandem serves (Slack sends a
    ``block_suggestion`` request to the interactivity URL as the person types)."""

    CANDIDATE = "candidate-search"
    # ``/tandem forget-candidate``'s picker: the candidates the person may erase, any role.
    FORGET_CANDIDATE = "forget-candidate-search"


class Field(StrEnum):
    """``block_id`` of each modal input; validation errors are keyed by these."""

    # Step 1: the role and its people.
    TITLE = "title"
    LEVEL = "level"
    LOCATION = "location"
    HEADCOUNT = "headcount"
    HIRING_MANAGER = "hiring_manager"
    RECRUITER = "recruiter"
    SAME_PERSON = "same_person"
    CHANNEL_MODE = "channel_mode"
    CHANNEL = "channel"
    PANEL = "panel"
    # Step 2: the brief.
    BUSINESS_NEED = "business_need"
    IDEAL_PROFILE = "ideal_profile"
    MUST_HAVES = "must_haves"
    NICE_TO_HAVES = "nice_to_haves"
    TARGET_DATE = "target_fill_date"
    URGENCY = "urgency"
    # Step 3: the collaboration contract.
    TURNAROUND = "turnaround"
    CHECKIN_DAY = "checkin_day"
    CHECKIN_TIME = "checkin_time"
    SLATE_SIZE = "slate_size"
    SLATE_DUE = "slate_due"
    CANDIDATE_UPDATE_DAYS = "candidate_update_days"
    RESUME_REVIEW_DAYS = "resume_review_days"
    # Close role (issue 12, the close): the outcome and what it needs.
    CLOSE_OUTCOME = "close_outcome"
    CLOSE_HIRES = "close_hires"
    CLOSE_OFFER_DATE = "close_offer_accepted_on"
    CLOSE_START_DATE = "close_start_on"
    CLOSE_REASON = "close_reason"
    # The retro answer.
    RETRO_PARTNERSHIP = "retro_partnership"
    RETRO_SPEED = "retro_speed"
    RETRO_CANDIDATES = "retro_candidate_quality"
    RETRO_WORKED = "retro_what_worked"
    RETRO_CHANGE = "retro_what_to_change"
    RETRO_ANONYMOUS = "retro_anonymous"
    # An action item from a retro.
    ACTION_FROM_RETRO = "action_from_retro"
    ACTION_TEXT = "action_text"
    ACTION_OWNER = "action_owner"
    ACTION_DUE = "action_due_on"
    # Interview focus areas (the log-interview modal; the brief's panel focus modal).
    FOCUS_PREFIX = "focus"
    # The workspace settings (App Home, admins only).
    SETTING_HOLIDAYS = "setting_holiday_country"
    SETTING_NAMES = "setting_candidate_names"
    SETTING_TURNAROUND = "setting_turnaround"
    SETTING_CHECKIN_DAY = "setting_checkin_day"
    SETTING_CHECKIN_TIME = "setting_checkin_time"
    SETTING_ANONYMITY = "setting_anonymity"
    SETTING_RETENTION = "setting_retention_days"
    SETTING_ADMIN_GROUP = "setting_admin_group"


def responsibility_field(area_key: str, side: str) -> str:
    """Block id of one cell of the responsibility matrix, e.g. ``resp:offer:hm``."""
    return f"resp:{area_key}:{side}"


def plan_owner_field(stage: str) -> str:
    return f"plan:{stage}:owner"


def plan_date_field(stage: str) -> str:
    return f"plan:{stage}:date"


# Every input element uses this action_id; the block_id says which field it is.
VALUE = "value"
