"""Schemathesis against the app's own ``/openapi.json``: examples generated from every
operation of the API, valid and invalid, sent with an API token of an account that
holds every role — no answer may be a server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from hub.web.app import create_app

from .conftest import web_config

pytestmark = pytest.mark.e2e

#: examples per operation and mode; the whole run stays well under two minutes
EXAMPLES = 50


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    home: Path = tmp_path_factory.mktemp("schemathesis-home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OPPLUS_HOME", str(home))
        env.delenv("OPPLUS_CONFIG", raising=False)
        app = create_app(web_config(max_jobs_per_user=3))
    accounts = app.state.web.accounts
    accounts.add("fuzz", "Schemathesis", ["officer", "auditor", "admin"], ["0405"], source="system")
    _, secret = accounts.create_token("fuzz", "schemathesis", "test")
    yield schemathesis.openapi.from_asgi("/openapi.json", app), f"Bearer {secret}"


def test_no_operation_answers_with_a_server_error(api: tuple[Any, str]):
    schema, authorization = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 37  # every API operation (pages are not in the schema)
    tried: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                case.call_and_validate(
                    headers={"Authorization": authorization}, checks=[not_a_server_error]
                )

            try:
                run()
            except Unsatisfiable:
                # nothing to get wrong (e.g. GET /healthz takes no input): no negative case
                assert mode == GenerationMode.NEGATIVE
                continue
            tried.append(f"{operation.method.upper()} {operation.path} {mode.value}")
    assert len(tried) > len(operations)
