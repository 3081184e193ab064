"""The authorisation matrix: every route of the app × every kind of caller, against a
table of expected outcomes written down here (not derived from the code), and every
refusal in the access log.

Callers: a visitor (anonymous), an officer of Hoorn, an officer of Enkhuizen, an
auditor, an administrator, a system calling the API with a token (its account is
an officer of Hoorn), and a colleague of Hoorn who reports signals (melder: no
dossier, no officer route). The objects are Hoorn's: a Hoorn dossier and a Hoorn officer's
job — so the Enkhuizen officer shows that a municipality never sees another's.

A route added without a row here fails :func:`test_every_route_is_in_the_matrix`.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import uuid
from typing import Any

import pytest
from starlette.routing import Mount

from hub.usecases.forwarding import Forwarding
from hub.usecases.intake import Intake
from plugins import Receipt

from .conftest import HOORN, PASSWORD, Hub, example

CALLERS = ("anon", "hoorn", "enkhuizen", "auditor", "admin", "token", "melder")

# Shorthands for a row: who gets what.
LOGIN = 303  # a page for logged-in users sends a visitor to the login page
#: another municipality's dossier or delivery: the answer to an unknown id (refusal logged)
NOT_YOURS = 404


def officer_page(ok: int = 200, other_municipality: int | None = None) -> dict[str, int]:
    return {
        "anon": LOGIN,
        "hoorn": ok,
        "enkhuizen": ok if other_municipality is None else other_municipality,
        "auditor": 403,
        "admin": 403,
        "token": 403,  # an API token is for the API, not for pages
        "melder": 403,
    }


def officer_api(ok: int = 200, other_municipality: int | None = None) -> dict[str, int]:
    return {
        "anon": 401,
        "hoorn": ok,
        "enkhuizen": ok if other_municipality is None else other_municipality,
        "auditor": 403,
        "admin": 403,
        "token": ok,
        "melder": 403,
    }


def only(role: str, ok: int = 200, *, api: bool) -> dict[str, int]:
    denied = {c: 403 for c in CALLERS}
    denied["anon"] = 401 if api else LOGIN
    denied[role] = ok
    return denied


def everyone(status: int) -> dict[str, int]:
    return {c: status for c in CALLERS}


MATRIX: dict[tuple[str, str], dict[str, int]] = {
    # service
    ("GET", "/openapi.json"): everyone(200),
    ("GET", "/healthz"): everyone(200),
    ("GET", "/metrics"): only("admin", api=True),
    ("GET", "/static"): everyone(200),
    # API: account
    ("GET", "/api/v1/me"): {**everyone(200), "anon": 401},
    # API: officer
    ("GET", "/api/v1/signals"): officer_api(),
    ("POST", "/api/v1/signals"): officer_api(202, other_municipality=403),
    ("GET", "/api/v1/jobs/{job_id}"): {**officer_api(200, 403), "token": 403},  # not its job
    ("GET", "/api/v1/jobs/{job_id}/events"): {**officer_api(200, 403), "token": 403},
    ("GET", "/api/v1/dossiers"): officer_api(),
    ("GET", "/api/v1/dossiers/{dossier_id}"): officer_api(200, other_municipality=NOT_YOURS),
    ("POST", "/api/v1/dossiers/{dossier_id}/rerun"): officer_api(202, NOT_YOURS),
    # API: forwarding
    ("GET", "/api/v1/dossiers/{dossier_id}/forwarding"): officer_api(200, NOT_YOURS),
    ("GET", "/api/v1/dossiers/{dossier_id}/forwarding/{table}"): officer_api(200, NOT_YOURS),
    # the token's account forwards what af-hoorn already forwarded: refused as a repeat
    ("POST", "/api/v1/dossiers/{dossier_id}/forward"): {
        **officer_api(201, NOT_YOURS),
        "token": 409,
    },
    ("GET", "/api/v1/deliveries"): officer_api(),
    ("POST", "/api/v1/deliveries/{delivery_id}/requeue"): officer_api(200, NOT_YOURS),
    ("POST", "/api/v1/deliveries/{delivery_id}/feedback"): officer_api(201, NOT_YOURS),
    # API: auditor
    ("POST", "/api/v1/audit/search"): only("auditor", api=True),
    ("POST", "/api/v1/audit/verify"): only("auditor", api=True),
    ("POST", "/api/v1/audit/checkpoint"): only("auditor", api=True),
    ("GET", "/api/v1/audit/logs/{log}/entries/{index}/proof"): only("auditor", api=True),
    ("POST", "/api/v1/audit/subject-report"): only("auditor", api=True),
    ("GET", "/api/v1/audit/dossiers/{dossier_id}/prov"): only("auditor", api=True),
    ("GET", "/api/v1/audit/public-key"): only("auditor", api=True),
    # API: administrator
    ("GET", "/api/v1/connectors"): only("admin", api=True),
    ("GET", "/api/v1/config"): only("admin", api=True),
    ("GET", "/api/v1/users"): only("admin", api=True),
    ("POST", "/api/v1/users"): only("admin", 201, api=True),
    ("POST", "/api/v1/users/{login}/disable"): only("admin", api=True),
    ("POST", "/api/v1/users/{login}/enable"): only("admin", api=True),
    ("POST", "/api/v1/users/{login}/password"): only("admin", api=True),
    ("POST", "/api/v1/users/{login}/municipalities"): only("admin", api=True),
    ("GET", "/api/v1/municipality-changes"): only("admin", api=True),
    # {change_id}: a widening another administrator asked for
    ("POST", "/api/v1/municipality-changes/{change_id}/approve"): only("admin", api=True),
    ("POST", "/api/v1/municipality-changes/{change_id}/reject"): only("admin", api=True),
    ("GET", "/api/v1/tokens"): only("admin", api=True),
    # {login} is a system account here: an administrator may make its tokens, nobody
    # else (a person's tokens are only its own: see test_roles.py)
    ("POST", "/api/v1/users/{login}/tokens"): only("admin", 201, api=True),
    ("DELETE", "/api/v1/tokens/{token_id}"): only("admin", api=True),
    # pages: logging in and out (the login page is for everyone; logged in: home)
    ("GET", "/"): {**everyone(303), "anon": 200, "token": 200},
    ("GET", "/inloggen"): {**everyone(303), "anon": 200, "token": 200},
    ("POST", "/inloggen"): {**everyone(303), "token": 403},  # a token has no CSRF secret
    ("POST", "/uitloggen"): {**everyone(303), "token": 403},
    ("GET", "/inloggen/oidc"): everyone(404),  # no identity provider configured
    ("GET", "/inloggen/oidc/terug"): everyone(404),
    ("GET", "/geen-rol"): {**everyone(303), "anon": LOGIN, "token": 403},  # 303: home
    # pages: officer
    ("GET", "/signalen"): officer_page(),
    ("GET", "/signalen/nieuw"): officer_page(),
    ("POST", "/signalen/nieuw"): officer_page(303, other_municipality=403),
    ("GET", "/taken/{job_id}"): officer_page(200, other_municipality=403),
    ("GET", "/dossiers/{dossier_id}"): officer_page(200, other_municipality=NOT_YOURS),
    ("GET", "/dossiers/{dossier_id}/afdrukken"): officer_page(200, other_municipality=NOT_YOURS),
    ("POST", "/dossiers/{dossier_id}/opnieuw"): officer_page(303, NOT_YOURS),
    ("POST", "/dossiers/{dossier_id}/zaak/status"): officer_page(303, NOT_YOURS),
    ("POST", "/dossiers/{dossier_id}/zaak/notities"): officer_page(303, NOT_YOURS),
    ("GET", "/dossiers/{dossier_id}/doorsturen"): officer_page(200, NOT_YOURS),
    ("GET", "/dossiers/{dossier_id}/doorsturen/{table}"): officer_page(200, NOT_YOURS),
    ("POST", "/dossiers/{dossier_id}/doorsturen/{table}"): officer_page(303, NOT_YOURS),
    ("GET", "/meldingen"): officer_page(),
    ("GET", "/notificaties"): officer_page(),
    # {report_id}: a report of a colleague of Hoorn
    ("GET", "/meldingen/{report_id}"): officer_page(200, NOT_YOURS),
    ("POST", "/meldingen/{report_id}/terugkoppeling"): officer_page(303, NOT_YOURS),
    # pages: a colleague who reports
    ("GET", "/melden"): only("melder", api=False),
    ("POST", "/melden"): only("melder", 303, api=False),
    ("GET", "/leveringen"): officer_page(),
    ("POST", "/leveringen/{delivery_id}/opnieuw"): officer_page(303, NOT_YOURS),
    ("POST", "/leveringen/{delivery_id}/terugkoppeling"): officer_page(303, NOT_YOURS),
    # pages: auditor
    ("GET", "/audit"): only("auditor", api=False),
    ("POST", "/audit"): only("auditor", api=False),
    ("GET", "/audit/verificatie"): only("auditor", api=False),
    ("POST", "/audit/verificatie"): only("auditor", api=False),
    ("POST", "/audit/checkpoint"): only("auditor", api=False),
    ("GET", "/audit/betrokkene"): only("auditor", api=False),
    ("POST", "/audit/betrokkene"): only("auditor", api=False),
    ("GET", "/audit/dossiers/{dossier_id}/herkomst"): only("auditor", api=False),
    # pages: administrator
    ("GET", "/beheer"): only("admin", api=False),
    ("GET", "/beheer/configuratie"): only("admin", api=False),
    ("GET", "/beheer/gebruikers"): only("admin", api=False),
    ("POST", "/beheer/gebruikers"): only("admin", api=False),
    ("POST", "/beheer/gebruikers/{login}/uitschakelen"): only("admin", api=False),
    ("POST", "/beheer/gebruikers/{login}/inschakelen"): only("admin", api=False),
    ("POST", "/beheer/gebruikers/{login}/wachtwoord"): only("admin", api=False),
    ("POST", "/beheer/gebruikers/{login}/tokens"): only("admin", api=False),
    ("POST", "/beheer/tokens/{token_id}/intrekken"): only("admin", api=False),
    ("POST", "/beheer/gebruikers/{login}/gemeenten"): only("admin", api=False),
    ("POST", "/beheer/gemeentewijzigingen/{change_id}/goedkeuren"): only("admin", api=False),
    ("POST", "/beheer/gemeentewijzigingen/{change_id}/afwijzen"): only("admin", api=False),
}


def app_routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the app serves, through included routers and mounts."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            original = getattr(route, "original_router", None)
            if original is not None:
                walk(original.routes)
            elif isinstance(route, Mount):
                found.add(("GET", route.path))
            else:
                for method in getattr(route, "methods", None) or ():
                    if method != "HEAD":
                        found.add((method, route.path))

    walk(app.routes)
    return found


async def test_every_route_is_in_the_matrix(hub: Hub):
    assert app_routes(hub.app) == set(MATRIX)


# -- the objects the requests are about ------------------------------------------------


class World:
    """Hoorn's dossier and job, a victim account, and fresh tokens to revoke."""

    def __init__(self, hub: Hub, dossier_id: str, job_id: str) -> None:
        self.hub = hub
        self.dossier_id = dossier_id
        self.job_id = job_id
        hub.add_user("slachtoffer", ("auditor",))
        hub.add_user("koppeling-x", ("officer",), ("0405",), password=None, source="system")
        hub.add_user("melder-hoorn", ("melder",), ("0405",))
        colleague = hub.users["melder-hoorn"].actor("test")
        report = {"wat": "veel mensen in een klein huis", "contact": "06-12345678"}
        self.report_id = Intake(hub.web.context).submit(colleague, report).id
        # a delivery to the PCT that arrived (feedback may be given on it)
        officer = hub.users["af-hoorn"].actor("test")
        forwarding = hub.web.forwarding
        self.delivered = Forwarding(forwarding).forward(officer, dossier_id, "pct")
        forwarding.outbox.claim("matrix", limit=1000)
        forwarding.outbox.delivered(self.delivered.id, Receipt("mail-1", "250 OK"), worker="matrix")

    def fresh_failed_delivery_id(self) -> str:
        """A new delivery (a copy of the PCT one) that failed: to try again."""
        outbox = self.hub.web.forwarding.outbox
        copy = dataclasses.replace(
            outbox.delivery(self.delivered), id=str(uuid.uuid4()), idempotency_key=uuid.uuid4().hex
        )
        row = outbox.enqueue(copy, municipality="0405", max_attempts=3, confirmed_by="af-hoorn")
        outbox.claim("matrix", limit=1000)
        outbox.attempt_failed(row.id, "test", transient=False, retry_after=None, worker="matrix")
        return row.id

    def fresh_change_id(self) -> str:
        """A pending widening of an officer (Hoorn, + Enkhuizen) by a second admin."""
        accounts = self.hub.web.accounts
        if accounts.get("af-wijzig") is None:
            self.hub.add_user("af-wijzig", ("officer",), ("0405",))
            self.hub.add_user("beheerder-2", ("admin",))
        accounts.set_municipalities("af-wijzig", ("0405",))
        other = self.hub.users["beheerder-2"].actor("test")
        _, change = self.hub.web.users.change_municipalities(other, "af-wijzig", ["0405", "0388"])
        return change.id

    def fresh_token_id(self) -> str:
        token, _ = self.hub.web.accounts.create_token("slachtoffer", "intrekken", "test")
        return token.id

    def url(self, path: str) -> str:
        values = {
            "job_id": self.job_id,
            "dossier_id": self.dossier_id,
            "login": "slachtoffer",
            "log": "processing",
            "index": "0",
            "table": "riec",
            "delivery_id": self.delivered.id,
            "report_id": self.report_id,
        }
        if path.endswith(("/requeue", "/opnieuw")):
            values["delivery_id"] = self.fresh_failed_delivery_id()
        if path.endswith("/tokens"):
            values["login"] = "koppeling-x"
        if "{change_id}" in path:
            values["change_id"] = self.fresh_change_id()
        if "{token_id}" in path:
            values["token_id"] = self.fresh_token_id()
        if path == "/static":
            return "/static/style.css"
        return path.format(**values)


