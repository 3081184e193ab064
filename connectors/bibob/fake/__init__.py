"""The fake permit register (SOAP): a test double, loaded only in fakes mode.

Its registration is :mod:`.plugin` (entry-point group ``opplus.fakes``); the
connector's own code never imports this package.
"""

from .app import FAIL_MODES, FAKE_PASSWORD, FAKE_USERNAME, MOUNT, NS, create_app

__all__ = ["FAIL_MODES", "FAKE_PASSWORD", "FAKE_USERNAME", "MOUNT", "NS", "create_app"]
