"""The console's Insights page (office only): `GET /insights?from=&to=` and its CSV export
`GET /insights.csv?section=...&from=&to=`.

Everything on it is a count, or a student's message with e-mail addresses and phone numbers
masked (bot.staff.insights does the masking): no name, contact detail or conversation id. Charts are
inline SVG (bot.console.svg_charts), each followed by a table of the same numbers. A tracker
store or program database that cannot be read gives the page with bot.staff.insights' one-line
reason and status 503, not an error page without the form.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.console.auth import csrf_token, require_role
from bot.console.pages import clock, document
from bot.console.svg_charts import Bar, Html, bar_chart, column_chart, figures_table
from bot.knowledge.replies.language import ENGLISH, language_name
from bot.settings import load_settings
from bot.staff.accounts import StaffUser
from bot.staff.insights import (
    REPLY_TITLES,
    InsightsError,
    Period,
    Report,
    UnansweredMessage,
    today_in,
)
from bot.staff.insights import cache as data

if TYPE_CHECKING:
    from bot.console.config import ConsoleConfig

SECTION_TITLES = {
    "per_day": "Conversations per day",
    "funnel": "Funnel",
    "topics": "Most asked topics",
    "unanswered": "Not answered",
    "programs": "Bookings by program",
    "knowledge_base": "Knowledge base answers",
    "languages": "Conversations by language",
}


def routes(factory: sessionmaker[Session], config: ConsoleConfig) -> list[Route]:
    zone = config.school_timezone
    cache = data.ReportCache()

    def base(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    def chosen(request: Request) -> data.Range:
        today = today_in(zone, config.clock())
        params = request.query_params
        return data.requested_range(params.get("from"), params.get("to"), today, zone)

    async def figures(period: Period) -> data.Figures:
        # Read per request, like the command: TRACKER_STORE_URL is not part of ConsoleConfig.
        tracker_url = load_settings().tracker_store_url
        return await run_in_threadpool(
            cache.figures, tracker_url, config.database_url, period, config.clock()
        )

    async def page(request: Request) -> Response:
        user = await require_role(request, factory, "office")
        asked = chosen(request)
        try:
            found = await figures(asked.period)
        except InsightsError as error:
            html = render_unavailable(base(request), user, csrf_token(request), asked, str(error))
            return HTMLResponse(html, status_code=503)
        html = render_insights(base(request), user, csrf_token(request), asked, found)
        return HTMLResponse(html)

    async def export(request: Request) -> Response:
        await require_role(request, factory, "office")
        section = request.query_params.get("section", "")
        if section not in data.SECTIONS:
            known = ", ".join(data.SECTIONS)
            return PlainTextResponse(f"Unknown section; use one of: {known}.\n", status_code=400)
        asked = chosen(request)
        if asked.problem:
            return PlainTextResponse(asked.problem + "\n", status_code=400)
        try:
            found = await figures(asked.period)
        except InsightsError as error:
            return PlainTextResponse(f"Insights unavailable: {error}\n", status_code=503)
        filename = data.csv_filename(section, asked.period)
        return Response(
            data.section_csv(found.report, section),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return [Route("/insights", page), Route("/insights.csv", export)]


# ---- rendering -----------------------------------------------------------------------------------


def render_insights(
    base: str, user: StaffUser, csrf: str, asked: data.Range, found: data.Figures
) -> str:
    report = found.report
    period = report.period
    body = "\n".join(
        (
            _heading(period),
            _range_form(base, period, asked.problem),
            _freshness(found.built_at, period),
            _per_day(base, report),
            _funnel(base, report),
            _topics(base, report),
            _languages(base, report),
            _unanswered(base, report),
            _programs(base, report),
            _knowledge_base(base, report),
        )
    )
    return document("Insights", body, base, user, csrf)


def render_unavailable(
    base: str, user: StaffUser, csrf: str, asked: data.Range, reason: str
) -> str:
    body = f"""{_heading(asked.period)}
{_range_form(base, asked.period, asked.problem)}
<div class="alert" role="alert"><p><strong>The insights cannot be shown just now.</strong>
{escape(reason[:1].upper() + reason[1:])}.</p>
<p>The rest of the console works as usual. Try again in a minute; if it goes on, tell the
administrator (the conversations are kept in the tracker store, TRACKER_STORE_URL).</p></div>"""
    return document("Insights", body, base, user, csrf)


def _heading(period: Period) -> str:
    return f"""<h1>Insights</h1>
