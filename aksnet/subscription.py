"""Which subscription a run uses, and where that came from: flag > spec > environment > the session's
default (the emulator's zero GUID) > the Azure CLI's default."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from aksnet.errors import AuthError

ENV_VAR = "AZURE_SUBSCRIPTION_ID"


def cli_profile_path(env: Mapping[str, str]) -> Path:
    return Path(env.get("AZURE_CONFIG_DIR") or Path.home() / ".azure") / "azureProfile.json"


def cli_default_subscription(path: Path) -> str | None:
    """The Azure CLI's default subscription (`az account show`), read from its profile file."""
    try:
        profile = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    for subscription in profile.get("subscriptions", []):
        if subscription.get("isDefault"):
            return str(subscription.get("id")) or None
    return None


def resolve_subscription(
    flag: str | None,
    spec_value: str | None,
    env: Mapping[str, str] | None = None,
    *,
    default: tuple[str, str] | None = None,
) -> tuple[str, str]:
    """The subscription id and its source, or AuthError (exit 4) saying how to choose one.

    A `default` (with its source) outranks the Azure CLI's profile: the emulator must never pick up the
    subscription of whoever happens to be logged in to az on the machine.
    """
    env = os.environ if env is None else env
    candidates = (
        (flag, "--subscription"),
        (spec_value, "the scenario's subscription_id"),
        (env.get(ENV_VAR), f"${ENV_VAR}"),
        default or (None, ""),
    )
    for value, source in candidates:
        if value:
            return value, source
    path = cli_profile_path(env)
    found = cli_default_subscription(path)
    if found:
        return found, f"the Azure CLI's default subscription ({path})"
    raise AuthError(
        "no Azure subscription chosen",
        code="NO_SUBSCRIPTION",
        hint="set subscription_id in the scenario, pass --subscription, export AZURE_SUBSCRIPTION_ID, "
        "or run `az login` and `az account set -s <id>`",
    )
