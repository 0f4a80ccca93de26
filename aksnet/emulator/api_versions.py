"""Which api-versions ARM serves for each emulated resource type, and ARM's answer to any other.

One table per namespace: resource type (lower-case, without the namespace; "*" for every type the
namespace has no own entry for) -> the versions Azure serves. To emulate a new resource type, add
its versions here (or let it share its namespace's "*" list); a type missing from the table is
not checked, so a new route never fails on this check by accident.

Where the lists come from, per namespace (azure-rest-api-specs paths, below `specification/`):
- Microsoft.Resources: `resources/resource-manager/Microsoft.Resources/{stable,preview}/*` (the
  resources and subscriptions specs) plus 2022-12-01, which `az login` sends for `/subscriptions`.
- Microsoft.Network: `network/resource-manager/Microsoft.Network/Network/stable/*` (the readme's
  `package-YYYY-MM` tags), plus 2025-07-01 .. 2026-03-01, the versions azure-mgmt-network 33.1 (generated
  from those specs after the snapshot the search tools hold) sends.
- Microsoft.ContainerService: ARM's own list for `managedClusters` quoted in Azure/azure-cli#28368
  (to 2023-11-01) and `containerservice/resource-manager/Microsoft.ContainerService/aks/{stable,preview}/*`
  for the monthly stable (`-01`) and preview (`-02-preview`) releases since, to 2026-08-01, the
  version azure-mgmt-containerservice 41.8 sends (az 2.91 sends 2026-06-01).
- Microsoft.ManagedIdentity: `msi/resource-manager/Microsoft.ManagedIdentity/{stable,preview}/*`
  (az 2.91 sends 2025-05-31-preview and 2024-11-30).
- Microsoft.Authorization: `authorization/resource-manager/Microsoft.Authorization/{stable,preview}/*`,
  the versions azure-mgmt-authorization 4.0 packages (az sends 2022-04-01 and 2022-05-01-preview),
  and for `locks` the `resources/resource-manager/Microsoft.Authorization/stable/*` locks specs.
- Microsoft.Network/privateDnsZones: `privatedns/resource-manager/Microsoft.Network/stable/*` (azure-mgmt-privatedns
  2.0 sends 2024-06-01).
- AKS on Azure Local (Microsoft.ExtendedLocation, .AzureStackHCI, .Kubernetes, .HybridContainerService):
  the versions the pinned SDKs send and Microsoft's own clients (Az.AksArc, the templates) use.
"""

from __future__ import annotations

from aksnet.emulator.errors import ArmError


def _monthly(first: tuple[int, int], last: tuple[int, int], *days: str) -> tuple[str, ...]:
    """AKS's cadence: a stable `YYYY-MM-01` and a preview `YYYY-MM-02-preview` every month."""
    out, (year, month) = [], first
    while (year, month) <= last:
        out += [f"{year}-{month:02d}-{day}" for day in days]
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


