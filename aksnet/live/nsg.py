"""How a network security group judges one TCP flow, as Azure does. Pure.

Azure processes the rules of one direction in priority order, lowest number first, and the first rule that
matches decides. After a group's own rules (priorities 100-4096) come the default rules every group has and
no one can remove: inbound AllowVnetInBound 65000, AllowAzureLoadBalancerInBound 65001, DenyAllInBound 65500;
outbound AllowVnetOutBound 65000, AllowInternetOutBound 65001, DenyAllOutBound 65500
(learn.microsoft.com/azure/virtual-network/network-security-groups-overview, "Default security rules"; ARM
returns them in `properties.defaultSecurityRules`, azure-rest-api-specs Microsoft.Network
examples/NetworkSecurityGroupGet.json).

A flow goes from every address of one range to every address of another on one port: a rule decides the
part of it that it covers and leaves the rest to the rules after it. Prefixes resolve to addresses: `*`, a
CIDR or an address; `VirtualNetwork` as the VNet's address space and the host's virtual IP 168.63.129.16, which
the tag includes (service-tags overview; both ends of every flow checked here are in the VNet, so peered and
on-premises ranges cannot change a verdict); `AzureLoadBalancer` as 168.63.129.16.
What aksnet cannot resolve (any other service tag, an application security group, a source port range; and
whether `Internet` covers 168.63.129.16) leaves the verdict open when it could decide the flow: no guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, ip_network

from aksnet.live.facts import SecurityRuleFacts

ANYWHERE = IPv4Network("0.0.0.0/0")
AZURE_LOAD_BALANCER = IPv4Network("168.63.129.16/32")  # the host's virtual IP the AzureLoadBalancer tag stands for
ALL_PORTS = ("*", "0-65535")

DEFAULT_RULES = (
    SecurityRuleFacts("AllowVnetInBound", 65000, "Inbound", "Allow", "*", ("VirtualNetwork",), ("VirtualNetwork",)),
    SecurityRuleFacts("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "*", ("AzureLoadBalancer",)),
    SecurityRuleFacts("DenyAllInBound", 65500, "Inbound", "Deny", "*"),
    SecurityRuleFacts("AllowVnetOutBound", 65000, "Outbound", "Allow", "*", ("VirtualNetwork",), ("VirtualNetwork",)),
    SecurityRuleFacts("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", ("*",), ("Internet",)),
    SecurityRuleFacts("DenyAllOutBound", 65500, "Outbound", "Deny", "*"),
)

Nets = tuple[IPv4Network, ...]
Block = tuple[IPv4Network, IPv4Network]  # (sources, destinations): every address of one to every address of the other


@dataclass(frozen=True)
class Flow:
    """TCP from every address of `source` to every address of `destination` on `port`, as seen in `direction`."""

    direction: str  # Inbound | Outbound
    source: IPv4Network
    destination: IPv4Network
    port: int


@dataclass(frozen=True)
class Verdict:
    """What the group does to a flow and the rule that decides it; `allowed` None: a rule aksnet cannot
    resolve could decide it."""

    allowed: bool | None
    rule: SecurityRuleFacts


@dataclass(frozen=True)
class Addresses:
    """One side of a rule: the addresses it surely covers, and those it may cover."""

    known: Nets
    unsure: Nets = ()


def judge(rules: Sequence[SecurityRuleFacts], flow: Flow, vnet_space: Nets) -> Verdict:
    """The verdict of a group with `rules` (its own; the default ones are added) on `flow`."""
    left: list[Block] = [(flow.source, flow.destination)]
    ordered = sorted((r for r in (*rules, *DEFAULT_RULES) if _same(r.direction, flow.direction)), key=_priority)
    for rule in ordered:
        if not _carries(rule, flow.port):
            continue
        sources, destinations = _side(rule.source_prefixes, vnet_space), _side(rule.destination_prefixes, vnet_space)
        if not _any_source_port(rule):
            sources = Addresses((), (*sources.known, *sources.unsure))
        if _meets(left, sources.known, destinations.known):
            if _same(rule.access, "Deny"):
                return Verdict(False, rule)
            left = _without(left, sources.known, destinations.known)
        if _meets(left, (*sources.known, *sources.unsure), (*destinations.known, *destinations.unsure)):
            return Verdict(None, rule)
        if not left:
            return Verdict(True, rule)
    return Verdict(False, ordered[-1])  # unreachable: DenyAll covers everything left


def _priority(rule: SecurityRuleFacts) -> int:
    return rule.priority


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _carries(rule: SecurityRuleFacts, port: int) -> bool:
    """The rule's protocol covers TCP and its destination ports cover `port`."""
    return rule.protocol.lower() in ("*", "tcp") and any(_in_range(port, r) for r in rule.destination_ports)


