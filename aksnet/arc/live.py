"""From what Azure Local preflight read to the plan `up` runs: the spec filled from Azure, the live rules,
the IP plan with the real clusters on the network, and how an existing cluster would change. Pure."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from aksnet.arc.addresses import AddressRange
from aksnet.arc.capacity import ArcCapacity, arc_capacity, demand_of, taken_in_prefix
from aksnet.arc.facts import ARC_PROVIDERS, ArcFacts, InstanceFacts, LnetFacts
from aksnet.arc.plan import ArcIds, ArcPlan, build_arc_plan
from aksnet.arc.rules import check_arc, fields
from aksnet.arc.spec import ArcSpec, IpPoolSpec, with_location
from aksnet.arm import same_value
from aksnet.findings import Finding, error, warning
from aksnet.live.drift import Difference
from aksnet.live.evaluate import findings_refusal
from aksnet.live.rules.access import unregistered

IMMUTABLE_HINT = "AKS on Azure Local fixes it at creation: keep the value the cluster has, or create a new cluster"


@dataclass(frozen=True)
class ArcPreflight:
    """The verdict: the plan to run (every finding in it) and the changes it makes to an existing cluster."""

    spec: ArcSpec
    facts: ArcFacts
    plan: ArcPlan
    changes: tuple[Difference, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.plan.findings


def fill_from_live(spec: ArcSpec, facts: ArcFacts) -> ArcSpec:
    """The spec with what it leaves to Azure: the custom location's region, a brought network as it is."""
    if facts.custom_location_region:
        spec = with_location(spec, facts.custom_location_region)
    lnet = facts.lnet
    if not spec.network.existing or lnet is None:
        return spec
    network = dataclasses.replace(
        spec.network,
        address_prefix=lnet.prefixes[0] if lnet.prefixes else None,
        address_prefixes=lnet.prefixes[1:],
        ip_allocation_method="Static" if lnet.allocation.lower() == "static" else "Dynamic",
        gateway=lnet.gateway,
        dns_servers=lnet.dns_servers,
        vlan=lnet.vlan,
        vm_switch_name=lnet.switch,
        ip_pools=tuple(IpPoolSpec(p.range.start, p.range.end) for p in lnet.pools),
    )
    return dataclasses.replace(spec, arc=dataclasses.replace(spec.arc, logical_network=network))


def live_capacity(spec: ArcSpec, facts: ArcFacts) -> ArcCapacity | None:
    """This cluster and the ones really on the network, against the pools, with Azure's free count."""
    network = spec.network
    if not network.pools:
        return None
    pools = network.pools
    others = [o.demand(not any(o.host_ip in p for p in pools)) for o in facts.others]
    explicit = [
        AddressRange(o.host_ip, o.host_ip) for o in facts.others if o.host_ip and not any(o.host_ip in p for p in pools)
    ]
    return arc_capacity(
        network.prefix,
        pools,
        [demand_of(spec), *others],
        taken_outside=[*taken_in_prefix(spec), *explicit],
        pool_available=facts.lnet.available if facts.lnet else None,
    )


def evaluate_arc(spec: ArcSpec, facts: ArcFacts, *, today: date | None = None) -> ArcPreflight:
    """Every finding, offline and live, and the plan built on what Azure holds."""
    filled = fill_from_live(spec, facts)
    ids = ArcIds.of(filled, facts.subscription_id)
    live = [*live_findings(spec, filled, facts, ids)]
    changes = tuple(instance_changes(filled, facts))
    live += [_immutable(d) for d in changes if not d.mutable]
    findings = sorted([*check_arc(filled, today=today), *live], key=lambda f: f.severity != "error")
    capacity = live_capacity(filled, facts)
    plan = build_arc_plan(filled, findings, subscription_id=facts.subscription_id, capacity=capacity)
    plan = dataclasses.replace(plan, error=findings_refusal(filled.deployment, findings))
    return ArcPreflight(filled, facts, plan, changes)


def live_findings(spec: ArcSpec, filled: ArcSpec, facts: ArcFacts, ids: ArcIds) -> Iterator[Finding]:
    yield from unregistered(ARC_PROVIDERS, facts.providers, facts.subscription_id)
    yield from _custom_location(spec, facts)
    yield from _network(spec, facts)
    yield from _connected_cluster(spec, facts)
    yield from _others(filled, facts)
    yield from _pool_left(filled, facts)
    yield from _site_offers(filled, facts)


