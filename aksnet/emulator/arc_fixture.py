"""What an Azure Local deployment leaves in a subscription, seeded on the first Azure Local request.

The emulator cannot deploy Azure Local, so the custom location is data: `cl-azlocal` in `rg-azlocal`
(eastus), its virtual switch, the Kubernetes versions it offers with per-OS readiness, the VM sizes
of [SCALE]; plus what an infrastructure team set up: the logical network `lnet-shared` (VLAN 48) and
a cluster `arc-existing` (rg-azlocal-apps) already using it. Seeded once per subscription.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aksnet.emulator import arc_lnets, arc_locations, ids, resources
from aksnet.emulator.arc_clusters import store_connected
from aksnet.emulator.context import Ctx
from aksnet.emulator.router import Handler, Response, Route
from aksnet.emulator.store import Row, Tx

GROUP = "rg-azlocal"
APPS_GROUP = "rg-azlocal-apps"
CUSTOM_LOCATION = "cl-azlocal"
REGION = "eastus"
SWITCH = "ConvergedSwitch(management_compute_storage)"
SHARED_LNET = "lnet-shared"
EXISTING_CLUSTER = "arc-existing"


def _readiness(*ready_for: str) -> list[dict[str, Any]]:
    skus = {"CBLMariner": "Linux", "Windows2019": "Windows", "Windows2022": "Windows"}
    return [
        {
            "osType": os_type,
            "osSku": sku,
            "ready": sku in ready_for,
            **({} if sku in ready_for else {"errorMessage": f"{sku} image not downloaded"}),
        }
        for sku, os_type in skus.items()
    ]


KUBERNETES_VERSIONS = [
    {
        "version": "1.30",
        "isPreview": False,
        "patchVersions": {
            "1.30.4": {"readiness": _readiness("CBLMariner", "Windows2019", "Windows2022"), "upgrades": ["1.31.5"]}
        },
    },
    {
        "version": "1.31",
        "isPreview": False,
        "patchVersions": {"1.31.5": {"readiness": _readiness("CBLMariner", "Windows2022"), "upgrades": ["1.32.3"]}},
    },
    {
        "version": "1.32",
        "isPreview": False,
        "patchVersions": {"1.32.3": {"readiness": _readiness("CBLMariner"), "upgrades": []}},
    },
]
VM_SIZES = [
    ("Standard_A2_v2", 2, 4),
    ("Standard_K8S3_v1", 4, 6),
    ("Standard_A4_v2", 4, 8),
    ("Standard_D4s_v3", 4, 16),
    ("Standard_D8s_v3", 8, 32),
    ("Standard_D16s_v3", 16, 64),
    ("Standard_D32s_v3", 32, 128),
]


def _sku(name: str, cpu: int, memory: int) -> dict[str, Any]:
    capabilities = [{"name": "vCPUs", "value": str(cpu)}, {"name": "MemoryGB", "value": str(memory)}]
    return {
        "resourceType": "virtualMachines",
        "name": name,
        "tier": "Standard",
        "size": name.split("_", 1)[1],
        "capabilities": capabilities,
    }


def custom_location_id(sub: str) -> str:
    return ids.provider_id(sub, GROUP, ids.CUSTOM_LOCATION, CUSTOM_LOCATION)


def seed(tx: Tx, sub: str, now: float) -> None:
    """The custom location, the shared network and the cluster on it (once per subscription)."""
    flag = f"arc_seeded:{sub.lower()}"
    if tx.kv_get(flag):
        return
    tx.kv_set(flag, "1")
    for group in (GROUP, APPS_GROUP):
        resources.ensure_rg(tx, ids.rg_id(sub, group), REGION, tags=None, managed_by=None, now=now)
    location = _custom_location(sub, now)
    tx.put(location)
    for kind in arc_locations.LISTS:  # as `az aksarc get-versions` or the portal leaves them
        arc_locations.make_list(tx, location, kind, state="Succeeded", now=now)
    lnet = _shared_lnet(tx, sub, location.id, now)
    _existing_cluster(tx, sub, location.id, lnet, now)


def _custom_location(sub: str, now: float) -> Row:
    rid = custom_location_id(sub)
    host = ids.provider_id(sub, GROUP, "Microsoft.ResourceConnector/appliances", "azlocal-arcbridge")
    body = {
        "id": rid,
        "name": CUSTOM_LOCATION,
        "type": ids.CUSTOM_LOCATION,
        "location": REGION,
        "properties": {
            "hostResourceId": host,
            "hostType": "Kubernetes",
            "namespace": "azlocal",
            "displayName": CUSTOM_LOCATION,
            "provisioningState": "Succeeded",
        },
    }
    meta = {"kubernetesVersions": KUBERNETES_VERSIONS, "skus": [_sku(*s) for s in VM_SIZES], "switches": [SWITCH]}
    return Row(rid, ids.CUSTOM_LOCATION, body, meta, now)


def _shared_lnet(tx: Tx, sub: str, location: str, now: float) -> Row:
    route = {"name": "default", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopIpAddress": "10.220.48.1"}}
    subnet = {
        "addressPrefix": "10.220.48.0/24",
        "ipAllocationMethod": "Static",
        "vlan": 48,
        "ipPools": [{"start": "10.220.48.20", "end": "10.220.48.59"}],
        "routeTable": {"properties": {"routes": [route]}},
    }
    body = {
        "location": REGION,
        "extendedLocation": {"type": "CustomLocation", "name": location},
        "properties": {
            "vmSwitchName": SWITCH,
            "dhcpOptions": {"dnsServers": ["10.220.48.10"]},
            "subnets": [{"name": SHARED_LNET, "properties": subnet}],
        },
    }
    rid = ids.provider_id(sub, GROUP, ids.LOGICAL_NETWORK, SHARED_LNET)
    return arc_lnets.store_lnet(tx, rid, body, None, now=now, state="Succeeded")


def _existing_cluster(tx: Tx, sub: str, location: str, lnet: Row, now: float) -> None:
    """`arc-existing`: 1 control-plane node and 2 workers, its control-plane IP taken from the pool."""
    connected = ids.provider_id(sub, APPS_GROUP, ids.CONNECTED_CLUSTER, EXISTING_CLUSTER)
    cc_body = {
        "location": REGION,
        "kind": "ProvisionedCluster",
        "identity": {"type": "SystemAssigned"},
        "properties": {"agentPublicKeyCertificate": ""},
    }
    store_connected(tx, connected, cc_body, None, now=now, state="Succeeded")
    rid = f"{connected}/providers/{ids.PROVISIONED_CLUSTER}/default"
    held = arc_lnets.allocate(tx, lnet, rid, {"control-plane-ip": 1, "node": 3})
    properties = {
        "controlPlane": {
            "count": 1,
            "vmSize": "Standard_A4_v2",
            "controlPlaneEndpoint": {"hostIP": held["control-plane-ip"][0]},
        },
        "kubernetesVersion": "1.30.4",
        "networkProfile": {"loadBalancerProfile": {"count": 0}, "networkPolicy": "calico", "podCidr": "10.244.0.0/16"},
        "agentPoolProfiles": [
            {
                "name": "nodepool1",
                "count": 2,
                "vmSize": "Standard_A4_v2",
                "osType": "Linux",
                "osSKU": "CBLMariner",
                "enableAutoScaling": False,
            }
        ],
        "cloudProviderProfile": {"infraNetworkProfile": {"vnetSubnetIds": [lnet.id]}},
        "provisioningState": "Succeeded",
        "status": {"currentState": "Succeeded"},
    }
    body = {
        "id": rid,
        "name": "default",
        "type": ids.PROVISIONED_CLUSTER,
        "extendedLocation": {"type": "CustomLocation", "name": location},
        "properties": properties,
    }
    tx.put(Row(rid, ids.PROVISIONED_CLUSTER, body, {"lnet": lnet.id, "parent": connected}, now))


def seeded(routes: list[Route]) -> list[Route]:
    """The routes, each seeding the Azure Local fixture first in the request's subscription."""
    return [Route(r.method, r.pattern, _seeding(r.handler), r.arm_type) for r in routes]


def _seeding(handler: Handler) -> Callable[[Ctx, dict[str, str]], Response]:
    def seeded_handler(ctx: Ctx, params: dict[str, str]) -> Response:
        seed(ctx.tx, params["sub"], ctx.now)
        return handler(ctx, params)

    return seeded_handler
