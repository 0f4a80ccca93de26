"""`aksnet emulator serve`: the built-in ARM emulator over HTTPS on 127.0.0.1, for any ARM client.

Its state is the same SQLite file the in-process emulator uses (`--db`, AKSNET_EMULATOR_DB), so
`aksnet up --emulator` in one terminal and `az aks show` against the server in another see the same
cluster. Ctrl-C or SIGTERM stops it (exit 0): the signal handling is this command's own.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from aksnet.cli.common import app_context, print_text, report, stderr
from aksnet.errors import InvalidRequest

if TYPE_CHECKING:
    from aksnet.emulator import Emulator
    from aksnet.emulator.serve import Certificate, EmulatorServer

app = typer.Typer(
    name="emulator",
    help="The built-in ARM emulator: serve it over HTTPS for az, Terraform, Pulumi or SDK scripts.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
DEFAULT_PORT = 8443
CLIENT_ID = "11111111-1111-1111-1111-111111111111"  # any GUID: the fake authority takes every client
CLIENT_SECRET = "emulator-placeholder"  # not a secret: the fake authority accepts any


@app.command("serve")
def serve(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")
    ] = DEFAULT_PORT,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="FILE", help="SQLite state (default AKSNET_EMULATOR_DB or .aksnet/emulator.db)."),
    ] = None,
    latency: Annotated[
        str | None, typer.Option("--latency", metavar="SCALE", help="Service-time scale: 0 instant, 1 realistic.")
    ] = None,
    faults: Annotated[
        str | None,
        typer.Option("--faults", metavar="FAULTS", help="As AKSNET_EMULATOR_FAULTS, e.g. throttle=0.1,seed=3."),
    ] = None,
    page_size: Annotated[
        int,
        typer.Option(
            "--page-size", metavar="N", min=0, help="Cut lists into pages of N with nextLink (0: whole lists)."
        ),
    ] = 0,
    record: Annotated[
        str | None,
        typer.Option("--record", metavar="FILE", help="Append every ARM request and answer to this JSON-lines file."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No line per request on stderr.")] = False,
) -> None:
    """Serve the emulator over HTTPS on 127.0.0.1 until Ctrl-C or SIGTERM."""
    env = _settings(app_context(ctx).env, db=db, latency=latency, faults=faults, page_size=page_size)
    with _stop_signals() as stop:  # caught from the start: a signal during start-up stops cleanly too
        try:
            server = _bind(port)
            emulator, cert = _open(env, server)
        except InvalidRequest as error:
            _fail(error)
        server.serve(emulator, cert, Path(record) if record else None)
        if not quiet:
            _log_requests()
        print_text(client_guide(server.base, cert.cert, emulator))
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    server.shutdown()
    server.server_close()
    emulator.close()
    stderr("aksnet emulator: stopped; its state stays in " + str(emulator_db(env)))
    raise typer.Exit(0)


def _settings(env: Mapping[str, str], **flags: Any) -> dict[str, str]:
    """The AKSNET_EMULATOR_* settings, each flag given overriding the environment's."""
    from aksnet.emulator.emulator import DEFAULT_DB

    out = {k: v for k, v in env.items() if k.startswith("AKSNET_EMULATOR_")}
    names = {"db": "DB", "latency": "LATENCY", "faults": "FAULTS", "page_size": "PAGE_SIZE"}
    for flag, value in flags.items():
        if value not in (None, 0):
            out[f"AKSNET_EMULATOR_{names[flag]}"] = str(value)
    out.setdefault("AKSNET_EMULATOR_DB", DEFAULT_DB)
    return out


def emulator_db(env: Mapping[str, str]) -> Path:
    return Path(env["AKSNET_EMULATOR_DB"]).resolve()


def _bind(port: int) -> EmulatorServer:
    import errno

    from aksnet.emulator.serve import bind

    try:
        return bind(port)
    except OSError as exc:
        why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
        raise InvalidRequest(
            f"port {port} on 127.0.0.1 {why}",
            code="BAD_ARGUMENT",
            hint="choose another with --port N (or --port 0 for any free port)",
        ) from None


def _open(env: Mapping[str, str], server: EmulatorServer) -> tuple[Emulator, Certificate]:
    """The emulator on its database and the certificate beside it; any problem closes the socket first."""
    import sqlite3

    from aksnet.emulator import Emulator
    from aksnet.emulator.serve import ensure_certificate

    db = emulator_db(env)
    try:
        emulator = Emulator.from_env(env)
        return emulator, ensure_certificate(db)
    except ValueError as exc:
        problem = InvalidRequest(str(exc), code="BAD_ARGUMENT")
    except (sqlite3.Error, OSError) as exc:
        problem = InvalidRequest(
            f"cannot use the emulator database {db}: {exc}",
            code="BAD_ARGUMENT",
            hint="pass --db with a path to a new file or to one an earlier run wrote",
        )
    server.server_close()
    raise problem


def _fail(error: InvalidRequest) -> NoReturn:
    report(error)
    raise typer.Exit(error.exit_code)


def _log_requests() -> None:
    import logging
    import sys

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    served = logging.getLogger("aksnet.emulator.serve")
    served.handlers[:] = [handler]
    served.setLevel(logging.INFO)
    served.propagate = False


@contextmanager
def _stop_signals() -> Iterator[threading.Event]:
    """An event Ctrl-C or SIGTERM sets (instead of ending the process); the previous handlers come back after."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def client_guide(base: str, ca_bundle: Path, emulator: Emulator) -> str:
    """What a client needs to talk to the server: the CA bundle, the SDKs' environment, az's set-up."""
    config = Path(".aksnet/azconfig").resolve()
    settings = (
        f"database {emulator.db_path.resolve()}, latency {emulator.latency:g}, faults {emulator.faults or 'none'}"
    )
    return f"""aksnet emulator: serving {base} ({settings})

CA bundle (self-signed for 127.0.0.1): {ca_bundle}

aksnet against this server:
  export REQUESTS_CA_BUNDLE={ca_bundle}
  export AZURE_TENANT_ID={emulator.tenant_id} AZURE_CLIENT_ID={CLIENT_ID} AZURE_CLIENT_SECRET={CLIENT_SECRET}
  aksnet --arm-endpoint {base} up SCENARIO

Azure SDKs (base_url={base}, credential_scopes=["https://management.azure.com/.default"]):
  export REQUESTS_CA_BUNDLE={ca_bundle} SSL_CERT_FILE={ca_bundle}
  export AZURE_AUTHORITY_HOST={base} AZURE_TENANT_ID={emulator.tenant_id}
  export AZURE_CLIENT_ID={CLIENT_ID} AZURE_CLIENT_SECRET={CLIENT_SECRET}
  (azure-identity: ClientSecretCredential(..., authority="{base}", disable_instance_discovery=True))

Azure CLI (its own config dir; ~/.azure is not touched):
  export AZURE_CONFIG_DIR={config} REQUESTS_CA_BUNDLE={ca_bundle}
  az cloud register -n AksnetEmulator --endpoint-resource-manager {base}/
  az cloud set -n AksnetEmulator
  az config set core.instance_discovery=false
  az login --service-principal -u {CLIENT_ID} -p {CLIENT_SECRET} --tenant {emulator.tenant_id}

Ctrl-C or SIGTERM stops the server."""
