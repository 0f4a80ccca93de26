"""The policy-engine migration planner: the path table as a spec, refusals, warnings, ARM parsing."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from migration_paths import (
    CALICO,
    CILIUM,
    NO_CILIUM_ON_KUBENET,
    NO_CILIUM_WITH_WINDOWS,
    NO_NPM_ON_KUBENET,
    NPM,
    PATHS,
    InvalidSource,
    N,
    Refused,
)

from aksnet.errors import InvalidRequest
from aksnet.policy_migration import (
    ClusterNetwork,
    MigrationPlan,
    MigrationRefused,
    MigrationStep,
    apply_step,
    plan_policy_migration,
)

TODAY = date(2026, 11, 22)
REST_EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "rest-examples"
CLUSTER_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1"
    "/providers/Microsoft.ContainerService/managedClusters/aks1"
)

# --- the four networks of the table ----------------------------------------------------------------------

KUBENET = ClusterNetwork(
    id=CLUSTER_ID,
    name="aks1",
    provisioning_state="Succeeded",
    plugin="kubenet",
    plugin_mode=None,
    dataplane="azure",
    policy="none",
    pool_os=("Linux", "Linux"),
    identity_type="UserAssigned",
    ip_families=("IPv4",),
    pod_cidr="10.244.0.0/16",
    service_cidr="10.0.0.0/16",
    kubernetes_version="1.31.2",
    pod_subnet=False,
)
AZURE_CNI = replace(KUBENET, plugin="azure", pod_cidr=None)
OVERLAY = replace(KUBENET, plugin="azure", plugin_mode="overlay")
OVERLAY_WINDOWS = replace(OVERLAY, pool_os=("Linux", "Windows"))
NETWORKS = {
    "kubenet": KUBENET,
    "azure-cni": AZURE_CNI,
    "overlay": OVERLAY,
    "overlay+windows": OVERLAY_WINDOWS,
}


def cluster(network: str, engine: str) -> ClusterNetwork:
    """The table's cluster; a Cilium source also runs the Cilium dataplane."""
    dataplane = "cilium" if engine == "cilium" else "azure"
    return replace(NETWORKS[network], policy=engine, dataplane=dataplane)


def plan(current: ClusterNetwork, target: str, today: date = TODAY) -> MigrationPlan:
    return plan_policy_migration(current, target, today=today)


def refusal(current: ClusterNetwork, target: str, today: date = TODAY) -> MigrationRefused:
    with pytest.raises(MigrationRefused) as caught:
        plan(current, target, today)
    return caught.value


def codes(result: MigrationPlan) -> list[str]:
    return [warning.code for warning in result.warnings]


def warning(result: MigrationPlan, code: str) -> str:
    messages = [w.message for w in result.warnings if w.code == code]
    assert messages, f"no {code} warning in {codes(result)}"
    return " ".join(messages)


def run(current: ClusterNetwork, steps: tuple[MigrationStep, ...]) -> ClusterNetwork:
    for step in steps:
        current = apply_step(current, step)
    return current


def test_the_table_covers_every_network_engine_and_target() -> None:
    engines = ("none", "azure", "calico", "cilium")
    assert set(PATHS) == {(n, s, t) for n in NETWORKS for s in engines for t in engines}


# A source that cannot exist (Azure refuses to make it) has nothing to plan: it is in the table, not in the cases.
PLANNED = [path for path, expected in PATHS.items() if not isinstance(expected, InvalidSource)]


def test_the_sources_that_cannot_exist_are_exactly_those_azure_refuses_to_make() -> None:
    invalid = {path: reason for path, reason in PATHS.items() if isinstance(reason, InvalidSource)}
    assert set(invalid.values()) == {NO_CILIUM_ON_KUBENET, NO_NPM_ON_KUBENET, NO_CILIUM_WITH_WINDOWS}
    assert {(n, s) for n, s, _ in invalid} == {
        ("kubenet", "azure"),
        ("kubenet", "cilium"),
        ("overlay+windows", "cilium"),
    }
    assert len(invalid) + len(PLANNED) == len(PATHS)


