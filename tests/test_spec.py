"""The scenario file: typing, defaults, overrides, and every kind of bad input as a finding."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from aksnet.errors import SpecInvalid
from aksnet.spec import load_spec, parse_spec
from helpers import BASE, make_spec


def invalid(*overrides: str) -> list[tuple[str, str]]:
    with pytest.raises(SpecInvalid) as caught:
        make_spec(*overrides)
    assert all(f.code == "SPEC_INVALID" for f in caught.value.findings)
    return [(f.field, f"{f.message} / {f.hint}") for f in caught.value.findings]


def test_omitted_plugin_defaults_to_azure_cni_overlay_like_az() -> None:
    spec = make_spec("cluster.network_plugin=null", "cluster.network_plugin_mode=null")
    assert (spec.cluster.network_plugin, spec.cluster.network_plugin_mode) == ("azure", "overlay")


def test_plain_azure_plugin_means_flat_cni_with_no_pod_range() -> None:
    spec = make_spec(
        "cluster.network_plugin_mode=null",
        "cluster.pod_cidr=null",
        "cluster.network_dataplane=null",
        "cluster.network_policy=null",
    )
    assert spec.cluster.flat_azure_cni and spec.cluster.pod_cidr is None


@pytest.mark.parametrize(
    ("overrides", "max_pods"),
    [
        ((), 250),
        (
            (
                "cluster.network_plugin_mode=null",
                "cluster.pod_cidr=null",
                "cluster.network_dataplane=null",
                "cluster.network_policy=null",
            ),
            30,
        ),
        (
            (
                "cluster.network_plugin=kubenet",
                "cluster.network_plugin_mode=null",
                "cluster.network_dataplane=null",
                "cluster.network_policy=null",
            ),
            110,
        ),
    ],
    ids=["overlay", "flat-cni", "kubenet"],
)
def test_max_pods_defaults_per_network_model(overrides: tuple[str, ...], max_pods: int) -> None:
    assert make_spec(*overrides).cluster.node_pools[0].max_pods == max_pods


def test_network_defaults_are_the_aks_defaults() -> None:
    spec = make_spec("cluster.pod_cidr=null")
    assert spec.cluster.pod_cidr == IPv4Network("10.244.0.0/16")
    assert spec.cluster.service_cidr == IPv4Network("10.0.0.0/16")
    assert spec.cluster.dns_service_ip == IPv4Address("10.0.0.10")
    assert spec.cluster.outbound_type == "loadBalancer"


def test_dns_ip_follows_a_custom_service_range_when_omitted() -> None:
    spec = make_spec("cluster.service_cidr=10.96.0.0/16")
    assert spec.cluster.dns_service_ip == IPv4Address("10.96.0.10")


def test_first_pool_is_system_and_later_pools_user_by_default() -> None:
    spec = make_spec("cluster.node_pools=[{name: a}, {name: b}]")
    assert [(p.mode, p.count) for p in spec.cluster.node_pools] == [("System", 3), ("User", 3)]


def test_identity_name_defaults_from_the_cluster() -> None:
    spec = parse_spec({k: v for k, v in BASE.items() if k != "identity"})
    assert spec.identity.name == "aks-identity"


def test_subnet_existing_follows_the_vnet() -> None:
    assert make_spec("vnet.existing=true").subnet_existing
    assert not make_spec().subnet_existing


def test_set_overrides_dotted_paths_and_list_indexes() -> None:
    spec = make_spec("cluster.node_pools.0.count=7", "cluster.node_pools.0.max_surge=33%", "tags.team=net")
    assert spec.cluster.node_pools[0].count == 7
    assert spec.cluster.node_pools[0].max_surge == "33%"
    assert spec.tags == {"team": "net"}


def test_set_values_are_yaml_so_lists_and_null_work() -> None:
    spec = make_spec("vnet.address_prefixes=[10.20.0.0/16, 10.30.0.0/16]", "cluster.kubernetes_version=null")
    assert len(spec.vnet.address_prefixes) == 2


def test_enum_values_are_case_insensitive_like_az() -> None:
    assert make_spec("cluster.outbound_type=loadbalancer").cluster.outbound_type == "loadBalancer"


def test_unknown_keys_are_errors_with_a_suggestion() -> None:
    problems = invalid("cluster.netwrok_policy=calico")
    assert problems[0][0] == "cluster.netwrok_policy"


def test_unknown_nested_key_in_a_list_names_its_index() -> None:
    assert invalid("cluster.node_pools.0.colour=red")[0][0] == "cluster.node_pools.0.colour"


def test_every_problem_is_reported_at_once() -> None:
    fields = {
        field for field, _ in invalid("bogus=1", "cluster.pod_cidr=10.244.0.1/16", "cluster.node_pools.0.count=many")
    }
    assert fields == {"bogus", "cluster.pod_cidr", "cluster.node_pools.0.count"}


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        ("cluster.pod_cidr=10.244.0.1/16", "cluster.pod_cidr", "10.244.0.0/16"),
        ("cluster.service_cidr=10.0.0.0/33", "cluster.service_cidr", "not a valid"),
        ("cluster.service_cidr=10.0.0.0", "cluster.service_cidr", "not a CIDR"),
        ("cluster.dns_service_ip=10.0.0.300", "cluster.dns_service_ip", "not a valid IPv4 address"),
        ("cluster.node_pools.0.count=three", "cluster.node_pools.0.count", "whole number"),
        ("cluster.node_pools.0.count=true", "cluster.node_pools.0.count", "whole number"),
        ("cluster.network_plugin=flannel", "cluster.network_plugin", "kubenet, azure, none"),
        ("vnet.address_prefixes=10.20.0.0/16", "vnet.address_prefixes", "list"),
        ("vnet.subnet=subnet1", "vnet.subnet", "map"),
        ("deployment=null", "deployment", "string"),
    ],
)
def test_wrong_values_name_the_field_and_the_fix(override: str, field: str, words: str) -> None:
    problems = invalid(override)
    assert problems[0][0] == field
    assert words in problems[0][1]


def test_missing_required_keys_are_listed() -> None:
    with pytest.raises(SpecInvalid) as caught:
        parse_spec({"deployment": "x"})
    fields = {f.field for f in caught.value.findings}
    assert {"location", "resource_group", "vnet", "cluster"} <= fields


def test_set_without_equals_is_rejected() -> None:
    assert "PATH=VALUE" in invalid("cluster.name")[0][1]


def test_set_index_out_of_range_is_rejected() -> None:
    assert invalid("cluster.node_pools.5.count=1")[0][0] == "cluster.node_pools.5.count"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("deployment: [unclosed\n", "not valid YAML (line"),
        ("", "expected a map"),
        ("- a\n- b\n", "expected a map"),
        ("deployment: a\ndeployment: b\n", "duplicate key 'deployment'"),
    ],
)
def test_bad_files_are_spec_findings_not_tracebacks(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(content)
    with pytest.raises(SpecInvalid) as caught:
        load_spec(path)
    assert words in " ".join(f.message for f in caught.value.findings)


def test_missing_file_and_folder_are_findings(tmp_path: Path) -> None:
    for path, words in ((tmp_path / "nope.yaml", "no such file"), (tmp_path, "is a folder")):
        with pytest.raises(SpecInvalid) as caught:
            load_spec(path)
        assert words in caught.value.findings[0].message


def test_binary_file_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SpecInvalid):
        load_spec(path)


def test_base_scenario_round_trips_unchanged() -> None:
    spec = parse_spec(BASE)
    assert spec.cluster.name == "aks" and spec.vnet.subnet.address_prefix == IPv4Network("10.20.0.0/24")
