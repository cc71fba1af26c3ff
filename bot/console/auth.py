"""Who is signed in to the console: the signed session cookie, its CSRF token, role checks.

The session (Starlette's SessionMiddleware: signed, not encrypted) holds the account id, when
the person signed in, a digest of the password hash (a new password ends every session) and the
CSRF token every form posts back. Each request re-reads the account, so a disabled account is
out at its next click, and a session ends SESSION_LIFETIME after sign-in even while in use.
"""

from __future__ import annotations

import secrets
import time

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from bot.staff.accounts import StaffUser, active_user, password_stamp

SESSION_LIFETIME_SECONDS = 8 * 60 * 60
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """No valid session: the console answers with a redirect to the sign-in page."""


class Forbidden(Exception):
    """Signed in, but this page or appointment is not for this account."""

    def __init__(self, message: str = "This page is not available to your account.") -> None:
        super().__init__(message)
        self.message = message


class CsrfRejected(Exception):
    """A POST without the session's CSRF token: refused with 403."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (also before sign-in, for the login form)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.session.get("csrf")
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not expected
        or not secrets.compare_digest(sent.encode(), expected.encode())
    ):
        raise CsrfRejected()


def start_session(request: Request, user: StaffUser, stamp: str) -> None:
    """A fresh session (new CSRF token too): nothing from before sign-in carries over."""
    request.session.clear()
    request.session.update(
        {
            "account": user.id,
            "stamp": stamp,
            "since": int(time.time()),
            "csrf": secrets.token_urlsafe(32),
        }
    )


def end_session(request: Request) -> None:
    request.session.clear()


async def require_role(request: Request, factory: sessionmaker[Session], *roles: str) -> StaffUser:
    """The signed-in account if its role is one of `roles`; LoginRequired or Forbidden else."""
    account_id = request.session.get("account")
    since = request.session.get("since")
    if not isinstance(account_id, int) or not isinstance(since, int):
        raise LoginRequired()
    if time.time() - since > SESSION_LIFETIME_SECONDS:
        end_session(request)
        raise LoginRequired()
    user = await run_in_threadpool(_current_user, factory, account_id, request.session.get("stamp"))
    if user is None:
        end_session(request)
        raise LoginRequired()
    if user.role not in roles:
        raise Forbidden()
    return user


def _current_user(
    factory: sessionmaker[Session], account_id: int, stamp: object
) -> StaffUser | None:
    with factory() as session:
        if stamp != password_stamp(session, account_id):
            return None
        return active_user(session, account_id)


def stamp_for(factory: sessionmaker[Session], account_id: int) -> str:
    with factory() as session:
        return password_stamp(session, account_id) or ""
