"""`aksnet status -g RG -n CLUSTER`: what the cluster's network looks like in Azure right now."""

from typing import TYPE_CHECKING

import typer

from aksnet.cli.common import ClusterNameOption, ResourceGroupOption, app_context, finish

if TYPE_CHECKING:
    from aksnet.result import StatusResult


def command(
    ctx: typer.Context,
    resource_group: ResourceGroupOption,
    name: ClusterNameOption,
) -> None:
    """Show a cluster's network profile, pools, policy engine, ownership and subnet address use."""
    app = app_context(ctx)

    def status() -> "StatusResult":
        from aksnet.azure.status import cluster_status
        from aksnet.result import StatusResult

        session = app.session()
        try:
            sub, _ = session.subscription(app.subscription, None, app.env)
            return StatusResult(cluster_status(session.clients(sub), resource_group, name))
        finally:
            session.close()

    finish(app, status)