RESOURCES = (
    "2014-04-01", "2014-04-01-preview", "2015-01-01", "2015-11-01", "2016-02-01", "2016-06-01",
    "2016-07-01", "2016-09-01", "2017-05-10", "2017-08-01", "2018-02-01", "2018-05-01", "2018-06-01",
    "2019-03-01", "2019-05-01", "2019-05-10", "2019-06-01", "2019-07-01", "2019-08-01", "2019-10-01",
    "2019-11-01", "2020-01-01", "2020-06-01", "2020-08-01", "2020-10-01", "2021-01-01", "2021-04-01",
    "2022-01-01", "2022-09-01", "2022-12-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01",
    "2025-01-01", "2025-03-01", "2025-04-01",
)  # fmt: skip
NETWORK = (
    "2015-06-15", "2016-03-30", "2016-06-01", "2016-09-01", "2016-12-01", "2017-03-01", "2017-06-01",
    "2017-08-01", "2017-09-01", "2017-10-01", "2017-11-01", "2018-01-01", "2018-02-01", "2018-04-01",
    "2018-06-01", "2018-07-01", "2018-08-01", "2018-10-01", "2018-11-01", "2018-12-01", "2019-02-01",
    "2019-04-01", "2019-06-01", "2019-07-01", "2019-08-01", "2019-09-01", "2019-11-01", "2019-12-01",
    "2020-03-01", "2020-04-01", "2020-05-01", "2020-06-01", "2020-07-01", "2020-08-01", "2020-11-01",
    "2021-02-01", "2021-03-01", "2021-05-01", "2021-08-01", "2022-01-01", "2022-05-01", "2022-07-01",
    "2022-09-01", "2022-11-01", "2023-02-01", "2023-04-01", "2023-05-01", "2023-06-01", "2023-09-01",
    "2023-11-01", "2024-01-01", "2024-03-01", "2024-05-01", "2024-07-01", "2024-10-01", "2025-01-01",
    "2025-03-01", "2025-05-01", "2025-07-01", "2025-09-01", "2026-01-01", "2026-03-01",
)  # fmt: skip
CONTAINER_SERVICE = (
    "2017-08-31", "2018-03-31", "2019-02-01", "2019-04-01", "2019-06-01", "2019-08-01", "2019-10-01",
    "2019-11-01", "2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01", "2020-06-01", "2020-07-01",
    "2020-09-01", "2020-11-01", "2020-12-01", "2021-02-01", "2021-03-01", "2021-05-01", "2021-07-01",
    "2021-08-01", "2021-09-01", "2021-10-01", "2022-01-01", "2022-01-02-preview", "2022-02-01",
    "2022-03-01", "2022-03-02-preview", "2022-04-01", "2022-04-02-preview", "2022-05-02-preview",
    "2022-06-01", "2022-06-02-preview", "2022-07-01", "2022-07-02-preview", "2022-08-01",
    "2022-08-02-preview", "2022-08-03-preview", "2022-09-01", "2022-09-02-preview", "2022-10-02-preview",
    "2022-11-01", "2022-11-02-preview", "2023-01-01", "2023-01-02-preview", "2023-02-01",
    "2023-02-02-preview", "2023-03-01", "2023-03-02-preview", "2023-04-01", "2023-04-02-preview",
    "2023-05-01", "2023-05-02-preview", "2023-06-01", "2023-06-02-preview", "2023-07-01",
    "2023-07-02-preview", "2023-08-01", "2023-08-02-preview", "2023-09-01", "2023-09-02-preview",
    "2023-10-01", "2023-10-02-preview", "2023-11-01",
    *_monthly((2023, 11), (2026, 8), "01", "02-preview")[1:],
)  # fmt: skip
MANAGED_IDENTITY = (
    "2015-08-31-preview", "2018-11-30", "2021-09-30-preview", "2022-01-31-preview", "2023-01-31",
    "2023-07-31-preview", "2024-11-30", "2025-01-31-preview", "2025-05-31-preview",
)  # fmt: skip
AUTHORIZATION = (
    "2015-06-01", "2015-07-01", "2018-01-01-preview", "2018-05-01-preview", "2018-07-01-preview",
    "2018-09-01-preview", "2019-08-01-preview", "2020-04-01-preview", "2020-10-01", "2020-10-01-preview",
    "2021-01-01-preview", "2021-03-01-preview", "2021-07-01-preview", "2021-12-01-preview", "2022-04-01",
    "2022-04-01-preview", "2022-05-01-preview", "2022-08-01-preview",
)  # fmt: skip
LOCKS = ("2015-01-01", "2016-09-01", "2017-04-01", "2020-05-01")
PRIVATE_DNS = ("2018-09-01", "2020-01-01", "2020-06-01", "2024-06-01")
# azure-mgmt-extendedlocation 2.0.0's default; Az.AksArc reads with 2021-08-31-preview.
CUSTOM_LOCATIONS = ("2021-08-15", "2021-08-31-preview")
# The stable API aksnet pins; azure-mgmt-azurestackhcivm 1.0.0b1's default preview.
LOGICAL_NETWORKS = ("2024-01-01", "2025-06-01-preview")
# azure-mgmt-hybridkubernetes 2.0.0's default; Microsoft's clients (Az.AksArc, templates).
CONNECTED_CLUSTERS = ("2026-05-01", "2024-01-01")
# azure-mgmt-hybridcontainerservice 1.0.0: the only stable API.
HYBRID_CONTAINER_SERVICE = ("2024-01-01",)

# namespace (lower-case) -> resource type (lower-case, "*" for the rest of the namespace) -> versions.
VERSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "microsoft.resources": {"*": RESOURCES},
    "microsoft.network": {
        "*": NETWORK,
        "privatednszones": PRIVATE_DNS,
        "privatednszones/virtualnetworklinks": PRIVATE_DNS,
    },
    "microsoft.containerservice": {"*": CONTAINER_SERVICE},
    "microsoft.managedidentity": {"*": MANAGED_IDENTITY},
    "microsoft.authorization": {"*": AUTHORIZATION, "locks": LOCKS},
    "microsoft.extendedlocation": {"customlocations": CUSTOM_LOCATIONS},
    "microsoft.azurestackhci": {"logicalnetworks": LOGICAL_NETWORKS},
    "microsoft.kubernetes": {"connectedclusters": CONNECTED_CLUSTERS},
    "microsoft.hybridcontainerservice": {"*": HYBRID_CONTAINER_SERVICE},
}


def supported(arm_type: str) -> tuple[str, ...] | None:
    """The versions ARM serves for `arm_type` (`Namespace/type[/child]`), or None when not in the table."""
    namespace, _, rest = arm_type.lower().partition("/")
    table = VERSIONS.get(namespace)
    if table is None or not rest:
        return None
    return table.get(rest, table.get("*"))


def check(arm_type: str, version: str, location: str) -> None:
    """ARM's 400 for a version the type does not serve: its own wording for Microsoft.Resources,
    the resource-provider wording (NoRegisteredProviderFound) for every provider's types."""
    versions = supported(arm_type)
    if versions is None or version in versions:
        return
    if arm_type.lower().startswith("microsoft.resources/"):
        raise ArmError(
            400,
            "InvalidApiVersionParameter",
            f"The api-version '{version}' is invalid. The supported versions are '{','.join(reversed(versions))}'.",
        )
    raise ArmError(
        400,
        "NoRegisteredProviderFound",
        f"No registered resource provider found for location '{location}' and API version '{version}' for type "
        f"'{arm_type.split('/', 1)[1]}'. The supported api-versions are '{', '.join(versions)}'.",
    )
