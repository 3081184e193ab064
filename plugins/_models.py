"""A registry's answer read into a connector's pydantic models, or :class:`BadResponse`."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ._errors import BadResponse
from ._http import hal_items

__all__ = ["hal_models", "parse_model"]

M = TypeVar("M", bound=BaseModel)


def parse_model(model: type[M], value: Any, what: str) -> M:
    """``value`` (a part of an answer) read into the pydantic ``model``; a value the model
    refuses is :meth:`BadResponse.from_validation` naming ``what``."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise BadResponse.from_validation(what, exc) from exc


def hal_models(body: Any, key: str, what: str, model: type[M]) -> list[M]:
    """:func:`~plugins.hal_items`, each read into ``model`` with :func:`parse_model`."""
    return [parse_model(model, item, what) for item in hal_items(body, key, what)]
