"""The ManagedCluster parts for the API server, the load balancer's egress and ingress, exactly as
`az aks create` builds them for the same flags (azure-cli 2.91.0, acs `managed_cluster_decorator.py`
`set_up_api_server_access_profile`, `set_up_network_profile` with `_loadbalancer.py`
`create_load_balancer_profile`, and `set_up_ingress_web_app_routing`). Pure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aksnet.spec import Spec


def load_balancer_profile(spec: Spec) -> dict[str, Any] | None:
    """`--load-balancer-*`: only the settings given; None when none is (az sends no profile then)."""
    lb = spec.cluster.load_balancer
    if lb is None:
        return None
    profile: dict[str, Any] = {}
    if lb.managed_outbound_ips is not None or lb.managed_outbound_ipv6 is not None:
        # az fills count 1 when only the IPv6 count is given
        managed: dict[str, Any] = {"count": 1 if lb.managed_outbound_ips is None else lb.managed_outbound_ips}
        if lb.managed_outbound_ipv6 is not None:
            managed["countIPv6"] = lb.managed_outbound_ipv6
        profile["managedOutboundIPs"] = managed
    if lb.outbound_ip_prefixes:
        profile["outboundIPPrefixes"] = {"publicIPPrefixes": [{"id": i} for i in lb.outbound_ip_prefixes]}
    if lb.outbound_ips:
        profile["outboundIPs"] = {"publicIPs": [{"id": i} for i in lb.outbound_ips]}
    if lb.allocated_outbound_ports is not None:
        profile["allocatedOutboundPorts"] = lb.allocated_outbound_ports
    if lb.idle_timeout_minutes:
        profile["idleTimeoutInMinutes"] = lb.idle_timeout_minutes
    if lb.backend_pool_type:
        profile["backendPoolType"] = lb.backend_pool_type
    return profile or None


def api_server_access_profile(spec: Spec, zone: str | None, subnet_id: str | None) -> dict[str, Any] | None:
    """`--enable-private-cluster`, `--private-dns-zone`, `--disable-public-fqdn`,
    `--api-server-authorized-ip-ranges`, `--enable-apiserver-vnet-integration`, `--apiserver-subnet-id`.

    `zone` is the privateDNSZone value (system, none or a zone id); `subnet_id` the API server subnet's id.
    """
    api = spec.cluster.api_server
    profile: dict[str, Any] | None = None
    if api.authorized_ip_ranges or api.private:
        profile = {"authorizedIPRanges": list(api.authorized_ip_ranges)}  # az sends [] with a private cluster
        if api.private:
            profile["enablePrivateCluster"] = True
        if api.public_fqdn is not None and api.private:
            profile["enablePrivateClusterPublicFQDN"] = api.public_fqdn
        if zone is not None:
            profile["privateDNSZone"] = zone
    if api.vnet_integration:
        profile = {**(profile or {}), "enableVnetIntegration": True}
    if subnet_id is not None:
        profile = {**(profile or {}), "subnetId": subnet_id}
    return profile


def service_annotations(spec: Spec) -> Iterator[str]:
    """How a LoadBalancer Service (or an ingress controller's) takes each static IP, and an internal load
    balancer's frontend in the internal subnet (breadth.md §6a; internal-lb "Specify a different subnet")."""
    subnet = spec.ingress.internal_subnet
    if subnet:
        yield (
            f"internal load balancers in subnet {subnet}: annotate the Service with "
            'service.beta.kubernetes.io/azure-load-balancer-internal: "true" and '
            f'service.beta.kubernetes.io/azure-load-balancer-internal-subnet: "{subnet}"'
        )
    for ip in spec.ingress.static_ips:
        yield (
            f"static IP {ip.name}: annotate the Service with service.beta.kubernetes.io/azure-pip-name: {ip.name} "
            f"and service.beta.kubernetes.io/azure-load-balancer-resource-group: "
            f"{ip.resource_group or spec.resource_group}"
        )


def ingress_profile(spec: Spec) -> dict[str, Any] | None:
    """`--enable-app-routing`: the application routing add-on with its default NGINX controller."""
    if not spec.ingress.app_routing:
        return None
    return {"webAppRouting": {"enabled": True}}
