"""A fetched kubeconfig merged into an existing one, as `az aks get-credentials` merges: clusters, users and
contexts by name (a fetched entry replaces the one of the same name; every other entry stays), and the
fetched context becomes the current one. Pure: texts in, text out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aksnet.errors import InvalidRequest

SECTIONS = ("clusters", "users", "contexts")


@dataclass(frozen=True)
class Merged:
    """The merged kubeconfig, its current context and that context's API server."""

    text: str
    context: str
    server: str


def merge(existing: str | None, fetched: str, where: str) -> Merged:
    """`fetched` merged into `existing` (None or empty: a new file); `where` names the file in errors."""
    import yaml

    new = _config(fetched, "the kubeconfig AKS returned")
    empty: dict[str, Any] = {"apiVersion": "v1", "kind": "Config"}
    old = _config(existing, where) if existing and existing.strip() else empty
    for section in SECTIONS:
        old[section] = _by_name(old.get(section) or [], new.get(section) or [])
    context = str(new.get("current-context") or "")
    old["current-context"] = context
    text = yaml.safe_dump(old, default_flow_style=False, sort_keys=False)
    return Merged(str(text), context, _server(new, context))


def _config(text: str | None, where: str) -> dict[str, Any]:
    import yaml

    try:
        document = yaml.safe_load(text or "")
    except yaml.YAMLError:
        document = None
    if not isinstance(document, dict) or not all(isinstance(document.get(s) or [], list) for s in SECTIONS):
        raise InvalidRequest(
            f"{where} is not a kubeconfig file; nothing was written",
            code="KUBECONFIG_INVALID",
            hint="fix or move that file, or pass --file PATH to write elsewhere",
        )
    return document


def _by_name(current: list[Any], fetched: list[Any]) -> list[Any]:
    """`current` with each fetched entry in place of the one of the same name, new names appended."""
    merged = {str(entry.get("name")): entry for entry in current if isinstance(entry, dict)}
    merged.update({str(entry.get("name")): entry for entry in fetched})
    return list(merged.values())


def _server(config: dict[str, Any], context: str) -> str:
    contexts = {c.get("name"): c.get("context") or {} for c in config.get("contexts") or []}
    cluster = (contexts.get(context) or {}).get("cluster")
    servers = {c.get("name"): (c.get("cluster") or {}).get("server") for c in config.get("clusters") or []}
    return str(servers.get(cluster) or "")
