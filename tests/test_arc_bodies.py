"""The plan's Azure Local bodies are exactly what the official SDKs send, built from their own models.

Each case builds the request the way an SDK user would (typed models, keyword arguments), sends it
through the SDK client and the real azure-core pipeline to a `responses` mock, and compares the wire
body with the plan's; then sends the plan's body the way aksnet's steps do and compares again.
"""

from __future__ import annotations

import json
import re
from typing import Any

import responses
from azure.core.credentials import AccessToken

from aksnet.arc.plan import offline_plan
from aksnet.azure.arc.clients import ArcClients
from aksnet.azure.arc.steps import connected_model, instance_model
from aksnet.azure.clients import Clients
from helpers import CL, ZERO_SUB, arc_spec

KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0aksnettest"
SPEC = arc_spec(
    "arc.location=eastus",
    "arc.cluster.control_plane.ip=10.220.32.40",
    "arc.cluster.kubernetes_version=1.30.4",
    f"arc.cluster.ssh_public_key={KEY}",
    "arc.cluster.admin_group_object_ids=[11111111-2222-3333-4444-555555555555]",
    "arc.cluster.node_pools=[{name: nodepool1, count: 3}, {name: auto, count: 2, enable_auto_scaling: true, "
    "min_count: 1, max_count: 4}]",
)
PLAN = offline_plan(SPEC)
LNET_ID = PLAN.step("logical_network").resource_id


class StaticToken:
    """A fixed fake token: the bearer policy runs for real."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("fake-token-for-tests", 4_102_444_800)


def clients() -> ArcClients:
    return ArcClients(Clients(StaticToken(), ZERO_SUB))


def sent(send: Any, echo: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The JSON body and api-version of the one PUT `send` makes."""
    with responses.RequestsMock() as mock:
        mock.add(responses.PUT, re.compile(r"https://management\.azure\.com/.*"), json=echo, status=200)
        send()
        request = mock.calls[0].request
    return json.loads(request.body), re.search(r"api-version=([^&]+)", request.url).group(1)  # type: ignore[union-attr]


def test_logical_network_body_is_the_azurestackhcivm_models_at_the_stable_api() -> None:
    from azure.mgmt.azurestackhcivm import models as m

    model = m.LogicalNetwork(
        location="eastus",
        tags=PLAN.requests["logical_network"]["tags"],
        extended_location=m.ExtendedLocation(name=CL, type="CustomLocation"),
        properties=m.LogicalNetworkProperties(
            vm_switch_name="ConvergedSwitch(management_compute_storage)",
            dhcp_options=m.LogicalNetworkPropertiesDhcpOptions(dns_servers=["10.220.32.10"]),
            subnets=[
                m.Subnet(
                    name="aks-lnet",
                    properties=m.SubnetProperties(
                        address_prefix="10.220.32.0/24",
                        ip_allocation_method="Static",
                        vlan=32,
                        ip_pools=[m.IPPool(start="10.220.32.18", end="10.220.32.37")],
                        route_table=m.RouteTable(
                            properties=m.RouteTableProperties(
                                routes=[
                                    m.Route(
                                        name="default",
                                        properties=m.RouteProperties(
                                            address_prefix="0.0.0.0/0", next_hop_ip_address="10.220.32.1"
                                        ),
                                    )
                                ]
                            )
                        ),
                    ),
                )
            ],
        ),
    )
    networks = clients().stack_hci.logical_networks
    echo = {"id": LNET_ID, "name": "aks-lnet", "location": "eastus"}
    wire, api = sent(lambda: networks.begin_create_or_update("rg-arc", "aks-lnet", model, polling=False), echo)
    assert (wire, api) == (PLAN.requests["logical_network"], "2024-01-01")
    plan_body = dict(PLAN.requests["logical_network"])
    ours, _ = sent(lambda: networks.begin_create_or_update("rg-arc", "aks-lnet", plan_body, polling=False), echo)
    assert ours == wire


def test_connected_cluster_body_is_the_hybridkubernetes_models() -> None:
    from azure.mgmt.hybridkubernetes import models as m

    model = m.ConnectedCluster(
        location="eastus",
        tags=PLAN.requests["connected_cluster"]["tags"],
        kind=m.ConnectedClusterKind.PROVISIONED_CLUSTER,
        identity=m.ConnectedClusterIdentity(type="SystemAssigned"),
        properties=m.ConnectedClusterProperties(
            agent_public_key_certificate="",
            aad_profile=m.AadProfile(
                enable_azure_rbac=False, admin_group_object_i_ds=["11111111-2222-3333-4444-555555555555"]
            ),
        ),
    )
    clusters = clients().kubernetes.connected_cluster
    echo = {"id": PLAN.step("connected_cluster").resource_id, "location": "eastus", "properties": {}}
    wire, api = sent(lambda: clusters.begin_create_or_replace("rg-arc", "arc1", model, polling=False), echo)
    assert (wire, api) == (PLAN.requests["connected_cluster"], "2026-05-01")
    body = dict(PLAN.requests["connected_cluster"])
    ours, _ = sent(
        lambda: clusters.begin_create_or_replace("rg-arc", "arc1", connected_model(body), polling=False), echo
    )
    assert ours == wire


def test_provisioned_cluster_body_is_the_hybridcontainerservice_models_with_their_defaults() -> None:
    from azure.mgmt.hybridcontainerservice import models as m

    model = m.ProvisionedCluster(
        extended_location=m.ExtendedLocation(type="CustomLocation", name=CL),
        properties=m.ProvisionedClusterProperties(
            linux_profile=m.LinuxProfileProperties(
                ssh=m.LinuxProfilePropertiesSsh(public_keys=[m.LinuxProfilePropertiesSshPublicKeysItem(key_data=KEY)])
            ),
            control_plane=m.ControlPlaneProfile(
                count=1,
                vm_size="Standard_A4_v2",
                control_plane_endpoint=m.ControlPlaneProfileControlPlaneEndpoint(host_ip="10.220.32.40"),
            ),
            kubernetes_version="1.30.4",
            network_profile=m.NetworkProfile(
                load_balancer_profile=m.NetworkProfileLoadBalancerProfile(), pod_cidr="10.244.0.0/16"
            ),
            agent_pool_profiles=[
                m.NamedAgentPoolProfile(
                    name="nodepool1", count=3, vm_size="Standard_A4_v2", os_type="Linux", os_sku="CBLMariner"
                ),
                m.NamedAgentPoolProfile(
                    name="auto",
                    count=2,
                    vm_size="Standard_A4_v2",
                    os_type="Linux",
                    os_sku="CBLMariner",
                    enable_auto_scaling=True,
                    min_count=1,
                    max_count=4,
                ),
            ],
            cloud_provider_profile=m.CloudProviderProfile(
                infra_network_profile=m.CloudProviderProfileInfraNetworkProfile(vnet_subnet_ids=[LNET_ID])
            ),
        ),
    )
    instances = clients().hybrid.provisioned_cluster_instances
    connected = PLAN.step("connected_cluster").resource_id.lstrip("/")
    echo = {"id": PLAN.step("provisioned_cluster").resource_id, "name": "default", "properties": {}}
    wire, api = sent(lambda: instances.begin_create_or_update(connected, model, polling=False), echo)
    assert (wire, api) == (PLAN.requests["provisioned_cluster"], "2024-01-01")
    body = dict(PLAN.requests["provisioned_cluster"])
    ours, _ = sent(lambda: instances.begin_create_or_update(connected, instance_model(body), polling=False), echo)
    assert ours == wire
