"""The transcript as one self-contained HTML page that looks like a Slack channel.

One file, no external assets: the CSS is inline, avatars are initials, and any image Tandem
uploaded (a chart, say) is embedded as a ``data:`` URL, so the page can be mailed around or
opened offline. Every piece of text is escaped; mrkdwn becomes bold, italic, struck-out,
code and links the way Slack draws them.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import re
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from bot.demo.mrkdwn import (
    Reader,
    Ref,
    city,
    emojize,
    plain_text,
    resolve,
    split_mrkdwn,
    story_day,
    unescape,
    when_for,
)
from bot.demo.render import block_lines, input_value
from bot.demo.style import CSS
from bot.demo.transcript import Action, Note, Post, Section, SharedFile, Surface, Transcript

AVATAR_COLOURS = ("#4a154b", "#1264a3", "#2bac76", "#e8912d", "#cd2553", "#0b4c8c", "#7c3085")
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)

_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")
_CODE_BLOCK = re.compile(r"```(.+?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_HOLD = re.compile(r"\x00(\d+)\x00")
_BUTTON_WORDS = re.compile(r"\[([^\[\]\n]{1,75})\]")


def _e(text: str) -> str:
    return escape(text, quote=True)


def image_type(content: bytes) -> str | None:
    """The MIME type of an image we can embed, from its first bytes (never its name)."""
    for signature, mime in IMAGE_SIGNATURES:
        if content.startswith(signature):
            return mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    head = content[:256].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in content[:1024]):
        return "image/svg+xml"
    return None


def data_url(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


# -- mrkdwn -------------------------------------------------------------------------------


def _ref_html(ref: Ref) -> str:
    if ref.kind in ("user", "channel", "special"):
        return f'<span class="mention">{_e(ref.text)}</span>'
    if ref.kind == "date":
        title = f' title="{_e(ref.title)}"' if ref.title else ""
        return f"<time{title}>{_e(ref.text)}</time>"
    if ref.kind == "link" and ref.href:
        return f'<a href="{_e(ref.href)}" rel="noopener noreferrer">{_e(ref.text)}</a>'
    return _e(ref.text)


def mrkdwn_to_html(text: str, reader: Reader) -> str:
    """Slack's mrkdwn as HTML: names and dates resolved for ``reader``, emphasis drawn, every
    character of user text escaped."""
    held: list[str] = []

    def hold(fragment: str) -> str:
        held.append(fragment)
        return f"\x00{len(held) - 1}\x00"

    def code_block(match: re.Match[str]) -> str:
        return hold(f"<pre>{_e(unescape(match.group(1)).strip(chr(10)))}</pre>")

    def code(match: re.Match[str]) -> str:
        return hold(f"<code>{_e(unescape(match.group(1)))}</code>")

    parts = []
    for part in split_mrkdwn(text):
        if isinstance(part, Ref):
            parts.append(hold(_ref_html(resolve(part.text, reader))))
        else:
            parts.append(part)
    joined = "".join(parts)
    joined = _CODE_BLOCK.sub(code_block, joined)
    joined = _CODE.sub(code, joined)
    html = _e(emojize(unescape(joined)))
    html = _BOLD.sub(r"<b>\1</b>", html)
    html = _ITALIC.sub(r"<i>\1</i>", html)
    html = _STRIKE.sub(r"<s>\1</s>", html)
    html = html.replace("\n", "<br>")
    return _HOLD.sub(lambda m: held[int(m.group(1))], html)


def _text_html(obj: dict[str, Any] | None, reader: Reader) -> str:
    if not obj:
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_html(str(obj.get("text", "")), reader)
    return _e(plain_text(obj, reader)).replace("\n", "<br>")


# -- Block Kit ----------------------------------------------------------------------------


def _button(element: dict[str, Any], reader: Reader) -> str:
    style = element.get("style")
    css = f"btn {style}" if style in ("primary", "danger") else "btn"
    return f'<span class="{css}">{_e(plain_text(element.get("text"), reader))}</span>'


def _element(element: dict[str, Any], reader: Reader) -> str:
    kind = element.get("type")
    if kind == "button":
        return _button(element, reader)
    if kind == "overflow":
        return '<span class="btn">⋯</span>'
    if kind == "image":
        return f'<span class="ctx-img">[{_e(str(element.get("alt_text", "image")))}]</span>'
    return f'<span class="select">{_e(input_value(element, reader))}</span>'


def _image(block: dict[str, Any], files: dict[str, SharedFile]) -> str:
    alt = str(block.get("alt_text", "image"))
    slack_file = block.get("slack_file") or {}
    shared = files.get(str(slack_file.get("id", "")))
    if shared is not None and shared.content is not None:
        mime = image_type(shared.content)
        if mime is not None:
            return f'<img class="chart" alt="{_e(alt)}" src="{data_url(shared.content, mime)}">'
    # An image at an outside URL is not fetched: the page stays self-contained.
    return f'<div class="img-missing">🖼 {_e(alt)}</div>'


def _input(block: dict[str, Any], reader: Reader, error: str | None) -> str:
    label = _e(plain_text(block.get("label"), reader))
    optional = ' <span class="opt">(optional)</span>' if block.get("optional") else ""
    element = block.get("element", {})
    kind = element.get("type")
    if kind == "radio_buttons":
        chosen = (element.get("initial_option") or {}).get("value")
        field = "".join(
            f'<div class="choice"><span class="radio{" on" if o.get("value") == chosen else ""}">'
            f"</span>{_e(plain_text(o.get('text'), reader))}</div>"
            for o in element.get("options", [])
        )
    elif kind == "checkboxes":
        chosen_values = {o.get("value") for o in element.get("initial_options", [])}
        field = "".join(
            f'<div class="choice"><span class="check{" on" if o.get("value") in chosen_values else ""}">'
            f"</span>{_e(plain_text(o.get('text'), reader))}</div>"
            for o in element.get("options", [])
        )
    else:
        value = input_value(element, reader)
        empty = not element.get("initial_value") and kind in ("plain_text_input", "number_input")
        css = "field placeholder" if empty else "field"
        if element.get("multiline"):
            css += " multiline"
        field = f'<div class="{css}">{_e(value)}</div>'
    hint = (
        f'<div class="hint">{_e(plain_text(block["hint"], reader))}</div>'
        if block.get("hint")
        else ""
    )
    problem = f'<div class="error">{_e(error)}</div>' if error else ""
    return f'<div class="b-input"><label>{label}{optional}</label>{field}{problem}{hint}</div>'


def block_html(
    block: dict[str, Any],
    reader: Reader,
    *,
    files: dict[str, SharedFile] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    """One block as HTML."""
    kind = block.get("type")
    if kind == "header":
        return f'<div class="b-header">{_e(plain_text(block.get("text"), reader))}</div>'
    if kind == "section":
        parts = []
        if block.get("text"):
            parts.append(f'<div class="text">{_text_html(block["text"], reader)}</div>')
        if block.get("fields"):
            cells = "".join(f"<div>{_text_html(f, reader)}</div>" for f in block["fields"])
            parts.append(f'<div class="fields">{cells}</div>')
        accessory = block.get("accessory")
        side = f'<div class="accessory">{_element(accessory, reader)}</div>' if accessory else ""
        return f'<div class="b-section"><div class="main">{"".join(parts)}</div>{side}</div>'
    if kind == "context":
        items = "".join(
            f"<span>{_element(e, reader) if e.get('type') == 'image' else _text_html(e, reader)}</span>"
            for e in block.get("elements", [])
        )
        return f'<div class="b-context">{items}</div>'
    if kind == "divider":
        return '<hr class="b-divider">'
    if kind == "actions":
        elements = "".join(_element(e, reader) for e in block.get("elements", []))
        return f'<div class="b-actions">{elements}</div>'
    if kind == "image":
        return _image(block, files or {})
    if kind == "input":
        return _input(block, reader, (errors or {}).get(str(block.get("block_id"))))
    if kind == "markdown":
        text = mrkdwn_to_html(str(block.get("text", "")), reader)
    else:
        text = "<br>".join(_e(line) for line in block_lines(block, reader))
    return f'<div class="b-section"><div class="main">{text}</div></div>'


def _blocks(
    blocks: list[dict[str, Any]],
    reader: Reader,
    *,
    files: dict[str, SharedFile] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    return "".join(block_html(b, reader, files=files, errors=errors) for b in blocks)


def _changes(
    blocks: list[dict[str, Any]],
    previous: list[dict[str, Any]],
    reader: Reader,
    files: dict[str, SharedFile],
) -> str:
    """An edited message as Slack readers notice it: what changed, in place — blocks that
    went struck out, blocks that came highlighted, the rest folded into ⋯."""
    before = [tuple(block_lines(b, reader)) for b in previous]
    after = [tuple(block_lines(b, reader)) for b in blocks]
    out = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            out.append('<div class="folded" title="unchanged">⋯</div>')
            continue
        out += [
            f'<div class="removed">{block_html(b, reader, files=files)}</div>'
            for b in previous[a1:a2]
        ]
        out += [
            f'<div class="changed">{block_html(b, reader, files=files)}</div>'
            for b in blocks[b1:b2]
        ]
    whole = _blocks(blocks, reader, files=files)
    return (
        "".join(out)
        + f'<details class="whole"><summary>The whole message now</summary>{whole}</details>'
    )


# -- posts and sections -------------------------------------------------------------------


def _colour(key: str) -> str:
    digest = hashlib.sha256(key.encode()).digest()
    return AVATAR_COLOURS[digest[0] % len(AVATAR_COLOURS)]


def _avatar(initials: str, key: str, small: bool = False) -> str:
    css = "avatar small" if small else "avatar"
    return f'<span class="{css}" style="background:{_colour(key)}">{_e(initials)}</span>'


def _file(shared: SharedFile) -> str:
    if shared.content is not None:
        mime = image_type(shared.content)
        if mime is not None:
            src = data_url(shared.content, mime)
            return (
                f'<figure class="file"><img class="chart" alt="{_e(shared.title)}" src="{src}">'
                f"<figcaption>{_e(shared.title or shared.name)}</figcaption></figure>"
            )
    size = f" · {len(shared.content):,} bytes" if shared.content is not None else ""
    return f'<div class="file-chip">📎 {_e(shared.title or shared.name)} ({_e(shared.name)}{size})</div>'


def _where(post: Post, reader: Reader) -> str:
    viewer = reader.user(post.reader)
    zone = city(reader.tz)
    if post.surface == Surface.DM:
        return f"Direct message to {viewer}"
    if post.surface == Surface.EPHEMERAL:
        return f"{reader.where(post.channel)} · only visible to {viewer}"
    thread = " · reply in thread" if post.surface == Surface.THREAD else ""
    return f"{reader.where(post.channel)}{thread} · as {viewer} sees it ({zone} time)"


def _message_html(post: Post, transcript: Transcript) -> str:
    reader = Reader(transcript, post.reader, post.at)
    local = reader.local(post.at)
    files = {f.id: f for f in post.files}
    if post.blocks and post.edited and post.previous is not None and post.previous.blocks:
        body = _changes(post.blocks, post.previous.blocks, reader, files)
    elif post.blocks:
        body = _blocks(post.blocks, reader, files=files)
    else:
        body = f'<div class="b-section"><div class="main">{mrkdwn_to_html(post.text, reader)}</div></div>'
    body += "".join(_file(f) for f in post.files)
    classes = ["msg", post.surface.value]
    tags = []
    if post.edited:
        tags.append('<span class="edited">(edited)</span>')
    if post.pinned:
        tags.append('<span class="pin">📌 Pinned</span>')
    ephemeral = (
        '<div class="only-you">👁 Only visible to you</div>'
        if post.surface == Surface.EPHEMERAL
        else ""
    )
    return (
        f'<div class="{" ".join(classes)}">{_avatar("T", "tandem")}<div class="content">'
        f'<div class="meta"><span class="name">Tandem</span><span class="badge">APP</span>'
        f'<time title="{_e(when_for(reader.tz, post.at))}">{local:%H:%M}</time>'
        f'{"".join(tags)}<span class="where">{_e(_where(post, reader))}</span></div>'
        f"{ephemeral}{body}</div></div>"
    )


def _view_html(post: Post, transcript: Transcript) -> str:
    reader = Reader(transcript, post.reader, post.at)
    view = post.view or {}
    viewer = reader.user(post.reader)
    if post.surface == Surface.HOME:
        return (
            f'<div class="home"><div class="home-tabs"><span class="tab on">Home</span>'
            f'<span class="tab">Messages</span><span class="for">Tandem · as {_e(viewer)} sees it'
            f'</span></div><div class="home-body">{_blocks(view.get("blocks", []), reader)}</div></div>'
        )
    title = _e(plain_text(view.get("title"), reader))
    buttons = ""
    if view.get("close"):
        buttons += f'<span class="btn">{_e(plain_text(view["close"], reader))}</span>'
    if view.get("submit"):
        buttons += f'<span class="btn primary">{_e(plain_text(view["submit"], reader))}</span>'
    body = _blocks(view.get("blocks", []), reader, errors=post.errors)
    caption = "refuses the step" if post.errors else ("now shows" if post.edited else "opens")
    modal = (
        f'<div class="modal"><div class="modal-head">{_avatar("T", "tandem", small=True)}'
        f'<span class="modal-title">{title}</span><span class="close">×</span></div>'
        f'<div class="modal-body">{body}</div><div class="modal-foot">{buttons}</div></div>'
    )
    label = f"Modal {caption} for {viewer}"
    if post.repeat_of is not None:
        summary = f"{label}: “{plain_text(view.get('title'), reader)}” — the same fields as “{post.repeat_of}”, pre-filled"
        return f'<details class="modal-wrap"><summary>{_e(summary)}</summary>{modal}</details>'
    return f'<div class="modal-wrap"><div class="modal-label">{_e(label)}</div>{modal}</div>'


def _action_html(action: Action, section: Section, transcript: Transcript) -> str:
    person = transcript.people.get(action.actor or "")
    reader = Reader(transcript, action.actor or section.reader, action.at)
    text = _BUTTON_WORDS.sub(
        r'<span class="btn inline">\1</span>', mrkdwn_to_html(action.text, reader)
    )
    if person is not None:
        who = f'<b>{_e(person.real_name)}</b> <span class="role">{_e(person.role)}</span>'
        avatar = _avatar(person.initials, person.id, small=True)
        tz = person.tz
    else:
        who = "<b>Tandem's scheduler</b>"
        avatar = _avatar("⏰", "scheduler", small=True)
        tz = reader.tz
    details = "".join(f"<li>{mrkdwn_to_html(d, reader)}</li>" for d in action.details)
    details_html = f'<ul class="details">{details}</ul>' if details else ""
    return (
        f'<div class="action">{avatar}<div class="what"><div>{who} {text}'
        f"<time>{_e(when_for(tz, action.at))}</time></div>{details_html}</div></div>"
    )


def section_html(section: Section, transcript: Transcript) -> str:
    """One step: heading, what the capability does, then everything that happened."""
    items = []
    for item in section.items:
        if isinstance(item, Action):
            items.append(_action_html(item, section, transcript))
        elif isinstance(item, Note):
            reader = Reader(transcript, section.reader, item.at)
            items.append(f'<div class="note">{mrkdwn_to_html(item.text, reader)}</div>')
        elif item.errors or item.surface in (Surface.MODAL, Surface.HOME):
            items.append(_view_html(item, transcript))
        else:
            items.append(_message_html(item, transcript))
    about = mrkdwn_to_html(section.about, Reader(transcript, section.reader, section.started_at))
    return (
        f'<section class="step" id="step-{section.number}">'
        f'<h2><span class="n">{section.number}</span>{_e(section.title)}</h2>'
        f'<p class="about">{about}</p>{"".join(items)}</section>'
    )


def transcript_html(transcript: Transcript) -> str:
    """The whole page."""
    people = "".join(
        f'<div class="sb-item">{_avatar(p.initials, p.id, small=True)}{_e(p.real_name)}'
        f'<span class="sb-sub">{_e(p.role)} · {_e(city(p.tz))}</span></div>'
        for p in transcript.people.values()
    )
    channels = "".join(
        f'<div class="sb-item"># {_e(name)}</div>' for name in sorted(transcript.channels.values())
    )
    steps = "".join(
        f'<a class="sb-item" href="#step-{s.number}">{s.number}. {_e(s.title)}</a>'
        for s in transcript.sections
    )
    started = story_day(transcript.started_at) if transcript.started_at else ""
    elapsed = (
        f" in {transcript.elapsed_seconds:.1f} s of real time"
        if transcript.elapsed_seconds is not None
        else ""
    )
    reader = Reader(transcript, next(iter(transcript.people), ""), transcript.started_at or _EPOCH)
    next_steps = "".join(
        f"<li>{mrkdwn_to_html(step, reader)}</li>" for step in transcript.next_steps
    )
    sections = "".join(section_html(s, transcript) for s in transcript.sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Tandem demo — {_e(transcript.workspace)}</title><style>{CSS}</style></head>"
        f'<body><div class="app"><nav class="sidebar"><div class="ws">{_e(transcript.workspace)}</div>'
        f'<div class="sb-head">Channels</div>{channels}<div class="sb-head">People</div>{people}'
        f'<div class="sb-head">Steps</div>{steps}</nav><main>'
        '<header class="intro"><h1>Tandem demo</h1>'
        "<p>A whole hire played out offline, through the real app: every message below is what "
        "Tandem sent to a local stand-in for Slack, drawn the way Slack draws it, with times in "
        "each reader's own time zone.</p>"
        f'<p class="sub">The story starts on {_e(started)} in New York; it was played{_e(elapsed)}.</p>'
        f"</header>{sections}"
        f'<section class="step next"><h2>What next</h2><ul>{next_steps}</ul></section>'
        "</main></div></body></html>\n"
    )


def write_html(transcript: Transcript, path: Path) -> Path:
    """Write the page to ``path`` (parents created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(transcript_html(transcript), encoding="utf-8")
    return path


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
