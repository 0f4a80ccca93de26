"""The AKS docs' flows as az commands, each with the outcome Azure gives (and the emulator must give).

A step's `expect` is "ok" (exit 0) or the error code az must print as "(Code)"; `capture` stores the
command's stdout (use `--query X -o tsv`) as a variable for later steps; `check` is the stdout
expected exactly and `contains` a text it must hold. Every flow uses its own resource group, so the
flows can share one server and be replayed one by one (tests/emulator/test_az_replay.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One az command and what it must do."""

    args: str
    expect: str = "ok"
    capture: str | None = None
    check: str | None = None
    contains: str | None = None


@dataclass(frozen=True)
class Flow:
    """A named sequence of steps from the docs."""

    name: str
    title: str
    steps: tuple[Step, ...]


def _network(rg: str, vnet: str = "192.168.0.0/16", subnet: str = "192.168.1.0/24") -> tuple[Step, ...]:
    """Group, VNet with its subnet, identity, and the subnet and identity ids as variables."""
    return (
        Step(f"group create -n {rg} -l eastus"),
        Step(
            f"network vnet create -g {rg} -n myAKSVnet --address-prefixes {vnet} "
            f"--subnet-name myAKSSubnet --subnet-prefix {subnet}"
        ),
        Step(
            f"network vnet subnet show -g {rg} --vnet-name myAKSVnet -n myAKSSubnet --query id -o tsv", capture="subnet"
        ),
        Step(f"identity create -g {rg} -n myIdentity --query id -o tsv", capture="identity"),
        Step(f"identity show -g {rg} -n myIdentity --query principalId -o tsv", capture="principal"),
    )


def _grant(scope: str) -> Step:
    return Step(
        "role assignment create --assignee-object-id {principal} --assignee-principal-type ServicePrincipal "
        f'--role "Network Contributor" --scope {scope}'
    )


RG1 = "myResourceGroup"
KUBENET = Flow(
    "kubenet-route-table",
    "kubenet with your own route table (configure-kubenet)",
    (
        *_network(RG1),
        Step(f"network route-table create -g {RG1} -n myRouteTable --query id -o tsv", capture="route_table"),
        Step(
            f"network route-table route create -g {RG1} --route-table-name myRouteTable -n to-onprem "
            "--address-prefix 10.100.0.0/16 --next-hop-type VirtualNetworkGateway"
        ),
        Step(f"network vnet subnet update -g {RG1} --vnet-name myAKSVnet -n myAKSSubnet --route-table myRouteTable"),
        _grant("{subnet}"),
        _grant("{route_table}"),
        Step(
            f"aks create -g {RG1} -n myAKSCluster --network-plugin kubenet --network-policy calico "
            "--vnet-subnet-id {subnet} --assign-identity {identity} --pod-cidr 10.244.0.0/16 "
            "--service-cidr 10.0.0.0/16 --dns-service-ip 10.0.0.10 --node-count 3 --no-ssh-key"
        ),
        Step(f"aks show -g {RG1} -n myAKSCluster --query networkProfile.networkPlugin -o tsv", check="kubenet"),
        Step(f"aks list -g {RG1} --query [].name -o tsv", check="myAKSCluster"),
        Step(f"aks list -g {RG1} -o table", contains="myAKSCluster"),
        Step(f"network route-table route list -g {RG1} --route-table-name myRouteTable --query length(@)", check="4"),
        Step("role assignment list --scope {subnet} --query [].roleDefinitionName -o tsv", check="Network Contributor"),
        Step(f"aks update -g {RG1} -n myAKSCluster --tags team=net --if-match stale", expect="EtagMismatch"),
        Step(f"aks update -g {RG1} -n myAKSCluster --network-policy none"),
        Step(f"aks show -g {RG1} -n myAKSCluster --query networkProfile.networkPolicy -o tsv", check="none"),
        Step(f"aks nodepool add -g {RG1} --cluster-name myAKSCluster -n userpool --node-count 2"),
        Step(
            f"aks nodepool list -g {RG1} --cluster-name myAKSCluster --query [].name -o tsv",
            check="nodepool1\nuserpool",
        ),
        Step(f"network route-table route list -g {RG1} --route-table-name myRouteTable --query length(@)", check="6"),
        Step(f"aks get-credentials -g {RG1} -n myAKSCluster --file -", contains="server: https://"),
        Step(
            f"network vnet subnet delete -g {RG1} --vnet-name myAKSVnet -n myAKSSubnet",
            expect="InUseSubnetCannotBeDeleted",
        ),
        Step(f"network route-table delete -g {RG1} -n myRouteTable", expect="InUseRouteTableCannotBeDeleted"),
        Step(f"lock create -n keep --lock-type CanNotDelete -g {RG1}"),
        Step(f"group delete -n {RG1} --yes", expect="ScopeLocked"),
        Step(f"lock delete -n keep -g {RG1}"),
        Step(f"aks nodepool delete -g {RG1} --cluster-name myAKSCluster -n userpool"),
        Step(f"aks delete -g {RG1} -n myAKSCluster --yes"),
        Step(f"network route-table route list -g {RG1} --route-table-name myRouteTable --query length(@)", check="1"),
        Step(f"network vnet delete -g {RG1} -n myAKSVnet"),
        Step(f"group delete -n {RG1} --yes"),
    ),
)

