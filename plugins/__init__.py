"""The opplus plugin contract: what a connector author imports, and nothing else.

Hook specs, the connector protocol and its small SDK types (``Query``, ``Fact``,
``Evidence``, ``EnrichResult``), the error hierarchy, HTTP helpers, the credentials a
registry wants (OAuth2 or an API key, the ZGW JWT), and the plugin manager factory. The
contract test kits are :mod:`plugins.testing`; holding a fake's requests against the
registry's OpenAPI document is :mod:`plugins.openapi`.
"""

from ._connector import (
    DEFAULT_MAX_RESPONSE_BYTES,
    Connector,
    ConnectorContext,
    ConnectorSettings,
    ConnectorSpec,
    FakeSpec,
    Health,
    Probe,
)
from ._errors import (
    AuthenticationFailed,
    BadResponse,
    ConnectorError,
    QueryRejected,
    RateLimited,
    Refused,
    RegistryTimeout,
    RegistryUnavailable,
)
from ._facts import (
    Classification,
    ConnectorInfo,
    EnrichResult,
    Evidence,
    Fact,
    FieldSpec,
    Provenance,
)
from ._gateway import PurposeCode, PurposeHeaders, header_value, missing_headers, tls_context
from ._hal import HalApi, HalApiSettings, address_params
from ._hookspecs import hookimpl, hookspec
from ._http import (
    hal_items,
    json_body,
    parse_retry_after,
    problem_detail,
    raise_for_status,
    registry_client,
    send,
)
from ._labels import DUTCH_MONTHS, unlabelled
from ._manager import (
    ENTRY_POINT_GROUP,
    FAKES_ENTRY_POINT_GROUP,
    PluginLoadError,
    Plugins,
    make_plugins,
)
from ._models import hal_models, parse_model
from ._oauth import GatewayAuth, GatewayAuthSettings, OAuth2Settings, TokenSource
from ._query import Officer, Purpose, Query, TraceContext
from ._register import connector_plugin, fake_plugin, table_plugin
from ._signature import (
    SIGNATURE_HEADER,
    SIGNATURE_TOLERANCE_S,
    SignatureCheck,
    check_request_signature,
    sign_body,
    sign_request,
    verify_signature,
)
from ._subjects import (
    AddressRef,
    BusinessRef,
    PersonRef,
    Subject,
    SubjectKind,
    house_number,
    is_ascii_digits,
    is_valid_bsn,
    normalise_postcode,
)
from ._table import Delivery, DeliveryFailed, Receipt, TableSettings, TableSpec, TableTransport
from ._zgw_jwt import ZgwClientSettings, ZgwJwt, ZgwJwtError, unverified_zgw_claims, verify_zgw_jwt

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DUTCH_MONTHS",
    "ENTRY_POINT_GROUP",
    "FAKES_ENTRY_POINT_GROUP",
    "SIGNATURE_HEADER",
    "SIGNATURE_TOLERANCE_S",
    "AddressRef",
    "AuthenticationFailed",
    "BadResponse",
    "BusinessRef",
    "Classification",
    "Connector",
    "ConnectorContext",
    "ConnectorError",
    "ConnectorInfo",
    "ConnectorSettings",
    "ConnectorSpec",
    "Delivery",
    "DeliveryFailed",
    "EnrichResult",
    "Evidence",
    "Fact",
    "FakeSpec",
    "FieldSpec",
    "GatewayAuth",
    "GatewayAuthSettings",
    "HalApi",
    "HalApiSettings",
    "Health",
    "OAuth2Settings",
    "Officer",
    "PersonRef",
    "PluginLoadError",
    "Plugins",
    "Probe",
    "Provenance",
    "Purpose",
    "PurposeCode",
    "PurposeHeaders",
    "Query",
    "QueryRejected",
    "RateLimited",
    "Receipt",
    "Refused",
    "RegistryTimeout",
    "RegistryUnavailable",
    "SignatureCheck",
    "Subject",
    "SubjectKind",
    "TableSettings",
    "TableSpec",
    "TableTransport",
    "TokenSource",
    "TraceContext",
    "ZgwClientSettings",
    "ZgwJwt",
    "ZgwJwtError",
    "address_params",
    "check_request_signature",
    "connector_plugin",
    "fake_plugin",
    "hal_items",
    "hal_models",
    "header_value",
    "hookimpl",
    "hookspec",
    "house_number",
    "is_ascii_digits",
    "is_valid_bsn",
    "json_body",
    "make_plugins",
    "missing_headers",
    "normalise_postcode",
    "parse_model",
    "parse_retry_after",
    "problem_detail",
    "raise_for_status",
    "registry_client",
    "send",
    "sign_body",
    "sign_request",
    "table_plugin",
    "tls_context",
    "unlabelled",
    "unverified_zgw_claims",
    "verify_signature",
    "verify_zgw_jwt",
]
