"""The web service (``opplus serve``): pages in Dutch for officers, auditors and
administrators, and a versioned JSON API — with real accounts, sessions, CSRF
protection, login throttling, API tokens and optional OpenID Connect.

* :func:`create_app` (in :mod:`.app`) — the FastAPI application for a configuration;
* :mod:`.users` — accounts and API tokens; :mod:`.sessions` — sessions, throttling;
* :mod:`.auth` — the actor of each request; :mod:`.csrf`; :mod:`.oidc`;
* :mod:`.jobs` — enrichments as jobs with live progress; :mod:`.metrics`;
* :mod:`.api` — ``/api/v1``; :mod:`.pages` — the pages; templates in ``templates/``;
  both call the use cases (:mod:`hub.usecases`) kept in :mod:`.state`, and
  :mod:`.errors` turns their errors into answers.

The package imports the web framework only when :func:`create_app` is asked for, so
the command line's account commands start quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import WebState, create_app

__all__ = ["WebState", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
