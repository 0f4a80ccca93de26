"""Reading through the SDK: a resource that may not exist, and models as ARM (camelCase) dicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aksnet.azure.errors import translate

T = TypeVar("T")


def arm_dict(model: Any) -> dict[str, Any]:
    """A model as ARM sends it: camelCase, read-only fields kept (new and msrest generations alike)."""
    if model is None:
        return {}
    if isinstance(model, dict):
        return model
    if hasattr(model, "serialize"):
        result: dict[str, Any] = model.serialize(keep_readonly=True)
        return result
    as_dict: dict[str, Any] = model.as_dict()
    return as_dict


def get_or_none(read: Callable[[], T], doing: str) -> T | None:
    """Read a resource; None on 404, aksnet's error on anything else (never a blind except)."""
    from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

    try:
        return read()
    except ResourceNotFoundError:
        return None
    except HttpResponseError as exc:
        raise translate(exc, doing) from exc


def read_arm(read: Callable[[], Any], doing: str) -> dict[str, Any] | None:
    """A resource as ARM JSON (`get_or_none`, then `arm_dict`); None when it does not exist."""
    found = get_or_none(read, doing)
    return arm_dict(found) if found is not None else None