def _in_range(port: int, text: str) -> bool:
    if text.strip() == "*":
        return True
    low, _, high = text.partition("-")
    return int(low) <= port <= int(high or low)


def _any_source_port(rule: SecurityRuleFacts) -> bool:
    """Clients connect from ephemeral ports aksnet cannot know: only a rule for every source port surely matches."""
    return any(text.replace(" ", "") in ALL_PORTS for text in rule.source_ports)


def _side(prefixes: Sequence[str], vnet_space: Nets) -> Addresses:
    if not prefixes:
        return Addresses((), (ANYWHERE,))  # an application security group: its members' addresses are not read
    known: list[IPv4Network] = []
    unsure: list[IPv4Network] = []
    for prefix in prefixes:
        side = _resolve(prefix.strip(), vnet_space)
        known += side.known
        unsure += side.unsure
    return Addresses(tuple(known), tuple(unsure))


def _resolve(prefix: str, vnet_space: Nets) -> Addresses:
    """The addresses one prefix or service tag stands for."""
    tag = prefix.lower()
    if tag in ("*", "any"):
        return Addresses((ANYWHERE,))
    if tag == "virtualnetwork":
        return Addresses((*vnet_space, AZURE_LOAD_BALANCER))
    if tag == "azureloadbalancer":
        return Addresses((AZURE_LOAD_BALANCER,))
    if tag == "internet":
        outside = _minus_all([ANYWHERE], (*vnet_space, AZURE_LOAD_BALANCER))
        return Addresses(tuple(outside), (AZURE_LOAD_BALANCER,))
    try:
        network = ip_network(prefix, strict=False)
    except ValueError:
        return Addresses((), (ANYWHERE,))  # another service tag: its addresses are Azure's to publish
    return Addresses((network,) if isinstance(network, IPv4Network) else ())


# --- blocks of (source, destination) addresses: CIDR blocks either nest or do not meet ----------------------


def _meets(blocks: Iterable[Block], sources: Nets, destinations: Nets) -> bool:
    return any(s.overlaps(a) and d.overlaps(b) for s, d in blocks for a in sources for b in destinations)


def _without(blocks: list[Block], sources: Nets, destinations: Nets) -> list[Block]:
    for a in sources:
        for b in destinations:
            blocks = [piece for block in blocks for piece in _cut(block, a, b)]
    return blocks


def _cut(block: Block, a: IPv4Network, b: IPv4Network) -> list[Block]:
    """`block` less every pair (source in `a`, destination in `b`)."""
    s, d = block
    if not (s.overlaps(a) and d.overlaps(b)):
        return [block]
    inner = s if s.subnet_of(a) else a
    return [(rest, d) for rest in _minus(s, a)] + [(inner, rest) for rest in _minus(d, b)]


def _minus(net: IPv4Network, other: IPv4Network) -> list[IPv4Network]:
    if not net.overlaps(other):
        return [net]
    return [] if net.subnet_of(other) else list(net.address_exclude(other))


def _minus_all(nets: list[IPv4Network], others: Iterable[IPv4Network]) -> list[IPv4Network]:
    for other in others:
        nets = [rest for net in nets for rest in _minus(net, other)]
    return nets


def unresolved(rule: SecurityRuleFacts) -> str:
    """What in `rule` aksnet cannot resolve to addresses or ports, for a message."""
    if rule.uses_application_security_groups:
        return "an application security group"
    if not _any_source_port(rule):
        return f"source ports {', '.join(rule.source_ports)}"
    tags = [p for p in (*rule.source_prefixes, *rule.destination_prefixes) if _resolve(p.strip(), ()).unsure]
    return f"service tag {', '.join(dict.fromkeys(tags))}"
