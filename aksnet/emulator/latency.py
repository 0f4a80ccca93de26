"""Simulated service time, in seconds at `AKSNET_EMULATOR_LATENCY=1` (cli-contract "The emulator").

Synchronous operations block the response for their scaled time; long-running ones answer at
once and finish after it. Types not named by the contract take 3 s to write, like a subnet.
"""

from __future__ import annotations

WRITE_SECONDS = {
    "resourcegroups": 1.0,
    "virtualnetworks": 5.0,
    "subnets": 3.0,
    "routetables": 3.0,
    "routes": 3.0,
    "userassignedidentities": 2.0,
    "roleassignments": 1.0,
    "locks": 0.0,
}
DEFAULT_WRITE = 3.0
DELETE = 5.0
RESOURCE_GROUP_DELETE = 5.0
CLUSTER_CREATE = 300.0
CLUSTER_NETWORK_UPDATE = 600.0
# Not in the contract: any other cluster update (scale, tags via PUT, a no-op re-PUT) reimages
# or reconciles the pools, which takes about as long as a create.
CLUSTER_UPDATE = 300.0
CLUSTER_DELETE = 300.0

# Base of `retry-after-ms` on LRO responses, scaled like the service time.
CLUSTER_RETRY_AFTER = 5.0
RETRY_AFTER = 1.0
# Base of the Retry-After on a throttled (429) or unavailable (503) answer.
THROTTLE_RETRY_AFTER = 2.0


def write_seconds(type_segment: str) -> float:
    return WRITE_SECONDS.get(type_segment.lower(), DEFAULT_WRITE)


# Not in the contract: adding or changing a pool provisions its nodes; stop and start take about as long.
AGENT_POOL_WRITE = 300.0
AGENT_POOL_DELETE = 300.0
CLUSTER_STOP_START = 300.0
