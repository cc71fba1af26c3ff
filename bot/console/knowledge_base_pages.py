"""HTML of the console's Knowledge base pages (office only): the list with its search, export
and import, and one entry's form with its preview, publish buttons and history.

Every value is escaped and there are no scripts. The preview draws the answer with the chat
widget's own markdown subset (`pages.chat_markdown`, the server-side twin of
widget/src/markdown.ts), so the office sees what a student will, and no markup typed into an
answer ever reaches the page as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from zoneinfo import ZoneInfo

from bot.console import pages
from bot.console.auth import CSRF_FIELD
from bot.console.facts_pages import form_field
from bot.database.models import (
    ANSWER_MAX_CHARACTERS,
    MAX_PHRASINGS_PER_ENTRY,
    PHRASING_MAX_CHARACTERS,
)
from bot.staff.accounts import StaffUser
from bot.staff.knowledge_base import (
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    Change,
    Entry,
    EntryForm,
    EntrySummary,
    EntryValues,
    reply_text,
)

STATUS_LABELS = {"published": "Published", "draft": "Draft"}
ACTION_LABELS = {
    "created": "Created",
    "edited": "Edited",
    "published": "Published",
    "unpublished": "Unpublished",
    "reverted": "Reverted",
    "imported": "Imported",
}
# The form's fields: name, label, hint, rows of its text area (0: one line).
_FIELDS = (
    ("title", "Title", "What the office calls the entry; students do not see it.", 0),
    (
        "phrasings",
        "How students ask it, one per line",
        f"Up to {MAX_PHRASINGS_PER_ENTRY} questions of up to {PHRASING_MAX_CHARACTERS} characters. "
        "The assistant answers a message that means the same as one of them; repeats are dropped.",
        6,
    ),
    (
        "answer",
        "Answer",
        f"Up to {ANSWER_MAX_CHARACTERS:,} characters. The chat shows **bold**, *italic*, lines "
        'starting with "- " as a list and [a link](https://...); anything else as written.',
        8,
    ),
    ("link", "Link (optional)", "A page with more, shown after the answer: https://...", 0),
)
# Problems of a refused import listed on the page (the rest are counted).
SHOWN_PROBLEMS = 30
_EXCERPT = 240


def kb_path(base: str, entry_id: int | None = None) -> str:
    return f"{base}/knowledge-base" + (f"/{entry_id}" if entry_id is not None else "")


def render_list(
    base: str,
    user: StaffUser,
    csrf: str,
    entries: Sequence[EntrySummary],
    zone: ZoneInfo,
    *,
    search: str = "",
    status: str = "",
    flash: str = "",
    problems: Sequence[str] = (),
) -> str:
    notice = _flash(flash)
    options = "".join(
        f'<option value="{value}"{" selected" if value == status else ""}>{label}</option>'
        for value, label in (("", "All"), ("published", "Published"), ("draft", "Draft"))
    )
    filtered = bool(search or status)
    if entries:
        shown = f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'}"
        listing = f"""<p>{shown}{" found" if filtered else ""}.</p>
<ul class="cards">{"".join(_card(base, entry, zone) for entry in entries)}</ul>"""
    else:
        listing = (
            '<p class="muted">No entry matches.</p>'
            if filtered
            else '<p class="muted">No entries yet: write the first with "New entry".</p>'
        )
    body = f"""<h1>Knowledge base</h1>
{notice}
<p>The school's own answers, for what students ask that the catalog does not cover. A published
entry answers from the next message on; a draft answers nobody. Every change is kept in the
entry's history and can be reverted.</p>
<p><a href="{escape(kb_path(base))}/new">New entry</a>
&middot; <a href="{escape(base)}/knowledge-base.csv" download>Download all as CSV</a>
&middot; <a href="#kb-import">Import a CSV file</a></p>
<form method="get" action="{escape(kb_path(base))}" class="range-form" role="search"
  aria-label="Search the knowledge base">
  <div><label for="kb-search">Search titles, answers and phrasings</label>
  <input id="kb-search" name="q" type="search" value="{escape(search)}"></div>
  <div><label for="kb-status">Status</label>
  <select id="kb-status" name="status">{options}</select></div>
  <button type="submit">Search</button>
