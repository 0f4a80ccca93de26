"""up and down of private clusters with a custom zone and of NAT gateway egress, on the emulator; and
the service's own refusals, sent past aksnet's rules."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from aksnet.azure.context import RunContext
from aksnet.azure.executor import execute
from aksnet.azure.teardown import DownOptions, read_teardown, tear_down
from aksnet.plan import build_plan
from helpers import emulated, make_spec, scenario, up

ZONE = "cluster.api_server.private_dns_zone={name: privatelink.eastus.azmk8s.io}"


def sent(tmp_path: Path, plan: Any) -> Any:
    """Run a plan's steps as they are, without aksnet's rules: what the service says."""
    session = emulated(tmp_path)
    return execute(RunContext(session.clients(plan.subscription_id), plan, session.clock))


def test_the_service_refuses_9_nodes_at_8000_ports_on_1_ip_in_its_own_words(tmp_path: Path) -> None:
    spec = make_spec(
        "cluster.node_pools.0.count=8",
        "cluster.node_pools.0.max_surge=1",
        "cluster.load_balancer={allocated_outbound_ports: 8000}",
    )
    result = sent(tmp_path, build_plan(spec))
    assert result.error is not None and result.error.code == "InvalidLoadBalancerProfileAllocatedOutboundPorts"
    assert "Total node count 9 requires 72000 ports but only 64000 ports are available given 1 outbound public IPs" in (
        result.error.message
    )


def test_a_custom_zone_without_its_grant_is_refused_by_the_service(tmp_path: Path) -> None:
    plan = build_plan(make_spec("cluster.api_server.private=true", ZONE))
    steps = tuple(s for s in plan.steps if s.id != "role_assignment.private_dns_zone")
    cluster = plan.step("managed_cluster")
    depends = (*(d for d in cluster.depends_on if d != "role_assignment.private_dns_zone"), "private_dns_zone")
    steps = tuple(dataclasses.replace(s, depends_on=depends) if s.id == cluster.id else s for s in steps)
    result = sent(tmp_path, dataclasses.replace(plan, steps=steps))
    assert result.error is not None and result.error.code == "CustomPrivateDNSZoneMissingPermissionError"


def test_private_cluster_with_its_zone_up_again_and_down(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    spec = scenario("private-cluster-custom-dns")
    first = up(spec, session)
    assert first.error is None, first.error
    assert first.cluster is not None
    assert first.cluster["properties"]["privateFQDN"].endswith(".aks-private.privatelink.eastus.azmk8s.io")
    again = up(spec, session)
    assert again.error is None and {r.action for r in again.resources} == {"unchanged"}
    down = tear_down(read_teardown(spec, session, {}), DownOptions())
    assert down.error is None, down.error
    kinds = {r.type: r.action for r in down.resources}
    assert kinds["Microsoft.Network/privateDnsZones"] == "deleted"
    assert kinds["Microsoft.Resources/resourceGroups"] == "deleted"


def test_nat_gateway_egress_up_and_down_leaves_nothing(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    spec = scenario("egress-nat-gateway")
    first = up(spec, session)
    assert first.error is None, first.error
    assert any("azure-pip-name: pip-aks-ingress" in note for note in first.notes)
    subnet = session.clients(first.cluster["id"].split("/")[2]).network.subnets.get(  # type: ignore[index]
        "rg-aks-natgw", "vnet-aks-natgw", "snet-aks-nodes"
    )
    assert subnet.nat_gateway.id.endswith("/natGateways/ng-aks")
    down = tear_down(read_teardown(spec, session, {}), DownOptions())
    assert down.error is None, down.error
    _, _, body = session.emulator.request(
        "GET",
        "https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/resources?api-version=2021-04-01",
    )
    assert body["value"] == []


def test_preflight_refuses_a_brought_zone_that_does_not_exist_and_writes_nothing(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    zone = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub/providers/Microsoft.Network/"
    spec = make_spec(
        "cluster.api_server.private=true",
        f"cluster.api_server.private_dns_zone={zone}privateDnsZones/privatelink.eastus.azmk8s.io",
    )
    result = up(spec, session)
    assert result.error is not None and result.error.code == "RESOURCE_NOT_FOUND"
    assert session.emulator.stats()["by_method"].get("PUT", 0) == 0


def test_preflight_refuses_a_static_ip_in_a_group_that_does_not_exist(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    result = up(make_spec("ingress.static_ips=[{name: pip, resource_group: rg-missing}]"), session)
    assert result.error is not None and result.error.code == "RESOURCE_NOT_FOUND"
    assert "rg-missing" in str([f.message for f in result.findings or ()])


def test_outbound_ports_converge_and_a_zone_change_is_refused(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    assert up(scenario("private-cluster-custom-dns"), session).error is None
    changed = up(scenario("private-cluster-custom-dns", "cluster.load_balancer.allocated_outbound_ports=4000"), session)
    assert changed.error is None
    assert changed.cluster is not None
    assert changed.cluster["properties"]["networkProfile"]["loadBalancerProfile"]["allocatedOutboundPorts"] == 4000
    moved = up(
        scenario(
            "private-cluster-custom-dns",
            "cluster.api_server.private_dns_zone={name: other.privatelink.eastus.azmk8s.io}",
        ),
        session,
    )
    assert moved.error is not None and moved.error.code == "IMMUTABLE_CHANGE"
    assert any("privateDNSZone" in f.field + f.message for f in moved.findings or ())  # refused before any write
