"""HTML of the console's Facts pages (office only): the list of editable catalog facts, and one
fact's edit form with its history and revert buttons. Every value is escaped; no scripts (the
known source pages are offered with a <datalist>, which needs none)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from urllib.parse import quote as url_quote
from zoneinfo import ZoneInfo

from bot.console import pages
from bot.console.auth import CSRF_FIELD
from bot.staff.accounts import StaffUser
from bot.staff.facts import SEED_NOTICE, Fact, FactGroup, HistoryEntry


def fact_path(base: str, key: str) -> str:
    return f"{base}/facts/{url_quote(key, safe=':')}"


def render_list(
    base: str, user: StaffUser, csrf: str, groups: Sequence[FactGroup], flash: str = ""
) -> str:
    status = f'<p class="notice" role="status">{escape(flash)}</p>' if flash else ""
    sections = []
    for group in groups:
        note = f'<p class="muted">{escape(group.note)}</p>' if group.note else ""
        cards = "".join(_fact_card(base, fact) for fact in group.facts)
        sections.append(
            f"""<section class="fact-group">
<h2>{escape(group.title)}</h2>
{note}<ul class="cards">{cards}</ul>
</section>"""
        )
    empty = "" if groups else '<p class="muted">The catalog is empty: run the seed first.</p>'
    body = f"""<h1>Facts</h1>
{status}
<p>What the assistant tells students, each fact with the sentence it quotes and the page it
comes from. A saved change is used from the next answer on, and kept in the fact's history.</p>
{_seed_warning()}
{empty}{"".join(sections)}"""
    return pages.document("Facts", body, base, user, csrf)


def render_fact(
    base: str,
    user: StaffUser,
    csrf: str,
    fact: Fact,
    changes: Sequence[HistoryEntry],
    known_pages: Sequence[tuple[str, str]],
    zone: ZoneInfo,
    *,
    form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    flash: str = "",
) -> str:
    """The edit form (refilled with `form` and `errors` after a refused save) and the history."""
    errors = errors or {}
    values = form or {"value": fact.value, "quote": fact.quote, "page": fact.page}
    status = f'<p class="notice" role="status">{escape(flash)}</p>' if flash else ""
    summary = ""
    if errors:
        summary = (
            '<p class="alert" role="alert">Nothing was saved: '
            + escape(errors.get("form", "correct the fields marked below."))
            + "</p>"
        )
    warnings = []
    if changes and changes[0].new_value != (fact.value or None):
        warnings.append(
            "The value differs from the last change made here: the seed (catalog.yml) has "
            "probably overwritten it since."
        )
    if not fact.quote_states_value:
        warnings.append("The quote does not state this figure as the page writes it.")
    warning = "".join(f'<p class="alert">{escape(w)}</p>' for w in warnings)
    shared = ""
    if fact.shared_quote_with:
        shared = (
            "The same quote is used by: "
            + ", ".join(fact.shared_quote_with)
            + ". Check them when the page changes."
        )
    options = "".join(
        f'<option value="{escape(ref)}">{escape(title)}</option>' for ref, title in known_pages
    )
    action = fact_path(base, fact.key)
    body = f"""<p><a href="{escape(base)}/facts">All facts</a></p>
<h1>{escape(fact.group)}: {escape(fact.label)}</h1>
{status}{summary}{warning}
<p>Now: <strong>{escape(fact.shown)}</strong></p>
{_seed_warning()}
<form method="post" action="{escape(action)}" class="fact-form" novalidate>
  <input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf)}">
  {form_field("value", fact.label, values.get("value", ""), errors, fact.hint, long=fact.long_text)}
  {
        form_field(
            "quote",
            "Quote from the source page",
            values.get("quote", ""),
            errors,
            shared,
            long=True,
        )
    }
  {
        form_field(
            "page",
            "Source page",
            values.get("page", ""),
            errors,
            f"A known page's key, or the full address (https://...) of a new page. Shared by "
            f"{fact.page_scope}: changing it moves all of them.",
            datalist="known-pages",
        )
    }
  <datalist id="known-pages">{options}</datalist>
  <button type="submit">Save</button>
