"""The configuration: one TOML file, validated with pydantic; secrets stay in the environment.

Selected by ``--config`` or ``OPPLUS_CONFIG``; without either, the embedded default
(``config/default.toml`` inside the package) runs against the in-process fakes.
Connector tables are validated later, against each connector's own settings model,
once the plugins are loaded (:func:`connector_settings`).
"""

from __future__ import annotations

import os
import tomllib
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from plugins import ConnectorSettings, ConnectorSpec, Purpose, is_ascii_digits

from .audit.settings import AuditSettings
from .store.settings import StorageSettings

__all__ = [
    "Config",
    "ConfigError",
    "FakesMode",
    "OidcConfig",
    "PurposeConfig",
    "WebConfig",
    "connector_settings",
    "expand",
    "load_config",
]

CONFIG_ENV = "OPPLUS_CONFIG"
HOME_ENV = "OPPLUS_HOME"
FAKES_URL_ENV = "OPPLUS_FAKES_URL"
#: the port ``opplus fakes serve`` gives the HTTP fakes by default; a fake that does not
#: speak HTTP has its conventional port beside it (``FakeSpec.port``)
FAKES_HTTP_PORT = 8900
FAKES_PLACEHOLDER = "{fakes}"
DATA_DIR_PLACEHOLDER = "{data_dir}"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PurposeConfig(_Section):
    """A processing activity (verwerkingsactiviteit) of the municipality's register."""

    id: Annotated[str, Field(min_length=1, max_length=100)]
    name: Annotated[str, Field(min_length=1)]
    legal_ground: Annotated[str, Field(min_length=1, description="grondslag")]
    retention_days: Annotated[int, Field(ge=1, le=36500)]
    confidentiality: Annotated[str, Field(pattern=r"^(openbaar|intern|vertrouwelijk|geheim)$")]
    #: restrict the data subject's right of access for this activity (art. 23 AVG, art.
    #: 3.22 lid 2 Wet BRP): its processing is left out of subject reports, which say so
    withhold_from_subject: bool = False
    #: per connector name, the fields this purpose allows; a connector not listed is refused
    fields: dict[str, list[str]] = {}

    def as_purpose(self) -> Purpose:
        return Purpose(self.id, self.name, self.legal_ground)


class FakesMode(StrEnum):
    IN_PROCESS = "in-process"  # the fakes run inside the hub, no network at all
    REMOTE = "remote"  # the fakes run as a server at fakes.base_url
    OFF = "off"  # real registries only


class FakesConfig(_Section):
    mode: FakesMode = FakesMode.OFF
    base_url: str = "http://opplus-fakes"
    #: latency injected into every fake call in-process (for demos and benchmarks)
    latency_s: Annotated[float, Field(ge=0, le=60)] = 0.0


class EngineConfig(_Section):
    max_rounds: Annotated[int, Field(ge=1, le=5)] = 2
    max_subjects: Annotated[int, Field(ge=1, le=500)] = 60
    max_concurrency: Annotated[int, Field(ge=1, le=256)] = 32


class IndicatorConfig(_Section):
    """Norms behind the aandachtspunten (points for attention, never verdicts)."""

    #: fewer square metres per registered resident than this is flagged
    m2_per_resident_norm: Annotated[float, Field(gt=0, le=100)] = 12.0
    #: registrations younger than this many days count as recent
    recent_days: Annotated[int, Field(ge=1, le=3650)] = 90
    #: this many or more businesses registered at a residential address is flagged
    businesses_at_home: Annotated[int, Field(ge=1, le=100)] = 2


class TableAllow(_Section):
    """What a table may receive: classifications, and attribute patterns (fnmatch)."""

    classifications: Annotated[list[str], Field(min_length=1)]
    attributes: Annotated[list[str], Field(min_length=1)] = ["*"]
    #: the free text of the signal (it may hold personal data)
    description: bool = False

    @model_validator(mode="after")
    def _known(self) -> TableAllow:
        known = {"normal", "personal", "confidential", "bibob"}
        unknown = sorted(set(self.classifications) - known)
        if unknown:
            raise ValueError(f"allow.classifications: unknown {unknown} (known: {sorted(known)})")
        return self


