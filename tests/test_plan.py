"""The plan: order, ids, ownership, and ManagedCluster bodies that say what az would send."""

from __future__ import annotations

import pytest

from aksnet.arm import NETWORK_CONTRIBUTOR, role_assignment_name
from aksnet.plan import PASSWORD_PLACEHOLDER, PRINCIPAL_PLACEHOLDER, build_plan
from helpers import ZERO_SUB, make_spec

KUBENET_RT = (
    "cluster.network_plugin=kubenet",
    "cluster.network_plugin_mode=null",
    "cluster.network_dataplane=null",
    "cluster.network_policy=calico",
    "cluster.pod_cidr=10.244.0.0/16",
    "route_table={name: rt, routes: [{name: onprem, address_prefix: 10.100.0.0/16, "
    "next_hop_type: VirtualNetworkGateway}]}",
)
FLAT = (
    "cluster.network_plugin_mode=null",
    "cluster.network_dataplane=null",
    "cluster.network_policy=null",
    "cluster.pod_cidr=null",
)


def network_profile(*overrides: str) -> dict[str, object]:
    body = build_plan(make_spec(*overrides)).requests["managed_cluster"]
    return dict(body["properties"]["networkProfile"])


def test_steps_run_in_dependency_order_with_the_network_in_parallel() -> None:
    plan = build_plan(make_spec(*KUBENET_RT))
    waves = [[s.id for s in wave] for wave in plan.waves()]
    assert waves[0] == ["resource_group"]
    assert set(waves[1]) == {"virtual_network", "route_table", "identity"}
    assert waves[-1] == ["managed_cluster"]
    seen: set[str] = set()
    for step in plan.steps:
        assert set(step.depends_on) <= seen
        seen.add(step.id)


def test_ids_use_the_zero_subscription_when_none_is_known() -> None:
    plan = build_plan(make_spec())
    assert plan.subscription_id == ZERO_SUB
    assert plan.step("managed_cluster").resource_id == (
        f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks"
    )


def test_grants_network_contributor_on_subnet_and_route_table_only() -> None:
    plan = build_plan(make_spec(*KUBENET_RT))
    grants = [s for s in plan.steps if s.kind == "role_assignment"]
    scopes = [s.resource_id.split("/providers/Microsoft.Authorization/")[0] for s in grants]
    assert scopes == [plan.step("subnet").resource_id, plan.step("route_table").resource_id]
    for step in grants:
        properties = step.body["properties"]  # type: ignore[index]
        assert properties["roleDefinitionId"].endswith(NETWORK_CONTRIBUTOR)
        assert properties["principalType"] == "ServicePrincipal"
        assert properties["principalId"] == PRINCIPAL_PLACEHOLDER


def test_role_assignment_names_are_deterministic_guids_per_deployment_and_scope() -> None:
    scope = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
    assert role_assignment_name("a", scope) == role_assignment_name("a", scope.upper())
    assert role_assignment_name("a", scope) != role_assignment_name("b", scope)
    plan_1, plan_2 = build_plan(make_spec()), build_plan(make_spec())
    assert plan_1.step("role_assignment.subnet").resource_id == plan_2.step("role_assignment.subnet").resource_id


def test_every_created_resource_carries_the_ownership_tags() -> None:
    plan = build_plan(make_spec(*KUBENET_RT, "tags.team=platform"))
    for step in plan.steps:
        if step.action == "create" and step.kind not in ("subnet",):
            assert step.body["tags"] == {
                "team": "platform",
                "aksnet-deployment": "test",
                "managed-by": "aksnet",
            }


def test_route_table_is_associated_with_the_subnet_before_the_cluster() -> None:
    plan = build_plan(make_spec(*KUBENET_RT))
    subnet = plan.step("subnet")
    assert subnet.body["properties"]["routeTable"]["id"] == plan.step("route_table").resource_id  # type: ignore[index]
    assert "subnet" in plan.step("managed_cluster").depends_on


def test_new_vnet_is_created_with_its_subnet_inline() -> None:
    body = build_plan(make_spec()).requests["virtual_network"]
    assert body["properties"]["subnets"] == [{"name": "nodes", "properties": {"addressPrefix": "10.20.0.0/24"}}]


def test_brought_network_is_used_not_created() -> None:
    plan = build_plan(make_spec("vnet.existing=true", "vnet.address_prefixes=[]"))
    assert plan.step("virtual_network").action == "use" and plan.step("virtual_network").body is None
    assert plan.step("subnet").action == "use"


def test_aksnet_route_table_on_a_brought_subnet_is_an_association() -> None:
    plan = build_plan(make_spec("vnet.existing=true", "route_table={name: rt}"))
    assert plan.step("subnet").action == "associate"
    assert set(plan.step("subnet").body["properties"]) == {"routeTable"}  # type: ignore[index]


