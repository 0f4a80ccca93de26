"""Every finding code: a case that trips it, and one just inside the limit that does not."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import aksnet.rules
from aksnet.rules import check
from helpers import TODAY, ZERO_SUB, codes, findings_of, make_spec

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
PODS = "vnet.subnets=[{name: pods, address_prefix: 10.20.16.0/20}]"
POD_SUBNET = (*FLAT, PODS, "cluster.node_pools.0.pod_subnet=pods")
SMALL_PODS = (
    *FLAT,
    "vnet.subnets=[{name: pods, address_prefix: 10.20.1.0/24}]",
    "cluster.node_pools.0.pod_subnet=pods",
)
STATIC = (*SMALL_PODS, "cluster.node_pools.0.pod_ip_allocation_mode=StaticBlock", "cluster.node_pools.0.max_pods=30")
TWO_POOLS_ON_PODS = "cluster.node_pools=[{name: system, pod_subnet: pods}, {name: user, pod_subnet: pods}]"
DUAL = (
    'vnet.address_prefixes=[10.20.0.0/16, "fd00:db8::/48"]',
    'vnet.subnet.address_prefix_ipv6="fd00:db8::/64"',
    "cluster.ip_families=[IPv4, IPv6]",
)
V6_SERVICES = "cluster.service_cidrs=[10.0.0.0/16, {}]"
KUBENET_TWO_SUBNETS = (
    *KUBENET,
    "vnet.subnets=[{name: second, address_prefix: 10.20.1.0/24}]",
    "cluster.node_pools=[{name: system}, {name: user, subnet: second}]",
)
PIP = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/p"
USER_NAT = ("cluster.outbound_type=userAssignedNATGateway",)
PRIVATE = "cluster.api_server.private=true"
ZONE = "cluster.api_server.private_dns_zone"
RANGES = "cluster.api_server.authorized_ip_ranges"
LB = "cluster.load_balancer"
API_SUBNET = "vnet.subnets=[{name: api, address_prefix: 10.20.1.0/28}]"
INTEGRATED = ("cluster.api_server.vnet_integration=true", "cluster.api_server.subnet=api")
API_AND_ILB = "vnet.subnets=[{name: api, address_prefix: 10.20.1.0/28}, {name: ilb, address_prefix: 10.20.2.0/29}]"
DUAL_AZURE = (
    *DUAL,
    "cluster.network_dataplane=null",
    "cluster.network_policy=null",
)  # dual-stack without Cilium's 1.29
PODS_AND_API = "vnet.subnets=[{name: pods, address_prefix: 10.20.16.0/20}, {name: api, address_prefix: 10.20.1.0/28}]"
FULL_28 = ("vnet.subnet.address_prefix=10.20.0.0/28", "cluster.node_pools.0.max_surge=1")  # 11 usable addresses


def public_ranges(count: int) -> str:
    """`count` distinct public /32s as a --set value."""
    return "[" + ", ".join(f"20.0.{n // 250}.{n % 250 + 1}/32" for n in range(count)) + "]"


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
    (
        "pool-names-an-undeclared-subnet",
        ("cluster.node_pools.0.subnet=nope",),
        "SUBNET_NOT_DECLARED",
        "cluster.node_pools.0.subnet",
        "error",
    ),
    (
        "pool-names-an-undeclared-pod-subnet",
        (*FLAT, "cluster.node_pools.0.pod_subnet=nope"),
        "SUBNET_NOT_DECLARED",
        "cluster.node_pools.0.pod_subnet",
        "error",
    ),
    (
        "subnet-declared-twice",
        ("vnet.subnets=[{name: NODES, address_prefix: 10.20.1.0/24}]",),
        "SPEC_INVALID",
        "vnet.subnets.0.name",
        "error",
    ),
    (
        "created-extra-subnet-without-prefix",
        ("vnet.subnets=[{name: pods}]",),
        "SPEC_INVALID",
        "vnet.subnets.0.address_prefix",
        "error",
    ),
    (
        "pod-subnet-outside-vnet",
        (*FLAT, "vnet.subnets=[{name: pods, address_prefix: 10.21.0.0/24}]", "cluster.node_pools.0.pod_subnet=pods"),
        "SUBNET_OUTSIDE_VNET",
        "vnet.subnets.0.address_prefix",
        "error",
    ),
    (
        "ipv6-subnet-outside-vnet",
        (*DUAL, 'vnet.subnet.address_prefix_ipv6="fd00:db9::/64"'),
        "SUBNET_OUTSIDE_VNET",
        "vnet.subnet.address_prefix_ipv6",
        "error",
    ),
    (
        "subnets-overlap",
        ("vnet.subnets=[{name: second, address_prefix: 10.20.0.128/25}]",),
        "CIDR_OVERLAP",
        "vnet.subnets.0.address_prefix",
        "error",
    ),
    (
        "extra-subnet-below-29",
        ("vnet.subnets=[{name: tiny, address_prefix: 10.20.1.0/30}]",),
        "SUBNET_TOO_SMALL",
        "vnet.subnets.0.address_prefix",
        "error",
    ),
    (
        "ipv6-subnet-not-64",
        (*DUAL, 'vnet.subnet.address_prefix_ipv6="fd00:db8::/80"'),
        "SUBNET_IPV6_NOT_64",
        "vnet.subnet.address_prefix_ipv6",
        "error",
    ),
    (
        "pod-subnet-with-overlay",
        (PODS, "cluster.node_pools.0.pod_subnet=pods"),
        "POD_SUBNET_REQUIRES_AZURE_CNI",
        "cluster.node_pools.0.pod_subnet",
        "error",
    ),
    (
        "pod-subnet-on-one-pool-of-two",
        (*POD_SUBNET, "cluster.node_pools=[{name: system, pod_subnet: pods}, {name: user}]"),
        "POD_SUBNET_MIXED",
        "cluster.node_pools.1.pod_subnet",
        "error",
    ),
    (
        "pod-subnet-is-the-node-subnet",
        (*FLAT, "cluster.node_pools.0.pod_subnet=nodes"),
        "POD_SUBNET_IS_NODE_SUBNET",
        "cluster.node_pools.0.pod_subnet",
        "error",
    ),
    (
        "allocation-mode-without-pod-subnet",
        (*FLAT, "cluster.node_pools.0.pod_ip_allocation_mode=StaticBlock"),
        "POD_IP_ALLOCATION_MODE_INVALID",
        "cluster.node_pools.0.pod_ip_allocation_mode",
        "error",
    ),
    (
        "two-modes-on-one-pod-subnet",
        (
            *POD_SUBNET,
            "cluster.node_pools=[{name: system, pod_subnet: pods}, "
            "{name: user, pod_subnet: pods, pod_ip_allocation_mode: StaticBlock}]",
        ),
        "POD_SUBNET_MODE_CONFLICT",
        "cluster.node_pools.1.pod_ip_allocation_mode",
        "error",
    ),
    (
        "static-block-on-kubernetes-1-27",
        (*STATIC, "cluster.node_pools.0.count=1", 'cluster.kubernetes_version="1.27"'),
        "KUBERNETES_VERSION_UNSUPPORTED",
        "cluster.kubernetes_version",
        "error",
    ),
    (
        "static-block-pod-subnet-larger-than-12",
        (
            *STATIC,
            "vnet.address_prefixes=[10.0.0.0/8]",
            "vnet.subnets=[{name: pods, address_prefix: 10.64.0.0/11}]",
        ),
        "POD_SUBNET_TOO_LARGE",
        "vnet.subnets.0.address_prefix",
        "error",
    ),
    (
        "dynamic-pod-subnet-24-holds-15-nodes-not-16",
        (*SMALL_PODS, "cluster.node_pools.0.count=15", "cluster.node_pools.0.max_surge=1"),
        "POD_SUBNET_TOO_SMALL",
        "vnet.subnets.0.address_prefix",
        "error",
    ),
    (
        "dynamic-pod-subnet-too-small-for-full-nodes",
        SMALL_PODS,
        "POD_SUBNET_TOO_SMALL",
        "vnet.subnets.0.address_prefix",
        "warning",
    ),
    (
        "static-block-24-holds-7-nodes-of-30-pods-not-8",
        (*STATIC, "cluster.node_pools.0.count=7", "cluster.node_pools.0.max_surge=1"),
        "POD_SUBNET_TOO_SMALL",
        "vnet.subnets.0.address_prefix",
        "error",
    ),
    (
        "ipv6-only",
        ("cluster.ip_families=[IPv6]",),
        "IP_FAMILIES_INVALID",
        "cluster.ip_families",
        "error",
    ),
    (
        "dual-stack-pod-list-of-one",
        (*DUAL, "cluster.pod_cidrs=[192.168.0.0/16]"),
        "IP_FAMILIES_MISMATCH",
        "cluster.pod_cidrs",
        "error",
    ),
    (
        "dual-stack-service-list-in-wrong-order",
        (*DUAL, 'cluster.service_cidrs=["fd12:3456:789a:1::/108", 10.0.0.0/16]'),
        "IP_FAMILIES_MISMATCH",
        "cluster.service_cidrs",
        "error",
    ),
    (
        "two-pod-ranges-on-single-stack",
        ('cluster.pod_cidrs=[192.168.0.0/16, "fd12:3456:789a::/64"]',),
        "IP_FAMILIES_MISMATCH",
        "cluster.pod_cidrs",
        "error",
    ),
    (
        "dual-stack-on-flat-cni",
        (*DUAL, *FLAT),
        "DUAL_STACK_REQUIRES_OVERLAY",
        "cluster.ip_families",
        "error",
    ),
    (
        "dual-stack-with-calico",
        (*DUAL, *OVERLAY_CALICO),
        "DUAL_STACK_UNSUPPORTED_BY_POLICY",
        "cluster.network_policy",
        "error",
    ),
    (
        "dual-stack-cilium-on-kubernetes-1-28",
        (*DUAL, 'cluster.kubernetes_version="1.28"'),
        "KUBERNETES_VERSION_UNSUPPORTED",
        "cluster.kubernetes_version",
        "error",
    ),
    (
        "dual-stack-vnet-without-ipv6",
        ("cluster.ip_families=[IPv4, IPv6]",),
        "DUAL_STACK_REQUIRES_IPV6_SUBNET",
        "vnet.address_prefixes",
        "error",
    ),
    (
        "dual-stack-subnet-without-ipv6",
        (*DUAL, "vnet.subnet.address_prefix_ipv6=null"),
        "DUAL_STACK_REQUIRES_IPV6_SUBNET",
        "vnet.subnet.address_prefix_ipv6",
        "error",
    ),
    (
        "ipv6-service-range-larger-than-108",
        (*DUAL, V6_SERVICES.format('"fd12:3456:789a:1::/107"')),
        "SERVICE_CIDR_TOO_LARGE",
        "cluster.service_cidrs.1",
        "error",
    ),
    (
        "ipv6-pod-range-too-few-80s",
        (*DUAL, 'cluster.pod_cidrs=[192.168.0.0/16, "fd12:3456:789a::/79"]'),
        "POD_CIDR_TOO_SMALL",
        "cluster.pod_cidrs.1",
        "error",
    ),
    (
        "ipv6-pods-on-ipv6-services",
        (*DUAL, V6_SERVICES.format('"fd12:3456:789a::/108"')),
        "CIDR_OVERLAP",
        "cluster.pod_cidrs.1",
        "error",
    ),
    (
        "ipv6-services-on-ipv6-subnet",
        (*DUAL, V6_SERVICES.format('"fd00:db8::/108"')),
        "CIDR_OVERLAP",
        "cluster.service_cidrs.1",
        "error",
    ),
    (
        "kubenet-pools-on-two-subnets-without-route-table",
        KUBENET_TWO_SUBNETS,
        "KUBENET_ROUTE_TABLE_REQUIRED",
        "route_table",
        "error",
    ),
    # load balancer outbound and SNAT
    (
        "lb-profile-with-user-nat",
        (*USER_NAT, "nat_gateway={name: ng}", f"{LB}={{managed_outbound_ips: 2}}"),
        "LOAD_BALANCER_PROFILE_UNSUPPORTED",
        LB,
        "error",
    ),
    (
        "lb-managed-and-own-ips",
        (f"{LB}={{managed_outbound_ips: 2, outbound_ips: [{PIP}]}}",),
        "OUTBOUND_IPS_EXCLUSIVE",
        LB,
        "error",
    ),
    (
        "lb-101-managed-ips",
        (f"{LB}={{managed_outbound_ips: 101}}",),
        "OUTBOUND_IP_COUNT_OUT_OF_RANGE",
        f"{LB}.managed_outbound_ips",
        "error",
    ),
    (
        "lb-ipv6-on-ipv4-cluster",
        (f"{LB}={{managed_outbound_ipv6: 1}}",),
        "IPV6_REQUIRES_DUAL_STACK",
        f"{LB}.managed_outbound_ipv6",
        "error",
    ),
    (
        "lb-ipv6-count-and-own-ips",
        (*DUAL, f"{LB}={{managed_outbound_ipv6: 1, outbound_ips: [{PIP}]}}"),
        "OUTBOUND_IPS_EXCLUSIVE",
        LB,
        "error",
    ),
    (
        "lb-ports-not-multiple-of-8",
        (f"{LB}={{allocated_outbound_ports: 1004}}",),
        "OUTBOUND_PORTS_INVALID",
        f"{LB}.allocated_outbound_ports",
        "error",
    ),
    (
        "lb-ports-64008",
        (f"{LB}={{allocated_outbound_ports: 64008}}",),
        "OUTBOUND_PORTS_INVALID",
        f"{LB}.allocated_outbound_ports",
        "error",
    ),
    (
        "lb-idle-101",
        (f"{LB}={{idle_timeout_minutes: 101}}",),
        "IDLE_TIMEOUT_OUT_OF_RANGE",
        f"{LB}.idle_timeout_minutes",
        "error",
    ),
    (
        "snat-9-nodes-8000-ports-1-ip",
        (
            "cluster.node_pools.0.count=8",
            "cluster.node_pools.0.max_surge=1",
            f"{LB}={{allocated_outbound_ports: 8000}}",
        ),
        "SNAT_PORTS_EXHAUSTED",
        f"{LB}.allocated_outbound_ports",
        "error",
    ),
    (
        "snat-default-share-halves-at-51",
        ("cluster.node_pools.0.count=48", "cluster.node_pools.0.max_surge=3"),
        "SNAT_PORTS_SHRINK",
        f"{LB}.allocated_outbound_ports",
        "warning",
    ),
    # NAT gateway
    (
        "nat-gateway-with-load-balancer",
        ("nat_gateway={name: ng}",),
        "NAT_GATEWAY_NOT_APPLICABLE",
        "nat_gateway",
        "error",
    ),
    (
        "dual-stack-nat-gateway-aksnet-creates",
        (*DUAL, *USER_NAT, "nat_gateway={name: ng}"),
        "DUAL_STACK_UNSUPPORTED_BY_NAT_GATEWAY",
        "nat_gateway",
        "error",
    ),
    (
        "nat-gateway-brought-with-ips",
        (*USER_NAT, "nat_gateway={name: ng, existing: true, public_ips: 2}"),
        "SPEC_INVALID",
        "nat_gateway.public_ips",
        "error",
    ),
    (
        "nat-gateway-prefix-27",
        (*USER_NAT, "nat_gateway={name: ng, public_ip_prefix: {name: pfx, length: 27}}"),
        "NAT_GATEWAY_PREFIX_INVALID",
        "nat_gateway.public_ip_prefix.length",
        "error",
    ),
    (
        "nat-gateway-17-ips",
        (*USER_NAT, "nat_gateway={name: ng, public_ips: 17}"),
        "NAT_GATEWAY_IP_COUNT_OUT_OF_RANGE",
        "nat_gateway.public_ips",
        "error",
    ),
    (
        "nat-gateway-prefix-28-and-an-ip",
        (*USER_NAT, "nat_gateway={name: ng, public_ips: 1, public_ip_prefix: {name: pfx, length: 28}}"),
        "NAT_GATEWAY_IP_COUNT_OUT_OF_RANGE",
        "nat_gateway.public_ips",
        "error",
    ),
    (
        "nat-gateway-idle-121",
        (*USER_NAT, "nat_gateway={name: ng, idle_timeout_minutes: 121}"),
        "IDLE_TIMEOUT_OUT_OF_RANGE",
        "nat_gateway.idle_timeout_minutes",
        "error",
    ),
    # API server
    (
        "zone-on-public-cluster",
        (f"{ZONE}=system",),
        "PRIVATE_DNS_ZONE_NOT_APPLICABLE",
        ZONE,
        "error",
    ),
    (
        "zone-of-another-region",
        (PRIVATE, f"{ZONE}={{name: privatelink.westus.azmk8s.io}}"),
        "PRIVATE_DNS_ZONE_INVALID",
        ZONE,
        "error",
    ),
    (
        "zone-subzone-33",
        (PRIVATE, f"{ZONE}={{name: {'s' * 33}.privatelink.eastus.azmk8s.io}}"),
        "PRIVATE_DNS_ZONE_INVALID",
        ZONE,
        "error",
    ),
    (
        "zone-private-without-vnet-integration",
        (PRIVATE, f"{ZONE}={{name: private.eastus.azmk8s.io}}"),
        "PRIVATE_DNS_ZONE_INVALID",
        ZONE,
        "error",
    ),
    ("zone-not-an-id", (PRIVATE, f"{ZONE}=mine"), "PRIVATE_DNS_ZONE_INVALID", ZONE, "error"),
    (
        "zone-none-without-public-fqdn",
        (PRIVATE, f"{ZONE}=none", "cluster.api_server.public_fqdn=false"),
        "PUBLIC_FQDN_REQUIRED",
        "cluster.api_server.public_fqdn",
        "error",
    ),
    (
        "public-fqdn-on-public-cluster",
        ("cluster.api_server.public_fqdn=false",),
        "PUBLIC_FQDN_NOT_APPLICABLE",
        "cluster.api_server.public_fqdn",
        "error",
    ),
    (
        "ranges-on-private-cluster",
        (PRIVATE, f"{RANGES}=[20.30.40.0/24]"),
        "AUTHORIZED_RANGES_NOT_APPLICABLE",
        RANGES,
        "error",
    ),
    ("201-ranges", (f"{RANGES}={public_ranges(201)}",), "AUTHORIZED_RANGES_TOO_MANY", RANGES, "error"),
    ("private-range-authorized", (f"{RANGES}=[10.0.0.0/8]",), "AUTHORIZED_RANGE_INVALID", f"{RANGES}.0", "error"),
    (
        "agent-nodes-only-with-others",
        (f"{RANGES}=[0.0.0.0/32, 20.30.40.0/24]",),
        "AUTHORIZED_RANGE_INVALID",
        f"{RANGES}.0",
        "error",
    ),
    (
        "api-subnet-without-integration",
        ("cluster.api_server.subnet=snet-api",),
        "API_SERVER_SUBNET_NOT_APPLICABLE",
        "cluster.api_server.subnet",
        "error",
    ),
    (
        "integration-without-subnet",
        ("cluster.api_server.vnet_integration=true",),
        "API_SERVER_SUBNET_REQUIRED",
        "cluster.api_server.subnet",
        "error",
    ),
    (
        "integration-in-qatarcentral",
        ("location=qatarcentral", "cluster.api_server.vnet_integration=true"),
        "VNET_INTEGRATION_UNSUPPORTED",
        "cluster.api_server.vnet_integration",
        "error",
    ),
    (
        "api-subnet-not-declared",
        INTEGRATED,
        "SUBNET_NOT_DECLARED",
        "cluster.api_server.subnet",
        "error",
    ),
    (
        "api-subnet-29",
        ("vnet.subnets=[{name: api, address_prefix: 10.20.1.0/29}]", *INTEGRATED),
        "API_SERVER_SUBNET_TOO_SMALL",
        "vnet.subnets.0.address_prefix",
        "error",
    ),
    (
        "api-subnet-is-the-node-subnet",
        ("cluster.api_server.vnet_integration=true", "cluster.api_server.subnet=nodes"),
        "API_SERVER_SUBNET_SHARED",
        "cluster.api_server.subnet",
        "error",
    ),
    (
        "api-subnet-is-a-pod-subnet",
        (*POD_SUBNET, "cluster.api_server.vnet_integration=true", "cluster.api_server.subnet=pods"),
        "API_SERVER_SUBNET_SHARED",
        "cluster.api_server.subnet",
        "error",
    ),
    (
        "dual-stack-integration-on-1-26-2",
        (*DUAL_AZURE, API_SUBNET, *INTEGRATED, "cluster.kubernetes_version=1.26.2"),
        "KUBERNETES_VERSION_UNSUPPORTED",
        "cluster.kubernetes_version",
        "error",
    ),
    # ingress
    (
        "ingress-subnet-not-declared",
        ("ingress.internal_subnet=ilb",),
        "SUBNET_NOT_DECLARED",
        "ingress.internal_subnet",
        "error",
    ),
    (
        "ingress-subnet-is-the-api-subnet",
        (API_SUBNET, *INTEGRATED, "ingress.internal_subnet=api"),
        "API_SERVER_SUBNET_SHARED",
        "ingress.internal_subnet",
        "error",
    ),
    (
        "ingress-on-a-node-subnet-its-11-nodes-fill",
        (*FULL_28, "cluster.node_pools.0.count=10", "ingress.internal_subnet=nodes"),
        "INTERNAL_SUBNET_FULL",
        "ingress.internal_subnet",
        "error",
    ),
    (
        "static-ip-name-invalid",
        ("ingress.static_ips=[{name: -pip}]",),
        "NAME_INVALID",
        "ingress.static_ips.0.name",
        "error",
    ),
    (
        "static-ip-twice",
        ("ingress.static_ips=[{name: pip}, {name: PIP}]",),
        "SPEC_INVALID",
        "ingress.static_ips.1.name",
        "error",
    ),
    ("location-unknown", ("location=eastu",), "LOCATION_UNKNOWN", "location", "error"),
]

# (id, overrides, code that must NOT appear): each sits just inside the limit its twin above crosses.
INSIDE = [
    ("location-newest-public-region", ("location=malaysiawest",), "LOCATION_UNKNOWN"),
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
    ("pool-names-the-default-subnet-in-upper-case", ("cluster.node_pools.0.subnet=NODES",), "SUBNET_NOT_DECLARED"),
    ("pool-names-a-declared-pod-subnet", POD_SUBNET, "SUBNET_NOT_DECLARED"),
    (
        "pod-subnet-at-vnet-end",
        (*FLAT, "vnet.subnets=[{name: pods, address_prefix: 10.20.255.0/24}]", "cluster.node_pools.0.pod_subnet=pods"),
        "SUBNET_OUTSIDE_VNET",
    ),
    ("ipv6-subnet-inside-vnet", DUAL, "SUBNET_OUTSIDE_VNET"),
    ("subnets-side-by-side", ("vnet.subnets=[{name: second, address_prefix: 10.20.1.0/25}]",), "CIDR_OVERLAP"),
    ("extra-subnet-29", ("vnet.subnets=[{name: tiny, address_prefix: 10.20.1.0/29}]",), "SUBNET_TOO_SMALL"),
    ("ipv6-subnet-64", DUAL, "SUBNET_IPV6_NOT_64"),
    ("pod-subnet-with-flat-cni", POD_SUBNET, "POD_SUBNET_REQUIRES_AZURE_CNI"),
    ("pod-subnet-on-both-pools", (*POD_SUBNET, TWO_POOLS_ON_PODS), "POD_SUBNET_MIXED"),
    ("pod-subnet-apart-from-node-subnet", POD_SUBNET, "POD_SUBNET_IS_NODE_SUBNET"),
    (
        "allocation-mode-with-pod-subnet",
        (*POD_SUBNET, "cluster.node_pools.0.pod_ip_allocation_mode=StaticBlock"),
        "POD_IP_ALLOCATION_MODE_INVALID",
    ),
    (
        "one-mode-spelled-and-defaulted",
        (
            *POD_SUBNET,
            "cluster.node_pools=[{name: system, pod_subnet: pods}, "
            "{name: user, pod_subnet: pods, pod_ip_allocation_mode: DynamicIndividual}]",
        ),
        "POD_SUBNET_MODE_CONFLICT",
    ),
    (
        "static-block-on-kubernetes-1-28",
        (*STATIC, "cluster.node_pools.0.count=1", 'cluster.kubernetes_version="1.28"'),
        "KUBERNETES_VERSION_UNSUPPORTED",
    ),
    (
        "static-block-pod-subnet-12",
        (*STATIC, "vnet.address_prefixes=[10.0.0.0/8]", "vnet.subnets=[{name: pods, address_prefix: 10.64.0.0/12}]"),
        "POD_SUBNET_TOO_LARGE",
    ),
    (
        "dynamic-pod-subnet-24-holds-15-nodes",
        (*SMALL_PODS, "cluster.node_pools.0.count=14", "cluster.node_pools.0.max_surge=1"),
        "POD_SUBNET_TOO_SMALL_ERROR",
    ),
    (
        "dynamic-pod-subnet-fits-full-nodes",
        (*FLAT, "vnet.subnets=[{name: pods, address_prefix: 10.20.4.0/22}]", "cluster.node_pools.0.pod_subnet=pods"),
        "POD_SUBNET_TOO_SMALL",
    ),
    (
        "static-block-24-holds-7-nodes-of-30-pods",
        (*STATIC, "cluster.node_pools.0.count=6", "cluster.node_pools.0.max_surge=1"),
        "POD_SUBNET_TOO_SMALL",
    ),
    ("ipv4-only", ("cluster.ip_families=[IPv4]",), "IP_FAMILIES_INVALID"),
    (
        "dual-stack-lists-in-order",
        (
            *DUAL,
            'cluster.pod_cidrs=[192.168.0.0/16, "fd12:3456:789a::/64"]',
            V6_SERVICES.format('"fd12:3456:789a:1::/108"'),
        ),
        "IP_FAMILIES_MISMATCH",
    ),
    ("dual-stack-on-overlay", DUAL, "DUAL_STACK_REQUIRES_OVERLAY"),
    ("dual-stack-with-cilium", DUAL, "DUAL_STACK_UNSUPPORTED_BY_POLICY"),
    (
        "dual-stack-cilium-on-kubernetes-1-29",
        (*DUAL, 'cluster.kubernetes_version="1.29"'),
        "KUBERNETES_VERSION_UNSUPPORTED",
    ),
    ("dual-stack-network", DUAL, "DUAL_STACK_REQUIRES_IPV6_SUBNET"),
    ("ipv6-service-range-108", (*DUAL, V6_SERVICES.format('"fd12:3456:789a:1::/108"')), "SERVICE_CIDR_TOO_LARGE"),
    (
        "ipv6-pod-range-four-80s",
        (*DUAL, 'cluster.pod_cidrs=[192.168.0.0/16, "fd12:3456:789a::/78"]'),
        "POD_CIDR_TOO_SMALL",
    ),
    ("ipv6-ranges-apart", DUAL, "CIDR_OVERLAP"),
    (
        "kubenet-pools-on-two-subnets-with-route-table",
        (*KUBENET_TWO_SUBNETS, "route_table={name: rt}"),
        "KUBENET_ROUTE_TABLE_REQUIRED",
    ),
    ("user-nat-with-nat-gateway-aksnet-creates", (*USER_NAT, "nat_gateway={name: ng}"), "OUTBOUND_TYPE_UNSUPPORTED"),
    # load balancer outbound and SNAT
    ("lb-profile-with-load-balancer", (f"{LB}={{managed_outbound_ips: 2}}",), "LOAD_BALANCER_PROFILE_UNSUPPORTED"),
    ("lb-own-ips-only", (f"{LB}={{outbound_ips: [{PIP}]}}",), "OUTBOUND_IPS_EXCLUSIVE"),
    ("lb-ipv6-count-alone", (*DUAL, f"{LB}={{managed_outbound_ipv6: 2}}"), "OUTBOUND_IPS_EXCLUSIVE"),
    (
        "lb-ipv6-on-dual-stack",
        (*DUAL, f"{LB}={{managed_outbound_ips: 2, managed_outbound_ipv6: 2}}"),
        "IPV6_REQUIRES_DUAL_STACK",
    ),
    ("lb-100-managed-ips", (f"{LB}={{managed_outbound_ips: 100}}",), "OUTBOUND_IP_COUNT_OUT_OF_RANGE"),
    ("lb-ports-1000", (f"{LB}={{allocated_outbound_ports: 1000}}",), "OUTBOUND_PORTS_INVALID"),
    (
        "lb-ports-64000",
        (f"{LB}={{allocated_outbound_ports: 64000, managed_outbound_ips: 2}}", "cluster.node_pools.0.count=1"),
        "OUTBOUND_PORTS_INVALID",
    ),
    ("lb-idle-100", (f"{LB}={{idle_timeout_minutes: 100}}",), "IDLE_TIMEOUT_OUT_OF_RANGE"),
    ("lb-idle-4", (f"{LB}={{idle_timeout_minutes: 4}}",), "IDLE_TIMEOUT_OUT_OF_RANGE"),
    (
        "snat-8-nodes-8000-ports-1-ip",
        (
            "cluster.node_pools.0.count=7",
            "cluster.node_pools.0.max_surge=1",
            f"{LB}={{allocated_outbound_ports: 8000}}",
        ),
        "SNAT_PORTS_EXHAUSTED",
    ),
    (
        "snat-default-share-stays-to-50",
        ("cluster.node_pools.0.count=47", "cluster.node_pools.0.max_surge=3"),
        "SNAT_PORTS_SHRINK",
    ),
    # NAT gateway
    ("nat-gateway-with-user-nat", (*USER_NAT, "nat_gateway={name: ng}"), "NAT_GATEWAY_NOT_APPLICABLE"),
    (
        "dual-stack-brings-its-nat-gateway",
        (*DUAL, *USER_NAT, "nat_gateway={name: ng, existing: true}"),
        "DUAL_STACK_UNSUPPORTED_BY_NAT_GATEWAY",
    ),
    (
        "nat-gateway-prefix-28",
        (*USER_NAT, "nat_gateway={name: ng, public_ip_prefix: {name: pfx, length: 28}}"),
        "NAT_GATEWAY_PREFIX_INVALID",
    ),
    ("nat-gateway-16-ips", (*USER_NAT, "nat_gateway={name: ng, public_ips: 16}"), "NAT_GATEWAY_IP_COUNT_OUT_OF_RANGE"),
    (
        "nat-gateway-prefix-29-and-8-ips",
        (*USER_NAT, "nat_gateway={name: ng, public_ips: 8, public_ip_prefix: {name: pfx, length: 29}}"),
        "NAT_GATEWAY_IP_COUNT_OUT_OF_RANGE",
    ),
    (
        "nat-gateway-idle-120",
        (*USER_NAT, "nat_gateway={name: ng, idle_timeout_minutes: 120}"),
        "IDLE_TIMEOUT_OUT_OF_RANGE",
    ),
    # API server
    ("zone-on-private-cluster", (PRIVATE, f"{ZONE}=system"), "PRIVATE_DNS_ZONE_NOT_APPLICABLE"),
    (
        "zone-subzone-32",
        (PRIVATE, f"{ZONE}={{name: {'s' * 32}.privatelink.eastus.azmk8s.io}}"),
        "PRIVATE_DNS_ZONE_INVALID",
    ),
    (
        "zone-none-with-public-fqdn",
        (PRIVATE, f"{ZONE}=none", "cluster.api_server.public_fqdn=true"),
        "PUBLIC_FQDN_REQUIRED",
    ),
    (
        "public-fqdn-off-on-private-cluster",
        (PRIVATE, "cluster.api_server.public_fqdn=false"),
        "PUBLIC_FQDN_NOT_APPLICABLE",
    ),
    ("ranges-on-public-cluster", (f"{RANGES}=[20.30.40.0/24]",), "AUTHORIZED_RANGES_NOT_APPLICABLE"),
    ("200-ranges", (f"{RANGES}={public_ranges(200)}",), "AUTHORIZED_RANGES_TOO_MANY"),
    ("public-range-and-address", (f"{RANGES}=[20.30.40.0/24, 20.30.50.7]",), "AUTHORIZED_RANGE_INVALID"),
    ("agent-nodes-only-alone", (f"{RANGES}=[0.0.0.0/32]",), "AUTHORIZED_RANGE_INVALID"),
    ("api-subnet-28", (API_SUBNET, *INTEGRATED), "API_SERVER_SUBNET_TOO_SMALL"),
    ("api-subnet-declared", (API_SUBNET, *INTEGRATED), "SUBNET_NOT_DECLARED"),
    ("api-subnet-of-its-own", (*POD_SUBNET, PODS_AND_API, *INTEGRATED), "API_SERVER_SUBNET_SHARED"),
    (
        "dual-stack-integration-on-1-26-3",
        (*DUAL_AZURE, API_SUBNET, *INTEGRATED, "cluster.kubernetes_version=1.26.3"),
        "KUBERNETES_VERSION_UNSUPPORTED",
    ),
    # ingress
    (
        "ingress-subnet-declared",
        ("vnet.subnets=[{name: ilb, address_prefix: 10.20.2.0/29}]", "ingress.internal_subnet=ilb"),
        "SUBNET_NOT_DECLARED",
    ),
    (
        "ingress-subnet-beside-the-api-subnet",
        (API_AND_ILB, *INTEGRATED, "ingress.internal_subnet=ilb"),
        "API_SERVER_SUBNET_SHARED",
    ),
    (
        "ingress-on-a-node-subnet-its-10-nodes-leave-1",
        (*FULL_28, "cluster.node_pools.0.count=9", "ingress.internal_subnet=nodes"),
        "INTERNAL_SUBNET_FULL",
    ),
    ("static-ip-name-80", (f"ingress.static_ips=[{{name: {'p' * 79}_}}]",), "NAME_INVALID"),
    (
        "static-ips-in-two-groups",
        ("ingress.static_ips=[{name: pip}, {name: pip, resource_group: rg-in}]",),
        "SPEC_INVALID",
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
    if code.endswith("_ERROR"):  # the rule's warning may still show; its error must not
        assert not [f for f in found if f.code == code.removesuffix("_ERROR") and f.severity == "error"]
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


def test_an_unknown_location_suggests_the_region_meant() -> None:
    (found,) = [f for f in findings_of("location=westeurop") if f.code == "LOCATION_UNKNOWN"]
    assert found.hint.startswith("did you mean westeurope or") and "'westeurop'" in found.message