<p>What students asked from {escape(_day(period.first))} to {escape(_day(period.last))}, whole
days in {escape(_zone_name(period))}. Counts only: no names or contact details; e-mail
addresses and phone numbers in messages are masked.</p>"""


def _range_form(base: str, period: Period, problem: str) -> str:
    alert = f'<p class="alert" role="alert">{escape(problem)}</p>' if problem else ""
    return f"""{alert}<form method="get" action="{escape(base)}/insights" class="range-form"
  aria-label="Date range">
  <div><label for="insights-from">From</label>
  <input id="insights-from" name="from" type="date" value="{period.first.isoformat()}"
    required></div>
  <div><label for="insights-to">To (included)</label>
  <input id="insights-to" name="to" type="date" value="{period.last.isoformat()}"
    required></div>
  <button type="submit">Show</button>
</form>"""


def _freshness(built_at: datetime, period: Period) -> str:
    local = built_at.astimezone(period.zone)
    seconds = int(data.CACHE_SECONDS)
    return f"""<p class="muted" role="status">Figures as of {escape(clock(local))}; they are
kept up to {seconds} seconds, so a conversation from the last minute may not be counted yet.</p>"""


def _per_day(base: str, report: Report) -> str:
    rows = report.per_day
    total_days = len(rows)
    busiest = max(rows, key=lambda row: row.conversations, default=None)
    summary = (
        f"{total_days} days; the most on {_day(busiest.day)} with {busiest.conversations}."
        if busiest is not None and busiest.conversations
        else f"{total_days} days; no conversations."
    )
    chart = column_chart(
        "chart-per-day",
        "Conversations per day",
        summary,
        [Bar(f"{row.day:%d %b}", row.conversations, "conversations") for row in rows],
    )
    table = figures_table(
        "Conversations per day",
        ("Day", "Conversations"),
        [(f"{row.day:%a} {_day(row.day)}", str(row.conversations)) for row in rows],
    )
    return _section(
        base,
        "per_day",
        "A conversation in which a student wrote on a day counts once that day "
        "(one that goes on past midnight counts on both days).",
        chart + table,
        report.period,
    )


def _funnel(base: str, report: Report) -> str:
    steps = report.funnel.steps()
    total = report.funnel.conversations
    chart = bar_chart(
        "chart-funnel",
        "Funnel: how far conversations got",
        ", ".join(f"{step.step} {step.conversations}" for step in steps) + ".",
        [Bar(step.step, step.conversations, _percent(step.conversations, total)) for step in steps],
    )
    table = figures_table(
        "Funnel",
        ("Step", "Conversations", "% of all"),
        [
            (step.step, str(step.conversations), _percent(step.conversations, total))
            for step in steps
        ],
    )
    return _section(
        base,
        "funnel",
        "Each step counts the conversations of the range that also reached the step above: "
        "a booking made without a catalog answer is under bookings by program, not here.",
        chart + table,
        report.period,
    )


def _topics(base: str, report: Report) -> str:
    topics = report.topics
    if not topics:
        return _section(
            base, "topics", "", '<p class="muted">No questions in this range.</p>', report.period
        )
    chart = bar_chart(
        "chart-topics",
        "Most asked topics (messages)",
        f"{len(topics)} topics; the most asked: {topics[0].title}, {topics[0].messages} messages.",
        [Bar(_in_language(topic.title, topic.language), topic.messages) for topic in topics],
    )
    table = figures_table(
        "Most asked topics",
        ("Topic", "Language", "Messages", "Conversations"),
        [
            (
                topic.title,
                language_name(topic.language),
                str(topic.messages),
                str(topic.conversations),
            )
            for topic in topics
        ],
    )
    return _section(
        base,
        "topics",
        "Questions by topic and by the language of the conversation they were asked in, most "
        "asked first.",
        chart + table,
        report.period,
    )


def _languages(base: str, report: Report) -> str:
    table = figures_table(
        "Conversations by language",
        ("Language", "Conversations"),
        [(language_name(row.language), str(row.conversations)) for row in report.languages],
    )
    return _section(
        base,
        "languages",
        "A conversation is in the language the assistant last answered it in.",
        table,
        report.period,
    )


def _in_language(title: str, language: str) -> str:
    """A chart label: the topic, and its language when it is not English."""
    return title if language == ENGLISH else f"{title} ({language_name(language)})"


def _unanswered(base: str, report: Report) -> str:
    items = report.unanswered
    if not items:
        content = '<p class="muted">Every message in this range was answered.</p>'
    else:
        shown = items[: data.SHOWN_UNANSWERED]
        more = (
            f'<p class="muted">{len(items) - len(shown)} more in the CSV.</p>'
            if len(items) > len(shown)
            else ""
        )
        content = (
            figures_table(
                "Not answered",
                ("Message", "Language", "Reply", "Times", "Answer it"),
                [
                    (
                        item.text,
                        language_name(item.language),
                        REPLY_TITLES[item.reply],
                        str(item.count),
                        _add_link(base, item),
                    )
                    for item in shown
                ],
                wide_first=True,
            )
            + more
        )
    return _section(
        base,
        "unanswered",
        "Messages the assistant declined, answered with the counselor offer, or asked "
        '"Did you mean ...?" about: grouped as typed (lower case), e-mail addresses and phone '
        "numbers masked, most frequent first.",
        content,
        report.period,
    )


def _add_link(base: str, item: UnansweredMessage) -> Html:
    """The knowledge base's new-entry form, the message (as shown here) its first phrasing."""
    href = f"{base}/knowledge-base/new?{urlencode({'phrasing': item.text})}"
    return Html(
        f'<a href="{escape(href)}">Add to knowledge base<span class="visually-hidden">: '
        f"{escape(item.text)}</span></a>"
    )


