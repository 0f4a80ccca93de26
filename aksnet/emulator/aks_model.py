"""The ManagedCluster body: partial-PUT back-fill, server defaults, and a typed view for checks."""

from __future__ import annotations

import copy
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from aksnet.emulator import ids

DEFAULT_KUBERNETES_VERSION = "1.33.3"
DEFAULT_POD_CIDR = "10.244.0.0/16"
DEFAULT_SERVICE_CIDR = "10.0.0.0/16"
DEFAULT_DNS_SERVICE_IP = "10.0.0.10"
# Dual-stack IPv6 defaults, as documented (configure-dual-stack.md, azure-cni-overlay.md); the official
# DualStackNetworking REST example shows illustrative other ones.
DEFAULT_POD_CIDR_V6 = "fd12:3456:789a::/64"
DEFAULT_SERVICE_CIDR_V6 = "fd12:3456:789a:1::/108"
LINUX_IMAGE = "AKSUbuntu-2204gen2containerd-202610.01.0"
DEFAULT_VM_SIZE = "Standard_D2s_v5"
# arm-facts §3.2: "If not specified, the default is 10%"; maxUnavailable defaults to 0.
DEFAULT_UPGRADE_SETTINGS = {"maxSurge": "10%", "maxUnavailable": "0"}
WINDOWS_IMAGE = "AKSWindows-2022-containerd-20348.4294.261010"

_READ_ONLY = (
    "provisioningState",
    "powerState",
    "fqdn",
    "azurePortalFQDN",
    "currentKubernetesVersion",
    "maxAgentPools",
)
_POOL_READ_ONLY = ("eTag", "provisioningState", "powerState", "currentOrchestratorVersion", "nodeImageVersion")
_REPLACED = ("tags", "userAssignedIdentities")


def short_hash(text: str) -> str:
    """Eight digits derived from an id, like the suffixes AKS puts in generated names."""
    return f"{int(hashlib.sha256(text.lower().encode()).hexdigest(), 16) % 10**8:08d}"


# --- partial PUT ------------------------------------------------------------------------------


