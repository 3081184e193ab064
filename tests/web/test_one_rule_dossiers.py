"""The same action gets the same answer from the command line and the web service:
both ask the same use case, so the refusal, its Dutch message and its access-log line
are one (issue 11). The command line runs in-process on the web service's store, as
an operator with the same login, roles and municipalities as the web user."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from hub.cli.main import cli

from .conftest import ENKHUIZEN, ROOT, Hub, example

_OPERATOR = """[operator]
id = "af-hoorn"
name = "Test af-hoorn"
municipalities = ["0405"]
roles = ["officer"]
"""


def opplus_as_hoorn_officer(tmp_path: Path, *args: str) -> Result:
    """The CLI with the embedded default, its operator the web's Hoorn officer."""
    text = (ROOT / "config" / "default.toml").read_text(encoding="utf-8")
    start = text.index("[operator]")
    end = text.index("\n[", start + 1)
    config = tmp_path / "hoorn.toml"
    config.write_text(text[:start] + _OPERATOR + text[end + 1 :], encoding="utf-8")
    return CliRunner().invoke(cli, ["--config", str(config), *args], prog_name="opplus")


def _same_line(entry: dict[str, Any]) -> dict[str, Any]:
    """An access-log line without what differs by adapter and moment."""
    return {k: v for k, v in entry.items() if k not in ("client", "time", "logged_at")}


def _last_two(hub: Hub) -> tuple[dict[str, Any], dict[str, Any]]:
    web_line, cli_line = hub.access_log()[-2:]
    assert (web_line["client"], cli_line["client"]) == ("web", "cli")
    return web_line, cli_line


async def test_another_municipalitys_dossier_is_the_same_not_found(
    hub: Hub, tmp_path: Path
) -> None:
    dossier_id = await hub.enrich("af-enkhuizen", example(ENKHUIZEN))
    async with hub.as_user("af-hoorn") as client:
        api = await client.get(f"/api/v1/dossiers/{dossier_id}")
    result = opplus_as_hoorn_officer(tmp_path, "dossier", "show", dossier_id)

    assert api.status_code == 404
    [problem] = api.json()["detail"]
    assert problem == {"field": "dossier_id", "message": f"dossier {dossier_id} bestaat niet"}
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr == f"opplus: {problem['message']}\n"
    web_line, cli_line = _last_two(hub)
    assert _same_line(web_line) == _same_line(cli_line)
    assert cli_line["result"] == "refused" and cli_line["dossier_id"] == dossier_id
    assert cli_line["reason"] == "dossier hoort bij gemeente 0388"


async def test_an_auditor_action_without_the_role_is_the_same_refusal(
    hub: Hub, tmp_path: Path
) -> None:
    async with hub.as_user("af-hoorn") as client:
        api = await client.post("/api/v1/audit/verify")
    result = opplus_as_hoorn_officer(tmp_path, "audit", "verify")

    assert api.status_code == 403
    [problem] = api.json()["detail"]
    assert problem == {"field": None, "message": "rol auditor vereist voor audit.verify"}
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"opplus: geweigerd: {problem['message']}\n"
    web_line, cli_line = _last_two(hub)
    assert _same_line(web_line) == _same_line(cli_line)
    assert cli_line["action"] == "audit.verify" and cli_line["result"] == "refused"


async def test_connector_health_without_the_role_is_the_same_refusal(
    hub: Hub, tmp_path: Path
) -> None:
    async with hub.as_user("af-hoorn") as client:
        api = await client.get("/api/v1/connectors")
    # the command runs its own event loop: not inside this test's
    result = await asyncio.to_thread(opplus_as_hoorn_officer, tmp_path, "connectors")

    assert api.status_code == 403
    [problem] = api.json()["detail"]
    assert problem["message"] == "rol admin of monitor vereist voor admin.connectors"
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"opplus: geweigerd: {problem['message']}\n"
    web_line, cli_line = _last_two(hub)
    assert _same_line(web_line) == _same_line(cli_line)
