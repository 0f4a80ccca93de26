"""Every finding code: a case that trips it, and one just inside the limit that does not."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import aksnet.rules
from aksnet.rules import check
from helpers import TODAY, codes, findings_of, make_spec

# Presets over the clean base (overlay + Cilium), written as --set overrides.
FLAT = (
    "cluster.network_plugin_mode=null",
    "cluster.network_dataplane=null",
    "cluster.network_policy=null",
    "cluster.pod_cidr=null",
)
KUBENET = (
    "cluster.network_plugin=kubenet",
    "cluster.network_plugin_mode=null",
    "cluster.network_dataplane=null",
    "cluster.network_policy=null",
    "cluster.pod_cidr=10.244.0.0/16",
)
OVERLAY_CALICO = ("cluster.network_dataplane=null", "cluster.network_policy=calico")
WINDOWS_POOLS = "cluster.node_pools=[{name: system, count: 3}, {name: win, os_type: Windows, count: 2}]"
WIN_USER = "cluster.windows_admin_username=winadmin"
GOOD_PASSWORD = {"AKSNET_WINDOWS_ADMIN_PASSWORD": "Str0ng-Passw0rd!x"}
BRING_NETWORK = ("vnet.existing=true", "vnet.subnet.existing=true")

# (id, overrides, code, field, severity)
TRIPS = [
    (
        "service-range-reserved",
        ("cluster.service_cidr=172.30.0.0/16", "cluster.dns_service_ip=172.30.0.10"),
        "RESERVED_RANGE",
        "cluster.service_cidr",
        "error",
    ),
    (
        "pod-range-overlaps-reserved",
        ("cluster.pod_cidr=172.16.0.0/12",),
        "RESERVED_RANGE",
        "cluster.pod_cidr",
        "error",
    ),
    (
        "vnet-reserved",
        (
            "vnet.address_prefixes=[192.0.2.0/24]",
            "vnet.subnet.address_prefix=192.0.2.0/25",
            "cluster.node_pools.0.count=1",
        ),
        "RESERVED_RANGE",
        "vnet.address_prefixes.0",
        "error",
    ),
    (
        "service-on-subnet",
        ("cluster.service_cidr=10.20.0.0/16", "cluster.dns_service_ip=10.20.0.10"),
        "CIDR_OVERLAP",
        "cluster.service_cidr",
        "error",
    ),
    ("pods-on-services", ("cluster.pod_cidr=10.0.0.0/16",), "CIDR_OVERLAP", "cluster.pod_cidr", "error"),
    (
        "overlay-pods-on-subnet",
        ("cluster.pod_cidr=10.20.0.0/22",),
        "CIDR_OVERLAP",
        "cluster.pod_cidr",
        "error",
    ),
    (
        "kubenet-pods-in-vnet",
        (*KUBENET, "cluster.pod_cidr=10.20.128.0/17"),
        "CIDR_OVERLAP",
        "cluster.pod_cidr",
        "error",
    ),
    (
        "vnet-prefixes-overlap",
        ("vnet.address_prefixes=[10.20.0.0/16, 10.20.128.0/17]",),
        "CIDR_OVERLAP",
        "vnet.address_prefixes.1",
        "error",
    ),
    (
        "subnet-outside-vnet",
        ("vnet.subnet.address_prefix=10.21.0.0/24",),
        "SUBNET_OUTSIDE_VNET",
        "vnet.subnet.address_prefix",
        "error",
    ),
    (
        "dns-outside-services",
        ("cluster.dns_service_ip=10.1.0.10",),
        "DNS_IP_OUTSIDE_SERVICE_CIDR",
        "cluster.dns_service_ip",
        "error",
    ),
    (
        "dns-first-address",
        ("cluster.dns_service_ip=10.0.0.1",),
        "DNS_IP_RESERVED",
        "cluster.dns_service_ip",
        "error",
    ),
    (
        "dns-network-address",
        ("cluster.dns_service_ip=10.0.0.0",),
        "DNS_IP_RESERVED",
        "cluster.dns_service_ip",
        "error",
    ),
    (
        "flat-cni-subnet-full",
        (*FLAT, "vnet.subnet.address_prefix=10.20.0.0/25", "cluster.node_pools.0.max_pods=30"),
        "SUBNET_TOO_SMALL",
        "vnet.subnet.address_prefix",
        "error",
    ),
    (
        "subnet-below-29",
        ("vnet.subnet.address_prefix=10.20.0.0/30", "cluster.node_pools.0.count=1"),
        "SUBNET_TOO_SMALL",
        "vnet.subnet.address_prefix",
        "error",
    ),
    (
        "pod-range-too-few-blocks",
        ("cluster.pod_cidr=192.168.0.0/23",),
        "POD_CIDR_TOO_SMALL",
        "cluster.pod_cidr",
        "error",
    ),
    (
        "pod-range-below-24",
        ("cluster.pod_cidr=192.168.0.0/25",),
        "POD_CIDR_TOO_SMALL",
        "cluster.pod_cidr",
        "error",
    ),
    (
        "max-pods-251",
        ("cluster.node_pools.0.max_pods=251",),
        "MAX_PODS_OUT_OF_RANGE",
        "cluster.node_pools.0.max_pods",
        "error",
    ),
    (
        "max-pods-9",
        ("cluster.node_pools.0.max_pods=9",),
        "MAX_PODS_OUT_OF_RANGE",
        "cluster.node_pools.0.max_pods",
        "error",
    ),
    (
        "max-pods-10-on-2-nodes",
        ("cluster.node_pools.0.max_pods=10", "cluster.node_pools.0.count=2"),
        "MAX_PODS_OUT_OF_RANGE",
        "cluster.node_pools.0.max_pods",
        "error",
    ),
    (
        "kubenet-401-nodes",
        (
            *KUBENET,
            "cluster.pod_cidr=100.64.0.0/14",
            "vnet.subnet.address_prefix=10.20.0.0/22",
            "cluster.node_pools.0.count=400",
            "cluster.node_pools.0.max_surge=1",
        ),
        "NODE_LIMIT_EXCEEDED",
        "cluster.node_pools",
        "error",
    ),
    (
        "npm-on-kubenet",
        (*KUBENET, "cluster.network_policy=azure"),
        "POLICY_REQUIRES_AZURE_CNI",
        "cluster.network_policy",
        "error",
    ),
    (
        "cilium-policy-azure-dataplane",
        ("cluster.network_dataplane=azure",),
        "POLICY_REQUIRES_CILIUM_DATAPLANE",
        "cluster.network_policy",
        "error",
    ),
    (
        "cilium-dataplane-npm-policy",
        ("cluster.network_policy=azure",),
        "POLICY_REQUIRES_CILIUM_DATAPLANE",
        "cluster.network_policy",
        "error",
    ),
    (
        "cilium-on-kubenet",
        (*KUBENET, "cluster.network_dataplane=cilium"),
        "CILIUM_REQUIRES_AZURE_CNI",
        "cluster.network_dataplane",
        "error",
    ),
    (
        "windows-on-kubenet",
        (*KUBENET, WINDOWS_POOLS, WIN_USER),
        "WINDOWS_REQUIRES_AZURE_CNI",
        "cluster.node_pools.1.os_type",
        "error",
    ),
    (
        "windows-with-cilium",
        (WINDOWS_POOLS, WIN_USER),
        "WINDOWS_UNSUPPORTED_BY_POLICY",
        "cluster.node_pools.1.os_type",
        "error",
    ),
    (
        "npm-251-nodes",
        (
            *FLAT,
            "cluster.network_policy=azure",
            "vnet.subnet.address_prefix=10.20.0.0/17",
            "cluster.node_pools.0.count=251",
        ),
        "NPM_SCALE_LIMIT",
        "cluster.network_policy",
        "warning",
    ),
    (
        "npm-20250-pods",
        (
            *FLAT,
            "cluster.network_policy=azure",
            "vnet.subnet.address_prefix=10.20.0.0/17",
            "cluster.node_pools.0.count=250",
            "cluster.node_pools.0.max_pods=81",
        ),
        "NPM_SCALE_LIMIT",
        "cluster.network_policy",
        "warning",
    ),
    (
        "udr-without-route-table",
        ("cluster.outbound_type=userDefinedRouting",),
        "UDR_NEEDS_DEFAULT_ROUTE",
        "route_table",
        "error",
    ),
    (
        "udr-default-to-internet",
        (
            "cluster.outbound_type=userDefinedRouting",
            "route_table={name: rt, routes: [{name: d, address_prefix: 0.0.0.0/0, next_hop_type: Internet}]}",
        ),
        "UDR_NEEDS_DEFAULT_ROUTE",
        "route_table.routes",
        "error",
    ),
    (
        "service-range-12",
        ("cluster.service_cidr=10.0.0.0/12",),
        "SERVICE_CIDR_TOO_LARGE",
        "cluster.service_cidr",
        "error",
    ),
    ("kubenet-retiring", KUBENET, "RETIRED_FEATURE", "cluster.network_plugin", "warning"),
    (
        "npm-linux-retiring",
        (*FLAT, "cluster.network_policy=azure"),
        "RETIRED_FEATURE",
        "cluster.network_policy",
        "warning",
    ),
    (
        "npm-windows-retired",
        (*FLAT, "cluster.network_policy=azure", WINDOWS_POOLS, WIN_USER),
        "RETIRED_FEATURE",
        "cluster.network_policy",
        "error",
    ),
    ("bad-cluster-name", ("cluster.name=-aks",), "NAME_INVALID", "cluster.name", "error"),
    ("bad-deployment-name", ("deployment=my deployment",), "NAME_INVALID", "deployment", "error"),
    ("bad-resource-group", ("resource_group=rg.",), "NAME_INVALID", "resource_group", "error"),
    (
        "overlay-subnet-name-64",
        ("vnet.subnet.name=" + "s" * 64,),
        "NAME_TOO_LONG",
        "vnet.subnet.name",
        "error",
    ),
    (
        "windows-without-username",
        (*OVERLAY_CALICO, WINDOWS_POOLS),
        "WINDOWS_PROFILE_REQUIRED",
        "cluster.windows_admin_username",
        "error",
    ),
    (
        "windows-username-admin",
        (*OVERLAY_CALICO, WINDOWS_POOLS, "cluster.windows_admin_username=admin"),
        "WINDOWS_PROFILE_INVALID",
        "cluster.windows_admin_username",
        "error",
    ),
    (
        "windows-password-missing",
        (*OVERLAY_CALICO, WINDOWS_POOLS, WIN_USER),
        "WINDOWS_PASSWORD_MISSING",
        "AKSNET_WINDOWS_ADMIN_PASSWORD",
        "warning",
    ),
    (
        "pod-range-on-flat-cni",
        (*FLAT, "cluster.pod_cidr=10.244.0.0/16"),
        "POD_CIDR_NOT_APPLICABLE",
        "cluster.pod_cidr",
        "error",
    ),
    (
        "overlay-on-kubenet",
        (*KUBENET, "cluster.network_plugin_mode=overlay"),
        "PLUGIN_MODE_REQUIRES_AZURE",
        "cluster.network_plugin_mode",
        "error",
    ),
    (
        "calico-on-byo-cni",
        (
            "cluster.network_plugin=none",
            "cluster.network_plugin_mode=null",
            "cluster.network_dataplane=null",
            "cluster.network_policy=calico",
        ),
        "POLICY_UNSUPPORTED_BY_PLUGIN",
        "cluster.network_policy",
        "error",
    ),
    (
        "kubenet-byo-subnet-without-route-table",
        (*KUBENET, *BRING_NETWORK),
        "KUBENET_ROUTE_TABLE_MANAGED",
        "route_table",
        "warning",
    ),
    ("only-user-pools", ("cluster.node_pools.0.mode=User",), "NO_SYSTEM_POOL", "cluster.node_pools", "error"),
    ("no-pools", ("cluster.node_pools=[]",), "NO_SYSTEM_POOL", "cluster.node_pools", "error"),
    (
        "windows-system-pool",
        (*OVERLAY_CALICO, WIN_USER, "cluster.node_pools.0.os_type=Windows", "cluster.node_pools.0.name=sys"),
        "SYSTEM_POOL_MUST_BE_LINUX",
        "cluster.node_pools.0.mode",
        "error",
    ),
    (
        "pool-name-upper-case",
        ("cluster.node_pools.0.name=System",),
        "POOL_NAME_INVALID",
        "cluster.node_pools.0.name",
        "error",
    ),
    (
        "windows-pool-name-7",
        (*OVERLAY_CALICO, WIN_USER, WINDOWS_POOLS, "cluster.node_pools.1.name=winpool"),
        "POOL_NAME_INVALID",
        "cluster.node_pools.1.name",
        "error",
    ),
    (
        "duplicate-pool-names",
        ("cluster.node_pools=[{name: a, count: 3}, {name: a, mode: User, count: 1}]",),
        "POOL_NAME_INVALID",
        "cluster.node_pools.1.name",
        "error",
    ),
    (
        "system-pool-zero-nodes",
        ("cluster.node_pools.0.count=0",),
        "NODE_COUNT_OUT_OF_RANGE",
        "cluster.node_pools.0.count",
        "error",
    ),
    (
        "autoscaler-without-bounds",
        ("cluster.node_pools.0.enable_auto_scaling=true",),
        "AUTOSCALER_INVALID",
        "cluster.node_pools.0.max_count",
        "error",
    ),
    (
        "autoscaler-min-above-count",
        (
            "cluster.node_pools.0.enable_auto_scaling=true",
            "cluster.node_pools.0.min_count=4",
            "cluster.node_pools.0.max_count=5",
        ),
        "AUTOSCALER_INVALID",
        "cluster.node_pools.0.max_count",
        "error",
    ),
    (
        "bounds-without-autoscaler",
        ("cluster.node_pools.0.max_count=5",),
        "AUTOSCALER_INVALID",
        "cluster.node_pools.0.enable_auto_scaling",
        "error",
    ),
    (
        "appliance-without-ip",
        ("route_table={name: rt, routes: [{name: r, address_prefix: 10.9.0.0/16, next_hop_type: VirtualAppliance}]}",),
        "ROUTE_INVALID",
        "route_table.routes.0.next_hop_ip_address",
        "error",
    ),
    (
        "internet-with-ip",
        (
            "route_table={name: rt, routes: [{name: r, address_prefix: 10.9.0.0/16, "
            "next_hop_type: Internet, next_hop_ip_address: 10.20.0.4}]}",
        ),
        "ROUTE_INVALID",
        "route_table.routes.0.next_hop_ip_address",
        "error",
    ),
    (
        "managed-nat-in-custom-vnet",
        ("cluster.outbound_type=managedNATGateway",),
        "OUTBOUND_TYPE_UNSUPPORTED",
        "cluster.outbound_type",
        "error",
    ),
    (
        "user-nat-on-new-subnet",
        ("cluster.outbound_type=userAssignedNATGateway",),
        "OUTBOUND_TYPE_UNSUPPORTED",
        "cluster.outbound_type",
        "error",
    ),
    ("outbound-none", ("cluster.outbound_type=none",), "OUTBOUND_NONE", "cluster.outbound_type", "warning"),
    (
        "vnet-without-prefixes",
        ("vnet.address_prefixes=[]",),
        "SPEC_INVALID",
        "vnet.address_prefixes",
        "error",
    ),
    (
        "existing-subnet-in-new-vnet",
        ("vnet.subnet.existing=true",),
        "SPEC_INVALID",
        "vnet.subnet.existing",
        "error",
    ),
    (
        "routes-on-brought-route-table",
        (
            "route_table={name: rt, existing: true, routes: [{name: r, address_prefix: "
            "10.9.0.0/16, next_hop_type: VirtualNetworkGateway}]}",
        ),
        "SPEC_INVALID",
        "route_table.routes",
        "error",
    ),
    (
        "identity-name-and-id",
        ("identity.id=/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x",),
        "SPEC_INVALID",
        "identity",
        "error",
    ),
    (
        "identity-id-malformed",
        ("identity={id: /subscriptions/s/identity}",),
        "SPEC_INVALID",
        "identity.id",
        "error",
    ),
    ("subscription-not-guid", ("subscription_id=my-sub",), "SPEC_INVALID", "subscription_id", "error"),
    (
        "k8s-version-malformed",
        ("cluster.kubernetes_version=latest",),
        "SPEC_INVALID",
        "cluster.kubernetes_version",
        "error",
    ),
    (
        "surge-not-a-number",
        ("cluster.node_pools.0.max_surge=lots",),
        "SPEC_INVALID",
        "cluster.node_pools.0.max_surge",
        "error",
    ),
    ("location-display-name", ("location=East US",), "SPEC_INVALID", "location", "error"),
]

# (id, overrides, code that must NOT appear): each sits just inside the limit its twin above crosses.
INSIDE = [
    (
        "service-range-next-to-reserved",
        ("cluster.service_cidr=172.29.0.0/16", "cluster.dns_service_ip=172.29.0.10"),
        "RESERVED_RANGE",
    ),
    ("pod-range-beside-reserved", ("cluster.pod_cidr=172.16.0.0/13",), "RESERVED_RANGE"),
    (
        "service-next-to-vnet",
        ("cluster.service_cidr=10.21.0.0/16", "cluster.dns_service_ip=10.21.0.10"),
        "CIDR_OVERLAP",
    ),
    ("overlay-pods-in-vnet-off-subnet", ("cluster.pod_cidr=10.20.128.0/17",), "CIDR_OVERLAP_ERROR"),
    ("subnet-at-vnet-end", ("vnet.subnet.address_prefix=10.20.255.0/24",), "SUBNET_OUTSIDE_VNET"),
    ("dns-last-address", ("cluster.dns_service_ip=10.0.255.254",), "DNS_IP_OUTSIDE_SERVICE_CIDR"),
    ("dns-second-host", ("cluster.dns_service_ip=10.0.0.2",), "DNS_IP_RESERVED"),
    (
        "flat-cni-subnet-exactly-fits",
        (*FLAT, "vnet.subnet.address_prefix=10.20.0.0/25", "cluster.node_pools.0.max_pods=29"),
        "SUBNET_TOO_SMALL",
    ),
    (
        "subnet-29",
        ("vnet.subnet.address_prefix=10.20.0.0/29", "cluster.node_pools.0.count=1"),
        "SUBNET_TOO_SMALL",
    ),
    ("pod-range-exactly-four-blocks", ("cluster.pod_cidr=192.168.0.0/22",), "POD_CIDR_TOO_SMALL"),
    ("max-pods-250", ("cluster.node_pools.0.max_pods=250",), "MAX_PODS_OUT_OF_RANGE"),
    ("max-pods-10-on-3-nodes", ("cluster.node_pools.0.max_pods=10",), "MAX_PODS_OUT_OF_RANGE"),
    (
        "kubenet-400-nodes",
        (
            *KUBENET,
            "cluster.pod_cidr=100.64.0.0/14",
            "vnet.subnet.address_prefix=10.20.0.0/22",
            "cluster.node_pools.0.count=399",
            "cluster.node_pools.0.max_surge=1",
        ),
        "NODE_LIMIT_EXCEEDED",
    ),
    ("calico-on-kubenet", (*KUBENET, "cluster.network_policy=calico"), "POLICY_REQUIRES_AZURE_CNI"),
    ("cilium-dataplane-policy-omitted", ("cluster.network_policy=null",), "POLICY_REQUIRES_CILIUM_DATAPLANE"),
    (
        "windows-with-calico-on-overlay",
        (*OVERLAY_CALICO, WINDOWS_POOLS, WIN_USER),
        "WINDOWS_UNSUPPORTED_BY_POLICY",
    ),
    (
        "npm-250-nodes-20000-pods",
        (
            *FLAT,
            "cluster.network_policy=azure",
            "vnet.subnet.address_prefix=10.20.0.0/17",
            "cluster.node_pools.0.count=250",
            "cluster.node_pools.0.max_pods=80",
        ),
        "NPM_SCALE_LIMIT",
    ),
    (
        "udr-through-appliance",
        (
            "cluster.outbound_type=userDefinedRouting",
            "route_table={name: rt, routes: [{name: d, address_prefix: 0.0.0.0/0, "
            "next_hop_type: VirtualAppliance, next_hop_ip_address: 10.20.1.4}]}",
        ),
        "UDR_NEEDS_DEFAULT_ROUTE",
    ),
    ("service-range-13", ("cluster.service_cidr=10.0.0.0/13",), "SERVICE_CIDR_TOO_LARGE"),
    ("overlay-subnet-name-63", ("vnet.subnet.name=" + "s" * 63,), "NAME_TOO_LONG"),
    (
        "user-pool-zero-nodes",
        ("cluster.node_pools=[{name: a, count: 3}, {name: b, mode: User, count: 0}]",),
        "NODE_COUNT_OUT_OF_RANGE",
    ),
    (
        "brought-subnet-with-user-nat",
        (*BRING_NETWORK, "cluster.outbound_type=userAssignedNATGateway"),
        "OUTBOUND_TYPE_UNSUPPORTED",
    ),
]


@pytest.mark.parametrize(("overrides", "code", "field", "severity"), [t[1:] for t in TRIPS], ids=[t[0] for t in TRIPS])
def test_rule_trips_with_field_and_severity(overrides: tuple[str, ...], code: str, field: str, severity: str) -> None:
    found = findings_of(*overrides)
    matching = [f for f in found if f.code == code and f.field == field]
    assert matching, f"expected {code} on {field}, got {[(f.code, f.field) for f in found]}"
    assert matching[0].severity == severity
    assert matching[0].message and matching[0].hint


@pytest.mark.parametrize(("overrides", "code"), [t[1:] for t in INSIDE], ids=[t[0] for t in INSIDE])
def test_rule_stays_quiet_just_inside_the_limit(overrides: tuple[str, ...], code: str) -> None:
    found = findings_of(*overrides)
    if code == "CIDR_OVERLAP_ERROR":
        assert not [f for f in found if f.code == "CIDR_OVERLAP" and f.severity == "error"]
    else:
        assert code not in codes(found), [f for f in found if f.code == code]


def test_every_rule_code_has_a_tripping_case() -> None:
    rules = Path(aksnet.rules.__file__).parent  # the package's folder, wherever pytest runs from
    sources = sorted(rules.glob("*.py"))
    assert len(sources) > 5, rules
    source = "\n".join(p.read_text() for p in sources)
    emitted = set(re.findall(r'(?:error|warning|make|_retired)\(\s*"([A-Z][A-Z_]+)"', source))
    emitted.add("RETIRED_FEATURE")
    tripped = {t[2] for t in TRIPS} | {"WINDOWS_PASSWORD_INVALID"}
    assert emitted - tripped == set()


def test_the_base_scenario_is_clean() -> None:
    assert findings_of() == []


def test_kubenet_is_an_error_after_its_end_of_support() -> None:
    found = check(make_spec(*KUBENET), today=date(2028, 4, 1), env={})
    retired = [f for f in found if f.code == "RETIRED_FEATURE"]
    assert retired[0].severity == "error"
    assert "2028-03-31" in retired[0].message


def test_npm_on_windows_warned_on_its_last_day() -> None:
    spec = make_spec(*FLAT, "cluster.network_policy=azure", WINDOWS_POOLS, WIN_USER)
    found = check(spec, today=date(2026, 9, 30), env=GOOD_PASSWORD)
    windows = [f for f in found if f.code == "RETIRED_FEATURE" and "Windows" in f.message]
    assert windows[0].severity == "warning"


def test_windows_password_is_judged_but_never_echoed() -> None:
    secret = "short1A"
    found = findings_of(*OVERLAY_CALICO, WINDOWS_POOLS, WIN_USER, env={"AKSNET_WINDOWS_ADMIN_PASSWORD": secret})
    bad = [f for f in found if f.code == "WINDOWS_PASSWORD_INVALID"]
    assert bad and all(secret not in f.message + f.hint for f in found)
    assert "WINDOWS_PASSWORD_INVALID" not in codes(
        findings_of(*OVERLAY_CALICO, WINDOWS_POOLS, WIN_USER, env=GOOD_PASSWORD)
    )


def test_missing_windows_password_is_an_error_when_up_needs_it() -> None:
    spec = make_spec(*OVERLAY_CALICO, WINDOWS_POOLS, WIN_USER)
    found = check(spec, today=TODAY, env={}, require_secrets=True)
    assert [f.severity for f in found if f.code == "WINDOWS_PASSWORD_MISSING"] == ["error"]


def test_overlay_pods_in_vnet_space_warn_but_do_not_fail() -> None:
    found = findings_of("cluster.pod_cidr=10.20.128.0/17")
    assert [(f.code, f.severity) for f in found] == [("CIDR_OVERLAP", "warning")]


def test_messages_carry_the_users_values() -> None:
    found = findings_of("cluster.dns_service_ip=10.1.0.10")
    assert "10.1.0.10" in found[0].message and "10.0.0.0/16" in found[0].message


def test_autoscaler_max_counts_toward_subnet_capacity() -> None:
    # Flat CNI at 10 pods: 3 nodes (+1 surge) fit a /26 (59 usable); an autoscaler max of 6 needs 7 x 11 = 77.
    base = (*FLAT, "vnet.subnet.address_prefix=10.20.0.0/26", "cluster.node_pools.0.max_pods=10")
    assert "SUBNET_TOO_SMALL" not in codes(findings_of(*base))
    scaled = (
        *base,
        "cluster.node_pools.0.enable_auto_scaling=true",
        "cluster.node_pools.0.min_count=3",
        "cluster.node_pools.0.max_count=6",
    )
    assert "SUBNET_TOO_SMALL" in codes(findings_of(*scaled))


def test_surge_percentage_rounds_up() -> None:
    # 10 nodes with 25% surge need 13 /24 blocks; a /21 holds 8, a /20 holds 16.
    base = ("cluster.node_pools.0.count=10", "cluster.node_pools.0.max_surge=25%")
    assert "POD_CIDR_TOO_SMALL" in codes(findings_of(*base, "cluster.pod_cidr=192.168.0.0/21"))
    assert "POD_CIDR_TOO_SMALL" not in codes(findings_of(*base, "cluster.pod_cidr=192.168.0.0/20"))


def test_capacity_finding_suggests_a_size_that_fits() -> None:
    found = findings_of(*FLAT, "vnet.subnet.address_prefix=10.20.0.0/25", "cluster.node_pools.0.max_pods=30")
    hint = next(f.hint for f in found if f.code == "SUBNET_TOO_SMALL")
    assert "/24" in hint  # 124 addresses: a /25 holds 123, a /24 holds 251
