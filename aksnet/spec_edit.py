"""A scenario file brought in step with a cluster after `migrate-policy`: its network settings rewritten,
its comments, key order, quoting and indentation kept (ruamel.yaml's round trip, imported only here).

Pure: text in, text out; `aksnet.cli.migrate` reads and writes the file.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from aksnet.result import Change

# networkProfile (ARM) -> the scenario file's cluster keys, in the order the file documents them.
NETWORK_FIELDS = {
    "networkPlugin": "network_plugin",
    "networkPluginMode": "network_plugin_mode",
    "networkDataplane": "network_dataplane",
    "networkPolicy": "network_policy",
}


def network_edit(changes: Sequence[Change]) -> dict[str, Any]:
    """`cluster.<key>: value` for each networkProfile setting a move changed, in the file's order."""
    changed = {change.path.rpartition(".")[2]: change.after for change in changes if _network_path(change.path)}
    return {f"cluster.{key}": changed[name] for name, key in NETWORK_FIELDS.items() if name in changed}


def _network_path(path: str) -> bool:
    head, _, name = path.rpartition(".")
    return head == "properties.networkProfile" and name in NETWORK_FIELDS


def describe_edit(edit: Mapping[str, Any]) -> str:
    """`cluster.network_policy: cilium, cluster.network_dataplane: cilium`."""
    return ", ".join(f"{path}: {value}" for path, value in edit.items())


def edited(text: str, edit: Mapping[str, Any]) -> str:
    """`text` (a scenario file) with `edit` applied under `cluster:`; everything else as it was."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    _, indent, block_indent = load_yaml_guess_indent(text)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line of the user's
    yaml.indent(mapping=block_indent, sequence=indent, offset=block_indent)
    document = yaml.load(text)
    cluster = document["cluster"]
    for path, value in edit.items():
        _set(cluster, path.removeprefix("cluster."), value)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _set(cluster: Any, key: str, value: Any) -> None:
    """Change `key` in place, or insert it after the network setting that precedes it in the file's order."""
    if key in cluster:
        cluster[key] = value
        return
    order = list(NETWORK_FIELDS.values())
    before = [k for k in order[: order.index(key)] if k in cluster] or (["name"] if "name" in cluster else [])
    position = list(cluster).index(before[-1]) + 1 if before else len(cluster)
    cluster.insert(position, key, value)