RG2 = "rg-cilium"
CILIUM = Flow(
    "overlay-cilium",
    "Azure CNI Overlay with Cilium (azure-cni-powered-by-cilium), then stop, start and versions",
    (
        *_network(RG2, "10.20.0.0/16", "10.20.0.0/22"),
        _grant("{subnet}"),
        Step(
            f"aks create -g {RG2} -n aksCilium --network-plugin azure --network-plugin-mode overlay "
            "--network-dataplane cilium --pod-cidr 192.168.0.0/16 --vnet-subnet-id {subnet} "
            "--assign-identity {identity} --node-count 2 --no-ssh-key"
        ),
        Step(f"aks show -g {RG2} -n aksCilium --query networkProfile.networkPolicy -o tsv", check="cilium"),
        Step(f"aks stop -g {RG2} -n aksCilium"),
        Step(f"aks show -g {RG2} -n aksCilium --query powerState.code -o tsv", check="Stopped"),
        Step(f"aks start -g {RG2} -n aksCilium"),
        Step(f"aks show -g {RG2} -n aksCilium --query powerState.code -o tsv", check="Running"),
        Step("aks get-versions -l eastus -o table", contains="1.33"),
        Step(f"resource list -g {RG2} --query [].name -o tsv", contains="aksCilium"),
        Step(f"aks delete -g {RG2} -n aksCilium --yes"),
        Step(f"group delete -n {RG2} --yes"),
    ),
)

RG3 = "rg-to-overlay"
TO_OVERLAY = Flow(
    "kubenet-to-overlay",
    "Update a kubenet cluster to Azure CNI Overlay (upgrade-azure-cni)",
    (
        *_network(RG3, "10.30.0.0/16", "10.30.0.0/22"),
        _grant("{subnet}"),
        Step(
            f"aks create -g {RG3} -n aksKubenet --network-plugin kubenet --vnet-subnet-id {{subnet}} "
            "--assign-identity {identity} --node-count 2 --no-ssh-key"
        ),
        Step(
            f"aks update -g {RG3} -n aksKubenet --network-plugin azure --network-plugin-mode overlay "
            "--pod-cidr 192.168.0.0/16"
        ),
        Step(
            f"aks show -g {RG3} -n aksKubenet -o tsv "
            "--query [networkProfile.networkPlugin,networkProfile.networkPluginMode]",
            check="azure\noverlay",
        ),
        Step(f"aks delete -g {RG3} -n aksKubenet --yes"),
        Step(f"group delete -n {RG3} --yes"),
    ),
)

RG4 = "rg-refused"
_CREATE = f"aks create -g {RG4} -n aksBad --vnet-subnet-id {{subnet}} --assign-identity {{identity}} --no-ssh-key "
REFUSED = Flow(
    "refused",
    "Requests Azure must refuse, and a system-assigned identity in your own subnet it accepts",
    (
        *_network(RG4),
        _grant("{subnet}"),
        Step(_CREATE + "--network-plugin kubenet --pod-cidr 192.168.0.0/16", expect="NetworkProfileCIDROverlapVNET"),
        Step(
            _CREATE + "--network-plugin azure --network-plugin-mode overlay --service-cidr 169.254.0.0/16 "
            "--dns-service-ip 169.254.0.10",
            expect="ReservedAddressRangeOverlap",
        ),
        Step(
            _CREATE + "--network-plugin kubenet --network-policy azure",
            expect="NetworkPolicyAzureNotSupportedForKubenet",
        ),
        Step(
            _CREATE + "--network-plugin azure --network-plugin-mode overlay --service-cidr 10.0.0.0/16 "
            "--dns-service-ip 10.1.0.10",
            expect="DnsServiceIpOutOfServiceCidr",
        ),
        Step(
            _CREATE + "--network-plugin azure --network-plugin-mode overlay --network-policy cilium",
            expect="NetworkPolicyNotSupported",
        ),
        Step(f"aks show -g {RG4} -n aksBad", expect="ResourceNotFound"),
        Step(
            f"aks create -g {RG4} -n aksSystem --network-plugin azure --network-plugin-mode overlay "
            "--vnet-subnet-id {subnet} --no-ssh-key --node-count 1"
        ),
        Step(f"aks show -g {RG4} -n aksSystem --query identity.type -o tsv", check="SystemAssigned"),
        Step(f"aks delete -g {RG4} -n aksSystem --yes"),
        Step(f"group delete -n {RG4} --yes"),
    ),
)