def _custom_location(spec: ArcSpec, facts: ArcFacts) -> Iterator[Finding]:
    if "custom_location" in facts.unread:
        return
    region = facts.custom_location_region
    if region is None:
        yield error(
            "ARC_CUSTOM_LOCATION_NOT_FOUND",
            "arc.custom_location_id",
            f"custom location {spec.arc.custom_location_id} does not exist (or you may not read it)",
            "ask your Azure Local administrator for the custom location's id and read access to it",
        )
    elif spec.arc.location and not same_value(spec.arc.location.replace(" ", ""), region.replace(" ", "")):
        yield error(
            "ARC_LOCATION_MISMATCH",
            "arc.location",
            f"arc.location is {spec.arc.location} but the custom location is in {region}; AKS Arc resources must "
            "be in the custom location's region",
            f"set arc.location: {region}, or leave it out",
        )


def _network(spec: ArcSpec, facts: ArcFacts) -> Iterator[Finding]:
    lnet, network = facts.lnet, spec.network
    if "lnet" in facts.unread:
        return
    if lnet is None:
        if network.existing:
            yield error(
                "ARC_LNET_NOT_FOUND",
                fields.lnet("name"),
                f"logical network {network.name} does not exist, but the spec brings it (existing: true)",
                "fix the name and resource_group, or set existing: false to let aksnet create it",
            )
        return
    if not same_value(lnet.custom_location, spec.arc.custom_location_id):
        yield error(
            "ARC_LOCATION_MISMATCH",
            fields.lnet("name"),
            f"logical network {lnet.name} belongs to custom location {lnet.custom_location}, not to "
            f"{spec.arc.custom_location_id}",
            "use a logical network of the cluster's custom location",
        )
    if not network.existing and lnet.tags.get("aksnet-deployment") != spec.deployment:
        yield error(
            "ARC_LNET_NOT_OWNED",
            fields.lnet("name"),
            f"logical network {lnet.name} exists and was not created by deployment {spec.deployment}",
            "bring it (existing: true): aksnet then uses it and never changes or deletes it",
        )
    yield from _network_differs(spec, lnet)


def _network_differs(spec: ArcSpec, lnet: LnetFacts) -> Iterator[Finding]:
    """The spec's values of a network that exists must be the network's: none of them can change."""
    network = spec.network
    given = {
        "address_prefix": (network.prefixes or None, lnet.prefixes),
        "gateway": (network.gateway, lnet.gateway),
        "vlan": (network.vlan, lnet.vlan),
        "vm_switch_name": (network.vm_switch_name, lnet.switch),
        "ip_pools": (network.pools or None, tuple(p.range for p in lnet.pools)),
    }
    for name, (want, have) in given.items():
        if want is not None and not same_value(_text(want), _text(have)):
            yield error(
                "IMMUTABLE_CHANGE",
                fields.lnet(name),
                f"logical network {lnet.name} has {name} {_text(have)}, the spec says {_text(want)}; a logical "
                "network's prefix, gateway, pools, VLAN and switch cannot change",
                "write the network's values in the spec (or leave them out of a brought network)",
            )


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


def _connected_cluster(spec: ArcSpec, facts: ArcFacts) -> Iterator[Finding]:
    connected = facts.connected
    if connected is None or facts.connected_owner == spec.deployment:
        return
    yield error(
        "ARC_CLUSTER_NOT_OWNED",
        fields.cluster("name"),
        f"connected cluster {spec.cluster.name} exists and was not created by deployment {spec.deployment}"
        + (f" (kind {connected.get('kind')})" if connected.get("kind") != "ProvisionedCluster" else ""),
        "choose another cluster name; aksnet never takes over a cluster it did not create",
    )


def _others(spec: ArcSpec, facts: ArcFacts) -> Iterator[Finding]:
    """Another cluster's control-plane IP is not this one's, nor in its load-balancer ranges."""
    mine = spec.cluster.control_plane.ip
    for other in facts.others:
        ip = other.host_ip
        if ip is None:
            continue
        if ip == mine:
            yield _taken(fields.CONTROL_PLANE_IP, f"control-plane IP {ip}", other)
        for i, lb in enumerate(spec.cluster.load_balancer_ips):
            if ip in lb:
                yield _taken(fields.lb_range(i), f"load-balancer range {lb}", other, ip)


def _taken(field: str, what: str, other: InstanceFacts, ip: object = None) -> Finding:
    at = f" (it holds {ip})" if ip else ""
    return error(
        "ARC_IP_CONFLICT",
        field,
        f"{what} is the control-plane IP of cluster {other.name}{at}, on the same logical network",
        "pick addresses no other cluster holds (`aksnet status` shows them)",
    )


