"""Staff accounts for the console: Argon2id password hashes, sign-in, and throttled guessing.

Accounts are made and changed from the command line only (`python -m bot staff ...`): there is
no default account and no default password. A sign-in is checked against the hash, and failed
sign-ins are counted per e-mail address, whether or not an account has that address: after
`MAX_FAILURES` within `FAILURE_WINDOW` the address is refused for `LOCKOUT` without looking at
the password. Unknown addresses get the same answers, and a password is verified against a
dummy hash for them, so neither the message nor the time taken tells whether an account exists.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.booking.appointment_times import utc_now
from bot.database.models import STAFF_ROLES, Counselor, LoginFailure, StaffAccount

logger = logging.getLogger(__name__)

ROLES: tuple[str, ...] = STAFF_ROLES
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte "password" is a cheap way to burn our CPU
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
# Failures older than this cannot matter any more.
FAILURE_RETENTION = timedelta(days=1)

WRONG_CREDENTIALS = "That e-mail address and password do not match an active account."
TOO_MANY_FAILURES = (
    "Too many failed sign-ins for this e-mail address. Wait 15 minutes, then try again."
)


class AccountError(ValueError):
    """An account could not be made or changed; the message says why in plain words."""


@dataclass(frozen=True)
class StaffUser:
    """An account as the console and the CLI see it (never the hash)."""

    id: int
    email: str
    display_name: str
    role: str
    active: bool
    counselor_id: int | None
    counselor_name: str | None


@dataclass(frozen=True)
class SignIn:
    """The result of a sign-in: `user` when it succeeded, else the message to show."""

    user: StaffUser | None
    message: str = ""


@lru_cache(maxsize=1)
def password_hasher() -> PasswordHasher:
    """argon2-cffi's defaults: Argon2id with RFC 9106's low-memory parameters."""
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return password_hasher().hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    address = email.strip().lower()
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        raise AccountError(f"{email.strip()!r} is not an e-mail address.")
    return address


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.")


def hash_password(password: str) -> str:
    check_password(password)
    return password_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def add_account(
    factory: sessionmaker[Session],
    email: str,
    display_name: str,
    role: str,
    password: str,
    now: datetime | None = None,
) -> StaffUser:
    """Create an active account; a counselor's is linked to the counselor with that e-mail."""
    if role not in STAFF_ROLES:
        raise AccountError(f"The role must be one of: {', '.join(STAFF_ROLES)}.")
    address = normalise_email(email)
    name = display_name.strip()
    if not name:
        raise AccountError("The account needs a display name.")
    password_hash = hash_password(password)
    now = now or utc_now()
    with factory() as session, session.begin():
        if session.scalar(select(StaffAccount.id).where(StaffAccount.email == address)):
            raise AccountError(f"An account for {address} exists already.")
        account = StaffAccount(
            email=address,
            display_name=name,
            role=role,
            password_hash=password_hash,
            active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(account)
        link_counselor(session, account)
        session.flush()
        user = _user(account)
    logger.info("Added %s account %s", role, address)
    return user


def set_password(
    factory: sessionmaker[Session], email: str, password: str, now: datetime | None = None
) -> None:
    """Replace the password (which also ends the account's console sessions: see
    bot.console.auth) and clear its failed sign-ins."""
    password_hash = hash_password(password)
    address = normalise_email(email)
    with factory() as session, session.begin():
        account = _account(session, address)
        account.password_hash = password_hash
        account.updated_at = now or utc_now()
        session.execute(delete(LoginFailure).where(LoginFailure.email == address))


def disable_account(
    factory: sessionmaker[Session], email: str, now: datetime | None = None
) -> None:
    """The account can no longer sign in, and its open sessions end at their next request."""
    with factory() as session, session.begin():
        account = _account(session, normalise_email(email))
        account.active = False
        account.updated_at = now or utc_now()


def list_accounts(factory: sessionmaker[Session]) -> list[StaffUser]:
    with factory() as session:
        return [
            _user(account)
            for account in session.scalars(select(StaffAccount).order_by(StaffAccount.email))
        ]


def active_user(session: Session, account_id: int) -> StaffUser | None:
    """The account behind a console session, if it still exists and is active."""
    account = session.get(StaffAccount, account_id)
    if account is None or not account.active:
        return None
    if account.counselor_id is None and link_counselor(session, account):
        session.commit()
    return _user(account)


def password_stamp(session: Session, account_id: int) -> str | None:
    """A digest of the account's current hash that a console session is bound to, so a new
    password ends every session (None: no such account). The session cookie is signed, not
    encrypted: it carries this digest, never the hash."""
    stored = session.scalar(select(StaffAccount.password_hash).where(StaffAccount.id == account_id))
    return None if stored is None else hashlib.sha256(stored.encode("utf-8")).hexdigest()[:32]


def sign_in(
    factory: sessionmaker[Session], email: str, password: str, now: datetime | None = None
) -> SignIn:
    """Check an e-mail and password, counting failures and refusing a throttled address."""
    now = now or utc_now()
    address = email.strip().lower()
    if not address or not password or len(password) > MAX_PASSWORD_LENGTH:
        return SignIn(None, WRONG_CREDENTIALS)
    with factory() as session, session.begin():
        session.execute(
            delete(LoginFailure).where(LoginFailure.failed_at < now - FAILURE_RETENTION)
        )
        if _throttled(session, address, now):
            logger.warning("Console sign-in refused: too many failures for one address")
            return SignIn(None, TOO_MANY_FAILURES)
        account = session.scalars(select(StaffAccount).where(StaffAccount.email == address)).first()
        stored = account.password_hash if account is not None else _dummy_hash()
        if account is None or not verify_password(stored, password) or not account.active:
            session.add(LoginFailure(email=address, failed_at=now))
            logger.info("Console sign-in failed")
            return SignIn(None, WRONG_CREDENTIALS)
        if password_hasher().check_needs_rehash(account.password_hash):
            account.password_hash = password_hasher().hash(password)
        session.execute(delete(LoginFailure).where(LoginFailure.email == address))
        if account.counselor_id is None:
            link_counselor(session, account)
        session.flush()
        return SignIn(_user(account))


def link_counselor(session: Session, account: StaffAccount) -> bool:
    """Point a counselor's account at the counselor with the same e-mail; True if it changed."""
    if account.role != "counselor" or account.counselor_id is not None:
        return False
    counselor = session.scalars(
        select(Counselor).where(func.lower(Counselor.email) == account.email)
    ).first()
    if counselor is None:
        return False
    account.counselor = counselor
    return True


def _throttled(session: Session, address: str, now: datetime) -> bool:
    """True while the latest failure is under LOCKOUT old and completed MAX_FAILURES within
    FAILURE_WINDOW. Refused attempts are not recorded, so the lockout ends LOCKOUT after the
    failure that started it."""
    latest = session.scalar(
        select(func.max(LoginFailure.failed_at)).where(LoginFailure.email == address)
    )
    if latest is None:
        return False
    # MAX() skips the column type's conversion on some backends: make it aware UTC again.
    latest = _aware(latest)
    if now - latest >= LOCKOUT:
        return False
    recent = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(
            LoginFailure.email == address,
            LoginFailure.failed_at > latest - FAILURE_WINDOW,
            LoginFailure.failed_at <= latest,
        )
    )
    return (recent or 0) >= MAX_FAILURES


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite returns MAX() of a DATETIME column as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _account(session: Session, address: str) -> StaffAccount:
    account = session.scalars(select(StaffAccount).where(StaffAccount.email == address)).first()
    if account is None:
        raise AccountError(f"There is no account for {address}.")
    return account


def _user(account: StaffAccount) -> StaffUser:
    return StaffUser(
        id=account.id,
        email=account.email,
        display_name=account.display_name,
        role=account.role,
        active=account.active,
        counselor_id=account.counselor_id,
        counselor_name=account.counselor.name if account.counselor is not None else None,
    )