@pytest.mark.parametrize(("network", "source", "target"), PLANNED, ids=[f"{n}:{s}->{t}" for n, s, t in PLANNED])
def test_migration_path(network: str, source: str, target: str) -> None:
    expected = PATHS[(network, source, target)]
    assert not isinstance(expected, InvalidSource)
    current = cluster(network, source)
    if isinstance(expected, Refused):
        assert refusal(current, target).code == expected
        return
    result = plan(current, target)
    assert [dict(step.set) for step in result.steps] == expected
    final = run(current, result.steps)
    assert final.policy == target
    assert (final.dataplane == "cilium") == (target == "cilium")
    if target == "cilium":
        assert final.plugin == "azure"


# --- refusals ------------------------------------------------------------------------------------------


def test_refusal_is_an_invalid_request_with_exit_code_2_reason_and_alternative() -> None:
    refused = refusal(cluster("kubenet", "calico"), "azure")
    assert isinstance(refused, InvalidRequest)
    assert refused.exit_code == 2
    assert "kubenet" in refused.reason
    assert "--to calico" in refused.alternative
    assert refused.reason in refused.message and refused.alternative in refused.message
    assert refused.as_dict()["code"] == "NPM_ON_KUBENET"


def test_unknown_target_is_refused() -> None:
    assert refusal(OVERLAY, "flannel").code == "UNKNOWN_TARGET"


def test_target_is_case_insensitive() -> None:
    assert [dict(s.set) for s in plan(OVERLAY, " Calico ").steps] == [CALICO]


@pytest.mark.parametrize("state", ["Updating", "Failed", "Creating", ""])
def test_cluster_not_succeeded_is_refused_even_when_already_at_target(state: str) -> None:
    current = replace(cluster("overlay", "calico"), provisioning_state=state)
    assert refusal(current, "calico").code == "CLUSTER_NOT_SUCCEEDED"
    assert refusal(current, "none").code == "CLUSTER_NOT_SUCCEEDED"


@pytest.mark.parametrize("target", ["azure", "calico", "cilium"])
def test_byo_cni_cannot_take_a_managed_engine(target: str) -> None:
    byo = replace(KUBENET, plugin="none", pod_cidr=None)
    refused = refusal(byo, target)
    assert refused.code == "BYO_CNI_NO_MANAGED_ENGINE"
    assert "networkPlugin none" in refused.reason


def test_byo_cni_to_none_is_a_no_op() -> None:
    assert plan(replace(KUBENET, plugin="none"), "none").steps == ()


@pytest.mark.parametrize("target", ["azure", "calico"])
@pytest.mark.parametrize("network", ["overlay", "kubenet"])
def test_dual_stack_refuses_npm_and_calico(network: str, target: str) -> None:
    dual = replace(NETWORKS[network], ip_families=("IPv4", "IPv6"))
    refused = refusal(dual, target)
    assert refused.code == "POLICY_NOT_SUPPORTED_DUAL_STACK"
    assert "IPv4, IPv6" in refused.reason
    assert "--to cilium" in refused.alternative


def test_dual_stack_overlay_can_move_to_cilium() -> None:
    dual = replace(OVERLAY, ip_families=("IPv4", "IPv6"))
    assert [dict(s.set) for s in plan(dual, "cilium").steps] == [CILIUM]


def test_dual_stack_cilium_needs_kubernetes_1_29() -> None:
    dual = replace(OVERLAY, ip_families=("IPv4", "IPv6"), kubernetes_version="1.28.9")
    refused = refusal(dual, "cilium")
    assert refused.code == "CILIUM_DUAL_STACK_NEEDS_K8S_1_29"
    assert "1.28.9" in refused.reason


@pytest.mark.parametrize("identity", ["SystemAssigned", "None"])
def test_kubenet_to_cilium_needs_a_user_assigned_identity(identity: str) -> None:
    refused = refusal(replace(cluster("kubenet", "calico"), identity_type=identity), "cilium")
    assert refused.code == "OVERLAY_NEEDS_USER_ASSIGNED_IDENTITY"
    assert identity in refused.reason
    assert "--assign-identity" in refused.alternative


