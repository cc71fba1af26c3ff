"""The console's HTML: plain server-rendered pages, every value escaped, no scripts.

Pages load only /console/console.css (the site's Content-Security-Policy allows nothing from
other hosts and no inline code). Lists are cards rather than tables so they read on a 375-px
phone; every control is a real <button> or labelled <input>, so the keyboard reaches all.
`chat_markdown` draws a bot message as the chat widget does (its markdown subset, escaped), for
the pages that preview one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape
from urllib.parse import urlsplit

from bot.console.appointments import CONTACT_LABELS, STATUS_LABELS, AppointmentRow
from bot.console.auth import CSRF_FIELD
from bot.knowledge.replies.language import language_name
from bot.staff.accounts import StaffUser

ACTION_LABELS = {
    "contacted": "Mark contacted",
    "no_show": "Mark no-show",
    "cancelled": "Cancel call (frees the time)",
}
ROLE_LABELS = {"counselor": "Counselor", "office": "Enrollment office"}


def when(moment: datetime) -> str:
    """ "Mon 4 Mar 2030, 9:00 AM MST": unambiguous on any locale's screen."""
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{moment:%a} {moment.day} {moment:%b %Y}, {hour}:{moment:%M} {half} {moment.tzname()}"


def clock(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def render_login(base: str, csrf: str, message: str = "", email: str = "", notice: str = "") -> str:
    alert = f'<p class="alert" role="alert">{escape(message)}</p>' if message else ""
    info = f'<p class="notice" role="status">{escape(notice)}</p>' if notice else ""
    body = f"""<h1>Sign in</h1>
{info}{alert}
<form method="post" action="{escape(base)}/login" class="login">
  {_csrf(csrf)}
  <label for="email">E-mail address</label>
  <input id="email" name="email" type="email" autocomplete="username" required
    value="{escape(email)}" autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
<p class="muted">Accounts are made by the enrollment office with
<code>python -m bot staff add</code>.</p>"""
    return _document("Sign in", body, base)


def render_appointments(
    base: str,
    user: StaffUser,
    csrf: str,
    today: Sequence[AppointmentRow],
    later: Sequence[AppointmentRow],
    now: datetime,
    flash: str = "",
) -> str:
    office = user.role == "office"
    if office:
        intro = "Every counselor's calls from today on."
    elif user.counselor_id is None:
        intro = (
            f"No counselor calendar has the e-mail address {user.email}, so there are no calls "
            "to show. Ask the enrollment office to add you to the counselors file with this "
            "address (then `python -m bot counselors seed`)."
        )
    else:
        intro = f"Your calls ({user.counselor_name}) from today on."
    status = f'<p class="notice" role="status">{escape(flash)}</p>' if flash else ""
    body = f"""<h1>Appointments</h1>
{status}
<p>{escape(intro)} Times are in {escape(now.tzname() or "the school's time zone")}.
<a href="{escape(base)}/appointments.csv" download>Download all as CSV</a></p>
<h2 id="today">Today</h2>
{_cards(base, today, csrf, now, office, "No calls today.")}
<h2 id="upcoming">Upcoming</h2>
{_cards(base, later, csrf, now, office, "No upcoming calls.")}"""
    return _document("Appointments", body, base, user, csrf)


def render_accounts(base: str, user: StaffUser, csrf: str, accounts: Iterable[StaffUser]) -> str:
    items = []
    for account in accounts:
        calendar = account.counselor_name or (
            "no counselor with this e-mail" if account.role == "counselor" else "all calendars"
        )
        items.append(
            f"""<li class="card"><h2 class="card-title">{escape(account.display_name)}</h2>
<dl>
  <dt>E-mail</dt><dd>{escape(account.email)}</dd>
  <dt>Role</dt><dd>{escape(ROLE_LABELS.get(account.role, account.role))}</dd>
  <dt>Calendar</dt><dd>{escape(calendar)}</dd>
  <dt>State</dt><dd>{"Active" if account.active else "Disabled"}</dd>
</dl></li>"""
        )
    body = f"""<h1>Staff accounts</h1>
<p>Add, disable or reset accounts on the server with <code>python -m bot staff</code>.</p>
<ul class="cards">{"".join(items)}</ul>"""
    return _document("Staff accounts", body, base, user, csrf)


def render_error(
    base: str, title: str, message: str, user: StaffUser | None = None, csrf: str = ""
) -> str:
    body = f"""<h1>{escape(title)}</h1>
<p>{escape(message)}</p>
<p><a href="{escape(base)}/appointments">Back to the appointments</a></p>"""
    return _document(title, body, base, user, csrf)


def _cards(
    base: str,
    rows: Sequence[AppointmentRow],
    csrf: str,
    now: datetime,
    office: bool,
    empty: str,
) -> str:
    if not rows:
        return f'<p class="muted">{escape(empty)}</p>'
    return '<ol class="cards">' + "".join(_card(base, r, csrf, now, office) for r in rows) + "</ol>"


def _card(base: str, row: AppointmentRow, csrf: str, now: datetime, office: bool) -> str:
    phone = (
        f'<a href="tel:{escape(row.phone)}">{escape(row.phone)}</a>' if row.phone else "not given"
    )
    counselor = f"<dt>Counselor</dt><dd>{escape(row.counselor_name)}</dd>" if office else ""
    status = escape(STATUS_LABELS.get(row.status, row.status))
    prefers = escape(CONTACT_LABELS.get(row.preferred_contact, row.preferred_contact))
    starts = escape(when(row.starts_at))
    ends = escape(clock(row.ends_at))
    buttons = "".join(_button(base, row, csrf, outcome) for outcome in row.actions(now))
    actions = f'<div class="actions">{buttons}</div>' if buttons else ""
    return f"""<li class="card status-{escape(row.status)}">
<h3 class="card-title"><span class="time">{starts}&ndash;{ends}</span> {escape(row.full_name)}</h3>
<dl>
  <dt>Status</dt><dd class="status">{status}</dd>
  <dt>E-mail</dt><dd><a href="mailto:{escape(row.email)}">{escape(row.email)}</a></dd>
  <dt>Phone</dt><dd>{phone}</dd>
  <dt>Prefers</dt><dd>{prefers}</dd>
  <dt>Program</dt><dd>{escape(row.program)}</dd>
  <dt>Language</dt><dd>{escape(language_name(row.language))}</dd>
  <dt>Reference</dt><dd><code>{escape(row.reference)}</code></dd>
  {counselor}
</dl>
{actions}
</li>"""


def _button(base: str, row: AppointmentRow, csrf: str, outcome: str) -> str:
    """One form per button; the hidden text names the call for screen readers."""
    action = f"{base}/appointments/{row.reference}/outcome"
    css = ' class="danger"' if outcome == "cancelled" else ""
    which = f": {row.full_name}, {when(row.starts_at)}"
    return f"""<form method="post" action="{escape(action)}">
  {_csrf(csrf)}<input type="hidden" name="outcome" value="{escape(outcome)}">
  <button type="submit"{css}>{escape(ACTION_LABELS[outcome])}<span class="visually-hidden">{
        escape(which)
    }</span></button>
</form>"""


def _csrf(token: str) -> str:
    return f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">'


def _document(
    title: str, body: str, base: str, user: StaffUser | None = None, csrf: str = ""
) -> str:
    nav = ""
    if user is not None:
        links = [f'<a href="{escape(base)}/appointments">Appointments</a>']
        links.append(f'<a href="{escape(base)}/inbox">Live inbox</a>')
        if user.role == "office":
            links.append(f'<a href="{escape(base)}/accounts">Staff accounts</a>')
            links.append(f'<a href="{escape(base)}/facts">Facts</a>')
            links.append(f'<a href="{escape(base)}/knowledge-base">Knowledge base</a>')
            links.append(f'<a href="{escape(base)}/insights">Insights</a>')
        who = f"{user.display_name} ({ROLE_LABELS.get(user.role, user.role)})"
        nav = f"""<nav aria-label="Console">{" ".join(links)}</nav>
<form method="post" action="{escape(base)}/logout" class="logout">
  {_csrf(csrf)}<span>{escape(who)}</span>
  <button type="submit">Sign out</button>
</form>"""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{escape(title)} - Staff console</title>
<link rel="stylesheet" href="{escape(base)}/console.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="console-header"><p class="console-name">Staff console</p>{nav}</header>
<main id="main" tabindex="-1">
{body}
</main>
</body>
</html>
"""


# --- the chat widget's markdown, for previews ----------------------------------------------

_SAFE_SCHEMES = ("http", "https", "mailto", "tel")
# widget/src/markdown.ts's INLINE, alternative for alternative: the first to match wins.
_INLINE = re.compile(
    r"\*\*(.+?)\*\*|__(.+?)__|\[([^\]]+)\]\(([^)\s]+)\)"
    r"|(https?://[^\s<>]*[^\s<>.,;:!?)\]'\"])|\*([^*\s][^*]*?)\*"
)
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")


def chat_markdown(text: str) -> str:
    """`text` drawn as the widget's renderMarkdown draws it: paragraphs of lines joined by
    <br>, bullet and numbered lists, bold, italic and safe links; everything else is text."""
    out: list[str] = []
    block = ""  # the open element: "p", "ul", "ol" or ""
    for line in text.split("\n"):
        item = _BULLET.match(line)
        kind = "ul" if item else ""
        if item is None and (item := _NUMBERED.match(line)):
            kind = "ol"
        if item is not None:
            if block != kind:
                out.append(_close(block) + f"<{kind}>")
                block = kind
            out.append(f"<li>{_inline(item.group(1))}</li>")
        elif not line.strip():
            out.append(_close(block))
            block = ""
        else:
            if block == "p":
                out.append("<br>")
            else:
                out.append(_close(block) + "<p>")
                block = "p"
            out.append(_inline(line))
    out.append(_close(block))
    return "".join(out)


def _close(block: str) -> str:
    return f"</{block}>" if block else ""


def _inline(text: str) -> str:
    out: list[str] = []
    last = 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[last : match.start()]))
        bold, bold_underscore, link_text, link_href, bare, italic = match.groups()
        if bold is not None or bold_underscore is not None:
            out.append(f"<strong>{_inline(bold if bold is not None else bold_underscore)}</strong>")
        elif italic is not None:
            out.append(f"<em>{_inline(italic)}</em>")
        else:
            href = link_href if link_href is not None else bare
            shown = link_text if link_text is not None else bare
            out.append(_link(href, shown) if _safe(href) else escape(shown or match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _safe(href: str) -> bool:
    # The widget resolves a relative address against the site's page; the console cannot, so
    # the preview shows such a link as its text.
    return urlsplit(href).scheme.lower() in _SAFE_SCHEMES


def _link(href: str, text: str) -> str:
    if urlsplit(href).scheme.lower() in ("http", "https"):
        return (
            f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer">{escape(text)}'
            '<span class="visually-hidden"> (opens in a new tab)</span></a>'
        )
    return f'<a href="{escape(href)}">{escape(text)}</a>'


# The page frame for the page modules of other console pages (facts_pages...).
document = _document
