"""`aksnet status -g RG -n CLUSTER`: what the cluster's network looks like in Azure right now."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from aksnet.cli.common import Output, OutputOption, edge, print_json, print_text


def command(
    ctx: typer.Context,
    resource_group: Annotated[str, typer.Option("--resource-group", "-g", help="The cluster's resource group.")],
    name: Annotated[str, typer.Option("--name", "-n", help="The cluster's name.")],
    subscription: Annotated[str | None, typer.Option("--subscription", help="Subscription id.")] = None,
    output: OutputOption = Output.table,
) -> None:
    """Show a cluster's network profile, pools, policy engine, ownership and subnet address use."""
    from aksnet.azure.session import open_session
    from aksnet.azure.status import cluster_status
    from aksnet.render import render_status

    with edge(output):
        session = open_session(emulator=bool(ctx.obj and ctx.obj.get("emulator")), env=os.environ)
        sub, _ = session.subscription(subscription, None, os.environ)
        status = cluster_status(session.clients(sub), resource_group, name)
    if output is Output.json:
        print_json({"ok": True, "cluster": status})
    else:
        print_text(render_status(status))
