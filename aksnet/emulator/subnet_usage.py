"""Which IP configurations sit in a subnet, kept compactly in the subnet's bookkeeping.

A claim belongs to an owner (a NIC or a cluster). A cluster's claim is per scale set:
`nodes` NICs with `per_node` IP configurations each (1, or maxPods + 1 for flat Azure CNI),
so a 50-node pool does not store 12,550 ids; they are spelled out only when the subnet is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aksnet.emulator import ids, netaddr
from aksnet.emulator.store import Row

API_SERVER = "apiserver"  # the role of the addresses a VNet-integrated cluster's API server holds in its subnet


def claims(subnet: Row) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = subnet.meta.setdefault("claims", {})
    return result


def claim(subnet: Row, owner_id: str, groups: list[dict[str, Any]]) -> None:
    """Replace `owner_id`'s IP configurations in `subnet` with `groups`."""
    claims(subnet)[ids.key(owner_id)] = groups


def release(subnet: Row, owner_id: str) -> None:
    claims(subnet).pop(ids.key(owner_id), None)


def owners(subnet: Row) -> list[str]:
    return list(claims(subnet))


def holds_api_server(subnet: Row, owner: str) -> bool:
    """Whether every address `owner` holds in `subnet` is its API server's."""
    return all(g.get("role") == API_SERVER for g in claims(subnet).get(ids.key(owner), []))


def api_server_owners(subnet: Row) -> list[str]:
    """The clusters whose API servers hold addresses in `subnet`."""
    return [o for o, groups in claims(subnet).items() if any(g.get("role") == API_SERVER for g in groups)]


def _group_size(group: dict[str, Any]) -> int:
    if "ids" in group:
        return len(group["ids"])
    return int(group["nodes"]) * int(group["per_node"])


def used(subnet: Row, *, excluding: str | None = None) -> int:
    skip = ids.key(excluding) if excluding else None
    return sum(_group_size(g) for owner, gs in claims(subnet).items() if owner != skip for g in gs)


def free(subnet: Row, *, excluding: str | None = None) -> int:
    net = netaddr.parse(subnet_prefix(subnet))
    return (netaddr.usable_ips(net) if net else 0) - used(subnet, excluding=excluding)


def subnet_prefixes(subnet: Row) -> list[str]:
    """Every prefix of a subnet: `addressPrefix`, or `addressPrefixes` (dual-stack: IPv4 and IPv6)."""
    props = subnet.body["properties"]
    return (
        [str(props["addressPrefix"])]
        if props.get("addressPrefix")
        else [str(p) for p in props.get("addressPrefixes") or []]
    )


def subnet_prefix(subnet: Row) -> str:
    """The subnet's IPv4 prefix (the one addresses are counted in), else its first."""
    prefixes = subnet_prefixes(subnet)
    return next((p for p in prefixes if ":" not in p), prefixes[0] if prefixes else "")


def _group_ids(group: dict[str, Any]) -> Iterator[str]:
    if "ids" in group:
        yield from group["ids"]
        return
    if "load_balancer" in group:  # an API server's addresses, as frontends of its kube-apiserver load balancer
        for n in range(1, _group_size(group) + 1):
            yield f"{group['load_balancer']}/frontendIPConfigurations/kube-apiserver-{n}"
        return
    vmss = group["vmss"]
    nic = vmss.rsplit("/", 1)[-1]
    for node in range(int(group["nodes"])):
        for n in range(1, int(group["per_node"]) + 1):
            yield f"{vmss}/virtualMachines/{node}/networkInterfaces/{nic}/ipConfigurations/ipconfig{n}"


def ip_configuration_ids(subnet: Row) -> Iterator[str]:
    for groups in claims(subnet).values():
        for group in groups:
            yield from _group_ids(group)


def in_use_by(subnet: Row) -> str | None:
    """The first IP configuration id in the subnet, for InUseSubnetCannotBeDeleted."""
    return next(ip_configuration_ids(subnet), None)
