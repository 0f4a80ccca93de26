"""The load balancer's outbound IP options as AKS takes them: one option per request, and an update that brings
your own IPs replaces the managed ones the cluster had."""

from __future__ import annotations

from typing import Any

AKS_API = "2026-08-01"
OVERLAY = {"networkPlugin": "azure", "networkPluginMode": "overlay"}


def _pip(arm: Any, net: dict[str, Any], name: str = "pip") -> str:
    body = {"location": "eastus", "sku": {"name": "Standard"}}
    pip = str(arm.ok("PUT", arm.net_id("rg1", "publicIPAddresses", name), body)["id"])
    arm.grant(net["identity"]["properties"]["principalId"], pip)
    return pip


def test_managed_ips_and_your_own_in_one_request_are_refused(arm: Any) -> None:
    net = arm.network_for_cluster(route_table=False)
    lbp = {"managedOutboundIPs": {"count": 2}, "outboundIPs": {"publicIPs": [{"id": _pip(arm, net)}]}}
    body = arm.cluster_body(net, **OVERLAY, loadBalancerProfile=lbp)
    status, answer = arm.call("PUT", arm.cluster_path(), body, AKS_API)
    assert (status, answer["code"]) == (400, "LoadBalancerProfileOutboundIPOptionsExclusive"), answer


def test_an_update_to_your_own_ips_replaces_the_managed_ones(arm: Any) -> None:
    net = arm.network_for_cluster(route_table=False)
    assert arm.call("PUT", arm.cluster_path(), arm.cluster_body(net, **OVERLAY), AKS_API)[0] == 201
    pip = _pip(arm, net)
    update = arm.cluster_body(net, **OVERLAY, loadBalancerProfile={"outboundIPs": {"publicIPs": [{"id": pip}]}})
    status, answer = arm.call("PUT", arm.cluster_path(), update, AKS_API)
    assert status == 200, answer
    profile = arm.get(arm.cluster_path(), AKS_API)["properties"]["networkProfile"]["loadBalancerProfile"]
    assert "managedOutboundIPs" not in profile
    assert profile["effectiveOutboundIPs"] == [{"id": pip}]
