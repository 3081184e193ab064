"""The payload rendered for people (Dutch HTML): attached to e-mail and case documents,
and shown in the preview. It renders the payload only, so it holds nothing withheld."""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..render import STATUS_LABELS
from .minimise import Payload

__all__ = ["render_payload_html"]

_KINDS = {"person": "Persoon", "address": "Adres", "business": "Bedrijf"}


def _show(value: Any) -> str:
    if value is None:
        return "(leeg)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value) or "(geen)"
    return json.dumps(value, ensure_ascii=False)


_ENV = Environment(
    loader=PackageLoader("hub.forwarding", "templates"),
    autoescape=select_autoescape(["html"]),
)
_ENV.filters["show"] = _show


def render_payload_html(payload: Payload, table_label: str) -> str:
    return _ENV.get_template("payload.html").render(
        p=payload.data,
        sha256=payload.sha256,
        table_label=table_label,
        kinds=_KINDS,
        statuses={str(k): v for k, v in STATUS_LABELS.items()},
    )
