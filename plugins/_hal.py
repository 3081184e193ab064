"""A registry that speaks HAL JSON behind an ``X-Api-Key`` (the Haal Centraal style).

BAG Individuele Bevragingen, BRK Bevragen and their kin share the machinery around
their own resources: the key read from the environment and sent on every request, a
collection followed along ``_links.next`` (never off the registry: the key travels
with every page), an address search by postcode and huisnummer, and a ``check()`` that
asks the registry for a municipality's own probe address. :class:`HalApi` is that
machinery; a connector keeps only its resources, models and facts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
from pydantic import Field, model_validator

from ._connector import ConnectorContext, ConnectorSettings, Health, Probe
from ._errors import AuthenticationFailed, BadResponse
from ._http import json_body, problem_detail, raise_for_status, registry_client, send
from ._query import TraceContext
from ._subjects import AddressRef

__all__ = ["HalApi", "HalApiSettings", "address_params"]

_HAL = "application/hal+json"


class HalApiSettings(ConnectorSettings):
    """The settings every :class:`HalApi` connector has; a subclass gives
    ``api_key_env`` its own default."""

    api_key_env: str = Field(description="environment variable holding the X-Api-Key")
    max_pages: int = Field(
        default=10, ge=1, le=100, description="collection pages followed (`_links.next`)"
    )
    # No default: the probe address is the municipality's own choice (one in its area),
    # and a production default must not name a demo address.
    check_postcode: str | None = Field(default=None, description="address asked by check()")
    check_huisnummer: int | None = Field(default=None, ge=1, le=99999)

    @model_validator(mode="after")
    def _probe_address_whole(self) -> HalApiSettings:
        if (self.check_postcode is None) != (self.check_huisnummer is None):
            raise ValueError("check_postcode and check_huisnummer go together")
        return self


def address_params(subject: AddressRef) -> dict[str, str]:
    """The query parameters of a Haal Centraal address search for ``subject``."""
    params = {"postcode": subject.postcode, "huisnummer": str(subject.huisnummer)}
    if subject.huisletter:
        params["huisletter"] = subject.huisletter
    if subject.huisnummertoevoeging:
        params["huisnummertoevoeging"] = subject.huisnummertoevoeging
    return params


class HalApi:
    """The client of one HAL registry behind an ``X-Api-Key``.

    ``registry`` names the registry in the error raised when no key is configured.
    """

    def __init__(self, settings: HalApiSettings, context: ConnectorContext, registry: str) -> None:
        self.settings = settings
        self.registry = registry
        self.api_key = context.secret(settings.api_key_env)
        headers = {"Accept": _HAL}
        if self.api_key:
            headers["X-Api-Key"] = self.api_key
        self.client = registry_client(settings, context, headers=headers)

    def require_key(self) -> None:
        """Raise :class:`AuthenticationFailed` before anything is sent without a key."""
        if not self.api_key:
            raise AuthenticationFailed(
                f"no {self.registry} API key: environment variable "
                f"{self.settings.api_key_env} is not set"
            )

    async def pages(
        self, path: str, params: Mapping[str, str], trace: TraceContext
    ) -> AsyncIterator[tuple[httpx.Response, dict[str, Any]]]:
        """Each page of the collection at ``path`` with its body, within ``max_pages``.

        ``params`` go with the first request only: a ``next`` link carries its own.
        """
        url: str | None = path
        pages = 0
        while url is not None:
            if pages == self.settings.max_pages:
                raise BadResponse(f"{path} did not end within {pages} pages")
            response = await send(
                self.client, "GET", url, trace=trace, params=params if pages == 0 else None
            )
            raise_for_status(response, detail=problem_detail)
            body = json_body(response)
            if not isinstance(body, dict):
                raise BadResponse(f"{path}: the answer is not an object")
            yield response, body
            url = self.next_link(body, path)
            pages += 1

    def next_link(self, body: Mapping[str, Any], what: str) -> str | None:
        """The next page of a collection, when the registry pages it; None otherwise."""
        links = body.get("_links")
        if links is None:
            return None
        if not isinstance(links, dict):
            raise BadResponse(f"{what}: _links is not an object")
        nxt = links.get("next")
        if nxt is None:
            return None
        href = nxt.get("href") if isinstance(nxt, dict) else None
        if not isinstance(href, str) or not href:
            raise BadResponse(f"{what}: _links.next has no href")
        if href.startswith("/") and not href.startswith("//"):
            return href  # relative to the API root: the client resolves it under base_url
        target = httpx.URL(href)
        base = self.client.base_url
        # the API key travels with every page: never follow a link off the registry
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port) or (
            not target.path.startswith(base.path)
        ):
            raise BadResponse(f"{what}: _links.next points away from the registry")
        return str(target)

    async def probe(self, path: str, params: Mapping[str, str] | None = None) -> Health:
        """``check()``: one search for the configured probe address at ``path``.

        It reports, it never raises; ``params`` are added to the probe address.
        """
        probe = Probe()
        if not self.api_key:
            return probe.failed(f"no API key in {self.settings.api_key_env}")
        if self.settings.check_postcode is None:
            return probe.failed("no probe address: set check_postcode and check_huisnummer")
        query = {
            "postcode": self.settings.check_postcode,
            "huisnummer": str(self.settings.check_huisnummer),
            **(params or {}),
        }
        try:
            response = await send(self.client, "GET", path, params=query)
            raise_for_status(response, detail=problem_detail)
            if not isinstance(json_body(response), dict):
                raise BadResponse(f"{path}: the answer is not an object")
        except Exception as exc:  # a probe reports, it never raises
            return probe.failed(exc)
        return probe.ok(f"HTTP {response.status_code}")

    async def aclose(self) -> None:
        await self.client.aclose()
