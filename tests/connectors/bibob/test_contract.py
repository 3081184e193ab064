"""The contract kit on the Bibob connector with each source: SOAP and ZGW, each on its fake."""

import pytest

from connectors.bibob import plugin
from connectors.handhaving import plugin as zgw_plugin
from connectors.handhaving.fake.data import ZAAKTYPE_BIBOB_ONDERZOEK
from plugins import AddressRef, BusinessRef
from plugins.testing import ConnectorContract, ContractCase

from .._kit import spec_and_fake


class TestBibobContract(ConnectorContract):
    @pytest.fixture
    def case(self) -> ContractCase:
        spec, fake = spec_and_fake(plugin)
        return ContractCase(
            spec=spec,
            fake=fake,
            settings={"base_url": "http://fake.test/vergunningregister", "username": "opplus"},
            known=[BusinessRef("97000035"), AddressRef("1621JH", 88)],
            unknown=[BusinessRef("12345678")],
            bad_credentials={"OPPLUS_BIBOB_PASSWORD": "wrong-password"},
        )


class TestBibobZgwContract(ConnectorContract):
    """The same connector reading a ZGW zaaksysteem: the kit runs on the ZGW fake."""

    @pytest.fixture
    def case(self) -> ContractCase:
        spec, _ = spec_and_fake(plugin)
        _, fake = spec_and_fake(zgw_plugin)
        return ContractCase(
            spec=spec,
            fake=fake,
            settings={
                "base_url": "http://fake.test/zaken/api/v1",
                "source": "zgw",
                "zaaktype": f"zaaktypen/{ZAAKTYPE_BIBOB_ONDERZOEK}",
            },
            known=[BusinessRef("97000035"), AddressRef("1621JH", 88)],
            unknown=[BusinessRef("12345678"), AddressRef("1687AB", 5)],
            bad_credentials={"OPPLUS_ZGW_CLIENT_SECRET": "wrong-secret"},
        )