def test_system_assigned_identity_does_not_block_changes_that_stay_on_kubenet() -> None:
    current = replace(KUBENET, identity_type="SystemAssigned")
    assert [dict(s.set) for s in plan(current, "calico").steps] == [CALICO]


def test_system_assigned_identity_does_not_block_cilium_on_azure_cni() -> None:
    current = replace(cluster("overlay", "azure"), identity_type="SystemAssigned")
    assert [dict(s.set) for s in plan(current, "cilium").steps] == [CILIUM]


def test_kubenet_to_cilium_needs_kubernetes_1_27() -> None:
    refused = refusal(replace(KUBENET, kubernetes_version="1.26.6"), "cilium")
    assert refused.code == "OVERLAY_NEEDS_K8S_1_27"
    assert "1.26.6" in refused.reason


def test_kubenet_to_cilium_is_blocked_by_a_pod_subnet() -> None:
    assert refusal(replace(KUBENET, pod_subnet=True), "cilium").code == "OVERLAY_BLOCKED_BY_POD_SUBNET"


@pytest.mark.parametrize(
    ("pod_cidr", "code"),
    [
        (None, "POD_CIDR_INVALID"),
        ("10.244.0.0/33", "POD_CIDR_INVALID"),
        ("10.244.1.0/16", "POD_CIDR_INVALID"),
        ("10.0.0.0/8", "POD_CIDR_OVERLAPS_SERVICE_CIDR"),
        ("172.16.0.0/12", "POD_CIDR_RESERVED_RANGE"),
    ],
)
def test_kubenet_pod_cidr_is_checked_before_it_is_kept_for_overlay(pod_cidr: str | None, code: str) -> None:
    refused = refusal(replace(KUBENET, pod_cidr=pod_cidr), "cilium")
    assert refused.code == code
    if pod_cidr:
        assert pod_cidr.split("/")[0] in refused.reason


def test_pod_cidr_is_not_checked_when_the_cluster_stays_on_kubenet() -> None:
    assert plan(replace(KUBENET, pod_cidr="10.0.0.0/8"), "calico").steps


def test_node_auto_provisioning_blocks_cilium() -> None:
    current = replace(OVERLAY, node_auto_provisioning=True)
    refused = refusal(current, "cilium")
    assert refused.code == "CILIUM_WITH_NODE_AUTO_PROVISIONING"
    assert "re-enable" in refused.alternative


def test_npm_on_windows_was_allowed_before_its_end_of_support_with_a_warning() -> None:
    result = plan(OVERLAY_WINDOWS, "azure", today=date(2026, 9, 1))
    assert [dict(s.set) for s in result.steps] == [NPM]
    assert "2026-09-30 (29 days after 2026-09-01)" in warning(result, "RETIREMENT")


def test_npm_on_linux_is_refused_after_its_end_of_support() -> None:
    refused = refusal(OVERLAY, "azure", today=date(2028, 10, 1))
    assert refused.code == "NPM_RETIRED"
    assert "--to cilium" in refused.alternative


def test_leaving_cilium_names_the_alternative() -> None:
    refused = refusal(cluster("overlay", "cilium"), "none")
    assert "create a new cluster" in refused.alternative


# --- warnings ------------------------------------------------------------------------------------------


def test_kubenet_calico_to_cilium_warns_about_everything_before_it_runs() -> None:
    result = plan(cluster("kubenet", "calico"), "cilium")
    assert codes(result) == [
        "REIMAGE_ALL_POOLS",
        "CALICO_RESOURCES_REMAIN",
        "POLICIES_NOT_ENFORCED",
        "CALICO_TO_CILIUM_BEHAVIOUR",  # the engine it leaves names it: this cluster has no NPM
        "KUBENET_TO_OVERLAY_ONE_WAY",
        "RETIREMENT",
    ]
    assert "3 cluster update(s) to aks1" in warning(result, "REIMAGE_ALL_POOLS")
    assert "all 2 node pool(s) at the same time" in warning(result, "REIMAGE_ALL_POOLS")
    calico = warning(result, "CALICO_RESOURCES_REMAIN")
    assert "Step 1 uninstalls Calico" in calico
    assert "projectcalico.org" in calico and "tigera.io" in calico
    assert "only after step 1 has completed, never before" in calico
    assert "from step 1 until step 3" in warning(result, "POLICIES_NOT_ENFORCED")
    one_way = warning(result, "KUBENET_TO_OVERLAY_ONE_WAY")
    assert "Step 2" in one_way and "irreversible" in one_way and "10.244.0.0/16" in one_way
    assert "route table" in one_way
    retirement = warning(result, "RETIREMENT")
    assert "kubenet on aks1 reaches end of support on 2028-03-31" in retirement
    assert "moves it to Azure CNI Overlay" in retirement


