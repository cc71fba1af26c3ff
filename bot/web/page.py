"""HTML of the program page: the machine learning engineer career guide, the two degree
programs and the start-date note, with the chat widget's one `<script>` tag.

Every value from the database goes through `html.escape`, so a catalog edit can change words
on the page but never its markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.knowledge.catalog import NamedFact, Program
from bot.web.content import PageContent
from bot.web.settings import WidgetEmbed

WIDGET_SRC = "/widget/chat-widget.js"
# Phones: the page fills the screen, and the keyboard resizes it rather than covering the chat.
VIEWPORT = (
    "width=device-width, initial-scale=1, viewport-fit=cover, interactive-widget=resizes-content"
)


def usd(amount: int) -> str:
    return f"${amount:,}"


def tuition_text(program: Program) -> str:
    """As the page words it: "$3,920 per 6-month term"."""
    return f"{usd(program.tuition_per_term_usd)} per {program.term_months}-month term"


def render_program_page(content: PageContent, widget: WidgetEmbed) -> str:
    career = content.career
    return _document(
        title=f"{career.title.title()} Career Guide",
        main="\n".join(
            [
                f"<h1>{escape(career.title.title())} Career Guide</h1>",
                f'<p class="lead">{escape(career.description)}</p>',
                _paragraphs(career.collaboration, career.suited_to),
                _section(
                    "what-is",
                    f"What is a {career.title.lower()}?",
                    _paragraphs(career.goal, career.ai_relation),
                    "<p>Others who work closely with them include:</p>",
                    _facts(career.related_roles),
                    _paragraphs(career.degree_requirement, career.senior_degree_requirement),
                ),
                _section(
                    "duties", f"What does a {career.title.lower()} do?", _facts(career.duties)
                ),
                _section(
                    "certifications",
                    "What certifications are needed?",
                    _paragraphs(career.certifications_required_text, career.certifications_note),
                    _list(career.certifications),
                ),
                _section(
                    "education",
                    "What education is needed?",
                    _paragraphs(
                        "A bachelor’s degree in "
                        + _series(career.degree_fields, "or")
                        + " prepares you."
                    ),
                    _list(career.degree_benefits),
                ),
                _programs(content.programs),
                _start_dates(content),
                _section("skills", "What skills are needed?", _facts(career.skills)),
                _section(
                    "salary",
                    "How much do they make?",
                    _paragraphs(
                        f"An average salary of {usd(career.salary.average_usd)} a year, ranging "
                        f"from {usd(career.salary.low_usd)} to {usd(career.salary.high_usd)}.",
                        "What you earn depends on " + _series(career.salary.factors) + ".",
                    ),
                ),
                _section(
                    "growth",
                    "What is the projected job growth?",
                    _paragraphs(
                        f"Demand is expected to grow {career.job_growth.percent}% through "
                        f"{career.job_growth.through_year}, driven by new software for:"
                    ),
                    _list(career.job_growth.drivers),
                ),
                _section("industries", "Where do they work?", _facts(career.industries)),
            ]
        ),
        widget=widget,
    )


def render_unavailable_page(widget: WidgetEmbed) -> str:
    """Shown when the database cannot be read: the assistant may still be able to help."""
    return _document(
        title="Program information unavailable",
        main="<h1>Program information is not available right now</h1>"
        "<p>Please try again in a few minutes, or ask the assistant.</p>",
        widget=widget,
    )


def _programs(programs: Iterable[Program]) -> str:
    cards = []
    for program in programs:
        rows = [
            ("Time", program.completion_text + "."),
            ("Tuition and fees", tuition_text(program) + "."),
        ]
        if program.transfer_text:
            rows.append(("Transfer", program.transfer_text))
        details = "".join(f"<dt>{escape(term)}</dt><dd>{escape(text)}</dd>" for term, text in rows)
        careers = _paragraphs(
            program.careers_note + (" " + _series(program.careers) + "." if program.careers else "")
        )
        cards.append(
            f'<article class="program" aria-labelledby="program-{escape(program.code)}">'
            f'<h3 id="program-{escape(program.code)}">{escape(program.display_name)}</h3>'
            f"{_paragraphs(program.tagline)}<dl>{details}</dl>"
            f"{_paragraphs(program.certifications_note)}{_list(program.certifications)}{careers}</article>"
        )
    return _section(
        "programs", "Degree programs", '<div class="programs">' + "".join(cards) + "</div>"
    )


def _start_dates(content: PageContent) -> str:
    enrollment = content.enrollment
    return _section(
        "start-dates",
        "Next start date",
        '<p class="callout">Start the 1st of any month, as soon as you '
        f"{escape(enrollment.prerequisite)}.</p>",
        _paragraphs(
            enrollment.start_rule,
            enrollment.year_round,
            f"Get started by talking to an {enrollment.contact_role} today.",
        ),
        '<p><button type="button" class="ask-assistant" data-chat-widget-open>'
        "Ask the enrollment assistant</button></p>",
    )


def render_privacy_page(widget: WidgetEmbed) -> str:
    """What the assistant keeps about a student who books a call, linked from the booking form's
    consent question. A school with its own notice sets PRIVACY_NOTICE_URL to it instead."""
    return _document(
        title="Privacy notice for the enrollment assistant",
        main=_section(
            "privacy",
            "Privacy notice for the enrollment assistant",
            _paragraphs(
                "When you book a call with an Enrollment Counselor, the assistant stores your "
                "name, e-mail address, phone number if you give one, the program you are "
                "interested in, how you prefer to be contacted, the time you picked, the time you "
                "agreed to be contacted, and the page you were on.",
                "Enrollment Counselors use these details only to contact you about enrolling. "
                "They are passed to the school's enrollment system and are not sold or shared "
                "for advertising.",
                "If you ask for a person in the chat, the conversation so far is shown to the "
                "counselor who joins.",
                'To have your details deleted, type "delete my data" in the same chat, or ask '
                "the admissions office. You can cancel a booked call at any time with its "
                "reference code.",
            ),
        ),
        widget=widget,
    )


def _document(title: str, main: str, widget: WidgetEmbed) -> str:
    return f"""<!doctype html>