def body(method: str, path: str, csrf: str) -> dict[str, Any]:
    """A valid request body: what an allowed caller would send."""
    if method != "POST" and method != "DELETE":
        return {}
    api = {
        "/api/v1/signals": example(HOORN),
        "/api/v1/audit/search": {"officer": "af-hoorn", "limit": 10},
        "/api/v1/audit/subject-report": {"bsn": "999970057"},
        "/api/v1/users": {
            "login": f"nieuw-{secrets.token_hex(4)}",
            "name": "Nieuw",
            "roles": ["auditor"],
        },
        "/api/v1/users/{login}/tokens": {"label": "koppeling"},
        "/api/v1/users/{login}/municipalities": {"municipalities": []},
        "/api/v1/dossiers/{dossier_id}/forward": {"table": "lokaal", "confirm": True},
        "/api/v1/deliveries/{delivery_id}/feedback": {"text": "Besproken aan tafel."},
    }
    if path.startswith("/api/"):
        return {"json": api[path]} if path in api else {}
    form: dict[str, Any] = {"csrf_token": csrf}
    if path == "/inloggen":
        form |= {"login": "inlogger", "password": PASSWORD}
    elif path == "/signalen/nieuw":
        form |= {
            "municipality": "0405",
            "forms": "arbeidsuitbuiting",
            "purpose": "VA-MH-01",
            "persons-0-burgerservicenummer": "999970057",
            "actie": "verrijken",
        }
    elif path == "/audit":
        form |= {"officer": "af-hoorn"}
    elif path == "/audit/betrokkene":
        form |= {"bsn": "999970057"}
    elif path == "/beheer/gebruikers":
        form |= {"login": f"nieuw-{secrets.token_hex(4)}", "name": "N", "roles": "auditor"}
    elif path == "/beheer/gebruikers/{login}/tokens":
        form |= {"label": "koppeling"}
    elif path == "/dossiers/{dossier_id}/doorsturen/{table}":
        form |= {"bevestiging": "ja"}
    elif path == "/dossiers/{dossier_id}/zaak/status":
        form |= {"status": "in_behandeling"}
    elif path == "/dossiers/{dossier_id}/zaak/notities":
        form |= {"kind": "notitie", "text": "Gebeld met de melder."}
    elif path == "/melden":
        form |= {"wat": "een busje haalt 's nachts mensen op", "contact": "06-12345678"}
    elif path == "/meldingen/{report_id}/terugkoppeling":
        form |= {"status": "opgepakt", "text": "Dank, wij kijken ernaar."}
    elif path == "/leveringen/{delivery_id}/terugkoppeling":
        form |= {"tekst": "Besproken aan tafel.", "van": "PCT"}
    return {"data": form}


