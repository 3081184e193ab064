"""The HTTP stack under the connectors is installed whole."""

from __future__ import annotations

import sys

from httpcore._synchronization import current_async_library


async def test_httpcore_finds_sniffio_instead_of_failing_an_import_per_lock():
    # httpcore asks sniffio which event loop runs at every lock, event and semaphore
    # it makes; a failed import is not cached, so without sniffio every request paid
    # a search of sys.path several times over (bench/enrich.py, figure 3)
    assert current_async_library() == "asyncio"
    assert "sniffio" in sys.modules
