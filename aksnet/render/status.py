"""`status` as text: the network profile, pools and subnet address use."""

from __future__ import annotations

from typing import Any

from aksnet.render.text import DEFAULT_WIDTH, pairs, table


def render_status(status: dict[str, Any], width: int = DEFAULT_WIDTH) -> str:
    network = status["network_profile"]
    owner = status["ownership"]
    rows = [
        ("cluster", f"{status['name']} ({status['provisioning_state']}, Kubernetes {status['kubernetes_version']})"),
        (
            "network plugin",
            f"{network['networkPlugin']}"
            + (f" ({network['networkPluginMode']})" if network["networkPluginMode"] else ""),
        ),
        ("dataplane", network["networkDataplane"] or "azure"),
        ("policy engine", status["policy_engine"]),
        ("pod range", _ranges(network, "podCidr") or "pods take subnet addresses"),
        ("service range", f"{_ranges(network, 'serviceCidr')} (DNS {network['dnsServiceIP']})"),
        ("outbound", network["outboundType"]),
        ("node resource group", status["node_resource_group"]),
        (
            "owner",
            f"aksnet deployment {owner['deployment']}" if owner["managed_by_aksnet"] else "not created by aksnet",
        ),
    ]
    pools = table(
        ("pool", "mode", "os", "nodes", "vm size", "max pods", "state"),
        (
            (p["name"], p["mode"], p["osType"], p["count"], p["vmSize"], p["maxPods"], p["provisioningState"])
            for p in status["node_pools"]
        ),
    )
    subnets = table(
        ("subnet", "for", "pools", "prefix", "used", "free", "route table"),
        (
            (
                s["id"].rsplit("/", 1)[-1],
                s.get("role"),
                ", ".join(s.get("pools") or []),
                " ".join(p for p in (s.get("address_prefix"), s.get("address_prefix_ipv6")) if p) or "-",
                s.get("used"),
                s.get("free"),
                (s.get("route_table") or "-").rsplit("/", 1)[-1],
            )
            for s in status["subnets"]
        ),
    )
    return "\n".join(
        [
            pairs(rows, width=width),
            "",
            "Node pools",
            pools,
            "",
            "Subnets (used = NIC ip configurations; Azure keeps 5 more)",
            subnets,
        ]
    )


def _ranges(network: dict[str, Any], single: str) -> str:
    """The range, or both of a dual-stack cluster (`podCidrs`), comma-separated."""
    return ", ".join(network.get(f"{single}s") or []) or str(network.get(single) or "")
