"""The BRP Personen v2 fake: a test double, loaded only in fakes mode.

Its registration is :mod:`.plugin` (entry-point group ``opplus.fakes``); the
connector's own code never imports this package.
"""

from .app import (
    FAKE_API_KEY,
    FAKE_CLIENT_ID,
    FAKE_CLIENT_SECRET,
    MAX_FIELDS,
    MAX_RESULTS,
    MOUNT,
    OPENAPI_SERVED,
    QUERY_TYPES,
    create_app,
)

__all__ = [
    "FAKE_API_KEY",
    "FAKE_CLIENT_ID",
    "FAKE_CLIENT_SECRET",
    "MAX_FIELDS",
    "MAX_RESULTS",
    "MOUNT",
    "OPENAPI_SERVED",
    "QUERY_TYPES",
    "create_app",
]
