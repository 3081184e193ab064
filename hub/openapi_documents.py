"""The registries' official OpenAPI documents, read from a directory, so that
``opplus fakes serve --openapi-dir`` runs each fake as strict as its registry.

The documents are not ours to ship: an operator or CI keeps them in a directory of
their own (``$OPPLUS_SPECS_DIR``), each fake names the files it needs
(``FakeSpec.openapi_documents``). They are YAML, and PyYAML is a development
dependency only, so it is imported when documents are read, never before.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from plugins import FakeSpec

__all__ = ["OfficialDocumentsError", "fakes_documents", "read_document"]


class OfficialDocumentsError(Exception):
    """The documents cannot be read; the message is Dutch and names the file."""


def read_document(path: Path) -> dict[str, Any]:
    """One official document, parsed (with PyYAML's C parser where it is built in:
    some documents are half a megabyte)."""
    try:
        # imported by name: typed or not, PyYAML is optional here and stays untyped (Any)
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        raise OfficialDocumentsError(
            "PyYAML ontbreekt om de OpenAPI-documenten te lezen; installeer het "
            "(uv sync --group dev) of laat --openapi-dir weg"
        ) from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as fh:
            document = yaml.load(fh, Loader=loader)
    except OSError as exc:
        raise OfficialDocumentsError(f"{path}: niet te lezen ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise OfficialDocumentsError(f"{path}: geen geldige YAML ({exc})") from None
    if not isinstance(document, dict):
        raise OfficialDocumentsError(f"{path}: geen OpenAPI-document")
    return document


def fakes_documents(
    fakes: Mapping[str, FakeSpec], directory: Path
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per fake name, the documents its ``app_factory(openapi=...)`` takes, read from
    ``directory``; fakes that name none are left out."""
    if not directory.is_dir():
        raise OfficialDocumentsError(f"{directory}: map bestaat niet")
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for spec in fakes.values():
        if spec.app_factory is None or not spec.openapi_documents:
            continue
        for file in spec.openapi_documents.values():
            if not (directory / file).is_file():
                raise OfficialDocumentsError(
                    f"{directory}: het document {file} ontbreekt (nodig voor de nep-server "
                    f"{spec.name})"
                )
        found[spec.name] = {
            api: read_document(directory / file) for api, file in spec.openapi_documents.items()
        }
    return found
