"""Fakes as strict as the registry: checking requests against official OpenAPI documents.

A fake's ``create_app`` takes the parsed documents (the fake never knows where they are
stored) and wraps itself in a :class:`ContractGuard` that refuses, in the registry's own
error format, every request the documents do not allow::

    document = OpenApiDocument(yaml.safe_load(path.read_text()))
    app = ContractGuard(app, [Contract("", document)], refuse=my_error_answer)

:meth:`OpenApiDocument.check_request` returns :class:`Violation` entries shaped like the
``invalidParams`` of Haal Centraal and ZGW; :meth:`OpenApiDocument.check_response`
checks a response body (for a fake's own tests).
"""

from ._guard import Contract, ContractGuard, ContractLog, Documents, Refusal, guard_app
from ._openapi import METHOD_NOT_ALLOWED, NOT_FOUND, OpenApiDocument, Violation

__all__ = [
    "METHOD_NOT_ALLOWED",
    "NOT_FOUND",
    "Contract",
    "ContractGuard",
    "ContractLog",
    "Documents",
    "OpenApiDocument",
    "Refusal",
    "Violation",
    "guard_app",
]
