"""The Rasa server's calls to the action server, without two costs Rasa 3.6 pays on every call.

A database answer is one custom action, and profiling the Rasa server while it answered them
(docs/serving.md) put most of its busy time in that call, not in understanding:

1. **The response check.** Rasa checks every action server response against its JSON schema
   with `jsonschema.validate`, which first checks the schema itself against the JSON Schema
   meta-schema and builds a new validator: ~35 ms of a core per custom action, 42% of the
   server's busy time. Here the schema is checked once and its validator kept; every response
   is still checked against the same schema, and a bad one fails with the same
   `ValidationError` (the same best-matching error and message) as before.
2. **The connection.** Rasa opens a new HTTP session, so a new TCP connection, for every call.
   Here the action endpoint keeps one session per event loop and borrows it for each call, so
   calls reuse kept-alive connections. Everything else about the request (headers, token,
   timeout, error handling) is Rasa's own `EndpointConfig.request`.

`install()` is called by `python -m rasa_plugins.server` before Rasa starts.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from types import TracebackType
from typing import Any

import aiohttp
from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import EndpointConfig


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:  # jsonschema's validator classes are made at run time
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_response(response: dict[str, Any]) -> None:
    """Raise the `ValidationError` `jsonschema.validate` would raise for this response."""
    error = best_match(_response_validator().iter_errors(response))
    if error is not None:
        raise error


_rasa_validate_action_result = RemoteAction._validate_action_result


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        validate_action_response(result)
    except ValidationError:
        # Rasa's own method words the error (with its link to the docs); it fails the same way.
        return bool(_rasa_validate_action_result(self, result))
    return True


class _BorrowedSession:
    """`async with` for a session that outlives the block: Rasa's `request` closes what its
    `session()` gives it, so the kept session is handed out through this instead."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


class KeepAliveEndpointConfig(EndpointConfig):
    """An `EndpointConfig` whose requests share one aiohttp session per event loop."""

    @classmethod
    def like(cls, config: EndpointConfig) -> KeepAliveEndpointConfig:
        """The same endpoint (URL, headers, token, options such as selective domain)."""
        keep_alive = cls.__new__(cls)
        keep_alive.__dict__.update(vars(config))
        return keep_alive

    def session(self) -> Any:  # Rasa types this as a ClientSession; it is used with `async with`
        sessions = _SESSIONS.setdefault(asyncio.get_running_loop(), {})
        session = sessions.get(id(self))
        if session is None or session.closed:
            session = sessions[id(self)] = super().session()
        return _BorrowedSession(session)


# One session per event loop and endpoint; a loop's sessions go when the loop does.
_SessionsByEndpoint = dict[int, aiohttp.ClientSession]
_SESSIONS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _SessionsByEndpoint] = (
    weakref.WeakKeyDictionary()
)


async def close_sessions() -> None:
    """Close this loop's kept sessions. The server's own close with its process (its sockets
    are the operating system's to close); a test that starts its own loop calls this."""
    for session in _SESSIONS.pop(asyncio.get_running_loop(), {}).values():
        await session.close()


_rasa_read_endpoints = AvailableEndpoints.read_endpoints.__func__


def _read_endpoints(cls: type[AvailableEndpoints], endpoint_file: str) -> AvailableEndpoints:
    endpoints = _rasa_read_endpoints(cls, endpoint_file)
    if endpoints.action is not None:
        endpoints.action = KeepAliveEndpointConfig.like(endpoints.action)
    return endpoints


def install() -> None:
    """Use the kept validator and the kept-alive action endpoint in this Rasa process."""
    RemoteAction._validate_action_result = _validate_action_result
    AvailableEndpoints.read_endpoints = classmethod(_read_endpoints)
