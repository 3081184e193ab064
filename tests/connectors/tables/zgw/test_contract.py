"""The table contract kit on the zgw transport and the fake zaaksysteem."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

import connectors.tables.zgw.plugin as zgw_plugin
from connectors.handhaving.fake import FAKE_CLIENT_SECRET, create_app
from connectors.handhaving.fake.data import (
    INFORMATIEOBJECTTYPE_SIGNAALDOSSIER,
    ROLTYPE_BELANGHEBBENDE_WONEN,
    RSIN_HOORN,
    ZAAKTYPE_HANDHAVING_WONEN,
)
from plugins.testing import TableCase, TableContract, TableReceiver, table_spec

CATALOGI = "http://fake/catalogi/api/v1"


@asynccontextmanager
async def receiver() -> AsyncIterator[TableReceiver]:
    app = create_app()

    def held() -> int:
        # the transport's zaken: their identificatie is derived from the idempotency key
        zaken: dict[str, Any] = app.state.world.zaken
        return sum(1 for z in zaken.values() if str(z["identificatie"]).startswith("OPPLUS-"))

    yield TableReceiver(held=held, transport=httpx.ASGITransport(app=app))


class TestZgwTransport(TableContract):
    @pytest.fixture
    def case(self) -> TableCase:
        return TableCase(
            spec=table_spec(zgw_plugin),
            settings={
                "zaken_url": "http://fake/zaken/api/v1",
                "documenten_url": "http://fake/documenten/api/v1",
                "zaaktype": f"{CATALOGI}/zaaktypen/{ZAAKTYPE_HANDHAVING_WONEN}",
                "informatieobjecttype": (
                    f"{CATALOGI}/informatieobjecttypen/{INFORMATIEOBJECTTYPE_SIGNAALDOSSIER}"
                ),
                "bronorganisatie": RSIN_HOORN,
                "roltype": f"{CATALOGI}/roltypen/{ROLTYPE_BELANGHEBBENDE_WONEN}",
            },
            env={"OPPLUS_ZGW_CLIENT_SECRET": FAKE_CLIENT_SECRET},
            receiver=receiver,
            bad_credentials={"OPPLUS_ZGW_CLIENT_SECRET": "not-the-zgw-secret"},
        )
