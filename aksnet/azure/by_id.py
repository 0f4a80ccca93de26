"""Any ARM resource by its id, through the generic resources client: a read, a PUT of a body, a delete.

Why: the typed client of a resource type costs its whole package to import, and that import sat on
every `up`'s critical path: azure-mgmt-network is one 2.4 MB models module, ~0.2 s of CPU, a fifth of
what `up` spent before its cluster create, and the preflight waited for it to read one VNet. Reading a
resource, or PUTting a body the plan already holds as ARM JSON, needs nothing of the typed package
but its api-version. The requests are the typed client's own: the same URL, api-version and JSON
body, through the same pipeline (credential, retries, logging) and the same ARM LRO poller.

What still needs a typed client keeps one: a body built from what was read (a typed model drops the
fields ARM sets), and operations that are not a plain PUT, GET or DELETE of a resource.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from aksnet.arm import key
from aksnet.azure.arm import read_arm

if TYPE_CHECKING:
    from azure.core.polling import LROPoller

    from aksnet.azure.clients import Clients

# The api-version each typed SDK client aksnet depends on sends for a namespace (or a type): what
# the by-id requests send too, so a request is the same whichever client makes it.
API_VERSIONS: dict[str, str] = {
    "microsoft.network": "2026-03-01",  # azure-mgmt-network 33.1
    "microsoft.network/privatednszones": "2024-06-01",  # azure-mgmt-privatedns 2.0
    "microsoft.managedidentity": "2024-11-30",  # azure-mgmt-msi 7.1, the version aksnet imports
    "microsoft.authorization": "2022-04-01",  # azure-mgmt-authorization 4.0, the version aksnet imports
    "microsoft.containerservice": "2026-08-01",  # azure-mgmt-containerservice 41.8
    "microsoft.resources": "2025-04-01",  # azure-mgmt-resource 26
}


def api_version(resource_id: str) -> str:
    """The api-version for the resource `resource_id` names (its last provider namespace and type)."""
    parts = key(resource_id).strip("/").split("/")
    if "providers" not in parts:
        return API_VERSIONS["microsoft.resources"]  # a subscription or resource group
    at = len(parts) - 1 - parts[::-1].index("providers")
    namespace, resource_type = parts[at + 1], parts[at + 2] if len(parts) > at + 2 else ""
    return API_VERSIONS.get(f"{namespace}/{resource_type}") or API_VERSIONS[namespace]


def read(clients: Clients, resource_id: str, doing: str) -> dict[str, Any] | None:
    """The resource as ARM JSON, or None when it does not exist (aksnet's error for anything else)."""
    resources = clients.resource.resources
    return read_arm(lambda: resources.get_by_id(_path(resource_id), api_version=api_version(resource_id)), doing)


def begin_put(clients: Clients, resource_id: str, body: dict[str, Any]) -> LROPoller[Any]:
    """PUT `body` (ARM JSON, as the plan holds it) to the resource; the operation's poller."""
    resources = clients.resource.resources
    return resources.begin_create_or_update_by_id(_path(resource_id), body, api_version=api_version(resource_id))


def begin_delete(clients: Clients, resource_id: str) -> LROPoller[Any]:
    """DELETE the resource; the operation's poller (a 404 raises ResourceNotFoundError)."""
    resources = clients.resource.resources
    return resources.begin_delete_by_id(_path(resource_id), api_version=api_version(resource_id))


def list_all(clients: Clients, collection: str, api: str) -> Iterator[dict[str, Any]]:
    """Every item of an ARM collection (`collection` a path), following `nextLink` as the typed pagers do."""
    from azure.core.rest import HttpRequest

    request = HttpRequest("GET", collection, params={"api-version": api})
    while True:
        response = clients.resource.send_request(request)
        response.raise_for_status()
        page = response.json()
        yield from page.get("value") or []
        if not page.get("nextLink"):
            return
        request = HttpRequest("GET", page["nextLink"])


def _path(resource_id: str) -> str:
    """The id as the by-id operations take it: their URL template is `/{resourceId}`."""
    return resource_id.lstrip("/")
