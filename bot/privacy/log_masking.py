"""Mask e-mail addresses and phone numbers in every log record of the process.

Students type their contact details into the chat, and both servers log messages, trackers,
request bodies and exception texts at one level or another. Masking per handler would miss the
handlers Rasa, Sanic, coloredlogs or a `--logging-config` file install later, so the masking
happens where records are made: a `logging.setLogRecordFactory` wrapper renders the message
(`msg % args`), masks it and freezes it as the record's `msg` (no `args` left for a handler to
format again), and renders and masks the exception and stack text. Fields passed with
`extra=` (Sanic's access log puts the request line there) are set after the factory runs, so
`Logger.makeRecord` is wrapped as well to mask those.

Phone numbers are recognised conservatively so that timestamps, dates, ports, IP addresses,
decimal numbers, hex ids and counts stay readable: see `looks_like_phone_number`.

Standard library only: the Rasa virtualenv imports this module too.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from typing import Any

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])",
    re.UNICODE,
)
# A run of digit groups: "+1 (303) 555-0199", "303.555.0199", "06 12 34 56 78", "3035550199".
# Every group after the first needs a separator or a parenthesis before it, so there is exactly
# one way to match a run (no backtracking blow-up on long digit strings).
_GROUP = r"(?:\(\d{1,5}\)|\d+)"
_DIGIT_RUN = re.compile(r"\+?" + _GROUP + r"(?:[ .\-]?\(\d{1,5}\)[ .\-]?\d+|[ .\-]\d+)*")
_DECIMAL = re.compile(r"\d+\.\d+")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_LAST_GROUP = re.compile(r"[ .\-]\d+$")

# E.164 allows at most 15 digits; the shortest numbers dialled with a country code have 8.
_MIN_INTERNATIONAL_DIGITS = 8
_MIN_NATIONAL_DIGITS = 10
_MAX_DIGITS = 15

_INSTALLED_MARK = "_masks_personal_data"


def mask_personal_data(text: str) -> str:
    """`text` with e-mail addresses replaced by [email] and phone numbers by [phone]."""
    if "@" in text:
        text = _EMAIL.sub(EMAIL_MASK, text)
    return _DIGIT_RUN.sub(lambda match: _mask_run(match, text), text)


def looks_like_phone_number(run: str, before: str = "", after: str = "") -> bool:
    """Whether a run of digit groups, found between the characters `before` and `after`, is a
    phone number rather than a number that logs are full of.

    Not phones: a run glued to letters or digits (hex ids, "v1.2", "id_12"), one followed by
    ":" (a time or host:port), decimals ("1709564400.25"), IPv4 addresses, runs of fewer than
    10 digits (8 with a leading "+"), and more than 15. Without "+" a run also needs the shape of
    a national number: written without separators it is 10 digits not starting with 0 or 1
    (Unix timestamps of this era start with 1), or 11 digits starting with 0, or with 1 and then
    2-9 (a North American number with its country code); written in groups it starts with 0 or
    "(" or has at least two groups of 3+ digits (so "12 13 14 15 16" or "2024 03 04 15 30"
    stay). With "+" it is always a phone number.
    """
    if _glued(before, "_@") or _glued(after, "_:@"):
        return False
    digits = re.sub(r"\D", "", run)
    if len(digits) > _MAX_DIGITS:
        return False
    if run.startswith("+"):
        return len(digits) >= _MIN_INTERNATIONAL_DIGITS
    if len(digits) < _MIN_NATIONAL_DIGITS or _DECIMAL.fullmatch(run) or _IPV4.fullmatch(run):
        return False
    if digits == run:
        if len(digits) == 10:
            return digits[0] not in "01"
        return len(digits) == 11 and (digits[0] == "0" or (digits[0] == "1" and digits[1] > "1"))
    groups = re.findall(r"\d+", run)
    return run[0] in "0(" or sum(len(group) >= 3 for group in groups) >= 2


def install_log_masking() -> None:
    """Mask personal data in every log record made from now on in this process.

    Idempotent: calling it again (from the launcher and from a server-start hook, say) changes
    nothing. Install it before the servers start so no record escapes."""
    current = logging.getLogRecordFactory()
    if not getattr(current, _INSTALLED_MARK, False):
        logging.setLogRecordFactory(_masking_factory(current))
    if not getattr(logging.Logger.makeRecord, _INSTALLED_MARK, False):
        masking = _masking_make_record(logging.Logger.makeRecord)
        logging.Logger.makeRecord = masking  # type: ignore[method-assign]


def mask_record(record: logging.LogRecord) -> None:
    """Freeze `record`'s message, exception and stack text in masked form."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 (a bad format string must still log something, masked)
        message = f"{record.msg} {record.args!r}"
    record.msg = mask_personal_data(message)
    record.args = ()
    if record.exc_info and record.exc_info[0] is not None:
        # Rendered now, so no formatter can print the raw exception text later; formatters use
        # a set `exc_text` as it is.
        rendered = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = mask_personal_data(rendered)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = mask_personal_data(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_personal_data(record.stack_info)


def _glued(neighbour: str, joining: str) -> bool:
    """Whether the character next to a run makes it part of a longer token."""
    return bool(neighbour) and (neighbour.isalnum() or neighbour in joining)


def _mask_run(match: re.Match[str], text: str) -> str:
    run = match.group()
    start, end = match.span()
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if looks_like_phone_number(run, before, after):
        return PHONE_MASK
    # "303 555 0199 12:30": the run swallowed the hour of a time; judge the part before it.
    last_group = _LAST_GROUP.search(run)
    if after == ":" and last_group:
        head, tail = run[: last_group.start()], run[last_group.start() :]
        if looks_like_phone_number(head, before, tail[0]):
            return PHONE_MASK + tail
    return run


_RecordMaker = Callable[..., logging.LogRecord]


def _masking_factory(inner: _RecordMaker) -> _RecordMaker:
    def make_masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = inner(*args, **kwargs)
        mask_record(record)
        return record

    setattr(make_masked_record, _INSTALLED_MARK, True)
    return make_masked_record


def _masking_make_record(inner: _RecordMaker) -> _RecordMaker:
    def make_record(
        self: logging.Logger,
        name: str,
        level: int,
        fn: str,
        lno: int,
        msg: object,
        args: Any,
        exc_info: Any,
        func: str | None = None,
        extra: dict[str, Any] | None = None,
        sinfo: str | None = None,
    ) -> logging.LogRecord:
        record = inner(self, name, level, fn, lno, msg, args, exc_info, func, extra, sinfo)
        for key in extra or ():
            value = record.__dict__.get(key)
            if isinstance(value, str):
                record.__dict__[key] = mask_personal_data(value)
        return record

    setattr(make_record, _INSTALLED_MARK, True)
    return make_record
