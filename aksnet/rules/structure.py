"""Rules about the shape of the scenario: names, ids, what must be given with what."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aksnet.findings import Finding, error, warning
from aksnet.regions import closest_regions, is_public_region
from aksnet.rules.base import RuleContext
from aksnet.spec import WINDOWS_PASSWORD_ENV, Spec, windows_admin_password

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# ManagedCluster name (arm-facts.md §3.3).
CLUSTER_NAME = re.compile(r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$")
DEPLOYMENT_NAME = re.compile(r"^[a-zA-Z0-9][-_.a-zA-Z0-9]{0,62}$")
RESOURCE_GROUP_NAME = re.compile(r"^[-\w._()]{1,90}$")
LOCATION = re.compile(r"^[a-z0-9]+$")
K8S_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")
IDENTITY_ID = re.compile(
    r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.managedidentity/userassignedidentities/[^/]+$",
    re.IGNORECASE,
)
# ManagedClusterWindowsProfile.adminUsername restrictions (AKS API reference).
WINDOWS_USERNAMES_DISALLOWED = frozenset(
    {
        *("administrator", "admin", "user", "user1", "user2", "user3", "user4", "user5", "test", "test1"),
        *("test2", "test3", "admin1", "admin2", "1", "123", "a", "actuser", "adm", "aspnet", "backup"),
        *("console", "david", "guest", "john", "owner", "root", "server", "sql", "support", "sys"),
        "support_388945a0",
    }
)
OVERLAY_NAME_LIMIT = 63


def names(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    if not DEPLOYMENT_NAME.match(spec.deployment):
        yield error(
            "NAME_INVALID",
            "deployment",
            f"deployment {spec.deployment!r} is not a valid name",
            "use 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit",
        )
    if not CLUSTER_NAME.match(spec.cluster.name):
        yield error(
            "NAME_INVALID",
            "cluster.name",
            f"cluster name {spec.cluster.name!r} is not valid for AKS",
            "use 1-63 letters, digits, '-' or '_', starting and ending with a letter or digit",
        )
    for field, value in (
        ("resource_group", spec.resource_group),
        ("vnet.resource_group", spec.vnet.resource_group),
    ):
        if value is not None and (not RESOURCE_GROUP_NAME.match(value) or value.endswith(".")):
            yield error(
                "NAME_INVALID",
                field,
                f"resource group name {value!r} is not valid",
                "use up to 90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
            )
    if not LOCATION.match(spec.location):
        yield error(
            "SPEC_INVALID",
            "location",
            f"location {spec.location!r} is not an Azure region name",
            f"use the short name, e.g. {re.sub('[^a-z0-9]', '', spec.location.lower()) or 'eastus'}",
        )
    elif not is_public_region(spec.location):
        close = closest_regions(spec.location)
        guess = f"did you mean {' or '.join(close)}? " if close else ""
        yield error(
            "LOCATION_UNKNOWN",
            "location",
            f"location {spec.location!r} is not a public Azure region",
            f"{guess}`az account list-locations -o table` lists the regions your subscription offers",
        )


def ids(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    if spec.subscription_id is not None and not GUID.match(spec.subscription_id):
        yield error(
            "SPEC_INVALID",
            "subscription_id",
            f"{spec.subscription_id!r} is not a subscription id",
            "use the GUID from `az account show --query id`, or omit it",
        )
    identity = spec.identity
    if identity.name and identity.id:
        yield error(
            "SPEC_INVALID",
            "identity",
            "identity has both `name` and `id`",
            "give `name` for an identity aksnet creates, or `id` for one you bring, not both",
        )
    if identity.id and not IDENTITY_ID.match(identity.id):
        yield error(
            "SPEC_INVALID",
            "identity.id",
            f"{identity.id!r} is not a user-assigned identity resource id",
            "use /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/"
            "userAssignedIdentities/<name>",
        )
    version = spec.cluster.kubernetes_version
    if version is not None and not K8S_VERSION.match(version):
        yield error(
            "SPEC_INVALID",
            "cluster.kubernetes_version",
            f"{version!r} is not a Kubernetes version",
            "use MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 1.33, or omit it for AKS's default",
        )


def existing_resources(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    vnet = spec.vnet
    if not vnet.existing and not vnet.address_prefixes:
        yield error(
            "SPEC_INVALID",
            "vnet.address_prefixes",
            f"VNet {vnet.name} is created by aksnet but has no address_prefixes",
            "add vnet.address_prefixes, e.g. [192.168.0.0/16], or set vnet.existing: true",
        )
    rt = spec.route_table
    if rt is not None and rt.existing and rt.routes:
        yield error(
            "SPEC_INVALID",
            "route_table.routes",
            f"routes are declared on route table {rt.name}, which you bring; aksnet never changes a resource you own",
            "drop route_table.routes, or let aksnet create the table (existing: false)",
        )


def overlay_name_lengths(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    # Overlay turns these names into node labels, capped at 63 characters (azure-cni-overlay.md).
    if not spec.cluster.overlay:
        return
    subnets = [(f"{spec.vnet.subnet_field(s)}.name", s.name) for s in spec.node_subnets()]
    for field, value in (*subnets, ("vnet.name", spec.vnet.name), ("resource_group", spec.vnet_resource_group)):
        if len(value) > OVERLAY_NAME_LIMIT:
            yield error(
                "NAME_TOO_LONG",
                field,
                f"{value!r} is {len(value)} characters; with Azure CNI Overlay the "
                "subnet, VNet and resource group names become node labels, at most 63",
                "shorten the name",
            )


def windows_profile(spec: Spec, ctx: RuleContext) -> Iterator[Finding]:
    if not spec.cluster.has_windows_pool:
        return
    username = spec.cluster.windows_admin_username
    if username is None:
        yield error(
            "WINDOWS_PROFILE_REQUIRED",
            "cluster.windows_admin_username",
            "a Windows node pool needs the cluster's Windows admin username",
            f"set cluster.windows_admin_username and export {WINDOWS_PASSWORD_ENV}",
        )
    elif username.lower() in WINDOWS_USERNAMES_DISALLOWED or len(username) > 20 or username.endswith("."):
        yield error(
            "WINDOWS_PROFILE_INVALID",
            "cluster.windows_admin_username",
            f"{username!r} is not allowed as the Windows admin username",
            "use 1-20 characters, not a reserved name such as admin or root",
        )
    yield from _windows_password(ctx)


def _windows_password(ctx: RuleContext) -> Iterator[Finding]:
    password = windows_admin_password(ctx.env)
    if password is None:
        make = error if ctx.require_secrets else warning
        yield make(
            "WINDOWS_PASSWORD_MISSING",
            WINDOWS_PASSWORD_ENV,
            f"{WINDOWS_PASSWORD_ENV} is not set; a Windows node pool needs the admin password",
            f"export {WINDOWS_PASSWORD_ENV} before `aksnet up` (it is never read from the scenario file)",
        )
        return
    classes = sum(bool(re.search(p, password)) for p in ("[a-z]", "[A-Z]", "[0-9]", "[^a-zA-Z0-9]"))
    if not 14 <= len(password) <= 123 or classes < 3:
        # Never echo the password; its length and class count are enough to fix it.
        yield error(
            "WINDOWS_PASSWORD_INVALID",
            WINDOWS_PASSWORD_ENV,
            f"the password in {WINDOWS_PASSWORD_ENV} has {len(password)} characters from {classes} character classes",
            "use 14-123 characters with at least three of: lower case, upper case, digits, symbols",
        )


RULES = (names, ids, existing_resources, overlay_name_lengths, windows_profile)
