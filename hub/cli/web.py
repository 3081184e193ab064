"""The web service and its accounts: ``serve`` and ``users ...``.

A generated password or API token is printed once, to stderr, and never logged.
Account changes are the administrator's: the configured operator needs the admin role,
and every change (and refusal) is written to the access log.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from plugins import PluginLoadError

from ..audit import WitnessError
from ..config import ConfigError
from ..store import StoreError
from ..usecases import UseCaseError
from .common import State, fail, pass_state, use_case_failed

if TYPE_CHECKING:
    from ..usecases.accounts import UserAdmin


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="Proxies whose X-Forwarded-For is trusted (the client address counts for "
    "login throttling).",
)
@pass_state
def serve(state: State, host: str, port: int, forwarded_allow_ips: str) -> None:
    """Serve the pages and the JSON API (/api/v1, /openapi.json, /metrics, /healthz).

    On the first start of a configuration with ``[web] demo_accounts = true`` (the
    embedded default) an administrator, a demo officer (Hoorn) and a demo auditor are
    created; their passwords are printed once.

    Session cookies are always Secure: browsers accept them over plain HTTP only on
    localhost/127.0.0.1. Anywhere else, serve behind HTTPS (a reverse proxy)."""
    import uvicorn

    from ..web import create_app
    from ..web.users import ROLE_LABELS, bootstrap_demo_accounts

    config = state.config
    try:
        app = create_app(config)
    except (ConfigError, PluginLoadError) as exc:
        fail(f"configuratie onbruikbaar:\n{exc}")
    except StoreError as exc:
        fail(f"opslag niet te openen: {exc}")
    except WitnessError as exc:
        fail(f"getuige van de logboeken onbruikbaar: {exc}")
    except ValueError as exc:
        fail(f"configuratie onbruikbaar: {exc}")
    web = app.state.web
    notice = web.context.storage.keys.notice()
    if notice:
        click.echo(f"opplus: {notice}", err=True)
    if config.web.demo_accounts:
        created = bootstrap_demo_accounts(web.accounts)
        if created:
            click.echo(
                "opplus: eerste start — demo-accounts aangemaakt. De wachtwoorden worden "
                "alleen nu getoond:",
                err=True,
            )
            for user, password in created:
                roles = ", ".join(ROLE_LABELS[r] for r in user.roles)
                where = ", ".join(config.municipalities[m] for m in user.municipalities)
                label = f"{roles} ({where})" if where else roles
                click.echo(f"  {user.login:<12} {password}   {label}", err=True)
    elif web.accounts.count() == 0:
        click.echo(
            "opplus: er zijn nog geen accounts; maak een beheerder met "
            "`opplus users add LOGIN --name NAAM --role admin`",
            err=True,
        )
    click.echo(f"opplus: luistert op http://{host}:{port}/", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,  # our own request log names route templates, not paths
        server_header=False,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        timeout_graceful_shutdown=5,
    )


@contextmanager
def _admin(state: State) -> Iterator[UserAdmin]:
    """The account use cases over the store (no connectors are built: none is asked);
    a use case's error ends the command with its message (exit 2, nothing written)."""
    from ..usecases.accounts import UserAdmin
    from ..web.users import Accounts

    with state.context() as context:
        try:
            yield UserAdmin(context, Accounts(context.storage.db, state.config.municipalities))
        except UseCaseError as exc:
            use_case_failed(exc)


@click.group("users")
def users_group() -> None:
    """Accounts of the web service: add, disable, enable, reset, tokens."""


@users_group.command("list")
@pass_state
def users_list(state: State) -> None:
    """Every account and API token (never a password or token)."""
    with _admin(state) as admin:
        users, tokens = admin.list_users(state.actor)
        changes = admin.list_changes(state.actor)
    for u in users:
        status = "uitgeschakeld" if u.disabled else "actief"
        click.echo(
            f"{u.login:<24} {','.join(u.roles):<22} {','.join(u.municipalities) or '-':<12} "
            f"{u.source:<7} {status:<13} {u.name}"
        )
    for t in tokens:
        status = "actief" if t.active else f"ingetrokken {t.revoked_at}"
        click.echo(f"token {t.id}  {t.login:<24} {status:<13} {t.label}")
    for c in changes:
        if c.state == "pending":
            click.echo(
                f"wijziging {c.id}  {c.login:<20} gemeenten {','.join(c.before) or '-'} -> "
                f"{','.join(c.after) or '-'}  wacht op tweede beheerder (gevraagd door "
                f"{c.requested_by})"
            )


