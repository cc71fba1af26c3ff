"""The live inbox's HTML: the waiting list, the open conversation and its forms, every value
escaped (conversation ids and messages are typed by students).

The page works without JavaScript (a "Refresh" link). With it, console-inbox.js listens to the
event stream named in `data-events` and swaps the elements with the ids `inbox-list`,
`inbox-conversation` and `inbox-actions` for fresh copies; `inbox-live` announces the change to
screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote
from zoneinfo import ZoneInfo

from bot.console import pages
from bot.console.auth import CSRF_FIELD
from bot.knowledge.replies.language import language_name
from bot.staff.accounts import StaffUser

if TYPE_CHECKING:
    from bot.staff.inbox import Conversation, Line, WaitingRow

SENDER_LABELS = {"student": "Student", "bot": "Assistant", "counselor": "Counselor"}
PREVIEW_CHARS = 160


def page_url(base: str, conversation_id: str | None = None) -> str:
    """The inbox, with `conversation_id` open (any characters: it is the student's chat id)."""
    if not conversation_id:
        return f"{base}/inbox"
    return f"{base}/inbox?c={quote(conversation_id, safe='')}"


def events_url(base: str, conversation_id: str | None = None) -> str:
    if not conversation_id:
        return f"{base}/inbox/events"
    return f"{base}/inbox/events?c={quote(conversation_id, safe='')}"


def action_url(base: str, conversation_id: str, action: str) -> str:
    return f"{base}/inbox/{quote(conversation_id, safe='')}/{action}"


@dataclass(frozen=True)
class InboxView:
    base: str
    user: StaffUser
    csrf: str
    rows: Sequence[WaitingRow]
    selected_id: str | None
    conversation: Conversation | None
    now: datetime
    zone: ZoneInfo
    version: str
    notice: str = ""
    alert: str = ""
    draft: str = ""
    max_chars: int = 2000


def render_inbox(view: InboxView) -> str:
    base = view.base
    status = f'<p class="notice" role="status">{escape(view.notice)}</p>' if view.notice else ""
    alert = f'<p class="alert" role="alert">{escape(view.alert)}</p>' if view.alert else ""
    events = events_url(base, view.selected_id)
    here = page_url(base, view.selected_id)
    body = f"""<h1>Live inbox</h1>
{status}{alert}
<div id="inbox" class="inbox" data-events="{escape(events)}" data-version="{escape(view.version)}">
<p>Students waiting for a counselor, oldest first. Claim a conversation before you answer it,
so nobody else answers the same student. The list updates by itself;
<a href="{escape(here)}" id="inbox-refresh">Refresh</a> if it does not.
<span id="inbox-live" class="visually-hidden" role="status"></span></p>
{_waiting_list(view)}
{_conversation(view)}
{_actions(view)}
</div>
<script src="{escape(base)}/console-inbox.js" defer></script>"""
    return pages.document("Live inbox", body, base, view.user, view.csrf)


def _waiting_list(view: InboxView) -> str:
    if not view.rows:
        items = '<p class="muted">Nobody is waiting for a counselor.</p>'
    else:
        cards = []
        for row in view.rows:
            current = row.conversation_id == view.selected_id
            mark = ' aria-current="true"' if current else ""
            css = "card inbox-item" + (" inbox-selected" if current else "")
            preview = row.preview
            if len(preview) > PREVIEW_CHARS:
                preview = preview[: PREVIEW_CHARS - 1] + "\u2026"
            asked = f"<dt>Asked</dt><dd>{escape(preview)}</dd>" if preview else ""
            cards.append(
                f"""<li class="{css}">
<h3 class="card-title"><a href="{escape(page_url(view.base, row.conversation_id))}"{mark}>{
                    escape(row.conversation_id)
                }</a></h3>
<dl>
  <dt>Waiting</dt><dd>{escape(_waiting_for(row, view))}</dd>
  <dt>Claimed by</dt><dd>{escape(_claimer(row, view.user))}</dd>
  <dt>Language</dt><dd>{escape(language_name(row.language))}</dd>
  {asked}
</dl>
</li>"""
            )
        items = f'<ol class="cards">{"".join(cards)}</ol>'
    return f"""<section id="inbox-list" aria-labelledby="inbox-waiting-heading">
<h2 id="inbox-waiting-heading">Waiting ({len(view.rows)})</h2>
{items}
</section>"""


def _conversation(view: InboxView) -> str:
    if view.selected_id is None:
        inner = (
            '<h2 id="inbox-conversation-heading">Conversation</h2>\n'
            '<p class="muted">Open a conversation from the list to read it.</p>'
        )
    elif view.conversation is None:
        inner = (
            '<h2 id="inbox-conversation-heading">Conversation</h2>\n'
            '<p class="muted">This conversation is no longer waiting for a counselor: it was '
            "handed back to the assistant.</p>"
        )
    else:
        lines = "".join(_line(line) for line in view.conversation.lines)
        missing = ""
        if view.conversation.problem:
            missing = (
                '<p class="alert">Only the conversation up to the handoff is shown: '
                f"{escape(view.conversation.problem)}. Refresh in a moment.</p>"
            )
        row = view.conversation.row
        heading = f"Conversation {escape(row.conversation_id)}"
        inner = f"""<h2 id="inbox-conversation-heading">{heading}</h2>
<p>In {escape(language_name(row.language))}: answer in it.</p>
<ol class="transcript" lang="{escape(row.language)}">{lines}</ol>
{missing}"""
    return f"""<section id="inbox-conversation" aria-labelledby="inbox-conversation-heading">
{inner}
</section>"""


def _line(line: Line) -> str:
    label = SENDER_LABELS.get(line.sender, line.sender)
    return f"""<li class="line from-{escape(line.sender)}"><span class="who">{escape(label)}</span>
<p class="said">{escape(line.text)}</p></li>"""


def _actions(view: InboxView) -> str:
    max_chars = view.max_chars
    opened = view.conversation
    if opened is None:
        return '<section id="inbox-actions" aria-label="Answer"></section>'
    row = opened.row
    office = view.user.role == "office"
    mine = row.claimed_by == view.user.id
    parts = []
    if mine:
        reply = action_url(view.base, row.conversation_id, "reply")
        parts.append(
            f"""<form method="post" action="{escape(reply)}" class="reply">
  {_csrf(view.csrf)}
  <label for="inbox-reply">Your reply to the student</label>
  <textarea id="inbox-reply" name="text" rows="4" maxlength="{max_chars}" required
    aria-describedby="inbox-reply-hint">{escape(view.draft)}</textarea>
  <p id="inbox-reply-hint" class="muted">Up to {max_chars} characters. The student sees it in
  the chat at once.</p>
  <button type="submit">Send reply</button>
</form>"""
        )
    elif row.claimed_by is None:
        parts.append(_button(view, "claim", "Claim this conversation"))
    else:
        holder = row.claimer_name or "Another account"
        if office:
            parts.append(_button(view, "claim", f"Take over from {holder}"))
        else:
            parts.append(f'<p class="muted">{escape(holder)} is answering this student.</p>')
    if mine or office:
        parts.append(
            _button(view, "close", "Hand back to the assistant", danger=True)
            + '<p class="muted">The assistant tells the student it is back and answers again.</p>'
        )
    return f"""<section id="inbox-actions" aria-label="Answer">
{"".join(parts)}
</section>"""


def _button(view: InboxView, action: str, label: str, danger: bool = False) -> str:
    assert view.selected_id is not None
    css = ' class="danger"' if danger else ""
    return f"""<form method="post" action="{
        escape(action_url(view.base, view.selected_id, action))
    }" class="actions">
  {_csrf(view.csrf)}<button type="submit"{css}>{escape(label)}</button>
</form>"""


def _waiting_for(row: WaitingRow, view: InboxView) -> str:
    minutes = max(0, int((view.now - row.requested_at).total_seconds() // 60))
    since = pages.clock(row.requested_at.astimezone(view.zone))
    span = "under a minute" if minutes < 1 else f"{minutes} min"
    if minutes >= 120:
        span = f"{minutes // 60} h {minutes % 60} min"
    return f"since {since} ({span})"


def _claimer(row: WaitingRow, user: StaffUser) -> str:
    if row.claimed_by is None:
        return "Nobody yet"
    if row.claimed_by == user.id:
        return "You"
    return row.claimer_name or "Another account"


def _csrf(token: str) -> str:
    return f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">'