</form>
<h2>History</h2>
{_history(base, csrf, changes, zone)}"""
    return pages.document(f"{fact.label} - Facts", body, base, user, csrf)


def _seed_warning() -> str:
    return f'<p class="fact-seed"><strong>Note:</strong> {escape(SEED_NOTICE)}</p>'


def _fact_card(base: str, fact: Fact) -> str:
    flag = (
        ""
        if fact.quote_states_value
        else '<p class="field-error">The quote does not state this figure.</p>'
    )
    quote = escape(fact.quote) if fact.quote else '<span class="muted">none</span>'
    return f"""<li class="card">
<h3 class="card-title">{escape(fact.label)}</h3>
<dl>
  <dt>Value</dt><dd><strong>{escape(fact.shown)}</strong></dd>
  <dt>Quote</dt><dd><q>{quote}</q></dd>
  <dt>Page</dt><dd>{escape(fact.page_title)}</dd>
</dl>{flag}
<p class="fact-edit"><a href="{escape(fact_path(base, fact.key))}">Edit<span
  class="visually-hidden"> {escape(fact.group)}: {escape(fact.label)}</span></a></p>
</li>"""


def form_field(
    name: str,
    label: str,
    value: str,
    errors: Mapping[str, str],
    hint: str = "",
    *,
    long: bool = False,
    datalist: str = "",
    prefix: str = "fact",
    rows: int = 3,
) -> str:
    """A labelled input with its hint and error linked by aria-describedby (the knowledge
    base's form uses it too, with its own `prefix` for the ids)."""
    described = []
    hint_html = error_html = ""
    if hint:
        hint_html = f'<p class="muted field-hint" id="{name}-hint">{escape(hint)}</p>'
        described.append(f"{name}-hint")
    invalid = ""
    if name in errors:
        error_html = f'<p class="field-error" id="{name}-error">{escape(errors[name])}</p>'
        described.append(f"{name}-error")
        invalid = ' aria-invalid="true"'
    describedby = f' aria-describedby="{" ".join(described)}"' if described else ""
    attributes = f'id="{prefix}-{name}" name="{name}"{describedby}{invalid}'
    if long:
        control = f'<textarea {attributes} rows="{rows}">{escape(value)}</textarea>'
    else:
        listed = f' list="{datalist}"' if datalist else ""
        control = f'<input {attributes} value="{escape(value)}"{listed}>'
    return f"""<div class="fact-field">
  <label for="{prefix}-{name}">{escape(label)}</label>
  {control}{error_html}{hint_html}
</div>"""


def _history(base: str, csrf: str, changes: Sequence[HistoryEntry], zone: ZoneInfo) -> str:
    if not changes:
        return '<p class="muted">No changes made in the console yet.</p>'
    items = []
    for change in changes:
        when = pages.when(change.changed_at.astimezone(zone))
        reverted = (
            f"<dt>Reverts</dt><dd>change #{change.reverted_change_id}</dd>"
            if change.reverted_change_id
            else ""
        )
        quote = ""
        if change.old_quote != change.new_quote:
            quote = (
                f"<dt>Quote before</dt><dd><q>{escape(change.old_quote or '(none)')}</q></dd>"
                f"<dt>Quote after</dt><dd><q>{escape(change.new_quote or '(none)')}</q></dd>"
            )
        page = ""
        if change.old_page != change.new_page:
            page = (
                f"<dt>Page</dt><dd>{escape(change.old_page or '')} &rarr; "
                f"{escape(change.new_page or '')}</dd>"
            )
        action = f"{base}/facts/history/{change.id}/revert"
        items.append(
            f"""<li class="card">
<h3 class="card-title">Change #{change.id}<span class="time">{escape(when)},
  {escape(change.changed_by)}</span></h3>
<dl>
  <dt>Value</dt><dd>{escape(change.old_value or "(empty)")} &rarr;
    {escape(change.new_value or "(empty)")}</dd>
  {quote}{page}{reverted}
</dl>
<form method="post" action="{escape(action)}" class="actions">
  <input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf)}">
  <button type="submit" class="danger">Revert to the value before<span
    class="visually-hidden"> change #{change.id}</span></button>
</form>
</li>"""
        )
    return f'<ol class="cards">{"".join(items)}</ol>'
