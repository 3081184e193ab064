"""A scripted connector for engine tests: behaviour per call decided by the test."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from hub.config import Config
from plugins import (
    Classification,
    ConnectorInfo,
    ConnectorSettings,
    EnrichResult,
    Evidence,
    FieldSpec,
    Health,
    Query,
    Subject,
)


def evidence(operation: str = "op", body: Any = None) -> Evidence:
    request = httpx.Request("GET", "http://registry.test/x")
    response = httpx.Response(200, json=body if body is not None else {"ok": True}, request=request)
    return Evidence.from_response(response, operation)


@dataclass
class Scripted:
    """A connector whose answers come from ``behave(query, attempt)``."""

    name: str
    kinds: frozenset[str]
    fields: dict[str, Classification]
    behave: Callable[[Query, int], Any]
    needs: Callable[[Subject], bool] = lambda s: True
    calls: list[Query] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.info = ConnectorInfo(
            name=self.name,
            version="1.0",
            registry=f"{self.name} registry",
            subject_kinds=self.kinds,
            fields={k: FieldSpec(v, k) for k, v in self.fields.items()},
        )
        self.attempts: dict[str, int] = {}

    def accepts(self, subject: Subject) -> bool:
        return self.needs(subject)

    async def enrich(self, query: Query) -> EnrichResult:
        self.calls.append(query)
        n = self.attempts[query.subject.key] = self.attempts.get(query.subject.key, 0) + 1
        outcome = self.behave(query, n)
        if asyncio.iscoroutine(outcome):
            outcome = await outcome
        if isinstance(outcome, BaseException):
            raise outcome
        result = EnrichResult(info=self.info, query=query)
        facts, discovered, refined = outcome if isinstance(outcome, tuple) else (outcome, [], None)
        ev = evidence(self.name, facts)
        for attribute, value in (facts or {}).items():
            if attribute in query.fields:
                result.add(attribute, value, ev)
        for subject in discovered:
            result.discover(subject)
        result.refined = refined
        return result

    async def check(self) -> Health:
        return Health(ok=True, detail="scripted")

    async def aclose(self) -> None:
        return None


def settings(**overrides: Any) -> ConnectorSettings:
    values = {
        "base_url": "http://registry.test",
        "timeout_s": 2.0,
        "max_attempts": 3,
        "retry_budget_s": 5.0,
        **overrides,
    }
    return ConnectorSettings.model_validate(values)


def make_config(fields: dict[str, list[str]], **engine: Any) -> Config:
    return Config.model_validate(
        {
            "municipalities": {"0405": "Hoorn"},
            "operator": {"id": "af", "name": "AF", "municipalities": ["0405"]},
            "engine": engine,
            "purposes": [
                {
                    "id": "VA-1",
                    "name": "test",
                    "legal_ground": "test",
                    "retention_days": 30,
                    "confidentiality": "intern",
                    "fields": fields,
                }
            ],
        }
    )


@pytest.fixture
def dumps() -> Callable[[Any], str]:
    return lambda v: json.dumps(v, sort_keys=True)