def strip_read_only(request: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(request)
    out.pop("eTag", None)
    props = out.get("properties") or {}
    for key in _READ_ONLY:
        props.pop(key, None)
    for pool in props.get("agentPoolProfiles") or []:
        for key in _POOL_READ_ONLY:
            pool.pop(key, None)
    return out


def merge(stored: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """AKS back-fills what a PUT omits (null, "" or []) from the stored cluster (arm-facts §1.1)."""
    out = copy.deepcopy(stored)
    _drop_derived(out, request)
    for key, value in request.items():
        if value is None or value in ("", []):
            continue
        if key == "agentPoolProfiles":
            out[key] = _merge_pools(out.get(key) or [], value)
        elif isinstance(value, dict) and isinstance(out.get(key), dict) and key not in _REPLACED:
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _drop_derived(out: dict[str, Any], request: dict[str, Any]) -> None:
    """A new podCidr/serviceCidr re-derives the plural lists instead of keeping stale ones."""
    for single, plural in (("podCidr", "podCidrs"), ("serviceCidr", "serviceCidrs")):
        if request.get(single) and not request.get(plural):
            out.pop(plural, None)


def _merge_pools(stored: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_name = {p.get("name"): p for p in stored}
    merged = [merge(by_name.get(p.get("name"), {}), p) for p in wanted]
    named = {p.get("name") for p in wanted}
    return merged + [p for p in stored if p.get("name") not in named]


# --- defaults ---------------------------------------------------------------------------------


def default_max_pods(plugin: str, overlay: bool, pod_subnet: bool) -> int:
    """arm-facts §4.3: overlay 250, pod subnet 110, flat Azure CNI 30, kubenet 110."""
    if plugin == "azure" and not overlay:
        return 110 if pod_subnet else 30
    return 110 if plugin == "kubenet" else 250


def fill(mc: dict[str, Any], cluster_id: str) -> dict[str, Any]:
    """Fill the server defaults a response shows (arm-facts §3)."""
    mc = copy.deepcopy(mc)
    sub, rg, name = ids.subscription_of(cluster_id), ids.rg_of(cluster_id), ids.name_of(cluster_id)
    location = mc["location"]
    mc.update(id=cluster_id, name=name, type=ids.MANAGED_CLUSTER)
    mc.setdefault("sku", {"name": "Base", "tier": "Free"})
    props = mc.setdefault("properties", {})
    version = props.get("kubernetesVersion") or DEFAULT_KUBERNETES_VERSION
    props.update(kubernetesVersion=version, currentKubernetesVersion=version, maxAgentPools=100)
    props.setdefault("dnsPrefix", f"{name[:10]}-{rg[:16]}-{sub[:6]}")
    props["fqdn"] = f"{props['dnsPrefix']}-{short_hash(cluster_id)}.hcp.{location}.azmk8s.io"
    props["azurePortalFQDN"] = props["fqdn"].replace(".hcp.", ".portal.hcp.")
    _fill_private(props, cluster_id, location)
    props.setdefault("nodeResourceGroup", f"MC_{rg}_{name}_{location}")
    props.setdefault("enableRBAC", True)
    props.setdefault("supportPlan", "KubernetesOfficial")
    node_rg = ids.rg_id(sub, props["nodeResourceGroup"])
    _fill_network(props.setdefault("networkProfile", {}), node_rg, cluster_id)
    _fill_pools(props, version)
    _fill_identity(mc)
    return mc


def _fill_private(props: dict[str, Any], cluster_id: str, location: str) -> None:
    """A private cluster's API server name: in its custom zone, or AKS's privatelink zone."""
    api = props.get("apiServerAccessProfile") or {}
    if not api.get("enablePrivateCluster"):
        props.pop("privateFQDN", None)
        return
    zone = str(api.get("privateDNSZone") or "system")
    suffix = ids.name_of(zone) if zone.lower() not in ("system", "none") else f"privatelink.{location}.azmk8s.io"
    props["privateFQDN"] = f"{props['dnsPrefix']}-{short_hash(cluster_id + 'private')}.{suffix}"
    api.setdefault("privateDNSZone", "system")
    api.setdefault("enablePrivateClusterPublicFQDN", zone.lower() == "none")


def _fill_network(np: dict[str, Any], node_rg: str, cluster_id: str) -> None:
    if not np.get("networkPlugin"):
        # Service default for Kubernetes >= 1.30: Azure CNI Overlay (arm-facts §3.1).
        np["networkPlugin"] = "azure"
        np.setdefault("networkPluginMode", "overlay")
    if np["networkPlugin"] == "azure":
        np.setdefault("networkDataplane", "azure")
    if not np.get("networkPolicy"):
        np["networkPolicy"] = "cilium" if np.get("networkDataplane") == "cilium" else "none"
    np.setdefault("ipFamilies", ["IPv4"])
    dual = any(str(f).lower() == "ipv6" for f in np["ipFamilies"])
    if np["networkPlugin"] == "kubenet" or np.get("networkPluginMode") == "overlay":
        _fill_cidrs(np, "podCidr", "podCidrs", DEFAULT_POD_CIDR, DEFAULT_POD_CIDR_V6 if dual else None)
    _fill_cidrs(np, "serviceCidr", "serviceCidrs", DEFAULT_SERVICE_CIDR, DEFAULT_SERVICE_CIDR_V6 if dual else None)
    np.setdefault("dnsServiceIP", DEFAULT_DNS_SERVICE_IP)
    np.setdefault("outboundType", "loadBalancer")
    np.setdefault("loadBalancerSku", "standard")
    _fill_egress(np, node_rg, cluster_id, dual)


def _fill_cidrs(np: dict[str, Any], single: str, plural: str, v4: str, v6: str | None) -> None:
    if not np.get(single):
        np[single] = (np.get(plural) or [v4])[0]
    if not np.get(plural):
        np[plural] = [np[single], v6] if v6 else [np[single]]


def _public_ips(node_rg: str, cluster_id: str, count: int) -> list[dict[str, str]]:
    stem = f"{node_rg}/providers/Microsoft.Network/publicIPAddresses"
    return [{"id": f"{stem}/{short_hash(cluster_id + str(i))}-outbound"} for i in range(count)]


def _fill_egress(np: dict[str, Any], node_rg: str, cluster_id: str, dual: bool) -> None:
    if np["outboundType"] == "loadBalancer":
        lbp = np.setdefault("loadBalancerProfile", {})
        brought = (lbp.get("outboundIPs") or {}).get("publicIPs") or []
        if brought or lbp.get("outboundIPPrefixes"):
            lbp.pop("managedOutboundIPs", None)  # one outbound IP option at a time
            lbp["effectiveOutboundIPs"] = [{"id": r["id"]} for r in brought]
        else:
            managed = lbp.setdefault("managedOutboundIPs", {"count": 1})
            if dual:  # ipFamilies compare case-insensitively: az sends ["ipv4", "ipv6"]
                managed.setdefault("countIPv6", 1)
            count = int(managed.get("count", 1)) + int(managed.get("countIPv6", 0))
            lbp["effectiveOutboundIPs"] = _public_ips(node_rg, cluster_id, count)
        lbp.setdefault("allocatedOutboundPorts", 0)
        lbp.setdefault("idleTimeoutInMinutes", 30)
    elif np["outboundType"] == "managedNATGateway":
        ngp = np.setdefault("natGatewayProfile", {})
        managed = ngp.setdefault("managedOutboundIPProfile", {"count": 1})
        ngp["effectiveOutboundIPs"] = _public_ips(node_rg, cluster_id, int(managed.get("count", 1)))
        ngp.setdefault("idleTimeoutInMinutes", 4)


def _fill_pools(props: dict[str, Any], version: str) -> None:
    np = props["networkProfile"]
    overlay = np.get("networkPluginMode") == "overlay"
    for index, pool in enumerate(props.get("agentPoolProfiles") or []):
        pool.setdefault("count", 1)
        # az sends "" for what it leaves to the service: vmSize and orchestratorVersion (az-vs-emulator D6).
        pool["vmSize"] = pool.get("vmSize") or DEFAULT_VM_SIZE
        pool["upgradeSettings"] = DEFAULT_UPGRADE_SETTINGS | (pool.get("upgradeSettings") or {})
        pool.setdefault("osType", "Linux")
        pool.setdefault("type", "VirtualMachineScaleSets")
        pool.setdefault("mode", "System" if index == 0 else "User")
        pod_subnet = bool(pool.get("podSubnetID"))
        pool.setdefault("maxPods", default_max_pods(np["networkPlugin"], overlay, pod_subnet))
        pool["orchestratorVersion"] = pool.get("orchestratorVersion") or version
        pool["currentOrchestratorVersion"] = pool["orchestratorVersion"]
        windows = pool["osType"] == "Windows"
        pool["nodeImageVersion"] = WINDOWS_IMAGE if windows else LINUX_IMAGE
        pool.setdefault("osSKU", "Windows2022" if windows else "Ubuntu")
        pool.setdefault("osDiskSizeGB", 128)
        pool.setdefault("enableNodePublicIP", False)
        pool.setdefault("powerState", {"code": "Running"})


def _fill_identity(mc: dict[str, Any]) -> None:
    props = mc["properties"]
    if mc.get("identity") is None and props.get("servicePrincipalProfile") is None:
        mc["identity"] = {"type": "SystemAssigned"}
    if mc.get("identity") is not None:
        props.setdefault("servicePrincipalProfile", {"clientId": "msi"})
    props.setdefault("powerState", {"code": "Running"})


def stamp(mc: dict[str, Any], *pools: str) -> None:
    """A new eTag for the cluster and for `pools` (every pool when none is named): it changed."""
    mc["eTag"] = new_etag()
    for pool in mc["properties"].get("agentPoolProfiles") or []:
        if not pools or pool.get("name") in pools:
            pool["eTag"] = new_etag()


def new_etag() -> str:
    return str(uuid.uuid4())


def set_state(mc: dict[str, Any], state: str) -> None:
    props = mc["properties"]
    props["provisioningState"] = state
    for pool in props.get("agentPoolProfiles") or []:
        pool["provisioningState"] = state


# --- a typed view for validation ----------------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    """The networking-relevant fields of one agent pool."""

    name: str
    count: int
    max_count: int | None
    autoscale: bool
    max_pods: int
    os_type: str
    mode: str
    subnet_id: str | None
    pod_subnet_id: str | None
    pod_ip_allocation_mode: str | None = None

    @property
    def allocation_mode(self) -> str | None:
        """DynamicIndividual (the default) or StaticBlock on a pod subnet; None without one."""
        return (self.pod_ip_allocation_mode or "DynamicIndividual") if self.pod_subnet_id else None

    @property
    def planned_nodes(self) -> int:
        """Nodes the RP plans capacity for: the autoscaler's maxCount when enabled."""
        return self.max_count if self.autoscale and self.max_count else self.count


@dataclass(frozen=True)
class Net:
    """The networking-relevant fields of a filled ManagedCluster."""

    plugin: str
    mode: str
    policy: str
    dataplane: str
    pod_cidr: str | None
    service_cidr: str
    dns_service_ip: str
    outbound: str
    pools: tuple[Pool, ...]
    identity_type: str
    identity_ids: tuple[str, ...]
    ip_families: tuple[str, ...] = ("IPv4",)
    pod_cidrs: tuple[str, ...] = ()
    service_cidrs: tuple[str, ...] = ()
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION

    @property
    def dual_stack(self) -> bool:
        """ipFamilies lists IPv6."""
        return any(f.lower() == "ipv6" for f in self.ip_families)

    @property
    def overlay(self) -> bool:
        return self.plugin == "azure" and self.mode == "overlay"

    @property
    def flat_cni(self) -> bool:
        return self.plugin == "azure" and not self.overlay

    @property
    def windows(self) -> bool:
        return any(p.os_type == "Windows" for p in self.pools)

    @property
    def subnet_ids(self) -> tuple[str, ...]:
        """The pools' node subnets, once each."""
        return _unique(p.subnet_id for p in self.pools)

    @property
    def pod_subnet_ids(self) -> tuple[str, ...]:
        """The pools' pod subnets, once each."""
        return _unique(p.pod_subnet_id for p in self.pools)


def _unique(subnet_ids: Any) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for subnet_id in subnet_ids:
        if subnet_id:
            seen.setdefault(ids.key(subnet_id), subnet_id)
    return tuple(seen.values())


def _pool(raw: dict[str, Any]) -> Pool:
    return Pool(
        name=str(raw.get("name", "")),
        count=int(raw.get("count", 1)),
        max_count=raw.get("maxCount"),
        autoscale=bool(raw.get("enableAutoScaling")),
        max_pods=int(raw.get("maxPods", 0)),
        os_type=str(raw.get("osType", "Linux")),
        mode=str(raw.get("mode", "User")),
        subnet_id=raw.get("vnetSubnetID") or None,
        pod_subnet_id=raw.get("podSubnetID") or None,
        pod_ip_allocation_mode=raw.get("podIPAllocationMode") or None,
    )


def view(mc: dict[str, Any]) -> Net:
    props = mc["properties"]
    np = props["networkProfile"]
    identity = mc.get("identity") or {}
    return Net(
        plugin=np["networkPlugin"],
        mode=np.get("networkPluginMode") or "",
        policy=np.get("networkPolicy") or "none",
        dataplane=np.get("networkDataplane") or "azure",
        pod_cidr=np.get("podCidr"),
        service_cidr=np["serviceCidr"],
        dns_service_ip=np["dnsServiceIP"],
        outbound=np["outboundType"],
        pools=tuple(_pool(p) for p in props.get("agentPoolProfiles") or []),
        identity_type=str(identity.get("type", "None")),
        identity_ids=tuple((identity.get("userAssignedIdentities") or {}).keys()),
        ip_families=tuple(str(f) for f in np.get("ipFamilies") or ("IPv4",)),
        pod_cidrs=tuple(str(c) for c in np.get("podCidrs") or ()),
        service_cidrs=tuple(str(c) for c in np.get("serviceCidrs") or ()),
        kubernetes_version=str(props.get("kubernetesVersion") or DEFAULT_KUBERNETES_VERSION),
    )
