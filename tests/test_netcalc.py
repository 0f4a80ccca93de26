"""The seeds' worked examples, exactly, and properties of the IP arithmetic."""

from __future__ import annotations

import math
from ipaddress import IPv4Network, IPv6Network

from hypothesis import given
from hypothesis import strategies as st

from aksnet.netcalc import (
    RESERVED_RANGES,
    PodSubnet,
    block_waste,
    blocks_per_node,
    capacity,
    dynamic_ips_at,
    pod_blocks,
    pod_subnet_max_nodes,
    reserved_overlaps,
    surge_nodes,
    usable_blocks,
    usable_ips,
)

KUBENET_POD_RANGE = IPv4Network("10.244.0.0/16")


def test_kubenet_slash_24_holds_251_nodes_and_27610_pods() -> None:
    cap = capacity("kubenet", IPv4Network("192.168.1.0/24"), 110, pod_cidr=KUBENET_POD_RANGE)
    assert (cap.subnet_usable_ips, cap.max_nodes, cap.max_pods) == (251, 251, 27_610)


def test_azure_cni_slash_24_at_30_pods_holds_8_nodes_and_240_pods() -> None:
    cap = capacity("azure", IPv4Network("192.168.1.0/24"), 30)
    assert (cap.ips_per_node, cap.max_nodes, cap.max_pods) == (31, 8, 240)


def test_kubenet_slash_27_runs_20_to_25_nodes_with_room_to_upgrade() -> None:
    cap = capacity("kubenet", IPv4Network("192.168.1.0/27"), 110, pod_cidr=KUBENET_POD_RANGE, surge_setting="10%")
    assert cap.max_nodes == 27
    assert 20 <= cap.max_nodes_with_surge <= 25
    assert 2_200 <= cap.max_nodes_with_surge * 110 <= 2_750


def test_docs_flat_cni_example_50_nodes_plus_1_surge_needs_1581_addresses() -> None:
    cap = capacity("azure", IPv4Network("10.0.0.0/21"), 30, planned_nodes=50, surge=1)
    assert cap.required_subnet_ips == 1_581
    assert cap.free_subnet_ips == 2043 - 1_581


def test_every_azure_subnet_loses_five_addresses() -> None:
    assert usable_ips(IPv4Network("10.0.0.0/24")) == 251
    assert usable_ips(IPv4Network("10.0.0.0/29")) == 3


def test_reserved_ranges_are_found_by_overlap_not_containment() -> None:
    assert reserved_overlaps(IPv4Network("172.16.0.0/12")) == [
        IPv4Network("172.30.0.0/16"),
        IPv4Network("172.31.0.0/16"),
    ]
    assert reserved_overlaps(IPv4Network("172.30.5.0/24")) == [IPv4Network("172.30.0.0/16")]
    assert reserved_overlaps(IPv4Network("172.16.0.0/13")) == []


prefixes = st.integers(min_value=8, max_value=29)
networks = st.builds(lambda addr, plen: IPv4Network((addr, plen), strict=False), st.integers(0, 2**32 - 1), prefixes)


@given(networks)
def test_usable_addresses_are_all_but_five(net: IPv4Network) -> None:
    assert usable_ips(net) == net.num_addresses - 5


@given(st.integers(min_value=0, max_value=24).map(lambda p: IPv4Network((0, p))))
def test_pod_range_holds_one_block_per_256_addresses(net: IPv4Network) -> None:
    assert pod_blocks(net) * 256 == net.num_addresses


@given(
    networks,
    st.integers(min_value=10, max_value=250),
    st.sampled_from(["kubenet", "azure", "overlay", "none"]),
)
def test_max_nodes_is_the_most_that_fit_and_no_more(net: IPv4Network, max_pods: int, model: str) -> None:
    cap = capacity(model, net, max_pods, pod_cidr=IPv4Network("100.64.0.0/10"))  # type: ignore[arg-type]
    assert cap.max_nodes * cap.ips_per_node <= cap.subnet_usable_ips
    if cap.limited_by == "subnet":
        assert (cap.max_nodes + 1) * cap.ips_per_node > cap.subnet_usable_ips
    assert cap.max_pods == cap.max_nodes * max_pods


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=1, max_value=100))
def test_percentage_surge_rounds_up(count: int, percent: int) -> None:
    surge = surge_nodes(count, f"{percent}%")
    assert surge == math.ceil(count * percent / 100)
    assert surge >= 1 or count == 0


