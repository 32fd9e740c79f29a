"""The App Home dashboard: what the person owes today, the roles they are on, their scorecard.

Each list is capped by the service (``bot/services/home.py``) and says how many more there
are, so the view stays well within Slack's 100 blocks whatever the person is on. A person on
no role who owes nothing gets the welcome (what Tandem does, how to start).
"""

from __future__ import annotations

from typing import Any

from bot.blocks.admin_settings import home_section
from bot.blocks.help import home_blocks
from bot.blocks.nudges import home_items_blocks
from bot.blocks.scorecard import figure_value
from bot.blocks.text import context, divider, escape_mrkdwn, header, plain, section
from bot.dates import plain_date, slack_datetime
from bot.models.role import RoleStatus, Side
from bot.services.home import Capped, Dashboard, RoleLine
from bot.slack.ids import Action, Command

BLOCK_LIMIT = 100
STATUS = {RoleStatus.OPEN: "open", RoleStatus.ON_HOLD: "on hold"}


def _button(text: str, action_id: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": plain(text),
        "action_id": action_id,
        "value": value,
        "style": "primary",
    }


def pager(section: str, listed: Capped[Any], noun: str) -> list[dict[str, Any]]:
    """Under a list longer than a page: which of them are shown, and *More* (the next page)
    or, on the last page, *Back to the first*."""
    if not listed.more and not listed.page:
        return []
    first, last = listed.offset + 1, listed.offset + len(listed.shown)
    step = ("More", listed.page + 1, "primary") if listed.more else ("Back to the first", 0, None)
    label, page, style = step
    button: dict[str, Any] = {
        "type": "button",
        "text": plain(label),
        "action_id": Action.HOME_PAGE,
        "value": f"{section}:{page}",
    }
    if style:
        button["style"] = style
    return [
        context(f"{first}–{last} of {listed.total} {noun}."),
        {"type": "actions", "block_id": f"home-page-{section}", "elements": [button]},
    ]


def _owed(board: Dashboard) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if board.items.shown:
        blocks += home_items_blocks(board.items.shown, now=board.now, total=board.items.total)
        blocks += pager("items", board.items, "items owed")
    if board.checkins.shown:
        lines = [
            f"• *{escape_mrkdwn(c.role_title)}* — the check-in of week {escape_mrkdwn(c.week)}, "
            f"reply in its thread by {slack_datetime(c.reply_due_at)}"
            for c in board.checkins.shown
        ]
        blocks += [
            header("Check-ins waiting for your reply"),
            section("\n".join(lines)),
            *pager("checkins", board.checkins, "check-ins"),
        ]
    if board.polls.shown:
        blocks.append(header("Retros open"))
        for poll in board.polls.shown:
            text = (
                f"The retro of *{escape_mrkdwn(poll.role_title)}*, open until "
                f"{slack_datetime(poll.closes_at)} — not answered with your name yet (an "
                "anonymous answer is not shown here)."
            )
            blocks.append(
                {
                    **section(text),
                    "accessory": _button(
                        "Answer the retro", Action.RETRO_ANSWER, str(poll.poll_id)
                    ),
                }
            )
        blocks += pager("polls", board.polls, "retros")
    if board.acks.shown:
        blocks.append(header("Changes to acknowledge"))
        for ack in board.acks.shown:
            topics = ", ".join(escape_mrkdwn(t) for t in ack.topics[:5]) or "brief"
            text = (
                f"*{escape_mrkdwn(ack.role_title)}* — revision {ack.revision} changed the "
                f"{topics}; please acknowledge it."
            )
            blocks.append(
                {
                    **section(text),
                    "accessory": _button("Acknowledge", Action.ACKNOWLEDGE, str(ack.ack_id)),
                }
            )
        blocks += pager("acks", board.acks, "changes")
    if not blocks:
        blocks.append(section(":white_check_mark: You owe nothing right now."))
    return blocks


def _side_label(side: str) -> str:
    return "recruiter" if side == Side.RECRUITER else "HM"


def role_line(line: RoleLine) -> str:
    """``*Title* · open · you are the hiring manager`` then its health: days open against
    the target, overdue items per side, whether the contract is signed."""
    status = STATUS.get(RoleStatus(line.status), line.status)
    first = f"*{escape_mrkdwn(line.title)}* · {status} · you are {'on the panel' if line.capacity == 'panel' else 'the ' + line.capacity}"
    if line.target_days is not None and line.target_date is not None:
        days = f"Day {line.days_open} of {line.target_days} (target {plain_date(line.target_date)})"
        if line.days_open > line.target_days:
            days = f":warning: {days}, {line.days_open - line.target_days} days past target"
    else:
        days = f"Day {line.days_open}"
    late = [
        f"{_side_label(side)} side {line.overdue.get(side, 0)}"
        for side in (Side.RECRUITER, Side.HIRING_MANAGER)
    ]
    overdue = "Overdue: " + ", ".join(late) if line.overdue else "Nothing overdue"
    signed = "Contract signed" if line.signed else ":hourglass: Contract not signed yet"
    return f"{first}\n{days} · {overdue} · {signed}"


def _roles(board: Dashboard) -> list[dict[str, Any]]:
    total = board.roles.total
    if not total:
        return [
            header("Your roles"),
            section(f"You are on no open role. Start one with `{Command.KICKOFF}`."),
        ]
    return [
        header(f"Your roles ({total})"),
        *[section(role_line(line)) for line in board.roles.shown],
        *pager("roles", board.roles, "roles"),
    ]


def _scorecard(board: Dashboard) -> list[dict[str, Any]]:
    if not board.scorecard:
        return []
    lines = [
        f"• {escape_mrkdwn(f.label)}: *{figure_value(f)}*"
        + (f" ({f.count})" if f.value is not None else "")
        for f in board.scorecard
    ]
    return [
        header("Your scorecard"),
        section("\n".join(lines)),
        context(
            f"{escape_mrkdwn(board.period_label)} · counts in brackets · "
            f"`{Command.SCORECARD} me` for every figure and the chart"
        ),
    ]


def dashboard_blocks(board: Dashboard, *, notice: str = "") -> list[dict[str, Any]]:
    """The Home tab: the welcome on a first visit, else what is owed, roles, scorecard;
    ``notice`` (Tandem's answer to a button pressed in the tab) goes on top."""
    top = [context(f":information_source: {escape_mrkdwn(notice[:500])}")] if notice else []
    admin = home_section(board.workspace_settings) if board.workspace_settings else []
    if board.first_visit:
        return [*top, *home_blocks(), *([divider(), *admin] if admin else [])]
    blocks = [
        *top,
        *_owed(board),
        divider(),
        *_roles(board),
        *([divider()] if board.scorecard else []),
        *_scorecard(board),
        divider(),
        context(
            "*Welcome to Tandem* — it keeps recruiter and hiring manager to the agreement they "
            f"wrote down at kickoff. `{Command.TANDEM} help` lists every command."
        ),
        *([divider(), *admin] if admin else []),
    ]
    assert len(blocks) <= BLOCK_LIMIT, len(blocks)
    return blocks
