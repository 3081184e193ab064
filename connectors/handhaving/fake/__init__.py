"""The fake zaaksysteem (ZGW Zaken, Catalogi, Documenten): a test double, loaded only in fakes mode.

Its registration is :mod:`.plugin` (entry-point group ``opplus.fakes``); the
connector's own code never imports this package.
"""

from .app import (
    FAKE_CLIENT_ID,
    FAKE_CLIENT_SECRET,
    MOUNT,
    OPENAPI_SERVED,
    ZAKEN_OPTIONAL_HEADERS,
    create_app,
)

__all__ = [
    "FAKE_CLIENT_ID",
    "FAKE_CLIENT_SECRET",
    "MOUNT",
    "OPENAPI_SERVED",
    "ZAKEN_OPTIONAL_HEADERS",
    "create_app",
]
