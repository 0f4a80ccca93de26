"""The spec's location against the regions the subscription offers (offline, only the public list is known)."""

from __future__ import annotations

from collections.abc import Iterator

from aksnet.findings import Finding, error
from aksnet.live.rules.base import LiveInput


def location_offered(inp: LiveInput) -> Iterator[Finding]:
    offered = inp.facts.locations
    if offered is None or inp.spec.location.lower() in offered:
        return
    yield error(
        "LOCATION_NOT_AVAILABLE",
        "location",
        f"subscription {inp.facts.subscription_id} does not offer location {inp.spec.location!r}",
        "use a region it offers (`az account list-locations -o table` lists them), or ask for access to this one",
    )