def client_for(hub: Hub, caller: str):
    return {
        "anon": hub.anonymous,
        "hoorn": lambda: hub.as_user("af-hoorn"),
        "enkhuizen": lambda: hub.as_user("af-enkhuizen"),
        "auditor": lambda: hub.as_user("auditor"),
        "admin": lambda: hub.as_user("beheerder"),
        "token": lambda: hub.with_token("systeem-hoorn"),
        "melder": lambda: hub.as_user("melder-hoorn"),
    }[caller]()


def _refused_count(hub: Hub) -> int:
    return sum(1 for a in hub.access_log() if a.get("result") == "refused")


async def test_authorisation_matrix(hub: Hub):
    """One app, every route × caller; each refusal leaves an access-log line."""
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    job_id = next(iter(hub.web.jobs._jobs))  # the job that made it (af-hoorn's)
    hub.add_user("inlogger", ("auditor",))
    world = World(hub, dossier_id, job_id)
    # every refusal gets its own line here (a flood is summarised: see test_roles.py)
    hub.web.refusals.per_minute = 1_000_000
    failures = []
    for (method, path), expected in sorted(MATRIX.items()):
        for caller in CALLERS:
            before = _refused_count(hub)
            async with client_for(hub, caller) as client:
                response = await client.request(
                    method, world.url(path), **body(method, path, client.csrf)
                )
                await hub.web.jobs.wait_idle()
            want = expected[caller]
            got = response.status_code
            if got != want:
                failures.append(f"{method} {path} as {caller}: {got}, expected {want}")
                continue
            refused = (
                got in (401, 403)
                or (got == 303 and response.headers["location"].startswith("/inloggen"))
                or (got == NOT_YOURS and caller == "enkhuizen" and expected["hoorn"] != got)
            )
            if refused and _refused_count(hub) <= before:
                failures.append(f"{method} {path} as {caller}: refused but not in the log")
    assert not failures, "\n".join(failures)