def _knowledge_base(base: str, report: Report) -> str:
    content = '<p class="muted">No answers from the knowledge base in this range.</p>'
    if rows := report.knowledge_base:
        content = figures_table(
            "Knowledge base answers",
            ("Entry", "Answers", "Conversations"),
            [(row.title, str(row.answers), str(row.conversations)) for row in rows],
            wide_first=True,
        )
    return _section(
        base,
        "knowledge_base",
        "How often the assistant answered from each of the office's knowledge-base entries, "
        "most answered first.",
        content,
        report.period,
    )


def _programs(base: str, report: Report) -> str:
    rows = report.programs
    content = (
        figures_table(
            "Bookings by program",
            ("Program", "Bookings", "Cancelled", "Contacted"),
            [
                (row.program, str(row.bookings), str(row.cancelled), str(row.contacted))
                for row in rows
            ],
            wide_first=True,
        )
        if rows
        else '<p class="muted">No bookings in this range.</p>'
    )
    return _section(
        base,
        "programs",
        "Bookings made in the range, by the program the student named.",
        content,
        report.period,
    )


def _section(base: str, section: str, intro: str, content: str, period: Period) -> str:
    title = SECTION_TITLES[section]
    query = f"section={section}&from={period.first.isoformat()}&to={period.last.isoformat()}"
    link = (
        f'<a href="{escape(base)}/insights.csv?{escape(query)}" download>'
        f'Download as CSV<span class="visually-hidden">: {escape(title)}</span></a>'
    )
    lead = f"<p>{escape(intro)} {link}</p>" if intro else f"<p>{link}</p>"
    return f"""<section class="insight" aria-labelledby="insights-{section}">
<h2 id="insights-{section}">{escape(title)}</h2>
{lead}
{content}
</section>"""


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _day(day: date) -> str:
    return f"{day:%d %b %Y}".lstrip("0")


def _zone_name(period: Period) -> str:
    return str(getattr(period.zone, "key", period.zone))
