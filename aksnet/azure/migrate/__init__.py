"""`migrate-policy`: move an existing cluster to another network policy engine, one full cluster PUT per step.

Every run plans from the cluster as Azure holds it (after waiting out an operation in flight), so a re-run
after a failure or Ctrl-C continues from wherever the cluster is. Each step GETs the cluster, sets the
step's networkProfile fields, PUTs the whole cluster back (the only API, arm-facts §1.1), waits for the
operation, checks ``Succeeded`` and reads the cluster back before the next step.
"""

from __future__ import annotations

from collections.abc import Mapping

from aksnet.arm import cluster_id
from aksnet.azure.migrate.migration import NEEDS_RECONCILE, Migration
from aksnet.azure.migrate.options import MigrateOptions
from aksnet.azure.session import Session
from aksnet.errors import AksnetError
from aksnet.policy_migration.result import MigrationRun
from aksnet.stopping import interruption

__all__ = [
    "NEEDS_RECONCILE",
    "MigrateOptions",
    "MigrationRun",
    "migrate_policy",
]


def migrate_policy(
    session: Session, resource_group: str, name: str, options: MigrateOptions, env: Mapping[str, str]
) -> MigrationRun:
    """Plan and (unless a dry run) apply the move; the run carries any error instead of raising."""
    run = MigrationRun(cluster_id("-", resource_group, name), options.target, options.dry_run)
    try:
        subscription, _ = session.subscription(options.subscription, None, env)
        run.cluster_id = cluster_id(subscription, resource_group, name)
        clients = session.clients(subscription)
        Migration(session, clients, resource_group=resource_group, name=name, options=options, run=run).run()
    except AksnetError as exc:
        run.error = exc
    except KeyboardInterrupt:
        options.stop.set()
        run.error = interruption(
            "interrupted; the cluster operation under way continues in Azure, and a re-run waits for it and resumes"
        )
    return run
