"""Application logging with structlog: JSON or console, always scrubbed.

No secret and no full BSN ever reaches an application log: every event (ours and the
standard library's, e.g. httpx's) passes :func:`scrub`, which masks nine-digit numbers
that pass the elfproef and values of keys that look like credentials.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from plugins import is_valid_bsn

__all__ = ["configure_logging", "scrub", "scrub_text"]

_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
_SECRET_KEY = re.compile(r"secret|token|password|passwd|authorization|api_?key|cookie", re.I)
_BEARER = re.compile(r"(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.I)


def scrub_text(text: str) -> str:
    """Mask BSNs and bearer/basic credentials inside free text."""
    text = _NINE_DIGITS.sub(lambda m: "[bsn]" if is_valid_bsn(m.group()) else m.group(), text)
    return _BEARER.sub(lambda m: f"{m.group(1)} [redacted]", text)


def _scrub_value(key: str, value: Any) -> Any:
    if _SECRET_KEY.search(key):
        return "[redacted]"
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(key, v) for v in value]
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and 100_000_000 <= value <= 999_999_999
    ):
        return "[bsn]" if is_valid_bsn(str(value)) else value
    return value


def scrub(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: mask secrets and BSNs in every field of the event."""
    for key in list(event):
        if key == "event" and isinstance(event[key], str):
            event[key] = scrub_text(event[key])
        elif key not in ("level", "timestamp", "logger"):
            event[key] = _scrub_value(key, event[key])
    return event


def configure_logging(*, json: bool = False, level: str = "INFO") -> None:
    """Route structlog and the standard library through one scrubbed pipeline to stderr."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        scrub,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO; query strings can carry identifiers.
    for noisy in ("httpx", "httpcore", "zeep", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
