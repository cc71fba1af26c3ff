"""Every setting of the assistant, read from the environment in one place, with safe defaults.

Deployments differ only in these values. The action server, the Rasa server's plug-ins, the
site, the CLI and the tools all call `load_settings()`, so a default is written once, here, and
docs/configuration.md documents each variable once (a test checks that they agree).

Standard library only: the Rasa server's environment (SQLAlchemy 1.4) imports this module too.

Policy for a bad value: a typo in a limit or a time zone keeps the default and says so in the
log, because a misspelt limit must neither switch the limit off nor take the assistant down; a
port that is not a port raises `SettingsError`, because a server on an unexpected port is
worse than one that does not start. Blank values count as unset.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
# The team's shared folder beside the project: the seed page and the external evaluation set.
SHARED_DIR = REPO_ROOT.parent / "shared"
VAR_DIR = REPO_ROOT / "var"
DOMAIN_PATH = REPO_ROOT / "domain.yml"
# The program database's seed: every figure quoted from the career-guide page.
CATALOG_PATH = REPO_ROOT / "bot" / "knowledge" / "catalog.yml"

DEFAULT_SCHOOL_TIMEZONE = "America/Denver"
# Addresses a server listens on but a browser cannot connect to.
_WILDCARD_HOSTS = {"0.0.0.0", "::", ""}

# Abuse limits (bot.booking.limits): a real student books once, maybe retrying after a taken
# time or a database hiccup, so 5 attempts an hour from one chat never stop them. One address
# may be a whole campus or mobile network behind NAT, hence 20 an hour per client address:
# enough for a busy school event, while one script can no longer take every open slot in
# minutes. 3 confirmation e-mails a day to one address covers book, cancel and book again, and
# stops the assistant from being used to flood someone's inbox.
DEFAULT_ATTEMPTS_PER_CONVERSATION_PER_HOUR = 5
DEFAULT_ATTEMPTS_PER_CLIENT_PER_HOUR = 20
DEFAULT_CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY = 3

# The public channels (rasa_plugins.channels.guard): a question is a sentence or two, and a
# student types a few messages a minute; 300 a minute per address leaves room for a campus.
DEFAULT_MAX_MESSAGE_CHARS = 1000
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024
DEFAULT_RATE_LIMIT_PER_SENDER = "20/minute"
DEFAULT_RATE_LIMIT_PER_ADDRESS = "300/minute"
DEFAULT_RATE_LIMIT_STORAGE_URL = "memory://"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str


@dataclass(frozen=True)
class BookingLimits:
    """Caps that stop one script from booking every slot or mailing any address; counted in
    the program database (bot.booking.limits), so they hold across action servers."""

    attempts_per_conversation_per_hour: int = DEFAULT_ATTEMPTS_PER_CONVERSATION_PER_HOUR
    attempts_per_client_per_hour: int = DEFAULT_ATTEMPTS_PER_CLIENT_PER_HOUR
    confirmation_emails_per_address_per_day: int = DEFAULT_CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY


@dataclass(frozen=True)
class BookingSettings:
    # ISO 3166 region used for phone numbers typed without a +country prefix.
    phone_region: str = "US"
    # Where the outbox worker posts leads; None means "export them with the CLI instead".
    crm_webhook_url: str | None = None
    # Signs every request to the CRM; required when crm_webhook_url is set.
    crm_webhook_secret: str = field(default="", repr=False)
    # None when SMTP_HOST is unset: no confirmation e-mail is sent.
    smtp: SmtpSettings | None = None
    # Linked from the consent question of the booking form.
    privacy_notice_url: str = "/privacy"
    # The counselors and their hours (`python -m bot counselors seed` reads it).
    counselors_file: Path = REPO_ROOT / "bot" / "booking" / "sample_counselors.yml"
    limits: BookingLimits = BookingLimits()


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int


@dataclass(frozen=True)
class RasaSettings:
    """The Rasa server: where it listens, how others reach it, its HTTP API's secret."""

    address: ServerAddress = ServerAddress("127.0.0.1", 5005)
    # The server as the counselor CLI reaches it.
    url: str = "http://127.0.0.1:5005"
    # The address a browser reaches it at (the widget's socket.io URL).
    public_url: str = "http://127.0.0.1:5005"
    jwt_secret: str | None = field(default=None, repr=False)
    jwt_secret_file: Path = VAR_DIR / "rasa-jwt-secret"
    # Site origins whose pages may call the server and open the chat's socket; by default the
    # site `make run` serves.
    cors_origins: tuple[str, ...] = ("http://localhost:8000", "http://127.0.0.1:8000")
    # Largest request body the server reads (413 above it).
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    # Events a conversation keeps in memory; older ones are summed up in a snapshot. About ten
    # turns (a question and its answer are 6-8 events): more than the 5 dialogue states the
    # policies look at, and about the last twenty messages for a counselor's transcript.
    tracker_window_events: int = 80


