"""The contract kit on the Bibob (SOAP) connector and its fake."""

import pytest

from connectors.bibob import plugin
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
