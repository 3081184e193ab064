"""Logging in and out: the login page, session cookies, CSRF on every form, login
throttling, and what the access log says about each attempt."""

from __future__ import annotations

import re

from .conftest import HOORN, PASSWORD, Hub, example, start_hub, web_config
from .test_matrix import MATRIX


def _cookie(response, name: str) -> str:
    return next(
        h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")
    ).lower()


async def test_a_visitor_gets_the_login_page(hub: Hub):
    async with hub._client("bezoeker") as client:
        response = await client.get("/")
    assert response.status_code == 200
    assert '<html lang="nl">' in response.text and 'href="#inhoud"' in response.text
    assert '<label for="login">' in response.text and '<label for="password">' in response.text
    pre = _cookie(response, "opplus_pre")
    assert "secure" in pre and "httponly" in pre and "samesite=lax" in pre
    assert re.search(r'name="csrf_token" value="[0-9a-f]{64}"', response.text)


async def test_login_sets_a_secure_session_cookie_and_is_logged(hub: Hub):
    async with hub.anonymous() as client:
        response = await client.post(
            "/inloggen",
            data={"csrf_token": client.csrf, "login": "af-hoorn", "password": PASSWORD},
        )
        assert response.status_code == 303 and response.headers["location"] == "/signalen"
        cookie = _cookie(response, "opplus_session")
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert (await client.get("/signalen")).status_code == 200
    logins = [a for a in hub.access_log() if a["action"] == "login"]
    assert logins[-1]["user_id"] == "af-hoorn" and logins[-1]["result"] == "allowed"
    assert PASSWORD not in str(hub.access_log())


async def test_each_role_lands_on_its_own_page(hub: Hub):
    for login, home in (("auditor", "/audit"), ("beheerder", "/beheer")):
        async with hub.anonymous() as client:
            response = await client.post(
                "/inloggen", data={"csrf_token": client.csrf, "login": login, "password": PASSWORD}
            )
        assert response.headers["location"] == home


async def test_a_wrong_password_is_refused_and_logged(hub: Hub):
    async with hub.anonymous() as client:
        wrong = await client.post(
            "/inloggen", data={"csrf_token": client.csrf, "login": "af-hoorn", "password": "nee"}
        )
        unknown = await client.post(
            "/inloggen", data={"csrf_token": client.csrf, "login": "niemand", "password": "nee"}
        )
        empty = await client.post("/inloggen", data={"csrf_token": client.csrf, "login": "x"})
    assert wrong.status_code == 401 and "klopt niet" in wrong.text
    assert unknown.status_code == 401 and "klopt niet" in unknown.text  # the same answer
    assert empty.status_code == 422 and "wachtwoord" in empty.text
    refused = [a for a in hub.access_log() if a["action"] == "login"]
    assert [a["user_id"] for a in refused] == ["af-hoorn", "(onbekend)"]
    assert all(a["result"] == "refused" for a in refused)


async def test_login_throttling(home):
    hub, lifespan = await start_hub(web_config(login_max_failures=3))
    try:
        hub.add_user("af-hoorn", ("officer",), ("0405",))
        async with hub.anonymous() as client:
            for _ in range(3):
                data = {"csrf_token": client.csrf, "login": "af-hoorn", "password": "fout"}
                assert (await client.post("/inloggen", data=data)).status_code == 401
            right = {"csrf_token": client.csrf, "login": "af-hoorn", "password": PASSWORD}
            paused = await client.post("/inloggen", data=right)
        assert paused.status_code == 429 and "Te veel mislukte pogingen" in paused.text
        assert "opplus_session" not in paused.headers.get("set-cookie", "")
        last = hub.access_log()[-1]
        assert last["action"] == "login" and last["result"] == "refused"
        assert "te veel" in last["reason"]
        # another account from elsewhere is not paused by this one
        hub.add_user("auditor", ("auditor",))
        async with hub.anonymous() as client:
            data = {"csrf_token": client.csrf, "login": "auditor", "password": PASSWORD}
            assert (await client.post("/inloggen", data=data)).status_code == 303
    finally:
        await lifespan.__aexit__(None, None, None)


async def test_logout_ends_the_session(hub: Hub):
    async with hub.as_user("af-hoorn") as client:
        out = await client.post("/uitloggen", data={"csrf_token": client.csrf})
        assert out.status_code == 303
        again = await client.get("/signalen")
    assert again.status_code == 303 and again.headers["location"].startswith("/inloggen")
    logout, refused = hub.access_log()[-2:]
    assert logout["action"] == "logout" and logout["user_id"] == "af-hoorn"
    assert refused["result"] == "refused" and refused["user_id"] == "anoniem"


async def test_a_disabled_user_is_logged_out_at_once(hub: Hub):
    async with hub.as_user("af-hoorn") as client:
        assert (await client.get("/signalen")).status_code == 200
        hub.web.accounts.set_disabled("af-hoorn", True)
        assert (await client.get("/signalen")).status_code == 303


async def test_return_to_the_page_asked_for_but_never_to_another_site(hub: Hub):
    async with hub.anonymous() as client:
        asked = await client.get("/audit/verificatie")
        assert asked.headers["location"] == "/inloggen?volgende=/audit/verificatie"
        page = await client.get(asked.headers["location"])
        assert 'name="volgende" value="/audit/verificatie"' in page.text
        data = {"csrf_token": client.csrf, "login": "auditor", "password": PASSWORD}
        back = await client.post("/inloggen", data={**data, "volgende": "/audit/verificatie"})
        assert back.headers["location"] == "/audit/verificatie"
    for evil in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        async with hub.anonymous() as client:
            data = {"csrf_token": client.csrf, "login": "auditor", "password": PASSWORD}
            response = await client.post("/inloggen", data={**data, "volgende": evil})
        assert response.headers["location"] == "/audit"


async def test_every_form_needs_its_csrf_token(hub: Hub):
    """Each page route that takes a POST refuses it without the token, and logs that."""
    dossier_id = await hub.enrich("af-hoorn", example(HOORN))
    posts = [p for (m, p) in MATRIX if m == "POST" and not p.startswith("/api/")]
    assert len(posts) == 24
    hub.add_user("melder-hoorn", ("melder",), ("0405",))
    who = {
        "/melden": "melder-hoorn",
        "/meldingen": "af-hoorn",
        "/signalen": "af-hoorn",
        "/dossiers": "af-hoorn",
        "/leveringen": "af-hoorn",
        "/audit": "auditor",
    }
    for path in posts:
        login = next((v for k, v in who.items() if path.startswith(k)), "beheerder")
        url = path.format(
            dossier_id=dossier_id,
            login="auditor",
            token_id="x",
            table="riec",
            delivery_id="x",
            change_id="x",
            report_id="x",
        )
        before = len(hub.access_log())
        async with hub.as_user(login) as client:
            missing = await client.post(url, data={})
            wrong = await client.post(url, data={"csrf_token": "0" * 64})
        assert missing.status_code == 403, path
        assert wrong.status_code == 403, path
        assert "Formulier verlopen" in missing.text
        new = hub.access_log()[before:]
        assert sum(a["result"] == "refused" and "CSRF" in (a["reason"] or "") for a in new) == 2
    async with hub.anonymous() as client:
        data = {"login": "af-hoorn", "password": PASSWORD}
        assert (await client.post("/inloggen", data=data)).status_code == 403


async def test_a_token_of_another_browser_does_not_fit(hub: Hub):
    async with hub.as_user("af-hoorn") as first, hub.as_user("af-hoorn") as second:
        stolen = await second.post("/uitloggen", data={"csrf_token": first.csrf})
    assert stolen.status_code == 403