def test_brought_identity_is_used_and_referenced_by_the_cluster() -> None:
    uami = (
        f"/subscriptions/{ZERO_SUB}/resourceGroups/ops/providers/Microsoft.ManagedIdentity/"
        + "userAssignedIdentities/u"
    )
    plan = build_plan(make_spec("identity={id: " + uami + "}"))
    assert plan.step("identity").action == "use"
    assert plan.requests["managed_cluster"]["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": {uami: {}},
    }


def test_kubenet_profile_matches_az_flags() -> None:
    assert network_profile(*KUBENET_RT) == {
        "networkPlugin": "kubenet",
        "networkPolicy": "calico",
        "podCidr": "10.244.0.0/16",
        "serviceCidr": "10.0.0.0/16",
        "dnsServiceIP": "10.0.0.10",
        "outboundType": "loadBalancer",
        "loadBalancerSku": "standard",
    }


def test_flat_azure_cni_sends_no_pod_range_and_no_policy_when_none_given() -> None:
    profile = network_profile(*FLAT)
    assert "podCidr" not in profile and "networkPolicy" not in profile and "networkPluginMode" not in profile
    assert profile["networkPlugin"] == "azure"


def test_overlay_cilium_sends_dataplane_and_policy_together() -> None:
    profile = network_profile("cluster.network_policy=null")
    assert (profile["networkPluginMode"], profile["networkDataplane"], profile["networkPolicy"]) == (
        "overlay",
        "cilium",
        "cilium",
    )


def test_pools_carry_subnet_max_pods_surge_and_autoscaler_bounds() -> None:
    spec = make_spec(
        "cluster.node_pools.0.max_surge=33%",
        "cluster.node_pools.0.enable_auto_scaling=true",
        "cluster.node_pools.0.min_count=3",
        "cluster.node_pools.0.max_count=9",
    )
    plan = build_plan(spec)
    pool = plan.requests["managed_cluster"]["properties"]["agentPoolProfiles"][0]
    assert pool["vnetSubnetID"] == plan.step("subnet").resource_id
    assert (pool["maxPods"], pool["upgradeSettings"], pool["minCount"], pool["maxCount"]) == (
        250,
        {"maxSurge": "33%"},
        3,
        9,
    )
    assert (
        "upgradeSettings"
        not in build_plan(make_spec()).requests["managed_cluster"]["properties"]["agentPoolProfiles"][0]
    )


def test_windows_password_never_enters_the_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKSNET_WINDOWS_ADMIN_PASSWORD", "Sup3r-Secret-Value!")
    spec = make_spec(
        "cluster.network_dataplane=null",
        "cluster.network_policy=calico",
        "cluster.windows_admin_username=winadmin",
        "cluster.node_pools=[{name: system}, {name: win, os_type: Windows}]",
    )
    plan = build_plan(spec)
    profile = plan.requests["managed_cluster"]["properties"]["windowsProfile"]
    assert profile == {"adminUsername": "winadmin", "adminPassword": PASSWORD_PLACEHOLDER}
    assert "Sup3r-Secret-Value!" not in str(plan.as_dict())


def test_dns_prefix_follows_az() -> None:
    plan = build_plan(make_spec(), subscription_id="12345678-0000-0000-0000-000000000000")
    assert plan.requests["managed_cluster"]["properties"]["dnsPrefix"] == "aks-rg-123456"


def test_live_grant_scopes_are_added_after_the_subnet() -> None:
    nsg = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n"
    plan = build_plan(make_spec(), extra_grant_scopes=[("network_security_group", nsg)])
    assert plan.step("role_assignment.network_security_group").resource_id.startswith(nsg)
    assert "role_assignment.network_security_group" in plan.step("managed_cluster").depends_on


def _needs(plan: object, step_id: str) -> set[str]:
    """Every step `step_id` waits for, directly or through others."""
    todo, seen = [step_id], set()
    while todo:
        for dep in plan.step(todo.pop()).depends_on:  # type: ignore[attr-defined]
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


@pytest.mark.parametrize("overrides", [(), KUBENET_RT, ("vnet.existing=true",)], ids=["overlay", "kubenet", "brought"])
def test_a_cluster_in_your_own_subnet_gets_a_user_assigned_identity_granted_on_it_first(
    overrides: tuple[str, ...],
) -> None:
    """aksnet's choice, not Azure's rule: Azure accepts SystemAssigned here too (the emulator does)."""
    plan = build_plan(make_spec(*overrides))
    assert plan.requests["managed_cluster"]["identity"]["type"] == "UserAssigned"
    subnet = plan.step("subnet").resource_id
    grants = [s.id for s in plan.steps if s.kind == "role_assignment" and s.resource_id.startswith(subnet + "/")]
    assert grants and set(grants) <= _needs(plan, "managed_cluster")
