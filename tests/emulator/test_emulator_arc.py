"""The Azure Local resource providers: the seeded site, each refusal (and the request just inside it),
the pools' accounting and the faults. Requests go through `Emulator.request` (ARM's wire shapes)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from aksnet.emulator import Faults

SUB = "00000000-0000-0000-0000-000000000000"
CL = f"/subscriptions/{SUB}/resourceGroups/rg-azlocal/providers/Microsoft.ExtendedLocation/customLocations/cl-azlocal"
RG_API = "2025-04-01"
LNET_API = "2024-01-01"
CC_API = "2026-05-01"
HCS_API = "2024-01-01"


def test_the_site_is_seeded_on_the_first_azure_local_request(arc: Any) -> None:
    location = arc.ok("GET", CL, api="2021-08-15")
    assert (location["location"], location["type"]) == ("eastus", "Microsoft.ExtendedLocation/customLocations")
    shared = arc.ok("GET", arc.lnet_id("lnet-shared", "rg-azlocal"), api=LNET_API)
    assert arc.pool_info(shared) == {"used": "4", "available": "36"}
    existing = arc.ok("GET", arc.instance_id("arc-existing", "rg-azlocal-apps"), api=HCS_API)
    assert existing["properties"]["controlPlane"]["controlPlaneEndpoint"]["hostIP"] == "10.220.48.20"
    versions = arc.ok("GET", f"{CL}/providers/Microsoft.HybridContainerService/kubernetesVersions/default", api=HCS_API)
    assert {v["version"] for v in versions["properties"]["values"]} == {"1.30", "1.31", "1.32"}


def test_an_api_version_the_type_does_not_serve_is_refused_like_arm(arc: Any) -> None:
    status, body = arc.call("GET", CL, api="2020-01-01")
    assert status == 400 and body["error"]["code"] == "NoRegisteredProviderFound"
    assert "2021-08-15" in body["error"]["message"]
    assert arc.call("GET", CL, api="2021-08-31-preview")[0] == 200
    assert arc.call("GET", arc.lnet_id("lnet-shared", "rg-azlocal"), api="2025-06-01-preview")[0] == 200
    assert arc.call("GET", arc.connected_id("arc-existing", "rg-azlocal-apps"), api="2024-01-01")[0] == 200


# --- logical networks --------------------------------------------------------------------------

LNET_REFUSALS = [
    ("two-prefixes", {"addressPrefixes": ["10.1.0.0/24", "10.2.0.0/24"]}, "InvalidLogicalNetwork"),
    ("gateway-outside", {"gateway": "10.9.0.1"}, "InvalidLogicalNetwork"),
    ("pool-outside", {"pool": ("10.1.0.200", "10.1.1.5")}, "InvalidLogicalNetwork"),
    ("static-without-dns", {"dns": None}, "InvalidLogicalNetwork"),
    ("unknown-switch", {"switch": "vSwitch-typo"}, "InvalidLogicalNetwork"),
    (
        "overlaps-shared-pool-same-vlan",
        {"prefix": "10.220.48.0/24", "pool": ("10.220.48.50", "10.220.48.60"), "gateway": "10.220.48.1", "vlan": 48},
        "IPPoolOverlap",
    ),
]


@pytest.mark.parametrize(("changes", "code"), [c[1:] for c in LNET_REFUSALS], ids=[c[0] for c in LNET_REFUSALS])
def test_a_logical_network_is_refused(arc: Any, changes: dict[str, Any], code: str) -> None:
    status, body = arc.call("PUT", arc.lnet_id("lnet1"), arc.lnet_body(**changes), LNET_API)
    assert (status, body["error"]["code"]) == (400, code)


def test_the_same_pool_on_another_vlan_and_a_missing_custom_location(arc: Any) -> None:
    other_vlan = arc.lnet_body(
        prefix="10.220.48.0/24", pool=("10.220.48.50", "10.220.48.60"), gateway="10.220.48.1", vlan=49
    )
    assert arc.call("PUT", arc.lnet_id("lnet1"), other_vlan, LNET_API)[0] == 201
    nowhere = arc.lnet_body(custom_location=CL.replace("cl-azlocal", "cl-none"))
    assert arc.call("PUT", arc.lnet_id("lnet2"), nowhere, LNET_API)[0] == 404


def test_a_logical_network_keeps_its_addresses_and_changes_only_tags(arc: Any) -> None:
    arc.ok("PUT", arc.lnet_id("lnet1"), arc.lnet_body(), LNET_API)
    status, body = arc.call("PUT", arc.lnet_id("lnet1"), arc.lnet_body(vlan=11), LNET_API)
    assert (status, body["error"]["code"]) == (400, "LogicalNetworkPropertyNotUpdatable")
    assert "vlan" in body["error"]["message"]
    assert arc.call("PUT", arc.lnet_id("lnet1"), arc.lnet_body(), LNET_API)[0] == 200
    tagged = arc.ok("PATCH", arc.lnet_id("lnet1"), {"tags": {"team": "net"}}, LNET_API)
    assert tagged["tags"] == {"team": "net"} and arc.pool_info(tagged) == {"used": "0", "available": "20"}


def test_a_logical_network_in_use_is_not_deleted_and_a_free_one_is(arc: Any) -> None:
    arc.network_and_cluster()
    status, body = arc.call("DELETE", arc.lnet_id("lnet1"), api=LNET_API)
    assert (status, body["error"]["code"]) == (409, "LogicalNetworkInUse")
    arc.ok("DELETE", arc.instance_id("arc1"), api=HCS_API)
    assert arc.call("DELETE", arc.lnet_id("lnet1"), api=LNET_API)[0] == 202
    assert arc.call("GET", arc.lnet_id("lnet1"), api=LNET_API)[0] == 404


# --- connected clusters ------------------------------------------------------------------------

CC_REFUSALS = [
    ("provisioned-with-user-identity", {"identity": {"type": "None"}}, "InvalidIdentity"),
    (
        "provisioned-with-certificate",
        {"properties": {"agentPublicKeyCertificate": "MIIB"}},
        "InvalidAgentPublicKeyCertificate",
    ),
    ("onboarded-without-certificate", {"kind": None}, "InvalidAgentPublicKeyCertificate"),
]


@pytest.mark.parametrize(("changes", "code"), [c[1:] for c in CC_REFUSALS], ids=[c[0] for c in CC_REFUSALS])
def test_a_connected_cluster_is_refused(arc: Any, changes: dict[str, Any], code: str) -> None:
    body = {**arc.connected_body(), **changes}
    body = {k: v for k, v in body.items() if v is not None}
    status, answer = arc.call("PUT", arc.connected_id("arc1"), body, CC_API)
    assert (status, answer["error"]["code"]) == (400, code)


def test_connected_cluster_names_and_kinds(arc: Any) -> None:
    assert arc.call("PUT", arc.connected_id("arc_1-" + "a" * 56), arc.connected_body(), CC_API)[0] == 201
    assert (
        arc.call("PUT", arc.connected_id("arc-"), arc.connected_body(), CC_API)[1]["error"]["code"]
        == "InvalidResourceName"
    )
    onboarded = {
        "location": "eastus",
        "identity": {"type": "SystemAssigned"},
        "properties": {"agentPublicKeyCertificate": "MIIB"},
    }
    assert arc.call("PUT", arc.connected_id("onboarded"), onboarded, CC_API)[0] == 201
    assert arc.call("PUT", arc.connected_id("onboarded"), arc.connected_body(), CC_API)[0] == 400


# --- provisioned cluster instances --------------------------------------------------------------

INSTANCE_REFUSALS = [
    (
        "two-networks",
        lambda b, a: b["properties"]["cloudProviderProfile"]["infraNetworkProfile"]["vnetSubnetIds"].append(
            a.lnet_id("lnet2")
        ),
    ),
    ("cilium", lambda b, a: b["properties"]["networkProfile"].update(networkPolicy="cilium")),
    ("two-control-planes", lambda b, a: b["properties"]["controlPlane"].update(count=2)),
    ("pool-of-65", lambda b, a: b["properties"]["agentPoolProfiles"][0].update(count=65)),
    (
        "windows-only",
        lambda b, a: b["properties"]["agentPoolProfiles"][0].update(osType="Windows", osSKU="Windows2022"),
    ),
    ("linux-with-windows-sku", lambda b, a: b["properties"]["agentPoolProfiles"][0].update(osSKU="Windows2022")),
    (
        "host-ip-in-pool",
        lambda b, a: b["properties"]["controlPlane"].update(controlPlaneEndpoint={"hostIP": "10.1.0.20"}),
    ),
    (
        "host-ip-outside",
        lambda b, a: b["properties"]["controlPlane"].update(controlPlaneEndpoint={"hostIP": "10.2.0.5"}),
    ),
    (
        "version-not-ready",
        lambda b, a: (
            b["properties"].update(kubernetesVersion="1.32.3")
            or b["properties"]["agentPoolProfiles"].append(
                {
                    "name": "win",
                    "count": 1,
                    "vmSize": "Standard_K8S3_v1",
                    "osType": "Windows",
                    "osSKU": "Windows2022",
                    "enableAutoScaling": False,
                }
            )
        ),
    ),
    ("size-not-offered", lambda b, a: b["properties"]["agentPoolProfiles"][0].update(vmSize="Standard_D2s_v5")),
    ("more-nodes-than-the-pool", lambda b, a: b["properties"]["agentPoolProfiles"][0].update(count=18)),
]


@pytest.mark.parametrize("change", [c[1] for c in INSTANCE_REFUSALS], ids=[c[0] for c in INSTANCE_REFUSALS])
def test_a_cluster_is_refused_before_anything_is_held(arc: Any, change: Any) -> None:
    arc.network()
    arc.ok("PUT", arc.connected_id("arc1"), arc.connected_body(), CC_API)
    body = arc.instance_body(arc.lnet_id("lnet1"))
    change(body, arc)
    status, answer = arc.call("PUT", arc.instance_id("arc1"), body, HCS_API)
    assert status == 400 and answer["error"]["code"] in (
        "InvalidProvisionedClusterProperties",
        "InsufficientIPAddresses",
    )
    assert arc.pool_info(arc.ok("GET", arc.lnet_id("lnet1"), api=LNET_API))["used"] == "0"


def test_the_largest_cluster_the_pool_holds_is_accepted(arc: Any) -> None:
    arc.network()
    arc.ok("PUT", arc.connected_id("arc1"), arc.connected_body(), CC_API)
    body = arc.instance_body(arc.lnet_id("lnet1"))
    body["properties"]["agentPoolProfiles"][0]["count"] = 17  # 1 + 17 + control-plane IP + upgrade IP = 20
    assert arc.call("PUT", arc.instance_id("arc1"), body, HCS_API)[0] == 201
    assert arc.pool_info(arc.ok("GET", arc.lnet_id("lnet1"), api=LNET_API)) == {"used": "19", "available": "1"}


def test_a_cluster_needs_its_connected_cluster_of_the_right_kind(arc: Any) -> None:
    arc.network()
    status, body = arc.call("PUT", arc.instance_id("arc1"), arc.instance_body(arc.lnet_id("lnet1")), HCS_API)
    assert (status, body["error"]["code"]) == (404, "ParentResourceNotFound")
    onboarded = {
        "location": "eastus",
        "identity": {"type": "SystemAssigned"},
        "properties": {"agentPublicKeyCertificate": "MIIB"},
    }
    arc.ok("PUT", arc.connected_id("arc1"), onboarded, CC_API)
    assert arc.call("PUT", arc.instance_id("arc1"), arc.instance_body(arc.lnet_id("lnet1")), HCS_API)[0] == 400


def test_addresses_come_lowest_first_and_go_back_on_delete_with_the_connected_cluster(arc: Any) -> None:
    cluster = arc.network_and_cluster()
    assert cluster["properties"]["controlPlane"]["controlPlaneEndpoint"]["hostIP"] == "10.1.0.10"
    assert arc.pool_info(arc.ok("GET", arc.lnet_id("lnet1"), api=LNET_API)) == {"used": "5", "available": "15"}
    arc.ok("DELETE", arc.instance_id("arc1"), api=HCS_API)
    assert arc.pool_info(arc.ok("GET", arc.lnet_id("lnet1"), api=LNET_API)) == {"used": "0", "available": "20"}
    assert arc.call("GET", arc.connected_id("arc1"), api=CC_API)[0] == 404


def test_an_explicit_control_plane_ip_is_outside_the_pool_and_nobody_elses(arc: Any) -> None:
    arc.network()
    body = arc.instance_body(arc.lnet_id("lnet1"), host_ip="10.1.0.5")
    for name in ("arc1", "arc2"):
        arc.ok("PUT", arc.connected_id(name), arc.connected_body(), CC_API)
    assert arc.call("PUT", arc.instance_id("arc1"), body, HCS_API)[0] == 201
    status, answer = arc.call("PUT", arc.instance_id("arc2"), body, HCS_API)
    assert status == 400 and "already used" in answer["error"]["message"]
    assert arc.pool_info(arc.ok("GET", arc.lnet_id("lnet1"), api=LNET_API))["used"] == "4"


def test_the_network_settings_of_a_cluster_never_change_and_one_operation_runs_at_a_time(make_arc: Any) -> None:
    arc = make_arc(latency=1.0)
    arc.network()
    arc.ok("PUT", arc.connected_id("arc1"), arc.connected_body(), CC_API)
    arc.ok("PUT", arc.instance_id("arc1"), arc.instance_body(arc.lnet_id("lnet1")), HCS_API)
    busy = arc.call("PUT", arc.instance_id("arc1"), arc.instance_body(arc.lnet_id("lnet1")), HCS_API)
    assert (busy[0], busy[1]["error"]["code"]) == (409, "ProvisionedClusterOperationInProgress")
    arc.emu.clock.sleep(600)
    changed = arc.instance_body(arc.lnet_id("lnet1"))
    changed["properties"]["networkProfile"]["podCidr"] = "10.245.0.0/16"
    status, answer = arc.call("PUT", arc.instance_id("arc1"), changed, HCS_API)
    assert status == 400 and "podCidr" in answer["error"]["message"]
    assert arc.call("PUT", arc.instance_id("arc1"), arc.instance_body(arc.lnet_id("lnet1")), HCS_API)[0] == 200


def test_a_network_without_a_pool_is_accepted_then_its_webhook_fails_the_cluster(arc: Any) -> None:
    arc.ok("PUT", arc.lnet_id("lnet1"), arc.lnet_body(pool=None), LNET_API)
    arc.ok("PUT", arc.connected_id("arc1"), arc.connected_body(), CC_API)
    assert arc.call("PUT", arc.instance_id("arc1"), arc.instance_body(arc.lnet_id("lnet1")), HCS_API)[0] == 201
    cluster = arc.ok("GET", arc.instance_id("arc1"), api=HCS_API)
    assert cluster["properties"]["provisioningState"] == "Failed"
    assert "lnet1 does not have an ippool" in cluster["properties"]["status"]["errorMessage"]


def test_deleting_a_connected_cluster_takes_its_cluster_and_gives_the_addresses_back(arc: Any) -> None:
    arc.network_and_cluster()
    arc.ok("DELETE", arc.connected_id("arc1"), api=CC_API)
    assert arc.call("GET", arc.instance_id("arc1"), api=HCS_API)[0] == 404
    assert arc.pool_info(arc.ok("GET", arc.lnet_id("lnet1"), api=LNET_API))["used"] == "0"


def test_the_lists_answer_404_until_their_one_time_put(arc: Any) -> None:
    path = f"{CL}/providers/Microsoft.HybridContainerService/skus/default"
    arc.ok("GET", CL, api="2021-08-15")
    with arc.emu._store.transaction() as tx:  # the site as Azure Local leaves it before `get-versions`
        tx.delete(path)
    assert arc.call("GET", path, api=HCS_API)[0] == 404
    assert arc.call("PUT", path, {}, HCS_API)[0] == 201
    assert "Standard_A4_v2" in {v["name"] for v in arc.ok("GET", path, api=HCS_API)["properties"]["values"]}


# --- faults ------------------------------------------------------------------------------------


def test_the_azure_local_faults_parse_and_switch_off() -> None:
    faults = Faults.parse("arc_dns=1,arc_webhook,arc_orphan_cc=0")
    assert (faults.arc("arc_dns"), faults.arc("arc_webhook"), faults.arc("arc_orphan_cc")) == (True, True, False)
    with pytest.raises(ValueError, match="neither 1 nor 0"):
        Faults.parse("arc_dns=yes")


@pytest.mark.parametrize(
    ("fault", "code"),
    [("arc_dns=1", "CloudAgentConnectivityError"), ("arc_webhook=1", "WebhookCallFailed")],
)
def test_field_failures_end_the_cluster_operation_failed(make_arc: Any, fault: str, code: str) -> None:
    arc = make_arc(faults=fault)
    arc.network()
    arc.ok("PUT", arc.connected_id("arc1"), arc.connected_body(), CC_API)
    status, _, headers = arc.put_raw(arc.instance_id("arc1"), arc.instance_body(arc.lnet_id("lnet1")))
    assert status == 201
    operation = arc.follow(headers["Azure-AsyncOperation"])
    assert (operation["status"], operation["error"]["code"]) == ("Failed", code)
    again = arc.call("PUT", arc.instance_id("arc1"), arc.instance_body(arc.lnet_id("lnet1")), HCS_API)
    state = arc.ok("GET", arc.instance_id("arc1"), api=HCS_API)["properties"]["provisioningState"]
    assert again[0] == 200 and state == ("Failed" if fault == "arc_dns=1" else "Succeeded")


def test_orphan_fault_leaves_the_connected_cluster_after_its_cluster_is_deleted(make_arc: Any) -> None:
    arc = make_arc(faults="arc_orphan_cc=1")
    arc.network_and_cluster()
    arc.ok("DELETE", arc.instance_id("arc1"), api=HCS_API)
    assert arc.call("GET", arc.instance_id("arc1"), api=HCS_API)[0] == 404
    assert arc.call("GET", arc.connected_id("arc1"), api=CC_API)[0] == 200


def test_instance_bodies_are_kept_as_sent_with_the_assigned_ip(arc: Any) -> None:
    arc.network()
    arc.ok("PUT", arc.connected_id("arc1"), arc.connected_body(), CC_API)
    sent = arc.instance_body(arc.lnet_id("lnet1"))
    stored = arc.ok("PUT", arc.instance_id("arc1"), copy.deepcopy(sent), HCS_API)
    assert stored["properties"]["agentPoolProfiles"] == sent["properties"]["agentPoolProfiles"]
    assert stored["extendedLocation"] == sent["extendedLocation"]
