"""The KvK fake: a test double, loaded only in fakes mode.

Its registration is :mod:`.plugin` (entry-point group ``opplus.fakes``); the
connector's own code never imports this package.
"""

# The package offers exactly what its app offers: one list of names, in app.py.
from .app import *  # noqa: F403
from .app import __all__ as __all__
