"""List the NetworkPolicies that Cilium enforces differently, before a cluster moves to Cilium.

Input is a file or a folder of NetworkPolicy YAML (or JSON): a ``kubectl get networkpolicy -A -o yaml``
export (``kind: List``), single documents, or multi-document files. Decisions:

- A folder is read one level deep (``*.yaml``, ``*.yml``, ``*.json``, sorted by name); kubectl exports
  are flat, and sub-folders may hold unrelated manifests.
- Items of another kind inside a List (``kubectl get networkpolicy,deploy -o yaml``) are skipped and
  named in :attr:`PolicyScan.skipped`, so the caller can print a note. A top-level document that is not
  a NetworkPolicy or a List means the path points at the wrong file: that is an ``InvalidRequest``.
- A policy without ``metadata.namespace`` is reported in ``default``, where kubectl would apply it.

The rules come from migrate-from-npm-to-cilium-network-policy.md ("Pre-migration validation") and
azure-cni-powered-by-cilium.md ("Limitations") in MicrosoftDocs/azure-aks-docs, articles/aks/.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aksnet.errors import InvalidRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

IPBLOCK = "ipBlock-pod-or-node-ips"
NAMED_PORT = "named-port"
EGRESS_TO_NODE = "egress-to-node-ip"
END_PORT = "endPort"

POLICY_SUFFIXES = (".yaml", ".yml", ".json")

# Without the cluster's ranges, any ipBlock reaching private space could hold pod or node IPs: pod
# CIDRs are RFC 1918 or RFC 6598 (azure-cni-overlay.md), IPv6 pod CIDRs are ULAs (fd12:.../64 default).
PRIVATE_RANGES: tuple[Network, ...] = tuple(
    ipaddress.ip_network(cidr)
    for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


@dataclass(frozen=True)
class PolicyFinding:
    """One NetworkPolicy construct that behaves differently under Cilium, and why."""

    namespace: str
    name: str
    construct: str
    detail: str


@dataclass(frozen=True)
class PolicyScan:
    """Everything a scan saw: the findings, how many policies were read, and what was skipped."""

    findings: tuple[PolicyFinding, ...]
    policies: int
    skipped: tuple[str, ...]


@dataclass(frozen=True)
class _ClusterRange:
    label: str
    network: Network
    node: bool
    assumed: bool = False


@dataclass(frozen=True)
class _Policy:
    namespace: str
    name: str
    spec: Mapping[str, Any]
    where: str


@dataclass(frozen=True)
class _Rule:
    direction: str
    number: int
    body: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"{self.direction} rule {self.number}"


def scan_policies(path: Path, *, pod_cidrs: Sequence[str] = (), node_cidrs: Sequence[str] = ()) -> list[PolicyFinding]:
    """Findings for every NetworkPolicy under ``path`` that Cilium enforces differently."""
    return list(scan_policy_path(path, pod_cidrs=pod_cidrs, node_cidrs=node_cidrs).findings)


def scan_policy_path(path: Path, *, pod_cidrs: Sequence[str] = (), node_cidrs: Sequence[str] = ()) -> PolicyScan:
    """Like :func:`scan_policies`, also counting the policies read and naming the items skipped."""
    ranges = _cluster_ranges(pod_cidrs, node_cidrs)
    located = (
        (document, f"{file} (document {number})")
        for file in _policy_files(path)
        for number, document in enumerate(_load_documents(file), start=1)
    )
    return _scan(located, ranges)


def scan_policy_documents(
    documents: Iterable[Any],
    *,
    source: str = "<input>",
    pod_cidrs: Sequence[str] = (),
    node_cidrs: Sequence[str] = (),
) -> PolicyScan:
    """Scan already-parsed documents without touching files; ``source`` names them in errors."""
    ranges = _cluster_ranges(pod_cidrs, node_cidrs)
    located = ((document, f"{source} (document {n})") for n, document in enumerate(documents, start=1))
    return _scan(located, ranges)


def _scan(located: Iterable[tuple[Any, str]], ranges: Sequence[_ClusterRange]) -> PolicyScan:
    policies: list[_Policy] = []
    skipped: list[str] = []
    for document, where in located:
        if document is None:  # an empty document, e.g. between two `---` lines
            continue
        found, ignored = _policies_in(document, where)
        policies += found
        skipped += ignored
    findings = tuple(finding for policy in policies for finding in _check(policy, ranges))
    return PolicyScan(findings, len(policies), tuple(skipped))


# --- reading -------------------------------------------------------------------------------------------


def _policy_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in POLICY_SUFFIXES)
        if not files:
            raise InvalidRequest(f"No NetworkPolicy files (*.yaml, *.yml, *.json) in folder {path}.")
        return files
    raise InvalidRequest(f"Policy path {path} does not exist.")


def _load_documents(file: Path) -> list[Any]:
    try:
        return list(yaml.safe_load_all(file.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidRequest(f"{file} is not valid YAML{at}: {getattr(exc, 'problem', exc)}.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidRequest(f"Cannot read policy file {file}: {exc}.") from exc


def _policies_in(document: Any, where: str) -> tuple[list[_Policy], list[str]]:
    if not isinstance(document, Mapping):
        raise InvalidRequest(f"{where} is not a Kubernetes object (got {type(document).__name__}).")
    kind = str(document.get("kind") or "")
    if kind == "NetworkPolicy":
        return [_policy(document, where)], []
    if kind == "List" or kind.endswith("List"):
        return _list_items(document, where)
    shown = kind or "an object without kind"
    raise InvalidRequest(f"{where} is {shown}, not a NetworkPolicy or a List of them.")


def _list_items(document: Mapping[str, Any], where: str) -> tuple[list[_Policy], list[str]]:
    policies: list[_Policy] = []
    skipped: list[str] = []
    for index, item in enumerate(_list(document.get("items"), f"{where} items"), start=1):
        item_where = f"{where} item {index}"
        if not isinstance(item, Mapping):
            raise InvalidRequest(f"{item_where} is not a Kubernetes object.")
        if item.get("kind") == "NetworkPolicy":
            policies.append(_policy(item, item_where))
        else:
            skipped.append(f"{item_where}: {item.get('kind') or 'no kind'} {_qualified_name(item)}")
    return policies, skipped


def _qualified_name(item: Mapping[str, Any]) -> str:
    meta = _mapping(item.get("metadata"), "metadata")
    return f"{meta.get('namespace') or 'default'}/{meta.get('name') or '?'}"


def _policy(document: Mapping[str, Any], where: str) -> _Policy:
    meta = _mapping(document.get("metadata"), f"{where} metadata")
    name = meta.get("name")
    if not name:
        raise InvalidRequest(f"{where} is a NetworkPolicy without metadata.name.")
    namespace = str(meta.get("namespace") or "default")
    spec = _mapping(document.get("spec"), f"{where} spec")
    return _Policy(namespace, str(name), spec, f"{where} NetworkPolicy {namespace}/{name}")


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidRequest(f"{what} must be a mapping, not {type(value).__name__}.")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidRequest(f"{what} must be a list, not {type(value).__name__}.")
    return value


def _network(cidr: Any, what: str) -> Network:
    try:
        return ipaddress.ip_network(str(cidr), strict=False)
    except ValueError as exc:
        raise InvalidRequest(f"{what}: {cidr!r} is not a CIDR.") from exc


def _cluster_ranges(pod_cidrs: Sequence[str], node_cidrs: Sequence[str]) -> tuple[_ClusterRange, ...]:
    pods = [_ClusterRange(f"pod CIDR {c}", _network(c, "pod CIDR"), node=False) for c in pod_cidrs]
    nodes = [_ClusterRange(f"node subnet {c}", _network(c, "node subnet"), node=True) for c in node_cidrs]
    unknown = [what for what, known in (("pod", pods), ("node", nodes)) if not known]
    assumed = [
        _ClusterRange(f"private range {n} (may hold {' or '.join(unknown)} IPs)", n, "node" in unknown, True)
        for n in PRIVATE_RANGES
        if unknown
    ]
    return (*pods, *nodes, *assumed)


def _labels(hits: Sequence[_ClusterRange]) -> str:
    labels = ", ".join(hit.label for hit in hits)
    if any(hit.assumed for hit in hits):
        labels += " (give the cluster's pod CIDR and node subnets for a precise check)"
    return labels


# --- checks --------------------------------------------------------------------------------------------


def _check(policy: _Policy, ranges: Sequence[_ClusterRange]) -> Iterator[PolicyFinding]:
    rules = list(_rules(policy))
    for rule in rules:
        yield from _ipblock_findings(policy, rule, ranges)
        yield from _port_findings(policy, rule)
    yield from _egress_to_node_findings(policy, rules, ranges)


def _rules(policy: _Policy) -> Iterator[_Rule]:
    for direction in ("ingress", "egress"):
        rules = _list(policy.spec.get(direction), f"{policy.where} spec.{direction}")
        for number, body in enumerate(rules, start=1):
            yield _Rule(direction, number, _mapping(body, f"{policy.where} {direction} rule {number}"))


def _peers(policy: _Policy, rule: _Rule) -> list[Mapping[str, Any]]:
    key = "from" if rule.direction == "ingress" else "to"
    peers = _list(rule.body.get(key), f"{policy.where} {rule.label} {key}")
    return [_mapping(peer, f"{policy.where} {rule.label} peer") for peer in peers]


def _ip_blocks(policy: _Policy, rule: _Rule) -> Iterator[tuple[Network, list[Network]]]:
    for peer in _peers(policy, rule):
        block = _mapping(peer.get("ipBlock"), f"{policy.where} {rule.label} ipBlock")
        if block:
            what = f"{policy.where} {rule.label} ipBlock"
            cidr = _network(block.get("cidr"), what)
            excepts = [_network(e, f"{what} except") for e in _list(block.get("except"), f"{what} except")]
            yield cidr, excepts


def _selected_ranges(cidr: Network, excepts: Sequence[Network], ranges: Sequence[_ClusterRange]) -> list[_ClusterRange]:
    return [r for r in ranges if r.network.version == cidr.version and _reaches(cidr, excepts, r.network)]


def _reaches(cidr: Network, excepts: Sequence[Network], target: Network) -> bool:
    """Whether ``cidr`` minus ``excepts`` still holds any address of ``target``."""
    if not cidr.overlaps(target):
        return False
    # Two CIDRs that overlap nest, so the shared part is the smaller of the two.
    remaining: list[Network] = [target if cidr.supernet_of(target) else cidr]  # type: ignore[arg-type]
    for excluded in excepts:
        remaining = [piece for part in remaining for piece in _minus(part, excluded)]
    return bool(remaining)


def _minus(part: Network, excluded: Network) -> list[Network]:
    if part.version != excluded.version or not part.overlaps(excluded):
        return [part]
    if excluded.supernet_of(part):  # type: ignore[arg-type]
        return []
    return list(part.address_exclude(excluded))  # type: ignore[arg-type]


def _ipblock_findings(policy: _Policy, rule: _Rule, ranges: Sequence[_ClusterRange]) -> Iterator[PolicyFinding]:
    for cidr, excepts in _ip_blocks(policy, rule):
        hits = _selected_ranges(cidr, excepts, ranges)
        if not hits:
            continue
        traffic = "traffic from" if rule.direction == "ingress" else "egress to"
        yield PolicyFinding(
            policy.namespace,
            policy.name,
            IPBLOCK,
            f"{rule.label}: ipBlock {cidr} overlaps {_labels(hits)}. Cilium never "
            f"lets an ipBlock select pod or node IPs, so {traffic} them is dropped after the move. "
            "Select pods with namespaceSelector/podSelector before migrating; allow nodes with a "
            "CiliumNetworkPolicy toEntities host/remote-node after it.",
        )


def _port_findings(policy: _Policy, rule: _Rule) -> Iterator[PolicyFinding]:
    what = f"{policy.where} {rule.label} ports"
    for port in (_mapping(p, what) for p in _list(rule.body.get("ports"), what)):
        number = port.get("port")
        if isinstance(number, str):
            yield PolicyFinding(
                policy.namespace,
                policy.name,
                NAMED_PORT,
                f"{rule.label}: named port {number!r}. Cilium can enforce named ports wrongly when the "
                "same name maps to different port numbers (cilium/cilium#30003); replace it with the "
                "numeric port before migrating.",
            )
        if port.get("endPort") is not None:
            yield PolicyFinding(
                policy.namespace,
                policy.name,
                END_PORT,
                f"{rule.label}: port range {number}-{port['endPort']}. Cilium supports endPort from "
                "1.17 (AKS ships it with Kubernetes 1.32 and later); on an older cluster replace the "
                "range with single ports before migrating.",
            )


def _restricts_egress(policy: _Policy) -> bool:
    types = _list(policy.spec.get("policyTypes"), f"{policy.where} policyTypes")
    # Kubernetes: without policyTypes, a policy restricts egress exactly when it has an egress section.
    return "Egress" in types if types else "egress" in policy.spec


def _allows_all_egress(policy: _Policy, rules: Sequence[_Rule]) -> bool:
    # An egress rule with neither `to` nor `ports` matches every destination and port, nodes included.
    return any(rule.direction == "egress" and not _peers(policy, rule) and not rule.body.get("ports") for rule in rules)


def _egress_to_node_findings(
    policy: _Policy, rules: Sequence[_Rule], ranges: Sequence[_ClusterRange]
) -> Iterator[PolicyFinding]:
    # migrate-from-npm-to-cilium-network-policy.md, "NetworkPolicy with Egress Policies": NPM implicitly
    # allows egress to the pod's own node; Cilium blocks it unless allowed, and no ipBlock can allow it.
    if not _restricts_egress(policy) or _allows_all_egress(policy, rules):
        return
    nodes = [r for r in ranges if r.node]
    covering = [
        f"{rule.label} ipBlock {cidr} overlaps {_labels(hits)}"
        for rule in rules
        if rule.direction == "egress"
        for cidr, excepts in _ip_blocks(policy, rule)
        if (hits := _selected_ranges(cidr, excepts, nodes))
    ]
    reason = (
        f"{'; '.join(covering)}, but Cilium does not let an ipBlock select node IPs"
        if covering
        else "this policy restricts egress, and NPM allowed egress to the pod's own node implicitly"
    )
    yield PolicyFinding(
        policy.namespace,
        policy.name,
        EGRESS_TO_NODE,
        f"{reason}. Under Cilium, egress from the selected pods to their node's IP is blocked unless "
        "allowed explicitly: add a CiliumNetworkPolicy with toEntities host (and remote-node) after "
        "the migration.",
    )
