"""AKS on Azure Local: every finding code has a case that trips it and one just inside its limit."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from aksnet.arc.rules import check_arc
from aksnet.arc.spec import ArcSpec
from aksnet.findings import Finding
from helpers import TODAY, arc_spec

LNET = "arc.logical_network"
CLUSTER = "arc.cluster"
POOL0 = f"{CLUSTER}.node_pools.0"
POWERSHELL_22H2 = "arc.generation=22h2"


def arc_findings(*overrides: str, today: date = TODAY) -> list[Finding]:
    return check_arc(arc_spec(*overrides), today=today)


# (id, overrides, code, field, severity)
TRIPS = [
    (
        "custom-location-not-an-id",
        ("arc.custom_location_id=cl-azlocal",),
        "ARC_CUSTOM_LOCATION_INVALID",
        "arc.custom_location_id",
        "error",
    ),
    ("lnet-name-ends-in-dash", (f"{LNET}.name=aks-lnet-",), "ARC_NAME_INVALID", f"{LNET}.name", "error"),
    ("cluster-name-with-dot", (f"{CLUSTER}.name=arc.1",), "ARC_NAME_INVALID", f"{CLUSTER}.name", "error"),
    (
        "pool-names-twice",
        (f"{CLUSTER}.node_pools=[{{name: a}}, {{name: a}}]",),
        "ARC_NAME_INVALID",
        f"{CLUSTER}.node_pools",
        "error",
    ),
    ("created-lnet-without-gateway", (f"{LNET}.gateway=null",), "ARC_LNET_FIELD_REQUIRED", f"{LNET}.gateway", "error"),
    (
        "created-lnet-without-switch",
        (f"{LNET}.vm_switch_name=null",),
        "ARC_LNET_FIELD_REQUIRED",
        f"{LNET}.vm_switch_name",
        "error",
    ),
    (
        "dynamic-lnet",
        (f"{LNET}.ip_allocation_method=Dynamic",),
        "ARC_LNET_NOT_STATIC",
        f"{LNET}.ip_allocation_method",
        "error",
    ),
    (
        "two-prefixes",
        (f"{LNET}.address_prefixes=[10.220.33.0/24]",),
        "ARC_LNET_MULTIPLE_PREFIXES",
        f"{LNET}.address_prefixes",
        "error",
    ),
    ("no-pool", (f"{LNET}.ip_pools=[]",), "ARC_LNET_NO_IP_POOL", f"{LNET}.ip_pools", "error"),
    ("no-dns", (f"{LNET}.dns_servers=[]",), "ARC_LNET_NO_DNS", f"{LNET}.dns_servers", "error"),
    ("no-vlan", (f"{LNET}.vlan=null",), "ARC_LNET_NO_VLAN", f"{LNET}.vlan", "warning"),
    (
        "gateway-in-next-subnet",
        (f"{LNET}.gateway=10.220.33.1",),
        "ARC_GATEWAY_OUTSIDE_PREFIX",
        f"{LNET}.gateway",
        "error",
    ),
    (
        "pool-ends-past-prefix",
        (f"{LNET}.ip_pools.0.end=10.220.33.5",),
        "ARC_IP_POOL_OUTSIDE_PREFIX",
        f"{LNET}.ip_pools.0",
        "error",
    ),
    (
        "pool-backwards",
        (f"{LNET}.ip_pools.0.start=10.220.32.40",),
        "ARC_IP_POOL_INVALID",
        f"{LNET}.ip_pools.0",
        "error",
    ),
    (
        "pools-overlap",
        (f"{LNET}.ip_pools=[{{start: 10.220.32.18, end: 10.220.32.37}}, {{start: 10.220.32.37, end: 10.220.32.40}}]",),
        "ARC_IP_POOL_OVERLAP",
        f"{LNET}.ip_pools.0",
        "error",
    ),
    (
        "dns-elsewhere",
        (f"{LNET}.dns_servers=[10.0.0.10]", "arc.reserved=[]"),
        "ARC_DNS_OUTSIDE_PREFIX",
        f"{LNET}.dns_servers",
        "warning",
    ),
    (
        "lnet-in-service-range",
        (
            f"{LNET}.address_prefix=10.100.0.0/24",
            f"{LNET}.gateway=10.100.0.1",
            f"{LNET}.dns_servers=[10.100.0.10]",
            f"{LNET}.ip_pools=[{{start: 10.100.0.18, end: 10.100.0.37}}]",
            "arc.reserved=[]",
            f"{CLUSTER}.load_balancer_ips=[]",
        ),
        "RESERVED_RANGE",
        f"{LNET}.address_prefix",
        "error",
    ),
    ("lnet-in-pod-cidr", (f"{CLUSTER}.pod_cidr=10.220.0.0/16",), "RESERVED_RANGE", f"{LNET}.address_prefix", "error"),
    ("pods-on-services", (f"{CLUSTER}.pod_cidr=10.96.0.0/16",), "RESERVED_RANGE", f"{CLUSTER}.pod_cidr", "error"),
    (
        "cp-ip-outside",
        (f"{CLUSTER}.control_plane.ip=10.220.33.5",),
        "ARC_CONTROL_PLANE_IP_OUTSIDE_PREFIX",
        f"{CLUSTER}.control_plane.ip",
        "error",
    ),
    (
        "cp-ip-last-of-pool",
        (f"{CLUSTER}.control_plane.ip=10.220.32.37",),
        "ARC_CONTROL_PLANE_IP_IN_POOL",
        f"{CLUSTER}.control_plane.ip",
        "error",
    ),
    (
        "lb-touches-pool",
        (f"{CLUSTER}.load_balancer_ips=[10.220.32.37-10.220.32.39]",),
        "ARC_LB_RANGE_IN_POOL",
        f"{CLUSTER}.load_balancer_ips.0",
        "error",
    ),
    (
        "lb-elsewhere",
        (f"{CLUSTER}.load_balancer_ips=[10.220.40.0/30]",),
        "ARC_LB_RANGE_OUTSIDE_PREFIX",
        f"{CLUSTER}.load_balancer_ips.0",
        "warning",
    ),
    (
        "cp-ip-on-lb-range",
        (f"{CLUSTER}.control_plane.ip=10.220.32.48",),
        "ARC_IP_CONFLICT",
        f"{CLUSTER}.load_balancer_ips.0",
        "error",
    ),
    ("cp-ip-reserved", (f"{CLUSTER}.control_plane.ip=10.220.32.2",), "ARC_IP_CONFLICT", "arc.reserved.0", "error"),
    ("gateway-in-pool", (f"{LNET}.gateway=10.220.32.20",), "ARC_IP_CONFLICT", f"{LNET}.gateway", "error"),
    ("pool-one-short", (f"{POOL0}.count=18",), "ARC_IP_POOL_TOO_SMALL", f"{LNET}.ip_pools", "error"),
    ("pool-little-headroom", (f"{POOL0}.count=14",), "ARC_IP_POOL_TOO_SMALL", f"{LNET}.ip_pools", "warning"),
    (
        "autoscaler-max-counts",
        (f"{POOL0}.enable_auto_scaling=true", f"{POOL0}.min_count=1", f"{POOL0}.max_count=18"),
        "ARC_IP_POOL_TOO_SMALL",
        f"{LNET}.ip_pools",
        "error",
    ),
    ("other-clusters-count", ("arc.other_clusters=3",), "ARC_IP_POOL_TOO_SMALL", f"{LNET}.ip_pools", "error"),
    (
        "two-control-planes",
        (f"{CLUSTER}.control_plane.count=2",),
        "ARC_CONTROL_PLANE_COUNT",
        f"{CLUSTER}.control_plane.count",
        "error",
    ),
    ("empty-pool", (f"{POOL0}.count=0",), "ARC_NODE_COUNT_OUT_OF_RANGE", f"{POOL0}.count", "error"),
    (
        "pool-of-65",
        (f"{POOL0}.count=65", f"{LNET}.ip_pools.0.end=10.220.32.250"),
        "ARC_NODE_COUNT_OUT_OF_RANGE",
        f"{POOL0}.count",
        "error",
    ),
    (
        "autoscaler-without-bounds",
        (f"{POOL0}.enable_auto_scaling=true",),
        "ARC_AUTOSCALER_INVALID",
        f"{POOL0}.min_count",
        "error",
    ),
    (
        "bounds-without-autoscaler",
        (f"{POOL0}.max_count=5",),
        "ARC_AUTOSCALER_INVALID",
        f"{POOL0}.enable_auto_scaling",
        "error",
    ),
    (
        "201-nodes",
        (
            f"{CLUSTER}.node_pools=["
            + ", ".join(f"{{name: p{i}, count: 50}}" for i in range(4))
            + ", {name: p4, count: 1}]",
        ),
        "NODE_LIMIT_EXCEEDED",
        f"{CLUSTER}.node_pools",
        "error",
    ),
    (
        "17-pools",
        (f"{CLUSTER}.node_pools=[" + ", ".join(f"{{name: p{i}}}" for i in range(17)) + "]",),
        "NODE_LIMIT_EXCEEDED",
        f"{CLUSTER}.node_pools",
        "error",
    ),
    (
        "windows-only",
        (f"{CLUSTER}.node_pools=[{{name: win, os_type: Windows}}]",),
        "ARC_LINUX_POOL_REQUIRED",
        f"{CLUSTER}.node_pools",
        "error",
    ),
    ("linux-with-windows-sku", (f"{POOL0}.os_sku=Windows2022",), "ARC_OS_SKU_MISMATCH", f"{POOL0}.os_sku", "error"),
    ("cloud-size", (f"{POOL0}.vm_size=Standard_D2s_v5",), "ARC_VM_SIZE_UNSUPPORTED", f"{POOL0}.vm_size", "warning"),
    (
        "control-plane-a2",
        (f"{CLUSTER}.control_plane.vm_size=Standard_A2_v2",),
        "ARC_VM_SIZE_UNSUPPORTED",
        f"{CLUSTER}.control_plane.vm_size",
        "warning",
    ),
    ("cilium", (f"{CLUSTER}.network_policy=cilium",), "ARC_POLICY_UNSUPPORTED", f"{CLUSTER}.network_policy", "error"),
    ("flannel", (f"{CLUSTER}.network_policy=flannel",), "RETIRED_FEATURE", f"{CLUSTER}.network_policy", "error"),
    (
        "service-range-asked",
        (f"{CLUSTER}.service_cidr=10.0.0.0/16",),
        "ARC_SERVICE_CIDR_FIXED",
        f"{CLUSTER}.service_cidr",
        "error",
    ),
    (
        "haproxy-vm",
        (f"{CLUSTER}.load_balancer_count=1",),
        "ARC_LB_VM_COUNT",
        f"{CLUSTER}.load_balancer_count",
        "warning",
    ),
    ("22h2", (POWERSHELL_22H2,), "RETIRED_FEATURE", "arc.generation", "error"),
    ("windows-server-before-2028", ("arc.generation=windows-server",), "RETIRED_FEATURE", "arc.generation", "warning"),
    (
        "powershell-generation",
        ("arc.generation=windows-server",),
        "ARC_POWERSHELL_GENERATION",
        "arc.generation",
        "error",
    ),
    (
        "shared-aks-hci-network",
        (POWERSHELL_22H2, "arc.other_clusters=1"),
        "ARC_SHARED_NETWORK_LB",
        "arc.other_clusters",
        "warning",
    ),
    (
        "33-clusters",
        ("arc.other_clusters=32", f"{LNET}.address_prefix=10.220.0.0/20", f"{LNET}.ip_pools.0.end=10.220.15.250"),
        "ARC_CLUSTER_LIMIT",
        "arc.other_clusters",
        "warning",
    ),
]

# (id, overrides, code that must NOT appear): each sits just inside the limit its twin above crosses.
INSIDE = [
    ("custom-location-id", (), "ARC_CUSTOM_LOCATION_INVALID"),
    ("lnet-name-ends-in-underscore", (f"{LNET}.name=aks-lnet_",), "ARC_NAME_INVALID"),
    ("cluster-name-63", (f"{CLUSTER}.name=" + "a" * 63,), "ARC_NAME_INVALID"),
    ("brought-lnet-by-name", (f"{LNET}={{name: lnet-shared, existing: true}}",), "ARC_LNET_FIELD_REQUIRED"),
    ("brought-lnet-without-pools-in-spec", (f"{LNET}={{name: lnet-shared, existing: true}}",), "ARC_LNET_NO_IP_POOL"),
    ("static-lnet", (f"{LNET}.ip_allocation_method=Static",), "ARC_LNET_NOT_STATIC"),
    ("prefix-repeated", (f"{LNET}.address_prefixes=[10.220.32.0/24]",), "ARC_LNET_MULTIPLE_PREFIXES"),
    ("one-dns-server", (f"{LNET}.dns_servers=[10.220.32.11]",), "ARC_LNET_NO_DNS"),
    ("vlan-0", (f"{LNET}.vlan=0",), "ARC_LNET_NO_VLAN"),
    ("gateway-last-host", (f"{LNET}.gateway=10.220.32.254",), "ARC_GATEWAY_OUTSIDE_PREFIX"),
    (
        "pool-to-last-host",
        (f"{LNET}.ip_pools.0.end=10.220.32.46", f"{CLUSTER}.load_balancer_ips=[]"),
        "ARC_IP_POOL_OUTSIDE_PREFIX",
    ),
    ("one-address-pool", (f"{LNET}.ip_pools.0.start=10.220.32.37",), "ARC_IP_POOL_INVALID"),
    (
        "pools-adjacent",
        (f"{LNET}.ip_pools=[{{start: 10.220.32.18, end: 10.220.32.37}}, {{start: 10.220.32.38, end: 10.220.32.40}}]",),
        "ARC_IP_POOL_OVERLAP",
    ),
    ("dns-in-prefix", (), "ARC_DNS_OUTSIDE_PREFIX"),
    (
        "lnet-below-service-range",
        (
            f"{LNET}.address_prefix=10.95.255.0/24",
            f"{LNET}.gateway=10.95.255.1",
            f"{LNET}.dns_servers=[10.95.255.10]",
            f"{LNET}.ip_pools=[{{start: 10.95.255.18, end: 10.95.255.37}}]",
            "arc.reserved=[]",
            f"{CLUSTER}.load_balancer_ips=[]",
        ),
        "RESERVED_RANGE",
    ),
    ("pods-next-to-services", (f"{CLUSTER}.pod_cidr=10.112.0.0/16",), "RESERVED_RANGE"),
    ("cp-ip-last-host", (f"{CLUSTER}.control_plane.ip=10.220.32.254",), "ARC_CONTROL_PLANE_IP_OUTSIDE_PREFIX"),
    ("cp-ip-after-pool", (f"{CLUSTER}.control_plane.ip=10.220.32.38",), "ARC_CONTROL_PLANE_IP_IN_POOL"),
    ("lb-after-pool", (f"{CLUSTER}.load_balancer_ips=[10.220.32.38-10.220.32.40]",), "ARC_LB_RANGE_IN_POOL"),
    ("lb-at-prefix-end", (f"{CLUSTER}.load_balancer_ips=[10.220.32.252/30]",), "ARC_LB_RANGE_OUTSIDE_PREFIX"),
    ("cp-ip-beside-lb", (f"{CLUSTER}.control_plane.ip=10.220.32.46",), "ARC_IP_CONFLICT"),
    ("reserved-holds-dns", (), "ARC_IP_CONFLICT"),
    ("pool-exactly-holds-headroom", (f"{POOL0}.count=13",), "ARC_IP_POOL_TOO_SMALL"),
    ("three-control-planes", (f"{CLUSTER}.control_plane.count=3",), "ARC_CONTROL_PLANE_COUNT"),
    ("pool-of-64", (f"{POOL0}.count=64", f"{LNET}.ip_pools.0.end=10.220.32.250"), "ARC_NODE_COUNT_OUT_OF_RANGE"),
    ("pool-of-one", (f"{POOL0}.count=1",), "ARC_NODE_COUNT_OUT_OF_RANGE"),
    (
        "autoscaler-bounds",
        (f"{POOL0}.enable_auto_scaling=true", f"{POOL0}.min_count=3", f"{POOL0}.max_count=3"),
        "ARC_AUTOSCALER_INVALID",
    ),
    (
        "200-nodes",
        (f"{CLUSTER}.node_pools=[" + ", ".join(f"{{name: p{i}, count: 50}}" for i in range(4)) + "]",),
        "NODE_LIMIT_EXCEEDED",
    ),
    (
        "16-pools",
        (f"{CLUSTER}.node_pools=[" + ", ".join(f"{{name: p{i}}}" for i in range(16)) + "]",),
        "NODE_LIMIT_EXCEEDED",
    ),
    (
        "windows-beside-linux",
        (f"{CLUSTER}.node_pools=[{{name: lin}}, {{name: win, os_type: Windows}}]",),
        "ARC_LINUX_POOL_REQUIRED",
    ),
    (
        "windows-2019",
        (f"{CLUSTER}.node_pools=[{{name: lin}}, {{name: win, os_type: Windows, os_sku: Windows2019}}]",),
        "ARC_OS_SKU_MISMATCH",
    ),
    ("worker-d32", (f"{POOL0}.vm_size=Standard_D32s_v3",), "ARC_VM_SIZE_UNSUPPORTED"),
    ("calico-any-case", (f"{CLUSTER}.network_policy=Calico",), "ARC_POLICY_UNSUPPORTED"),
    ("calico-not-retired", (), "RETIRED_FEATURE"),
    ("service-range-as-fixed", (f"{CLUSTER}.service_cidr=10.96.0.0/12",), "ARC_SERVICE_CIDR_FIXED"),
    ("no-haproxy-vm", (f"{CLUSTER}.load_balancer_count=0",), "ARC_LB_VM_COUNT"),
    ("arm-generation", ("arc.generation=23h2",), "ARC_POWERSHELL_GENERATION"),
    ("22h2-alone-on-its-network", (POWERSHELL_22H2,), "ARC_SHARED_NETWORK_LB"),
    ("23h2-shares-logical-network", ("arc.other_clusters=1",), "ARC_SHARED_NETWORK_LB"),
    (
        "32-clusters",
        ("arc.other_clusters=31", f"{LNET}.address_prefix=10.220.0.0/20", f"{LNET}.ip_pools.0.end=10.220.15.250"),
        "ARC_CLUSTER_LIMIT",
    ),
]


@pytest.mark.parametrize(("overrides", "code", "field", "severity"), [t[1:] for t in TRIPS], ids=[t[0] for t in TRIPS])
def test_arc_rule_trips_with_field_and_severity(
    overrides: tuple[str, ...], code: str, field: str, severity: str
) -> None:
    found = arc_findings(*overrides)
    matching = [f for f in found if f.code == code and f.field == field]
    assert matching, f"expected {code} on {field}, got {[(f.code, f.field) for f in found]}"
    assert matching[0].severity == severity
    assert matching[0].message and matching[0].hint


@pytest.mark.parametrize(("overrides", "code"), [t[1:] for t in INSIDE], ids=[t[0] for t in INSIDE])
def test_arc_rule_stays_quiet_just_inside_the_limit(overrides: tuple[str, ...], code: str) -> None:
    found = arc_findings(*overrides)
    assert code not in {f.code for f in found}, [f for f in found if f.code == code]


def test_every_arc_rule_code_has_a_tripping_and_an_inside_case() -> None:
    source = "\n".join(p.read_text() for p in Path("aksnet/arc/rules").glob("*.py"))
    emitted = set(re.findall(r'(?:error|warning)\(\s*"([A-Z][A-Z_]+)"', source))
    assert emitted - {t[2] for t in TRIPS} == set()
    assert emitted - {t[2] for t in INSIDE} == set()
    assert all(
        c.startswith("ARC_") or c in {"RESERVED_RANGE", "NODE_LIMIT_EXCEEDED", "RETIRED_FEATURE"} for c in emitted
    )


def test_the_base_and_the_bundled_scenarios_are_clean() -> None:
    from aksnet.scenarios import SCENARIO_DIR
    from aksnet.spec import load_spec

    assert arc_findings() == []
    for name in ("azure-local-calico", "azure-local-shared-network"):
        spec = load_spec(SCENARIO_DIR / f"{name}.yaml")
        assert isinstance(spec, ArcSpec)
        assert check_arc(spec, today=TODAY) == [], name


def test_windows_server_is_an_error_after_its_retirement() -> None:
    found = arc_findings("arc.generation=windows-server", today=date(2028, 3, 28))
    retired = [f for f in found if f.code == "RETIRED_FEATURE"]
    assert retired[0].severity == "error" and "2028-03-27" in retired[0].message
    on_the_day = arc_findings("arc.generation=windows-server", today=date(2028, 3, 27))
    assert [f.severity for f in on_the_day if f.code == "RETIRED_FEATURE"] == ["warning"]


def test_a_pool_filled_exactly_warns_but_does_not_fail() -> None:
    # 1 control plane + 17 workers + 1 upgrade + 1 control-plane IP = 20 = the pool.
    found = [f for f in arc_findings(f"{POOL0}.count=17") if f.code == "ARC_IP_POOL_TOO_SMALL"]
    assert [f.severity for f in found] == ["warning"]


def test_messages_carry_the_users_values() -> None:
    found = arc_findings(f"{CLUSTER}.control_plane.ip=10.220.32.20")
    message = next(f.message for f in found if f.code == "ARC_CONTROL_PLANE_IP_IN_POOL")
    assert "10.220.32.20" in message and "10.220.32.18-10.220.32.37" in message
