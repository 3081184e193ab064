"""The web application: :func:`create_app` builds it from a configuration.

The factory opens the store and builds the runtime (connectors, fakes) unless they are
given; the lifespan closes what the factory opened and stops running enrichments.
Around the routes: a request-size limit (413), security headers on every answer, no
caching of anything (dossiers must not linger in a browser cache), Prometheus counts
per route template, and one scrubbed application-log line per request (the route
template, never the concrete path: no identifier reaches the application log).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..accountability import Storage
from ..config import Config
from ..failures import failure_sentence
from ..forwarding.replays import SignatureReplays
from ..forwarding.service import ForwardingService
from ..labels import CLASSIFICATION_LABELS, Labels
from ..render import STATUS_LABELS
from ..runtime import Runtime
from ..signal import unreadable_json
from ..store import DecryptionFailed
from ..usecases import Problem, UseCaseError
from ..usecases.accounts import UserAdmin
from ..usecases.audit import Audit
from ..usecases.context import Context
from ..usecases.dossiers import Dossiers
from ..usecases.enrich import Enrich
from ..usecases.registries import Registries
from .api import router as api_router
from .api import service_router
from .auth import CsrfFailed, LoginRequired
from .case_pages import router as case_pages_router
from .checkpoints import CheckpointSigner
from .delivery_worker import DeliveryWorker
from .errors import (
    ApiError,
    error_body,
    error_text,
    signal_problems,
    use_case_status,
    validation_problems,
)
from .forwarding_api import router as forwarding_api_router
from .forwarding_pages import router as forwarding_pages_router
from .intake_pages import router as intake_pages_router
from .jobs import JobManager, UnknownJob
from .metrics import Metrics
from .oidc import OidcProvider
from .pages import render
from .pages import router as pages_router
from .refusals import RefusalCounter
from .sessions import LoginThrottle, OidcLogins, Sessions
from .state import WebState
from .users import Accounts
from .views import KIND_NAMES, display_time, subject_key_label

__all__ = ["WebState", "create_app"]

log = structlog.get_logger(__name__)

_HERE = Path(__file__).parent
API_VERSION = "1"

_SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class _Edge:
    """Security headers, no-store caching, metrics and a request log line."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        is_static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [h for h in _SECURITY_HEADERS if h[0] not in present]
                if not is_static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or ("/static" if is_static else "(geen)")
            seconds = time.perf_counter() - started
            self.metrics.http_request(scope["method"], template, status, seconds)
            if not is_static:
                log.info(
                    "http_request",
                    method=scope["method"],
                    route=template,
                    status=status,
                    duration_ms=round(seconds * 1000, 1),
                )


class BodyTooLarge(StarletteHTTPException):
    def __init__(self) -> None:
        super().__init__(413, "te groot")


_TOO_LARGE_PAGE = (
    '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Te groot — opplus'
    '</title><link rel="stylesheet" href="/static/style.css"></head><body><main id="inhoud">'
    '<h1>Te groot</h1><div class="melding fout" role="alert"><p>Het verzoek is te groot '
    "(maximaal {limit} bytes); er is niets opgeslagen.</p></div>"
    '<p><a href="/">Naar de startpagina</a></p></main></body></html>'
)