class TableConfig(_Section):
    """A table the officer can forward a dossier to (``[tables.NAME]``)."""

    label: Annotated[str, Field(min_length=1, description="shown to the officer")]
    transport: Annotated[str, Field(min_length=1, description="a registered transport kind")]
    allow: TableAllow
    #: Bibob facts go to this table only with the legal ground that names it as recipient
    bibob_legal_ground: str = ""
    #: municipalities whose dossiers may go here (empty: all served municipalities)
    municipalities: list[str] = []
    max_attempts: Annotated[int, Field(ge=1, le=50)] = 8
    settings: dict[str, Any] = {}

    @model_validator(mode="after")
    def _bibob(self) -> TableConfig:
        if "bibob" in self.allow.classifications and not self.bibob_legal_ground.strip():
            raise ValueError(
                "allow.classifications contains 'bibob' but bibob_legal_ground is empty: "
                "Bibob information goes only to a recipient the law names (art. 28 Wet Bibob)"
            )
        return self


class NoticesConfig(_Section):
    """The short notice to the colleague who reported a signal, once a table gave
    feedback (reporting route step 7): no case details, only that it was handled."""

    enabled: bool = False
    #: a transport kind that can send notices to persons (``email``)
    transport: str = "email"
    text: str = (
        "Beste {naam},\n\nU heeft een signaal van mogelijke mensenhandel gemeld. Dat signaal "
        "is opgepakt door de aandachtsfunctionaris mensenhandel en besproken met de "
        "betrokken partners. Inhoudelijke informatie kunnen wij niet delen.\n\n"
        "Dank voor uw oplettendheid: melden maakt verschil.\n"
    )
    #: the transport's settings; the recipient is the reporter's e-mail address
    settings: dict[str, Any] = {}


class FactCondition(_Section):
    attribute: str
    contains: str | None = None
    label: Annotated[str, Field(min_length=1, description="Dutch, for the explanation")]


class RoutingRule(_Section):
    """Suggest ``table`` when the conditions hold (``match = "any"`` or ``"all"``)."""

    table: str
    match: Annotated[str, Field(pattern=r"^(any|all)$")] = "any"
    always: bool = False
    forms: list[str] = []
    facts: list[FactCondition] = []
    aandachtspunten: list[str] = []
    min_aandachtspunten: Annotated[int, Field(ge=0, le=100)] = 0


class OperatorConfig(_Section):
    """Who the command line acts for (the web service has real accounts)."""

    id: Annotated[str, Field(min_length=1)]
    name: Annotated[str, Field(min_length=1)]
    municipalities: Annotated[list[str], Field(min_length=1)]
    #: officer: enrich, view, forward; auditor: logs and reports; admin: configuration
    roles: list[Literal["officer", "auditor", "admin"]] = ["officer"]


class OidcConfig(_Section):
    """Log in with the municipality's own identity provider (OpenID Connect).

    Roles and municipalities come from two claims of the ID token; a user whose
    token carries no known role is refused. The client secret stays in the
    environment (``client_secret_env``)."""

    #: discovery at ``{issuer}/.well-known/openid-configuration``; https, except loopback
    issuer: Annotated[str, Field(min_length=1)]
    client_id: Annotated[str, Field(min_length=1)]
    client_secret_env: str | None = None
    scopes: list[str] = ["openid", "profile", "email"]
    #: claim with a list of opplus roles (officer, auditor, admin)
    roles_claim: str = "opplus_roles"
    #: claim with a list of gemeentecodes the user works for
    municipalities_claim: str = "gemeentecodes"
    name_claim: str = "name"
    #: the button text on the login page (Dutch)
    label: str = "Inloggen met uw gemeente-account"
    timeout_s: Annotated[float, Field(gt=0, le=60)] = 10.0


class WebConfig(_Section):
    """The web service (``opplus serve``): sessions, login throttling, limits."""

    #: the address users reach the service at (for the OIDC redirect); default: as requested
    public_url: str | None = None
    session_hours: Annotated[float, Field(gt=0, le=24)] = 8.0
    idle_minutes: Annotated[int, Field(ge=1, le=1440)] = 60
    #: request bodies larger than this are refused (413)
    max_body_bytes: Annotated[int, Field(ge=1024, le=64 * 1024 * 1024)] = 1024 * 1024
    #: failed logins per account (and per client address) within the window before a pause
    login_max_failures: Annotated[int, Field(ge=1, le=100)] = 5
    login_max_failures_per_address: Annotated[int, Field(ge=1, le=10000)] = 50
    login_window_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    #: enrichments one user may have running at once
    max_jobs_per_user: Annotated[int, Field(ge=1, le=100)] = 3
    #: first start: create an administrator, a demo officer (Hoorn) and a demo auditor
    demo_accounts: bool = False
    oidc: OidcConfig | None = None


