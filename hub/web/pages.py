"""The pages, in Dutch, rendered on the server: log in; the officer's signals, new
signal, live enrichment and dossier; the auditor's search, verification, subject
report and provenance; the administrator's connectors, configuration and users.

Every form carries its CSRF token (:func:`~hub.web.auth.verified_form`); every page
for logged-in users goes through :func:`~hub.web.auth.page_actor`; what an actor may
do is a use case's decision (:mod:`hub.usecases`), as in the API.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from ..accountability import Actor
from ..audit import AuditError
from ..signal import FORM_LABELS
from ..usecases import Invalid, Refused, UseCaseError
from ..usecases.audit import LOGS, VerifyOutcome
from ..usecases.cases import STATUSES, Cases
from ..usecases.intake import Intake
from ..usecases.notifications import Notifications
from .api import PROGRESS_LABELS, config_out, job_out
from .auth import (
    PRE_COOKIE,
    SESSION_COOKIE,
    Caller,
    client_address,
    identify,
    page_actor,
    record_refusal,
    verified_form,
)
from .case_form import CaseForm
from .forms import SignalForm
from .jobs import TooManyJobs
from .oidc import OidcError
from .state import web_state
from .users import ROLE_LABELS, AccountError
from .views import dossier_view, entry_summary, prov_view

__all__ = ["home_for", "render", "router"]

#: the states of a change of municipalities, as the administrator reads them
CHANGE_LABELS = {
    "pending": "wacht op tweede beheerder",
    "applied": "direct doorgevoerd",
    "approved": "goedgekeurd",
    "rejected": "afgewezen",
    "superseded": "vervangen door een nieuwer verzoek",
}

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(page_actor)]
FormDep = Annotated[FormData, Depends(verified_form)]
Id = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:@-]+$")]


def _set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    """Every cookie of the pages: HTTP-only, Secure, SameSite=Lax, for the whole site."""
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, secure=True, samesite="lax", path="/"
    )


_PRE_MAX_AGE = 12 * 3600


def home_for(actor: Actor) -> str:
    for role, path in (
        ("officer", "/signalen"),
        ("auditor", "/audit"),
        ("admin", "/beheer"),
        ("melder", "/melden"),
    ):
        if role in actor.roles:
            return path
    return "/geen-rol"


def _navigation(actor: Actor | None) -> list[dict[str, str]]:
    if actor is None:
        return []
    items: list[dict[str, str]] = []
    if "officer" in actor.roles:
        items += [
            {"href": "/signalen", "label": "Signalen"},
            {"href": "/signalen/nieuw", "label": "Nieuw signaal"},
            {"href": "/leveringen", "label": "Leveringen"},
            {"href": "/meldingen", "label": "Meldingen"},
        ]
    if "auditor" in actor.roles:
        items += [
            {"href": "/audit", "label": "Logboeken doorzoeken"},
            {"href": "/audit/verificatie", "label": "Logboeken verifiëren"},
            {"href": "/audit/betrokkene", "label": "Overzicht voor betrokkene"},
        ]
    if "melder" in actor.roles:
        items.append({"href": "/melden", "label": "Melden"})
    if "admin" in actor.roles:
        items += [
            {"href": "/beheer", "label": "Koppelingen"},
            {"href": "/beheer/configuratie", "label": "Configuratie"},
            {"href": "/beheer/gebruikers", "label": "Gebruikers"},
        ]
    return items


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    caller: Caller | None = None,
) -> HTMLResponse:
    """A page, with what every page needs: who is logged in, navigation, CSRF token.

    A visitor without a browser secret gets one (the pre-session cookie), so that the
    login form on the page has a CSRF token to carry."""
    web = web_state(request)
    caller = caller or identify(request)
    new_pre = None
    if caller.browser_secret is None:
        new_pre = secrets.token_urlsafe(32)
        caller = Caller(None, pre_secret=new_pre)
    ctx: dict[str, Any] = {
        "actor": caller.actor,
        "user": caller.user,
        "csrf": caller.csrf,
        "nav": _navigation(caller.actor),
        # the header badge: notifications the officer has not read yet
        "unread": Notifications(web.context).unread(caller.actor) if caller.actor else 0,
        "path": request.url.path,
        "role_labels": ROLE_LABELS,
        "municipalities": web.config.municipalities,
        "oidc_label": web.oidc.label if web.oidc else None,
    }
    ctx.update(context or {})
    response = web.templates.TemplateResponse(request, template, ctx, status_code=status)
    if new_pre is not None:
        _set_cookie(response, PRE_COOKIE, new_pre, _PRE_MAX_AGE)
    return response


def _safe_next(value: str | None) -> str | None:
    """A local path to return to after logging in (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if len(value) > 500 or any(ord(c) < 32 for c in value):
        return None
    return value


# -- logging in and out ----------------------------------------------------------------


@router.get("/", name="page_root")
def page_root(request: Request, volgende: str | None = None) -> Response:
    """The login page for a visitor; the home page of the role for a logged-in user."""
    caller = identify(request)
    if caller.actor is not None and caller.via == "session":
        return RedirectResponse(home_for(caller.actor), status_code=303)
    return render(request, "login.html", {"next": _safe_next(volgende)})


@router.get("/inloggen", name="page_login")
def page_login(request: Request, volgende: str | None = None) -> Response:
    return page_root(request, volgende)


def _login_failed(
    request: Request, message: str, status: int, next_path: str | None, login: str = ""
) -> HTMLResponse:
    return render(
        request,
        "login.html",
        {"error": message, "next": next_path, "login": login},
        status=status,
    )


def _start_session(request: Request, login: str, via: str, next_path: str | None) -> Response:
    web = web_state(request)
    token = web.sessions.create(login, via)
    user = web.accounts.require(login)
    actor = user.actor("web")
    web.context.storage.record_access(
        actor, "login", detail={"via": via, "address": client_address(request)}
    )
    web.metrics.inc("opplus_logins_total", {"result": "allowed", "via": via})
    response = RedirectResponse(next_path or home_for(actor), status_code=303)
    _set_cookie(response, SESSION_COOKIE, token)
    response.delete_cookie(PRE_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


@router.post("/inloggen", name="page_login_submit")
def page_login_submit(request: Request, form: FormDep) -> Response:
    web = web_state(request)
    login = str(form.get("login") or "").strip()[:100]
    password = str(form.get("password") or "")[:1024]
    next_path = _safe_next(str(form.get("volgende") or ""))
    address = client_address(request)
    if not login or not password:
        field = "gebruikersnaam" if not login else "wachtwoord"
        return _login_failed(request, f"Vul uw {field} in.", 422, next_path, login)
    known = web.accounts.get(login) is not None
    who = Actor(login if known else "(onbekend)", "", (), (), client="web")
    wait = web.throttle.retry_after(login, address)
    if wait is not None:
        record_refusal(request, who, "te veel mislukte inlogpogingen", action="login")
        web.metrics.inc("opplus_logins_total", {"result": "throttled", "via": "password"})
        later = f"{wait} seconden" if wait < 60 else f"{(wait + 59) // 60} minuten"
        return _login_failed(
            request,
            f"Te veel mislukte pogingen. Probeer het over {later} opnieuw.",
            429,
            next_path,
            login,
        )
    user = web.accounts.authenticate(login, password)
    if user is None:
        web.throttle.failed(login, address)
        record_refusal(request, who, "onjuiste gebruikersnaam of wachtwoord", action="login")
        web.metrics.inc("opplus_logins_total", {"result": "refused", "via": "password"})
        return _login_failed(
            request, "Gebruikersnaam of wachtwoord klopt niet.", 401, next_path, login
        )
    web.throttle.succeeded(login, address)
    return _start_session(request, user.login, "password", next_path)


@router.post("/uitloggen", name="page_logout")
def page_logout(request: Request, form: FormDep) -> Response:
    web = web_state(request)
    caller = identify(request)
    if caller.session_token:
        web.sessions.end(caller.session_token)
    if caller.actor is not None:
        web.context.storage.record_access(caller.actor, "logout")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


def _redirect_uri(request: Request) -> str:
    public = web_state(request).config.web.public_url
    if public:
        return public.rstrip("/") + "/inloggen/oidc/terug"
    return str(request.url_for("page_oidc_callback"))


@router.get("/inloggen/oidc", name="page_oidc_start")
async def page_oidc_start(request: Request) -> Response:
    """Off to the identity provider (the login is bound to this browser)."""
    web = web_state(request)
    if web.oidc is None:
        return render(request, "error.html", {"title": "Niet gevonden"}, status=404)
    caller = identify(request)
    browser = caller.pre_secret
    new_pre = None
    if browser is None:
        browser = new_pre = secrets.token_urlsafe(32)
    state, pending = await run_in_threadpool(web.oidc_logins.begin, browser)
    try:
        url = await web.oidc.authorization_url(_redirect_uri(request), state, pending)
    except OidcError as exc:
        return _login_failed(request, f"Inloggen lukt nu niet: {exc}.", 502, None)
    response = RedirectResponse(url, status_code=303)
    if new_pre is not None:
        _set_cookie(response, PRE_COOKIE, new_pre, _PRE_MAX_AGE)
    return response


@router.get("/inloggen/oidc/terug", name="page_oidc_callback")
async def page_oidc_callback(
    request: Request,
    code: Annotated[str | None, Query(max_length=4000)] = None,
    state: Annotated[str | None, Query(max_length=200)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Back from the identity provider: check everything, then log in."""
    web = web_state(request)
    if web.oidc is None:
        return render(request, "error.html", {"title": "Niet gevonden"}, status=404)
    caller = identify(request)

    async def refuse(reason: str, who: Actor | None = None) -> Response:
        await run_in_threadpool(record_refusal, request, who, reason, action="login")
        web.metrics.inc("opplus_logins_total", {"result": "refused", "via": "oidc"})
        return _login_failed(
            request, f"Inloggen via de identiteitsprovider mislukt: {reason}.", 401, None
        )

    if error:
        return await refuse("de identiteitsprovider brak het inloggen af")
    if not code or not state:
        return await refuse("het antwoord van de identiteitsprovider is onvolledig")
    pending = await run_in_threadpool(web.oidc_logins.finish, state, caller.pre_secret or "")
    if pending is None:
        return await refuse("ongeldige of verlopen inlogpoging; probeer het opnieuw")
    try:
        claims = await web.oidc.finish(_redirect_uri(request), code, pending)
        identity = web.oidc.identity(claims, web.config.municipalities)
    except OidcError as exc:
        return await refuse(str(exc))
    who = Actor(identity.login, identity.name, (), (), client="web")
    previous = await run_in_threadpool(web.accounts.get, identity.login)
    try:
        user = await run_in_threadpool(
            web.accounts.sync_from_provider,
            identity.login,
            identity.name,
            identity.roles,
            identity.municipalities,
        )
    except AccountError as exc:
        return await refuse(exc.message, who)
    if previous is not None and previous.municipalities != user.municipalities:
        # the provider decides them, but a change must still be visible to the auditor
        await run_in_threadpool(
            web.context.storage.record_access,
            user.actor("web"),
            "users.municipalities",
            detail={
                "user": user.login,
                "before": ",".join(previous.municipalities) or "-",
                "after": ",".join(user.municipalities) or "-",
                "requested_by": "identiteitsprovider",
                "state": "applied",
            },
        )
    if user.disabled:
        return await refuse("dit account is uitgeschakeld", who)
    return await run_in_threadpool(_start_session, request, user.login, "oidc", None)


@router.get("/geen-rol", name="page_no_role")
def page_no_role(request: Request, actor: ActorDep) -> Response:
    """Where a user lands whose roles have no pages (e.g. monitoring only)."""
    home = home_for(actor)
    if home != "/geen-rol":
        return RedirectResponse(home, status_code=303)
    message = "Uw account heeft geen rol waarvoor opplus pagina's heeft."
    return render(request, "error.html", {"title": "Geen pagina's", "message": message})


# -- the officer -----------------------------------------------------------------------


def _signal_form_page(
    request: Request, actor: Actor, form: SignalForm, status: int = 200, message: str = ""
) -> HTMLResponse:
    web = web_state(request)
    return render(
        request,
        "signal_form.html",
        {
            "form": form,
            "choices": [(c, web.config.municipalities.get(c, c)) for c in actor.municipalities],
            "purposes": web.config.purposes,
            "form_labels": _FORM_LABELS,
            "message": message,
        },
        status=status,
    )


_FORM_LABELS = {str(k): v for k, v in FORM_LABELS.items()}


@router.get("/signalen/nieuw", name="page_signal_form")
def page_signal_form(
    request: Request, actor: ActorDep, melding: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    web = web_state(request)
    web.context.require_role(actor, "officer", "signals.form")
    default = actor.municipalities[0] if len(actor.municipalities) == 1 else ""
    purpose = web.config.purposes[0].id if len(web.config.purposes) == 1 else ""
    form = SignalForm.empty(default, purpose)
    if melding:  # step 3 from a colleague's report (issue 12): prefilled, then checked
        prefill = Intake(web.context).as_signal(actor, melding)
        kind = prefill.pop("forms")
        form.forms = [kind] if kind else []
        form.values.update(prefill)
    return _signal_form_page(request, actor, form)


@router.post("/signalen/nieuw", name="page_signal_submit")
async def page_signal_submit(request: Request, actor: ActorDep, form: FormDep) -> Response:
    web = web_state(request)
    await run_in_threadpool(web.context.require_role, actor, "officer", "enrich")
    signal_form = SignalForm.from_form(form)
    action = str(form.get("actie") or "")
    if action.startswith("meer-"):
        signal_form.add_row(action.removeprefix("meer-"))
        return _signal_form_page(request, actor, signal_form)
    if action.startswith("weg-"):  # "weg-persons-1": remove that row
        kind, _, index = action.removeprefix("weg-").rpartition("-")
        if index.isascii() and index.isdigit():
            signal_form.remove_row(kind, int(index))
        return _signal_form_page(request, actor, signal_form)
    signal = signal_form.parse()
    if signal is None:
        return _signal_form_page(request, actor, signal_form, status=422)
    try:
        job = web.jobs.start(signal, actor)
    except Refused as exc:
        signal_form.problem(exc.field or "signaal", exc.message)
        return _signal_form_page(request, actor, signal_form, status=403)
    except TooManyJobs:
        return _signal_form_page(
            request,
            actor,
            signal_form,
            status=429,
            message="U heeft al het maximale aantal verrijkingen lopen. Wacht tot er één klaar is.",
        )
    return RedirectResponse(f"/taken/{job.id}", status_code=303)


@router.get("/taken/{job_id}", name="page_job")
def page_job(request: Request, job_id: Id, actor: ActorDep) -> Response:
    job = web_state(request).jobs.get(job_id, actor)
    return render(request, "job.html", {"job": job_out(job), "labels": PROGRESS_LABELS})


@router.get("/dossiers/{dossier_id}", name="page_dossier")
def page_dossier(request: Request, dossier_id: Id, actor: ActorDep) -> Response:
    return dossier_page(request, actor, dossier_id)


@router.get("/dossiers/{dossier_id}/afdrukken", name="page_dossier_print")
def page_dossier_print(request: Request, dossier_id: Id, actor: ActorDep) -> Response:
    return dossier_page(request, actor, dossier_id, printing=True)


def dossier_page(
    request: Request,
    actor: Actor,
    dossier_id: str,
    *,
    refused: tuple[FormData, UseCaseError] | None = None,
    status: int = 200,
    printing: bool = False,
) -> HTMLResponse:
    """The dossier page; when a case change was ``refused`` (the form sent, the error),
    its case block shows what the officer sent with the problems at their fields.
    ``printing``: the print view (who printed when, no navigation or forms), logged
    as a print instead of a view."""
    web = web_state(request)
    if printing:
        dossier = web.dossiers.print(actor, dossier_id)
    else:
        dossier = web.dossiers.view(actor, dossier_id)
    versions = web.dossiers.versions(actor, dossier)
    view = dossier_view(dossier, web.config.municipalities, web.labels)
    cases = Cases(web.context)
    case = cases.of(actor, dossier)
    form = CaseForm.of(case) if refused is None else CaseForm.sent(case, *refused)
    return render(
        request,
        "dossier.html",
        {
            "v": view,
            "d": dossier,
            "versions": versions,
            "case": case,
            "case_form": form,
            "case_statuses": STATUSES,
            "case_officers": cases.assignable(actor, dossier),
            "printed_at": datetime.now(UTC) if printing else None,
        },
        status=status,
    )


@router.post("/dossiers/{dossier_id}/opnieuw", name="page_rerun")
async def page_rerun(request: Request, dossier_id: Id, actor: ActorDep, form: FormDep) -> Response:
    web = web_state(request)
    signal, previous = await run_in_threadpool(web.dossiers.for_rerun, actor, dossier_id)
    try:
        job = web.jobs.start(signal, actor, previous=previous)
    except TooManyJobs:
        return render(
            request,
            "error.html",
            {
                "title": "Even geduld",
                "message": "U heeft al het maximale aantal verrijkingen lopen. "
                "Wacht tot er één klaar is en probeer het dan opnieuw.",
            },
            status=429,
        )
    return RedirectResponse(f"/taken/{job.id}", status_code=303)


# -- the auditor -----------------------------------------------------------------------


def _date(form: FormData, name: str, errors: dict[str, str]) -> date | None:
    text = str(form.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "geen datum (verwacht bv. 2026-11-01)"
        return None


@router.get("/audit", name="page_audit")
def page_audit(request: Request, actor: ActorDep) -> Response:
    web_state(request).audit.may_audit(actor)
    return render(request, "audit_search.html", {"q": {}, "errors": {}, "results": None})


@router.post("/audit", name="page_audit_search")
def page_audit_search(request: Request, actor: ActorDep, form: FormDep) -> Response:
    web = web_state(request)
    web.audit.may_audit(actor, "audit.search")
    fields = {
        k: str(form.get(k) or "").strip()[:200]
        for k in ("bsn", "officer", "signal", "since", "until")
    }
    logs = [v for v in form.getlist("logs") if isinstance(v, str)][:3]
    q: dict[str, str | list[str]] = {**fields, "logs": logs}
    errors: dict[str, str] = {}
    since = _date(form, "since", errors)
    until = _date(form, "until", errors)
    if since and until and until < since:
        errors["until"] = "ligt vóór de begindatum"
    if any(name not in LOGS for name in logs):
        errors["logs"] = "onbekend logboek"
    if errors:
        return render(
            request, "audit_search.html", {"q": q, "errors": errors, "results": None}, status=422
        )
    try:
        entries = web.audit.search(
            actor,
            bsn=fields["bsn"] or None,
            officer=fields["officer"] or None,
            signal=fields["signal"] or None,
            since=datetime.combine(since, datetime.min.time(), UTC) if since else None,
            until=(
                datetime.combine(until + timedelta(days=1), datetime.min.time(), UTC)
                if until
                else None
            ),
            logs=logs,
            limit=500,
        )
    except Invalid as exc:
        errors.update((p.field or "bsn", p.message) for p in exc.problems)
        return render(
            request, "audit_search.html", {"q": q, "errors": errors, "results": None}, status=422
        )
    q["bsn"] = ""  # never echoed back into the page
    results = [
        {"e": e, "s": entry_summary(e.log, e.payload), "p": e.payload or {}} for e in entries
    ]
    return render(request, "audit_search.html", {"q": q, "errors": {}, "results": results})


@router.get("/audit/verificatie", name="page_verify")
def page_verify(request: Request, actor: ActorDep) -> Response:
    web_state(request).audit.may_audit(actor)
    return render(request, "audit_verify.html", {"outcome": None, "heads": None})


@router.post("/audit/verificatie", name="page_verify_run")
def page_verify_run(request: Request, actor: ActorDep, form: FormDep) -> Response:
    outcome = web_state(request).audit.verify(actor)
    return render(request, "audit_verify.html", {"outcome": outcome, "heads": None})


@router.post("/audit/checkpoint", name="page_checkpoint")
def page_checkpoint(request: Request, actor: ActorDep, form: FormDep) -> Response:
    try:
        heads = web_state(request).audit.checkpoint(actor)
    except AuditError as exc:  # shown as a failed outcome: the auditor must see why
        failed = VerifyOutcome(False, [], f"checkpoint mislukt: {exc}", error=str(exc))
        return render(request, "audit_verify.html", {"outcome": failed, "heads": None})
    return render(request, "audit_verify.html", {"outcome": None, "heads": heads})


@router.get("/audit/betrokkene", name="page_subject")
def page_subject(request: Request, actor: ActorDep) -> Response:
    web_state(request).audit.may_audit(actor)
    return render(request, "audit_subject.html", {"report": None, "errors": {}})


@router.post("/audit/betrokkene", name="page_subject_report")
def page_subject_report(request: Request, actor: ActorDep, form: FormDep) -> Response:
    web = web_state(request)
    bsn = str(form.get("bsn") or "").strip()[:20]
    if not bsn:
        web.audit.may_audit(actor, "audit.subject-report")
        return render(
            request,
            "audit_subject.html",
            {"report": None, "errors": {"bsn": "dit veld is verplicht"}},
            status=422,
        )
    try:
        report = web.audit.subject_report(actor, bsn)
    except Invalid as exc:
        return render(
            request,
            "audit_subject.html",
            {"report": None, "errors": {p.field or "bsn": p.message for p in exc.problems}},
            status=422,
        )
    return render(request, "audit_subject.html", {"report": report, "errors": {}})


@router.get("/audit/dossiers/{dossier_id}/herkomst", name="page_provenance")
def page_provenance(request: Request, dossier_id: Id, actor: ActorDep) -> Response:
    prov = web_state(request).dossiers.provenance(actor, dossier_id)
    return render(
        request,
        "audit_provenance.html",
        {
            "dossier_id": dossier_id,
            "p": prov_view(prov),
            "json_url": f"/api/v1/audit/dossiers/{quote(dossier_id)}/prov",
        },
    )


# -- the administrator -----------------------------------------------------------------


@router.get("/beheer", name="page_admin")
async def page_admin(request: Request, actor: ActorDep) -> Response:
    web = web_state(request)
    found = await web.registries.health(actor)
    for c in found.connectors:
        web.metrics.connector_health(c.name, c.health.ok)
    return render(
        request,
        "admin_connectors.html",
        {"rows": found.connectors, "unconfigured": found.unconfigured},
    )


@router.get("/beheer/configuratie", name="page_config")
def page_config(request: Request, actor: ActorDep) -> Response:
    config = web_state(request).registries.configuration(actor)
    return render(request, "admin_config.html", {"c": config_out(config)})


def _users_page(
    request: Request,
    actor: Actor,
    *,
    notice: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    web = web_state(request)
    users, tokens = web.users.list_users(actor)
    return render(
        request,
        "admin_users.html",
        {
            "users": users,
            "tokens": tokens,
            "changes": web.users.changes.recent(),
            "change_labels": CHANGE_LABELS,
            "notice": notice,
            "errors": errors or {},
            "values": values or {},
            "roles": list(ROLE_LABELS),
        },
        status=status,
    )


@router.get("/beheer/gebruikers", name="page_users")
def page_users(request: Request, actor: ActorDep) -> Response:
    return _users_page(request, actor)


@router.post("/beheer/gebruikers", name="page_user_add")
def page_user_add(request: Request, actor: ActorDep, form: FormDep) -> Response:
    web = web_state(request)
    values: dict[str, Any] = {
        "login": str(form.get("login") or "")[:100],
        "name": str(form.get("name") or "")[:300],
        "roles": [r for r in form.getlist("roles") if isinstance(r, str)][:5],
        "municipalities": [m for m in form.getlist("municipalities") if isinstance(m, str)][:50],
        "system": form.get("system") == "ja",
    }
    try:
        user, password, change = web.users.add_user(
            actor,
            values["login"],
            values["name"],
            values["roles"],
            values["municipalities"],
            system=values["system"],
        )
    except AccountError as exc:
        return _users_page(
            request, actor, errors={exc.field: exc.message}, values=values, status=422
        )
    notice = {"title": f"Gebruiker {user.login} aangemaakt"}
    if change is not None:
        notice["title"] += "; de gemeenten wachten op goedkeuring door een tweede beheerder"
    if password:
        notice["shown"] = password
        notice["shown_label"] = "Wachtwoord (wordt maar één keer getoond)"
    return _users_page(request, actor, notice=notice)


def _account_failed(request: Request, actor: Actor, exc: AccountError) -> Response:
    status = 404 if isinstance(exc, LookupError) else 422
    return _users_page(request, actor, errors={"actie": exc.message}, status=status)


def _user_action(request: Request, actor: Actor, run: Callable[[], object], title: str) -> Response:
    try:
        secret = run()
    except AccountError as exc:
        return _account_failed(request, actor, exc)
    notice = {"title": title}
    if isinstance(secret, tuple):
        notice["shown"] = secret[1]
        notice["shown_label"] = "API-token (wordt maar één keer getoond)"
    elif isinstance(secret, str):
        notice["shown"] = secret
        notice["shown_label"] = "Nieuw wachtwoord (wordt maar één keer getoond)"
    return _users_page(request, actor, notice=notice)


@router.post("/beheer/gebruikers/{login}/uitschakelen", name="page_user_disable")
def page_user_disable(request: Request, login: Id, actor: ActorDep, form: FormDep) -> Response:
    users = web_state(request).users
    return _user_action(
        request,
        actor,
        lambda: users.set_disabled(actor, login, True),
        f"{login} uitgeschakeld",
    )


@router.post("/beheer/gebruikers/{login}/inschakelen", name="page_user_enable")
def page_user_enable(request: Request, login: Id, actor: ActorDep, form: FormDep) -> Response:
    users = web_state(request).users
    return _user_action(
        request,
        actor,
        lambda: users.set_disabled(actor, login, False),
        f"{login} ingeschakeld",
    )


@router.post("/beheer/gebruikers/{login}/wachtwoord", name="page_user_reset")
def page_user_reset(request: Request, login: Id, actor: ActorDep, form: FormDep) -> Response:
    users = web_state(request).users
    return _user_action(
        request,
        actor,
        lambda: users.reset_password(actor, login),
        f"Nieuw wachtwoord voor {login}",
    )


@router.post("/beheer/gebruikers/{login}/tokens", name="page_token_create")
def page_token_create(request: Request, login: Id, actor: ActorDep, form: FormDep) -> Response:
    users = web_state(request).users
    label = str(form.get("label") or "")[:200]
    return _user_action(
        request,
        actor,
        lambda: users.create_token(actor, login, label),
        f"API-token voor {login} aangemaakt",
    )


@router.post("/beheer/gebruikers/{login}/gemeenten", name="page_user_municipalities")
def page_user_municipalities(
    request: Request, login: Id, actor: ActorDep, form: FormDep
) -> Response:
    users = web_state(request).users
    codes = [m for m in form.getlist("municipalities") if isinstance(m, str)][:50]
    try:
        _, change = users.change_municipalities(actor, login, codes)
    except AccountError as exc:
        return _account_failed(request, actor, exc)
    if change.state == "pending":
        title = f"De extra gemeente voor {login} wacht op goedkeuring door een tweede beheerder"
    else:
        title = f"Gemeenten van {login} gewijzigd"
    return _users_page(request, actor, notice={"title": title})


@router.post("/beheer/gemeentewijzigingen/{change_id}/goedkeuren", name="page_change_approve")
def page_change_approve(
    request: Request, change_id: Id, actor: ActorDep, form: FormDep
) -> Response:
    users = web_state(request).users
    return _user_action(
        request,
        actor,
        lambda: users.decide_change(actor, change_id, True),
        f"Wijziging {change_id} goedgekeurd",
    )


@router.post("/beheer/gemeentewijzigingen/{change_id}/afwijzen", name="page_change_reject")
def page_change_reject(request: Request, change_id: Id, actor: ActorDep, form: FormDep) -> Response:
    users = web_state(request).users
    return _user_action(
        request,
        actor,
        lambda: users.decide_change(actor, change_id, False),
        f"Wijziging {change_id} afgewezen",
    )


@router.post("/beheer/tokens/{token_id}/intrekken", name="page_token_revoke")
def page_token_revoke(request: Request, token_id: Id, actor: ActorDep, form: FormDep) -> Response:
    users = web_state(request).users
    return _user_action(
        request,
        actor,
        lambda: users.revoke_token(actor, token_id),
        f"API-token {token_id} ingetrokken",
    )
