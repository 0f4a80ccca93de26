"""The NetworkPolicy scan that runs before a move to Cilium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aksnet.errors import InvalidRequest
from aksnet.policy_migration.scan import (
    EGRESS_TO_NODE,
    END_PORT,
    IPBLOCK,
    NAMED_PORT,
    PolicyFinding,
    scan_policies,
    scan_policy_documents,
    scan_policy_path,
)

FIXTURES = Path(__file__).parent / "fixtures" / "networkpolicies"
EXPORT = FIXTURES / "kubectl-export.yaml"
POD_CIDRS = ["10.244.0.0/16"]
NODE_CIDRS = ["10.224.0.0/16"]


def by_policy(findings: list[PolicyFinding]) -> dict[str, list[str]]:
    flagged: dict[str, list[str]] = {}
    for finding in findings:
        flagged.setdefault(f"{finding.namespace}/{finding.name}", []).append(finding.construct)
    return flagged


def detail(findings: list[PolicyFinding], policy: str, construct: str) -> str:
    namespace, name = policy.split("/")
    matches = [f.detail for f in findings if (f.namespace, f.name, f.construct) == (namespace, name, construct)]
    assert len(matches) == 1, matches
    return matches[0]


def netpol(spec: dict[str, Any], name: str = "p", namespace: str = "ns") -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


# --- the kubectl export --------------------------------------------------------------------------------


def test_kubectl_export_flags_each_construct_with_namespace_and_name() -> None:
    assert by_policy(scan_policies(EXPORT, pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS)) == {
        "default/allow-all-egress": [IPBLOCK, EGRESS_TO_NODE],
        "shop/web-named-port": [NAMED_PORT],
        "shop/partner-port-range": [END_PORT, EGRESS_TO_NODE],
        "monitoring/scrape-from-nodes": [IPBLOCK],
        "shop/corp-egress-except-cluster": [EGRESS_TO_NODE],
    }


def test_a_clean_ingress_policy_is_not_flagged() -> None:
    scan = scan_policy_path(EXPORT, pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS)
    assert scan.policies == 6
    assert "demo/demo-policy" not in by_policy(list(scan.findings))


def test_ipblock_that_includes_pod_and_node_ranges_explains_why() -> None:
    text = detail(
        scan_policies(EXPORT, pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS), "default/allow-all-egress", IPBLOCK
    )
    assert "egress rule 1: ipBlock 0.0.0.0/0" in text
    assert "pod CIDR 10.244.0.0/16" in text and "node subnet 10.224.0.0/16" in text
    assert "namespaceSelector/podSelector" in text and "remote-node" in text


def test_ingress_ipblock_of_the_node_subnet_is_flagged() -> None:
    text = detail(
        scan_policies(EXPORT, pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS),
        "monitoring/scrape-from-nodes",
        IPBLOCK,
    )
    assert "ingress rule 1" in text and "traffic from them is dropped" in text
    assert "pod CIDR" not in text


def test_ipblock_whose_except_removes_the_cluster_ranges_is_not_an_ipblock_finding() -> None:
    flagged = by_policy(scan_policies(EXPORT, pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS))
    assert IPBLOCK not in flagged["shop/corp-egress-except-cluster"]


def test_egress_ipblock_covering_the_node_subnet_names_it() -> None:
    text = detail(
        scan_policies(EXPORT, pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS),
        "default/allow-all-egress",
        EGRESS_TO_NODE,
    )
    assert "ipBlock 0.0.0.0/0 overlaps node subnet 10.224.0.0/16" in text
    assert "toEntities host" in text


def test_any_egress_restriction_loses_npms_implicit_allow_to_the_node() -> None:
    text = detail(
        scan_policies(EXPORT, pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS),
        "shop/partner-port-range",
        EGRESS_TO_NODE,
    )
    assert "restricts egress" in text and "implicitly" in text


def test_named_port_and_end_port_details() -> None:
    findings = scan_policies(EXPORT, pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS)
    assert "named port 'http'" in detail(findings, "shop/web-named-port", NAMED_PORT)
    end_port = detail(findings, "shop/partner-port-range", END_PORT)
    assert "32000-32768" in end_port and "1.17" in end_port


def test_without_cluster_ranges_any_private_ipblock_could_select_pods_or_nodes() -> None:
    findings = scan_policies(EXPORT)
    flagged = by_policy(findings)
    assert IPBLOCK in flagged["shop/corp-egress-except-cluster"]
    assert "partner-port-range" not in {f.name for f in findings if f.construct == IPBLOCK}
    text = detail(findings, "monitoring/scrape-from-nodes", IPBLOCK)
    assert "may hold pod or node IPs" in text and "precise check" in text


# --- single, multi-document, folders -------------------------------------------------------------------


def test_single_document_with_a_named_port_and_restricted_egress() -> None:
    assert by_policy(scan_policies(FIXTURES / "single-named-port.yaml", pod_cidrs=POD_CIDRS)) == {
        "default/allow-egress": [NAMED_PORT, EGRESS_TO_NODE]
    }


def test_multi_document_file_skips_empty_documents_and_defaults_the_namespace() -> None:
    scan = scan_policy_path(FIXTURES / "multi-doc.yaml", pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS)
    assert scan.policies == 2
    assert by_policy(list(scan.findings)) == {"payments/dns-via-node": [IPBLOCK, EGRESS_TO_NODE]}


def test_folder_reads_every_policy_file_one_level_deep() -> None:
    scan = scan_policy_path(FIXTURES, pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS)
    assert scan.policies == 6 + 1 + 2 + 1
    assert {f.name for f in scan.findings} >= {"allow-all-egress", "allow-egress", "dns-via-node"}


def test_other_kinds_in_a_list_are_skipped_and_named() -> None:
    scan = scan_policy_path(FIXTURES / "mixed-list.yaml", pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS)
    assert scan.policies == 1
    assert scan.findings == ()
    assert len(scan.skipped) == 1
    assert "Deployment tools/toolbox" in scan.skipped[0]
    assert "mixed-list.yaml" in scan.skipped[0]


def test_json_lists_are_read_too(tmp_path: Path) -> None:
    file = tmp_path / "export.json"
    file.write_text(json.dumps({"kind": "NetworkPolicyList", "items": [netpol({"egress": []})]}))
    assert by_policy(scan_policies(file)) == {"ns/p": [EGRESS_TO_NODE]}


# --- rules on crafted documents ------------------------------------------------------------------------


def test_ipv6_ipblock_is_checked_against_ipv6_pod_ranges() -> None:
    spec = {"ingress": [{"from": [{"ipBlock": {"cidr": "fd12:3456:789a::/48"}}]}]}
    scan = scan_policy_documents([netpol(spec)], pod_cidrs=["fd12:3456:789a::/64"], node_cidrs=["10.224.0.0/16"])
    assert [f.construct for f in scan.findings] == [IPBLOCK]


def test_public_ipblock_is_clean_when_cluster_ranges_are_known() -> None:
    spec = {"ingress": [{"from": [{"ipBlock": {"cidr": "203.0.113.0/24"}}], "ports": [{"port": 443}]}]}
    assert scan_policy_documents([netpol(spec)], pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS).findings == ()


def test_egress_only_deny_all_still_blocks_node_traffic() -> None:
    scan = scan_policy_documents(
        [netpol({"podSelector": {}, "policyTypes": ["Egress"]})], pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS
    )
    assert [f.construct for f in scan.findings] == [EGRESS_TO_NODE]


def test_an_allow_all_egress_rule_keeps_node_egress() -> None:
    spec = {"policyTypes": ["Egress"], "egress": [{}, {"to": [{"podSelector": {}}]}]}
    assert scan_policy_documents([netpol(spec)], pod_cidrs=POD_CIDRS).findings == ()


def test_policy_types_ingress_only_ignores_an_egress_section() -> None:
    spec = {"policyTypes": ["Ingress"], "egress": [{"to": [{"podSelector": {}}]}]}
    assert scan_policy_documents([netpol(spec)], pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS).findings == ()


def test_several_findings_of_one_kind_in_one_policy_are_each_reported() -> None:
    ports = [{"port": "http"}, {"port": "metrics"}, {"port": 8000, "endPort": 8010}]
    scan = scan_policy_documents([netpol({"ingress": [{"ports": ports}]})], pod_cidrs=POD_CIDRS, node_cidrs=NODE_CIDRS)
    assert [f.construct for f in scan.findings] == [NAMED_PORT, NAMED_PORT, END_PORT]


# --- bad input -----------------------------------------------------------------------------------------


def test_missing_path_is_an_invalid_request() -> None:
    with pytest.raises(InvalidRequest, match=r"does-not-exist\.yaml does not exist"):
        scan_policies(FIXTURES / "does-not-exist.yaml")


def test_file_that_is_not_yaml_names_the_file_and_line() -> None:
    with pytest.raises(InvalidRequest, match=r"not-yaml\.yaml is not valid YAML at line \d+") as caught:
        scan_policies(FIXTURES / "bad" / "not-yaml.yaml")
    assert caught.value.exit_code == 2


def test_document_of_another_kind_names_the_file_and_kind() -> None:
    with pytest.raises(InvalidRequest, match=r"deployment\.yaml \(document 1\) is Deployment, not a NetworkPolicy"):
        scan_policies(FIXTURES / "bad" / "deployment.yaml")


def test_invalid_cidr_names_the_policy() -> None:
    with pytest.raises(
        InvalidRequest, match=r"bad-cidr\.yaml .*default/typo egress rule 1 ipBlock: '10\.0\.0\.300/24'"
    ):
        scan_policies(FIXTURES / "bad" / "bad-cidr.yaml")


def test_folder_without_policy_files_is_an_invalid_request(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    with pytest.raises(InvalidRequest, match="No NetworkPolicy files"):
        scan_policies(tmp_path)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("- just\n- a list\n", "is not a Kubernetes object"),
        ("kind: NetworkPolicy\nmetadata: {}\n", "without metadata.name"),
        ("kind: NetworkPolicy\nmetadata: {name: x}\nspec: {ingress: {from: []}}\n", "must be a list"),
        ("kind: List\nitems: [42]\n", "item 1 is not a Kubernetes object"),
        ("apiVersion: v1\nmetadata: {name: x}\n", "an object without kind"),
    ],
)
def test_malformed_documents_are_invalid_requests(tmp_path: Path, document: str, message: str) -> None:
    file = tmp_path / "policy.yaml"
    file.write_text(document)
    with pytest.raises(InvalidRequest, match=message):
        scan_policies(file)


def test_invalid_cluster_cidr_is_an_invalid_request() -> None:
    with pytest.raises(InvalidRequest, match=r"pod CIDR: '10\.244\.0\.0/99' is not a CIDR"):
        scan_policies(EXPORT, pod_cidrs=["10.244.0.0/99"])


def test_undecodable_file_is_an_invalid_request(tmp_path: Path) -> None:
    file = tmp_path / "binary.yaml"
    file.write_bytes(b"\xff\xfe\x00kind")
    with pytest.raises(InvalidRequest, match=r"binary\.yaml"):
        scan_policies(file)
