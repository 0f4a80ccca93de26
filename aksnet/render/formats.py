"""A command's JSON document in az's other output formats: jsonc, yaml, tsv, and a table of any value.

Each takes the document as `as_dict` returns it (or what `--query` left of it) and returns text.
They follow az's conventions (knack's output module) where a script may rely on them: YAML is the
document in block style; TSV prints one line per item of a list (or one line for anything else),
the values of an object in order, a list in a cell as its length and an object in a cell as
nothing. Where az leaves a choice, aksnet picks the one a script reads best: null is an empty
cell (not "None"), booleans are `true`/`false`, and keys keep the document's order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aksnet.render.text import table

# ANSI colours of `-o jsonc` (what a terminal shows; az's look: keys, strings, numbers, literals).
KEY, STRING, NUMBER, LITERAL, RESET = "\x1b[34m", "\x1b[32m", "\x1b[36m", "\x1b[35m", "\x1b[0m"
TABLE_SKIPS = ("id", "type", "etag")  # az's generic table leaves out what is too long for a column


def plain(document: Any) -> Any:
    """The document as JSON types only (what a JSON reader of it would get back)."""
    return json.loads(to_json(document))


def to_json(document: Any) -> str:
    return json.dumps(document, indent=2, default=str)


def to_jsonc(document: Any) -> str:
    """`to_json`'s text with ANSI colours: the same characters once the escape codes are removed."""
    return _colour(plain(document), 0)


def _colour(value: Any, depth: int) -> str:
    inner, outer = "  " * (depth + 1), "  " * depth
    if isinstance(value, dict) and value:
        items = [f"{inner}{KEY}{json.dumps(k)}{RESET}: {_colour(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{outer}}}"
    if isinstance(value, list) and value:
        return "[\n" + ",\n".join(f"{inner}{_colour(v, depth + 1)}" for v in value) + f"\n{outer}]"
    text = json.dumps(value)
    if isinstance(value, str):
        return f"{STRING}{text}{RESET}"
    if isinstance(value, bool) or value is None:
        return f"{LITERAL}{text}{RESET}"
    return f"{NUMBER}{text}{RESET}" if isinstance(value, int | float) else text


def to_yaml(document: Any) -> str:
    """The document as block-style YAML, keys in the document's order."""
    import yaml

    return str(yaml.safe_dump(plain(document), default_flow_style=False, allow_unicode=True, sort_keys=False))


def to_tsv(document: Any) -> str:
    """One tab-separated line per item of a list, or one line for any other value."""
    value = plain(document)
    rows = value if isinstance(value, list) else [value]
    return "".join(_tsv_row(row) + "\n" for row in rows)


def _tsv_row(row: Any) -> str:
    if isinstance(row, dict):
        return "\t".join(_tsv_cell(v) for v in row.values())
    if isinstance(row, list):
        return "\t".join(_tsv_cell(v) for v in row)
    return _tsv_cell(row)


def _tsv_cell(value: Any) -> str:
    if isinstance(value, list):
        return str(len(value))
    if isinstance(value, dict) or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_table(document: Any) -> str:
    """Any value as a table (what `--query` leaves): an object per row, its scalar fields as columns."""
    value = plain(document)
    rows = value if isinstance(value, list) else [value]
    entries = [_table_entry(row) for row in rows]
    headers = list(dict.fromkeys(h for entry in entries for h in entry))
    if not headers:
        return ""
    return table(headers, ([entry.get(h, "") for h in headers] for entry in entries), indent="")


def _table_entry(row: Any) -> Mapping[str, Any]:
    if isinstance(row, dict):
        return {
            _title(k): _tsv_cell(v)
            for k, v in row.items()
            if k not in TABLE_SKIPS and v is not None and not isinstance(v, dict | list)
        }
    if isinstance(row, list):
        return {f"Column{n}": _tsv_cell(v) for n, v in enumerate(row, start=1)}
    return {"Result": _tsv_cell(row)}


def _title(key: str) -> str:
    return key[:1].upper() + key[1:]


def formatted(document: Any, output: str) -> str:
    """The document in `output` (json, jsonc, yaml, tsv, table); '' for none."""
    writers: Mapping[str, Any] = {
        "json": to_json,
        "jsonc": to_jsonc,
        "yaml": to_yaml,
        "tsv": to_tsv,
        "table": to_table,
    }
    writer = writers.get(output)
    return "" if writer is None else str(writer(document))
