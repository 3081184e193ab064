"""The contract kit on the handhaving (ZGW) connector and its fake."""

import pytest

from connectors.handhaving import plugin
from plugins import AddressRef, BusinessRef, PersonRef
from plugins.testing import ConnectorContract, ContractCase

from .._kit import spec_and_fake


class TestHandhavingContract(ConnectorContract):
    @pytest.fixture
    def case(self) -> ContractCase:
        spec, fake = spec_and_fake(plugin)
        return ContractCase(
            spec=spec,
            fake=fake,
            settings={
                "base_url": "http://fake.test/zaken/api/v1",
                "client_id": "opplus",
                "rol_kvk_filter": True,  # the fake is Open Zaak-like
            },
            known=[PersonRef("999970185"), BusinessRef("97000011"), AddressRef("1621JH", 88)],
            unknown=[PersonRef("999980002")],
            bad_credentials={"OPPLUS_ZGW_CLIENT_SECRET": "wrong-secret"},
        )