@dataclass(frozen=True)
class ChannelLimits:
    """What the public channels accept before understanding (rasa_plugins.channels.guard)."""

    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    # `limits` rate strings, checked by the guard ("20/minute", "5/second;100/hour").
    rate_limit_per_sender: str = DEFAULT_RATE_LIMIT_PER_SENDER
    rate_limit_per_address: str = DEFAULT_RATE_LIMIT_PER_ADDRESS
    rate_limit_storage_url: str = field(default=DEFAULT_RATE_LIMIT_STORAGE_URL, repr=False)
    # Keys the hash that stands for a client address; empty: a random key per process.
    client_id_salt: str = field(default="", repr=False)


@dataclass(frozen=True)
class SiteSettings:
    address: ServerAddress = ServerAddress("127.0.0.1", 8000)
    widget_bundle: Path = REPO_ROOT / "widget" / "dist" / "chat-widget.js"


@dataclass(frozen=True)
class ConsoleSettings:
    """The staff console at /console (bot.console): what signs its session cookies and whether
    the cookies are sent over HTTPS only."""

    session_secret: str | None = field(default=None, repr=False)
    session_secret_file: Path = VAR_DIR / "console-session-secret"
    # Off by default so http://localhost works; on for any deployment behind HTTPS.
    secure_cookies: bool = False


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{VAR_DIR / 'program.db'}"
    tracker_store_url: str = f"sqlite:///{VAR_DIR / 'tracker.db'}"
    school_timezone: ZoneInfo = ZoneInfo(DEFAULT_SCHOOL_TIMEZONE)
    # Free text the school sets (phone, URL or e-mail); None means "not configured".
    enrollment_contact: str | None = None
    action_server: ServerAddress = ServerAddress("127.0.0.1", 5055)
    # Where the Rasa server calls the actions (endpoints.yml reads ACTION_SERVER_URL).
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    booking: BookingSettings = BookingSettings()
    rasa: RasaSettings = RasaSettings()
    channels: ChannelLimits = ChannelLimits()
    site: SiteSettings = SiteSettings()
    console: ConsoleSettings = ConsoleSettings()
    # How often each Rasa server checks the program database for knowledge-base changes
    # (rasa_plugins/knowledge_base/refresher.py): a published answer is live within about this.
    knowledge_base_refresh_ms: int = 1000
    # The career-guide page the catalog quotes (tests check every figure against it).
    seed_page: Path = SHARED_DIR / "seed" / "000_f1022f69477e8cd5.txt"


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """Build the settings from `environ`."""
    read = EnvReader(environ)
    default = Settings()
    action_server = ServerAddress(
        read.text("ACTION_SERVER_HOST") or default.action_server.host,
        read.port("ACTION_SERVER_PORT", default.action_server.port),
    )
    site = SiteSettings(
        address=ServerAddress(
            read.text("SITE_HOST") or default.site.address.host,
            read.port("SITE_PORT", default.site.address.port),
        ),
        widget_bundle=read.path("WIDGET_BUNDLE") or default.site.widget_bundle,
    )
    return Settings(
        database_url=read.text("DATABASE_URL") or default.database_url,
        tracker_store_url=read.text("TRACKER_STORE_URL") or default.tracker_store_url,
        school_timezone=read.timezone("SCHOOL_TIMEZONE", DEFAULT_SCHOOL_TIMEZONE),
        enrollment_contact=read.text("ENROLLMENT_CONTACT"),
        action_server=action_server,
        action_server_url=read.text("ACTION_SERVER_URL")
        or f"http://{_reachable(action_server.host)}:{action_server.port}/webhook",
        booking=_booking(read),
        rasa=_rasa(read, site),
        channels=ChannelLimits(
            max_message_chars=read.positive("MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS),
            max_request_bytes=read.positive("MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES),
            rate_limit_per_sender=read.text("RATE_LIMIT_PER_SENDER")
            or DEFAULT_RATE_LIMIT_PER_SENDER,
            rate_limit_per_address=read.text("RATE_LIMIT_PER_ADDRESS")
            or DEFAULT_RATE_LIMIT_PER_ADDRESS,
            rate_limit_storage_url=read.text("RATE_LIMIT_STORAGE_URL")
            or DEFAULT_RATE_LIMIT_STORAGE_URL,
            client_id_salt=read.text("CLIENT_ID_SALT") or "",
        ),
        site=site,
        console=_console(read),
        knowledge_base_refresh_ms=read.positive(
            "KNOWLEDGE_BASE_REFRESH_MS", default.knowledge_base_refresh_ms
        ),
        seed_page=read.path("SEED_PAGE") or default.seed_page,
    )


def _booking(read: EnvReader) -> BookingSettings:
    default = BookingSettings()
    smtp = None
    if host := read.text("SMTP_HOST"):
        smtp = SmtpSettings(
            host=host,
            port=read.port("SMTP_PORT", 25),
            sender=read.text("SMTP_FROM") or f"enrollment@{host}",
        )
    return BookingSettings(
        phone_region=(read.text("DEFAULT_PHONE_REGION") or default.phone_region).upper(),
        crm_webhook_url=read.text("CRM_WEBHOOK_URL"),
        crm_webhook_secret=read.text("CRM_WEBHOOK_SECRET") or "",
        smtp=smtp,
        privacy_notice_url=read.text("PRIVACY_NOTICE_URL") or default.privacy_notice_url,
        counselors_file=read.path("COUNSELORS_FILE") or default.counselors_file,
        limits=BookingLimits(
            attempts_per_conversation_per_hour=read.positive(
                "BOOKING_ATTEMPTS_PER_CONVERSATION_PER_HOUR",
                DEFAULT_ATTEMPTS_PER_CONVERSATION_PER_HOUR,
            ),
            attempts_per_client_per_hour=read.positive(
                "BOOKING_ATTEMPTS_PER_CLIENT_PER_HOUR", DEFAULT_ATTEMPTS_PER_CLIENT_PER_HOUR
            ),
            confirmation_emails_per_address_per_day=read.positive(
                "CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY",
                DEFAULT_CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY,
            ),
        ),
    )


def _rasa(read: EnvReader, site: SiteSettings) -> RasaSettings:
    default = RasaSettings()
    address = ServerAddress(
        read.text("RASA_HOST") or default.address.host,
        read.port("RASA_PORT", default.address.port),
    )
    own_url = f"http://{_reachable(address.host)}:{address.port}"
    site_port = site.address.port
    return RasaSettings(
        address=address,
        url=(read.text("RASA_URL") or own_url).rstrip("/"),
        public_url=(read.text("BOT_PUBLIC_URL") or own_url).rstrip("/"),
        jwt_secret=read.text("RASA_JWT_SECRET"),
        jwt_secret_file=read.path("RASA_JWT_SECRET_FILE") or default.jwt_secret_file,
        cors_origins=tuple(
            origin.rstrip("/")
            for origin in (
                read.text("RASA_CORS_ORIGINS")
                or f"http://localhost:{site_port} http://127.0.0.1:{site_port}"
            )
            .replace(",", " ")
            .split()
        ),
        max_request_bytes=read.positive("MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES),
        tracker_window_events=read.whole("TRACKER_WINDOW_EVENTS", default.tracker_window_events),
    )


def _console(read: EnvReader) -> ConsoleSettings:
    default = ConsoleSettings()
    secure = read.text("CONSOLE_SECURE_COOKIES")
    return ConsoleSettings(
        session_secret=read.text("CONSOLE_SESSION_SECRET"),
        session_secret_file=read.path("CONSOLE_SESSION_SECRET_FILE") or default.session_secret_file,
        secure_cookies=default.secure_cookies
        if secure is None
        else _switch("CONSOLE_SECURE_COOKIES", secure),
    )


def _switch(name: str, value: str) -> bool:
    """On or off. A typo raises: silently sending the console's cookie over plain HTTP would be
    worse than a console that does not start."""
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be on or off (1/0, true/false, yes/no), not {value!r}")


def _reachable(host: str) -> str:
    """The address to connect to a server listening on `host` (a wildcard means this machine)."""
    return "127.0.0.1" if host in _WILDCARD_HOSTS else host


@dataclass(frozen=True)
class EnvReader:
    """Typed reads of one environment, each falling back to its default on a bad value."""

    environ: Mapping[str, str]

    def text(self, name: str) -> str | None:
        value = (self.environ.get(name) or "").strip()
        return value or None

    def path(self, name: str) -> Path | None:
        value = self.text(name)
        return Path(value) if value else None

    def whole(self, name: str, default: int) -> int:
        """A whole number of at least 0."""
        return self._number(name, default, minimum=0)

    def positive(self, name: str, default: int) -> int:
        """A whole number of at least 1."""
        return self._number(name, default, minimum=1)

    def port(self, name: str, default: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        if not value.isdigit() or not 1 <= int(value) <= 65535:
            raise SettingsError(f"{name} must be a port number (1-65535), not {value!r}")
        return int(value)

    def timezone(self, name: str, default: str) -> ZoneInfo:
        # Start dates stay right on all but the few hours around midnight with the default zone,
        # so a typo in the zone's name is logged rather than fatal.
        value = self.text(name)
        if value:
            try:
                return ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                logger.warning("Unknown %s %r; using %s", name, value, default)
        return ZoneInfo(default)

    def _number(self, name: str, default: int, minimum: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            number = minimum - 1
        if number < minimum:
            logger.warning(
                "%s=%r is not a whole number of at least %d; using %d",
                name,
                value,
                minimum,
                default,
            )
            return default
        return number
