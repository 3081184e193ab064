"""Accounts, as an administrator (and an account holder) manages them: listing users and
tokens, adding a person or a system account, disabling and enabling, a new password,
API tokens, and changing the municipalities an account works for — with four eyes.

Every rule and every access-log line (refusals and failures included) is here, so
``opplus users ...`` and the pages and JSON API of ``opplus serve`` follow one rule;
:class:`~hub.web.users.Accounts` only stores, and checks that values are well-formed.
The rules:

* Only an administrator manages accounts (:class:`Refused` otherwise, logged).
* Which municipalities an officer works for decides which dossiers they read, so
  widening them — on a new account too — is a pending change that a second
  administrator approves: not the one who asked, and not the account it widens (four
  eyes, :class:`Refused`). Narrowing takes effect at once. Each change is logged with
  before and after.
* Only the account holder makes its own API tokens, logged in (not through a token);
  an administrator only for a system account — else an administrator could act as an
  officer. A holder may revoke its own tokens, an administrator any.
* An administrator cannot disable their own account.

Errors are typed: :class:`~hub.web.users.AccountError` (an :class:`Invalid`, 422) names
the field, :class:`~hub.web.users.UnknownAccount` is a :class:`NotFound`,
:class:`~hub.web.users.AccountTaken` a :class:`Conflict`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..accountability import Actor
from ..audit.records import AccessResult
from ..web.approvals import MunicipalityChange, MunicipalityChanges
from ..web.users import (
    AccountError,
    Accounts,
    ApiToken,
    UnknownAccount,
    User,
    generate_password,
)
from .context import Context
from .errors import Refused

__all__ = ["UserAdmin"]


class UserAdmin:
    """The administrator's use cases on accounts: each authorised and logged."""

    def __init__(self, ctx: Context, accounts: Accounts) -> None:
        self.ctx = ctx
        self.storage = ctx.storage
        self.accounts = accounts
        self.changes = MunicipalityChanges(accounts.db)

    def _log(
        self, actor: Actor, action: str, result: AccessResult = "allowed", **details: Any
    ) -> None:
        # a holder acting on its own tokens acts in its own role, not as administrator
        role = "admin" if "admin" in actor.roles else None
        self.storage.record_access(actor, action, role=role, result=result, **details)

    def _attempt(self, actor: Actor, action: str) -> None:
        self.ctx.require_role(actor, "admin", action)

    def _failed(self, actor: Actor, action: str, target: str, exc: AccountError) -> AccountError:
        self._log(actor, action, result="failed", reason=exc.message, detail={"user": target})
        return exc

    def list_users(self, actor: Actor) -> tuple[list[User], list[ApiToken]]:
        self._attempt(actor, "users.list")
        users, tokens = self.accounts.all(), self.accounts.tokens()
        self._log(actor, "users.list", detail={"count": str(len(users))})
        return users, tokens

    def add_user(
        self,
        actor: Actor,
        login: str,
        name: str,
        roles: Iterable[str],
        municipalities: Iterable[str],
        *,
        system: bool = False,
    ) -> tuple[User, str | None, MunicipalityChange | None]:
        """A new local user with a generated password (returned once), or a system
        account (no password: it acts through API tokens).

        The account starts without municipalities: the ones asked for are a pending
        change that a second administrator approves — else one administrator could
        make an officer (or a system account, and its token) for any municipality and
        read its dossiers."""
        action = "users.add"
        self._attempt(actor, action)
        password = None if system else generate_password()
        try:
            codes = self.accounts.validate(login, name, roles, municipalities)[3]
            user = self.accounts.add(
                login,
                name,
                roles,
                (),
                source="system" if system else "local",
                password=password,
                awaiting_approval=True,
            )
        except AccountError as exc:
            raise self._failed(actor, action, login, exc) from None
        self._log(
            actor,
            action,
            detail={
                "user": user.login,
                "roles": ",".join(user.roles),
                "municipalities": ",".join(codes),
                "source": user.source,
            },
        )
        change = None
        if codes:
            change = self.changes.record(user.login, (), codes, actor.id, pending=True)
            self._log(actor, "users.municipalities.request", detail=_change_detail(change))
        return user, password, change

    def set_disabled(self, actor: Actor, login: str, disabled: bool) -> User:
        action = "users.disable" if disabled else "users.enable"
        self._attempt(actor, action)
        try:
            if disabled and login == actor.id:
                raise AccountError("login", "u kunt uw eigen account niet uitschakelen")
            user = self.accounts.set_disabled(login, disabled)
        except AccountError as exc:
            raise self._failed(actor, action, login, exc) from None
        self._log(actor, action, detail={"user": login})
        return user

    def reset_password(self, actor: Actor, login: str) -> str:
        """A new generated password for a local user (returned once)."""
        action = "users.reset"
        self._attempt(actor, action)
        password = generate_password()
        try:
            self.accounts.set_password(login, password)
        except AccountError as exc:
            raise self._failed(actor, action, login, exc) from None
        self._log(actor, action, detail={"user": login})
        return password

    def change_municipalities(
        self, actor: Actor, login: str, municipalities: Iterable[str]
    ) -> tuple[User, MunicipalityChange]:
        """New municipalities for a user: fewer take effect at once; any added one waits
        for a second administrator (:meth:`decide_change`). Logged with before/after."""
        action = "users.municipalities"
        self._attempt(actor, action)
        try:
            user = self.accounts.require(login)
            if user.source == "oidc":
                raise AccountError(
                    "login", "de gemeenten van dit account komen van de identiteitsprovider"
                )
            codes = self.accounts.validate(user.login, user.name, user.roles, municipalities)[3]
        except AccountError as exc:
            raise self._failed(actor, action, login, exc) from None
        widening = bool(set(codes) - set(user.municipalities))
        with self.accounts.db.transaction():
            change = self.changes.record(
                login, user.municipalities, codes, actor.id, pending=widening
            )
            if not widening:
                self.accounts.set_municipalities(login, codes)
        self._log(
            actor,
            f"{action}.request" if widening else action,
            detail=_change_detail(change),
        )
        return self.accounts.require(login), change

    def list_changes(self, actor: Actor) -> list[MunicipalityChange]:
        """Changes of municipalities: pending first, then the newest."""
        self._attempt(actor, "users.municipalities.list")
        return self.changes.recent()

    def decide_change(self, actor: Actor, change_id: str, approve: bool) -> MunicipalityChange:
        """Approve or reject a pending widening. The approver is another administrator
        than the one who asked, and not the user it widens; the requester may withdraw
        (reject) it."""
        action = "users.municipalities." + ("approve" if approve else "reject")
        self._attempt(actor, action)
        change = self.changes.get(change_id)
        try:
            if change is None:
                raise UnknownAccount("change_id", f"onbekende wijziging {change_id!r}")
            if change.state != "pending":
                raise AccountError("change_id", f"wijziging {change_id} is al afgehandeld")
        except AccountError as exc:
            raise self._failed(actor, action, change.login if change else "-", exc) from None
        if approve and actor.id in (change.requested_by, change.login):
            reason = (
                "vier ogen: een andere beheerder dan de aanvrager keurt een uitbreiding goed"
                if actor.id == change.requested_by
                else "u kunt uw eigen gemeenten niet uitbreiden"
            )
            raise self._refused(actor, action, change.login, reason)
        with self.accounts.db.transaction():
            current = self.accounts.require(change.login).municipalities
            stale = approve and current != change.before
            if not self.changes.decide(
                change_id, "approved" if approve and not stale else "rejected", actor.id
            ):
                raise self._failed(
                    actor,
                    action,
                    change.login,
                    AccountError("change_id", f"wijziging {change_id} is al afgehandeld"),
                )
            if approve and not stale:
                self.accounts.set_municipalities(change.login, change.after)
        if stale:
            raise self._failed(
                actor,
                action,
                change.login,
                AccountError(
                    "change_id",
                    "de gemeenten zijn gewijzigd sinds het verzoek; vraag de uitbreiding "
                    "opnieuw aan",
                ),
            )
        decided = self.changes.get(change_id)
        assert decided is not None
        self._log(actor, action, detail=_change_detail(decided))
        return decided

    def _refused(self, actor: Actor, action: str, target: str, reason: str) -> Refused:
        # logged in the actor's role (as _log does), naming the account it was about
        self._log(actor, action, result="refused", reason=reason, detail={"user": target})
        return Refused(reason, "login")

    def create_token(self, actor: Actor, login: str, label: str) -> tuple[ApiToken, str]:
        """A token acting as ``login``. Only the account holder makes its own tokens
        (logged in, not through another token); an administrator only for a system
        account — else an administrator could act as an officer and read dossiers."""
        action = "tokens.create"
        if actor.token is not None:
            raise self._refused(
                actor, action, login, "een API-token kan geen API-tokens maken; log in"
            )
        if login != actor.id:
            self._attempt(actor, action)
            target = self.accounts.get(login)
            if target is not None and target.source != "system":
                raise self._refused(
                    actor,
                    action,
                    login,
                    f"alleen {login} zelf kan een API-token voor dit account maken; een "
                    "beheerder alleen voor systeemaccounts",
                )
        try:
            token, text = self.accounts.create_token(login, label, actor.id)
        except AccountError as exc:
            raise self._failed(actor, action, login, exc) from None
        self._log(actor, action, detail={"user": login, "token": token.id})
        return token, text

    def revoke_token(self, actor: Actor, token_id: str) -> ApiToken:
        """Revoke a token: the administrator any, a holder its own."""
        action = "tokens.revoke"
        own = self.accounts.token(token_id)
        if own is None or own.login != actor.id:
            self._attempt(actor, action)
        try:
            token = self.accounts.revoke_token(token_id)
        except AccountError as exc:
            raise self._failed(actor, action, token_id, exc) from None
        self._log(actor, action, detail={"user": token.login, "token": token.id})
        return token


def _change_detail(change: MunicipalityChange) -> dict[str, str]:
    return {
        "user": change.login,
        "change": change.id,
        "before": ",".join(change.before) or "-",
        "after": ",".join(change.after) or "-",
        "requested_by": change.requested_by,
        "state": change.state,
    }
