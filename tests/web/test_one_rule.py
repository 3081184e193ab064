"""One rule whichever adapter asks (issue 11): the same unauthorised request through the
JSON API and through the command line gets the same refusal and writes the same
access-log line, because both only translate what the use case decided.

The command line runs in-process on the same store as the web service, as an operator
with the same id, roles and municipalities as the web user; only the ``client`` of the
access-log line (``cli``, ``web``) tells them apart."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from hub.cli.common import State
from hub.cli.forward import feedback, forward, requeue
from hub.cli.web import users_group
from hub.usecases.forwarding import SIGNATURE_HEADER, Forwarding, feedback_secret_env, sign
from plugins import Receipt

from .conftest import HOORN, Hub, example

SECRET = "riec-terugkoppelgeheim-test"
#: what tells the adapters apart, and what differs per line anyway
_VOLATILE = {"client", "logged_at", "time"}


def as_operator(hub: Hub, login: str) -> State:
    """The command line's state for an operator who is web user ``login``."""
    user = hub.users[login]
    config = hub.web.config
    operator = config.operator.model_copy(
        update={
            "id": user.login,
            "name": user.name,
            "roles": list(user.roles),
            "municipalities": list(user.municipalities),
        }
    )
    state = State(None, None)
    state._config = config.model_copy(update={"operator": operator})
    return state


def run_cli(state: State, command: click.Command, *args: str) -> Any:
    return CliRunner().invoke(command, list(args), obj=state, catch_exceptions=False)


def last_line(hub: Hub) -> dict[str, Any]:
    line = dict(hub.access_log()[-1])
    return {k: v for k, v in line.items() if k not in _VOLATILE}


def same_refusal(web_line: dict[str, Any], cli_line: dict[str, Any]) -> None:
    """The same line, but for where the request came from (the web knows the address
    and route of a caller without an account)."""
    assert web_line["result"] == "refused", web_line
    web_detail = {k: v for k, v in web_line["detail"].items() if k not in ("address", "route")}
    assert {**web_line, "detail": web_detail} == cli_line


async def delivered_to_riec(hub: Hub) -> str:
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    fwd = Forwarding(hub.web.forwarding)
    row = fwd.forward(hub.users["af-hoorn"].actor("test"), dossier_id, "riec")
    fwd.machinery.outbox.claim("w", limit=10)
    fwd.machinery.outbox.delivered(row.id, Receipt("r-1", "200 OK"), worker="w")
    return row.id