</form>
<h2 id="kb-entries">Entries</h2>
{listing}
{_import_form(base, csrf, problems)}"""
    return pages.document("Knowledge base", body, base, user, csrf)


def render_entry(
    base: str,
    user: StaffUser,
    csrf: str,
    entry: Entry | None,
    zone: ZoneInfo,
    *,
    form: EntryForm | None = None,
    errors: Mapping[str, str] | None = None,
    flash: str = "",
) -> str:
    """A new entry's form (`entry` None) or an entry's edit form, refilled with `form` and
    `errors` after a refused save, with the preview, the status buttons and the history."""
    errors = errors or {}
    values = form or (entry.values.form() if entry is not None else EntryForm())
    summary = ""
    if errors:
        reason = errors.get("form", "correct the fields marked below.")
        summary = f'<p class="alert" role="alert">Nothing was saved: {escape(reason)}</p>'
    title = entry.values.title if entry is not None else "New entry"
    action = kb_path(base, entry.id if entry is not None else None) + ("" if entry else "/new")
    button = "Save" if entry is not None else "Save as a draft"
    parts = [
        f'<p><a href="{escape(kb_path(base))}">All entries</a></p>',
        f"<h1>{escape(title)}</h1>",
        _flash(flash) + summary,
    ]
    if entry is not None:
        parts.append(_status(base, csrf, entry))
        if entry.quote:
            parts.append(
                f'<p class="fact-seed">Shipped with the assistant: the career-guide page says '
                f"<q>{escape(entry.quote)}</q> An edit here is kept: the seed never overwrites "
                "it.</p>"
            )
    parts.append(f"""<form method="post" action="{escape(action)}" class="fact-form" novalidate>
  <input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf)}">
  {_fields(values, errors)}
  <button type="submit">{button}</button>
</form>""")
    if values.answer.strip():
        parts.append(render_preview(values.answer, values.link))
    if entry is not None:
        parts.append(
            '<h2>History</h2>\n<p class="muted">Reverting a change puts the entry back as it '
            "was just before it, status included, as a new change.</p>\n"
            + _history(base, csrf, entry.history, zone)
        )
    return pages.document(f"{title} - Knowledge base", "\n".join(parts), base, user, csrf)


def render_preview(answer: str, link: str) -> str:
    """The reply a student gets for this answer and link, as the chat widget draws it."""
    text = reply_text(answer.strip(), link.strip() or None)
    return f"""<section class="kb-preview" aria-labelledby="kb-preview-title">
<h2 id="kb-preview-title">Preview in the chat</h2>
<p class="muted">What a student reads when this entry answers (as typed in the form above).</p>
<div class="kb-bubble">{pages.chat_markdown(text)}</div>
</section>"""


# --- parts -------------------------------------------------------------------------------------


def _flash(flash: str) -> str:
    return f'<p class="notice" role="status">{escape(flash)}</p>' if flash else ""


def _card(base: str, entry: EntrySummary, zone: ZoneInfo) -> str:
    asked = " · ".join(entry.phrasings[:3])
    more = len(entry.phrasings) - 3
    if more > 0:
        asked += f" (and {more} more)"
    answer = entry.answer if len(entry.answer) <= _EXCERPT else entry.answer[:_EXCERPT] + "…"
    status = STATUS_LABELS.get(entry.status, entry.status)
    return f"""<li class="card kb-{escape(entry.status)}">
<h3 class="card-title"><a href="{escape(kb_path(base, entry.id))}">{escape(entry.title)}</a>
<span class="time">#{entry.id}, changed {escape(pages.when(entry.updated_at.astimezone(zone)))}
by {escape(entry.updated_by)}</span></h3>
<dl>
  <dt>Status</dt><dd class="status">{escape(status)}</dd>
  <dt>Asked as</dt><dd>{escape(asked)}</dd>
  <dt>Answer</dt><dd class="kb-text">{escape(answer)}</dd>
</dl>
</li>"""


def _fields(values: EntryForm, errors: Mapping[str, str]) -> str:
    given = {"title": values.title, "phrasings": values.phrasings, "answer": values.answer}
    return "\n  ".join(
        form_field(
            name,
            label,
            given.get(name, values.link),
            errors,
            hint,
            long=rows > 0,
            prefix="kb",
            rows=rows or 3,
        )
        for name, label, hint, rows in _FIELDS
    )


def _status(base: str, csrf: str, entry: Entry) -> str:
    published = entry.values.status == "published"
    said = (
        "Published: it answers students."
        if published
        else "Draft: it answers nobody until it is published."
    )
    verb, css = ("unpublish", ' class="danger"') if published else ("publish", "")
    label = "Unpublish (stop answering)" if published else "Publish (answer students)"
    return f"""<p>Status: <strong>{escape(said)}</strong></p>