def test_npm_to_cilium_warns_about_behaviour_differences_with_the_cluster_version() -> None:
    result = plan(cluster("overlay", "azure"), "cilium")
    behaviour = warning(result, "NPM_TO_CILIUM_BEHAVIOUR")
    for construct in ("ipBlock", "named ports", "own node IP", "endPort", "externalTrafficPolicy"):
        assert construct in behaviour
    assert "this cluster runs 1.31.2" in behaviour and "replace port ranges" in behaviour
    assert "until step 1 has reimaged every node" in warning(result, "POLICIES_NOT_ENFORCED")
    assert "removes NPM on aks1" in warning(result, "RETIREMENT")


def test_endport_needs_no_change_on_kubernetes_1_32() -> None:
    result = plan(replace(cluster("overlay", "calico"), kubernetes_version="1.32.4"), "cilium")
    behaviour = warning(result, "CALICO_TO_CILIUM_BEHAVIOUR")
    assert "endPort works" in behaviour and "from Calico" in behaviour
    assert "externalTrafficPolicy" not in behaviour


def test_switching_npm_to_calico_warns_about_the_unenforced_window() -> None:
    result = plan(cluster("azure-cni", "azure"), "calico")
    assert "2 cluster update(s)" in warning(result, "REIMAGE_ALL_POOLS")
    assert "between step 1 (uninstall Azure NPM) and the end of step 2 (install Calico)" in warning(
        result, "POLICIES_NOT_ENFORCED"
    )
    assert "reaches end of support on 2028-09-30" in warning(result, "RETIREMENT")
    assert "CALICO_RESOURCES_REMAIN" not in codes(result)


def test_uninstalling_an_engine_warns_that_policies_stop_being_enforced() -> None:
    result = plan(cluster("overlay", "calico"), "none")
    assert "no longer enforced" in warning(result, "POLICIES_NOT_ENFORCED")
    assert "Step 1 uninstalls Calico" in warning(result, "CALICO_RESOURCES_REMAIN")


def test_installing_an_engine_has_no_unenforced_window() -> None:
    assert codes(plan(OVERLAY, "calico")) == ["REIMAGE_ALL_POOLS"]


def test_npm_windows_source_is_reported_as_past_end_of_support() -> None:
    result = plan(cluster("overlay+windows", "azure"), "calico")
    retirement = warning(result, "RETIREMENT")
    assert "Azure NPM on Windows reached end of support on 2026-09-30" in retirement
    assert "1 Windows node pool(s)" in retirement


def test_a_no_op_has_no_steps_but_keeps_retirement_lines() -> None:
    result = plan(cluster("kubenet", "calico"), "calico")
    assert result.steps == ()
    assert codes(result) == ["RETIREMENT"]
    assert "keeps it on kubenet" in warning(result, "RETIREMENT")


def test_a_no_op_on_a_current_network_has_no_warnings() -> None:
    assert plan(cluster("overlay", "cilium"), "cilium").warnings == ()


def test_kubenet_retirement_is_past_tense_after_the_date() -> None:
    result = plan(KUBENET, "calico", today=date(2028, 4, 1))
    assert "reached end of support on 2028-03-31" in warning(result, "RETIREMENT")


def test_default_today_is_the_current_date() -> None:
    assert plan_policy_migration(OVERLAY, "calico").steps