def _pool_left(spec: ArcSpec, facts: ArcFacts) -> Iterator[Finding]:
    """Azure's own count of free pool addresses against what this cluster still needs."""
    lnet = facts.lnet
    free = lnet.available if lnet is not None else None
    if free is None or (facts.instance is not None and facts.instance.state.lower() == "succeeded"):
        return
    need = demand_of(spec).pool_ips
    if need > free:
        yield error(
            "ARC_IP_POOL_TOO_SMALL",
            fields.lnet("ip_pools"),
            f"logical network {lnet.name if lnet else ''} has {free} free pool addresses now; cluster "
            f"{spec.cluster.name} needs {need} (VMs, 1 upgrade IP and the control-plane IP)",
            "free addresses (remove a cluster), plan fewer nodes, or use another logical network",
        )


def _site_offers(spec: ArcSpec, facts: ArcFacts) -> Iterator[Finding]:
    """The Kubernetes version is ready for every pool's OS SKU; the VM sizes are offered."""
    version = spec.cluster.kubernetes_version
    if facts.versions is None:
        if "versions" not in facts.unread:
            yield warning(
                "ARC_VERSIONS_UNLISTED",
                fields.cluster("kubernetes_version"),
                "the custom location has not listed its Kubernetes versions and VM sizes yet, so their readiness "
                "was not checked",
                "run `az aksarc get-versions --custom-location <id>` once (it creates the list), then re-run",
            )
    elif version:
        for sku in sorted({str(p.os_sku) for p in spec.cluster.node_pools}):
            if not _ready(facts.versions, version, sku):
                yield error(
                    "ARC_VERSION_NOT_READY",
                    fields.cluster("kubernetes_version"),
                    f"Kubernetes {version} is not ready for {sku} on this custom location",
                    f"pick a version listed as ready for {sku} (az aksarc get-versions), or leave it out",
                )
    yield from _sizes(spec, facts.vm_sizes)


def _ready(versions: Sequence[object], version: str, sku: str) -> bool:
    for minor in versions:
        patches = (minor.get("patchVersions") if isinstance(minor, dict) else None) or {}
        for readiness in (patches.get(version) or {}).get("readiness") or []:
            if readiness.get("osSku") == sku and readiness.get("ready"):
                return True
    return False


def _sizes(spec: ArcSpec, offered: tuple[str, ...] | None) -> Iterator[Finding]:
    if offered is None:
        return
    asked = [(fields.cluster("control_plane.vm_size"), spec.cluster.control_plane.vm_size)]
    asked += [(fields.pool(i, "vm_size"), str(p.vm_size)) for i, p in enumerate(spec.cluster.node_pools)]
    for field, size in asked:
        if size not in offered:
            yield error(
                "ARC_VM_SIZE_UNSUPPORTED",
                field,
                f"VM size {size} is not offered by this custom location ({', '.join(offered)})",
                "pick one of the offered sizes (az aksarc vmsize list)",
            )


def instance_changes(spec: ArcSpec, facts: ArcFacts) -> Iterator[Difference]:
    """How the existing cluster differs from the spec; the network settings cannot change."""
    instance = facts.instance
    if instance is None:
        return
    ids = ArcIds.of(spec, facts.subscription_id)
    cluster = spec.cluster
    fixed = {
        "controlPlane.controlPlaneEndpoint.hostIP": (cluster.control_plane.ip, instance.host_ip),
        "networkProfile.podCidr": (str(cluster.pod_cidr), instance.value("networkProfile", "podCidr")),
        "networkProfile.networkPolicy": (
            cluster.network_policy.lower(),
            instance.value("networkProfile", "networkPolicy"),
        ),
        "cloudProviderProfile.infraNetworkProfile.vnetSubnetIds": (ids.logical_network, ",".join(instance.networks)),
    }
    for path, (want, have) in fixed.items():
        if want is not None and have is not None and not same_value(str(want), str(have)):
            yield Difference(path, str(want), str(have), False, IMMUTABLE_HINT)
    yield from _scaled(spec, instance)


def _scaled(spec: ArcSpec, instance: InstanceFacts) -> Iterator[Difference]:
    cluster = spec.cluster
    counts: dict[str, tuple[object, object]] = {
        "controlPlane.count": (cluster.control_plane.count, instance.value("controlPlane", "count"))
    }
    if cluster.kubernetes_version:
        counts["kubernetesVersion"] = (cluster.kubernetes_version, instance.value("kubernetesVersion"))
    have_pools = {p.get("name"): p for p in instance.value("agentPoolProfiles") or []}
    for pool in cluster.node_pools:
        counts[f"agentPoolProfiles[{pool.name}].count"] = (pool.count, (have_pools.get(pool.name) or {}).get("count"))
    for path, (want, have) in counts.items():
        if not same_value(want, have):
            yield Difference(path, want, have, True)


def _immutable(d: Difference) -> Finding:
    return error(
        "IMMUTABLE_CHANGE",
        fields.CLUSTER,
        f"the existing cluster has {d.field} {d.have}, the spec says {d.want}",
        d.hint,
    )