class Config(_Section):
    """The whole configuration file."""

    data_dir: str | None = None
    municipalities: dict[str, str] = Field(description="gemeentecode -> naam")
    disabled_plugins: list[str] = []
    operator: OperatorConfig
    storage: StorageSettings = StorageSettings()
    audit: AuditSettings = AuditSettings()
    engine: EngineConfig = EngineConfig()
    indicators: IndicatorConfig = IndicatorConfig()
    fakes: FakesConfig = FakesConfig()
    purposes: Annotated[list[PurposeConfig], Field(min_length=1)]
    connectors: dict[str, dict[str, Any]] = {}
    tables: dict[str, TableConfig] = {}
    routing: list[RoutingRule] = []
    notices: NoticesConfig = NoticesConfig()
    web: WebConfig = WebConfig()
    #: where the file came from, for messages
    source: str = "<memory>"

    @model_validator(mode="after")
    def _check(self) -> Config:
        ids = [p.id for p in self.purposes]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"purposes: duplicate id {sorted(dupes)}")
        for code in self.municipalities:
            if not is_ascii_digits(code, 4):
                raise ValueError(f"municipalities: {code!r} is not a 4-digit gemeentecode")
        for rule in self.routing:
            if rule.table not in self.tables:
                raise ValueError(f"routing: table {rule.table!r} is not in [tables]")
        for name, table in self.tables.items():
            for code in table.municipalities:
                if code not in self.municipalities:
                    raise ValueError(f"tables.{name}.municipalities: {code!r} is not served")
        for code in self.operator.municipalities:
            if code not in self.municipalities:
                raise ValueError(f"operator.municipalities: {code!r} is not in [municipalities]")
        return self

    def resolved_storage(self, environ: dict[str, str] | None = None) -> StorageSettings:
        """Storage settings with the data directory resolved: ``$OPPLUS_HOME``, else
        ``data_dir``, else ``[storage] data_dir``, else the per-user data directory."""
        env = os.environ if environ is None else environ
        home = env.get(HOME_ENV) or self.data_dir
        if home:
            return self.storage.model_copy(update={"data_dir": Path(home)})
        return self.storage

    def purpose(self, purpose_id: str) -> PurposeConfig | None:
        return next((p for p in self.purposes if p.id == purpose_id), None)


def _describe(exc: ValidationError, source: str) -> str:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        # a check across keys names them in its message
        lines.append(f"{source}: {key}: {msg}" if key else f"{source}: {msg}")
    return "\n".join(lines)


def default_config_text() -> str:
    """The embedded default: ``config/default.toml`` (packaged as ``hub/default.toml``)."""
    in_repo = Path(__file__).resolve().parent.parent / "config" / "default.toml"
    if in_repo.is_file():
        return in_repo.read_text(encoding="utf-8")
    return resources.files("hub").joinpath("default.toml").read_text(encoding="utf-8")


def load_config(path: str | Path | None = None, *, fakes_url: str | None = None) -> Config:
    """Load ``path``, else ``$OPPLUS_CONFIG``, else the embedded default.

    ``fakes_url`` (or ``$OPPLUS_FAKES_URL``) points a fakes-based config at a running
    ``opplus fakes serve`` instead of the in-process fakes.
    """
    chosen = path or os.environ.get(CONFIG_ENV)
    if chosen:
        source = str(chosen)
        try:
            text = Path(chosen).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{source}: cannot read: {exc.strerror}") from None
    else:
        source = "embedded default (config/default.toml)"
        text = default_config_text()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    data["source"] = source
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None
    url = fakes_url or os.environ.get(FAKES_URL_ENV)
    if url and config.fakes.mode != FakesMode.OFF:
        fakes = config.fakes.model_copy(update={"mode": FakesMode.REMOTE, "base_url": url})
        config = config.model_copy(update={"fakes": fakes})
    return config


def connector_settings(config: Config, spec: ConnectorSpec) -> ConnectorSettings | None:
    """The validated settings of one connector, or None when it is not configured."""
    raw = config.connectors.get(spec.name)
    if raw is None:
        return None
    values = {
        key: expand(config, value) if isinstance(value, str) else value
        for key, value in raw.items()
    }
    try:
        return spec.settings_model.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, f"{config.source}: connectors.{spec.name}")) from None


def expand(config: Config, value: str) -> str:
    """``{fakes}`` (the fakes' base URL) and ``{data_dir}`` in a setting's value: the one
    place a placeholder is expanded, for connector and table settings alike."""
    value = value.replace(FAKES_PLACEHOLDER, config.fakes.base_url.rstrip("/"))
    if DATA_DIR_PLACEHOLDER in value:
        data_dir = str(config.resolved_storage().data_dir.expanduser())
        value = value.replace(DATA_DIR_PLACEHOLDER, data_dir)
    return value
