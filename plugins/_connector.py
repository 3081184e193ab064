"""The connector protocol, its settings and its registration record."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._errors import ConnectorError
from ._facts import ConnectorInfo, EnrichResult, FieldSpec
from ._gateway import PurposeHeaders, tls_context
from ._query import Query
from ._subjects import Subject

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "Connector",
    "ConnectorContext",
    "ConnectorSettings",
    "ConnectorSpec",
    "FakeSpec",
    "Health",
    "Probe",
]

#: the answer size a connector reads unless its settings say otherwise (5 MiB)
DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024


class ConnectorSettings(BaseModel):
    """The ``[connectors.NAME]`` table of the configuration.

    A connector subclasses this for its own keys. Secrets never live here: a setting
    ending in ``_env`` names the environment variable that holds the secret.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: a connector that sends ``purpose_headers`` (see :class:`PurposeHeaders`) says so;
    #: elsewhere the block is refused, rather than accepted and silently not sent
    sends_purpose_headers: ClassVar[bool] = False

    enabled: bool = True
    base_url: str = Field(description="the registry's base URL, without trailing slash")
    timeout_s: float = Field(default=10.0, gt=0, le=300, description="per attempt")
    max_attempts: int = Field(default=3, ge=1, le=10, description="attempts on transient errors")
    retry_budget_s: float = Field(
        default=20.0, gt=0, le=600, description="all attempts and waits together"
    )
    breaker_threshold: int = Field(
        default=5, ge=1, le=100, description="consecutive failures that open the breaker"
    )
    breaker_reset_s: float = Field(
        default=30.0, gt=0, le=3600, description="how long an open breaker stays open"
    )
    max_response_bytes: int = Field(
        default=DEFAULT_MAX_RESPONSE_BYTES,
        ge=1024,
        le=1024 * 1024 * 1024,
        description="largest answer body read (decoded bytes); a larger one is a BadResponse",
    )
    purpose_headers: PurposeHeaders | None = Field(
        default=None, description="the gateway's purpose headers; none are sent when absent"
    )
    ca_file: str | None = Field(
        default=None, description="PEM bundle of the CA(s) to trust instead of certifi's"
    )
    client_cert_file: str | None = Field(
        default=None, description="PEM client certificate (PKIoverheid) for mutual TLS"
    )
    client_key_file: str | None = Field(
        default=None, description="PEM private key of client_cert_file (unencrypted)"
    )

    @field_validator("ca_file", "client_cert_file", "client_key_file")
    @classmethod
    def _readable(cls, value: str | None) -> str | None:
        # checked when the configuration is read, so a typo stops the start, not the
        # first officer's query
        if value is None:
            return None
        try:
            with open(value, "rb") as handle:
                handle.read(1)
        except FileNotFoundError:
            raise ValueError(f"bestand {value} bestaat niet") from None
        except OSError:
            raise ValueError(f"bestand {value} is niet te lezen") from None
        return value

    @model_validator(mode="after")
    def _tls_loads(self) -> ConnectorSettings:
        if self.purpose_headers is not None and not self.sends_purpose_headers:
            raise ValueError("purpose_headers: deze connector stuurt geen doelbindingsheaders")
        if bool(self.client_cert_file) != bool(self.client_key_file):
            raise ValueError("client_cert_file en client_key_file horen samen ingevuld")
        if not (self.ca_file or self.client_cert_file):
            return self  # certifi's bundle: nothing of the operator's to prove loadable
        try:
            self.tls()
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(
                "ca_file/client_cert_file/client_key_file: geen bruikbaar PEM-certificaat "
                f"of sleutel ({exc})"
            ) from None
        return self

    def gateway_headers(self, query: Query | None = None) -> dict[str, str]:
        """The purpose headers for ``query`` (for the health probe when None); none when
        ``purpose_headers`` is not configured. :class:`QueryRejected` for a purpose
        without a registered code."""
        block = self.purpose_headers
        if block is None:
            return {}
        return block.for_probe() if query is None else block.for_query(query)

    def tls(self) -> ssl.SSLContext:
        """The TLS verification and client certificate for this registry."""
        return tls_context(self.ca_file, self.client_cert_file, self.client_key_file)


@dataclass(frozen=True, slots=True)
class ConnectorContext:
    """What the hub hands a connector factory besides its settings.

    ``transport`` is given to the connector's ``httpx.AsyncClient`` (``None`` means the
    real network); the hub passes an in-process transport to reach the fakes.
    ``env`` is where secrets are read from (the process environment, possibly
    overlaid with the fakes' public test credentials in the embedded default).
    """

    transport: Any = None
    env: Mapping[str, str] = field(default_factory=dict)
    user_agent: str = "opplus"

    def secret(self, env_name: str | None) -> str | None:
        """The secret in environment variable ``env_name``, or None when unset."""
        if not env_name:
            return None
        value = self.env.get(env_name)
        return value or None


