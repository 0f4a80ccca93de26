"""Small ARM helpers: ids, reading a resource that may not exist, models as ARM (camelCase) dicts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aksnet.azure.errors import translate
from aksnet.plan import MANAGED_BY, TAG_DEPLOYMENT, TAG_MANAGED_BY

T = TypeVar("T")


@dataclass(frozen=True)
class ResourceId:
    """The parts of an ARM resource id aksnet needs."""

    subscription: str
    resource_group: str
    name: str
    parent: str | None = None  # e.g. the VNet of a subnet

    @classmethod
    def parse(cls, resource_id: str) -> ResourceId:
        parts = resource_id.strip("/").split("/")
        lower = [p.lower() for p in parts]
        sub = parts[lower.index("subscriptions") + 1]
        rg = parts[lower.index("resourcegroups") + 1] if "resourcegroups" in lower else ""
        parent = parts[-3] if len(parts) >= 10 else None
        return cls(sub, rg, parts[-1], parent)


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


def owned_by(tags: dict[str, str] | None, deployment: str) -> bool:
    tags = tags or {}
    return tags.get(TAG_DEPLOYMENT) == deployment and tags.get(TAG_MANAGED_BY) == MANAGED_BY


def same_id(a: str | None, b: str | None) -> bool:
    """ARM ids compare case-insensitively (`resourcegroups` vs `resourceGroups`)."""
    return (a or "").rstrip("/").lower() == (b or "").rstrip("/").lower()
