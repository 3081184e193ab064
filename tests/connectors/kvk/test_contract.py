"""The contract kit on the KvK connector and its fake."""

import pytest

from connectors.kvk import plugin
from plugins import AddressRef, BusinessRef
from plugins.testing import ConnectorContract, ContractCase

from .._kit import spec_and_fake


class TestKvkContract(ConnectorContract):
    @pytest.fixture
    def case(self) -> ContractCase:
        spec, fake = spec_and_fake(plugin)
        return ContractCase(
            spec=spec,
            fake=fake,
            settings={"base_url": "http://fake.test/api"},
            known=[BusinessRef("69599084"), BusinessRef("97000011"), AddressRef("1621JH", 88)],
            unknown=[BusinessRef("12345678"), AddressRef("1621JH", 99)],
            bad_credentials={"OPPLUS_KVK_API_KEY": "wrong-key"},
        )
