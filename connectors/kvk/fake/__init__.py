"""The KvK fake: a test double, loaded only in fakes mode.

Its registration is :mod:`.plugin` (entry-point group ``opplus.fakes``); the
connector's own code never imports this package.
"""

from .app import FAKE_API_KEY, MOUNT, OPENAPI_SERVED, create_app

__all__ = ["FAKE_API_KEY", "MOUNT", "OPENAPI_SERVED", "create_app"]
