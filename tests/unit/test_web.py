"""The program page and the site server (bot.web): facts from the database, safe HTML, headers."""

from __future__ import annotations

import dataclasses
import os
import sys
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlalchemy import update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.database import models
from bot.database.db import session_factory
from bot.knowledge.catalog import CatalogUnavailable
from bot.settings import REPO_ROOT
from bot.web.app import content_security_policy, create_site
from bot.web.content import PageContent, read_page_content
from bot.web.page import render_program_page
from bot.web.settings import SiteSettings, WidgetEmbed, load_site_settings
from tools.processes import free_port, running

BOT_URL = "http://127.0.0.1:5005"


def site_settings(database_url: str = "sqlite://", bundle: Path | None = None) -> SiteSettings:
    return SiteSettings(
        host="127.0.0.1",
        port=8000,
        database_url=database_url,
        widget_bundle=bundle or Path("/nonexistent/chat-widget.js"),
        widget=WidgetEmbed(bot_url=BOT_URL),
    )


def get(
    app: Starlette, path: str, method: str = "GET", **headers: str
) -> tuple[str, Mapping[str, str], bytes]:
    """Status line, headers (any case) and decoded body of one request to the site."""
    sent = {"accept-encoding": "identity"}
    sent.update({name.replace("_", "-").lower(): value for name, value in headers.items()})
    with TestClient(app) as client:
        response = client.request(method, path, headers=sent)
    status = f"{response.status_code} {response.reason_phrase}"
    return status, response.headers, response.content


def test_program_page_shows_the_catalog_figures_as_the_page_words_them(seeded_url: str) -> None:
    status, headers, body = get(create_site(site_settings(seeded_url)), "/")
    page = body.decode()

    assert status == "200 OK"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    for fact in (
        "$3,920 per 6-month term",
        "70% of graduates in similar programs finish within 23 months",
        "67% of graduates finish within 30 months",
        "B.S. Computer Science",
        "B.S. Software Development",
        "Start the 1st of any month, as soon as you complete enrollment",
        "$114,000",
        "$78,000",
        "$150,000",
        "31% through 2026",
        "CompTIA A+",
        "Axelos ITIL Foundation",
    ):
        assert fact in page, fact


def test_page_embeds_the_widget_with_one_script_tag_and_its_configuration(seeded_url: str) -> None:
    page = get(create_site(site_settings(seeded_url)), "/")[2].decode()

    assert page.count("<script") == 1
    assert '<script src="/widget/chat-widget.js" defer' in page
    assert f'data-bot-url="{BOT_URL}"' in page
    assert 'data-title="Enrollment assistant"' in page
    assert "data-chat-widget-open>Skip to live chat" in page


def test_a_reseeded_figure_shows_on_the_next_page_load(seeded_url: str) -> None:
    app = create_site(site_settings(seeded_url))
    with session_factory(seeded_url)() as session, session.begin():
        session.execute(update(models.Program).values(tuition_per_term_usd=4100))

    assert "$4,100 per 6-month term" in get(app, "/")[2].decode()


def test_catalog_text_is_escaped_never_markup(seeded_url: str) -> None:
    content = read_page_content(seeded_url)
    hostile = dataclasses.replace(
        content.programs[0], tagline='<script>alert("x")</script> & <b>bold</b>'
    )
    page = render_program_page(
        dataclasses.replace(content, programs=(hostile, *content.programs[1:])),
        WidgetEmbed(bot_url='http://bot"><script>alert(1)</script>'),
    )

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert 'data-bot-url="http://bot&quot;&gt;&lt;script&gt;' in page


def test_unreadable_catalog_gives_503_page_that_still_has_the_widget() -> None:
    def unavailable() -> PageContent:
        raise CatalogUnavailable("no programs in the database; run the seed")

    status, _, body = get(create_site(site_settings(), read_content=unavailable), "/")

    assert status == "503 Service Unavailable"
    assert "not available right now" in body.decode()
    assert "/widget/chat-widget.js" in body.decode()


