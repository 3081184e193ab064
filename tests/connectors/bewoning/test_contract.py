"""The contract kit on the BRP Bewoning connector and its fake."""

import pytest

from connectors.bewoning import plugin
from plugins import AddressRef
from plugins.testing import ConnectorContract, ContractCase

from .._kit import spec_and_fake


class TestBewoningContract(ConnectorContract):
    @pytest.fixture
    def case(self) -> ContractCase:
        spec, fake = spec_and_fake(plugin)
        return ContractCase(
            spec=spec,
            fake=fake,
            settings={
                "base_url": "http://fake.test/haalcentraal/api/bewoning",
                "auth": "oauth2",
                "token_url": "http://fake.test/haalcentraal/api/bewoning/token",
                "client_id": "opplus-fake",
            },
            known=[AddressRef("1621JH", 88, adresseerbaarObjectIdentificatie="0405010000170088")],
            unknown=[AddressRef("1621JH", 90, adresseerbaarObjectIdentificatie="0405010000179999")],
            bad_credentials={"OPPLUS_BEWONING_CLIENT_SECRET": "wrong-secret"},
        )