# --- plan shape and step reasons ----------------------------------------------------------------------


def test_plan_as_dict_matches_the_cli_contract() -> None:
    document = plan(cluster("azure-cni", "azure"), "calico").as_dict()
    assert list(document) == ["from", "to", "steps", "warnings"]
    assert document["from"] == {
        "networkPlugin": "azure",
        "networkPluginMode": None,
        "networkDataplane": "azure",
        "networkPolicy": "azure",
    }
    assert document["to"] == "calico"
    assert [step["set"] for step in document["steps"]] == [N, CALICO]
    assert all(step["why"] for step in document["steps"])
    assert {tuple(w) for w in document["warnings"]} == {("code", "message")}
    json.dumps(document)


def test_each_step_explains_itself_with_the_cluster_values() -> None:
    steps = plan(cluster("kubenet", "calico"), "cilium").steps
    assert "Uninstall Calico from aks1" in steps[0].why
    assert "10.244.0.0/16" in steps[1].why
    assert "uninstalls and replaces" not in steps[2].why
    replacing = plan(cluster("overlay", "azure"), "cilium").steps[0]
    assert "uninstalls and replaces Azure NPM" in replacing.why


def test_apply_step_rejects_fields_it_cannot_model() -> None:
    with pytest.raises(ValueError, match="podCidr"):
        apply_step(KUBENET, MigrationStep({"podCidr": "10.10.0.0/16"}, "no"))


# --- reading ARM ---------------------------------------------------------------------------------------


def example_body(name: str, code: str = "200") -> dict[str, Any]:
    path = next(REST_EXAMPLES.glob(f"*/{name}.json"))
    body: dict[str, Any] = json.loads(path.read_text())["responses"][code]["body"]
    return body


def test_from_arm_reads_the_dual_stack_kubenet_example() -> None:
    current = ClusterNetwork.from_arm(example_body("ManagedClustersCreate_DualStackNetworking"))
    assert current.id.endswith("/managedClusters/clustername1")
    assert current.name == "clustername1"
    assert current.provisioning_state == "Succeeded"
    assert (current.plugin, current.plugin_mode, current.dataplane, current.policy) == (
        "kubenet",
        None,
        "azure",
        "none",
    )
    assert current.pool_os == ("Linux",)
    assert current.identity_type == "UserAssigned"
    assert current.ip_families == ("IPv4", "IPv6")
    assert (current.pod_cidr, current.service_cidr) == ("10.244.0.0/16", "10.0.0.0/16")
    assert current.kubernetes_version == "1.22.1"
    assert current.pod_subnet is False
    assert refusal(current, "calico").code == "POLICY_NOT_SUPPORTED_DUAL_STACK"
    assert refusal(current, "cilium").code == "CILIUM_DUAL_STACK_NEEDS_K8S_1_29"


def test_from_arm_reads_the_cilium_overlay_example() -> None:
    body = example_body("AdvancedNetworkingTransitEncryption")
    body["properties"]["networkProfile"]["networkPolicy"] = "cilium"
    current = ClusterNetwork.from_arm(body)
    assert (current.plugin, current.plugin_mode, current.dataplane) == ("azure", "overlay", "cilium")
    assert current.identity_type == "None"
    assert current.kubernetes_version == "1.9.6"
    assert plan(current, "cilium").steps == ()
    assert refusal(current, "calico").code == "LEAVING_CILIUM_UNSUPPORTED"


def test_from_arm_refuses_the_creating_response() -> None:
    current = ClusterNetwork.from_arm(example_body("ManagedClustersCreate_ManagedNATGateway", "201"))
    assert current.provisioning_state == "Creating"
    assert refusal(current, "calico").code == "CLUSTER_NOT_SUCCEEDED"


