"""Facts as an officer reads them: Dutch labels and Dutch values.

The labels belong to the connectors (``FieldSpec.label``, ``parts``, ``codes``, read
from their registrations); the derived indicators' labels are the hub's
(:data:`hub.indicators.INDICATOR_LABELS`). :meth:`Labels.present` turns a stored value
into the same shape with Dutch keys and Dutch scalars (dates in words, decimal comma,
ja/nee, code labels), which the text and the page lay out. The stored dossier keeps the
registries' names and codes: this is presentation only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plugins import FieldSpec, Plugins

from .dutch import dutch_number, dutch_text
from .indicators import INDICATOR_CONNECTOR, INDICATOR_LABELS

__all__ = ["CLASSIFICATION_LABELS", "Labels"]

#: how sensitive a fact is, in the officer's words
CLASSIFICATION_LABELS = {
    "normal": "openbaar of zakelijk",
    "personal": "persoonsgegeven",
    "confidential": "vertrouwelijk",
    "bibob": "Bibob — vertrouwelijk",
}


class Labels:
    """The Dutch labels of every field the loaded connectors declare, and the hub's own."""

    def __init__(self, fields: Mapping[str, Mapping[str, FieldSpec]]) -> None:
        self._fields = fields

    @classmethod
    def from_plugins(cls, plugins: Plugins) -> Labels:
        return cls({name: spec.fields for name, spec in plugins.connectors().items()})

    def _spec(self, connector: str, attribute: str) -> FieldSpec | None:
        return self._fields.get(connector, {}).get(attribute)

    def field(self, connector: str, attribute: str) -> str:
        """The field's Dutch label; its own name where no loaded plugin labels it (a
        dossier from a connector since removed)."""
        if connector == INDICATOR_CONNECTOR:
            return INDICATOR_LABELS.get(attribute, attribute)
        spec = self._spec(connector, attribute)
        return spec.label if spec is not None and spec.label else attribute

    def source(self, connector: str) -> str:
        """Where a fact comes from, by the connector's name; the hub's own derivations
        say so in words rather than by the hub's internal name."""
        return "afgeleid door opplus" if connector == INDICATOR_CONNECTOR else connector

    def present(self, connector: str, attribute: str, value: Any) -> Any:
        """``value`` with Dutch keys and Dutch scalars, in the same shape."""
        spec = self._spec(connector, attribute)
        return _present(attribute, value, spec)


def _present(key: str, value: Any, spec: FieldSpec | None) -> Any:
    if isinstance(value, dict):
        parts = spec.parts if spec is not None else {}
        return {parts.get(k, k): _present(k, v, spec) for k, v in value.items()}
    if isinstance(value, list):
        return [_present(key, item, spec) for item in value]
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return dutch_number(value)
    if isinstance(value, str):
        codes = spec.codes.get(key, {}) if spec is not None else {}
        return codes.get(value) or dutch_text(value)
    return value