async def test_refusals_name_the_route_and_the_caller(hub: Hub):
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    async with hub.as_user("af-enkhuizen") as client:
        assert (await client.get(f"/dossiers/{dossier_id}")).status_code == NOT_YOURS
    async with hub.anonymous() as client:
        assert (await client.get(f"/api/v1/dossiers/{dossier_id}")).status_code == 401
    refused = [a for a in hub.access_log() if a.get("result") == "refused"]
    enkhuizen, anonymous = refused[-2], refused[-1]
    assert enkhuizen["user_id"] == "af-enkhuizen" and enkhuizen["dossier_id"] == dossier_id
    assert "0405" in enkhuizen["reason"] and enkhuizen["municipality"] == "0405"
    assert anonymous["user_id"] == "anoniem" and anonymous["client"] == "api"
    assert anonymous["detail"]["route"] == "GET /api/v1/dossiers/{dossier_id}"


@pytest.mark.parametrize("which", ["list", "api-list"])
async def test_an_officer_of_hoorn_never_sees_enkhuizen(hub: Hub, which: str):
    from .conftest import ENKHUIZEN

    hoorn_dossier = await hub.enrich("af-hoorn", example(HOORN))
    enkhuizen_dossier = await hub.enrich("af-enkhuizen", example(ENKHUIZEN))
    async with hub.as_user("af-hoorn") as client:
        if which == "list":
            page = (await client.get("/signalen")).text
            assert hoorn_dossier in page and enkhuizen_dossier not in page
        else:
            listed = {d["id"] for d in (await client.get("/api/v1/dossiers")).json()}
            assert hoorn_dossier in listed and enkhuizen_dossier not in listed
        assert (await client.get(f"/api/v1/dossiers/{enkhuizen_dossier}")).status_code == 404
        assert (await client.get(f"/dossiers/{enkhuizen_dossier}")).status_code == 404


