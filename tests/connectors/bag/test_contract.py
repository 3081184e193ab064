"""The contract kit on the BAG connector and its fake."""

import pytest

from connectors.bag import plugin
from plugins import AddressRef
from plugins.testing import ConnectorContract, ContractCase

from .._kit import spec_and_fake


class TestBagContract(ConnectorContract):
    @pytest.fixture
    def case(self) -> ContractCase:
        spec, fake = spec_and_fake(plugin)
        return ContractCase(
            spec=spec,
            fake=fake,
            settings={
                "base_url": "http://fake.test/lvbag/individuelebevragingen/v2",
                "check_postcode": "1621JH",
                "check_huisnummer": 88,
            },
            known=[AddressRef("1621JH", 88), AddressRef("1601AM", 201)],
            unknown=[AddressRef("1621JH", 99)],
            bad_credentials={"OPPLUS_BAG_API_KEY": "wrong-key"},
        )