<form method="post" action="{escape(kb_path(base, entry.id))}/{verb}" class="actions">
  <input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf)}">
  <button type="submit"{css}>{label}</button>
</form>"""


def _import_form(base: str, csrf: str, problems: Sequence[str]) -> str:
    alert = ""
    if problems:
        shown = "".join(f"<li>{escape(problem)}</li>" for problem in problems[:SHOWN_PROBLEMS])
        more = len(problems) - SHOWN_PROBLEMS
        extra = f"<p>And {more} more.</p>" if more > 0 else ""
        alert = f"""<div class="alert" role="alert"><p><strong>Nothing was imported.</strong>
Correct these rows and import the file again:</p><ul>{shown}</ul>{extra}</div>"""
    return f"""<h2 id="kb-import">Import a CSV file</h2>
{alert}
<form method="post" action="{escape(kb_path(base))}/import" enctype="multipart/form-data"
  class="fact-form">
  <input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf)}">
  <div class="fact-field">
  <label for="kb-file">CSV file</label>
  <input id="kb-file" name="file" type="file" accept=".csv,text/csv"
    aria-describedby="kb-file-hint">
  <p class="muted field-hint" id="kb-file-hint">Columns title, phrasings (one per line of the
  cell, or separated by " | "), answer, and optionally link, status (draft or published) and id
  (the entry to update; the export has them all). At most {IMPORT_MAX_BYTES // 1_000_000} MB and
  {IMPORT_MAX_ROWS:,} entries; one wrong row and nothing is imported.</p>
  </div>
  <button type="submit">Import</button>
</form>"""


def _history(base: str, csrf: str, changes: Sequence[Change], zone: ZoneInfo) -> str:
    if not changes:
        return '<p class="muted">No changes yet.</p>'
    items = []
    for change in changes:
        when = pages.when(change.changed_at.astimezone(zone))
        reverts = (
            f"<p>Reverts change #{change.reverted_change_id}.</p>"
            if change.reverted_change_id
            else ""
        )
        button = ""
        if change.revertible:
            button = f"""<form method="post" action="{escape(base)}/knowledge-base/history/{
                change.id
            }/revert" class="actions">
  <input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf)}">
  <button type="submit" class="danger">Revert to before this change<span
    class="visually-hidden"> (#{change.id})</span></button>
</form>"""
        items.append(
            f"""<li class="card">
<h3 class="card-title">#{change.id} {escape(ACTION_LABELS.get(change.action, change.action))}
<span class="time">{escape(when)}, {escape(change.changed_by)}</span></h3>
{reverts}<dl>{_differences(change.before, change.after)}</dl>
{button}
</li>"""
        )
    return f'<ol class="cards">{"".join(items)}</ol>'


def _differences(before: EntryValues | None, after: EntryValues) -> str:
    if before is None:
        status = STATUS_LABELS.get(after.status, after.status)
        return (
            f"<dt>Made</dt><dd>{escape(status)}, with {len(after.phrasings)} "
            f"phrasing{'s' if len(after.phrasings) != 1 else ''}</dd>"
        )
    rows = []
    for label, old, new in (
        ("Title", before.title, after.title),
        ("Status", STATUS_LABELS.get(before.status), STATUS_LABELS.get(after.status)),
        ("Link", before.link or "(none)", after.link or "(none)"),
    ):
        if old != new:
            rows.append(f"<dt>{label}</dt><dd>{escape(old or '')} &rarr; {escape(new or '')}</dd>")
    added = [p for p in after.phrasings if p not in before.phrasings]
    removed = [p for p in before.phrasings if p not in after.phrasings]
    if added:
        rows.append(f"<dt>Phrasings added</dt><dd>{escape(' · '.join(added))}</dd>")
    if removed:
        rows.append(f"<dt>Phrasings removed</dt><dd>{escape(' · '.join(removed))}</dd>")
    if before.answer != after.answer:
        rows.append(f'<dt>Answer before</dt><dd class="kb-text">{escape(before.answer)}</dd>')
        rows.append(f'<dt>Answer after</dt><dd class="kb-text">{escape(after.answer)}</dd>')
    return "".join(rows) or "<dt>Changed</dt><dd>nothing visible (the order of phrasings)</dd>"
