"""The public Azure regions a `location` may name, for the offline check (with did-you-mean).

Neither the Azure SDK nor azure-cli ships a region list: both ask ARM (`GET /subscriptions/{id}/locations`,
what `az account list-locations` prints). This is that list's physical regions in the public cloud
(`az account list-locations --query "[?metadata.regionType=='Physical'].name"`), restricted-access
regions included, as of late 2026. `up` and `plan --live` check the location again against the
subscription's own list (LOCATION_NOT_AVAILABLE), which is the authority: a region launched after
this list was written is refused offline until the list is updated here.
"""

from __future__ import annotations

import difflib

PUBLIC_REGIONS = frozenset(
    {
        # Americas
        "eastus", "eastus2", "centralus", "northcentralus", "southcentralus", "westcentralus",
        "westus", "westus2", "westus3", "canadacentral", "canadaeast", "brazilsouth", "brazilsoutheast",
        "mexicocentral", "chilecentral",
        # Europe
        "northeurope", "westeurope", "uksouth", "ukwest", "francecentral", "francesouth",
        "germanywestcentral", "germanynorth", "switzerlandnorth", "switzerlandwest", "norwayeast",
        "norwaywest", "swedencentral", "swedensouth", "polandcentral", "italynorth", "spaincentral",
        "austriaeast", "belgiumcentral", "denmarkeast",
        # Asia Pacific
        "eastasia", "southeastasia", "japaneast", "japanwest", "koreacentral", "koreasouth",
        "centralindia", "southindia", "westindia", "jioindiacentral", "jioindiawest", "australiaeast",
        "australiasoutheast", "australiacentral", "australiacentral2", "newzealandnorth",
        "indonesiacentral", "malaysiawest",
        # Middle East and Africa
        "uaenorth", "uaecentral", "qatarcentral", "israelcentral", "southafricanorth", "southafricawest",
    }
)  # fmt: skip


def is_public_region(location: str) -> bool:
    return location.lower() in PUBLIC_REGIONS


def closest_regions(location: str, limit: int = 3) -> list[str]:
    """The public regions whose names are closest to `location`."""
    return difflib.get_close_matches(location.lower(), sorted(PUBLIC_REGIONS), n=limit, cutoff=0.6)
