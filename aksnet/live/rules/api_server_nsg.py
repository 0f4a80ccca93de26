"""With API server VNet integration, the network security groups on the way must let the cluster reach its API
server: each cluster subnet to the API server subnet on TCP 443 and 4443, and AzureLoadBalancer to it on TCP 9988
(api-server-vnet-integration; breadth.md R7.10). Azure creates the cluster either way; the cluster then cannot
reach its API server. aksnet only reads the groups: it never changes one you bring."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from ipaddress import IPv4Network

from aksnet.arm import key, name_of, resource_group_of
from aksnet.findings import Finding, error, warning
from aksnet.live.facts import SecurityGroupFacts, SecurityRuleFacts, ipv4_networks
from aksnet.live.nsg import AZURE_LOAD_BALANCER, Flow, Verdict, judge, unresolved
from aksnet.live.rules.base import LiveInput, located
from aksnet.spec import SubnetSpec

API_SERVER_PORTS = (443, 4443)
PROBE_PORT = 9988  # the load balancer's health probe of the API server
LOWEST_PRIORITY_NUMBER, HIGHEST_PRIORITY_NUMBER = 100, 4096  # a rule's own priority


@dataclass(frozen=True)
class Passage:
    """TCP on `ports` from one range to another, through the group on one subnet (`at`), in one direction."""

    at: SubnetSpec
    direction: str
    source: tuple[IPv4Network, str]  # addresses, and how a rule names them
    destination: tuple[IPv4Network, str]
    ports: tuple[int, ...]
    what: str  # `from cluster subnet nodes 10.0.0.0/22 to API server subnet api 10.0.4.0/28`


def api_server_nsgs_allow(inp: LiveInput) -> Iterator[Finding]:
    """The groups on the API server subnet and on each cluster subnet let the cluster reach its API server."""
    api = inp.spec.api_server_subnet()
    if api is None or api.address_prefix is None or inp.facts.vnet is None:
        return
    for passage in _passages(api, api.address_prefix, inp.spec.cluster_subnets()):
        yield from _through(inp, passage)


def _passages(api: SubnetSpec, api_prefix: IPv4Network, cluster_subnets: Iterable[SubnetSpec]) -> Iterator[Passage]:
    """The load balancer's probe into the API server subnet; each cluster subnet out of its own and into it."""
    to_api, api_label = (api_prefix, str(api_prefix)), f"API server subnet {api.name} {api_prefix}"
    probe = (AZURE_LOAD_BALANCER, "AzureLoadBalancer")
    yield Passage(api, "Inbound", probe, to_api, (PROBE_PORT,), f"from AzureLoadBalancer to {api_label}")
    for subnet in cluster_subnets:
        if subnet.address_prefix is not None:
            source = (subnet.address_prefix, str(subnet.address_prefix))
            what = f"from cluster subnet {subnet.name} {subnet.address_prefix} to {api_label}"
            yield Passage(api, "Inbound", source, to_api, API_SERVER_PORTS, what)
            yield Passage(subnet, "Outbound", source, to_api, API_SERVER_PORTS, what)


def _through(inp: LiveInput, passage: Passage) -> Iterator[Finding]:
    """The group on the passage's subnet, on each port (no group, or one not read: nothing to say)."""
    found = inp.facts.subnet(passage.at.name)
    group_id = found.network_security_group if found is not None else None
    group = inp.facts.security_groups.get(key(group_id)) if group_id else None
    if group is None or inp.facts.vnet is None:
        return
    space = ipv4_networks(inp.facts.vnet.address_space)
    verdicts: dict[Verdict, list[int]] = {}
    for port in passage.ports:
        flow = Flow(passage.direction, passage.source[0], passage.destination[0], port)
        verdicts.setdefault(judge(group.rules, flow, space), []).append(port)
    field = f"{inp.spec.vnet.subnet_field(passage.at)}.name"
    for verdict, ports in verdicts.items():
        if verdict.allowed is not True:
            yield _finding(field, group, passage, verdict, ports)


def _finding(field: str, group: SecurityGroupFacts, passage: Passage, verdict: Verdict, ports: list[int]) -> Finding:
    rule, flow = verdict.rule, f"TCP {', '.join(map(str, ports))} {passage.what}"
    where = f"network security group {located(group.id)} on subnet {passage.at.name}"
    named = f"rule {rule.name} (priority {rule.priority}, {rule.direction}, {rule.access})"
    if verdict.allowed is None:
        return warning(
            "API_SERVER_NSG_UNCHECKED",
            field,
            f"{where}: {named} uses {unresolved(rule)}, which aksnet cannot resolve; it may block {flow}, which "
            "API server VNet integration needs",
            f"check that {named} lets {flow} through (Network Watcher's IP flow verify tells)",
        )
    return error(
        "API_SERVER_NSG_BLOCKS",
        field,
        f"{where} denies {flow} with {named}; API server VNet integration needs it (the cluster could not reach "
        "its API server; aksnet never changes a network security group you bring)",
        _fix(group, passage, rule, ports),
    )


def _fix(group: SecurityGroupFacts, passage: Passage, rule: SecurityRuleFacts, ports: list[int]) -> str:
    """An Allow rule just before the denying one, or a change to that rule when no free priority comes before it."""
    taken = {r.priority for r in group.rules if r.direction.lower() == passage.direction.lower()}
    free = range(min(rule.priority - 1, HIGHEST_PRIORITY_NUMBER), LOWEST_PRIORITY_NUMBER - 1, -1)
    priority = next((p for p in free if p not in taken), None)
    if priority is None:
        return (
            f"change rule {rule.name} of {name_of(group.id)} so that it no longer covers this traffic (no free "
            f"priority number comes before {rule.priority})"
        )
    create = (
        f"az network nsg rule create -g {resource_group_of(group.id)} --nsg-name {name_of(group.id)} "
        f"-n allow-aks-apiserver-{passage.direction.lower()} --priority {priority} --direction {passage.direction} "
        f"--access Allow --protocol Tcp --source-address-prefixes {passage.source[1]} "
        f"--destination-address-prefixes {passage.destination[1]} --destination-port-ranges {' '.join(map(str, ports))}"
    )
    return (
        f"add an {passage.direction} Allow rule with a priority number below {rule.priority} for it: {create}; "
        f"or change rule {rule.name}"
    )
