"""The contract kit on the BRP Personen connector and its fake."""

import pytest

from connectors.brp import plugin
from plugins import PersonRef
from plugins.testing import ConnectorContract, ContractCase

from .._kit import spec_and_fake


class TestBrpContract(ConnectorContract):
    @pytest.fixture
    def case(self) -> ContractCase:
        spec, fake = spec_and_fake(plugin)
        return ContractCase(
            spec=spec,
            fake=fake,
            settings={
                "base_url": "http://fake.test/haalcentraal/api/brp",
                "auth": "oauth2",
                "token_url": "http://fake.test/haalcentraal/api/brp/token",
                "client_id": "opplus-fake",
                "health_check_bsn": "999993653",
            },
            known=[PersonRef("999993653"), PersonRef("999970057")],
            unknown=[PersonRef("999980002")],
            bad_credentials={"OPPLUS_BRP_CLIENT_SECRET": "wrong-secret"},
        )
