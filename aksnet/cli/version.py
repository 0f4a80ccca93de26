"""`--version`: aksnet's version and the versions of the Azure SDK packages it runs, read from the
installed packages' metadata (importlib.metadata), so nothing of the SDK is imported to answer."""

from __future__ import annotations

import platform

# What a bug report needs: the SDK clients and pipeline aksnet drives, and the CLI framework.
RUNS_ON = (
    "azure-core",
    "azure-mgmt-core",
    "azure-identity",
    "azure-mgmt-containerservice",
    "azure-mgmt-network",
    "azure-mgmt-resource",
    "azure-mgmt-msi",
    "azure-mgmt-authorization",
    "typer",
)


def version_text() -> str:
    """`aksnet X.Y.Z`, then one `  package  version` line per SDK package, then Python's."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    width = max(len(name) for name in RUNS_ON)
    lines = [f"aksnet {installed('aksnet')}"]
    lines += [f"  {name:<{width}}  {installed(name)}" for name in RUNS_ON]
    lines.append(f"  {'python':<{width}}  {platform.python_version()}")
    return "\n".join(lines)
