"""The BRK fake: a test double of BRK Bevragen v2 with its demo records (``data``)."""

# The package offers exactly what its app offers: one list of names, in app.py.
from .app import *  # noqa: F403
from .app import __all__ as __all__
