"""Checks HTTP requests, and response bodies, against a registry's OpenAPI 3.0/3.1 document.

Our own reading of the parts of OpenAPI that registries use: path templates, operations,
path/query/header parameters (``form`` style, exploded or comma-joined arrays) and JSON
bodies. Schemas go to :mod:`jsonschema` (draft 2020-12) after a one-time rewrite of the
OpenAPI dialect: ``nullable``, boolean ``exclusiveMinimum``/``exclusiveMaximum``,
``readOnly``/``writeOnly`` properties that are required in one direction only, and
``discriminator`` mappings on a base schema (polymorphism by the ``type`` property, as
the Haal Centraal documents use it). ``$ref`` is resolved inside the document only.

jsonschema is a development dependency (only the fakes' strict mode and tests check
documents): it is imported when a document is prepared, never when the SDK is.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, quote, urlsplit

if TYPE_CHECKING:
    from jsonschema import ValidationError  # type: ignore[import-untyped]  # no stubs
    from jsonschema.protocols import Validator  # type: ignore[import-untyped]
    from referencing import Registry

__all__ = ["MEDIA_TYPE", "METHOD_NOT_ALLOWED", "NOT_FOUND", "OpenApiDocument", "Violation"]

NOT_FOUND = "notFound"
METHOD_NOT_ALLOWED = "methodNotAllowed"
MEDIA_TYPE = "mediaType"
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# OpenAPI: header parameters with these names are ignored (the media type and security
# schemes describe them).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_DOC_URI = "urn:opplus:openapi"
Direction = Literal["request", "response"]


def _jsonschema() -> ModuleType:
    """jsonschema, or an error that says how to get it (it is not a runtime dependency)."""
    try:
        return importlib.import_module("jsonschema")
    except ModuleNotFoundError as exc:
        if exc.name != "jsonschema":  # jsonschema is there but broken: say so as it is
            raise
        raise ModuleNotFoundError(
            "checking against an OpenAPI document needs jsonschema, a development "
            "dependency of opplus: install it (uv sync, or pip install jsonschema)",
            name="jsonschema",
        ) from exc


@dataclass(frozen=True)
class Violation:
    """One way a request breaks the document, shaped like a registry's ``invalidParams``
    entry: ``name`` is the parameter, header or dotted body field."""

    name: str
    code: str
    reason: str

    def as_invalid_param(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "reason": self.reason}


@dataclass(frozen=True)
class _Operation:
    template: str
    method: str
    spec: Mapping[str, Any]
    pointer: str  # JSON pointer of the operation in the document
    parameters: tuple[tuple[str, Mapping[str, Any]], ...]  # (pointer, parameter)


class OpenApiDocument:
    """A parsed OpenAPI document, prepared once for checking many requests (schemas are
    rewritten and compiled on first use, then cached)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        version = str(document.get("openapi", ""))
        if not version.startswith("3."):
            raise ValueError(f"not an OpenAPI 3 document (openapi: {version!r})")
        self.document = document
        self.version = version
        # fail where the document is given (a fake's start), not at its first request
        self._jsonschema = _jsonschema()
        self._validators: dict[tuple[Direction, str], Validator] = {}
        self._paths = sorted(
            ((_template_regex(t), t) for t in document.get("paths", {})),
            key=lambda item: (item[1].count("{"), -len(item[1])),
        )

    @property
    def base_path(self) -> str:
        """The path of the first server URL (``""`` without servers): where the
        document's paths start."""
        servers = self.document.get("servers") or [{}]
        return urlsplit(str(servers[0].get("url", ""))).path.rstrip("/")

    # --- requests --------------------------------------------------------------------

    def check_request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        content_type: str | None = None,
        optional_headers: Collection[str] = (),
    ) -> list[Violation]:
        """Everything wrong with one request; ``path`` is relative to :attr:`base_path`.

        An unknown path gives one violation with code :data:`NOT_FOUND`, a method the
        path does not have one with :data:`METHOD_NOT_ALLOWED`. ``optional_headers`` are
        headers the document requires that the caller chooses not to require: a
        documented quirk of the official document, never a wish of the client under test.
        """
        found = self._match(path)
        if found is None:
            return [Violation("path", NOT_FOUND, f"Pad {path} komt niet voor in de API.")]
        template, path_values = found
        item = self.document["paths"][template]
        if method.lower() not in _METHODS or method.lower() not in item:
            return [
                Violation("method", METHOD_NOT_ALLOWED, f"Methode {method} is niet toegestaan.")
            ]
        op = self._operation(template, method.lower())
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        if content_type is None:
            content_type = lowered.get("content-type")
        violations: list[Violation] = []
        violations += self._check_path(op, path_values)
        violations += self._check_query(op, query)
        violations += self._check_headers(op, lowered, optional_headers)
        violations += self._check_body(op, body, content_type)
        return violations

    def _match(self, path: str) -> tuple[str, dict[str, str]] | None:
        for regex, template in self._paths:
            m = regex.fullmatch(path)
            if m:
                return template, {_unescape(k): v for k, v in m.groupdict().items()}
        return None

    def _operation(self, template: str, method: str) -> _Operation:
        item = self.document["paths"][template]
        item_pointer = f"/paths/{_escape(template)}"
        params: dict[tuple[str, str], tuple[str, Mapping[str, Any]]] = {}
        for where, owner in (("", item), (f"/{method}", item[method])):
            for i, raw in enumerate(owner.get("parameters", [])):
                pointer, param = self._deref(f"{item_pointer}{where}/parameters/{i}", raw)
                params[(param["name"], param["in"])] = (pointer, param)
        return _Operation(
            template, method, item[method], f"{item_pointer}/{method}", tuple(params.values())
        )

    def _deref(self, pointer: str, node: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        while "$ref" in node:
            ref = str(node["$ref"])
            if not ref.startswith("#/"):
                raise ValueError(f"external $ref not supported: {ref}")
            pointer = ref[1:]
            node = _resolve(self.document, pointer)
        return pointer, node

    def _check_path(self, op: _Operation, values: Mapping[str, str]) -> list[Violation]:
        out: list[Violation] = []
        for pointer, param in op.parameters:
            if param["in"] == "path" and param["name"] in values and "schema" in param:
                value = _coerce(
                    values[param["name"]], self._schema_at(f"{pointer}/schema"), self.document
                )
                out += self._schema_violations(f"{pointer}/schema", value, param["name"])
        return out

    def _check_query(self, op: _Operation, query: str) -> list[Violation]:
        pairs = parse_qsl(query, keep_blank_values=True)
        declared = {p["name"]: (ptr, p) for ptr, p in op.parameters if p["in"] == "query"}
        out = [
            Violation(name, "unknownParam", "Parameter is niet verwacht.")
            for name in dict.fromkeys(n for n, _ in pairs)
            if name not in declared
        ]
        for name, (pointer, param) in declared.items():
            raw = [v for n, v in pairs if n == name]
            if not raw:
                if param.get("required"):
                    out.append(Violation(name, "required", "Parameter is verplicht."))
                continue
            if "schema" not in param:
                continue
            schema = self._schema_at(f"{pointer}/schema")
            if _type_of(schema, self.document) == "array":
                explode = param.get("explode", param.get("style", "form") == "form")
                items = raw if explode else [p for v in raw for p in v.split(",")]
                item_schema = self._deref(pointer, schema.get("items", {}))[1]
                value: Any = [_coerce(v, item_schema, self.document) for v in items]
            elif len(raw) > 1:
                out.append(Violation(name, "repeated", "Parameter mag maar één keer voorkomen."))
                continue
            else:
                value = _coerce(raw[0], schema, self.document)
            out += self._schema_violations(f"{pointer}/schema", value, name)
        return out

    def _check_headers(
        self, op: _Operation, headers: Mapping[str, str], optional_headers: Collection[str]
    ) -> list[Violation]:
        optional = {h.lower() for h in optional_headers}
        out: list[Violation] = []
        for pointer, param in op.parameters:
            name = str(param["name"])
            if param["in"] != "header" or name.lower() in _IGNORED_HEADERS:
                continue
            value = headers.get(name.lower())
            if value is None:
                if param.get("required") and name.lower() not in optional:
                    out.append(Violation(name, "required", "Header is verplicht."))
                continue
            if "schema" in param:
                coerced = _coerce(value, self._schema_at(f"{pointer}/schema"), self.document)
                out += self._schema_violations(f"{pointer}/schema", coerced, name)
        return out

    def _check_body(self, op: _Operation, body: bytes, content_type: str | None) -> list[Violation]:
        if "requestBody" not in op.spec:
            return []
        pointer, request_body = self._deref(f"{op.pointer}/requestBody", op.spec["requestBody"])
        if not body:
            if request_body.get("required"):
                return [Violation("body", "required", "Verzoekinhoud is verplicht.")]
            return []
        content = request_body.get("content", {})
        key = _media_key(content, content_type or "")
        if key is None:
            expected = ", ".join(content)
            return [Violation("Content-Type", MEDIA_TYPE, f"Verwacht {expected}.")]
        if not _is_json(_bare(key)) or "schema" not in content[key]:
            return []
        try:
            value = json.loads(body)
        except ValueError:
            return [Violation("body", "parse", "Verzoekinhoud is geen geldige JSON.")]
        return self._schema_violations(
            f"{pointer}/content/{_escape(key)}/schema", value, "", direction="request"
        )

    # --- responses -------------------------------------------------------------------

    def check_response(
        self, method: str, path: str, status: int, body: Any, media: str = "application/json"
    ) -> list[Violation]:
        """What is wrong with a decoded JSON response body of ``method path`` answering
        ``status`` (for the fakes' own tests: required properties, types, enums)."""
        found = self._match(path)
        if found is None or method.lower() not in self.document["paths"][found[0]]:
            return [Violation("path", NOT_FOUND, f"{method} {path} komt niet voor in de API.")]
        op = self._operation(found[0], method.lower())
        responses = op.spec.get("responses", {})
        key = str(status) if str(status) in responses else "default"
        if key not in responses:
            return [Violation("status", "status", f"Status {status} is niet gedocumenteerd.")]
        pointer, response = self._deref(f"{op.pointer}/responses/{key}", responses[key])
        content = response.get("content", {})
        media_key = _media_key(content, media)
        if media_key is None or "schema" not in content[media_key]:
            return [Violation("Content-Type", MEDIA_TYPE, f"Geen schema voor {media}.")]
        schema_pointer = f"{pointer}/content/{_escape(media_key)}/schema"
        return self._schema_violations(schema_pointer, body, "", direction="response")

    # --- schemas ---------------------------------------------------------------------

    @cached_property
    def _prepared(self) -> dict[Direction, Registry[Any]]:
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        prepared: dict[Direction, Registry[Any]] = {}
        for direction in ("request", "response"):
            converted = _convert(copy.deepcopy(dict(self.document)), self.version, direction)
            resource = DRAFT202012.create_resource(converted)
            prepared[direction] = Registry().with_resource(_DOC_URI, resource)
        return prepared

    def _schema_at(self, pointer: str) -> Mapping[str, Any]:
        return self._deref(pointer, _resolve(self.document, pointer))[1]

    def _schema_violations(
        self, pointer: str, value: Any, name: str, *, direction: Direction = "request"
    ) -> list[Violation]:
        validator = self._validators.get((direction, pointer))
        if validator is None:
            ref = {"$ref": f"{_DOC_URI}#{quote(pointer, safe='/~')}"}
            draft = self._jsonschema.Draft202012Validator
            validator = draft(
                ref, registry=self._prepared[direction], format_checker=draft.FORMAT_CHECKER
            )
            self._validators[(direction, pointer)] = validator
        best_match = self._jsonschema.exceptions.best_match
        # a schema reached twice (a base through allOf and a mapped type) reports twice
        found = (
            v
            for e in _leaves(validator.iter_errors(value), best_match)
            for v in _violations(e, name)
        )
        return list(dict.fromkeys(found))


# --- the dialect rewrite -------------------------------------------------------------


def _convert(document: dict[str, Any], version: str, direction: Direction) -> dict[str, Any]:
    schemas = document.get("components", {}).get("schemas", {})
    _split_discriminators(schemas)
    legacy = version.startswith("3.0")
    converted: dict[str, Any] = _walk(
        document, lambda node: _rewrite(node, legacy=legacy, direction=direction)
    )
    return converted


def _walk(node: Any, rewrite: Callable[[dict[str, Any]], dict[str, Any]]) -> Any:
    if isinstance(node, list):
        return [_walk(v, rewrite) for v in node]
    if isinstance(node, dict):
        return rewrite({k: _walk(v, rewrite) for k, v in node.items()})
    return node


def _rewrite(node: dict[str, Any], *, legacy: bool, direction: Direction) -> dict[str, Any]:
    hidden = "readOnly" if direction == "request" else "writeOnly"
    properties = node.get("properties")
    if isinstance(node.get("required"), list) and isinstance(properties, dict):
        node["required"] = [
            r for r in node["required"] if (properties.get(r) or {}).get(hidden) is not True
        ]
    if not legacy:
        return node
    if "$ref" in node:  # OpenAPI 3.0: siblings of $ref are ignored, except our nullable
        ref = {"$ref": node["$ref"]}
        return {"anyOf": [{"type": "null"}, ref]} if node.get("nullable") is True else ref
    for bound in ("Minimum", "Maximum"):
        exclusive = node.get(f"exclusive{bound}")
        if isinstance(exclusive, bool):
            del node[f"exclusive{bound}"]
            if exclusive and bound.lower() in node:
                node[f"exclusive{bound}"] = node.pop(bound.lower())
    if node.pop("nullable", False) is True:
        composite = any(k in node for k in ("allOf", "oneOf", "anyOf"))
        if "type" in node and isinstance(node["type"], str) and not composite:
            node["type"] = [node["type"], "null"]
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        else:
            return {"anyOf": [{"type": "null"}, node]}
    return node


def _split_discriminators(schemas: dict[str, Any]) -> None:
    """A base schema with a discriminator mapping dispatches to the mapped schema; the
    mapped schemas extend the base through ``allOf``, so they get the base without its
    dispatch (else validation would loop)."""
    for name in [n for n, s in schemas.items() if _mapping(s)]:
        base = schemas[name]
        prop = base["discriminator"]["propertyName"]
        mapping: dict[str, str] = base["discriminator"]["mapping"]
        plain = f"{name}__base"
        schemas[plain] = {k: v for k, v in base.items() if k != "discriminator"}
        for target in set(mapping.values()):
            target_schema = schemas.get(target.rsplit("/", 1)[-1], {})
            for part in target_schema.get("allOf", []):
                if part.get("$ref") == f"#/components/schemas/{name}":
                    part["$ref"] = f"#/components/schemas/{plain}"
        dispatch: list[dict[str, Any]] = [
            {"$ref": f"#/components/schemas/{plain}"},
            {"properties": {prop: {"enum": list(mapping)}}},
        ]
        dispatch += [
            {
                "if": {"properties": {prop: {"const": key}}, "required": [prop]},
                "then": {"$ref": target},
            }
            for key, target in mapping.items()
        ]
        schemas[name] = {"allOf": dispatch}


def _mapping(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and isinstance(schema.get("discriminator"), dict)
        and bool(schema["discriminator"].get("mapping"))
        and not any(k in schema for k in ("oneOf", "anyOf"))
    )


# --- helpers -------------------------------------------------------------------------


def _leaves(
    errors: Iterator[ValidationError],
    best_match: Callable[[list[ValidationError]], ValidationError | None],
) -> Iterator[ValidationError]:
    """The most specific errors: inside anyOf/oneOf/allOf, the branch's own errors."""
    for error in errors:
        if error.context and error.validator in ("anyOf", "oneOf"):
            best = best_match(error.context)
            yield best if best is not None else error
        else:
            yield error


def _violations(error: ValidationError, name: str) -> list[Violation]:
    parts = [name] if name else []
    parts += [str(p) for p in error.absolute_path]
    keyword = str(error.validator)
    value = error.validator_value
    instance = error.instance
    if keyword == "required" and isinstance(instance, dict):
        missing = [r for r in value if r not in instance]
        reason = "Parameter is verplicht."
        return [Violation(".".join([*parts, m]), "required", reason) for m in missing]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        extra = [k for k in instance if k not in known]
        reason = "Parameter is niet verwacht."
        return [Violation(".".join([*parts, x]), "unknownParam", reason) for x in extra]
    reasons = {
        "pattern": f"Waarde voldoet niet aan patroon {value}.",
        "enum": "Waarde heeft geen geldige waarde uit de enumeratie.",
        "const": f"Waarde moet {value} zijn.",
        "type": f"Waarde is geen {value}.",
        "minimum": f"Waarde is lager dan minimum {value}.",
        "maximum": f"Waarde is hoger dan maximum {value}.",
        "exclusiveMinimum": f"Waarde moet groter zijn dan {value}.",
        "exclusiveMaximum": f"Waarde moet kleiner zijn dan {value}.",
        "minLength": f"Waarde is korter dan minimale lengte {value}.",
        "maxLength": f"Waarde is langer dan maximale lengte {value}.",
        "minItems": f"Array bevat minder dan {value} items.",
        "maxItems": f"Array bevat meer dan {value} items.",
        "uniqueItems": "Array bevat dubbele items.",
        "format": f"Waarde is geen geldige {value}.",
    }
    return [Violation(".".join(parts) or "body", keyword, reasons.get(keyword, error.message))]


def _template_regex(template: str) -> re.Pattern[str]:
    out = ""
    for literal, name in re.findall(r"([^{]*)(?:\{([^}]+)\})?", template):
        out += re.escape(literal)
        if name:
            out += f"(?P<{_group(name)}>[^/]+)"
    return re.compile(out.rstrip("/") + "/?" if template != "/" else "/")


def _group(name: str) -> str:
    # a regex group name must be an identifier; keep the original recoverable
    return "p_" + "".join(c if c.isalnum() else f"_{ord(c):x}_" for c in name)


def _unescape(group: str) -> str:
    return re.sub(r"_([0-9a-f]+)_", lambda m: chr(int(m.group(1), 16)), group[2:])


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _resolve(document: Mapping[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _type_of(schema: Mapping[str, Any], document: Mapping[str, Any]) -> str | None:
    seen = 0
    while "$ref" in schema and seen < 20:
        schema = _resolve(document, str(schema["$ref"])[1:])
        seen += 1
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None:
        for part in schema.get("allOf", []):
            kind = _type_of(part, document)
            if kind:
                break
    return kind if isinstance(kind, str) else None


def _coerce(raw: str, schema: Mapping[str, Any], document: Mapping[str, Any]) -> Any:
    """A string from a URL or header as the JSON value its schema asks for; left as
    the string when it does not parse, so the schema reports it."""
    kind = _type_of(schema, document)
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    return raw


def _bare(media: str) -> str:
    return media.split(";")[0].strip().lower()


def _media_key(content: Mapping[str, Any], media: str) -> str | None:
    """The key of ``content`` for ``media``, parameters such as charset left out."""
    return next((key for key in content if _bare(key) == _bare(media)), None)


def _is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")