def test_every_response_forbids_other_hosts_except_the_bot(seeded_url: str) -> None:
    _, headers, _ = get(create_site(site_settings(seeded_url)), "/")

    policy = headers["Content-Security-Policy"]
    assert policy == content_security_policy(BOT_URL)
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert f"connect-src 'self' {BOT_URL} ws://127.0.0.1:5005" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_https_bot_is_reached_over_wss() -> None:
    assert (
        "connect-src 'self' https://bot.school.example wss://bot.school.example"
        in content_security_policy("https://bot.school.example")
    )


def test_widget_bundle_is_served_as_javascript_and_gzipped_when_accepted(tmp_path: Path) -> None:
    bundle = tmp_path / "chat-widget.js"
    bundle.write_text("console.log('widget');" * 100)
    app = create_site(site_settings(bundle=bundle))

    status, headers, body = get(app, "/widget/chat-widget.js")
    assert (status, headers["Content-Type"]) == ("200 OK", "text/javascript; charset=utf-8")
    assert body == bundle.read_bytes()
    assert headers["Cross-Origin-Resource-Policy"] == "cross-origin"

    _, headers, body = get(app, "/widget/chat-widget.js", accept_encoding="gzip, br")
    assert headers["content-encoding"] == "gzip"
    assert body == bundle.read_bytes()  # as the browser sees it, once decompressed


def test_missing_bundle_says_how_to_build_it() -> None:
    status, _, body = get(create_site(site_settings()), "/widget/chat-widget.js")

    assert status == "404 Not Found"
    assert b"npm run build" in body


def test_stylesheet_unknown_paths_and_methods() -> None:
    app = create_site(site_settings())

    assert get(app, "/site.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    assert get(app, "/nope")[0] == "404 Not Found"
    status, headers, _ = get(app, "/site.css", method="POST")
    assert (status, headers["Allow"]) == ("405 Method Not Allowed", "GET, HEAD")
    assert get(app, "/site.css", method="HEAD")[2] == b""


@pytest.mark.parametrize(
    ("environ", "bot_url"),
    [
        ({}, "http://127.0.0.1:5005"),
        ({"RASA_HOST": "0.0.0.0", "RASA_PORT": "6000"}, "http://127.0.0.1:6000"),
        ({"RASA_HOST": "bot.local"}, "http://bot.local:5005"),
        ({"BOT_PUBLIC_URL": "https://bot.school.example/"}, "https://bot.school.example"),
    ],
)
def test_bot_url_the_browser_uses(environ: dict[str, str], bot_url: str) -> None:
    assert load_site_settings(environ).widget.bot_url == bot_url


def test_site_port_defaults_to_8000_and_follows_site_port() -> None:
    assert load_site_settings({}).port == 8000
    assert load_site_settings({"SITE_PORT": "8123", "SITE_HOST": "0.0.0.0"}).port == 8123


def test_privacy_notice_says_what_is_kept_and_how_to_delete_it() -> None:
    status, headers, body = get(
        create_site(site_settings()), "/privacy", ACCEPT_ENCODING="identity"
    )
    text = body.decode()
    assert status == "200 OK"
    assert "e-mail address" in text and "delete my data" in text
    assert "/widget/chat-widget.js" in text
    assert "Content-Security-Policy" in headers


def test_python_m_bot_web_serves_the_site_with_uvicorn(tmp_path: Path) -> None:
    # The launcher itself: uvicorn's WebSocket support cannot import this environment's old
    # `websockets` (rasa-sdk's pin), so a launcher that left it on failed at start.
    port = free_port()
    env = {**os.environ, "SITE_HOST": "127.0.0.1", "SITE_PORT": str(port)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'missing.db'}"

    def serves_the_stylesheet() -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/site.css", timeout=2) as r:
            return r.status == 200 and "nosniff" in r.headers["X-Content-Type-Options"]

    with running(
        [sys.executable, "-m", "bot.web"],
        ready=serves_the_stylesheet,
        what="the site",
        log=tmp_path / "site.log",
        timeout=20,
        env=env,
        cwd=REPO_ROOT,
    ):
        pass
