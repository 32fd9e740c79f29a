"""Block Kit and Slack's mrkdwn, rendered as a Slack reader would read them — in plain text.

Tandem's messages are Block Kit: headers, sections with fields, context lines, buttons, and
text with Slack's control sequences (``<@U…>``, ``<#C…>``, ``<!date^…|…>``, links) and
escapes (``&amp; &lt; &gt;``). Slack resolves all of that for each reader: names instead of
ids, dates in the reader's own time zone. This module lays out blocks and the transcript for
the terminal; reading the text itself is :mod:`bot.demo.mrkdwn`, shared with the HTML page.
"""

from __future__ import annotations

import difflib
import textwrap
from typing import Any

from bot.demo.mrkdwn import (
    EMOJI,
    Reader,
    city,
    mrkdwn_to_text,
    plain_text,
    readable_date,
    story_day,
    when_for,
)
from bot.demo.transcript import Action, Item, Note, Post, Section, Surface, Transcript

WIDTH = 100
COLUMN = 46
BAR = "│ "


# -- Block Kit to lines -------------------------------------------------------------------


def _wrap(line: str, width: int) -> list[str]:
    if len(line) <= width:
        return [line]
    indent = "  " if line.lstrip().startswith(("•", "-", "–")) else ""
    return textwrap.wrap(line, width=width, subsequent_indent=indent, break_on_hyphens=False) or [
        ""
    ]