<html lang="{escape(widget.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="{VIEWPORT}">
<title>{escape(title)} · Online Degrees</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/site.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<button type="button" class="skip-link" data-chat-widget-open>Skip to live chat</button>
<p class="site-name">Online Degrees</p>
</header>
<main id="main" tabindex="-1">
{main}
</main>
<footer class="site-footer">
  <p>Facts on this page come from the school's reviewed program catalog.</p>
</footer>
{widget_script_tag(widget)}
</body>
</html>
"""


def widget_script_tag(widget: WidgetEmbed, src: str = WIDGET_SRC) -> str:
    """The one tag a page needs; another site uses the same tag with an absolute `src`."""
    return (
        f'<script src="{escape(src)}" defer\n'
        f'        data-bot-url="{escape(widget.bot_url)}"\n'
        f'        data-title="{escape(widget.title)}"\n'
        f'        data-greeting="{escape(widget.greeting)}"\n'
        f'        data-primary-color="{escape(widget.primary_color)}"\n'
        f'        data-lang="{escape(widget.lang)}"></script>'
    )


def _section(anchor: str, heading: str, *parts: str) -> str:
    return (
        f'<section id="{anchor}" aria-labelledby="{anchor}-heading">'
        f'<h2 id="{anchor}-heading">{escape(heading)}</h2>{"".join(parts)}</section>'
    )


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts if text)


def _list(items: Iterable[str]) -> str:
    entries = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f"<ul>{entries}</ul>" if entries else ""


def _facts(facts: Iterable[NamedFact]) -> str:
    entries = "".join(
        f"<li><strong>{escape(fact.name)}</strong>"
        + (f": {escape(fact.description)}" if fact.description else "")
        + "</li>"
        for fact in facts
    )
    return f"<ul>{entries}</ul>" if entries else ""


def _series(items: Iterable[str], conjunction: str = "and") -> str:
    """ "a, b, and c", as the page lists things."""
    items = list(items)
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f", {conjunction} " + items[-1]