def test_from_arm_reads_windows_pools_pod_subnets_npm_and_nap() -> None:
    body = copy.deepcopy(example_body("ManagedClustersCreate_DualStackNetworking"))
    props = body["properties"]
    props["networkProfile"] = {
        "networkPlugin": "Azure",
        "networkPolicy": "azure",
        "serviceCidrs": ["10.0.0.0/16"],
    }
    props["agentPoolProfiles"].append(
        {"name": "npwin", "osType": "Windows", "podSubnetID": "/subscriptions/x/subnets/pods"}
    )
    props["nodeProvisioningProfile"] = {"mode": "Auto"}
    props["currentKubernetesVersion"] = "1.32.7"
    current = ClusterNetwork.from_arm(body)
    assert (current.plugin, current.policy, current.dataplane) == ("azure", "azure", "azure")
    assert current.pool_os == ("Linux", "Windows")
    assert current.windows_pool_count == 1
    assert current.pod_subnet is True
    assert current.node_auto_provisioning is True
    assert current.ip_families == ("IPv4",)
    assert current.pod_cidr is None and current.service_cidr == "10.0.0.0/16"
    assert current.kubernetes_version == "1.32.7"


def test_from_arm_infers_dual_stack_from_pod_cidrs_and_keeps_the_ipv4_one() -> None:
    body = {"properties": {"networkProfile": {"podCidrs": ["fd12:3456:789a::/64", "10.244.0.0/16"]}}}
    current = ClusterNetwork.from_arm(body)
    assert current.ip_families == ("IPv4", "IPv6")
    assert current.pod_cidr == "10.244.0.0/16"


def test_from_arm_tolerates_an_empty_body() -> None:
    current = ClusterNetwork.from_arm({})
    assert current == ClusterNetwork(
        id="",
        name="",
        provisioning_state="",
        plugin="",
        plugin_mode=None,
        dataplane="azure",
        policy="none",
        pool_os=(),
        identity_type="None",
        ip_families=("IPv4",),
        pod_cidr=None,
        service_cidr=None,
        kubernetes_version=None,
        pod_subnet=False,
    )


def test_from_arm_treats_an_empty_network_policy_as_none() -> None:
    body = {
        "properties": {
            "provisioningState": "Succeeded",
            "networkProfile": {"networkPlugin": "azure", "networkPolicy": ""},
        }
    }
    assert ClusterNetwork.from_arm(body).policy == "none"


def test_a_cluster_without_network_plugin_is_refused() -> None:
    current = replace(OVERLAY, plugin="")
    assert refusal(current, "calico").code == "NETWORK_PLUGIN_UNKNOWN"


# --- properties over every valid source ---------------------------------------------------------------

valid_sources = st.builds(
    lambda network, engine, version, windows: replace(
        cluster(network, engine), kubernetes_version=version, pool_os=("Linux",) + ("Windows",) * windows
    ),
    st.sampled_from(["kubenet", "azure-cni", "overlay"]),
    st.sampled_from(["none", "azure", "calico", "cilium"]),
    st.sampled_from(["1.26.3", "1.27.1", "1.30.4", "1.33.0", None]),
    st.integers(min_value=0, max_value=2),
).filter(
    lambda c: (
        not (c.plugin == "kubenet" and c.policy in ("azure", "cilium"))
        and not (c.policy == "cilium" and c.windows_pool_count)
        and not (c.plugin == "kubenet" and c.windows_pool_count)
    )
)


@given(valid_sources, st.sampled_from(["none", "azure", "calico", "cilium"]))
def test_every_plan_reaches_its_target_through_updates_azure_accepts(current: ClusterNetwork, target: str) -> None:
    try:
        result = plan(current, target)
    except MigrationRefused as refused:
        assert refused.reason and refused.alternative and refused.code.isupper()
        return
    state = current
    for step in result.steps:
        # Never a dataplane change without Cilium policy (arm-facts §4.4), never IPAM with a policy engine
        # installed or together with the dataplane (update-azure-cni.md), never a direct engine swap.
        assert ("networkDataplane" in step.set) == (step.set.get("networkPolicy") == "cilium")
        if "networkPlugin" in step.set:
            assert state.policy == "none" and "networkDataplane" not in step.set
        if step.set.get("networkPolicy") in ("azure", "calico"):
            assert state.policy == "none"
        state = apply_step(state, step)
    assert state.policy == target
    assert bool(result.steps) == ("REIMAGE_ALL_POOLS" in codes(result))
