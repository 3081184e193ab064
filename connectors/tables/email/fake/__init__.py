"""The local STARTTLS mail server the demo delivers to, loaded only in fakes mode.

Its registration is :mod:`.plugin` (entry-point group ``opplus.fakes``); the
connector's own code never imports this package.
"""

from .demo import DEMO_PORT, serve_demo_mail
from .server import FakeSmtpServer, ReceivedMessage

__all__ = ["DEMO_PORT", "FakeSmtpServer", "ReceivedMessage", "serve_demo_mail"]
