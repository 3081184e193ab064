"""The hub's half of the contract kit: one connector call through the real engine.

:mod:`plugins.testing` runs its fault matrix through :func:`run_connector`, so a fault
is judged by the same retries, timeouts, breaker, outcome statuses and indicator
derivation that run in production, not by a copy of them in the SDK.
"""

from __future__ import annotations

from typing import Any

from pydantic import PrivateAttr

from plugins import ConnectorContext, ConnectorSettings, ConnectorSpec, Officer, Subject
from plugins.testing import EngineVerdict

from .config import Config
from .engine import ConnectorHandle, Enricher
from .indicators import INDICATOR_CONNECTOR
from .resilience import CircuitBreaker
from .signal import Form, Signal

__all__ = ["run_connector"]

_MUNICIPALITY = "0405"
_PURPOSE = "VA-CONTRACT"
_OFFICER = Officer("af-contract", "Contract Test", _MUNICIPALITY)


class _OneSubject(Signal):
    """A signal about exactly the subject under test, identifiers a form cannot carry
    (such as a BAG ``adresseerbaarObjectIdentificatie``) included."""

    _subject: Any = PrivateAttr(default=None)

    def subjects(self) -> list[Subject]:
        return [self._subject]


def _config(connector: str, fields: list[str]) -> Config:
    return Config.model_validate(
        {
            "municipalities": {_MUNICIPALITY: "Hoorn"},
            "operator": {"id": "af", "name": "AF", "municipalities": [_MUNICIPALITY]},
            # one round: what the answer points to is not asked about
            "engine": {"max_rounds": 1},
            "purposes": [
                {
                    "id": _PURPOSE,
                    "name": "Contract test",
                    "legal_ground": "test",
                    "retention_days": 1,
                    "confidentiality": "intern",
                    "fields": {connector: fields},
                }
            ],
        }
    )


async def run_connector(
    spec: ConnectorSpec,
    settings: ConnectorSettings,
    context: ConnectorContext,
    subject: Subject,
) -> EngineVerdict:
    """Enrich a signal about ``subject`` with this one connector, every declared field
    allowed; report the outcome the dossier records."""
    connector = spec.factory(settings, context)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)  # kept, not spent: the kit's tests do not wait

    try:
        config = _config(spec.name, sorted(connector.info.fields))
        breaker = CircuitBreaker(settings.breaker_threshold, settings.breaker_reset_s)
        handle = ConnectorHandle(spec.name, connector, settings, breaker)
        # built, not parsed: the subject is given as the connector takes it, and the
        # rules for what an officer may submit are not what this run is about
        signal = _OneSubject.model_construct(
            municipality=_MUNICIPALITY, forms=[Form.ARBEIDSUITBUITING], purpose=_PURPOSE
        )
        signal._subject = subject
        run = await Enricher(config, [handle], sleep=sleep).enrich(signal, _OFFICER)
    finally:
        await connector.aclose()
    dossier = run.dossier
    [outcome] = [o for o in dossier.outcomes if o.connector == spec.name]
    derived = [f for f in dossier.facts if f.provenance.connector == INDICATOR_CONNECTOR]
    return EngineVerdict(
        status=str(outcome.status),
        error=outcome.error,
        attempts=outcome.attempts,
        facts=sum(1 for f in dossier.facts if f.provenance.connector == spec.name),
        indicators=len(derived) + len(dossier.aandachtspunten),
        waits=tuple(waits),
    )
