"""The offline rules and the emulator are two independent readings of what Azure refuses; here they must agree.

Every TRIPS case of tests/test_rules.py is planned and sent, PUT by PUT, through the real SDK to a fresh
emulator, bypassing aksnet's own rules: where Azure refuses the request, the emulator must refuse it too.
Every INSIDE case must be accepted. The cases where the two may differ are listed with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_rules import GOOD_PASSWORD, INSIDE, TRIPS

from aksnet.azure.context import RunContext
from aksnet.azure.executor import execute
from aksnet.cli.connect import emulator_session, open_emulator
from aksnet.clock import FakeClock
from aksnet.plan import build_plan
from helpers import make_spec

# The cluster PUT names no internal load balancer subnet: a Service's annotation does, after the cluster exists.
INGRESS_LATER = (
    "Azure refuses it later, when a Service asks for an internal load balancer there; the cluster create never "
    "names the subnet"
)
# Findings that are aksnet's own, not Azure's: Azure accepts the request.
AKSNET_ONLY = {
    "flat-cni-subnet-full": "aksnet counts upgrade surge nodes; the RP's create-time check counts nodes only",
    "kubenet-401-nodes": "400 nodes + 1 surge: aksnet counts the surge node, the RP's 400-node cap does not",
    "npm-251-nodes": "a warning: NPM's documented scale limit, not a refusal",
    "npm-20250-pods": "a warning: NPM's documented scale limit, not a refusal",
    "kubenet-retiring": "a warning before the end of support",
    "npm-linux-retiring": "a warning before the end of support",
    "bad-deployment-name": "the deployment name is aksnet's (a tag value), not an Azure resource name",
    "overlay-subnet-name-64": "the 63-character node-label limit is documented for overlay; the RP does not check it",
    "windows-password-missing": "a warning offline; `up` makes it an error before anything is sent",
    "pod-range-on-flat-cni": "aksnet never sends podCidr for flat Azure CNI, so Azure never sees it",
    "bounds-without-autoscaler": "aksnet sends minCount/maxCount only with enableAutoScaling, so Azure never sees them",
    "outbound-none": "a warning: outboundType none is valid only for network-isolated clusters",
    "existing-subnet-in-new-vnet": "a contradiction in the scenario file (a subnet brought into a VNet aksnet creates)",
    "location-display-name": "ARM accepts display names ('East US'); aksnet asks for the short name it uses in ids",
    "dynamic-pod-subnet-24-holds-15-nodes-not-16": "15 nodes + 1 surge: aksnet counts the surge node's batch too",
    "dynamic-pod-subnet-too-small-for-full-nodes": "a warning: the nodes start; they cannot all fill up to maxPods",
    "static-block-24-holds-7-nodes-of-30-pods-not-8": "7 nodes + 1 surge: aksnet counts the surge node's blocks too",
    "kubenet-pools-on-two-subnets-without-route-table": "derived from the kubenet docs (one route table on every "
    "pool subnet; Azure/AKS#1500): AKS accepts the create, and pods on the second subnet cannot reach the others",
    "lb-profile-with-user-nat": "az refuses it; the RP accepted and dropped LB settings for userAssignedNATGateway "
    "(Azure/azure-rest-api-specs#22469)",
    "lb-idle-101": "the CLI's and Terraform's 4-100; the API itself takes up to 120",
    "snat-default-share-halves-at-51": "a warning: Azure's default share shrinks, nothing is refused",
    "nat-gateway-with-load-balancer": "Azure accepts a NAT gateway on the subnet of a loadBalancer cluster (the NAT "
    "gateway then takes the egress); aksnet refuses the contradiction",
    "public-fqdn-on-public-cluster": "aksnet sends enablePrivateClusterPublicFQDN only for a private cluster",
    "private-range-authorized": "az refuses non-global ranges client-side; no RP refusal is documented",
    "agent-nodes-only-with-others": "az refuses it client-side; no RP refusal is documented",
    "api-subnet-without-integration": "aksnet sends subnetId only with VNet integration",
    "static-ip-twice": "the same public IP listed twice is one resource to Azure",
    "zone-on-public-cluster": "az refuses a zone for a public cluster; aksnet sends privateDNSZone only for a "
    "private one",
    "ingress-subnet-not-declared": INGRESS_LATER,
    "ingress-subnet-is-the-api-subnet": INGRESS_LATER,
    "ingress-on-a-node-subnet-its-11-nodes-fill": INGRESS_LATER,
}
# Cases about resources the user brings: they need those resources, which tests/test_preflight.py seeds.
BROUGHT = {
    "kubenet-byo-subnet-without-route-table",
    "routes-on-brought-route-table",
    "identity-name-and-id",
    "identity-id-malformed",
    "brought-subnet-with-user-nat",
    "lb-managed-and-own-ips",
    "lb-ipv6-count-and-own-ips",
    "lb-own-ips-only",
    "nat-gateway-brought-with-ips",
    "static-ips-in-two-groups",
    "dual-stack-brings-its-nat-gateway",
}


def sent_to_the_emulator(tmp_path: Path, overrides: tuple[str, ...]) -> str | None:
    """The ARM code that stopped the run, or None when every PUT was accepted."""
    plan = build_plan(make_spec(*overrides))
    emu = open_emulator({"AKSNET_EMULATOR_DB": str(tmp_path / "arm.db")}, FakeClock())
    try:
        session = emulator_session(emu)
        context = RunContext(
            session.clients(plan.subscription_id),
            plan,
            session.clock,
            windows_password=GOOD_PASSWORD["AKSNET_WINDOWS_ADMIN_PASSWORD"],
        )
        result = execute(context)
    finally:
        emu.close()
    return None if result.error is None else result.error.code


REFUSED = [t for t in TRIPS if t[0] not in AKSNET_ONLY and t[0] not in BROUGHT]
ACCEPTED = [t for t in INSIDE if t[0] not in BROUGHT]


@pytest.mark.parametrize("case", REFUSED, ids=[t[0] for t in REFUSED])
def test_what_the_rules_refuse_the_emulator_refuses(tmp_path: Path, case: tuple[object, ...]) -> None:
    name, overrides, code, *_ = case
    assert sent_to_the_emulator(tmp_path, overrides) is not None, f"{name}: aksnet says {code}, the emulator accepted"


@pytest.mark.parametrize("case", ACCEPTED, ids=[t[0] for t in ACCEPTED])
def test_what_the_rules_accept_the_emulator_accepts(tmp_path: Path, case: tuple[object, ...]) -> None:
    name, overrides, _ = case
    assert sent_to_the_emulator(tmp_path, overrides) is None, name


@pytest.mark.parametrize("case", [t for t in TRIPS if t[0] in AKSNET_ONLY], ids=lambda t: t[0])
def test_where_they_differ_the_emulator_accepts_as_azure_does(tmp_path: Path, case: tuple[object, ...]) -> None:
    name, overrides, *_ = case
    assert sent_to_the_emulator(tmp_path, overrides) is None, f"{name} is listed as aksnet-only: {AKSNET_ONLY[name]}"


def test_every_listed_difference_names_a_case_and_a_reason() -> None:
    cases = {t[0] for t in TRIPS} | {t[0] for t in INSIDE}
    assert set(AKSNET_ONLY) <= cases and cases >= BROUGHT
    assert all(AKSNET_ONLY.values())
