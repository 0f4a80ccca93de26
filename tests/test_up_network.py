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
from helpers import Recorder, emulated, make_spec, scenario, up

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


# --- a NAT gateway on every node subnet ------------------------------------------------------------------------

SUB = "00000000-0000-0000-0000-000000000000"
TWO_POOLS = "cluster.node_pools=[{name: system, count: 3}, {name: apps, mode: User, count: 2, subnet: snet-apps}]"


def recording(tmp_path: Path) -> tuple[Any, Any]:
    session = emulated(tmp_path)
    recorder = Recorder(session.transport)
    session.transport = recorder
    return session, recorder


def associated_before_the_cluster(recorder: Any, *subnets: str) -> None:
    """Each subnet was PUT with the NAT gateway before the cluster's PUT."""
    puts = [(url, body) for method, url, body, _ in recorder.sent if method == "PUT"]
    cluster = next(i for i, (url, _) in enumerate(puts) if "/managedclusters/" in url)
    for name in subnets:
        with_nat = [
            i
            for i, (url, body) in enumerate(puts)
            if url.endswith(f"/subnets/{name}") and "natGateway" in body["properties"]
        ]
        assert with_nat and with_nat[0] < cluster, name


def nat_gateway_of(session: Any, group: str, vnet: str, subnet: str) -> str | None:
    found = session.clients(SUB).network.subnets.get(group, vnet, subnet).nat_gateway
    return None if found is None else str(found.id)


def test_a_nat_gateway_goes_on_both_created_node_subnets_before_the_cluster_and_all_goes_on_down(
    tmp_path: Path,
) -> None:
    session, recorder = recording(tmp_path)
    spec = scenario("egress-nat-gateway", "vnet.subnets=[{name: snet-apps, address_prefix: 10.70.4.0/22}]", TWO_POOLS)
    result = up(spec, session)
    assert result.error is None, result.error
    associated_before_the_cluster(recorder, "snet-aks-nodes", "snet-apps")
    for name in ("snet-aks-nodes", "snet-apps"):
        assert (nat_gateway_of(session, "rg-aks-natgw", "vnet-aks-natgw", name) or "").endswith("/natGateways/ng-aks")
    down = tear_down(read_teardown(spec, session, {}), DownOptions())
    assert down.error is None, down.error
    assert {r.type for r in down.resources if r.action == "deleted"} >= {
        "Microsoft.Network/natGateways",
        "Microsoft.Network/virtualNetworks",
    }
    assert (
        session.emulator.request(
            "GET", f"https://management.azure.com/subscriptions/{SUB}/resources?api-version=2021-04-01"
        )[2]["value"]
        == []
    )


def brought_vnet(session: Any) -> None:
    """rg-net: VNet vnet-shared 10.70.0.0/16 with node subnets snet-aks-nodes and snet-apps, no NAT gateway."""
    clients = session.clients(SUB)
    clients.resource.resource_groups.create_or_update("rg-net", {"location": "eastus"})
    body = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.70.0.0/16"]}}}
    clients.network.virtual_networks.begin_create_or_update("rg-net", "vnet-shared", body).result()
    for name, prefix in (("snet-aks-nodes", "10.70.0.0/22"), ("snet-apps", "10.70.4.0/22")):
        subnet = {"properties": {"addressPrefix": prefix}}
        clients.network.subnets.begin_create_or_update("rg-net", "vnet-shared", name, subnet).result()


BROUGHT_SUBNETS = (
    "vnet.existing=true",
    "vnet.name=vnet-shared",
    "vnet.resource_group=rg-net",
    "vnet.subnet.existing=true",
    "vnet.subnets=[{name: snet-apps, existing: true}]",
    TWO_POOLS,
)


def test_a_nat_gateway_aksnet_creates_on_two_brought_node_subnets_is_detached_from_both_on_down(
    tmp_path: Path,
) -> None:
    session, recorder = recording(tmp_path)
    brought_vnet(session)
    spec = scenario("egress-nat-gateway", *BROUGHT_SUBNETS)
    result = up(spec, session)
    assert result.error is None, result.error
    associated_before_the_cluster(recorder, "snet-aks-nodes", "snet-apps")
    assert {
        r.id.rsplit("/", 1)[-1]: r.action
        for r in result.resources
        if "/subnets/" in r.id and "Authorization" not in r.id
    } == {
        "snet-aks-nodes": "updated",
        "snet-apps": "updated",
    }
    down = tear_down(read_teardown(spec, session, {}), DownOptions())
    assert down.error is None, down.error
    for name in ("snet-aks-nodes", "snet-apps"):
        assert nat_gateway_of(session, "rg-net", "vnet-shared", name) is None  # the subnets stay, detached
    assert session.clients(SUB).network.virtual_networks.get("rg-net", "vnet-shared").name == "vnet-shared"
    assert "Microsoft.Network/natGateways" in {r.type for r in down.resources if r.action == "deleted"}


