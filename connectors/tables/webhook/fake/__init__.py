"""The webhook receiver fake (the RIEC informatieplein): a test double, loaded only in fakes mode.

Its registration is :mod:`.plugin` (entry-point group ``opplus.fakes``); the
connector's own code never imports this package.
"""

from .app import FAKE_KEY_ID, FAKE_SECRET, MOUNT, create_app

__all__ = ["FAKE_KEY_ID", "FAKE_SECRET", "MOUNT", "create_app"]