def _wrap_all(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        lines += _wrap(line, width)
    return lines


def _columns(fields: list[str], width: int) -> list[str]:
    """Section fields, two per row, as Slack lays them out."""
    column = min(COLUMN, (width - 2) // 2)
    lines: list[str] = []
    for start in range(0, len(fields), 2):
        left = _wrap_all(fields[start], column)
        right = _wrap_all(fields[start + 1], column) if start + 1 < len(fields) else []
        for row in range(max(len(left), len(right))):
            cell = left[row] if row < len(left) else ""
            other = right[row] if row < len(right) else ""
            lines.append(f"{cell:<{column}}  {other}".rstrip())
    return lines


def element_text(element: dict[str, Any], reader: Reader) -> str:
    """An interactive element as a person sees it: buttons in brackets, menus with ▾."""
    kind = element.get("type")
    if kind == "button":
        return f"[{plain_text(element.get('text'), reader)}]"
    if kind == "overflow":
        return "[⋯]"
    if kind == "datepicker":
        value = element.get("initial_date")
        return f"[📅 {readable_date(value) if value else 'Pick a date'}]"
    if kind == "timepicker":
        return f"[🕙 {element.get('initial_time') or 'Pick a time'}]"
    if kind in ("static_select", "external_select"):
        option = element.get("initial_option")
        shown = plain_text(option["text"], reader) if option else _placeholder(element, reader)
        return f"[{shown} ▾]"
    if kind == "users_select":
        user = element.get("initial_user")
        return f"[{reader.user(user) if user else _placeholder(element, reader)} ▾]"
    if kind == "conversations_select" or kind == "channels_select":
        chosen = element.get("initial_conversation") or element.get("initial_channel")
        shown = reader.channel(chosen) if chosen else _placeholder(element, reader)
        return f"[{shown} ▾]"
    return f"[{kind}]"


def _placeholder(element: dict[str, Any], reader: Reader) -> str:
    return plain_text(element.get("placeholder"), reader) or "Select…"


def input_value(element: dict[str, Any], reader: Reader) -> str:
    """What an input element holds when the modal opens (its pre-filled value), drawn the
    way the field looks: menus with ▾, dates with 📅, a placeholder in parentheses."""
    value = _input_value(element, reader)
    kind = element.get("type")
    if kind in ("static_select", "users_select", "multi_users_select", "conversations_select",
                "channels_select", "multi_static_select", "external_select"):  # fmt: skip
        return f"{value} ▾"
    if kind == "datepicker":
        return f"📅 {value}"
    if kind == "timepicker":
        return f"🕙 {value}"
    return value


def _input_value(element: dict[str, Any], reader: Reader) -> str:
    kind = element.get("type")
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        value = element.get("initial_value")
        if value:
            return str(value)
        placeholder = plain_text(element.get("placeholder"), reader)
        return f"({placeholder})" if placeholder else " "
    if kind in ("static_select", "radio_buttons"):
        option = element.get("initial_option")
        return plain_text(option["text"], reader) if option else ""
    if kind == "external_select":
        option = element.get("initial_option")
        if option:
            return plain_text(option["text"], reader)
        placeholder = plain_text(element.get("placeholder"), reader)
        return f"({placeholder})" if placeholder else ""
    if kind in ("checkboxes", "multi_static_select"):
        chosen = {o.get("value") for o in element.get("initial_options", [])}
        marks = [
            f"[{'x' if o.get('value') in chosen else ' '}] {plain_text(o.get('text'), reader)}"
            for o in element.get("options", [])
        ]
        return "  ".join(marks)
    if kind == "users_select":
        user = element.get("initial_user")
        return reader.user(user) if user else ""
    if kind == "multi_users_select":
        return ", ".join(reader.user(u) for u in element.get("initial_users", []))
    if kind in ("conversations_select", "channels_select"):
        chosen = element.get("initial_conversation") or element.get("initial_channel")
        if chosen:
            return reader.channel(chosen)
        return "(this conversation)" if element.get("default_to_current_conversation") else ""
    if kind == "datepicker":
        value = element.get("initial_date")
        return readable_date(value) if value else ""
    if kind == "timepicker":
        return element.get("initial_time") or ""
    return f"({kind})"


def _radio_lines(element: dict[str, Any], reader: Reader) -> list[str]:
    chosen = (element.get("initial_option") or {}).get("value")
    return [
        f"  ({'•' if o.get('value') == chosen else ' '}) {plain_text(o.get('text'), reader)}"
        for o in element.get("options", [])
    ]


def _rich_text(element: dict[str, Any], reader: Reader) -> str:
    kind = element.get("type")
    if kind == "text":
        return str(element.get("text", ""))
    if kind == "user":
        return reader.user(str(element.get("user_id")))
    if kind == "channel":
        return reader.channel(str(element.get("channel_id")))
    if kind == "link":
        return str(element.get("text") or element.get("url"))
    if kind == "emoji":
        return EMOJI.get(str(element.get("name")), f":{element.get('name')}:")
    inner = "".join(_rich_text(e, reader) for e in element.get("elements", []))
    if kind == "rich_text_list":
        return "\n".join(
            f"• {_rich_text(e, reader)}" for e in element.get("elements", [])
        )  # fmt: skip
    return inner + ("\n" if kind in ("rich_text_section", "rich_text_preformatted") else "")


def block_lines(block: dict[str, Any], reader: Reader, width: int = WIDTH) -> list[str]:
    """One block as lines of text."""
    kind = block.get("type")
    if kind == "header":
        title = plain_text(block.get("text"), reader)
        return [title, "═" * min(len(title), width)]
    if kind == "section":
        lines: list[str] = []
        if block.get("text"):
            lines += _wrap_all(plain_text(block["text"], reader), width)
        fields = [plain_text(f, reader) for f in block.get("fields", [])]
        if fields:
            lines += _columns(fields, width)
        accessory = block.get("accessory")
        if accessory:
            lines.append(element_text(accessory, reader))
        return lines
    if kind == "context":
        lines = []
        for element in block.get("elements", []):
            if element.get("type") == "image":
                lines.append(f"[image: {element.get('alt_text', '')}]")
            else:
                lines += _wrap_all(plain_text(element, reader), width)
        return lines
    if kind == "divider":
        return ["─" * min(40, width)]
    if kind == "actions":
        return _wrap(" ".join(element_text(e, reader) for e in block.get("elements", [])), width)
    if kind == "image":
        title = plain_text(block.get("title"), reader)
        return [f"[image: {title or block.get('alt_text', '')}]"]
    if kind == "input":
        label = plain_text(block.get("label"), reader)
        if block.get("optional"):
            label += " (optional)"
        element = block.get("element", {})
        if element.get("type") == "radio_buttons":
            lines = [f"{label}:", *_radio_lines(element, reader)]
        else:
            value = input_value(element, reader)
            if "\n" in value:
                lines = [f"{label}:", *[f"  {v}" for v in value.split("\n")]]
            else:
                lines = _wrap(f"{label}: [{value}]", width)
        if block.get("hint"):
            lines += _wrap(f"  ↳ {plain_text(block['hint'], reader)}", width)
        return lines
    if kind == "markdown":
        return _wrap_all(mrkdwn_to_text(str(block.get("text", "")), reader), width)
    if kind == "rich_text":
        text = "".join(_rich_text(e, reader) for e in block.get("elements", []))
        return _wrap_all(text.rstrip("\n"), width)
    return [f"[{kind} block]"]


def blocks_to_lines(blocks: list[dict[str, Any]], reader: Reader, width: int = WIDTH) -> list[str]:
    """Every block, in order; a message without blocks shows its text."""
    lines: list[str] = []
    for block in blocks:
        lines += block_lines(block, reader, width)
    return lines


def message_lines(post: Post, reader: Reader, width: int = WIDTH) -> list[str]:
    """A message's body: its blocks (or its text when it has none) and its files."""
    if post.blocks:
        lines = blocks_to_lines(post.blocks, reader, width)
    else:
        lines = _wrap_all(mrkdwn_to_text(post.text, reader), width) if post.text else []
    for shared in post.files:
        size = f", {len(shared.content):,} bytes" if shared.content is not None else ""
        lines.append(f"📎 {shared.title or shared.name} ({shared.name}{size})")
    return lines


def view_lines(view: dict[str, Any], reader: Reader, width: int = WIDTH) -> list[str]:
    """A modal or Home tab: its blocks, then the modal's buttons."""
    lines = blocks_to_lines(view.get("blocks", []), reader, width)
    buttons = [f"[{plain_text(view[key], reader)}]" for key in ("close", "submit") if view.get(key)]
    if buttons:
        lines.append(" ".join(buttons))
    return lines


def changed_lines(before: list[str], after: list[str]) -> list[str]:
    """What an edit changed, line by line: ``−`` what went, ``+`` what came."""
    lines: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        lines += [f"− {line}" for line in before[a1:a2]]
        lines += [f"+ {line}" for line in after[b1:b2]]
    return lines


# -- the transcript -----------------------------------------------------------------------


def action_text(action: Action, transcript: Transcript, reader_id: str) -> str:
    """The narration of one action, names resolved."""
    person = transcript.people.get(action.actor or "")
    reader = Reader(transcript, action.actor or reader_id, action.at)
    who = person.label if person else "Tandem's scheduler"
    return f"{who} {mrkdwn_to_text(action.text, reader)}"


def post_heading(post: Post, transcript: Transcript) -> str:
    """Where a post appears and for whom: ``#hire-x — Tandem``, ``DM to @hank — Tandem`` …"""
    reader = Reader(transcript, post.reader, post.at)
    person = transcript.people.get(post.reader)
    tz = person.tz if person else "UTC"
    time_note = when_for(tz, post.at, with_day=False)
    if post.surface == Surface.MODAL:
        title = plain_text((post.view or {}).get("title"), reader)
        verb = "now shows" if post.edited else "opens for"
        return f"[modal] {title} — {verb} {reader.user(post.reader)}"
    if post.surface == Surface.HOME:
        return f"[App Home] Tandem's Home tab — what {reader.user(post.reader)} sees"
    if post.surface == Surface.DM:
        return f"DM to {reader.user(post.reader)} — Tandem, {time_note}"
    where = reader.where(post.channel)
    if post.surface == Surface.EPHEMERAL:
        return f"{where} — Tandem (only visible to you, {reader.user(post.reader)}), {time_note}"
    thread = " (reply in thread)" if post.surface == Surface.THREAD else ""
    if post.edited:
        what = "the pinned message" if post.pinned else "its message"
        return (
            f"{where}{thread} — Tandem edited {what}, {time_note} "
            f"(as {reader.user(post.reader)} sees it):"
        )
    pinned = " 📌" if post.pinned else ""
    return f"{where}{thread} — Tandem{pinned}, {time_note} (as {reader.user(post.reader)} sees it):"


def post_lines(post: Post, transcript: Transcript, width: int = WIDTH) -> list[str]:
    """A post with its heading, body indented under a bar; edits show only what changed."""
    reader = Reader(transcript, post.reader, post.at)
    inner = width - 4
    heading = post_heading(post, transcript)
    if post.errors:
        title = plain_text((post.view or {}).get("title"), reader)
        lines = [f"[modal] {title} — refuses the step and shows, next to the fields:"]
        labels = _labels(post.view or {}, reader)
        return lines + [f"{BAR}{labels.get(k, k)}: {v}" for k, v in post.errors.items()]
    if post.surface in (Surface.MODAL, Surface.HOME):
        if post.repeat_of is not None:
            return [
                f"{heading}: the same fields as “{post.repeat_of}” above, pre-filled "
                "with what is saved now"
            ]
        # A modal that changes is a new screen: shown whole, never as a diff.
        body = view_lines(post.view or {}, reader, inner)
    else:
        body = message_lines(post, reader, inner)
        if post.edited and post.previous is not None:
            before = message_lines(post.previous, reader, inner)
            body = changed_lines(before, body) or ["(no visible change)"]
    return [heading, *[f"{BAR}{line}".rstrip() for line in body]]


def _labels(view: dict[str, Any], reader: Reader) -> dict[str, str]:
    return {
        b["block_id"]: plain_text(b.get("label"), reader)
        for b in view.get("blocks", [])
        if b.get("type") == "input" and "block_id" in b
    }


def item_lines(item: Item, section: Section, transcript: Transcript) -> list[str]:
    if isinstance(item, Action):
        person = transcript.people.get(item.actor or "")
        tz = person.tz if person else transcript.people[section.reader].tz
        lines = [f"▸ {when_for(tz, item.at)} — {action_text(item, transcript, section.reader)}"]
        reader = Reader(transcript, item.actor or section.reader, item.at)
        lines += [f"    {mrkdwn_to_text(detail, reader)}" for detail in item.details]
        return lines
    if isinstance(item, Note):
        reader = Reader(transcript, section.reader, item.at)
        return [f"  · {mrkdwn_to_text(item.text, reader)}"]
    return ["", *[f"  {line}" for line in post_lines(item, transcript)], ""]


def section_text(section: Section, transcript: Transcript, width: int = WIDTH) -> str:
    """One step of the transcript, ready to print."""
    title = f"━━ {section.number}/{section.total} · {section.title} "
    lines = ["", title + "━" * max(3, width - len(title))]
    lines += [f"   {line}" for line in textwrap.wrap(section.about, width - 3)]
    lines.append("")
    previous_blank = False
    for item in section.items:
        for line in item_lines(item, section, transcript):
            if line == "" and previous_blank:
                continue
            lines.append(line)
            previous_blank = line == ""
    return "\n".join(lines).rstrip() + "\n"


def header_text(transcript: Transcript, width: int = WIDTH) -> str:
    """Who is in the demo and when it happens."""
    lines = [
        "Tandem demo — a whole hire, played out offline through the real app",
        f"Workspace: {transcript.workspace} (a local stand-in for Slack; nothing leaves "
        "this machine)",
        "",
        "People:",
    ]
    for person in transcript.people.values():
        if person.role:
            lines.append(
                f"  @{person.handle:<7} {person.real_name}, {person.role}, {city(person.tz)}"
            )
    if transcript.started_at is not None:
        lines += [
            "",
            "Times are shown in each reader's own time zone, as Slack shows them. The story "
            f"starts on {story_day(transcript.started_at)} in New York.",
        ]
    return "\n".join(lines) + "\n"


def footer_text(transcript: Transcript, width: int = WIDTH) -> str:
    """The closing summary and what to do next."""
    title = "━━ What next "
    lines = ["", title + "━" * (width - len(title)), ""]
    for step in transcript.next_steps:
        lines += _wrap(f"• {step}", width)
    return "\n".join(lines) + "\n"


def transcript_text(transcript: Transcript, width: int = WIDTH) -> str:
    """The whole transcript as text (the runner prints it section by section instead)."""
    parts = [header_text(transcript, width)]
    parts += [section_text(s, transcript, width) for s in transcript.sections]
    parts.append(footer_text(transcript, width))
    return "".join(parts)
