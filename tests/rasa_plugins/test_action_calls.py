"""The Rasa server's action calls (rasa_plugins/action_calls.py) check responses exactly as Rasa
does, and reuse one kept-alive connection instead of opening one per call."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import EndpointConfig

from rasa_plugins import action_calls

GOOD_RESPONSES = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "timestamp": None, "name": "program", "value": "computer_science"},
            {"event": "active_loop", "name": None},
        ],
        "responses": [{"response": "utter_program_tuition", "tuition": "$3,920"}],
    },
    {},
]
BAD_RESPONSES = [
    {"events": [{"event": "slot", "name": 3}]},
    {"events": [{"event": "no_such_event"}]},
    {"responses": "utter_greet"},
    {"events": {"event": "slot"}},
    [],
]


@pytest.mark.parametrize("response", GOOD_RESPONSES)
def test_a_good_response_passes(response: dict[str, Any]) -> None:
    action_calls.validate_action_response(response)
    assert action_calls._validate_action_result(RemoteAction("action_x", None), response)


@pytest.mark.parametrize("response", BAD_RESPONSES)
def test_a_bad_response_fails_with_the_error_rasa_would_raise(response: Any) -> None:
    with pytest.raises(jsonschema.ValidationError) as expected:
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as ours:
        action_calls.validate_action_response(response)
    assert (ours.value.message, list(ours.value.path)) == (
        expected.value.message,
        list(expected.value.path),
    )
    # Through the installed method the error carries Rasa's own explanation.
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server"):
        action_calls._validate_action_result(RemoteAction("action_x", None), response)


def test_install_gives_the_action_endpoint_a_kept_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rasa_validate = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasa_validate)
    monkeypatch.setattr(AvailableEndpoints, "read_endpoints", AvailableEndpoints.read_endpoints)
    endpoints_file = tmp_path / "endpoints.yml"
    endpoints_file.write_text(
        "action_endpoint:\n  url: http://127.0.0.1:5055/webhook\n  enable_selective_domain: true\n"
        "  headers:\n    X-Test: kept\n"
    )
    action_calls.install()
    endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    assert isinstance(endpoints.action, action_calls.KeepAliveEndpointConfig)
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"
    assert endpoints.action.headers == {"X-Test": "kept"}
    assert endpoints.action.kwargs == {"enable_selective_domain": True}
    assert RemoteAction._validate_action_result is action_calls._validate_action_result


def test_calls_reuse_one_connection_and_keep_rasas_request_behaviour() -> None:
    peers: list[Any] = []
    seen_headers: list[str | None] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        seen_headers.append(request.headers.get("X-Test"))
        body = await request.json()
        if body.get("fail"):
            return web.json_response({"error": "no"}, status=500)
        return web.json_response({"echo": body["n"]})

    async def scenario() -> tuple[list[Any], bool]:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = action_calls.KeepAliveEndpointConfig.like(
            EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Test": "kept"})
        )
        try:
            answers = [await endpoint.request(json={"n": n}, method="post") for n in range(5)]
            failed = False
            try:
                await endpoint.request(json={"fail": True}, method="post")
            except Exception as error:  # Rasa's ClientResponseError, as with its own endpoint
                failed = "500" in str(error) or getattr(error, "status", None) == 500
            answers.append(await endpoint.request(json={"n": 9}, method="post"))
        finally:
            await action_calls.close_sessions()
            await runner.cleanup()
        return answers, failed

    answers, failed = asyncio.run(scenario())
    assert answers == [{"echo": n} for n in (0, 1, 2, 3, 4, 9)]
    assert failed
    assert seen_headers == ["kept"] * 7
    assert len(set(peers)) == 1, f"{len(set(peers))} connections for 7 calls"
