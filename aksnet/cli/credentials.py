"""`aksnet credentials -g RG -n CLUSTER`: the cluster's kubeconfig, merged into ~/.kube/config (or --file)."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aksnet.cli.common import ClusterNameOption, ResourceGroupOption, app_context, finish

if TYPE_CHECKING:
    from aksnet.kubeconfig import Merged
    from aksnet.result import CredentialsResult

DEFAULT_FILE = Path("~/.kube/config")  # az aks get-credentials' default, whatever KUBECONFIG says


def command(
    ctx: typer.Context,
    resource_group: ResourceGroupOption,
    name: ClusterNameOption,
    admin: Annotated[
        bool, typer.Option("--admin", help="The cluster admin's credentials instead of the user's.")
    ] = False,
    file: Annotated[
        str | None,
        typer.Option("--file", metavar="PATH", help="The kubeconfig to merge into (default ~/.kube/config)."),
    ] = None,
) -> None:
    """Fetch a cluster's kubeconfig (as az aks get-credentials does) and merge it, keeping every other context."""
    app = app_context(ctx)

    def credentials() -> "CredentialsResult":
        from aksnet.azure.credentials import fetch_kubeconfig
        from aksnet.result import CredentialsResult

        session = app.session()
        try:
            sub, _ = session.subscription(app.subscription, None, app.env)
            fetched = fetch_kubeconfig(session.clients(sub), resource_group, name, admin=admin)
        finally:
            session.close()
        target = Path(file).expanduser() if file else DEFAULT_FILE.expanduser()
        merged = merge_into(target, fetched)
        return CredentialsResult(name, resource_group, str(target), merged.context, merged.server, admin)

    finish(app, credentials)


def merge_into(target: Path, fetched: str) -> "Merged":
    """Merge `fetched` into the kubeconfig at `target` (made if missing), readable by its owner only."""
    from aksnet.kubeconfig import merge

    existing = target.read_text(encoding="utf-8") if target.is_file() else None
    merged = merge(existing, fetched, str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.aksnet-{os.getpid()}")
    staged.write_text(merged.text, encoding="utf-8")
    staged.chmod(0o600)
    staged.replace(target)  # whole or not at all: a kubeconfig is never left half written
    return merged
