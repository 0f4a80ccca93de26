"""The `--set` paths rules report, in one place."""

LNET = "arc.logical_network"
CLUSTER = "arc.cluster"
CONTROL_PLANE_IP = f"{CLUSTER}.control_plane.ip"


def lnet(name: str) -> str:
    return f"{LNET}.{name}"


def cluster(name: str) -> str:
    return f"{CLUSTER}.{name}"


def pool(index: int, name: str) -> str:
    return f"{CLUSTER}.node_pools.{index}.{name}"


def lb_range(index: int) -> str:
    return f"{CLUSTER}.load_balancer_ips.{index}"


def ip_pool(index: int) -> str:
    return f"{LNET}.ip_pools.{index}"
