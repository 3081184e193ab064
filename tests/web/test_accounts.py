"""Accounts, passwords, API tokens, sessions, login throttling and pending OIDC logins
at the store level, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from hub.store import Database, format_ts, parse_ts, utc_now
from hub.store.testing import BACKENDS, temporary_database
from hub.web.sessions import OIDC_LOGIN_TTL, LoginThrottle, OidcLogins, Sessions
from hub.web.users import (
    AccountError,
    Accounts,
    bootstrap_demo_accounts,
    generate_password,
    hash_password,
    secret_hash,
)

SERVED = {"0405": "Hoorn", "0388": "Enkhuizen"}


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with temporary_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def accounts(db: Database) -> Accounts:
    return Accounts(db, SERVED)


def _dump(db: Database) -> str:
    rows = []
    for table in ("web_users", "web_sessions", "web_api_tokens"):
        rows += db.query(f"SELECT * FROM {table}")
    return repr(rows)


# -- passwords -------------------------------------------------------------------------


def test_password_hash_is_argon2id_and_salted():
    first, second = hash_password("geheim wachtwoord"), hash_password("geheim wachtwoord")
    assert first.startswith("$argon2id$")
    assert first != second  # a salt of its own


def test_generated_passwords_are_long_and_different():
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50 and all(len(p) >= 20 for p in passwords)


def test_authenticate(accounts: Accounts, db: Database):
    accounts.add("af-hoorn", "AF Hoorn", ["officer"], ["0405"], password="juist wachtwoord")
    assert accounts.authenticate("af-hoorn", "juist wachtwoord").login == "af-hoorn"
    assert accounts.authenticate("af-hoorn", "fout wachtwoord") is None
    assert accounts.authenticate("niemand", "juist wachtwoord") is None
    assert "juist wachtwoord" not in _dump(db)
    accounts.set_disabled("af-hoorn", True)
    assert accounts.authenticate("af-hoorn", "juist wachtwoord") is None


def test_system_and_provider_accounts_never_log_in_with_a_password(accounts: Accounts):
    accounts.add("koppeling", "Systeem", ["officer"], ["0405"], source="system")
    assert accounts.authenticate("koppeling", "") is None
    with pytest.raises(AccountError) as exc:
        accounts.set_password("koppeling", "iets")
    assert exc.value.field == "login"


@pytest.mark.parametrize(
    ("login", "roles", "municipalities", "field"),
    [
        ("A", ["officer"], ["0405"], "login"),
        ("met spatie", ["officer"], ["0405"], "login"),
        ("oidc:iemand", ["officer"], ["0405"], "login"),  # reserved for the provider
        ("goed", [], [], "roles"),
        ("goed", ["koning"], [], "roles"),
        ("goed", ["officer"], [], "municipalities"),
        ("goed", ["officer"], ["0363"], "municipalities"),  # not served
    ],
)
def test_account_fields_are_checked_and_named(accounts, login, roles, municipalities, field):
    with pytest.raises(AccountError) as exc:
        accounts.add(login, "Naam", roles, municipalities, password="x")
    assert exc.value.field == field
    assert exc.value.message  # Dutch, for the page


def test_login_taken(accounts: Accounts):
    accounts.add("auditor", "A", ["auditor"], [], password="x")
    with pytest.raises(AccountError, match="bestaat al"):
        accounts.add("auditor", "B", ["auditor"], [], password="y")


def test_provider_users_follow_the_provider(accounts: Accounts):
    user = accounts.sync_from_provider("oidc:abc", "Eerst", ["officer"], ["0405"])
    assert user.source == "oidc" and user.municipalities == ("0405",)
    accounts.set_disabled("oidc:abc", True)
    user = accounts.sync_from_provider("oidc:abc", "Later", ["auditor"], [])
    assert user.roles == ("auditor",) and user.name == "Later"
    assert user.disabled  # the administrator's decision stands
    accounts.add("lokaal", "L", ["admin"], [], password="x")
    with pytest.raises(AccountError):
        accounts.sync_from_provider("lokaal", "L", ["admin"], [])


def test_demo_accounts_only_on_the_first_start(accounts: Accounts):
    created = bootstrap_demo_accounts(accounts)
    assert [(u.login, u.roles, u.municipalities) for u, _ in created] == [
        ("beheerder", ("admin",), ()),
        ("af-hoorn", ("officer",), ("0405",)),
        ("auditor", ("auditor",), ()),
    ]
    for user, password in created:
        assert accounts.authenticate(user.login, password) is not None
    assert bootstrap_demo_accounts(accounts) == []


# -- API tokens ------------------------------------------------------------------------


def test_tokens_are_hashed_at_rest_and_act_as_their_user(accounts: Accounts, db: Database):
    accounts.add("koppeling", "Systeem", ["officer"], ["0405"], source="system")
    token, text = accounts.create_token("koppeling", "zaaksysteem", "beheerder")
    assert text.startswith("opp_") and token.id in text
    secret = text.removeprefix(f"opp_{token.id}_")
    assert secret not in _dump(db)
    stored = db.query("SELECT secret_hash FROM web_api_tokens")[0][0]
    assert stored == secret_hash(secret)
    use = accounts.token_user(text)
    assert use.user.login == "koppeling" and use.token.id == token.id
    assert use.token.last_used_at is not None and use.first_in_minute
    assert not accounts.token_user(text).first_in_minute  # its own log line once a minute


def test_wrong_revoked_or_disabled_tokens_do_nothing(accounts: Accounts):
    accounts.add("koppeling", "Systeem", ["officer"], ["0405"], source="system")
    token, text = accounts.create_token("koppeling", "x", "beheerder")
    assert accounts.token_user(text[:-1] + ("A" if text[-1] != "A" else "B")) is None
    assert accounts.token_user("opp_nonsense") is None
    accounts.revoke_token(token.id)
    assert accounts.token_user(text) is None


def test_re_enabling_a_user_revives_no_token_and_no_session(accounts: Accounts, db: Database):
    accounts.add("koppeling", "Systeem", ["officer"], ["0405"], source="system")
    _, text = accounts.create_token("koppeling", "x", "beheerder")
    sessions = Sessions(db, lifetime=timedelta(hours=8), idle=timedelta(minutes=60))
    session = sessions.create("koppeling", "password")
    accounts.set_disabled("koppeling", True)
    assert accounts.token_user(text) is None
    accounts.set_disabled("koppeling", False)
    assert accounts.token_user(text) is None and sessions.resolve(session) is None
    assert all(not t.active for t in accounts.tokens("koppeling"))
    _, fresh = accounts.create_token("koppeling", "na inschakelen", "beheerder")
    assert accounts.token_user(fresh) is not None


# -- sessions --------------------------------------------------------------------------


def test_sessions_are_hashed_at_rest_and_end(accounts: Accounts, db: Database):
    accounts.add("af-hoorn", "AF", ["officer"], ["0405"], password="x")
    sessions = Sessions(db, lifetime=timedelta(hours=8), idle=timedelta(minutes=60))
    token = sessions.create("af-hoorn", "password")
    assert token not in _dump(db)
    assert sessions.resolve(token).login == "af-hoorn"
    assert sessions.resolve(token + "x") is None
    sessions.end(token)
    assert sessions.resolve(token) is None


def test_sessions_expire_and_idle_out(accounts: Accounts, db: Database):
    sessions = Sessions(db, lifetime=timedelta(hours=8), idle=timedelta(minutes=60))
    old = sessions.create("af-hoorn", "password")
    idle = sessions.create("af-hoorn", "password")
    long_ago = format_ts(utc_now() - timedelta(hours=9))
    db.execute(
        "UPDATE web_sessions SET expires_at = ? WHERE token_hash = ?", (long_ago, secret_hash(old))
    )
    db.execute(
        "UPDATE web_sessions SET seen_at = ? WHERE token_hash = ?", (long_ago, secret_hash(idle))
    )
    assert sessions.resolve(old) is None and sessions.resolve(idle) is None


def test_disabling_or_a_new_password_ends_sessions(accounts: Accounts, db: Database):
    accounts.add("af-hoorn", "AF", ["officer"], ["0405"], password="x")
    sessions = Sessions(db, lifetime=timedelta(hours=8), idle=timedelta(minutes=60))
    first = sessions.create("af-hoorn", "password")
    accounts.set_password("af-hoorn", "nieuw")
    assert sessions.resolve(first) is None
    second = sessions.create("af-hoorn", "password")
    accounts.set_disabled("af-hoorn", True)
    assert sessions.resolve(second) is None


# -- throttling ------------------------------------------------------------------------


def _age_failures(db: Database, seconds: float) -> None:
    """Move every recorded failure ``seconds`` into the past."""
    for key, at in db.query("SELECT throttle_key, failed_at FROM web_login_failures"):
        older = format_ts(parse_ts(str(at)) - timedelta(seconds=seconds))
        db.execute(
            "UPDATE web_login_failures SET failed_at = ? WHERE throttle_key = ? AND failed_at = ?",
            (older, key, at),
        )


def test_throttle_per_account_and_address_never_locks_out_elsewhere(db: Database):
    throttle = LoginThrottle(db, per_login=3, per_address=100, window=timedelta(minutes=15))
    for _ in range(2):
        throttle.failed("af-hoorn", "10.0.0.1")
    assert throttle.retry_after("af-hoorn", "10.0.0.1") is None
    throttle.failed("AF-Hoorn", "10.0.0.1")  # the same account, typed differently
    wait = throttle.retry_after("af-hoorn", "10.0.0.1")
    assert wait is not None and 0 < wait <= 3
    # the attacker's address is paused; the real user's is not
    assert throttle.retry_after("af-hoorn", "10.0.0.2") is None
    assert throttle.retry_after("auditor", "10.0.0.1") is None
    throttle.succeeded("af-hoorn", "10.0.0.1")
    assert throttle.retry_after("af-hoorn", "10.0.0.1") is None


def test_throttle_backs_off_exponentially(db: Database):
    throttle = LoginThrottle(db, per_login=2, per_address=100, window=timedelta(hours=24))
    waits = []
    for _ in range(8):
        throttle.failed("af-hoorn", "10.0.0.1")
        waits.append(throttle.retry_after("af-hoorn", "10.0.0.1") or 0)
    assert waits[0] == 0 and 1 <= waits[1] <= 3 and waits[2] >= 4 and waits[-1] >= 2**7
    assert all(later >= earlier for earlier, later in itertools.pairwise(waits))


def test_a_known_address_is_never_locked_for_long(db: Database):
    throttle = LoginThrottle(db, per_login=2, per_address=100, window=timedelta(hours=24))
    throttle.succeeded("af-hoorn", "10.0.0.5")  # the user's office: logged in here before
    for _ in range(30):  # someone in the same office tries hard
        throttle.failed("af-hoorn", "10.0.0.5")
        throttle.failed("af-hoorn", "203.0.113.9")
    wait = throttle.retry_after("af-hoorn", "10.0.0.5")
    assert wait is not None and wait <= 61
    _age_failures(db, 61)
    assert throttle.retry_after("af-hoorn", "10.0.0.5") is None
    # an unknown address waits long: failures of the account from anywhere count there
    assert throttle.retry_after("af-hoorn", "198.51.100.1") is not None


def test_throttle_per_address(db: Database):
    throttle = LoginThrottle(db, per_login=100, per_address=3, window=timedelta(minutes=15))
    for login in ("a", "b", "c"):
        throttle.failed(login, "10.0.0.9")
    assert throttle.retry_after("d", "10.0.0.9") is not None
    assert throttle.retry_after("d", "10.0.0.8") is None


def test_throttle_forgets_after_the_window(db: Database):
    throttle = LoginThrottle(db, per_login=2, per_address=100, window=timedelta(minutes=15))
    throttle.failed("x", "a")
    throttle.failed("x", "a")
    assert throttle.retry_after("x", "a") is not None
    db.execute(
        "UPDATE web_login_failures SET failed_at = ?",
        (format_ts(utc_now() - timedelta(minutes=16)),),
    )
    assert throttle.retry_after("x", "a") is None


# -- pending OIDC logins -----------------------------------------------------------------


def test_oidc_login_state_is_single_use_and_bound_to_the_browser(db: Database):
    logins = OidcLogins(db)
    state, pending = logins.begin("browser-1")
    assert logins.finish(state, "browser-2") is None  # another browser: and now it is gone
    state, pending = logins.begin("browser-1")
    found = logins.finish(state, "browser-1")
    assert found == pending
    assert logins.finish(state, "browser-1") is None  # used
    state, _ = logins.begin("browser-1")
    db.execute(
        "UPDATE web_oidc_logins SET created_at = ?",
        (format_ts(utc_now() - OIDC_LOGIN_TTL - timedelta(seconds=1)),),
    )
    assert logins.finish(state, "browser-1") is None  # too late


# -- the replay store and the refusal counter: shared by processes, on both backends ---------


def test_a_signature_is_first_used_once_and_forgotten_after_its_window(db: Database):
    from hub.forwarding.replays import SignatureReplays

    replays = SignatureReplays(db, tolerance_s=300)
    now = int(utc_now().timestamp())
    assert replays.first_use("ab" * 32, now) is True
    assert replays.first_use("ab" * 32, now) is False  # another process sees it too
    assert replays.first_use("cd" * 32, now) is True
    replays.first_use("ef" * 32, now - 400)  # expired at once: purged by the next one
    replays.first_use("01" * 32, now)
    assert db.query("SELECT COUNT(*) FROM web_signature_replays")[0][0] == 3


class _Store:
    """What the refusal counter needs of the storage: the database and the access log."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.lines: list[dict[str, object]] = []

    def record_access(self, actor: object, action: str, **details: object) -> None:
        self.lines.append({"action": action, **details})


def test_refusals_are_counted_per_address_and_minute_then_summarised(db: Database):
    from hub.web.refusals import RefusalCounter

    store = _Store(db)
    counter = RefusalCounter(store, per_minute=3)  # type: ignore[arg-type]
    admitted = [counter.admit("203.0.113.9") for _ in range(5)]
    assert admitted == [True, True, True, False, False]
    assert counter.admit("198.51.100.1") is True  # another address has its own count
    assert counter.flush() == 1
    [summary] = store.lines
    assert summary["action"] == "refusals.summary" and summary["detail"]["more"] == "2"
    assert counter.flush() == 0  # claimed once