class _BodyLimit:
    """Refuse request bodies larger than the limit (413), before anything reads them.

    A declared Content-Length over the limit is answered at once; a body without one
    (chunked) is counted as it is read, and the reader gets :class:`BodyTooLarge`."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
        if declared is not None and declared > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge()
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        if scope["path"].startswith("/api/"):
            problem = Problem("body", f"te groot: maximaal {self.limit} bytes")
            body = json.dumps(error_body([problem])).encode()
            kind = b"application/json"
        else:
            body = _TOO_LARGE_PAGE.format(limit=self.limit).encode()
            kind = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/metrics", "/healthz", "/openapi.json")


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> Response:
        if _wants_json(request):
            return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)
        message = error_text(Problem(f, m) for f, m in exc.problems)
        return _error_page(request, exc.status, "Dat lukte niet", message)

    @app.exception_handler(UseCaseError)
    async def on_use_case_error(request: Request, exc: UseCaseError) -> Response:
        # the one translation of a use case's answer: every route lets them through
        status, title = use_case_status(exc)
        if _wants_json(request):
            return JSONResponse(error_body(exc.problems), status_code=status)
        message = exc.message if len(exc.problems) == 1 else error_text(exc.problems)
        return _error_page(request, status, title, message)

    @app.exception_handler(DecryptionFailed)
    async def on_damaged_record(request: Request, exc: DecryptionFailed) -> Response:
        # a damaged record met on a path that does not name it itself (e.g. a notice)
        message = "opgeslagen gegevens zijn beschadigd of buiten opplus gewijzigd"
        if _wants_json(request):
            return JSONResponse(error_body([Problem(None, message)]), 409)
        return _error_page(request, 409, "Gegevens beschadigd", message)

    @app.exception_handler(UnknownJob)
    async def on_unknown_job(request: Request, exc: UnknownJob) -> Response:
        message = "geen lopende of recente verrijking met dit id (na een herstart is die weg)"
        if _wants_json(request):
            return JSONResponse(error_body([Problem("job_id", message)]), 404)
        return _error_page(request, 404, "Niet gevonden", message)

    @app.exception_handler(LoginRequired)
    async def on_login_required(request: Request, exc: LoginRequired) -> Response:
        target = "/inloggen"
        if exc.next_path and exc.next_path != "/":
            from urllib.parse import quote

            target += "?volgende=" + quote(exc.next_path, safe="/")
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfFailed)
    async def on_csrf(request: Request, exc: CsrfFailed) -> Response:
        return _error_page(
            request,
            403,
            "Formulier verlopen",
            "Het formulier is verlopen of kwam niet van deze site (CSRF-controle). "
            "Laad de pagina opnieuw en probeer het nog eens. Staan cookies uit? "
            "opplus heeft een cookie nodig om u ingelogd te houden.",
        )

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        problems = None
        route = request.scope.get("route")
        if getattr(route, "name", "") == "api_submit_signal" and isinstance(exc.body, dict):
            problems = signal_problems(exc.body)
        problems = problems or validation_problems(exc.errors())
        if _wants_json(request):
            return JSONResponse(error_body(problems), status_code=422)
        return _error_page(request, 422, "Ongeldige invoer", error_text(problems))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        # FastAPI answers a JSON body it cannot decode (too deep, not UTF-8) with an
        # English 400; it is bad input like any other, so: 422, in Dutch, naming it.
        reason = unreadable_json(exc.__cause__) if exc.__cause__ is not None else None
        if exc.status_code == 400 and reason is not None and _wants_json(request):
            return JSONResponse(error_body([Problem("body", reason)]), 422)
        messages = {
            404: ("Niet gevonden", "deze pagina bestaat niet"),
            405: ("Niet toegestaan", "deze methode kan hier niet"),
            413: ("Te groot", "het verzoek is te groot; er is niets opgeslagen"),
        }
        title, message = messages.get(exc.status_code, ("Fout", str(exc.detail)))
        if _wants_json(request):
            field = "body" if exc.status_code == 413 else None
            return JSONResponse(
                error_body([Problem(field, message)]),
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        return _error_page(request, exc.status_code, title, message)

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> Response:
        log.error("request_failed", error_type=type(exc).__name__)
        message = "er ging iets mis aan de kant van opplus; er is niets half opgeslagen"
        if _wants_json(request):
            return JSONResponse(error_body([Problem(None, message)]), 500)
        return _error_page(request, 500, "Fout", message)


def _templates(config: Config) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    env = templates.env
    env.filters["tijd"] = display_time
    env.filters["onderwerp"] = subject_key_label
    env.filters["storing"] = lambda error, source: failure_sentence(source, error)
    env.filters["soort"] = lambda kinds: ", ".join(sorted(KIND_NAMES.get(k, k) for k in kinds))
    env.globals["gemeenten"] = config.municipalities
    env.globals["classification_labels"] = CLASSIFICATION_LABELS
    env.globals["status_labels"] = {str(k): v for k, v in STATUS_LABELS.items()}
    return templates


def create_app(
    config: Config,
    *,
    storage: Storage | None = None,
    runtime: Runtime | None = None,
    oidc_transport: httpx.AsyncBaseTransport | None = None,
    delivery_worker: bool = True,
    delivery_interval_s: float = 2.0,
    checkpoint_interval_s: float | None = None,
) -> FastAPI:
    """The web service for ``config``; opens the store and runtime unless given.

    ``delivery_worker``: run the delivery worker in the app (tests switch it off and
    deliver themselves); it looks at the outbox every ``delivery_interval_s``.
    ``checkpoint_interval_s`` overrides ``[audit] checkpoint_interval_minutes``."""
    own_storage = storage is None
    own_runtime = runtime is None
    storage = storage or Storage.open(config)
    try:
        runtime = runtime or Runtime.build(config)
    except BaseException:
        if own_storage:
            storage.close()
        raise
    web_config = config.web
    context = Context(config, storage)
    enrich = Enrich(context, runtime)
    metrics = Metrics()
    metrics.known_connectors(h.name for h in runtime.handles)
    accounts = Accounts(storage.db, config.municipalities)
    state = WebState(
        config=config,
        context=context,
        enrich=enrich,
        dossiers=Dossiers(context),
        audit=Audit(context),
        registries=Registries(context, runtime),
        accounts=accounts,
        sessions=Sessions(
            storage.db,
            lifetime=timedelta(hours=web_config.session_hours),
            idle=timedelta(minutes=web_config.idle_minutes),
        ),
        throttle=LoginThrottle(
            storage.db,
            per_login=web_config.login_max_failures,
            per_address=web_config.login_max_failures_per_address,
            window=timedelta(minutes=web_config.login_window_minutes),
        ),
        refusals=RefusalCounter(storage),
        replays=SignatureReplays(storage.db),
        oidc_logins=OidcLogins(storage.db),
        oidc=(OidcProvider(web_config.oidc, transport=oidc_transport) if web_config.oidc else None),
        jobs=JobManager(enrich, metrics, max_per_user=web_config.max_jobs_per_user),
        users=UserAdmin(context, accounts),
        metrics=metrics,
        templates=_templates(config),
        forwarding=(forwarding := ForwardingService(config, runtime, storage)),
        delivery_worker=(
            DeliveryWorker(forwarding, interval_s=delivery_interval_s) if delivery_worker else None
        ),
        labels=Labels.from_plugins(runtime.plugins),
    )

    interval = (
        checkpoint_interval_s
        if checkpoint_interval_s is not None
        else config.audit.checkpoint_interval_minutes * 60
    )
    signer = CheckpointSigner(storage.trail, interval_s=interval) if interval > 0 else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            state.sessions.prune()
            if state.delivery_worker is not None:
                state.delivery_worker.start()
            if signer is not None:
                signer.start()
            yield
        finally:
            state.refusals.flush()  # the summaries of the last minutes
            if signer is not None:
                await signer.stop()
            if state.delivery_worker is not None:
                await state.delivery_worker.stop()
            await runtime.stop_other_fakes()  # the mail fake, if a delivery started it
            await state.jobs.aclose()
            if own_runtime:
                await runtime.aclose()
            if own_storage:
                storage.close()

    app = FastAPI(
        title="opplus",
        version=API_VERSION,
        summary="Signalen van mensenhandel verrijken met de registers van de gemeente, "
        "verantwoord.",
        description="The JSON API of opplus (version 1). Authenticate with an API token "
        "(`Authorization: Bearer opp_…`) or, from the browser, the session cookie plus "
        "`X-CSRF-Token` on unsafe methods. Every error is "
        '`{"detail": [{"field": …, "message": …}]}` with a Dutch message.',
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        telemetry={
            "tracing": False,
            "metrics": False,
            "logs": False,
            "operation_spans": False,
            "auto_configure": False,
        },
    )
    app.state.web = state
    _install_error_handlers(app)
    app.include_router(service_router)
    app.include_router(api_router)
    app.include_router(pages_router)
    app.include_router(case_pages_router)
    app.include_router(intake_pages_router)
    app.include_router(forwarding_api_router)
    app.include_router(forwarding_pages_router)
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    app.add_middleware(_BodyLimit, limit=web_config.max_body_bytes)
    app.add_middleware(_Edge, metrics=metrics)
    return app
