"""Which Azure a run talks to: a named cloud (`--cloud`) or any ARM endpoint (`--arm-endpoint`).

Pure data: each cloud's Resource Manager endpoint, Microsoft Entra authority host and ARM token
scope. A custom endpoint (Azure Stack Hub, a served aksnet emulator) learns its authority and
audience from the endpoint's own `/metadata/endpoints` (aksnet.azure.cloud), as `az cloud register` does.
"""

from __future__ import annotations

from dataclasses import dataclass

ARM_ENDPOINT_ENV = "AKSNET_ARM_ENDPOINT"


@dataclass(frozen=True)
class Cloud:
    """Where ARM is, where tokens come from, and what scope they are for."""

    name: str
    arm_endpoint: str
    authority: str  # a host (login.microsoftonline.com) or a URL (https://127.0.0.1:8443)
    scope: str
    known: bool = True  # a public or sovereign cloud; custom authorities skip MSAL's instance discovery

    def describe(self) -> str:
        return f"{self.name} ({self.arm_endpoint})"


CLOUDS = {
    "AzureCloud": Cloud(
        "AzureCloud",
        "https://management.azure.com",
        "login.microsoftonline.com",
        "https://management.azure.com/.default",
    ),
    "AzureChinaCloud": Cloud(
        "AzureChinaCloud",
        "https://management.chinacloudapi.cn",
        "login.chinacloudapi.cn",
        "https://management.chinacloudapi.cn/.default",
    ),
    "AzureUSGovernment": Cloud(
        "AzureUSGovernment",
        "https://management.usgovcloudapi.net",
        "login.microsoftonline.us",
        "https://management.usgovcloudapi.net/.default",
    ),
}
DEFAULT_CLOUD = "AzureCloud"


def scope_of(audience: str) -> str:
    """The `.default` scope of a token audience, as azure-identity expects it."""
    return audience.rstrip("/") + "/.default"
