"""SNAT arithmetic: the docs' worked examples, the RP's refusal in its own words, the default share."""

from __future__ import annotations

import pytest

from aksnet import snat
from aksnet.render.capacity import render_capacity
from aksnet.rules import check
from aksnet.sizing import cluster_capacity
from helpers import TODAY, ZERO_SUB, make_spec


@pytest.mark.parametrize(
    ("ports", "ips", "nodes"),
    [(1_000, 2, 128), (1_000, 7, 448), (4_000, 2, 32), (4_000, 7, 112)],
    ids=["1000x2", "1000x7", "4000x2", "4000x7"],
)
def test_the_docs_worked_examples(ports: int, ips: int, nodes: int) -> None:
    assert snat.max_nodes(ports, ips) == nodes
    assert snat.budget(nodes, ips, ports).fits
    assert not snat.budget(nodes + 1, ips, ports).fits


def test_100_nodes_and_2_surge_at_4000_ports_fit_7_ips() -> None:
    found = snat.budget(102, 7, 4_000)
    assert (found.ports_needed, found.ports_available, found.fits) == (408_000, 448_000, True)


def test_9_nodes_at_8000_ports_on_1_ip_are_refused_with_the_services_numbers() -> None:
    spec = make_spec(
        "cluster.node_pools.0.count=8",
        "cluster.node_pools.0.max_surge=1",
        "cluster.load_balancer={allocated_outbound_ports: 8000}",
    )
    found = [f for f in check(spec, today=TODAY, env={}) if f.code == "SNAT_PORTS_EXHAUSTED"]
    assert len(found) == 1
    assert (
        "Load balancer profile allocated ports 8000 is not in an allowable range given the number of nodes and IPs "
        "provisioned. Total node count 9 requires 72000 ports but only 64000 ports are available given 1 outbound "
        "public IPs. Refer to https://aka.ms/aks/slb-ports"
    ) in found[0].message
    assert "2 outbound IPs" in found[0].hint and "at most 7104 ports" in found[0].hint


def test_autoscaler_maximum_counts_toward_the_ports() -> None:
    spec = make_spec(
        "cluster.node_pools.0.enable_auto_scaling=true",
        "cluster.node_pools.0.min_count=1",
        "cluster.node_pools.0.max_count=31",
        "cluster.node_pools.0.max_surge=2",
        "cluster.load_balancer={allocated_outbound_ports: 2000}",
    )
    assert "SNAT_PORTS_EXHAUSTED" in {f.code for f in check(spec, today=TODAY, env={})}  # (31 + 2) x 2000 > 64000


@pytest.mark.parametrize(
    ("pool", "ports"), [(1, 1024), (50, 1024), (51, 512), (100, 512), (101, 256), (400, 128), (800, 64), (1000, 32)]
)
def test_default_share_by_backend_pool_size(pool: int, ports: int) -> None:
    assert snat.default_ports(pool) == ports


def test_default_share_is_shown_in_the_plans_capacity() -> None:
    from aksnet.plan import build_plan

    plan = build_plan(make_spec("cluster.node_pools.0.count=60"))
    assert plan.capacity is not None and plan.capacity.snat is not None
    shown = plan.as_dict()["capacity"]["snat"]
    assert shown["default_allocation"] is True and shown["ports_per_node"] == 512 and shown["nodes_counted"] == 66


def test_crossing_a_boundary_names_the_halving_and_a_fixed_value_that_fits() -> None:
    found = [
        f
        for f in check(make_spec("cluster.node_pools.0.count=48", "cluster.node_pools.0.max_surge=3"))
        if f.code == "SNAT_PORTS_SHRINK"
    ]
    assert "48 to 51 nodes" in found[0].message and "from 1024 to 512" in found[0].message
    assert "1248" in found[0].hint  # 64,000 / 51 rounded down to a multiple of 8


def test_no_budget_when_egress_is_not_the_load_balancer() -> None:
    from aksnet.sizing import snat_budget

    spec = make_spec("cluster.outbound_type=userAssignedNATGateway", "nat_gateway={name: ng}")
    assert snat_budget(spec) is None


def test_capacity_command_prints_the_snat_budget_with_the_contracts_keys() -> None:
    from aksnet.cli.capacity import PluginChoice, PodOptions, capacity

    result = capacity(PluginChoice.overlay, "10.0.0.0/24", None, 8, "1", PodOptions(), (1, 8000))
    snat_json = result.as_dict()["capacity"]["snat"]
    assert {"ports_per_node", "nodes_counted", "ports_needed", "ports_available", "fits"} <= set(snat_json)
    assert (snat_json["nodes_counted"], snat_json["ports_needed"], snat_json["fits"]) == (9, 72000, False)
    assert result.exit_code == 2
    assert capacity(PluginChoice.overlay, "10.0.0.0/24", None, 100, "2", PodOptions(), (7, 4000)).exit_code == 0


DUAL = (
    'vnet.address_prefixes=[10.20.0.0/16, "fd00:db8::/48"]',
    'vnet.subnet.address_prefix_ipv6="fd00:db8::/64"',
    "cluster.ip_families=[IPv4, IPv6]",
)
PIP = f"/subscriptions/{ZERO_SUB}/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/p"


@pytest.mark.parametrize(
    ("overrides", "ipv6"),
    [
        ((), 0),  # single-stack: no IPv6 outbound IP
        (DUAL, 1),  # dual-stack: AKS's default countIPv6 of 1
        ((*DUAL, "cluster.load_balancer={managed_outbound_ipv6: 3}"), 3),
        ((*DUAL, f"cluster.load_balancer={{outbound_ips: [{PIP}]}}"), None),  # your IPs decide
    ],
    ids=["single-stack", "dual-stack-default", "dual-stack-3", "dual-stack-own-ips"],
)
def test_the_budget_shows_the_ipv6_outbound_ips_beside_the_ipv4_ones_it_counts(
    overrides: tuple[str, ...], ipv6: int | None
) -> None:
    capacity = cluster_capacity(make_spec(*overrides))
    assert capacity is not None and capacity.snat is not None
    assert (capacity.snat.outbound_ips, capacity.snat.outbound_ipv6) == (1, ipv6)
    assert capacity.as_dict()["snat"]["outbound_ipv6"] == ipv6
    text = " ".join(render_capacity(capacity).split())  # the table wraps long values
    assert ("IPv6 egress on 1 managed IPv6 IP(s)" in text) == (ipv6 == 1)


def test_an_ipv6_count_alone_keeps_azs_one_ipv4_ip_in_the_budget() -> None:
    capacity = cluster_capacity(
        make_spec(*DUAL, "cluster.load_balancer={managed_outbound_ipv6: 2, allocated_outbound_ports: 8000}")
    )
    assert capacity is not None and capacity.snat is not None
    assert (capacity.snat.outbound_ips, capacity.snat.outbound_ipv6, capacity.snat.max_nodes) == (1, 2, 8)