async def test_forwarding_another_municipalitys_dossier(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-enkhuizen") as client:
        web = await client.post(
            f"/api/v1/dossiers/{dossier_id}/forward", json={"table": "lokaal", "confirm": True}
        )
    web_line = last_line(hub)
    cli = run_cli(
        as_operator(hub, "af-enkhuizen"), forward, dossier_id, "--table", "lokaal", "--yes"
    )
    cli_line = last_line(hub)
    # the same answer as an unknown dossier; whose it is only in the access log
    assert web.status_code == 404 and cli.exit_code == 2
    detail = web.json()["detail"][0]
    assert detail == {"field": "dossier_id", "message": f"dossier {dossier_id} bestaat niet"}
    assert cli.stderr == f"opplus: dossier {dossier_id} bestaat niet\n"
    same_refusal(web_line, cli_line)
    assert cli_line["reason"] == "dossier hoort bij gemeente 0405"
    assert hub.web.forwarding.outbox.list() == []


async def test_retrying_a_delivery_without_the_officer_role(hub: Hub):
    delivery_id = await delivered_to_riec(hub)
    async with hub.as_user("auditor") as client:
        web = await client.post(f"/api/v1/deliveries/{delivery_id}/requeue")
    web_line = last_line(hub)
    cli = run_cli(as_operator(hub, "auditor"), requeue, delivery_id)
    cli_line = last_line(hub)
    assert web.status_code == 403 and cli.exit_code == 2
    message = "rol officer vereist voor deliveries.requeue"
    assert web.json()["detail"] == [{"field": None, "message": message}]
    assert cli.stderr == f"opplus: geweigerd: {message}\n"
    same_refusal(web_line, cli_line)
    assert cli_line["action"] == "deliveries.requeue" and cli_line["user_id"] == "auditor"


async def test_an_officer_retries_a_failed_delivery_through_the_command_line(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    officer = hub.users["af-hoorn"].actor("test")
    delivery_id = Forwarding(hub.web.forwarding).forward(officer, dossier_id, "lokaal").id
    outbox = hub.web.forwarding.outbox
    outbox.claim("w", limit=10)
    outbox.attempt_failed(delivery_id, "HTTP 500", transient=False, retry_after=None, worker="w")
    done = run_cli(as_operator(hub, "af-hoorn"), requeue, delivery_id)
    assert done.exit_code == 0, done.stderr
    assert outbox.get(delivery_id).state == "queued"
    line = last_line(hub)
    assert (line["action"], line["result"], line["user_id"]) == (
        "deliveries.requeue",
        "allowed",
        "af-hoorn",
    )
    again = run_cli(as_operator(hub, "af-hoorn"), requeue, delivery_id)
    assert again.exit_code == 2 and "alleen een mislukte levering" in again.stderr


async def test_recording_feedback_without_the_officer_role(hub: Hub):
    """The command line used to record feedback for anyone its operator was; now the
    same role check as the web: only an officer of the delivery's municipality."""
    delivery_id = await delivered_to_riec(hub)
    async with hub.as_user("auditor") as client:
        web = await client.post(
            f"/api/v1/deliveries/{delivery_id}/feedback", json={"text": "Gelezen."}
        )
    web_line = last_line(hub)
    cli = run_cli(as_operator(hub, "auditor"), feedback, delivery_id, "--text", "Gelezen.")
    cli_line = last_line(hub)
    assert web.status_code == 403 and cli.exit_code == 2
    assert "rol officer vereist voor feedback" in cli.stderr
    same_refusal(web_line, cli_line)
    dossier_id = hub.web.forwarding.outbox.get(delivery_id).dossier_id
    assert hub.web.forwarding.feedback_for(dossier_id) == []


async def test_table_feedback_with_a_wrong_signature(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(feedback_secret_env("riec"), SECRET)
    delivery_id = await delivered_to_riec(hub)
    body = json.dumps({"text": "Besproken."}).encode()
    header = sign("geraden", int(time.time()), delivery_id, body)
    async with hub.anonymous() as table:
        web = await table.post(
            f"/api/v1/deliveries/{delivery_id}/feedback",
            content=body,
            headers={SIGNATURE_HEADER: header, "Content-Type": "application/json"},
        )
    web_line = last_line(hub)
    signed = tmp_path / "feedback.json"
    signed.write_bytes(body)
    # the operator's roles do not matter: the key is the table's authority
    cli = run_cli(
        as_operator(hub, "af-hoorn"),
        feedback,
        delivery_id,
        "--signed-body",
        str(signed),
        "--signature",
        header,
    )
    cli_line = last_line(hub)
    assert web.status_code == 401 and cli.exit_code == 2
    assert web.json()["detail"] == [
        {"field": SIGNATURE_HEADER, "message": "handtekening klopt niet"}
    ]
    assert cli.stderr == f"opplus: geweigerd: {SIGNATURE_HEADER}: handtekening klopt niet\n"
    same_refusal(web_line, cli_line)
    assert cli_line["user_id"] == "table:riec" and cli_line["action"] == "feedback"
    assert web_line["detail"]["address"] == "127.0.0.1"
    dossier_id = hub.web.forwarding.outbox.get(delivery_id).dossier_id
    assert hub.web.forwarding.feedback_for(dossier_id) == []


async def test_table_feedback_signed_right_is_taken_through_the_command_line_too(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(feedback_secret_env("riec"), SECRET)
    delivery_id = await delivered_to_riec(hub)
    body = json.dumps({"text": "Opgepakt.", "source": "Openbaar Ministerie"}).encode()
    signed = tmp_path / "feedback.json"
    signed.write_bytes(body)
    state = as_operator(hub, "auditor")
    args = ["--signed-body", str(signed), "--signature"]
    spoofed = run_cli(
        state, feedback, delivery_id, *args, sign(SECRET, int(time.time()), delivery_id, body)
    )
    assert spoofed.exit_code == 2 and "source: de afzender is de tafel van de sleutel" in (
        spoofed.stderr
    )
    body = json.dumps({"text": "Opgepakt."}).encode()
    signed.write_bytes(body)
    header = sign(SECRET, int(time.time()) + 1, delivery_id, body)
    ok = run_cli(state, feedback, delivery_id, *args, header)
    assert ok.exit_code == 0, ok.stderr
    again = run_cli(state, feedback, delivery_id, *args, header)
    assert again.exit_code == 2 and "al gebruikt" in again.stderr
    dossier_id = hub.web.forwarding.outbox.get(delivery_id).dossier_id
    sources = [f.source for f in hub.web.forwarding.feedback_for(dossier_id)]
    assert sources == ["RIEC Noord-Holland — informatieplein"]


async def test_an_administrator_approving_their_own_widening(hub: Hub):
    """Four eyes: the administrator who asked cannot approve, through either adapter."""
    async with hub.as_user("beheerder") as admin:
        asked = await admin.post(
            "/api/v1/users/af-hoorn/municipalities", json={"municipalities": ["0405", "0388"]}
        )
        change_id = asked.json()["id"]
        web = await admin.post(f"/api/v1/municipality-changes/{change_id}/approve")
    web_line = last_line(hub)
    cli = run_cli(as_operator(hub, "beheerder"), users_group, "approve", change_id)
    cli_line = last_line(hub)
    assert web.status_code == 403 and cli.exit_code == 2
    reason = "vier ogen: een andere beheerder dan de aanvrager keurt een uitbreiding goed"
    assert web.json()["detail"] == [{"field": "login", "message": reason}]
    assert cli.stderr == f"opplus: geweigerd: login: {reason}\n"
    same_refusal(web_line, cli_line)
    assert cli_line["action"] == "users.municipalities.approve"
    assert hub.web.accounts.require("af-hoorn").municipalities == ("0405",)