@given(st.integers(min_value=18, max_value=29), st.sampled_from(["1", "3", "10%", "33%", "100%"]))
def test_nodes_with_surge_room_leave_room_for_their_own_surge(prefix: int, setting: str) -> None:
    cap = capacity("none", IPv4Network(("10.0.0.0", prefix)), 110, surge_setting=setting)
    n = cap.max_nodes_with_surge
    assert n + surge_nodes(n, setting) <= cap.max_nodes
    assert n == cap.max_nodes or (n + 1) + surge_nodes(n + 1, setting) > cap.max_nodes


@given(networks)
def test_reserved_overlap_is_symmetric(net: IPv4Network) -> None:
    assert reserved_overlaps(net) == [r for r in RESERVED_RANGES if r.overlaps(net)]


# --- pod subnets and dual-stack (breadth.md §1b, §3b) -----------------------------------------------


def test_a_slash_24_dynamic_pod_subnet_holds_at_most_15_nodes() -> None:
    pods = IPv4Network("10.241.0.0/24")
    assert pod_subnet_max_nodes(pods, "DynamicIndividual", 110) == 15  # 251 usable // 16
    cap = capacity("azure", IPv4Network("10.240.0.0/24"), 110, pod_subnet=PodSubnet(pods), planned_nodes=15)
    assert (cap.max_nodes, cap.limited_by, cap.required_pod_subnet_ips, cap.fits) == (15, "pod subnet", 240, True)
    assert not capacity("azure", IPv4Network("10.240.0.0/24"), 110, pod_subnet=PodSubnet(pods), planned_nodes=16).fits


def test_a_dynamic_node_takes_another_batch_of_16_when_fewer_than_8_are_free() -> None:
    assert [dynamic_ips_at(pods) for pods in (0, 8, 9, 24, 25, 110, 250)] == [16, 16, 32, 32, 48, 128, 272]


def test_static_block_takes_ceil_of_max_pods_plus_one_over_16_blocks_and_says_what_it_wastes() -> None:
    assert [(blocks_per_node(m), block_waste(m)) for m in (30, 31, 32)] == [(2, 1), (2, 0), (3, 15)]
    largest_waste_free = max(m for m in range(10, 251) if block_waste(m) == 0)
    assert largest_waste_free == 239


def test_static_block_counts_out_the_blocks_holding_azures_reserved_addresses() -> None:
    pods = IPv4Network("10.241.0.0/24")  # 16 /28s, 14 usable
    assert usable_blocks(pods) == 14
    assert pod_subnet_max_nodes(pods, "StaticBlock", 30) == 7
    assert pod_subnet_max_nodes(pods, "StaticBlock", 32) == 4
    cap = capacity("azure", IPv4Network("10.240.0.0/24"), 30, pod_subnet=PodSubnet(pods, "StaticBlock"))
    assert (cap.pod_subnet_usable_ips, cap.blocks_per_node, cap.block_waste_per_node) == (224, 2, 1)


def test_a_dual_stack_node_takes_a_slash_24_and_a_slash_80() -> None:
    v6 = IPv6Network("fd12:3456:789a::/64")
    assert pod_blocks(v6) == 65_536 and pod_blocks(IPv6Network("fd12:3456:789a::/78")) == 4
    cap = capacity(
        "overlay", IPv4Network("10.240.0.0/24"), 250, pod_cidr=IPv4Network("10.244.0.0/22"), pod_cidr_ipv6=v6
    )
    assert (cap.pod_cidr_blocks, cap.pod_cidr_ipv6_blocks, cap.max_nodes, cap.limited_by) == (4, 65_536, 4, "pod range")
    tight = capacity(
        "overlay",
        IPv4Network("10.240.0.0/24"),
        250,
        pod_cidr=IPv4Network("10.244.0.0/16"),
        pod_cidr_ipv6=IPv6Network("fd12:3456:789a::/79"),
        planned_nodes=3,
    )
    assert (tight.max_nodes, tight.limited_by, tight.fits) == (2, "IPv6 pod range", False)
