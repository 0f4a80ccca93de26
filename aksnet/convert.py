"""Plain data (parsed YAML) into frozen dataclasses, collecting every error with its field path.

Field paths use the dotted form that `--set` accepts (`cluster.node_pools.0.count`), so a user
can copy the path from an error straight into an override.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

T = TypeVar("T")

_TYPE_WORDS: dict[type, str] = {
    str: "a string",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    ipaddress.IPv4Network: "an IPv4 CIDR such as 10.0.0.0/16",
    ipaddress.IPv6Network: "an IPv6 CIDR such as fd00:db8::/64",
    ipaddress.IPv4Address: "an IPv4 address such as 10.0.0.10",
}
NETWORK_TYPES = (ipaddress.IPv4Network, ipaddress.IPv6Network)
FAMILY_EXAMPLES = {4: "IPv4, e.g. 10.0.0.0/16", 6: "IPv6, e.g. fd00:db8::/64"}
# Where IPv6 ranges go, for a user who wrote one in an IPv4-only field.
IPV6_FIELDS = "vnet.address_prefixes, a subnet's address_prefix_ipv6, cluster.pod_cidrs, cluster.service_cidrs"


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of the input."""

    field: str
    message: str
    hint: str


def join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def convert(cls: type[T], data: Any, errors: list[FieldError], path: str = "") -> T | None:
    """Build `cls` from `data`; append every problem to `errors` and return None if any."""
    before = len(errors)
    value = _convert_value(cls, data, errors, path)
    return value if len(errors) == before else None


def _convert_value(tp: Any, data: Any, errors: list[FieldError], path: str) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return _convert_optional(tp, data, errors, path)
    if origin is Literal:
        return _convert_literal(tp, data, errors, path)
    if origin is tuple:
        return _convert_tuple(get_args(tp)[0], data, errors, path)
    if origin in (dict, Mapping):
        return _convert_str_map(data, errors, path)
    if hasattr(tp, "from_text"):
        return _parse_text(tp, data, errors, path)
    if dataclasses.is_dataclass(tp):
        return _convert_dataclass(tp, data, errors, path)
    return _convert_scalar(tp, data, errors, path)


def _convert_optional(tp: Any, data: Any, errors: list[FieldError], path: str) -> Any:
    inner = [arg for arg in get_args(tp) if arg is not type(None)]
    if data is None:
        return None
    if len(inner) > 1 and all(arg in NETWORK_TYPES for arg in inner):
        return _parse_network(data, errors, path, versions=(4, 6))
    # `str | SomeSpec`: a map is the dataclass, anything else the first other choice.
    shaped = [arg for arg in inner if dataclasses.is_dataclass(arg) == isinstance(data, dict)]
    return _convert_value((shaped or inner)[0], data, errors, path)


def _convert_literal(tp: Any, data: Any, errors: list[FieldError], path: str) -> Any:
    choices = get_args(tp)
    if data in choices:
        return data
    folded = {str(c).lower(): c for c in choices}
    if isinstance(data, str) and data.lower() in folded:
        return folded[data.lower()]
    allowed = ", ".join(str(c) for c in choices)
    errors.append(FieldError(path, f"{data!r} is not one of: {allowed}", f"set {path} to one of: {allowed}"))
    return None


def _convert_tuple(item_tp: Any, data: Any, errors: list[FieldError], path: str) -> Any:
    if not isinstance(data, list):
        errors.append(FieldError(path, f"expected a list, got {_describe(data)}", f"write {path} as a list"))
        return None
    return tuple(_convert_value(item_tp, item, errors, join(path, i)) for i, item in enumerate(data))


def _convert_str_map(data: Any, errors: list[FieldError], path: str) -> Any:
    if not isinstance(data, dict) or not all(isinstance(v, str | int | float) for v in data.values()):
        errors.append(FieldError(path, "expected a map of names to strings", f"write {path} as key: value"))
        return None
    return {str(k): str(v) for k, v in data.items()}


def _convert_dataclass(cls: Any, data: Any, errors: list[FieldError], path: str) -> Any:
    if not isinstance(data, dict):
        where = path or "the file"
        errors.append(FieldError(path, f"expected a map of keys at {where}, got {_describe(data)}", ""))
        return None
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    _report_unknown_keys(data, fields, errors, path)
    values: dict[str, Any] = {}
    for name, field in fields.items():
        if name in data:
            values[name] = _convert_value(hints[name], data[name], errors, join(path, name))
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            errors.append(FieldError(join(path, name), "is required", f"add {join(path, name)}"))
    if any(not path or e.field == path or e.field.startswith(f"{path}.") for e in errors):
        return None  # the errors say why; a half-built model would only hide them
    return cls(**values)


