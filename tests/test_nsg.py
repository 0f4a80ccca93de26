"""How a network security group judges a TCP flow: priority order, first match, Azure's default rules."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Any

import pytest

from aksnet.live.facts import SecurityGroupFacts, SecurityRuleFacts
from aksnet.live.nsg import Flow, judge

VNET = (IPv4Network("10.0.0.0/16"),)
NODES, API = IPv4Network("10.0.0.0/22"), IPv4Network("10.0.4.0/28")
TO_API = Flow("Inbound", NODES, API, 443)
PROBE = Flow("Inbound", IPv4Network("168.63.129.16/32"), API, 9988)


def rule(name: str, priority: int, access: str = "Deny", **more: Any) -> SecurityRuleFacts:
    source = more.pop("source", ("*",))
    ports = more.pop("ports", ("*",))
    return SecurityRuleFacts(
        name, priority, more.pop("direction", "Inbound"), access, more.pop("protocol", "Tcp"), source,
        more.pop("destination", ("*",)), more.pop("source_ports", ("*",)), ports, **more,
    )  # fmt: skip


def decided(flow: Flow, *rules: SecurityRuleFacts) -> tuple[bool | None, str]:
    verdict = judge(rules, flow, VNET)
    return verdict.allowed, verdict.rule.name


def test_without_rules_of_its_own_the_default_rules_let_the_vnet_and_the_load_balancer_in() -> None:
    assert decided(TO_API) == (True, "AllowVnetInBound")
    assert decided(PROBE) == (True, "AllowVnetInBound")  # the VirtualNetwork tag includes the host's 168.63.129.16
    assert decided(Flow("Outbound", NODES, API, 4443)) == (True, "AllowVnetOutBound")
    assert decided(Flow("Inbound", IPv4Network("203.0.113.0/24"), API, 443)) == (False, "DenyAllInBound")


def test_rules_are_processed_lowest_priority_number_first_and_the_first_match_decides() -> None:
    deny = rule("deny-nodes", 100, source=("10.0.0.0/22",), ports=("443",))
    assert decided(TO_API, deny) == (False, "deny-nodes")
    allow = rule("allow-nodes", 90, "Allow", source=("10.0.0.0/22",), ports=("443",))
    assert decided(TO_API, deny, allow) == (True, "allow-nodes")
    later = rule("allow-nodes", 110, "Allow", source=("10.0.0.0/22",), ports=("443",))
    assert decided(TO_API, later, deny) == (False, "deny-nodes")


def test_a_rule_decides_only_the_addresses_it_covers() -> None:
    half = rule("allow-half", 90, "Allow", source=("10.0.0.0/23",))
    deny = rule("deny-all", 100, source=("10.0.0.0/22",))
    assert decided(TO_API, half, deny) == (False, "deny-all")  # 10.0.2.0/23 still meets the deny
    both = rule("allow-both", 90, "Allow", source=("10.0.0.0/23", "10.0.2.0/23"))
    assert decided(TO_API, both, deny) == (True, "allow-both")
    shadowed = rule("deny-first-half", 100, source=("10.0.0.0/23",))
    assert decided(TO_API, half, shadowed) == (True, "AllowVnetInBound")  # what it denies was allowed before


def test_a_deny_of_one_node_address_or_of_the_api_server_subnet_blocks() -> None:
    assert decided(TO_API, rule("one-node", 100, source=("10.0.1.7",)))[0] is False
    assert decided(TO_API, rule("to-api", 100, destination=("10.0.4.0/28",)))[0] is False
    assert decided(TO_API, rule("elsewhere", 100, source=("10.0.8.0/22",)))[0] is True


@pytest.mark.parametrize(
    ("ports", "blocks"),
    [(("443",), True), (("400-500",), True), (("80", "443"), True), (("*",), True), (("444-4443",), False)],
)
def test_destination_ports_single_ranges_lists_and_any(ports: tuple[str, ...], blocks: bool) -> None:
    assert decided(TO_API, rule("deny", 100, ports=ports))[0] is (not blocks)


@pytest.mark.parametrize(("protocol", "blocks"), [("Tcp", True), ("*", True), ("Udp", False), ("Icmp", False)])
def test_only_a_tcp_or_any_protocol_rule_matches_tcp(protocol: str, blocks: bool) -> None:
    assert decided(TO_API, rule("deny", 100, protocol=protocol))[0] is (not blocks)


def test_service_tags_virtual_network_and_azure_load_balancer_resolve() -> None:
    assert decided(TO_API, rule("deny-vnet", 100, source=("VirtualNetwork",))) == (False, "deny-vnet")
    assert decided(PROBE, rule("deny-vnet", 100, source=("VirtualNetwork",))) == (False, "deny-vnet")
    assert decided(PROBE, rule("deny-vnet", 100, source=("10.0.0.0/16",)))[0] is True  # the VNet's space alone
    assert decided(PROBE, rule("deny-lb", 100, source=("AzureLoadBalancer",), ports=("9988",))) == (False, "deny-lb")
    assert decided(TO_API, rule("deny-lb", 100, source=("AzureLoadBalancer",)))[0] is True


def test_internet_is_outside_the_vnet_so_a_deny_of_it_leaves_the_nodes_alone() -> None:
    out = Flow("Outbound", NODES, API, 443)
    assert decided(out, rule("deny-internet", 100, direction="Outbound", destination=("Internet",)))[0] is True
    assert decided(PROBE, rule("deny-internet", 100, source=("Internet",))) == (None, "deny-internet")


def test_a_rule_aksnet_cannot_resolve_leaves_the_verdict_open_only_when_it_could_decide() -> None:
    assert decided(TO_API, rule("storage", 100, source=("Storage",))) == (None, "storage")
    asg = rule("asg", 100, source=(), uses_application_security_groups=True)
    assert decided(TO_API, asg) == (None, "asg")
    assert decided(TO_API, rule("ephemeral", 100, source=("10.0.0.0/22",), source_ports=("1024-65535",)))[0] is None
    assert decided(TO_API, rule("storage-udp", 100, source=("Storage",), protocol="Udp"))[0] is True
    assert decided(TO_API, rule("storage-80", 100, source=("Storage",), ports=("80",)))[0] is True
    decides_first = rule("allow-nodes", 90, "Allow", source=("10.0.0.0/22",))
    assert decided(TO_API, decides_first, rule("storage", 100, source=("Storage",)))[0] is True


def test_a_groups_rules_are_read_from_arm_json_with_either_form_of_prefix_and_port() -> None:
    arm = {
        "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg",
        "properties": {
            "securityRules": [
                {
                    "name": "r1",
                    "properties": {
                        "priority": 100,
                        "direction": "Inbound",
                        "access": "Deny",
                        "protocol": "Tcp",
                        "sourceAddressPrefixes": ["10.0.0.0/24", "10.0.1.0/24"],
                        "destinationAddressPrefix": "*",
                        "sourcePortRange": "*",
                        "destinationPortRanges": ["443", "4443"],
                    },
                },
                {"name": "r2", "properties": {"priority": 200, "sourceApplicationSecurityGroups": [{"id": "/asg"}]}},
            ],
            "defaultSecurityRules": [{"name": "AllowVnetInBound", "properties": {"priority": 65000}}],
        },
    }
    group = SecurityGroupFacts.from_arm(arm)
    first, second = group.rules
    assert first.source_prefixes == ("10.0.0.0/24", "10.0.1.0/24") and first.destination_ports == ("443", "4443")
    assert first.priority == 100 and first.access == "Deny" and not first.uses_application_security_groups
    assert second.uses_application_security_groups and second.source_prefixes == ()
