"""The kinds of resource an Azure Local plan steps through (ARM types in `aksnet.arm.ARM_TYPES`)."""

from typing import Literal

ArcKind = Literal["custom_location", "logical_network", "connected_cluster", "provisioned_cluster"]