def _report_unknown_keys(data: dict[Any, Any], fields: Mapping[str, Any], errors: list[FieldError], path: str) -> None:
    for key in data:
        if key in fields:
            continue
        close = difflib.get_close_matches(str(key), list(fields), n=1)
        hint = f"did you mean {join(path, close[0])}?" if close else f"allowed keys: {', '.join(fields)}"
        errors.append(FieldError(join(path, str(key)), f"unknown key {key!r}", hint))


def _convert_scalar(tp: Any, data: Any, errors: list[FieldError], path: str) -> Any:
    if tp is ipaddress.IPv4Network:
        return _parse_network(data, errors, path, versions=(4,))
    if tp is ipaddress.IPv6Network:
        return _parse_network(data, errors, path, versions=(6,))
    if tp is ipaddress.IPv4Address:
        return _parse_address(data, errors, path)
    if tp is str and isinstance(data, str | int) and not isinstance(data, bool):
        return str(data)
    if tp is int and isinstance(data, int) and not isinstance(data, bool):
        return data
    if tp is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if tp is bool and isinstance(data, bool):
        return data
    word = _TYPE_WORDS.get(tp, getattr(tp, "DESCRIPTION", getattr(tp, "__name__", str(tp))))
    errors.append(FieldError(path, f"expected {word}, got {_describe(data)}", f"set {path} to {word}"))
    return None


def _parse_text(tp: Any, data: Any, errors: list[FieldError], path: str) -> Any:
    """A type written as text that parses itself (`from_text`, raising ValueError with the reason)."""
    how = f"write it as {getattr(tp, 'DESCRIPTION', tp.__name__)}"
    if not isinstance(data, str):
        errors.append(FieldError(path, f"expected text, got {_describe(data)}", how))
        return None
    try:
        return tp.from_text(data)
    except ValueError as exc:
        errors.append(FieldError(path, str(exc), how))
        return None


def parse_network(data: Any, errors: list[FieldError], path: str) -> ipaddress.IPv4Network | None:
    """An IPv4 CIDR, or None with the problem (not a CIDR, host bits set) appended to `errors`: the
    scenario file's own check, for the command-line flags that take one."""
    network = _parse_network(data, errors, path, versions=(4,))
    return network if isinstance(network, ipaddress.IPv4Network) else None


def _parse_network(
    data: Any, errors: list[FieldError], path: str, *, versions: tuple[int, ...]
) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """A CIDR of one of the IP `versions` this field allows; a wrong family is named as such."""
    text = str(data).strip() if isinstance(data, str) else None
    if text is None or "/" not in text:
        errors.append(FieldError(path, f"{data!r} is not a CIDR", "write it as address/prefix, e.g. 10.0.0.0/16"))
        return None
    allowed = " or ".join(FAMILY_EXAMPLES[v] for v in versions)
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        errors.append(FieldError(path, f"{text!r} is not a valid CIDR", f"write {allowed}"))
        return None
    if loose.version not in versions:
        wrong = f"{text!r} is an IPv{loose.version} prefix; {path} takes {allowed}"
        errors.append(FieldError(path, wrong, _elsewhere(loose.version)))
        return None
    if loose.network_address != ipaddress.ip_interface(text).ip:
        errors.append(FieldError(path, f"{text!r} has host bits set", f"use the network address: {loose}"))
        return None
    return loose


def _elsewhere(version: int) -> str:
    if version == 6:
        return f"write an IPv4 range here; IPv6 ranges go in {IPV6_FIELDS} (dual-stack)"
    return "write an IPv6 range here; IPv4 ranges go in the IPv4 fields"


def _parse_address(data: Any, errors: list[FieldError], path: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(str(data).strip()) if isinstance(data, str) else None
    except ValueError:
        pass
    errors.append(FieldError(path, f"{data!r} is not a valid IPv4 address", "e.g. 10.0.0.10"))
    return None


def _describe(data: Any) -> str:
    if data is None:
        return "nothing (null)"
    kind = {dict: "a map", list: "a list", bool: "a boolean", int: "a number", float: "a number"}
    return f"{kind.get(type(data), 'a string')} {data!r}" if not isinstance(data, dict | list) else kind[type(data)]


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)