def _without(text: str, *ids: str) -> str:
    for value in ids:
        text = text.replace(value, "<id>")
    return text


@pytest.mark.parametrize("where", ["api", "page", "delivery-api"])
async def test_another_municipalitys_object_looks_exactly_like_an_unknown_id(hub: Hub, where: str):
    """Same status and body for Hoorn's dossier (or delivery) and for an id that does
    not exist, to an officer of Enkhuizen: nothing says it exists or whose it is."""
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    unknown = str(uuid.uuid4())
    target = dossier_id
    if where == "delivery-api":
        officer = hub.users["af-hoorn"].actor("test")
        target = Forwarding(hub.web.forwarding).forward(officer, dossier_id, "pct").id
    url = {
        "api": "/api/v1/dossiers/{}",
        "page": "/dossiers/{}",
        "delivery-api": "/api/v1/deliveries/{}/requeue",
    }[where]
    method = "POST" if where == "delivery-api" else "GET"
    async with hub.as_user("af-enkhuizen") as client:
        theirs = await client.request(method, url.format(target))
        missing = await client.request(method, url.format(unknown))
    assert theirs.status_code == missing.status_code == 404
    assert _without(theirs.text, target) == _without(missing.text, unknown)
    # (as a word: random hex in ids and CSRF tokens may hold the digits by chance)
    assert not re.search(r"\b0405\b|Hoorn", _without(theirs.text, target))
    # the detail is in the access log, for the auditor
    refusal = [a for a in hub.access_log() if a.get("result") == "refused"][-1]
    assert refusal["user_id"] == "af-enkhuizen" and refusal["municipality"] == "0405"
