"""`GET /subscriptions/{id}/locations`: the regions the emulated subscription is offered.

Like a new pay-as-you-go subscription: the public regions open to everyone, without the
restricted-access ones (Azure offers those on request: Australia Central 2, France South, Germany
North, Norway West, South Africa West, Switzerland West, UAE Central, West India, Jio India, Sweden
South, Brazil Southeast), so a spec naming one of those passes offline and is refused live.
"""

from __future__ import annotations

from typing import Any

from aksnet.emulator import ids
from aksnet.emulator.context import Ctx
from aksnet.emulator.router import Response, Route, route

OFFERED = (
    ("eastus", "East US"), ("eastus2", "East US 2"), ("centralus", "Central US"),
    ("northcentralus", "North Central US"), ("southcentralus", "South Central US"),
    ("westcentralus", "West Central US"), ("westus", "West US"), ("westus2", "West US 2"),
    ("westus3", "West US 3"), ("canadacentral", "Canada Central"), ("canadaeast", "Canada East"),
    ("brazilsouth", "Brazil South"), ("mexicocentral", "Mexico Central"), ("northeurope", "North Europe"),
    ("westeurope", "West Europe"), ("uksouth", "UK South"), ("ukwest", "UK West"),
    ("francecentral", "France Central"), ("germanywestcentral", "Germany West Central"),
    ("switzerlandnorth", "Switzerland North"), ("norwayeast", "Norway East"), ("swedencentral", "Sweden Central"),
    ("polandcentral", "Poland Central"), ("italynorth", "Italy North"), ("spaincentral", "Spain Central"),
    ("eastasia", "East Asia"), ("southeastasia", "Southeast Asia"), ("japaneast", "Japan East"),
    ("japanwest", "Japan West"), ("koreacentral", "Korea Central"), ("koreasouth", "Korea South"),
    ("centralindia", "Central India"), ("southindia", "South India"), ("australiaeast", "Australia East"),
    ("australiasoutheast", "Australia Southeast"), ("australiacentral", "Australia Central"),
    ("newzealandnorth", "New Zealand North"), ("uaenorth", "UAE North"), ("qatarcentral", "Qatar Central"),
    ("israelcentral", "Israel Central"), ("southafricanorth", "South Africa North"),
    ("chilecentral", "Chile Central"), ("indonesiacentral", "Indonesia Central"), ("malaysiawest", "Malaysia West"),
    ("austriaeast", "Austria East"), ("belgiumcentral", "Belgium Central"), ("denmarkeast", "Denmark East"),
)  # fmt: skip


def offered(location: str) -> bool:
    """Whether ARM takes `location` for this subscription: a region's name or display name, any case."""
    wanted = location.replace(" ", "").lower()
    return any(wanted in (name, display.replace(" ", "").lower()) for name, display in OFFERED)


def list_locations(ctx: Ctx, params: dict[str, str]) -> Response:
    sub = ids.subscription_id(params["sub"])
    return Response(200, {"value": [_location(sub, name, display) for name, display in OFFERED]})


def _location(sub: str, name: str, display: str) -> dict[str, Any]:
    return {
        "id": f"{sub}/locations/{name}",
        "name": name,
        "type": "Region",
        "displayName": display,
        "metadata": {"regionType": "Physical"},
    }


ROUTES: list[Route] = [
    route("GET", "/subscriptions/{sub}/locations", list_locations, "Microsoft.Resources/locations"),
]
