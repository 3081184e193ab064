"""What every route needs, kept on ``app.state.web``: the use cases and the web
service's own parts (accounts, sessions, jobs, ...).

A leaf of :mod:`hub.web`: routes and the authentication dependencies read it, and
:mod:`.app` builds it, so none of them has to import another to know its shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.templating import Jinja2Templates

from ..config import Config
from ..forwarding.replays import SignatureReplays
from ..forwarding.service import ForwardingService
from ..labels import Labels
from ..usecases.accounts import UserAdmin
from ..usecases.audit import Audit
from ..usecases.context import Context
from ..usecases.dossiers import Dossiers
from ..usecases.enrich import Enrich
from ..usecases.registries import Registries
from .delivery_worker import DeliveryWorker
from .jobs import JobManager
from .metrics import Metrics
from .oidc import OidcProvider
from .refusals import RefusalCounter
from .sessions import LoginThrottle, OidcLogins, Sessions
from .users import Accounts

__all__ = ["WebState", "web_state"]


@dataclass
class WebState:
    """Everything the routes need, on ``app.state.web``."""

    config: Config
    #: the use cases the routes call; ``context`` is their shared store and configuration
    context: Context
    enrich: Enrich
    dossiers: Dossiers
    audit: Audit
    registries: Registries
    accounts: Accounts
    sessions: Sessions
    throttle: LoginThrottle
    #: refusals of callers without a role, per address and minute
    refusals: RefusalCounter
    #: table signatures already accepted (each is accepted once)
    replays: SignatureReplays
    oidc_logins: OidcLogins
    oidc: OidcProvider | None
    jobs: JobManager
    users: UserAdmin
    metrics: Metrics
    templates: Jinja2Templates
    forwarding: ForwardingService
    #: sends confirmed deliveries in the background (None: switched off)
    delivery_worker: DeliveryWorker | None
    #: the Dutch labels of the loaded connectors' fields, for the dossier page
    labels: Labels


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