@users_group.command("add")
@click.argument("login")
@click.option("--name", required=True, help="Display name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["officer", "auditor", "admin", "monitor", "melder"]),
)
@click.option("--municipality", "municipalities", multiple=True, help="Gemeentecode, e.g. 0405.")
@click.option("--system", is_flag=True, help="A system account: no password, API tokens only.")
@pass_state
def users_add(
    state: State,
    login: str,
    name: str,
    roles: tuple[str, ...],
    municipalities: tuple[str, ...],
    system: bool,
) -> None:
    """Create an account; a person's generated password is printed once. Its
    municipalities wait for a second administrator (`users approve`)."""
    with _admin(state) as admin:
        user, password, change = admin.add_user(
            state.actor, login, name, roles, municipalities, system=system
        )
    click.echo(f"gebruiker {user.login} aangemaakt ({', '.join(user.roles)})", err=True)
    if change is not None:
        click.echo(
            f"wijziging {change.id}: de gemeente(n) {','.join(change.added)} wachten op "
            f"goedkeuring door een tweede beheerder (`opplus users approve {change.id}`)",
            err=True,
        )
    if password:
        click.echo(f"wachtwoord (alleen nu getoond): {password}", err=True)


def _change(state: State, login: str, what: str) -> None:
    with _admin(state) as admin:
        if what == "disable":
            admin.set_disabled(state.actor, login, True)
            click.echo(f"{login} uitgeschakeld; de sessies zijn beëindigd", err=True)
        elif what == "enable":
            admin.set_disabled(state.actor, login, False)
            click.echo(f"{login} ingeschakeld", err=True)
        else:
            password = admin.reset_password(state.actor, login)
            click.echo(f"nieuw wachtwoord voor {login} (alleen nu getoond): {password}", err=True)


@users_group.command("disable")
@click.argument("login")
@pass_state
def users_disable(state: State, login: str) -> None:
    """Disable an account: its sessions end and its API tokens are revoked."""
    _change(state, login, "disable")


@users_group.command("enable")
@click.argument("login")
@pass_state
def users_enable(state: State, login: str) -> None:
    """Enable a disabled account (its old sessions and API tokens stay revoked)."""
    _change(state, login, "enable")


@users_group.command("reset")
@click.argument("login")
@pass_state
def users_reset(state: State, login: str) -> None:
    """Give a local account a new generated password (printed once)."""
    _change(state, login, "reset")


@users_group.command("token")
@click.argument("login")
@click.option("--label", required=True, help="What the token is for, e.g. the system.")
@pass_state
def users_token(state: State, login: str, label: str) -> None:
    """Create an API token acting as LOGIN (printed once, stored hashed): your own
    account's, or, as administrator, a system account's."""
    with _admin(state) as admin:
        token, secret = admin.create_token(state.actor, login, label)
    click.echo(f"API-token {token.id} voor {login} (alleen nu getoond):", err=True)
    click.echo(secret)


@users_group.command("municipalities")
@click.argument("login")
@click.option(
    "--municipality",
    "municipalities",
    multiple=True,
    help="Gemeentecode, e.g. 0405 (repeat; the full new list).",
)
@pass_state
def users_municipalities(state: State, login: str, municipalities: tuple[str, ...]) -> None:
    """Set LOGIN's municipalities: fewer take effect at once, an added one waits for a
    second administrator (`users approve`)."""
    with _admin(state) as admin:
        _, change = admin.change_municipalities(state.actor, login, municipalities)
    if change.state == "pending":
        click.echo(
            f"wijziging {change.id}: de extra gemeente(n) {','.join(change.added)} voor {login} "
            "wachten op goedkeuring door een tweede beheerder "
            f"(`opplus users approve {change.id}`)",
            err=True,
        )
    else:
        click.echo(f"gemeenten van {login}: {','.join(change.after) or '-'}", err=True)


def _decide(state: State, change_id: str, approve: bool) -> None:
    with _admin(state) as admin:
        change = admin.decide_change(state.actor, change_id, approve)
    word = "goedgekeurd" if approve else "afgewezen"
    click.echo(f"wijziging {change.id} voor {change.login} {word}", err=True)


@users_group.command("approve")
@click.argument("change_id")
@pass_state
def users_approve(state: State, change_id: str) -> None:
    """Approve a pending widening of municipalities (not your own request)."""
    _decide(state, change_id, True)


@users_group.command("reject")
@click.argument("change_id")
@pass_state
def users_reject(state: State, change_id: str) -> None:
    """Reject (or withdraw) a pending widening of municipalities."""
    _decide(state, change_id, False)


@users_group.command("revoke-token")
@click.argument("token_id")
@pass_state
def users_revoke_token(state: State, token_id: str) -> None:
    """Revoke an API token."""
    with _admin(state) as admin:
        admin.revoke_token(state.actor, token_id)
    click.echo(f"API-token {token_id} ingetrokken", err=True)


COMMANDS = [serve, users_group]
