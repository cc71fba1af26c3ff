"""The console's Facts pages (office only): /facts lists the editable catalog facts,
/facts/{key} edits one (GET form with its history, POST save), and
/facts/history/{id}/revert (POST) writes a change's old values back as a new change.

The checks and the writes are `bot.staff.facts`; this module only reads forms and picks the page.
A refused save answers 400 with the form refilled and each reason next to its field.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.console.auth import check_csrf, csrf_token, require_role
from bot.console.facts_pages import fact_path, render_fact, render_list
from bot.staff import facts
from bot.staff.accounts import StaffUser

if TYPE_CHECKING:  # app.py imports this module to add its routes
    from bot.console.config import ConsoleConfig

logger = logging.getLogger(__name__)


def routes(factory: sessionmaker[Session], config: ConsoleConfig) -> list[Route]:
    zone = config.school_timezone

    def base(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    async def fact_list(request: Request) -> Response:
        user = await require_role(request, factory, "office")
        groups = await run_in_threadpool(facts.list_facts, factory)
        flash = str(request.session.pop("facts_flash", ""))
        return HTMLResponse(render_list(base(request), user, csrf_token(request), groups, flash))

    async def fact_form(request: Request) -> Response:
        user = await require_role(request, factory, "office")
        return await _form_page(request, user, request.path_params["key"])

    async def save_fact(request: Request) -> Response:
        user = await require_role(request, factory, "office")
        await check_csrf(request)
        key = request.path_params["key"]
        form = await request.form()
        submitted = {name: str(form.get(name) or "") for name in ("value", "quote", "page")}
        try:
            change_id = await run_in_threadpool(
                facts.change_fact,
                factory,
                key,
                submitted["value"],
                submitted["quote"],
                submitted["page"],
                user.id,
                config.clock(),
            )
        except facts.FactNotFound:
            raise HTTPException(404) from None
        except facts.FactRefused as refused:
            return await _form_page(
                request, user, key, form=submitted, errors=refused.errors, status=400
            )
        logger.info("Console: account %d changed fact %s (change %d)", user.id, key, change_id)
        request.session["facts_flash"] = f"Saved (change #{change_id}). The next answer uses it."
        return RedirectResponse(fact_path(base(request), key), status_code=303)

    async def revert(request: Request) -> Response:
        user = await require_role(request, factory, "office")
        await check_csrf(request)
        change_id = int(request.path_params["change_id"])
        try:
            change = await run_in_threadpool(facts.get_change, factory, change_id)
            new_id = await run_in_threadpool(
                facts.revert_change, factory, change_id, user.id, config.clock()
            )
        except facts.FactNotFound:
            raise HTTPException(404) from None
        except facts.FactRefused as refused:
            reasons = " ".join(refused.errors.values())
            request.session["facts_flash"] = f"Change #{change_id} was not reverted: {reasons}"
        else:
            logger.info("Console: account %d reverted fact change %d", user.id, change_id)
            request.session["facts_flash"] = (
                f"Change #{change_id} reverted (new change #{new_id}). The next answer uses it."
            )
        return RedirectResponse(fact_path(base(request), change.fact_key), status_code=303)

    async def _form_page(
        request: Request,
        user: StaffUser,
        key: str,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        try:
            fact = await run_in_threadpool(facts.get_fact, factory, key)
        except facts.FactNotFound:
            raise HTTPException(404) from None
        changes = await run_in_threadpool(facts.history, factory, key)
        pages = await run_in_threadpool(facts.known_pages, factory)
        flash = str(request.session.pop("facts_flash", ""))
        html = render_fact(
            base(request),
            user,
            csrf_token(request),
            fact,
            changes,
            pages,
            zone,
            form=form,
            errors=errors,
            flash=flash,
        )
        return HTMLResponse(html, status_code=status)

    return [
        Route("/facts", fact_list, methods=["GET"]),
        Route("/facts/history/{change_id:int}/revert", revert, methods=["POST"]),
        Route("/facts/{key}", fact_form, methods=["GET"]),
        Route("/facts/{key}", save_fact, methods=["POST"]),
    ]
