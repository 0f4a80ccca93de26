"""The composition root: the CLI decides where a run talks to and builds its Session.

Against Azure: DefaultAzureCredential behind one shared token, the shared requests transport, the
real clock. On the emulator: its fake credential and in-process transport, its clock, its polling
cadence (scaled with its latency), and the zero-GUID subscription as the default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from aksnet.arm import ZERO_SUBSCRIPTION
from aksnet.azure.session import Session
from aksnet.clock import Clock, SystemClock
from aksnet.clouds import ARM_ENDPOINT_ENV, CLOUDS, DEFAULT_CLOUD, Cloud
from aksnet.errors import InvalidRequest

if TYPE_CHECKING:
    from azure.core.pipeline.transport import HttpTransport

    from aksnet.emulator import Emulator

EMULATOR_NETWORK_POLL = 1.0  # the emulator's own Retry-After bases, scaled by its latency
EMULATOR_CLUSTER_POLL = 5.0


def connect(
    *,
    emulator: bool,
    env: Mapping[str, str],
    clock: Clock | None = None,
    cloud: str = DEFAULT_CLOUD,
    arm_endpoint: str | None = None,
    announce: Callable[[str], None] | None = None,
) -> Session:
    """The session a command runs on: the emulator (from AKSNET_EMULATOR_* settings), a named cloud, or
    any ARM endpoint (Azure Stack Hub, a served emulator) with the authority its metadata names.

    `announce` is told where the emulator keeps its state, first thing: `status` run from another
    folder reads another database, and the line says which one."""
    if emulator and arm_endpoint:
        raise InvalidRequest(
            "--emulator and --arm-endpoint name two different places to talk to",
            code="BAD_ARGUMENT",
            hint="drop --emulator (and AKSNET_EMULATOR) to use the endpoint, or drop --arm-endpoint "
            f"(and {ARM_ENDPOINT_ENV}) for the in-process emulator",
        )
    if emulator:
        emu = open_emulator(env, clock)
        if announce is not None:
            announce(f"aksnet --emulator: state in {emu.db_path} (AKSNET_EMULATOR_DB chooses another file)")
        return emulator_session(emu)
    from aksnet.azure.auth import default_credential
    from aksnet.azure.clients import READS, sdk_ready, warm_up

    # Imported on a background thread while this thread waits for the network (the endpoint's metadata,
    # the token); started earlier, the import would only contend with the CPU work of start-up.
    warm_up(READS)
    target = _cloud(cloud, arm_endpoint)
    sdk_ready("core")
    return Session(
        default_credential(target),
        None,
        clock or SystemClock(),
        base_url=target.arm_endpoint,
        credential_scopes=(target.scope,),
        cloud=target.name,
    )


def _cloud(name: str, arm_endpoint: str | None) -> Cloud:
    if arm_endpoint:
        if not arm_endpoint.startswith("https://"):
            raise InvalidRequest(
                f"--arm-endpoint {arm_endpoint!r} is not an https:// URL",
                code="BAD_ARGUMENT",
                hint="Azure's SDKs send tokens over HTTPS only, e.g. --arm-endpoint https://127.0.0.1:8443",
            )
        from aksnet.azure.cloud import discover

        return discover(arm_endpoint)
    return CLOUDS[name]


def open_emulator(env: Mapping[str, str], clock: Clock | None = None) -> Emulator:
    """The emulator the AKSNET_EMULATOR_DB / _LATENCY / _FAULTS settings describe."""
    from aksnet.emulator import Emulator

    try:
        return Emulator.from_env(env, clock=clock)
    except ValueError as exc:
        raise InvalidRequest(str(exc), code="BAD_ARGUMENT") from None


def emulator_session(emu: Emulator, *, transport: HttpTransport[Any, Any] | None = None) -> Session:
    """A session on `emu`: its credential and clock, its transport (or `transport`, e.g. a recorder around it)."""
    from aksnet.azure.clients import sdk_ready

    sdk_ready("core")  # the emulator's transport is azure-core's, over requests
    scale = max(emu.latency, 0.01)
    return Session(
        emu.credential(),
        transport or emu.transport(),
        emu.clock,
        polling_interval=EMULATOR_NETWORK_POLL * scale,
        cluster_polling_interval=EMULATOR_CLUSTER_POLL * scale,
        default_subscription=(ZERO_SUBSCRIPTION, "the emulator's default"),
        on_close=emu.close,
    )
