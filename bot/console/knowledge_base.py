"""The console's Knowledge base pages (office only): /knowledge-base lists and searches the
entries; /knowledge-base/new (GET form, `?phrasing=` fills in the first phrasing; POST creates a
draft); /knowledge-base/{id} (GET form with the preview and history, POST save);
/knowledge-base/{id}/publish and /unpublish (POST); /knowledge-base/history/{id}/revert (POST);
/knowledge-base.csv (every entry) and /knowledge-base/import (POST, a CSV file uploaded).

The checks and the writes are `bot.staff.knowledge_base`; this module only reads forms and picks
the page. A refused save answers 400 with the form refilled and each reason beside its field; a
refused import answers 400 with every row's problem, and has written nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.console.auth import check_csrf, csrf_token, require_role
from bot.console.knowledge_base_pages import kb_path, render_entry, render_list
from bot.staff import knowledge_base as kb
from bot.staff.accounts import StaffUser

if TYPE_CHECKING:  # app.py imports this module to add its routes
    from bot.console.config import ConsoleConfig

logger = logging.getLogger(__name__)

FLASH = "knowledge_base_flash"
# Room for the multipart framing and the other fields around the file itself.
_UPLOAD_OVERHEAD_BYTES = 64 * 1024
_LIVE = "The next message uses it."
# kb.publish and kb.unpublish: (factory, entry id, account id, now) -> the change's id.
StatusWrite = Callable[[sessionmaker[Session], int, int | None, datetime | None], int]


def routes(factory: sessionmaker[Session], config: ConsoleConfig) -> list[Route]:
    zone = config.school_timezone

    def base(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    async def office(request: Request) -> StaffUser:
        return await require_role(request, factory, "office")

    async def entry_list(request: Request) -> Response:
        user = await office(request)
        return await _list_page(request, user)

    async def new_form(request: Request) -> Response:
        user = await office(request)
        phrasing = request.query_params.get("phrasing", "")
        form = kb.EntryForm(phrasings=phrasing) if phrasing else None
        html = render_entry(base(request), user, csrf_token(request), None, zone, form=form)
        return HTMLResponse(html)

    async def create(request: Request) -> Response:
        user = await office(request)
        await check_csrf(request)
        form = _entry_form(await request.form())
        try:
            entry_id = await run_in_threadpool(
                kb.create_entry, factory, form, user.id, config.clock()
            )
        except kb.EntryRefused as refused:
            html = render_entry(
                base(request),
                user,
                csrf_token(request),
                None,
                zone,
                form=form,
                errors=refused.errors,
            )
            return HTMLResponse(html, status_code=400)
        logger.info("Console: account %d created knowledge base entry %d", user.id, entry_id)
        request.session[FLASH] = "Saved as a draft. Publish it when it is ready to answer."
        return RedirectResponse(kb_path(base(request), entry_id), status_code=303)

    async def entry_form(request: Request) -> Response:
        user = await office(request)
        return await _entry_page(request, user, request.path_params["entry_id"])

    async def save(request: Request) -> Response:
        user = await office(request)
        await check_csrf(request)
        entry_id = request.path_params["entry_id"]
        form = _entry_form(await request.form())
        try:
            change_id = await run_in_threadpool(
                kb.edit_entry, factory, entry_id, form, user.id, config.clock()
            )
        except kb.EntryNotFound:
            raise HTTPException(404) from None
        except kb.EntryRefused as refused:
            return await _entry_page(
                request, user, entry_id, form=form, errors=refused.errors, status=400
            )
        logger.info("Console: account %d edited knowledge base entry %d", user.id, entry_id)
        request.session[FLASH] = f"Saved (change #{change_id})."
        return RedirectResponse(kb_path(base(request), entry_id), status_code=303)

    def status_route(verb: str, write: StatusWrite, done: str) -> Route:
        async def endpoint(request: Request) -> Response:
            user = await office(request)
            await check_csrf(request)
            entry_id = request.path_params["entry_id"]
            try:
                change_id = await run_in_threadpool(
                    write, factory, entry_id, user.id, config.clock()
                )
            except kb.EntryNotFound:
                raise HTTPException(404) from None
            except kb.EntryRefused as refused:
                request.session[FLASH] = " ".join(refused.errors.values())
            else:
                logger.info(
                    "Console: account %d %s knowledge base entry %d", user.id, done, entry_id
                )
                request.session[FLASH] = f"{done.capitalize()} (change #{change_id}). {_LIVE}"
            return RedirectResponse(kb_path(base(request), entry_id), status_code=303)

        return Route(f"/knowledge-base/{{entry_id:int}}/{verb}", endpoint, methods=["POST"])

    async def revert(request: Request) -> Response:
        user = await office(request)
        await check_csrf(request)
        change_id = request.path_params["change_id"]
        try:
            change = await run_in_threadpool(kb.get_change, factory, change_id)
            new_id = await run_in_threadpool(
                kb.revert_change, factory, change_id, user.id, config.clock()
            )
        except kb.EntryNotFound:
            raise HTTPException(404) from None
        except kb.EntryRefused as refused:
            reasons = " ".join(refused.errors.values())
            request.session[FLASH] = f"Change #{change_id} was not reverted: {reasons}"
        else:
            logger.info("Console: account %d reverted knowledge base change %d", user.id, change_id)
            request.session[FLASH] = f"Change #{change_id} reverted (new change #{new_id}). {_LIVE}"
        return RedirectResponse(kb_path(base(request), change.entry_id), status_code=303)

    async def export(request: Request) -> Response:
        await office(request)
        text = await run_in_threadpool(kb.export_csv, factory)
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="knowledge_base.csv"'},
        )

    async def import_file(request: Request) -> Response:
        user = await office(request)
        declared = request.headers.get("content-length", "")
        if declared.isdecimal() and int(declared) > kb.IMPORT_MAX_BYTES + _UPLOAD_OVERHEAD_BYTES:
            # Refused before the body is read: nothing is written, so no token is needed yet.
            problem = f"The file is larger than {kb.IMPORT_MAX_BYTES:,} bytes: split it."
            return await _list_page(request, user, problems=[problem], status=413)
        await check_csrf(request)
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await _list_page(
                request, user, problems=["Choose a CSV file first."], status=400
            )
        data = await upload.read(kb.IMPORT_MAX_BYTES + 1)
        try:
            result = await run_in_threadpool(kb.import_csv, factory, data, user.id, config.clock())
        except kb.ImportRefused as refused:
            return await _list_page(request, user, problems=refused.problems, status=400)
        logger.info(
            "Console: account %d imported knowledge base entries (%d new, %d updated)",
            user.id,
            result.created,
            result.updated,
        )
        request.session[FLASH] = (
            f"Imported: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged. Published entries answer from the next message on."
        )
        return RedirectResponse(kb_path(base(request)), status_code=303)

    async def _list_page(
        request: Request, user: StaffUser, *, problems: list[str] | None = None, status: int = 200
    ) -> Response:
        search = request.query_params.get("q", "")
        wanted = request.query_params.get("status", "")
        entries = await run_in_threadpool(kb.list_entries, factory, search, wanted)
        html = render_list(
            base(request),
            user,
            csrf_token(request),
            entries,
            zone,
            search=search,
            status=wanted,
            flash=str(request.session.pop(FLASH, "")),
            problems=problems or (),
        )
        return HTMLResponse(html, status_code=status)

    async def _entry_page(
        request: Request,
        user: StaffUser,
        entry_id: int,
        *,
        form: kb.EntryForm | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        try:
            entry = await run_in_threadpool(kb.get_entry, factory, entry_id)
        except kb.EntryNotFound:
            raise HTTPException(404) from None
        html = render_entry(
            base(request),
            user,
            csrf_token(request),
            entry,
            zone,
            form=form,
            errors=errors,
            flash=str(request.session.pop(FLASH, "")),
        )
        return HTMLResponse(html, status_code=status)

    return [
        Route("/knowledge-base", entry_list, methods=["GET"]),
        Route("/knowledge-base.csv", export, methods=["GET"]),
        Route("/knowledge-base/new", new_form, methods=["GET"]),
        Route("/knowledge-base/new", create, methods=["POST"]),
        Route("/knowledge-base/import", import_file, methods=["POST"]),
        Route("/knowledge-base/history/{change_id:int}/revert", revert, methods=["POST"]),
        Route("/knowledge-base/{entry_id:int}", entry_form, methods=["GET"]),
        Route("/knowledge-base/{entry_id:int}", save, methods=["POST"]),
        status_route("publish", kb.publish, "published"),
        status_route("unpublish", kb.unpublish, "unpublished"),
    ]


def _entry_form(form: FormData) -> kb.EntryForm:
    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    return kb.EntryForm(text("title"), text("answer"), text("link"), text("phrasings"))
