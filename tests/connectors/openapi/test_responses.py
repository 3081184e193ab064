"""The fakes' answers against the response schemas of the official documents: every
required property present, with the documented type and values."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

import connectors.handhaving.fake as zgw

ZAKEN = "/zaken/api/v1"


def problems(official: Any, method: str, url: str, response: httpx.Response) -> list[str]:
    path = urlsplit(url).path.removeprefix(ZAKEN)
    body = response.json()
    found = official("zaken").check_response(method, path, response.status_code, body)
    return [
        f"{path}: {v.name} {v.code} ({v.reason})"
        for v in found
        # Open Zaak (Django REST Framework) answers a blank text field as "", which the
        # 1.5.1 document's patterns (objectTypeOverige, inpA_nummer) do not admit; the
        # fake answers as the real system does
        if not (v.code == "pattern" and _at(body, v.name) == "")
    ]


def _at(body: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        body = body[int(part)] if isinstance(body, list) else body.get(part)
    return body


@pytest.fixture
async def zaken(zgw_auth: dict[str, str]) -> Any:
    headers = {**zgw_auth, "Accept-Crs": "EPSG:4326"}
    transport = httpx.ASGITransport(app=zgw.create_app())
    async with httpx.AsyncClient(
        transport=transport, base_url=f"http://fake{ZAKEN}", headers=headers
    ) as client:
        yield client


async def test_zgw_zaak_status_rol_and_more_match_the_zaken_document(
    official: Any, zaken: httpx.AsyncClient
) -> None:
    listed = await zaken.get("/zaken")
    found = problems(official, "GET", "/zaken", listed)
    zaken_found = listed.json()["results"]
    urls = [z["url"] for z in zaken_found] + [z["status"] for z in zaken_found if z["status"]]
    urls += [z["resultaat"] for z in zaken_found if z["resultaat"]]
    urls += [u for z in zaken_found for u in z["rollen"] + z["zaakobjecten"]]
    assert {"/rollen/", "/statussen/", "/resultaten/", "/zaakobjecten/"} <= {
        "/" + urlsplit(u).path.split("/")[-2] + "/" for u in urls
    }
    for url in urls:
        found += problems(official, "GET", url, await zaken.get(url))
    for resource in ("rollen", "zaakobjecten", "zaakinformatieobjecten"):
        found += problems(official, "GET", f"/{resource}", await zaken.get(f"/{resource}"))
    assert sorted(set(found)) == [], "\n".join(sorted(set(found)))