@dataclass(frozen=True, slots=True)
class Health:
    """The result of a connector's health probe."""

    ok: bool
    detail: str
    latency_ms: float | None = None


class Probe:
    """A ``check()`` in progress: it times itself from its creation, and each verdict
    carries the latency so far.

    A probe reports, it never raises: ``failed(exc)`` turns any exception into a verdict,
    with a :class:`ConnectorError`'s own message (it names no secret and no person) and
    of anything else only its type.
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._started = clock()

    def ms(self) -> float:
        """Milliseconds since the probe started."""
        return round((self._clock() - self._started) * 1000, 1)

    def ok(self, detail: str) -> Health:
        return Health(ok=True, detail=detail, latency_ms=self.ms())

    def failed(self, problem: str | BaseException) -> Health:
        if isinstance(problem, ConnectorError):
            detail = str(problem)
        elif isinstance(problem, BaseException):
            detail = f"probe failed: {type(problem).__name__}"
        else:
            detail = problem
        return Health(ok=False, detail=detail, latency_ms=self.ms())


@runtime_checkable
class Connector(Protocol):
    """A registry the hub can ask about subjects. Methods are async; hooks are not."""

    info: ConnectorInfo

    def accepts(self, subject: Subject) -> bool:
        """True when this connector can answer for ``subject`` as it is now."""
        ...

    async def enrich(self, query: Query) -> EnrichResult:
        """Ask the registry about ``query.subject``, for ``query.fields`` only."""
        ...

    async def check(self) -> Health:
        """A real probe of the registry with the configured credentials."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


@dataclass(frozen=True, slots=True)
class ConnectorSpec:
    """How a plugin registers a connector.

    ``fields`` are the fields its connector declares in ``info.fields`` (the same
    mapping): the hub reads their labels to show a stored dossier without starting the
    connector. The contract kit checks that the two agree.
    """

    name: str
    description: str
    factory: Callable[[Any, ConnectorContext], Connector]
    settings_model: type[ConnectorSettings] = ConnectorSettings
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FakeSpec:
    """A test double of a registry, speaking its published contract.

    ``mount`` is the registry's official base path (e.g. ``/haalcentraal/api/brp``);
    ``app_factory`` builds a fresh ASGI app; ``test_env`` maps the environment
    variables a connector reads its secrets from to the fake's public test credentials.
    A fake that does not speak HTTP (a mail server) gives ``app_factory=None`` and a
    ``server_factory(data_dir, port)`` returning an async context manager that serves
    on ``port`` (0: a free port the system picks) while entered and yields the port it
    listens on. ``port`` is its conventional port beside HTTP fakes on port 8900;
    ``opplus fakes serve --port`` shifts it by as much as the HTTP port moved.
    ``openapi_documents`` names the registry's official OpenAPI documents for an
    ``app_factory`` that takes ``openapi=``: its API name -> the document's file name
    in a directory of official documents (``opplus fakes serve --openapi-dir``).
    """

    name: str
    mount: str
    app_factory: Callable[..., Any] | None
    test_env: Mapping[str, str] = field(default_factory=dict)
    server_factory: Callable[[Path, int], AbstractAsyncContextManager[int]] | None = None
    port: int | None = None
    openapi_documents: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def serving(
        cls,
        name: str,
        mount: str,
        app_factory: Callable[..., Any],
        settings_model: type[BaseModel],
        *,
        openapi_documents: Mapping[str, str] | None = None,
        **credentials: str,
    ) -> FakeSpec:
        """An HTTP fake whose public test ``credentials`` are named by the settings field
        that holds their environment variable: ``api_key_env=FAKE_API_KEY`` puts
        ``FAKE_API_KEY`` in the variable ``settings_model.api_key_env`` names by default.
        A field that does not exist, or has no such default, fails loudly.
        ``openapi_documents`` names the registry's official documents (API name -> file)."""
        test_env: dict[str, str] = {}
        for setting, value in credentials.items():
            declared = settings_model.model_fields.get(setting)
            variable = declared.default if declared is not None else None
            if not isinstance(variable, str) or not variable:
                raise ValueError(
                    f"{settings_model.__name__}.{setting} names no environment variable by default"
                )
            test_env[variable] = value
        return cls(
            name=name,
            mount=mount,
            app_factory=app_factory,
            test_env=test_env,
            openapi_documents=dict(openapi_documents or {}),
        )