def test_preflight_refuses_a_brought_node_subnet_with_another_nat_gateway_and_writes_nothing(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    brought_vnet(session)
    clients = session.clients(SUB)
    theirs = clients.network.nat_gateways.begin_create_or_update(
        "rg-net", "ng-theirs", {"location": "eastus", "sku": {"name": "Standard"}}
    ).result()
    subnet = {"properties": {"addressPrefix": "10.70.4.0/22", "natGateway": {"id": theirs.id}}}
    clients.network.subnets.begin_create_or_update("rg-net", "vnet-shared", "snet-apps", subnet).result()
    puts = session.emulator.stats()["by_method"].get("PUT", 0)
    result = up(scenario("egress-nat-gateway", *BROUGHT_SUBNETS), session)
    assert result.error is not None and result.error.code == "NAT_GATEWAY_MISMATCH"
    assert session.emulator.stats()["by_method"].get("PUT", 0) == puts
    assert (nat_gateway_of(session, "rg-net", "vnet-shared", "snet-apps") or "").endswith("/ng-theirs")


# --- API server VNet integration ----------------------------------------------------------------------------

AKS = "Microsoft.ContainerService/managedClusters"


def subnet_of(session: Any, group: str, vnet: str, name: str) -> Any:
    return session.clients(SUB).network.subnets.get(group, vnet, name)


def delegations_of(subnet: Any) -> list[str]:
    return [d.service_name for d in subnet.delegations or []]


def test_private_cluster_with_vnet_integration_up_again_and_down(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    spec = scenario("private-apiserver-vnet-integration")
    first = up(spec, session)
    assert first.error is None, first.error
    access = first.cluster["properties"]["apiServerAccessProfile"]  # type: ignore[index]
    assert access["enableVnetIntegration"] and access["subnetId"].endswith("/subnets/snet-apiserver")
    api = subnet_of(session, "rg-aks-apiserver", "vnet-aks-apiserver", "snet-apiserver")
    assert delegations_of(api) == [AKS] and len(api.ip_configurations) == 9
    assert any('azure-load-balancer-internal-subnet: "snet-ilb"' in note for note in first.notes)
    granted = {
        r.id.split("/providers/Microsoft.Authorization")[0].rsplit("/", 1)[-1]
        for r in first.resources
        if "roleAssignments" in r.id
    }
    assert granted == {"snet-nodes", "snet-apiserver", "snet-ilb"}
    again = up(spec, session)
    assert again.error is None and {r.action for r in again.resources} == {"unchanged"}
    down = tear_down(read_teardown(spec, session, {}), DownOptions())
    assert down.error is None, down.error
    _, _, body = session.emulator.request(
        "GET", f"https://management.azure.com/subscriptions/{SUB}/resources?api-version=2021-04-01"
    )
    assert body["value"] == []


def network_with_api_subnet(session: Any, *, delegated: bool) -> None:
    """rg-net: VNet vnet-shared with node subnet snet-aks-nodes and API server subnet snet-api (/28)."""
    brought_vnet(session)
    delegations = [{"name": "0", "properties": {"serviceName": AKS}}] if delegated else []
    body = {"properties": {"addressPrefix": "10.70.8.0/28", "delegations": delegations}}
    session.clients(SUB).network.subnets.begin_create_or_update("rg-net", "vnet-shared", "snet-api", body).result()


BROUGHT_API = (
    "vnet.existing=true",
    "vnet.name=vnet-shared",
    "vnet.resource_group=rg-net",
    "vnet.address_prefixes=[]",
    "vnet.subnet.existing=true",
    "vnet.subnet.address_prefix=null",
    "vnet.subnets=[{name: snet-api, existing: true}]",
    "cluster.api_server.vnet_integration=true",
    "cluster.api_server.subnet=snet-api",
)


def test_a_brought_delegated_api_server_subnet_is_used_and_kept_on_down(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    network_with_api_subnet(session, delegated=True)
    spec = scenario("private-cluster-custom-dns", *BROUGHT_API)
    result = up(spec, session)
    assert result.error is None, result.error
    assert len(subnet_of(session, "rg-net", "vnet-shared", "snet-api").ip_configurations) == 9
    down = tear_down(read_teardown(spec, session, {}), DownOptions())
    assert down.error is None, down.error
    kept = subnet_of(session, "rg-net", "vnet-shared", "snet-api")
    assert delegations_of(kept) == [AKS] and not kept.ip_configurations  # the API server left with the cluster


def test_preflight_refuses_a_brought_api_server_subnet_that_is_not_delegated_and_writes_nothing(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    network_with_api_subnet(session, delegated=False)
    puts = session.emulator.stats()["by_method"].get("PUT", 0)
    result = up(scenario("private-cluster-custom-dns", *BROUGHT_API), session)
    assert result.error is not None and result.error.code == "API_SERVER_SUBNET_NOT_DELEGATED"
    assert session.emulator.stats()["by_method"].get("PUT", 0) == puts


def nsg_rule(name: str, priority: int, access: str, source: str, port: str) -> dict[str, Any]:
    props = {"priority": priority, "direction": "Inbound", "access": access, "protocol": "Tcp"}
    props |= {"sourceAddressPrefix": source, "sourcePortRange": "*"}
    return {"name": name, "properties": props | {"destinationAddressPrefix": "*", "destinationPortRange": port}}


def api_subnet_guarded(session: Any, *rules: dict[str, Any]) -> None:
    """The network of network_with_api_subnet, with NSG nsg-api holding `rules` on the API server subnet."""
    network_with_api_subnet(session, delegated=True)
    network = session.clients(SUB).network
    body = {"location": "eastus", "properties": {"securityRules": list(rules)}}
    nsg = network.network_security_groups.begin_create_or_update("rg-net", "nsg-api", body).result()
    subnet = network.subnets.get("rg-net", "vnet-shared", "snet-api")
    subnet.network_security_group = nsg
    network.subnets.begin_create_or_update("rg-net", "vnet-shared", "snet-api", subnet).result()


DENY_NODES_443 = nsg_rule("deny-nodes-443", 100, "Deny", "10.70.0.0/22", "443")


def test_up_refuses_an_api_server_subnet_whose_nsg_denies_the_nodes_443_and_writes_nothing(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    api_subnet_guarded(session, DENY_NODES_443)
    puts = session.emulator.stats()["by_method"].get("PUT", 0)
    result = up(scenario("private-cluster-custom-dns", *BROUGHT_API), session)
    assert result.error is not None and result.error.code == "API_SERVER_NSG_BLOCKS"
    assert result.error.exit_code == 2
    assert session.emulator.stats()["by_method"].get("PUT", 0) == puts


def test_an_allow_rule_before_the_deny_lets_up_create_the_cluster(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    allow = nsg_rule("allow-nodes", 90, "Allow", "10.70.0.0/22", "*")
    api_subnet_guarded(session, DENY_NODES_443, allow)
    result = up(scenario("private-cluster-custom-dns", *BROUGHT_API), session)
    assert result.error is None, result.error
    assert not [f for f in result.findings or () if f.code.startswith("API_SERVER_NSG")]


def test_up_refuses_an_nsg_that_denies_the_load_balancers_probe_on_9988(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    api_subnet_guarded(session, nsg_rule("deny-probe", 200, "Deny", "AzureLoadBalancer", "9988"))
    result = up(scenario("private-cluster-custom-dns", *BROUGHT_API), session)
    assert result.error is not None and result.error.code == "API_SERVER_NSG_BLOCKS"
    assert "TCP 9988 from AzureLoadBalancer" in str(result.error.findings)


def test_the_service_creates_the_cluster_behind_an_nsg_that_denies_its_api_server(tmp_path: Path) -> None:
    """Azure does not refuse the create for R7.10 (the cluster then cannot reach its API server); nor does the
    emulator: only aksnet's preflight does."""
    session = emulated(tmp_path)
    api_subnet_guarded(session, DENY_NODES_443)
    spec = scenario("private-cluster-custom-dns", *BROUGHT_API)
    plan = build_plan(spec)
    result = execute(RunContext(session.clients(plan.subscription_id), plan, session.clock))
    assert result.error is None, result.error


def test_an_api_server_subnet_created_in_a_brought_vnet_is_delegated_recorded_and_deleted_on_down(
    tmp_path: Path,
) -> None:
    session = emulated(tmp_path)
    brought_vnet(session)
    new_api = "vnet.subnets=[{name: snet-api, address_prefix: 10.70.8.0/28, existing: false}]"
    spec = scenario("private-cluster-custom-dns", *BROUGHT_API, new_api)
    result = up(spec, session)
    assert result.error is None, result.error
    assert delegations_of(subnet_of(session, "rg-net", "vnet-shared", "snet-api")) == [AKS]
    down = tear_down(read_teardown(spec, session, {}), DownOptions())
    assert down.error is None, down.error
    names = [s.name for s in session.clients(SUB).network.subnets.list("rg-net", "vnet-shared")]
    assert sorted(names) == ["snet-aks-nodes", "snet-apps"]


def test_an_api_server_subnet_of_ours_without_its_delegation_is_delegated_before_the_cluster(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    subnets = "vnet.subnets=[{name: snet-api, address_prefix: 10.60.8.0/28}]"
    # An earlier run created the network (the subnet undelegated) and stopped before the cluster.
    earlier = build_plan(scenario("private-cluster-custom-dns", subnets))
    network = tuple(s for s in earlier.steps if s.kind in ("resource_group", "virtual_network", "identity", "subnet"))
    assert execute(RunContext(session.clients(SUB), dataclasses.replace(earlier, steps=network), session.clock)).ok
    spec = scenario(
        "private-cluster-custom-dns",
        subnets,
        "cluster.api_server.vnet_integration=true",
        "cluster.api_server.subnet=snet-api",
    )
    result = up(spec, session)
    assert result.error is None, result.error
    step = next(r for r in result.resources if r.id.endswith("/subnets/snet-api"))
    assert (step.action, step.reason) == ("updated", f"delegated to {AKS}")


def test_a_dual_stack_clusters_ipv6_outbound_count_is_sent_converged_and_then_unchanged(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    first = up(scenario("overlay-dual-stack-cilium"), session)
    assert first.error is None, first.error
    lbp = first.cluster["properties"]["networkProfile"]["loadBalancerProfile"]  # type: ignore[index]
    assert lbp["managedOutboundIPs"] == {"count": 1, "countIPv6": 1}  # AKS's dual-stack default
    spec = scenario("overlay-dual-stack-cilium", "cluster.load_balancer={managed_outbound_ipv6: 2}")
    changed = up(spec, session)
    assert changed.error is None, changed.error
    lbp = changed.cluster["properties"]["networkProfile"]["loadBalancerProfile"]  # type: ignore[index]
    assert lbp["managedOutboundIPs"] == {"count": 1, "countIPv6": 2}
    assert len(lbp["effectiveOutboundIPs"]) == 3
    assert {r.action for r in up(spec, session).resources} == {"unchanged"}


def test_moving_an_existing_clusters_api_server_subnet_is_refused_before_any_write(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    assert up(scenario("private-apiserver-vnet-integration"), session).error is None
    puts = session.emulator.stats()["by_method"].get("PUT", 0)
    subnets = (
        "vnet.subnets=[{name: snet-apiserver, address_prefix: 10.80.4.0/28}, "
        "{name: snet-ilb, address_prefix: 10.80.5.0/27}, {name: snet-api2, address_prefix: 10.80.6.0/28}]"
    )
    moved = up(scenario("private-apiserver-vnet-integration", subnets, "cluster.api_server.subnet=snet-api2"), session)
    assert moved.error is not None and moved.error.code == "IMMUTABLE_CHANGE"
    assert any("apiServerAccessProfile.subnetId" in f.message for f in moved.findings or ())
    assert session.emulator.stats()["by_method"].get("PUT", 0) == puts


def test_a_hub_zone_you_bring_serves_a_private_cluster_in_its_spoke_and_is_kept_on_down(tmp_path: Path) -> None:
    session = emulated(tmp_path)
    clients = session.clients(SUB)
    clients.resource.resource_groups.create_or_update("rg-hub", {"location": "eastus"})
    zone = clients.privatedns.private_zones.begin_create_or_update(
        "rg-hub", "privatelink.eastus.azmk8s.io", {"location": "global"}
    ).result()
    hub_zone = "{name: privatelink.eastus.azmk8s.io, existing: true, resource_group: rg-hub}"
    spec = scenario("private-cluster-custom-dns", f"cluster.api_server.private_dns_zone={hub_zone}")
    result = up(spec, session)
    assert result.error is None, result.error
    assert result.cluster["properties"]["apiServerAccessProfile"]["privateDNSZone"] == zone.id  # type: ignore[index]
    assert {r.action for r in result.resources if r.id == zone.id} == {"adopted"}
    down = tear_down(read_teardown(spec, session, {}), DownOptions())
    assert down.error is None, down.error
    assert clients.privatedns.private_zones.get("rg-hub", "privatelink.eastus.azmk8s.io").id == zone.id