RG5 = "rg-apiserver"
AKS = "Microsoft.ContainerService/managedClusters"
API_CREATE = (
    f"aks create -g {RG5} -n {{name}} --network-plugin azure --network-plugin-mode overlay "
    "--vnet-subnet-id {{subnet}} --assign-identity {{identity}} --enable-apiserver-vnet-integration "
    "--apiserver-subnet-id {{{api}}} --enable-private-cluster --node-count 1 --no-ssh-key"
)
APISERVER = Flow(
    "apiserver-vnet-integration",
    "API Server VNet Integration in your own VNet: a delegated /28, both subnets granted (api-server-vnet-integration)",
    (
        *_network(RG5, "172.19.0.0/16", "172.19.1.0/24"),
        Step(
            f"network vnet subnet create -g {RG5} --vnet-name myAKSVnet -n apiserver-subnet --delegations {AKS} "
            "--address-prefixes 172.19.0.0/28 --query id -o tsv",
            capture="api",
        ),
        Step(
            f"network vnet subnet create -g {RG5} --vnet-name myAKSVnet -n plain-subnet "
            "--address-prefixes 172.19.2.0/28 --query id -o tsv",
            capture="plain",
        ),
        _grant("{subnet}"),
        _grant("{api}"),
        _grant("{plain}"),
        Step(API_CREATE.format(name="aksPlain", api="plain"), expect="ApiServerSubnetNotDelegated"),
        Step(API_CREATE.format(name="aksVnetInt", api="api")),
        Step(
            f"aks show -g {RG5} -n aksVnetInt --query apiServerAccessProfile.enableVnetIntegration -o tsv",
            check="true",
        ),
        Step(
            f"network vnet subnet show -g {RG5} --vnet-name myAKSVnet -n apiserver-subnet "
            "--query length(ipConfigurations)",
            check="9",
        ),
        Step(API_CREATE.format(name="aksSecond", api="api"), expect="SubnetIsFull"),
        Step(
            f"network vnet subnet delete -g {RG5} --vnet-name myAKSVnet -n apiserver-subnet",
            expect="InUseSubnetCannotBeDeleted",
        ),
        Step(f"aks delete -g {RG5} -n aksSecond --yes"),
        Step(f"aks delete -g {RG5} -n aksVnetInt --yes"),
        Step(f"network vnet subnet delete -g {RG5} --vnet-name myAKSVnet -n apiserver-subnet"),
        Step(f"group delete -n {RG5} --yes"),
    ),
)

RG6 = "rg-dualstack"
DUAL_STACK = Flow(
    "dual-stack-ipv6-outbound",
    "Dual-stack overlay with IPv6 outbound IPs on the load balancer (configure-dual-stack)",
    (
        Step(f"group create -n {RG6} -l eastus"),
        Step(
            f"aks create -g {RG6} -n aksDual --network-plugin azure --network-plugin-mode overlay "
            "--ip-families ipv4,ipv6 --load-balancer-managed-outbound-ipv6-count 2 --node-count 1 --no-ssh-key"
        ),
        Step(
            f"aks show -g {RG6} -n aksDual --query networkProfile.loadBalancerProfile.managedOutboundIPs.countIpv6",
            check="2",
        ),
        Step(f"aks update -g {RG6} -n aksDual --load-balancer-managed-outbound-ipv6-count 3"),
        Step(
            f"aks show -g {RG6} -n aksDual --query networkProfile.loadBalancerProfile.managedOutboundIPs.countIpv6",
            check="3",
        ),
        Step(f"aks delete -g {RG6} -n aksDual --yes"),
        Step(f"group delete -n {RG6} --yes"),
    ),
)

FLOWS = (KUBENET, CILIUM, TO_OVERLAY, REFUSED, APISERVER, DUAL_STACK)
