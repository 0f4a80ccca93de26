"""`aksnet status -g RG -n CLUSTER`: what the cluster's network looks like in Azure right now."""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from aksnet.cli.common import ClusterNameOption, ResourceGroupOption, app_context, finish

if TYPE_CHECKING:
    from aksnet.result import StatusResult


class Platform(StrEnum):
    """Where the cluster runs: AKS in Azure, or AKS on Azure Local."""

    azure = "azure"
    azure_local = "azure-local"


def command(
    ctx: typer.Context,
    resource_group: ResourceGroupOption,
    name: ClusterNameOption,
    platform: Annotated[
        Platform, typer.Option("--platform", help="azure (AKS) or azure-local (AKS on Azure Local).")
    ] = Platform.azure,
) -> None:
    """Show a cluster's network profile, pools, policy engine, ownership and subnet address use."""
    app = app_context(ctx)

    def status() -> "StatusResult":
        from aksnet.azure.status import cluster_status
        from aksnet.result import StatusResult

        session = app.session()
        try:
            sub, _ = session.subscription(app.subscription, None, app.env)
            if platform is Platform.azure_local:
                from aksnet.azure.arc.clients import ArcClients
                from aksnet.azure.arc.status import arc_status

                return StatusResult(arc_status(ArcClients(session.clients(sub)), resource_group, name))
            return StatusResult(cluster_status(session.clients(sub), resource_group, name))
        finally:
            session.close()

    finish(app, status)
